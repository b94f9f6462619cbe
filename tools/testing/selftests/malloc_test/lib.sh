# SPDX-License-Identifier: GPL-2.0
# lib.sh - KTAP helpers shared by the malloc_test guest suite.
#
# Sourced by every case program (NN-*.sh) and by run.sh, their runner;
# plain busybox ash, no bash-isms.  The helpers avoid forks where they are
# called often (TCG makes every fork expensive): keys are read with the
# read builtin, never with awk.
#
# Conventions:
#   - a case is a program (kselftest's convention): it sources this file,
#     prints KTAP (ktap_start, one result line per check), brings the
#     module into the state it needs (mt_setup), and ends with mt_exit
#     (mt_teardown, the plan, exit 0 when every check passed, else 1) or
#     mt_exit_skip REASON (exit 4: what it needs is missing);
#   - one KTAP result line per check: pass/fail/skip or one of the check_*
#     helpers; a failing check prints its evidence as "# " lines;
#   - mtw FILE WORDS... writes one command on a fresh fd of FILE and reads
#     the result back on the same fd: MT_RC (0 when the write was
#     accepted), MT_ERR (the shell's "write error: ..." text), MT_OUT;
#   - expect/verdict gather several conditions into one check.
#
# Environment: MT_MODULE (the module mt_setup loads, default
# /mt/malloc_test.ko, where harness/vm.sh puts it), MT_TESTS (this
# directory, default the case's own), MT_TMP (the case's scratch files,
# emptied here), MT_STATE (what the cases of one boot share, default
# /tmp/mt-state: see mt_setup).

D=${MT_DEBUGFS:-/sys/kernel/debug/malloc_test}
P=${MT_PARAMS:-/sys/module/malloc_test/parameters}
KO=${MT_MODULE:-/mt/malloc_test.ko}
KVER=$(cat /mt/kver 2>/dev/null)
# The kernel's .config, which the harness puts beside the suite: a case
# skips what the kernel was built without (mt_need_config).
MT_CONFIG=${MT_CONFIG:-/mt/config}
case $0 in
*/*) MT_TESTS=${MT_TESTS:-${0%/*}} ;;
*) MT_TESTS=${MT_TESTS:-.} ;;
esac
MT_TMP=${MT_TMP:-/tmp/mt-suite}
MT_STATE=${MT_STATE:-/tmp/mt-state}
NL='
'
rm -rf "$MT_TMP"
mkdir -p "$MT_TMP"
[ -c /dev/kmsg ] || mknod /dev/kmsg c 1 11 2>/dev/null

KTAP_N=0
KTAP_PASS=0
KTAP_FAIL=0
KTAP_SKIP=0

# The texts the C library gives the errnos the module returns.
E_EINVAL="Invalid argument"
E_ENOENT="No such file or directory"
E_ENOSPC="No space left on device"
E_ENOMEM="Cannot allocate memory"

# ---------------------------------------------------------------- KTAP ---

ktap_start() {
	echo "KTAP version 1"
}

# diag TEXT...: every line of TEXT as a "# " line
diag() {
	_dl=$*
	while :; do
		echo "# ${_dl%%"$NL"*}"
		case $_dl in
		*"$NL"*) _dl=${_dl#*"$NL"} ;;
		*) break ;;
		esac
	done
}

pass() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_PASS=$((KTAP_PASS + 1))
	echo "ok $KTAP_N - $1"
}

# fail DESC [EVIDENCE...]
fail() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_FAIL=$((KTAP_FAIL + 1))
	echo "not ok $KTAP_N - $1"
	shift
	for _fl in "$@"; do
		diag "$_fl"
	done
}

# MT_KASAN: set on a KASAN kernel.  KASAN pads every slab object with
# redzones and holds freed ones in quarantine, so there Slab (and with it
# MemFree) does not follow the module's figures: the debug lane proves the
# absence of reports, the stock kernels' lanes the figures.
# Looked for once a boot (the ring buffer forgets the boot's lines in a
# long run) and kept in $MT_STATE/kasan with the boot's id.
MT_KASAN=
MT_BOOT=
[ ! -r /proc/sys/kernel/random/boot_id ] || read -r MT_BOOT </proc/sys/kernel/random/boot_id
_kb=
[ ! -r "$MT_STATE/kasan" ] || read -r _kb MT_KASAN <"$MT_STATE/kasan"
if [ -z "$MT_BOOT" ] || [ "x$_kb" != "x$MT_BOOT" ]; then
	MT_KASAN=
	dmesg 2>/dev/null | grep -q 'KernelAddressSanitizer initialized' && MT_KASAN=1
	mkdir -p "$MT_STATE"
	echo "$MT_BOOT $MT_KASAN" >"$MT_STATE/kasan"
fi
MT_KASAN_WHY="KASAN's redzones and quarantine decouple Slab from the module's figures"
# " and Slab" where Slab is checked alongside VmallocUsed, else empty
MT_AND_SLAB=" and Slab"
[ -z "$MT_KASAN" ] || MT_AND_SLAB=

# skip DESC REASON
skip() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_SKIP=$((KTAP_SKIP + 1))
	echo "ok $KTAP_N - $1 # SKIP $2"
}

ktap_finish() {
	echo "1..$KTAP_N"
	echo "# Totals: pass:$KTAP_PASS fail:$KTAP_FAIL skip:$KTAP_SKIP"
}

# check DESC CMD...: passes when CMD succeeds
check() {
	_cd=$1
	shift
	if "$@"; then
		pass "$_cd"
	else
		fail "$_cd" "failed: $*"
	fi
}

# check_eq DESC GOT WANT [EVIDENCE...]
check_eq() {
	if [ "x$2" = "x$3" ]; then
		pass "$1"
	else
		_cd=$1 _cg=$2 _cw=$3
		shift 3
		fail "$_cd" "got:      '$_cg'" "expected: '$_cw'" "$@"
	fi
}

# check_range DESC VAL LO HI [EVIDENCE...]: LO <= VAL <= HI, integers
check_range() {
	if isnum "$2" && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then
		pass "$1"
	else
		_cd=$1 _cg=$2 _cl=$3 _ch=$4
		shift 4
		fail "$_cd" "got: '$_cg', expected in $_cl..$_ch" "$@"
	fi
}

# expect MSG CMD...: notes MSG for the next verdict when CMD fails
_E=
expect() {
	_em=$1
	shift
	"$@" || _E="$_E$_em$NL"
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "x$2" = "x$3" ] || _E="$_E$1: got '$2', expected '$3'$NL"
}

# expect_range WHAT VAL LO HI
expect_range() {
	if ! isnum "$2" || [ "$2" -lt "$3" ] || [ "$2" -gt "$4" ]; then
		_E="$_E$1: got '$2', expected in $3..$4$NL"
	fi
}

# verdict DESC [EVIDENCE...]: one result line for what expect gathered
verdict() {
	if [ -z "$_E" ]; then
		pass "$1"
	else
		_vd=$1
		shift
		fail "$_vd" "${_E%"$NL"}" "$@"
	fi
	_E=
}

# ----------------------------------------------------------- utilities ---

isnum() {
	case ${1#-} in
	'' | *[!0-9]*) return 1 ;;
	esac
	return 0
}

# now_ms: milliseconds since boot
now_ms() {
	read -r _up _ </proc/uptime
	_s=${_up%.*}
	_c=${_up#*.}
	echo $((_s * 1000 + ${_c#0} * 10))
}

# nowv VAR: the same without a fork
nowv() {
	read -r _up _ </proc/uptime
	_s=${_up%.*}
	_c=${_up#*.}
	eval "$1=$((_s * 1000 + ${_c#0} * 10))"
}

# slurp VAR FILE: the whole FILE (trailing newline dropped), or '' if it
# cannot be read
slurp() {
	_t=
	if [ -r "$2" ]; then
		while IFS= read -r _l || [ -n "$_l" ]; do
			_t="$_t$_l$NL"
		done <"$2"
	fi
	eval "$1=\${_t%\"\$NL\"}"
}

# skey_raw VAR TEXT KEY: the value of the line "KEY: value" of TEXT, as
# it is ('' if none)
skey_raw() {
	_v=
	_sr=$2
	while [ -n "$_sr" ]; do
		_l=${_sr%%"$NL"*}
		case $_sr in
		*"$NL"*) _sr=${_sr#*"$NL"} ;;
		*) _sr= ;;
		esac
		case $_l in
		"$3: "*)
			_v=${_l#"$3: "}
			break
			;;
		esac
	done
	eval "$1=\$_v"
}

# skey VAR TEXT KEY: the value of the line "KEY: value" of TEXT ('' if
# none, NaN if it is neither a number nor a lower-case word)
skey() {
	skey_raw "$1" "$2" "$3"
	# A value that is neither a number nor a plain word would abort the
	# shell if it reached $((...)): make it NaN (0 in arithmetic).
	if ! isnum "$_v"; then
		case $_v in
		*[!a-z_]*) _v=NaN ;;
		esac
	fi
	eval "$1=\$_v"
}

# fkey VAR FILE KEY: the value of KEY in FILE
fkey() {
	slurp _fk "$2"
	skey "$1" "$_fk" "$3"
}

# used VAR KEY: the value of KEY in mem_used
used() {
	fkey "$1" "$D/mem_used" "$2"
}

# stat VAR ID KEY: KEY in tests/ID/stats
tstat() {
	fkey "$1" "$D/tests/$2/stats" "$3"
}

# block VAR ID: the block of test ID in mem_test_list ('' if none)
block() {
	slurp _bl "$D/mem_test_list"
	_b=
	_cur=
	_rest=$_bl$NL
	while [ -n "$_rest" ]; do
		_l=${_rest%%"$NL"*}
		_rest=${_rest#*"$NL"}
		if [ -z "$_l" ]; then
			skey _bid "$_cur" id
			if [ "x$_bid" = "x$2" ]; then
				_b=$_cur
				break
			fi
			_cur=
			continue
		fi
		_cur=${_cur:+$_cur$NL}$_l
	done
	if [ -z "$_b" ] && [ -n "$_cur" ]; then
		skey _bid "$_cur" id
		[ "x$_bid" = "x$2" ] && _b=$_cur
	fi
	eval "$1=\$_b"
}

# list_ids VAR: the ids in mem_test_list, space separated, in list order
list_ids() {
	slurp _li "$D/mem_test_list"
	_ids=
	_lr=$_li
	while [ -n "$_lr" ]; do
		_l=${_lr%%"$NL"*}
		case $_lr in
		*"$NL"*) _lr=${_lr#*"$NL"} ;;
		*) _lr= ;;
		esac
		case $_l in
		"id: "*) _ids="$_ids${_ids:+ }${_l#id: }" ;;
		esac
	done
	eval "$1=\$_ids"
}

# mi VAR FIELD: FIELD of /proc/meminfo, in kB
mi() {
	_v=
	while read -r _k _n _; do
		if [ "$_k" = "$2:" ]; then
			_v=$_n
			break
		fi
	done </proc/meminfo
	eval "$1=\$_v"
}

# param VAR NAME: the module parameter NAME
param() {
	_v=
	[ -r "$P/$2" ] && read -r _v <"$P/$2"
	eval "$1=\$_v"
}

# setparam NAME VALUE: writes VALUE; MT_RC, MT_ERR as for mtw
setparam() {
	MT_RC=255
	MT_ERR=
	: >"$MT_TMP/err"
	{
		echo "$2" >&3 2>"$MT_TMP/err"
		MT_RC=$?
	} 2>"$MT_TMP/openerr" 3>"$P/$1"
	read -r MT_ERR <"$MT_TMP/err"
	[ "$MT_RC" = 255 ] && read -r MT_ERR <"$MT_TMP/openerr"
	return "$MT_RC"
}

# mtw FILE WORDS...: writes "WORDS\n" in one write() on a fresh read-write
# fd of $D/FILE, then reads the result back on the same fd.
# (echo, not printf: busybox's printf does not report a failed write)
# Sets MT_RC (0: accepted), MT_ERR, MT_OUT; returns MT_RC.
mtw() {
	_f=$D/$1
	shift
	MT_RC=255
	MT_ERR=
	MT_OUT=
	: >"$MT_TMP/err"
	{
		echo "$*" >&3 2>"$MT_TMP/err"
		MT_RC=$?
		MT_OUT=
		while IFS= read -r _l <&3 || [ -n "$_l" ]; do
			MT_OUT="$MT_OUT$_l$NL"
		done
		MT_OUT=${MT_OUT%"$NL"}
	} 2>"$MT_TMP/openerr" 3<>"$_f"
	read -r MT_ERR <"$MT_TMP/err"
	[ "$MT_RC" = 255 ] && read -r MT_ERR <"$MT_TMP/openerr"
	return "$MT_RC"
}

# mtw_raw FILE STRING: like mtw, but writes STRING as it is (printf %s),
# no newline added
mtw_raw() {
	_f=$D/$1
	MT_RC=255
	MT_ERR=
	MT_OUT=
	: >"$MT_TMP/err"
	{
		printf '%s' "$2" >&3 2>"$MT_TMP/err"
		MT_RC=$?
		MT_OUT=
		while IFS= read -r _l <&3 || [ -n "$_l" ]; do
			MT_OUT="$MT_OUT$_l$NL"
		done
		MT_OUT=${MT_OUT%"$NL"}
	} 2>"$MT_TMP/openerr" 3<>"$_f"
	read -r MT_ERR <"$MT_TMP/err"
	[ "$MT_RC" = 255 ] && read -r MT_ERR <"$MT_TMP/openerr"
	return "$MT_RC"
}

# mtw_wo FILE WORDS...: a write on a write-only fd (mem_test_destroy_all),
# nothing read back.  Sets MT_RC, MT_ERR.
mtw_wo() {
	_f=$D/$1
	shift
	MT_RC=255
	MT_ERR=
	MT_OUT=
	: >"$MT_TMP/err"
	{
		echo "$*" >&3 2>"$MT_TMP/err"
		MT_RC=$?
	} 2>"$MT_TMP/openerr" 3>"$_f"
	read -r MT_ERR <"$MT_TMP/err"
	[ "$MT_RC" = 255 ] && read -r MT_ERR <"$MT_TMP/openerr"
	return "$MT_RC"
}

# mt_evidence: the last command's outcome, for a failing check
mt_evidence() {
	echo "write status $MT_RC${MT_ERR:+ ($MT_ERR)}, read back: '$MT_OUT'"
}

# do_ok DESC FILE WORDS...: one check that the command is accepted and its
# result is empty
do_ok() {
	_dd=$1
	shift
	mtw "$@"
	if [ "$MT_RC" = 0 ] && [ -z "$MT_OUT" ]; then
		pass "$_dd"
	else
		fail "$_dd" "$(mt_evidence)"
	fi
}

# run_ok FILE WORDS...: run a command that must succeed (no check line of
# its own); prints the evidence and returns 1 when it does not
run_ok() {
	if mtw "$@"; then
		return 0
	fi
	diag "command '$*' failed: $(mt_evidence)"
	return 1
}

# ------------------------------------------------------------- kernel log ---

MARK_N=0
MARK=

# kmark: puts a marker into the kernel log; ksince gives what came after
kmark() {
	MARK_N=$((MARK_N + 1))
	MARK="mt-suite-mark-$$-$MARK_N"
	echo "$MARK" >/dev/kmsg 2>/dev/null
	return 0
}

# ksince: the kernel log since the last kmark
ksince() {
	dmesg | sed -n "/$MARK\$/,\$p" | sed 1d
}

# kmark_kept: the last kmark is still in the kernel log (a flood of lines
# can push it out of the ring buffer, and ksince would then be empty)
kmark_kept() {
	dmesg | grep -q -- "$MARK\$"
}

# klog_has PATTERN: the kernel log since the last kmark has a line matching
# the extended regular expression PATTERN
klog_has() {
	ksince | grep -Eq -- "$1"
}

# ------------------------------------------------------------ refusals ---

# State compared around refusals: mem_used, the test list, the tests dir.
state() {
	slurp _su "$D/mem_used"
	slurp _sl "$D/mem_test_list"
	_sd=$(ls "$D/tests" 2>&1)
	eval "$1=\"\$_su\$NL--\$NL\$_sl\$NL--\$NL\$_sd\""
}

errno_text() {
	eval "echo \"\$E_$1\""
}

# refuse ERRNO FILE WORDS...: one check that the command is refused with
# ERRNO (EINVAL, ENOENT, ENOSPC, ENOMEM), that "error: <reason>" is read
# back on the same fd, that nothing changed (mem_used, mem_test_list,
# tests/) and that the kernel log says why ("malloc_test:" and the file).
# R_DESC, when set, replaces the command text in the description;
# R_RAW=1 writes the words with printf (no newline added).
# The module rate-limits its refusal messages: when the log line is
# missing, the check waits for the rate-limit interval and tries again
# once (a refusal changes nothing, so the retry is harmless).
refuse() {
	_rerr=$1
	_rfile=$2
	shift 2
	_rwords=$*
	_rdesc=${R_DESC:-"'$_rwords'"}
	_rdesc="$_rfile $_rdesc refused with $_rerr"
	_rwant=$(errno_text "$_rerr")
	state _rbefore
	_rtry=0
	while :; do
		kmark
		if [ "$_rfile" = mem_test_destroy_all ]; then
			mtw_wo "$_rfile" "$_rwords"
		elif [ "${R_RAW:-0}" = 1 ]; then
			mtw_raw "$_rfile" "$_rwords"
		else
			mtw "$_rfile" "$_rwords"
		fi
		state _rafter
		_E=
		expect "write accepted, expected $_rerr: $(mt_evidence)" [ "$MT_RC" != 0 ]
		case $MT_ERR in
		*"$_rwant"*) ;;
		*) [ "$MT_RC" != 0 ] && _E="${_E}wrong errno: '$MT_ERR', expected '$_rwant'$NL" ;;
		esac
		if [ "$_rfile" != mem_test_destroy_all ]; then
			case $MT_OUT in
			"error: "?*"$NL"* | "error: ") _E="${_E}read back is not one 'error: <reason>' line: '$MT_OUT'$NL" ;;
			"error: "?*) ;;
			*) _E="${_E}read back is not 'error: <reason>': '$MT_OUT'$NL" ;;
			esac
		fi
		[ "x$_rbefore" = "x$_rafter" ] || _E="${_E}state changed:$NL$_rbefore${NL}became$NL$_rafter$NL"
		if klog_has "malloc_test:.*$_rfile"; then
			break
		fi
		# Retry only a refusal that was right but for its log line.
		if [ $_rtry = 1 ] || [ -n "$_E" ]; then
			_E="${_E}no 'malloc_test: ... $_rfile' line in the kernel log (even after a rate-limit pause); log since the command:$NL$(ksince | tail -5)$NL"
			break
		fi
		_rtry=1
		diag "no log line for $_rfile yet: waiting out the rate limit, then once more"
		sleep 5.2
	done
	verdict "$_rdesc"
	R_DESC=
	R_RAW=
}

# ----------------------------------------------------------- waiting ---

# wait_until TIMEOUT_MS CMD...: polls CMD every 100 ms; 0 when it succeeded
# (gives up at once when the module's directory is gone)
wait_until() {
	nowv _wend
	_wend=$((_wend + $1))
	shift
	while :; do
		"$@" && return 0
		[ -d "$D" ] || return 1
		nowv _wnow
		[ "$_wnow" -ge "$_wend" ] && return 1
		sleep 0.1
	done
}

# rcu_drained: mem_used's rcu_pending_bytes is 0: what release=rcu gave
# the kernel is no longer charged (5 s and a grace period after it)
rcu_drained() {
	used _rd rcu_pending_bytes
	[ "x$_rd" = x0 ]
}

# rcu_settle: wait for rcu_drained, 15 s at most; 0 when it came
rcu_settle() {
	wait_until 15000 rcu_drained
}

# state_is ID STATE: tests/ID/stats says state STATE
state_is() {
	tstat _st "$1" state
	[ "x$_st" = "x$2" ]
}

# kv_ge MAJOR MINOR: the running kernel is MAJOR.MINOR or later
kv_ge() {
	_kv=$(uname -r)
	_kmaj=${_kv%%.*}
	_kmin=${_kv#*.}
	_kmin=${_kmin%%[!0-9]*}
	[ "$_kmaj" -gt "$1" ] || { [ "$_kmaj" = "$1" ] && [ "$_kmin" -ge "$2" ]; }
}

# loaded [NAME]: the module NAME (malloc_test) is in /proc/modules
loaded() {
	while read -r _m _; do
		[ "$_m" = "${1:-malloc_test}" ] && return 0
	done </proc/modules
	return 1
}

# unload: rmmod until it is gone (a lingering fd can delay it)
unload() {
	_ui=0
	while loaded; do
		rmmod malloc_test 2>"$MT_TMP/rmmod" && return 0
		_ui=$((_ui + 1))
		[ $_ui -ge 50 ] && return 1
		sleep 0.2
	done
	return 0
}

# ------------------------------------- reasons, CPUs, dedicated caches ---

# usage_of VAR FILE: the usage line $D/FILE gives before any write
usage_of() {
	_ul=
	{ IFS= read -r _ul <&3; } 2>/dev/null 3<>"$D/$2"
	eval "$1=\$_ul"
}

# refuse_why WHY ERRNO FILE WORDS...: refuse (one check), then one check
# that the answer read back is exactly "error: WHY"
refuse_why() {
	_ry=$1
	shift
	refuse "$@"
	check_eq "$2 '$(shift 2; echo "$*")' says why: $_ry" "$MT_OUT" "error: $_ry"
}

# refuse_parse WHY FILE WORDS...: refuse EINVAL (one check), then one check
# that the answer is "error: WHY; " and FILE's usage line, exactly
refuse_parse() {
	_ry=$1
	usage_of _ryu "$2"
	shift
	refuse EINVAL "$@"
	check_eq "$1 '$(shift; echo "$*")' says why: $_ry; $_ryu" "$MT_OUT" "error: $_ry; $_ryu"
}

# nr_cpus_in SET VAR: how many CPUs are in /sys/devices/system/cpu/SET
# (possible, online: "0-1", "0,2-3", ...)
nr_cpus_in() {
	_np=0
	_pl=
	read -r _pl </sys/devices/system/cpu/"$1"
	_ifs=$IFS
	IFS=,
	for _pr in $_pl; do
		case $_pr in
		*-*) _np=$((_np + ${_pr#*-} - ${_pr%-*} + 1)) ;;
		?*) _np=$((_np + 1)) ;;
		esac
	done
	IFS=$_ifs
	eval "$2=\$_np"
}

# nr_possible VAR, nr_online VAR: how many CPUs are possible, online
nr_possible() { nr_cpus_in possible "$1"; }
nr_online() { nr_cpus_in online "$1"; }

# start_test VAR WORDS...: mem_test_start WORDS; VAR := the id ('' when
# refused, with the evidence in diag)
start_test() {
	_sv=$1
	shift
	if mtw mem_test_start "$@" && isnum "$MT_OUT"; then
		eval "$_sv=\$MT_OUT"
	else
		diag "mem_test_start '$*': $(mt_evidence)"
		eval "$_sv="
	fi
}

# The slab allocator's own figures, /proc/slabinfo and /sys/kernel/slab,
# come with CONFIG_SLUB_DEBUG: on a kernel without them, SLABINFO_WHY
# says so and the checks that read them skip (slab_check).
SLABINFO_WHY=
[ -r /proc/slabinfo ] ||
	SLABINFO_WHY="this kernel has no /proc/slabinfo (built without CONFIG_SLUB_DEBUG=y)"

# slab_check DESC GOT WANT [EVIDENCE]: check_eq, of figures that come
# from /proc/slabinfo: a skip on a kernel without it
slab_check() {
	if [ -n "$SLABINFO_WHY" ]; then
		skip "$1" "$SLABINFO_WHY"
	else
		check_eq "$@"
	fi
}

# slabinfo_of NAME: SL_ACTIVE, SL_NUM, SL_OBJSIZE of NAME's line in
# /proc/slabinfo; returns 1 (and empties them) when it has none
slabinfo_of() {
	SL_ACTIVE= SL_NUM= SL_OBJSIZE=
	while read -r _sn _sa _so _ss _; do
		if [ "$_sn" = "$1" ]; then
			SL_ACTIVE=$_sa SL_NUM=$_so SL_OBJSIZE=$_ss
			return 0
		fi
	done </proc/slabinfo
	return 1
}

# cache_objects VAR NAME: the objects column of NAME in $D/caches ('' when
# it is not listed)
cache_objects() {
	_co=
	[ -r "$D/caches" ] || { eval "$1="; return 1; }
	while read -r _cn _cb _; do
		if [ "$_cn" = "$2" ]; then
			_co=$_cb
			break
		fi
	done <"$D/caches"
	eval "$1=\$_co"
}

# cache_names VAR [PREFIX]: the names in $D/caches (those starting with
# PREFIX), space separated, in file order; "(no caches file)" when it
# cannot be read
cache_names() {
	_cl=
	[ -r "$D/caches" ] || { eval "$1='(no caches file)'"; return 1; }
	while read -r _cn _; do
		case $_cn in
		'#'* | '') ;;
		"${2:-}"*) _cl="$_cl${_cl:+ }$_cn" ;;
		esac
	done <"$D/caches"
	eval "$1=\$_cl"
}

# slab_names VAR PREFIX: the caches of /proc/slabinfo whose name starts
# with PREFIX, space separated
slab_names() {
	_cl=
	[ -r /proc/slabinfo ] || { eval "$1="; return 1; }
	while read -r _cn _; do
		case $_cn in
		"$2"*) _cl="$_cl${_cl:+ }$_cn" ;;
		esac
	done </proc/slabinfo
	eval "$1=\$_cl"
}

# ------------------------------------------------- memory cgroups ---

CG=/sys/fs/cgroup
CG_MOUNTED=
CG_WHY=
CG_DIR=

# cg_setup NAME: cgroup2 at $CG (mounted here if need be), the memory
# controller on for its children, the shell moved into a new child group
# $CG/NAME (CG_DIR); 1 with CG_WHY saying why not
cg_setup() {
	CG_DIR=$CG/$1
	if [ ! -r /proc/cgroups ]; then
		CG_WHY="this kernel has no cgroups (no /proc/cgroups)"
		return 1
	fi
	# /proc/cgroups lists the v1 controllers only from 6.16 on: there,
	# cgroup2's controllers below say whether memory is there
	if grep -qE '^memory[[:space:]]+[0-9]+[[:space:]]+[0-9]+[[:space:]]+0' /proc/cgroups; then
		CG_WHY="this kernel's memory cgroup controller is off (cgroup_disable=memory)"
		return 1
	fi
	if [ ! -f $CG/cgroup.controllers ]; then
		if ! mount -t cgroup2 none $CG 2>"$MT_TMP/cgerr"; then
			CG_WHY="mount -t cgroup2 none $CG failed: $(cat "$MT_TMP/cgerr")"
			return 1
		fi
		CG_MOUNTED=1
	fi
	read -r _cgc <$CG/cgroup.controllers
	case " $_cgc " in
	*" memory "*) ;;
	*)
		CG_WHY="this kernel has no memory cgroup controller (CONFIG_MEMCG): cgroup2 offers '$_cgc'"
		return 1
		;;
	esac
	: >"$MT_TMP/cgerr"
	echo +memory >$CG/cgroup.subtree_control 2>>"$MT_TMP/cgerr" &&
		mkdir -p "$CG_DIR" 2>>"$MT_TMP/cgerr" &&
		echo $$ >"$CG_DIR/cgroup.procs" 2>>"$MT_TMP/cgerr"
	read -r _cgs </proc/self/cgroup
	if [ "$_cgs" != "0::/$1" ] || [ ! -r "$CG_DIR/memory.current" ]; then
		CG_WHY="could not move the shell into a memory cgroup $CG_DIR ($_cgs): $(cat "$MT_TMP/cgerr")"
		return 1
	fi
	return 0
}

# cg_leave: the shell back into the root cgroup
cg_leave() {
	[ ! -f $CG/cgroup.procs ] || echo $$ >$CG/cgroup.procs 2>/dev/null
}

# cg_teardown: cg_leave, the child group removed, cgroup2 unmounted if
# cg_setup mounted it
cg_teardown() {
	cg_leave
	[ -z "$CG_DIR" ] || rmdir "$CG_DIR" 2>/dev/null
	[ -z "$CG_MOUNTED" ] || umount $CG 2>/dev/null
	CG_MOUNTED=
	CG_DIR=
}

# ============================================= latency histograms (62, 63) ===
# Added for tests/ID/latency and bench_latency (issue 6).  The format: per
# operation one summary line "OP count N min N mean N max N p50 N p90 N
# p99 N p99.9 N", then one "OP bucket LO HI N" line per non-empty bucket.

E_EBUSY="Device or resource busy"

# The checker: reads the text on stdin; -v ops="OP ...": the operations in
# their order; -v strict=1 for a histogram that no longer moves (stopped
# test, finished bench), 0 for one being written (a running test: only
# what holds in every read).  Prints "E reason" per problem and "V
# OP_FIELD value" for count min mean max p50 p90 p99 p999 buckets.
LAT_AWK='
function err(s) { print "E " s }
function isint(s) { return s ~ /^[0-9]+$/ }
# floor(a / b) for integers a, b > 0 (exact below 2^53)
function idiv(a, b,   q) {
	q = int(a / b)
	while (q * b > a) q--
	while ((q + 1) * b <= a) q++
	return q
}
# is [lo, hi) a bucket of the scheme (0..3 exact, then each power of two
# in four)?  top: the last bucket, open above (hi printed as 2^64-1)
function shape(lo, hi, top,   p, w) {
	if (lo < 4)
		return top ? 0 : hi == lo + 1
	p = 4
	while (p * 2 <= lo) p *= 2
	w = p / 4
	if ((lo - p) % w != 0) return 0
	if (top) return lo <= 1099511627776
	return hi == lo + w
}
BEGIN {
	nops = split(ops, O, " ")
	split("p50 p90 p99 p999", PN, " ")
	split("500 900 990 999", PQ, " ")
	TOP = "18446744073709551615"
	cur = 0
}
{
	if (NF == 0) { err("line " NR " is empty"); next }
	op = $1
	if ($2 == "count") {
		if (NF != 17 || $4 != "min" || $6 != "mean" || $8 != "max" || $10 != "p50" || \
		    $12 != "p90" || $14 != "p99" || $16 != "p99.9") {
			err("line " NR " is not \"OP count N min N mean N max N p50 N p90 N p99 N p99.9 N\": " $0)
			next
		}
		for (f = 3; f <= 17; f += 2)
			if (!isint($f)) err("line " NR ": \"" $f "\" is not an unsigned decimal: " $0)
		cur++
		if (cur > nops)
			err("line " NR ": a summary of \"" op "\" after the last operation (" ops ")")
		else if (op != O[cur])
			err("line " NR ": the summary of \"" op "\", expected \"" O[cur] "\" (order: " ops ")")
		name[cur] = op
		S[cur, "count"] = $3; S[cur, "min"] = $5; S[cur, "mean"] = $7; S[cur, "max"] = $9
		S[cur, "p50"] = $11; S[cur, "p90"] = $13; S[cur, "p99"] = $15; S[cur, "p999"] = $17
		cnt[cur] = $3 + 0; mn[cur] = $5 + 0; me[cur] = $7 + 0; mx[cur] = $9 + 0
		pv[cur, 1] = $11 + 0; pv[cur, 2] = $13 + 0; pv[cur, 3] = $15 + 0; pv[cur, 4] = $17 + 0
		nb[cur] = 0; sum[cur] = 0
		next
	}
	if ($2 == "bucket") {
		if (NF != 5 || !isint($3) || !isint($4) || !isint($5)) {
			err("line " NR " is not \"OP bucket LO HI N\": " $0)
			next
		}
		if (cur == 0 || op != name[cur]) {
			err("line " NR ": a bucket of \"" op "\" outside its operation: " $0)
			next
		}
		n = ++nb[cur]
		top = ($4 "" == TOP)
		lo = $3 + 0; hi = $4 + 0; c = $5 + 0
		blo[cur, n] = lo; bhi[cur, n] = hi; bn[cur, n] = c; btop[cur, n] = top
		sum[cur] += c
		if (c == 0) err(op ": an empty bucket printed: " $0)
		if (!top && lo >= hi) err(op ": a bucket with LO >= HI: " $0)
		if (!shape(lo, hi, top)) err(op ": not a bucket of the scheme (0..3 exact, each power of two in four): " $0)
		if (n > 1 && (btop[cur, n - 1] || lo < bhi[cur, n - 1]))
			err(op ": bucket [" $3 ", " $4 ") does not follow [" blo[cur, n - 1] ", " bhi[cur, n - 1] ") (ascending, not overlapping)")
		next
	}
	err("line " NR " is neither a summary nor a bucket line: " $0)
}
END {
	if (cur != nops) err(cur " summary lines, expected " nops " (" ops ")")
	for (i = 1; i <= cur; i++) {
		o = name[i]
		for (f = 1; f <= 4; f++) print "V " o "_" PN[f] " " S[i, PN[f]]
		print "V " o "_count " S[i, "count"]
		print "V " o "_min " S[i, "min"]
		print "V " o "_mean " S[i, "mean"]
		print "V " o "_max " S[i, "max"]
		print "V " o "_buckets " nb[i]
		c = cnt[i]
		if (c != sum[i])
			err(o ": count " S[i, "count"] " but its buckets sum to " sprintf("%.0f", sum[i]))
		if (c == 0) {
			if (mn[i] || me[i] || mx[i] || pv[i, 1] || pv[i, 2] || pv[i, 3] || pv[i, 4] || nb[i])
				err(o ": count 0 but not all zeros and no bucket (" nb[i] " buckets)")
			continue
		}
		if (!strict) continue
		if (!nb[i]) { err(o ": count " c " and no bucket"); continue }
		if (mn[i] > mx[i]) err(o ": min " S[i, "min"] " > max " S[i, "max"])
		if (me[i] < mn[i] || me[i] > mx[i])
			err(o ": mean " S[i, "mean"] " not within min " S[i, "min"] " .. max " S[i, "max"])
		if (mn[i] < blo[i, 1] || (!btop[i, 1] && mn[i] >= bhi[i, 1]))
			err(o ": min " S[i, "min"] " is not in the first bucket [" blo[i, 1] ", " bhi[i, 1] ")")
		n = nb[i]
		if (mx[i] < blo[i, n] || (!btop[i, n] && mx[i] >= bhi[i, n]))
			err(o ": max " S[i, "max"] " is not in the last bucket [" blo[i, n] ", " bhi[i, n] ")")
		# the mean from the buckets: each value v of bucket j lies in
		# [max(LO, min), min(HI - 1, max)]
		slo = 0; shi = 0
		for (j = 1; j <= n; j++) {
			a = blo[i, j]; if (a < mn[i]) a = mn[i]
			b = btop[i, j] ? mx[i] : bhi[i, j] - 1; if (b > mx[i]) b = mx[i]
			slo += a * bn[i, j]; shi += b * bn[i, j]
		}
		if (me[i] < idiv(slo, c) || me[i] > idiv(shi, c))
			err(o ": mean " S[i, "mean"] " is not within what the buckets allow (" idiv(slo, c) ".." idiv(shi, c) ")")
		prev = mn[i]; prevn = "min"
		for (f = 1; f <= 4; f++) {
			v = pv[i, f]
			r = int((PQ[f] * c + 999) / 1000)
			if (r < 1) r = 1
			cum = 0
			for (j = 1; j <= n; j++) {
				cum += bn[i, j]
				if (cum >= r) break
			}
			if (v < prev) err(o ": " PN[f] " " v " < " prevn " " prev)
			if (v > mx[i]) err(o ": " PN[f] " " v " > max " S[i, "max"])
			if (j > n)
				err(o ": no bucket reaches rank " r " for " PN[f])
			else if (v < blo[i, j] || (!btop[i, j] && v >= bhi[i, j]))
				err(o ": " PN[f] " " v " is not in [" blo[i, j] ", " (btop[i, j] ? "top" : bhi[i, j]) "), the bucket where the cumulative count first reaches rank " r " of " c)
			prev = v; prevn = PN[f]
		}
	}
}'

# lat_check VAR TEXT "OPS" [running]: checks TEXT, a latency file (tests/ID/
# latency, bench_latency) with the operations OPS in this order, against the
# format of the spec; VAR := the problems, one per line ('' when none).
# Every read: the lines, the order, count == the sum of its buckets,
# buckets valid, ascending, not overlapping, count 0 => all zeros and no
# bucket.  Unless "running": min <= p50 <= p90 <= p99 <= p99.9 <= max, min
# <= mean <= max, the mean within what the buckets allow, min in the first
# bucket, max in the last, each pQ in the bucket where the cumulative count
# first reaches ceil(Q * count).  Sets LAT_<op>_<field> (count min mean max
# p50 p90 p99 p999 buckets) as printed ('' when missing).
lat_check() {
	_lv=$1
	for _o in $3; do
		for _f in count min mean max p50 p90 p99 p999 buckets; do
			eval "LAT_${_o}_$_f="
		done
	done
	if [ -z "$2" ]; then
		eval "$_lv='the latency text is empty (or the file could not be read)'"
		return 1
	fi
	_ls=1
	[ "${4:-}" = running ] && _ls=0
	_lx=$(printf '%s\n' "$2" | awk -v ops="$3" -v strict=$_ls "$LAT_AWK" 2>&1)
	ve_take LAT_ "$_lx"
	_le=$_ve
	eval "$_lv=\$_le"
	[ -z "$_le" ]
}

# lat_zero_text "OPS": the text of a latency file where nothing was
# recorded: each operation's summary line, all zeros
lat_zero_text() {
	_lz=
	for _o in $1; do
		_lz="$_lz${_lz:+$NL}$_o count 0 min 0 mean 0 max 0 p50 0 p90 0 p99 0 p99.9 0"
	done
	echo "$_lz"
}

# ve_take PREFIX TEXT: TEXT is an awk checker's output, lines "V NAME
# VALUE" and "E PROBLEM"; each V line sets PREFIX NAME := VALUE; _ve :=
# the problems, one per line, any other line of awk's among them
ve_take() {
	_ve=
	while IFS= read -r _l; do
		case $_l in
		'') ;;
		"V "*)
			_k=${_l#V }
			_x=${_k#* }
			[ "x$_x" = "x$_k" ] && _x=
			_k=${_k%% *}
			case $_k in
			*[!A-Za-z0-9_]*) _ve="$_ve${_ve:+$NL}odd name in '$_l'" ;;
			*) eval "$1$_k=\$_x" ;;
			esac
			;;
		"E "*) _ve="$_ve${_ve:+$NL}${_l#E }" ;;
		*) _ve="$_ve${_ve:+$NL}awk: $_l" ;;
		esac
	done <<VE_EOF
$2
VE_EOF
}

# ======================================================= the charges ===
# charges_add_up VAR: with nothing running (no command, no test
# allocating, no bench), mem_used's charges add up: charged_bytes =
# kept_charged + test_charged + tracking_bytes + overhead_bytes +
# bench_bytes + reserved_bytes + rcu_pending_bytes <= max_bytes; the *_charged of the
# allocators sum to kept_charged + test_charged; every footprint is at
# least its bytes; atomic_bytes <= max_atomic_bytes.  VAR := the problems
# ('' when none).
charges_add_up() {
	slurp _cu "$D/mem_used"
	for _k in charged_bytes kept_charged test_charged tracking_bytes \
		overhead_bytes bench_bytes reserved_bytes max_bytes atomic_bytes \
		max_atomic_bytes kept_bytes test_bytes rcu_pending_bytes; do
		skey _x "$_cu" $_k
		isnum "$_x" || _x=NaN
		eval "_c_$_k=\$_x"
	done
	_cp=
	_cs=0
	for _a in kmalloc vmalloc kvmalloc pages cache percpu kmalloc_nolock pages_nolock mempool; do
		skey _x "$_cu" ${_a}_charged
		skey _y "$_cu" ${_a}_bytes
		if isnum "$_x" && isnum "$_y"; then
			_cs=$((_cs + _x))
			[ "$_x" -ge "$_y" ] || _cp="$_cp${NL}${_a}_charged $_x < ${_a}_bytes $_y"
		else
			_cp="$_cp${NL}${_a}_charged '$_x' or ${_a}_bytes '$_y' not a number"
		fi
	done
	case "$_c_charged_bytes$_c_kept_charged$_c_test_charged$_c_tracking_bytes$_c_overhead_bytes$_c_bench_bytes$_c_reserved_bytes$_c_max_bytes$_c_atomic_bytes$_c_max_atomic_bytes$_c_kept_bytes$_c_test_bytes$_c_rcu_pending_bytes" in
	*NaN*) _cp="$_cp${NL}a charge is missing or not a number" ;;
	*)
		_sum=$((_c_kept_charged + _c_test_charged + _c_tracking_bytes + _c_overhead_bytes + _c_bench_bytes + _c_reserved_bytes + _c_rcu_pending_bytes))
		[ "$_c_charged_bytes" = "$_sum" ] ||
			_cp="$_cp${NL}charged_bytes $_c_charged_bytes != kept_charged + test_charged + tracking_bytes + overhead_bytes + bench_bytes + reserved_bytes + rcu_pending_bytes = $_sum"
		[ "$_cs" = $((_c_kept_charged + _c_test_charged)) ] ||
			_cp="$_cp${NL}the *_charged sum to $_cs, not kept_charged + test_charged = $((_c_kept_charged + _c_test_charged))"
		[ "$_c_charged_bytes" -le "$_c_max_bytes" ] ||
			_cp="$_cp${NL}charged_bytes $_c_charged_bytes > max_bytes $_c_max_bytes"
		[ "$_c_atomic_bytes" -le "$_c_max_atomic_bytes" ] ||
			_cp="$_cp${NL}atomic_bytes $_c_atomic_bytes > max_atomic_bytes $_c_max_atomic_bytes"
		[ "$_c_kept_charged" -ge "$_c_kept_bytes" ] ||
			_cp="$_cp${NL}kept_charged $_c_kept_charged < kept_bytes $_c_kept_bytes"
		[ "$_c_test_charged" -ge "$_c_test_bytes" ] ||
			_cp="$_cp${NL}test_charged $_c_test_charged < test_bytes $_c_test_bytes"
		;;
	esac
	eval "$1=\${_cp#\"\$NL\"}"
	[ -z "$_cp" ]
}

# ===================================================== a case's life ===
# Each case is a program of its own: kselftest's exit codes, the module
# brought into the state the case needs at its start (mt_setup) and put
# back at its end (mt_teardown, from mt_exit).  The cases of one boot
# share $MT_STATE: "module" (the instance mt_insmod loaded, its load-time
# arguments and every run-time parameter's value just after the load),
# "first-load" (/proc/meminfo before the boot's first mt_insmod),
# "kmemleak-cleared" (05-kmemleak-clear.sh ran).

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4
# The vm_* keys that end a test's statistics: /proc/vmstat's reclaim and
# compaction events while it ran (compact_* where the kernel has
# compaction, none without VM_EVENT_COUNTERS)
MT_VM_KEYS=
if grep -q '^pgscan_kswapd ' /proc/vmstat 2>/dev/null; then
	MT_VM_KEYS="vm_allocstall vm_pgscan_kswapd vm_pgscan_direct vm_pgsteal_kswapd vm_pgsteal_direct"
	grep -q '^compact_stall ' /proc/vmstat &&
		MT_VM_KEYS="$MT_VM_KEYS vm_compact_stall vm_compact_fail vm_compact_success"
	MT_VM_KEYS="$MT_VM_KEYS vm_oom_kill"
fi
# The run-time parameters: mt_setup sets those a case asks for and every
# other to its default; mt_teardown puts them all back to their defaults.
MT_RT_PARAMS="max_bytes max_atomic_bytes max_tests alloc seed check_content realloc_p verbose mempool_reserve pressure_margin"
MT_SETUP=

# mt_instance VAR: the loaded module's instance: the boot's id and the
# inode of /sys/module/malloc_test, which each load makes anew ('' when
# malloc_test is not loaded)
mt_instance() {
	_mi=
	if loaded; then
		_mi="$MT_BOOT/$(stat -c %i /sys/module/malloc_test 2>/dev/null)"
	fi
	eval "$1=\$_mi"
}

# mt_insmod [ARG...]: insmod $KO ARG... (its stderr in $MT_TMP/insmod);
# once it succeeds, $MT_STATE/module records the instance, the ARGs and
# the value of each run-time parameter (its default, unless an ARG set
# it).  The boot's first call records /proc/meminfo's VmallocUsed, Slab
# and MemFree before it (mt_first_load).  Returns insmod's status.
mt_insmod() {
	mkdir -p "$MT_STATE"
	if [ ! -f "$MT_STATE/first-load" ]; then
		mi _fv VmallocUsed
		mi _fs Slab
		mi _ff MemFree
		echo "$_fv $_fs $_ff" >"$MT_STATE/first-load"
	fi
	insmod "$KO" "$@" 2>"$MT_TMP/insmod" || return
	mt_instance _in
	{
		echo "instance $_in"
		echo "args $*"
		for _p in $MT_RT_PARAMS; do
			param _v "$_p"
			echo "param $_p $_v"
		done
	} >"$MT_STATE/module"
	return 0
}

# mt_first_load VM_VAR SLAB_VAR: VmallocUsed and Slab (kB) before the
# boot's first mt_insmod ('' when none recorded)
mt_first_load() {
	_fv=
	_fs=
	[ ! -r "$MT_STATE/first-load" ] || read -r _fv _fs _ <"$MT_STATE/first-load"
	eval "$1=\$_fv $2=\$_fs"
}

# mt_recorded: what $MT_STATE/module says: MT_REC_INSTANCE, MT_REC_ARGS,
# and MT_DEF_<param> for each run-time parameter (all '' when nothing is
# recorded)
mt_recorded() {
	MT_REC_INSTANCE=
	MT_REC_ARGS=
	for _p in $MT_RT_PARAMS; do
		eval "MT_DEF_$_p="
	done
	[ -r "$MT_STATE/module" ] || return 1
	while read -r _k _r; do
		case $_k in
		instance) MT_REC_INSTANCE=$_r ;;
		args) MT_REC_ARGS=$_r ;;
		param)
			_p=${_r%% *}
			_v=${_r#"$_p"}
			_v=${_v# }
			case " $MT_RT_PARAMS " in
			*" $_p "*) eval "MT_DEF_$_p=\$_v" ;;
			esac
			;;
		esac
	done <"$MT_STATE/module"
	return 0
}

# mt_cpus_online: every CPU that can go offline, online (55-contexts.sh
# and 63-bench.sh take CPU 1 offline and back, 61-hotplug.sh CPUs 1 to 3)
mt_cpus_online() {
	for _co in /sys/devices/system/cpu/cpu[0-9]*/online; do
		[ -w "$_co" ] || continue
		read -r _cv <"$_co"
		[ "$_cv" != 0 ] || echo 1 >"$_co" 2>/dev/null
	done
}

# mt_clean: with malloc_test loaded: no bench running, no test, nothing
# kept, and each run-time parameter whose default is known (MT_DEF_*) at
# its default
mt_clean() {
	fkey _bs "$D/bench_result" state
	if [ "$_bs" = running ]; then
		mtw bench stop
		wait_until 30000 eval 'fkey _bs "$D/bench_result" state; [ "$_bs" != running ]'
	fi
	mtw_wo mem_test_destroy_all x
	mtw mem_free
	for _p in $MT_RT_PARAMS; do
		eval "_w=\$MT_DEF_$_p"
		param _v "$_p"
		[ -z "$_w" ] || [ "x$_v" = "x$_w" ] || setparam "$_p" "$_w"
	done
}

# mt_is_clean: mt_clean's work is done: no chunk, no test, no bench
# memory, nothing reserved, every parameter at its default
mt_is_clean() {
	slurp _cu "$D/mem_used"
	for _k in chunks tests bench_bytes reserved_bytes; do
		skey _v "$_cu" $_k
		[ "$_v" = 0 ] || return 1
	done
	fkey _bs "$D/bench_result" state
	[ "$_bs" != running ] || return 1
	for _p in $MT_RT_PARAMS; do
		eval "_w=\$MT_DEF_$_p"
		param _v "$_p"
		[ "x$_v" = "x$_w" ] || return 1
	done
	return 0
}

# mt_setup_fail WHY: a failed check "setup: WHY", and the case ends
mt_setup_fail() {
	fail "setup: $1"
	ktap_finish
	exit $KSFT_FAIL
}

# mt_setup [--fresh | --unloaded] [PARAM=VALUE...]: the state a case
# starts from, whatever the cases before it left.
#   --unloaded  malloc_test is not loaded (rmmod'ed if it was).
#   otherwise   malloc_test is loaded, by mt_insmod with the load-time
#               PARAMs given (leak=, test=: one word each, as insmod
#               takes them); it is reloaded when it was loaded otherwise
#               (other load-time parameters, or not by mt_insmod: then
#               its defaults are unknown), or cannot be brought clean.
#               No bench runs, no test exists, nothing is kept; every
#               run-time parameter is at its default but the PARAMs
#               given (max_bytes, max_atomic_bytes, max_tests, alloc,
#               seed, check_content, realloc_p, verbose), which are set.
#   --fresh     reloaded in any case: test ids count from 1, no bench
#               has run since the load.
# Every CPU is online.  DEF_MAX_BYTES := max_bytes' default.  What fails
# is a failed check "setup: ...", and the case ends (exit 1).
mt_setup() {
	_sfresh=
	_sunl=
	_sload=
	_sset=
	for _sa in "$@"; do
		case $_sa in
		--fresh) _sfresh=1 ;;
		--unloaded) _sunl=1 ;;
		leak=* | test=*) _sload="$_sload${_sload:+ }$_sa" ;;
		?*=*) _sset="$_sset${_sset:+ }$_sa" ;;
		*) mt_setup_fail "mt_setup: unknown argument '$_sa'" ;;
		esac
	done
	MT_SETUP=1
	mkdir -p "$MT_STATE"
	mt_cpus_online
	mt_recorded
	if loaded; then
		mt_instance _sin
		if [ -n "$_sunl$_sfresh" ] || [ "x$_sin" != "x$MT_REC_INSTANCE" ] ||
				[ "x$_sload" != "x$MT_REC_ARGS" ]; then
			unload || mt_setup_fail "rmmod malloc_test: $(cat "$MT_TMP/rmmod")"
		fi
	fi
	if [ -n "$_sunl" ]; then
		DEF_MAX_BYTES=
		return 0
	fi
	if loaded; then
		mt_clean
		if ! mt_is_clean; then
			diag "setup: malloc_test does not come clean: reloading it" \
				"$(cat "$D/mem_used" 2>&1)"
			unload || mt_setup_fail "rmmod malloc_test: $(cat "$MT_TMP/rmmod")"
		fi
	fi
	if ! loaded; then
		# shellcheck disable=SC2086 # one word per parameter
		mt_insmod $_sload ||
			mt_setup_fail "insmod $KO${_sload:+ $_sload}: $(cat "$MT_TMP/insmod")"
		mt_recorded
	fi
	for _sa in $_sset; do
		setparam "${_sa%%=*}" "${_sa#*=}" ||
			mt_setup_fail "parameter ${_sa%%=*} = '${_sa#*=}': $MT_ERR"
	done
	DEF_MAX_BYTES=$MT_DEF_max_bytes
	return 0
}

# mt_teardown: what a case may leave, undone: the shell back in the root
# cgroup (cg_teardown), every CPU online; if malloc_test is loaded: no
# bench running, no test, nothing kept, and, when it is the instance
# mt_insmod recorded, every run-time parameter back at its default.
mt_teardown() {
	[ -n "$MT_SETUP" ] || return 0
	[ -z "$CG_DIR" ] || cg_teardown
	mt_cpus_online
	loaded || return 0
	mt_recorded
	mt_instance _tin
	if [ "x$_tin" != "x$MT_REC_INSTANCE" ]; then
		for _p in $MT_RT_PARAMS; do
			eval "MT_DEF_$_p="
		done
	fi
	mt_clean
}

# mt_exit: the case's end: mt_teardown, the plan and the totals; exit 0
# when every check passed (or skipped), 1 when one failed
mt_exit() {
	mt_teardown
	ktap_finish
	[ "$KTAP_FAIL" = 0 ] || exit $KSFT_FAIL
	exit $KSFT_PASS
}

# mt_exit_skip REASON: the case cannot run here (a kernel option, a tool,
# a second NUMA node is missing): mt_teardown, "1..N # SKIP REASON", exit 4
mt_exit_skip() {
	mt_teardown
	echo "1..$KTAP_N # SKIP $1"
	exit $KSFT_SKIP
}

# mt_config OPTION: the kernel was built with OPTION (=y or =m).  Without
# a .config to read, true: the case finds out by itself.
mt_config() {
	[ -r "$MT_CONFIG" ] || return 0
	grep -qE "^$1=(y|m)\$" "$MT_CONFIG"
}

# mt_need_config OPTION...: the case cannot run on a kernel built without
# one of them; it skips, naming the first missing (config, beside the
# suite, says what each case needs)
mt_need_config() {
	for _opt in "$@"; do
		mt_config "$_opt" ||
			mt_exit_skip "this kernel was built without $_opt=y"
	done
}

# ------------------------------------------------------------ kmemleak ---
KMEMLEAK=/sys/kernel/debug/kmemleak

# kml_forget: kmemleak forgets what it suspects so far.  "clear" forgets
# only what a scan has reported, and a scan reports an object only when it
# was already there, unchanged, at the scan before: two scans, then
# clear.  What it forgot is shown as diagnostics.  1 when kmemleak
# refused a write (it turned itself off).
kml_forget() {
	_kf=0
	nowv _k0
	echo scan >"$KMEMLEAK" 2>/dev/null || _kf=1
	sleep 1
	echo scan >"$KMEMLEAK" 2>/dev/null || _kf=1
	nowv _k1
	slurp _kboot "$KMEMLEAK"
	_kn=$(printf '%s\n' "$_kboot" | grep -c '^unreferenced object')
	diag "kmemleak: two scans took $((_k1 - _k0)) ms; $_kn suspected leak(s), cleared"
	[ "$_kn" = 0 ] || diag "$(printf '%s\n' "$_kboot" | head -n 40)"
	echo clear >"$KMEMLEAK" 2>/dev/null || _kf=1
	return $_kf
}
