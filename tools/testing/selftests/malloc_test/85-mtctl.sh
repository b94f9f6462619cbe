#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 85-mtctl.sh - mtctl, the command-line client, against its contract
# (Documentation/mtctl.rst): every subcommand in text and in --json, checked
# against the module's own files; units in and out; the mt. spelling;
# --alloc with each of the six allocators, --gfp, --node, and for tests
# --ctx, --cpu, --free, each seen by the module (mem_used's per-allocator
# lines, the caches file, the tests' statistics) or refused by it with its
# reason; --alloc mempool with --reserve, for a test (its statistics, the
# mempools file) and a bench, refused with another allocator; --bulk for a
# test (its statistics, mtctl's figures), refused with kmalloc; mem_used's
# new lines (each allocator's, what is charged against max_bytes, in
# units); caches and mempools; options anywhere and --; get and set, the
# caps max_atomic_bytes and max_tests and pressure_margin among them;
# mem_alloc --avail (a target above MemAvailable keeps nothing and shows
# the module's answer, in text and --json; one below pressure_margin, or
# with nofail, refused with the module's reason; --avail on another
# command or not a size refused by mtctl), cheap: the real pressure is
# 68-pressure.sh's; a test's vm_* lines (the machine's reclaim while it
# ran) under their labels; help and --version; every error sentence and exit status (2: the
# command line is wrong; 1: the module refused, or cannot be reached: not
# loaded, debugfs not mounted, not root); watch on real tests.
# mtctl is a static program that reaches the module through its debugfs
# files alone, the same on every kernel: make check runs this case on one
# lane of its run and names it in MT_MTCTL_LANE; on the others (KVER not
# that lane) the case skips, saying where it ran.  Unset, it runs.
# Needs: mtctl (MTCTL, default /mt/bin/mtctl; a missing one fails).  Sets up
# (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same, debugfs mounted.

. "$(dirname "$0")/lib.sh"
ktap_start
if [ -n "${MT_MTCTL_LANE:-}" ] && [ "x$MT_MTCTL_LANE" != "x$KVER" ]; then
	mt_exit_skip "mtctl's checks run on the $MT_MTCTL_LANE lane (MT_MTCTL_LANE): the client and the module's files are the same on every kernel"
fi
MTCTL=${MTCTL:-/mt/bin/mtctl}
if [ ! -x "$MTCTL" ]; then
	fail "mtctl is in the image" "no executable $MTCTL: nothing of mtctl tested"
	mt_exit
fi
mt_setup
pass "mtctl is in the image ($MTCTL)"

# A wedged mtctl must not hang the suite: every run is bounded.
MC_TO=
command -v timeout >/dev/null 2>&1 && MC_TO="timeout -s KILL 60"

# mc ARGS...: runs mtctl ARGS; C_RC, C_OUT, C_ERR (last newline dropped)
mc() {
	C_CMD="mtctl $*"
	$MC_TO "$MTCTL" "$@" </dev/null >"$MT_TMP/c.out" 2>"$MT_TMP/c.err"
	C_RC=$?
	slurp C_OUT "$MT_TMP/c.out"
	slurp C_ERR "$MT_TMP/c.err"
}

# mce VAR=VALUE ARGS...: the same with VAR=VALUE in mtctl's environment
mce() {
	_mce=$1
	shift
	C_CMD="$_mce mtctl $*"
	$MC_TO env "$_mce" "$MTCTL" "$@" </dev/null >"$MT_TMP/c.out" 2>"$MT_TMP/c.err"
	C_RC=$?
	slurp C_OUT "$MT_TMP/c.out"
	slurp C_ERR "$MT_TMP/c.err"
}

# cev: the last mtctl run, as evidence
cev() {
	echo "$C_CMD: exit $C_RC${NL}stdout: '$C_OUT'${NL}stderr: '$C_ERR'"
}

# c_ok: expects (for the next verdict) exit 0 and nothing on stderr
c_ok() {
	expect_eq "exit status" "$C_RC" 0
	expect_eq "stderr" "$C_ERR" ""
}

# tval VAR TEXT KEY: the value of TEXT's first line "KEY: VALUE" (also
# "KEY = VALUE" or "KEY VALUE"; spaces around the separator and before KEY
# allowed, KEY in any case); '' if none
TV_AWK='{
	l = $0
	sub(/^[ \t]+/, "", l)
	i = index(l, ":")
	j = index(l, "=")
	if (i && (!j || i < j)) {
		kk = substr(l, 1, i - 1)
		v = substr(l, i + 1)
	} else if (j) {
		kk = substr(l, 1, j - 1)
		v = substr(l, j + 1)
	} else {
		kk = l
		sub(/[ \t].*/, "", kk)
		v = substr(l, length(kk) + 1)
	}
	sub(/[ \t]+$/, "", kk)
	if (tolower(kk) != tolower(k))
		next
	sub(/^[ \t]+/, "", v)
	sub(/[ \t]+$/, "", v)
	print v
	exit
}'
tval() {
	_tv=$(printf '%s\n' "$2" | awk -v k="$3" "$TV_AWK")
	eval "$1=\$_tv"
}

# jget VAR TEXT KEY: the first value of "KEY" in the JSON TEXT: a string
# (without its quotes), a number, true, false or null; '' if none
JG_AWK='{ s = s $0 "\n" }
END {
	if (!match(s, "\"" k "\"[ \t\r\n]*:[ \t\r\n]*"))
		exit
	s = substr(s, RSTART + RLENGTH)
	if (substr(s, 1, 1) == "\"") {
		s = substr(s, 2)
		print substr(s, 1, index(s, "\"") - 1)
	} else if (match(s, /^(-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|true|false|null)/)) {
		print substr(s, 1, RLENGTH)
	}
}'
jget() {
	_jg=$(printf '%s\n' "$2" | awk -v k="$3" "$JG_AWK")
	eval "$1=\$_jg"
}

# jvalid o|a TEXT: TEXT is one JSON document, an object (o) or an array (a)
JV_AWK='
function ws() { while (p <= n && index(" \t\r\n", substr(s, p, 1))) p++ }
function digits(  q) { q = p; while (substr(s, p, 1) ~ /^[0-9]$/) p++; return p > q }
function num() {
	if (substr(s, p, 1) == "-") p++
	if (!digits()) return 0
	if (substr(s, p, 1) == ".") { p++; if (!digits()) return 0 }
	if (substr(s, p, 1) ~ /^[eE]$/) {
		p++
		if (substr(s, p, 1) ~ /^[-+]$/) p++
		if (!digits()) return 0
	}
	return 1
}
function str(  c) {
	p++
	while (p <= n) {
		c = substr(s, p, 1)
		if (c == "\\") { p += 2; continue }
		if (c == "\"") { p++; return 1 }
		if (c < " ") return 0
		p++
	}
	return 0
}
function val(  c) {
	ws()
	c = substr(s, p, 1)
	if (c == "{") return obj()
	if (c == "[") return arr()
	if (c == "\"") return str()
	if (substr(s, p, 4) == "true" || substr(s, p, 4) == "null") { p += 4; return 1 }
	if (substr(s, p, 5) == "false") { p += 5; return 1 }
	return num()
}
function obj(  c) {
	p++
	ws()
	if (substr(s, p, 1) == "}") { p++; return 1 }
	for (;;) {
		ws()
		if (substr(s, p, 1) != "\"" || !str()) return 0
		ws()
		if (substr(s, p, 1) != ":") return 0
		p++
		if (!val()) return 0
		ws()
		c = substr(s, p, 1)
		p++
		if (c == "}") return 1
		if (c != ",") return 0
	}
}
function arr(  c) {
	p++
	ws()
	if (substr(s, p, 1) == "]") { p++; return 1 }
	for (;;) {
		if (!val()) return 0
		ws()
		c = substr(s, p, 1)
		p++
		if (c == "]") return 1
		if (c != ",") return 0
	}
}
{ s = s $0 "\n" }
END {
	n = length(s)
	p = 1
	ws()
	t = substr(s, p, 1)
	if ((want == "o" && t != "{") || (want == "a" && t != "[")) exit 1
	if (!val()) exit 1
	ws()
	if (p <= n) exit 1
	exit 0
}'
jvalid() {
	printf '%s\n' "$2" | awk -v want="$1" "$JV_AWK"
}

# numof VAR TEXT: the first (signed) integer in TEXT, '' if none
numof() {
	_no=$(printf '%s\n' "$1" | sed -n 's/^[^0-9-]*\(-\{0,1\}[0-9][0-9]*\).*$/\1/p' | head -n 1)
	eval "$2=\$_no"
}

# matches TEXT ERES: TEXT matches each ';'-separated extended regular
# expression of ERES (case-insensitive); the ones it misses go to _E
matches() {
	_mt=$1
	set -f
	_mifs=$IFS
	IFS=';'
	set -- $2
	IFS=$_mifs
	set +f
	for _mre in "$@"; do
		printf '%s\n' "$_mt" | grep -Eiq -- "$_mre" || _E="${_E}does not match /$_mre/$NL"
	done
}

# json_err RC ERRNO NEEDLE: expects the last run to have failed with exit RC
# and the error document on stdout: {"error": "...NEEDLE...", "errno":
# "ERRNO"} (ERRNO, NEEDLE: any when empty)
json_err() {
	expect_eq "exit status" "$C_RC" "$1"
	expect "stdout is not one JSON object" jvalid o "$C_OUT"
	jget _je "$C_OUT" error
	jget _jn "$C_OUT" errno
	[ -n "$_je" ] || _E="${_E}no \"error\" sentence$NL"
	case $_jn in
	E[A-Z]*) ;;
	*) _E="${_E}\"errno\" '$_jn' is not an errno name$NL" ;;
	esac
	[ -z "$2" ] || expect_eq errno "$_jn" "$2"
	if [ -n "$3" ]; then
		case $_je in
		*"$3"*) ;;
		*) _E="${_E}\"error\" '$_je' lacks '$3'$NL" ;;
		esac
	fi
}

# usage_case ERES ARGS...: a usage error: exit 2, nothing on stdout, one
# "mtctl: ..." sentence on stderr that matches ERES (see matches)
usage_case() {
	_ure=$1
	shift
	mc "$@"
	expect_eq "exit status" "$C_RC" 2
	expect_eq stdout "$C_OUT" ""
	case $C_ERR in
	"mtctl: "?*) ;;
	*) _E="${_E}stderr is not 'mtctl: ...'$NL" ;;
	esac
	matches "$C_ERR" "$_ure"
	verdict "usage error: 'mtctl $*' exits 2, stderr says what is wrong and what is accepted (/$_ure/)" "$(cev)"
}

# refusal_case ERRNO "FILE WORDS" ARGS...: mtctl ARGS is refused by the
# module: exit 1, nothing on stdout, the module's own reason (what FILE
# reads back after WORDS) on stderr, nothing changed; then again with
# --json: the error document, errno ERRNO, the same reason, exit 1
refusal_case() {
	_ren=$1
	_rcmd=$2
	shift 2
	mtw $_rcmd
	_rmrc=$MT_RC
	_rreason=${MT_OUT#error: }
	# mtctl drops the module's usage, which spells the module's options
	_rreason=${_rreason%%; usage: *}
	state _rs0
	mc "$@"
	state _rs1
	expect_eq "exit status" "$C_RC" 1
	expect_eq stdout "$C_OUT" ""
	[ "$_rmrc" != 0 ] && [ -n "$_rreason" ] ||
		_E="${_E}(the module itself took '$_rcmd': '$MT_OUT')$NL"
	case $C_ERR in
	"mtctl: "*"$_rreason"*) ;;
	*) _E="${_E}stderr is not 'mtctl: ...' with the module's reason '$_rreason'$NL" ;;
	esac
	[ "x$_rs0" = "x$_rs1" ] || _E="${_E}the module's state changed:$NL$_rs0${NL}became$NL$_rs1$NL"
	verdict "refused: 'mtctl $*' exits 1, the module's reason on stderr, nothing changed" "$(cev)"
	mc --json "$@"
	state _rs2
	json_err 1 "$_ren" "$_rreason"
	[ "x$_rs0" = "x$_rs2" ] || _E="${_E}the module's state changed$NL"
	verdict "refused with --json: stdout {\"error\": \"$_rreason\", \"errno\": \"$_ren\"}, exit 1" "$(cev)"
}

# kept_snap: KB0, KC0 := kept_bytes, kept_chunks; kept_move: the moves
# since, KBD and KCD
kept_snap() {
	used KB0 kept_bytes
	used KC0 kept_chunks
}
kept_move() {
	used _kb kept_bytes
	used _kc kept_chunks
	KBD=$((_kb - KB0))
	KCD=$((_kc - KC0))
}

# ma_case BYTES ARGS...: mtctl ARGS (a mem_alloc) prints nothing and keeps
# one more chunk of BYTES
ma_case() {
	_mw=$1
	shift
	kept_snap
	mc "$@"
	kept_move
	c_ok
	expect_eq stdout "$C_OUT" ""
	expect_eq "kept_bytes move" "$KBD" "$_mw"
	expect_eq "kept_chunks move" "$KCD" 1
	verdict "'mtctl $*' keeps one chunk of $_mw bytes, prints nothing" "$(cev)"
}

# free_all: mem_free and mem_test_destroy_all straight on the module
free_all() {
	mtw mem_free
	mtw_wo mem_test_destroy_all
}

# ------------------------------------------------------------ entry ---
used kc kept_chunks
used tc test_chunks
list_ids ids
expect "malloc_test is not loaded" loaded
expect_eq kept_chunks "$kc" 0
expect_eq test_chunks "$tc" 0
expect_eq "tests" "$ids" ""
verdict "on entry: malloc_test loaded, nothing kept, no test"
free_all
MT_PARAMS="check_content realloc_p max_bytes max_atomic_bytes max_tests alloc seed pressure_margin"
for p in $MT_PARAMS; do
	param v $p
	eval "P0_$p=\$v"
done
MAXB=${DEF_MAX_BYTES:-$P0_max_bytes}

# ------------------------------------------------------- help, version ---
mc help
c_ok
missing=
for c in mem_alloc mem_free mem_realloc mem_used mem_rnd_alloc mem_test_start \
	mem_test_stop mem_test_destroy mem_test_destroy_all mem_test_list caches \
	mempools footprint hist bench watch hotplug get set help; do
	case " $C_OUT" in
	*[!a-z_.]"$c"[!a-z_]* | *[!a-z_.]"$c") ;;
	*) missing="$missing $c" ;;
	esac
done
expect_eq "commands missing from the list" "$missing" ""
verdict "'mtctl help' exits 0 and lists every command" "$(cev)"
for a in "--help" "-h"; do
	mc $a
	c_ok
	matches "$C_OUT" "mem_alloc;mem_test_start;watch;--json"
	verdict "'mtctl $a' exits 0 and shows the commands and --json" "$(cev)"
done
for h in "help mem_alloc" "mem_alloc --help" "mem_alloc -h" "help mt.mem_alloc"; do
	mc $h
	c_ok
	matches "$C_OUT" "mem_alloc;size"
	verdict "'mtctl $h' exits 0 and gives mem_alloc's usage (SIZE)" "$(cev)"
done
mc help mem_test_start
c_ok
matches "$C_OUT" "mem_test_start;min_int;max_int;total_time;--alloc;--gfp;--node;--ctx;--cpu;--free;pages;cache;percpu;nofail;timer;fifo"
verdict "'mtctl help mem_test_start' gives its usage (MIN_INT MAX_INT TOTAL_TIME) and its options (--alloc ... percpu, --gfp, --node, --ctx, --cpu, --free)" "$(cev)"
mc help mem_alloc
c_ok
matches "$C_OUT" "--alloc;--gfp;--node;kernel;atomic;nowait;noretry;retry_mayfail;nowarn;zero;account;nofail"
case $C_OUT in
*--ctx* | *--cpu* | *--free*) _E="${_E}it offers a test's option$NL" ;;
esac
verdict "'mtctl help mem_alloc' gives --alloc, --gfp (every flag), --node, and no test's option" "$(cev)"
mc help mem_alloc
c_ok
matches "$C_OUT" "\\[--avail S;--avail S: ;pressure_margin;nofail;MemAvailable"
mc help mem_rnd_alloc
case $C_OUT in
*--avail*) _E="${_E}'mtctl help mem_rnd_alloc' offers --avail$NL" ;;
esac
mc help
matches "$C_OUT" "--avail S +mem_alloc"
verdict "'mtctl help mem_alloc' offers --avail S (pressure_margin, nofail refused), 'mtctl help' names it for mem_alloc, 'mtctl help mem_rnd_alloc' does not" "$(cev)"
mc help
c_ok
matches "$C_OUT" "caches;--gfp;--node;--ctx;--cpu;--free"
verdict "'mtctl help' lists caches and the options --gfp, --node, --ctx, --cpu, --free" "$(cev)"
mc help
c_ok
matches "$C_OUT" "[^a-z_]mempools[^a-z_];--reserve;pages_nolock or mempool"
verdict "'mtctl help' lists mempools, --reserve and the allocator mempool" "$(cev)"
mc help mempools
c_ok
matches "$C_OUT" "usage: mtctl mempools;min_nr;curr_nr;from_reserve"
verdict "'mtctl help mempools' gives its usage and its columns" "$(cev)"
for h in mem_test_start bench; do
	mc help $h
	c_ok
	matches "$C_OUT" "\\[--reserve N\\];--reserve N: --alloc mempool"
	verdict "'mtctl help $h' offers --reserve N, for --alloc mempool" "$(cev)"
done
mc watch --help
c_ok
matches "$C_OUT" "watch;--interval;--count"
verdict "'mtctl watch --help' gives its usage (--interval, --count)" "$(cev)"
mc help bench
c_ok
matches "$C_OUT" "bench;--size;--count;--alloc;--threads;--pattern;--gfp;--cpu;--sample;--time;stop;batch"
verdict "'mtctl help bench' gives its usage and options (--size, --count, --threads, --pattern, --sample, --time, stop)" "$(cev)"
mc hist --help
c_ok
matches "$C_OUT" "hist;id;bench;lateness;harness_alloc"
verdict "'mtctl hist --help' gives its usage (ID|bench [OP]) and the operations" "$(cev)"
mc help set
c_ok
matches "$C_OUT" "set;param;value"
verdict "'mtctl help set' gives its usage (PARAM VALUE)" "$(cev)"
mc --version
c_ok
matches "$C_OUT" "[0-9]"
verdict "'mtctl --version' exits 0 and prints a version" "$(cev)"

# --------------------------------------------------- error sentences ---
# The contract's own examples, word for word.
mc mem_alloc 10 x
expect_eq "exit status" "$C_RC" 2
expect_eq stderr "$C_ERR" "mtctl: mem_alloc: 'x' is not a unit (b, k, m or g)"
expect_eq stdout "$C_OUT" ""
verdict "'mtctl mem_alloc 10 x': exit 2, stderr is the contract's sentence" "$(cev)"
mc mem_test_start 64 15 25000 128 1500 6000 k
list_ids ids
expect_eq "exit status" "$C_RC" 1
expect_eq stderr "$C_ERR" "mtctl: min (65536) must not exceed max (15360)"
expect_eq stdout "$C_OUT" ""
expect_eq "tests" "$ids" ""
verdict "'mtctl mem_test_start 64 15 25000 128 1500 6000 k': exit 1, stderr is the contract's sentence, no test" "$(cev)"
mc mem_test_stop 7
expect_eq "exit status" "$C_RC" 1
expect_eq stderr "$C_ERR" "mtctl: no test with id 7"
expect_eq stdout "$C_OUT" ""
verdict "'mtctl mem_test_stop 7' (no such test): exit 1, stderr is the contract's sentence" "$(cev)"
mc --json mem_test_stop 7
json_err 1 ENOENT "no test with id 7"
verdict "'mtctl --json mem_test_stop 7': exit 1, stdout {\"error\": \"no test with id 7\", \"errno\": \"ENOENT\"}" "$(cev)"

# ------------------------------------------------------------ mem_used ---
slurp f "$D/mem_used"
mc mem_used
c_ok
MU_KEYS="chunks bytes kept_chunks kept_bytes test_chunks test_bytes corruptions max_bytes tracking_bytes bench_bytes charged_bytes kept_charged test_charged overhead_bytes reserved_bytes max_atomic_bytes atomic_bytes tests killed_rnd_allocs killed_rnd_bytes rcu_pending_bytes"
for k in $MU_KEYS; do
	skey want "$f" $k
	tval got "$C_OUT" $k
	expect_eq "$k" "$got" "$want"
	[ -n "$want" ] || _E="${_E}no $k in mem_used$NL"
done
verdict "'mtctl mem_used' shows mem_used's figures, key by key" "$(cev)" "mem_used: $f"
mc --json mem_used
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
for k in $MU_KEYS; do
	skey want "$f" $k
	jget got "$C_OUT" $k
	expect_eq "\"$k\"" "$got" "$want"
done
verdict "'mtctl --json mem_used' is one object with mem_used's figures" "$(cev)" "mem_used: $f"

# ----------------------------------------------------------- mem_alloc ---
ma_case 10240 mem_alloc 10 k
ma_case 7 mem_alloc 7
ma_case 1 mem_alloc 1 b
ma_case 2 mem_alloc 2 B
ma_case 3072 mem_alloc 3 K
ma_case 1048576 mem_alloc 1 m
ma_case 2097152 mem_alloc 2 M
ma_case 1024 mt.mem_alloc 1 k
ma_case 5 -- mem_alloc 5
ma_case 6 mem_alloc 6 --
ma_case 4096 mem_alloc 4 -- k
kept_snap
mc --json mem_alloc 1 k
kept_move
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
expect_eq "kept_bytes move" "$KBD" 1024
verdict "'mtctl --json mem_alloc 1 k' prints one object and keeps 1024 bytes" "$(cev)"
kept_snap
mc mem_alloc 3 k --json
kept_move
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
expect_eq "kept_bytes move" "$KBD" 3072
verdict "'mtctl mem_alloc 3 k --json' (option last) prints one object and keeps 3072 bytes" "$(cev)"

# --alloc: vmalloc shows in VmallocUsed; kmalloc cannot give 5 MiB at once.
for a in "mem_alloc 4 m --alloc vmalloc" "--alloc=vmalloc mem_alloc 4 m"; do
	mi vm0 VmallocUsed
	ma_case 4194304 $a
	mi vm1 VmallocUsed
	check_range "after 'mtctl $a' VmallocUsed rises by 4 MiB (-256 KiB..+4 MiB, in bytes)" \
		$(((vm1 - vm0) * 1024)) $((4194304 - 262144)) $((8388608))
done
refusal_case EINVAL "mem_alloc 5 m alloc=kmalloc" mem_alloc 5 m --alloc=kmalloc
# 4 GiB: the g unit reaches the module (kvmalloc gives at most INT_MAX)
refusal_case EINVAL "mem_alloc 4 g" mem_alloc 4 g
refusal_case EINVAL "mem_alloc 4 g" mem_alloc 4 G
# 16 MiB more than max_bytes, in 1 MiB pieces: charged first, refused whole
big=$(((MAXB / 1048576 + 16) * 1024))
refusal_case ENOSPC "mem_rnd_alloc 1024 1024 $big k" mem_rnd_alloc 1024 1024 $big k

# --avail S: keep chunks until MemAvailable is at most S.  Cheap here: a
# target 1 GiB above MemAvailable keeps nothing (68-pressure.sh puts the
# machine under real pressure).  max_bytes is 32 MiB meanwhile: a module
# that kept chunks all the same would stop there.
param MARGIN pressure_margin
setparam max_bytes 32m
mi av MemAvailable
FAR=$(((av + 1048576) * 1024))
kept_snap
mc mem_alloc 1 m --avail "$FAR"
kept_move
c_ok
tval ab "$C_OUT" available_before
tval aa "$C_OUT" available
expect_eq "the answer" "$C_OUT" "chunks: 0${NL}bytes: 0${NL}available_before: $ab${NL}available: $ab${NL}target: $FAR"
expect_eq "available (vs available_before: no chunk)" "$aa" "$ab"
# MemAvailable as /proc/meminfo said just before, give or take 256 MiB
expect_range "available_before" "$ab" $((av * 1024 - 268435456)) "$FAR"
expect_eq "kept_bytes, kept_chunks moves" "$KBD $KCD" "0 0"
verdict "'mtctl mem_alloc 1 m --avail $FAR' (MemAvailable + 1 GiB): keeps nothing, prints the module's answer: chunks: 0, bytes: 0, available_before = available (MemAvailable), target: $FAR" "$(cev)"
mi av MemAvailable
farkb=$((av + 1048576))
kept_snap
mc --json mem_alloc 4 k --avail="${farkb}K"
kept_move
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
for k in chunks bytes; do
	jget v "$C_OUT" $k
	expect_eq "\"$k\"" "$v" 0
done
jget v "$C_OUT" target
expect_eq "\"target\"" "$v" $((farkb * 1024))
jget ab "$C_OUT" available_before
jget aa "$C_OUT" available
expect_range "\"available_before\"" "$ab" $((av * 1024 - 268435456)) $((farkb * 1024))
expect_eq "\"available\" (vs \"available_before\")" "$aa" "$ab"
expect_eq "kept_bytes, kept_chunks moves" "$KBD $KCD" "0 0"
verdict "'mtctl --json mem_alloc 4 k --avail=${farkb}K': {\"chunks\": 0, \"bytes\": 0, \"available_before\", \"available\", \"target\": $((farkb * 1024))}, nothing kept" "$(cev)"
# below pressure_margin: refused, the module's reason word for word
refusal_case EINVAL "mem_alloc 1 m avail=1m" mem_alloc 1 m --avail 1m
mc mem_alloc 1 m --avail 1m
expect_eq "exit status" "$C_RC" 1
expect_eq stdout "$C_OUT" ""
expect_eq stderr "$C_ERR" "mtctl: avail=1048576 is below pressure_margin ($MARGIN bytes), the MemAvailable the module leaves the machine: root may lower it"
verdict "'mtctl mem_alloc 1 m --avail 1m' (below pressure_margin, $MARGIN): exit 1, the module's reason" "$(cev)"
refusal_case EINVAL "mem_alloc 4 k alloc=kmalloc gfp=kernel,nofail,nowarn avail=$FAR" mem_alloc 4 k --alloc kmalloc --gfp kernel,nofail,nowarn --avail "$FAR"
matches "$C_ERR" "avail= with gfp=nofail"
verdict "'mtctl mem_alloc 4 k --alloc kmalloc --gfp kernel,nofail,nowarn --avail $FAR': refused, avail= with gfp=nofail" "$(cev)"
setparam max_bytes "$P0_max_bytes"
param v max_bytes
check_eq "max_bytes back to $P0_max_bytes after the --avail checks" "$v" "$P0_max_bytes"

# ------------------------------------------------------------ mem_free ---
kept_snap
mc mem_free 1 m
kept_move
c_ok
numof "$C_OUT" n
expect_eq "the figure printed vs the drop of kept_bytes" "$n" $((-KBD))
expect_range "bytes freed" "$n" 1048576 100000000
case $C_OUT in
*"$NL"*) _E="${_E}more than one line$NL" ;;
esac
verdict "'mtctl mem_free 1 m' prints the bytes freed (at least 1 MiB), the drop of kept_bytes" "$(cev)"
kept_snap
mc mem_free 1 g
kept_move
used kb kept_bytes
c_ok
numof "$C_OUT" n
expect_eq "the figure printed" "$n" "$KB0"
expect_eq "kept_bytes" "$kb" 0
verdict "'mtctl mem_free 1 g' frees everything kept (less than 1 GiB: $KB0 bytes) and says so" "$(cev)"
for s in 100 200 300; do
	mc mem_alloc $s
done
kept_snap
mc mem_free 250 b
kept_move
c_ok
expect_eq stdout "$C_OUT" 300
expect_eq "kept_bytes, kept_chunks moves" "$KBD $KCD" "-300 -2"
verdict "keeping 100, 200, 300: 'mtctl mem_free 250 b' prints 300 (200 then 100 freed)" "$(cev)"
mc --json mem_free
used kb kept_bytes
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
case $C_OUT in
*[!0-9]300[!0-9]*) ;;
*) _E="${_E}no 300 in the object$NL" ;;
esac
expect_eq "kept_bytes" "$kb" 0
verdict "'mtctl --json mem_free' frees the last 300 bytes: an object with 300" "$(cev)"
mc mem_free
c_ok
expect_eq stdout "$C_OUT" 0
verdict "'mtctl mem_free' with nothing kept prints 0" "$(cev)"

# ---------------------------------------------- mem_used in units ---
mc mem_alloc 1 m
mc mem_used m
c_ok
tval b "$C_OUT" bytes
tval kb "$C_OUT" kept_bytes
tval tb "$C_OUT" test_bytes
tval ch "$C_OUT" chunks
expect_eq bytes "$b" "1 m"
expect_eq kept_bytes "$kb" "1 m"
expect_eq chunks "$ch" 1
case $tb in
0 | "0 m") ;;
*) _E="${_E}test_bytes: got '$tb', expected '0 m' or '0'$NL" ;;
esac
verdict "keeping exactly 1 MiB: 'mtctl mem_used m' shows bytes: 1 m, kept_bytes: 1 m, chunks: 1" "$(cev)"
mc mem_used M
c_ok
tval b "$C_OUT" bytes
case $b in
"1 m" | "1 M") ;;
*) _E="${_E}bytes: got '$b', expected '1 m'$NL" ;;
esac
verdict "'mtctl mem_used M' shows bytes: 1 m" "$(cev)"
mc mem_used k
c_ok
tval b "$C_OUT" bytes
tval kb "$C_OUT" kept_bytes
expect_eq bytes "$b" "1024 k"
expect_eq kept_bytes "$kb" "1024 k"
verdict "'mtctl mem_used k' shows bytes: 1024 k, kept_bytes: 1024 k" "$(cev)"
mc mt.mem_used b
c_ok
tval b "$C_OUT" bytes
case $b in
1048576 | "1048576 b") ;;
*) _E="${_E}bytes: got '$b', expected '1048576 b' or '1048576'$NL" ;;
esac
verdict "'mtctl mt.mem_used b' shows bytes: 1048576" "$(cev)"
mc --json mem_used m
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
jget b "$C_OUT" bytes
expect_eq "\"bytes\"" "$b" 1048576
verdict "'mtctl --json mem_used m' gives \"bytes\": 1048576 (bytes whatever the unit)" "$(cev)"
mc mem_free

# --------------------------------------------------------- mem_realloc ---
refusal_case ENOENT "mem_realloc 100" mem_realloc 100
mc mem_alloc 1000
# realloc_case RESULT KEPT_BYTES ARGS...
realloc_case() {
	_rr=$1 _rk=$2
	shift 2
	mc "$@"
	used _kb kept_bytes
	c_ok
	numof "$C_OUT" _n
	expect_eq "the difference printed" "$_n" "$_rr"
	expect_eq kept_bytes "$_kb" "$_rk"
	verdict "one chunk kept: 'mtctl $*' prints $_rr, kept_bytes $_rk" "$(cev)"
}
realloc_case 500 1500 mem_realloc 1500
realloc_case -1300 200 mem_realloc 200
realloc_case 1848 2048 mem_realloc 2 k
realloc_case 0 2048 mt.mem_realloc 2048 B
mc --json mem_realloc 1 K
used kb kept_bytes
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
case $C_OUT in
*[!0-9-]-1024[!0-9]*) ;;
*) _E="${_E}no -1024 in the object$NL" ;;
esac
expect_eq kept_bytes "$kb" 1024
verdict "'mtctl --json mem_realloc 1 K' shrinks the chunk to 1024: an object with -1024" "$(cev)"
mc mem_free

# ------------------------------------------------------- mem_rnd_alloc ---
kept_snap
mc mem_rnd_alloc 1 64 10240 k
kept_move
c_ok
tval ch "$C_OUT" chunks
tval er "$C_OUT" errors
tval re "$C_OUT" reallocs
[ -n "$re" ] || tval re "$C_OUT" resizes
tval by "$C_OUT" bytes
expect_range chunks "$ch" 160 10240
expect_eq errors "$er" 0
expect_eq "reallocs (or resizes)" "$re" 0
case $by in
10485760 | "10485760 b" | "10240 k") ;;
*) _E="${_E}bytes: got '$by', expected 10485760 (or 10240 k)$NL" ;;
esac
expect_eq "kept_bytes move" "$KBD" 10485760
expect_eq "kept_chunks move (vs chunks)" "$KCD" "$ch"
verdict "'mtctl mem_rnd_alloc 1 64 10240 k': chunks, errors 0, reallocs 0, bytes 10 MiB; mem_used moved by exactly that" "$(cev)"
kept_snap
mc --json mem_rnd_alloc 1 2 100 k
kept_move
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
jget ch "$C_OUT" chunks
jget er "$C_OUT" errors
jget by "$C_OUT" bytes
expect_range "\"chunks\"" "$ch" 50 100
expect_eq "\"errors\"" "$er" 0
expect_eq "\"bytes\"" "$by" 102400
expect_eq "kept_bytes move" "$KBD" 102400
expect_eq "kept_chunks move (vs chunks)" "$KCD" "$ch"
verdict "'mtctl --json mem_rnd_alloc 1 2 100 k': \"chunks\" 50..100, \"errors\" 0, \"bytes\" 102400, as mem_used moved" "$(cev)"
mi vm0 VmallocUsed
kept_snap
mc mt.mem_rnd_alloc 1 1 1024 k --alloc vmalloc
kept_move
mi vm1 VmallocUsed
c_ok
expect_eq "kept_bytes, kept_chunks moves" "$KBD $KCD" "1048576 1024"
expect_range "VmallocUsed rise (bytes; a page at least per piece)" $(((vm1 - vm0) * 1024)) $((4194304 - 262144)) $((12582912))
verdict "'mtctl mt.mem_rnd_alloc 1 1 1024 k --alloc vmalloc': 1024 chunks, a vmalloc'ed page each" "$(cev)"
refusal_case EINVAL "mem_rnd_alloc 64 15 1 m" mem_rnd_alloc 64 15 1 m
mc mem_free

# ------------------------------------------------------------- tests ---
mc mem_test_start 15 64 25000 128 1500 60000 k
T1=$C_OUT
c_ok
expect "the output is not an id" isnum "$T1"
expect "no tests/$T1/stats" [ -f "$D/tests/$T1/stats" ]
slurp s "$D/tests/$T1/stats"
for kv in min:15360 max:65536 total:25600000 min_int_ms:128 max_int_ms:1500 total_time_ms:60000 alloc:kvmalloc; do
	skey v "$s" ${kv%%:*}
	expect_eq "stats ${kv%%:*}" "$v" ${kv#*:}
done
verdict "'mtctl mem_test_start 15 64 25000 128 1500 60000 k' prints the new id ($T1), tests/$T1/stats has the sizes and times" "$(cev)" "$s"
mc mem_test_list "$T1" k
c_ok
tval v "$C_OUT" min
expect_eq min "$v" "15 k"
tval v "$C_OUT" max
expect_eq max "$v" "64 k"
tval v "$C_OUT" total
expect_eq total "$v" "25000 k"
printf '%s\n' "$C_OUT" | grep -qw running || _E="${_E}no state running$NL"
printf '%s\n' "$C_OUT" | grep -qw kvmalloc || _E="${_E}no allocator kvmalloc$NL"
printf '%s\n' "$C_OUT" | grep -Eiq "(id|test)[^0-9]*[^0-9]$T1([^0-9]|\$)" ||
	_E="${_E}no line with the id $T1$NL"
verdict "'mtctl mem_test_list $T1 k': its id, state running, alloc kvmalloc, min: 15 k, max: 64 k, total: 25000 k" "$(cev)"
# Times: run time, remaining and total in seconds (60, not 60000); the
# intervals in ms (128, 1500).
expect "total time in seconds: no 60 as a word" eval 'printf "%s\n" "$C_OUT" | grep -Eq "(^|[^0-9.])60(\.0+)?( ?s)?([^0-9.]|\$)"'
expect "a figure in ms shows: 60000" eval '! printf "%s\n" "$C_OUT" | grep -q 60000'
expect "no interval 128" eval 'printf "%s\n" "$C_OUT" | grep -Eq "(^|[^0-9])128([^0-9]|\$)"'
expect "no interval 1500" eval 'printf "%s\n" "$C_OUT" | grep -Eq "(^|[^0-9])1500([^0-9]|\$)"'
verdict "'mtctl mem_test_list $T1 k': total time 60 (seconds), intervals 128 and 1500 (ms)" "$(cev)"
tval v "$C_OUT" charged
case $v in
[0-9]*" k") ;;
*) _E="${_E}charged: got '$v', expected a size in k$NL" ;;
esac
tval v "$C_OUT" "own memory"
case $v in
[0-9]*" k") ;;
*) _E="${_E}own memory: got '$v', expected a size in k$NL" ;;
esac
verdict "'mtctl mem_test_list $T1 k' shows the test's footprint (charged) and its own memory (overhead_bytes) in k" "$(cev)"
mc mem_test_list "$T1" b
c_ok
tstat ovh "$T1" overhead_bytes
tval v "$C_OUT" "own memory"
expect_eq "own memory (vs tests/$T1/stats overhead_bytes)" "$v" "$ovh b"
expect "overhead_bytes '$ovh' is not above 0" [ "${ovh:-0}" -gt 0 ]
verdict "'mtctl mem_test_list $T1 b': own memory is the test's overhead_bytes ($ovh)" "$(cev)"
mc mem_test_list "$T1"
c_ok
tval v "$C_OUT" min
case $v in
15360 | "15360 b") ;;
*) _E="${_E}min: got '$v', expected 15360$NL" ;;
esac
tval v "$C_OUT" total
case $v in
25600000 | "25600000 b") ;;
*) _E="${_E}total: got '$v', expected 25600000$NL" ;;
esac
verdict "'mtctl mem_test_list $T1' (no unit): min: 15360, total: 25600000" "$(cev)"
mc --json mem_test_list "$T1" k
c_ok
expect "stdout is not one JSON array" jvalid a "$C_OUT"
jget v "$C_OUT" id
expect_eq "\"id\"" "$v" "$T1"
jget v "$C_OUT" min
expect_eq "\"min\"" "$v" 15360
jget v "$C_OUT" max
expect_eq "\"max\"" "$v" 65536
jget v "$C_OUT" total
expect_eq "\"total\"" "$v" 25600000
jget v "$C_OUT" state
expect_eq "\"state\"" "$v" running
verdict "'mtctl --json mem_test_list $T1 k': an array, its test's \"min\" 15360, \"max\" 65536, \"total\" 25600000 (bytes whatever the unit)" "$(cev)"

# --alloc and options anywhere, seen in the test's alloc
# start_alloc WANT ARGS...: mtctl ARGS starts a test whose alloc is WANT
start_alloc() {
	_sw=$1
	shift
	mc "$@"
	_sid=$C_OUT
	c_ok
	expect "the output is not an id" isnum "$_sid"
	tstat _sa "$_sid" alloc
	expect_eq "tests/$_sid/stats alloc" "$_sa" "$_sw"
	verdict "'mtctl $*' starts test $_sid with alloc: $_sw" "$(cev)"
	SID=$_sid
}
start_alloc kmalloc mt.mem_test_start 1 4 64 10 20 60000 k --alloc=kmalloc
T2=$SID
start_alloc vmalloc --alloc vmalloc mem_test_start 1 2 10 1000 2000 60000
T3=$SID
start_alloc kmalloc mem_test_start 1 2 10 --alloc kmalloc 1000 2000 60000
T4=$SID
mc --json mem_test_start 1 2 10 1000 2000 60000
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
numof "$C_OUT" T5
expect "tests/$T5 (the number in the object) does not exist" [ -n "$T5" ]
[ -n "$T5" ] && expect "no tests/$T5/stats" [ -f "$D/tests/$T5/stats" ]
verdict "'mtctl --json mem_test_start 1 2 10 1000 2000 60000': an object with the new id ($T5)" "$(cev)"
list_ids ids
mc mem_test_list
c_ok
for t in $ids; do
	printf '%s\n' "$C_OUT" | grep -Eiq "(id|test)[^0-9]*[^0-9]$t([^0-9]|\$)" ||
		_E="${_E}no line with the id $t$NL"
done
verdict "'mtctl mem_test_list' shows every test ($ids)" "$(cev)"
mc --json mem_test_list
c_ok
expect "stdout is not one JSON array" jvalid a "$C_OUT"
n=$(printf '%s\n' "$C_OUT" | grep -o '"id"' | wc -l)
set -- $ids
expect_eq "objects (\"id\"s)" "$n" $#
verdict "'mtctl --json mem_test_list': an array of $# objects" "$(cev)"
mc mt.mem_test_list
expect_eq "exit status" "$C_RC" 0
verdict "'mtctl mt.mem_test_list' exits 0" "$(cev)"

# stop, destroy
mc mem_test_stop "$T1"
slurp s "$D/tests/$T1/stats"
c_ok
skey v "$s" state
expect_eq "stats state" "$v" stopped
skey v "$s" held
expect_eq "stats held" "$v" 0
verdict "'mtctl mem_test_stop $T1': the test is stopped, holds nothing, its statistics stay" "$(cev)" "$s"
mc mem_test_list "$T1" k
c_ok
printf '%s\n' "$C_OUT" | grep -qw stopped || _E="${_E}no state stopped$NL"
verdict "'mtctl mem_test_list $T1 k' after it shows the state stopped" "$(cev)"
mc --json mem_test_stop "$T2"
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
tstat v "$T2" state
expect_eq "stats state" "$v" stopped
verdict "'mtctl --json mem_test_stop $T2' prints an object; the test is stopped" "$(cev)"
mc mem_test_destroy "$T1"
c_ok
expect "tests/$T1 still exists" [ ! -e "$D/tests/$T1" ]
block b "$T1"
expect_eq "its block in mem_test_list" "$b" ""
expect "tests/$T2 is gone too" [ -d "$D/tests/$T2" ]
verdict "'mtctl mem_test_destroy $T1': tests/$T1 and its block are gone, the others stay" "$(cev)"
mc mem_test_destroy "$T1"
expect_eq "exit status" "$C_RC" 1
expect_eq stderr "$C_ERR" "mtctl: no test with id $T1"
verdict "'mtctl mem_test_destroy $T1' again: exit 1, 'no test with id $T1'" "$(cev)"
mc mem_test_list "$T1"
expect_eq "exit status" "$C_RC" 1
expect_eq stderr "$C_ERR" "mtctl: no test with id $T1"
verdict "'mtctl mem_test_list $T1' (destroyed): exit 1, 'no test with id $T1'" "$(cev)"
mc --json mem_test_destroy "$T2"
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
expect "tests/$T2 still exists" [ ! -e "$D/tests/$T2" ]
verdict "'mtctl --json mem_test_destroy $T2' prints an object; tests/$T2 is gone" "$(cev)"
mc mt.mem_test_destroy_all
ls=$(ls "$D/tests" 2>&1)
slurp l "$D/mem_test_list"
c_ok
expect_eq "tests/" "$ls" ""
expect_eq "mem_test_list" "$l" ""
verdict "'mtctl mt.mem_test_destroy_all': tests/ and mem_test_list are empty" "$(cev)"
mc mem_test_list
c_ok
verdict "'mtctl mem_test_list' with no test exits 0" "$(cev)"
mc --json mem_test_list
c_ok
expect "stdout is not one JSON array" jvalid a "$C_OUT"
case $C_OUT in
*"{"*) _E="${_E}an object in the array$NL" ;;
esac
verdict "'mtctl --json mem_test_list' with no test prints an empty array" "$(cev)"
mtw mem_test_start 1 2 10 1000 2000 60000
mc --json mem_test_destroy_all
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
ls=$(ls "$D/tests" 2>&1)
expect_eq "tests/" "$ls" ""
verdict "'mtctl --json mem_test_destroy_all' prints an object; tests/ is empty" "$(cev)"

# ----------------------------------------------------------------- watch ---
# watch_run SECS ARGS...: runs mtctl ARGS in the background, killed after
# SECS seconds if still running.  W_RC, W_OUT, W_ERR, W_MS, W_KILLED (1 if
# it had to be killed), W_FRAMES (groups of lines between blank lines),
# W_LAST (the last frame).
watch_run() {
	_ws=$1
	shift
	W_CMD="mtctl $*"
	rm -f "$MT_TMP/w.rc" "$MT_TMP/w.pid"
	(
		"$MTCTL" "$@" </dev/null >"$MT_TMP/w.out" 2>"$MT_TMP/w.err" &
		echo $! >"$MT_TMP/w.pid"
		wait $!
		echo $? >"$MT_TMP/w.rc"
	) &
	_wsub=$!
	nowv _w0
	W_KILLED=0
	while [ ! -f "$MT_TMP/w.rc" ]; do
		nowv _w1
		if [ $((_w1 - _w0)) -ge $((_ws * 1000)) ] && [ -s "$MT_TMP/w.pid" ]; then
			read -r _wp <"$MT_TMP/w.pid"
			kill "$_wp" 2>/dev/null
			sleep 1
			kill -9 "$_wp" 2>/dev/null
			W_KILLED=1
			break
		fi
		sleep 0.1
	done
	wait $_wsub
	nowv _w1
	W_MS=$((_w1 - _w0))
	W_RC=
	[ -f "$MT_TMP/w.rc" ] && read -r W_RC <"$MT_TMP/w.rc"
	slurp W_OUT "$MT_TMP/w.out"
	slurp W_ERR "$MT_TMP/w.err"
	W_FRAMES=$(awk 'NF { if (!inb) n++; inb = 1 } !NF { inb = 0 } END { print n + 0 }' "$MT_TMP/w.out")
	W_LAST=$(awk '!NF { last = ""; next } { last = last $0 "\n" } END { printf "%s", last }' "$MT_TMP/w.out")
}
# wev: the last watch, as evidence
wev() {
	echo "$W_CMD: exit $W_RC after $W_MS ms$([ "$W_KILLED" = 1 ] && echo ', KILLED')${NL}stderr: '$W_ERR'${NL}stdout:$NL$(printf '%s\n' "$W_OUT" | tail -n 40)"
}
mc mem_test_start 1 4 64 10 20 2000 k
TW=$C_OUT
isnum "$TW" || diag "mem_test_start for watch: $(cev)"
watch_run 20 watch "$TW" --interval 0.2
ESC=$(printf '\033')
expect "it had to be killed after 20 s" [ "$W_KILLED" = 0 ]
expect_eq "exit status" "$W_RC" 0
expect_eq stderr "$W_ERR" ""
verdict "'mtctl watch $TW --interval 0.2' on a 2 s test ends by itself when it finishes, exit 0 ($W_MS ms)" "$(wev)"
expect_range "frames" "$W_FRAMES" 3 1000
case $W_OUT in
*"$ESC"*) _E="${_E}escape sequences in a file$NL" ;;
esac
verdict "into a file, watch writes frames one after the other, separated by blank lines ($W_FRAMES frames), no escape sequence" "$(wev)"
printf '%s\n' "$W_OUT" | grep -Eq "(^|[^0-9])$TW([^0-9]|\$)" || _E="${_E}no id $TW$NL"
printf '%s\n' "$W_OUT" | grep -q '\[.*\]' || _E="${_E}no progress bar [...]$NL"
printf '%s\n' "$W_OUT" | grep -Eq '[0-9][^ ]* *[^ ]*/s' || _E="${_E}no rate (N.../s)$NL"
printf '%s\n' "$W_OUT" | grep -q running || _E="${_E}no frame shows running$NL"
printf '%s\n' "$W_LAST" | grep -q finished || _E="${_E}the last frame does not show finished$NL"
verdict "watch's frames show the id, a progress bar [...], a rate (/s), running, then finished in the last frame" "$(wev)"
mc mem_test_list "$TW" k
c_ok
printf '%s\n' "$C_OUT" | grep -qw finished || _E="${_E}no state finished$NL"
verdict "'mtctl mem_test_list $TW k' after it shows the state finished" "$(cev)"

mc mem_test_start 1 2 10 1000 2000 60000
TL=$C_OUT
watch_run 20 watch "$TL" --interval 0.2 --count 2
expect "it had to be killed after 20 s" [ "$W_KILLED" = 0 ]
expect_eq "exit status" "$W_RC" 0
expect_eq frames "$W_FRAMES" 2
verdict "'mtctl watch $TL --interval 0.2 --count 2' on a running test stops after 2 frames, exit 0" "$(wev)"
watch_run 20 --json watch "$TL" --interval 0.2 --count 3
expect "it had to be killed after 20 s" [ "$W_KILLED" = 0 ]
expect_eq "exit status" "$W_RC" 0
n=0
bad=
while IFS= read -r l; do
	n=$((n + 1))
	jvalid o "$l" || bad="$bad [line $n is not an object]"
	case $l in
	*'"tests"'*) ;;
	*) bad="$bad [line $n lacks \"tests\"]" ;;
	esac
done <"$MT_TMP/w.out"
expect_eq "lines" "$n" 3
expect_eq "bad lines" "$bad" ""
verdict "'mtctl --json watch $TL --interval 0.2 --count 3': 3 lines, each an object with \"tests\"" "$(wev)"
mc mem_test_stop "$TL"
watch_run 20 watch "$TL" --interval 0.2
expect "it had to be killed after 20 s" [ "$W_KILLED" = 0 ]
expect_eq "exit status" "$W_RC" 0
printf '%s\n' "$W_OUT" | grep -q stopped || _E="${_E}no 'stopped'$NL"
verdict "'mtctl watch $TL' on a stopped test shows it stopped and ends by itself" "$(wev)"
mtw_wo mem_test_destroy_all
mc mem_test_start 1 4 64 10 20 1500 k
TA=$C_OUT
mc mem_test_start 1 4 64 10 20 2500 k
TB=$C_OUT
watch_run 25 watch --interval 0.3
expect "it had to be killed after 25 s" [ "$W_KILLED" = 0 ]
expect_eq "exit status" "$W_RC" 0
for t in $TA $TB; do
	printf '%s\n' "$W_LAST" | grep -Eq "(^|[^0-9])$t([^0-9]|\$)" || _E="${_E}no id $t in the last frame$NL"
done
n=$(printf '%s\n' "$W_LAST" | grep -c finished)
expect_range "lines with 'finished' in the last frame" "$n" 2 100
verdict "'mtctl watch --interval 0.3' shows every test ($TA, $TB) and ends when both have finished" "$(wev)"
mc watch 999999
expect_eq "exit status" "$C_RC" 1
expect_eq stderr "$C_ERR" "mtctl: no test with id 999999"
verdict "'mtctl watch 999999': exit 1, 'no test with id 999999'" "$(cev)"
mc --json watch 999999
json_err 1 ENOENT "no test with id 999999"
verdict "'mtctl --json watch 999999': exit 1, the error object" "$(cev)"
mtw_wo mem_test_destroy_all

# ------------------------------------------- allocators and options ---
# Each new option of mtctl reaches the module: what it allocates shows in
# mem_used's per-allocator lines and the caches file, a test's options in
# its statistics; a refusal of the module comes back with its reason.
nr_possible NCPU
AK="kmalloc vmalloc kvmalloc pages cache percpu"

# ak_snap: AK0_<kind>_chunks, AK0_<kind>_bytes, AK0_caches := mem_used's
ak_snap() {
	slurp _as "$D/mem_used"
	for _a in $AK; do
		skey _x "$_as" ${_a}_chunks
		eval "AK0_${_a}_chunks=\$_x"
		skey _x "$_as" ${_a}_bytes
		eval "AK0_${_a}_bytes=\$_x"
	done
	skey AK0_caches "$_as" caches
}
# ak_moved KIND CHUNKS BYTES: (expect) since ak_snap, KIND's chunks and
# bytes moved by CHUNKS and BYTES (BYTES '' for any), the others' not
ak_moved() {
	slurp _as "$D/mem_used"
	for _a in $AK; do
		skey _c "$_as" ${_a}_chunks
		skey _b "$_as" ${_a}_bytes
		eval "_c=\$((_c - AK0_${_a}_chunks)) _b=\$((_b - AK0_${_a}_bytes))"
		if [ "$_a" = "$1" ]; then
			expect_eq "${_a}_chunks moved" "$_c" "$2"
			[ -z "$3" ] || expect_eq "${_a}_bytes moved" "$_b" "$3"
			AK_BYTES=$_b
		else
			expect_eq "${_a}_chunks moved" "$_c" 0
			expect_eq "${_a}_bytes moved" "$_b" 0
		fi
	done
}

# mem_used's new lines, as mtctl shows them: each allocator's, caches
mc mem_alloc 5000 --alloc pages
mc mem_alloc 3 k --alloc cache
slurp f "$D/mem_used"
mc mem_used
c_ok
for k in chunks bytes charged; do
	for a in $AK kmalloc_nolock pages_nolock mempool; do
		skey want "$f" ${a}_$k
		tval got "$C_OUT" ${a}_$k
		expect_eq "${a}_$k" "$got" "$want"
		[ -n "$want" ] || _E="${_E}no ${a}_$k in mem_used$NL"
	done
done
skey want "$f" caches
tval got "$C_OUT" caches
expect_eq caches "$got" "$want"
verdict "'mtctl mem_used' shows every allocator's chunks, bytes and charge, and caches, as mem_used" "$(cev)" "mem_used: $f"
mc mem_used k
c_ok
tval v "$C_OUT" pages_bytes
expect_eq "pages_bytes (a chunk of 5000 is two pages)" "$v" "8 k"
tval v "$C_OUT" cache_bytes
expect_eq cache_bytes "$v" "3 k"
tval v "$C_OUT" pages_charged
expect_eq "pages_charged (its two pages)" "$v" "8 k"
tval v "$C_OUT" cache_charged
expect_eq "cache_charged (3 KiB in its 4 KiB class)" "$v" "4 k"
tval v "$C_OUT" kept_charged
expect_eq "kept_charged (8 k + 4 k)" "$v" "12 k"
tval v "$C_OUT" cache_chunks
expect_eq "cache_chunks (a count, no unit)" "$v" 1
tval v "$C_OUT" caches
expect_eq "caches (a count, no unit)" "$v" 1
tval v "$C_OUT" tests
expect_eq "tests (a count, no unit)" "$v" 0
tval v "$C_OUT" killed_rnd_allocs
expect_eq "killed_rnd_allocs (a count, no unit)" "$v" 0
skey want "$f" max_atomic_bytes
tval v "$C_OUT" max_atomic_bytes
case $v in
*" k") ;;
*) _E="${_E}max_atomic_bytes: got '$v', not in k (mem_used: $want)$NL" ;;
esac
verdict "'mtctl mem_used k' shows the allocators' bytes and charges in k (pages_bytes: 8 k, cache_charged: 4 k), their chunks, caches and tests as counts" "$(cev)"
mc --json mem_used
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
for k in pages_bytes pages_chunks cache_bytes percpu_bytes kmalloc_chunks caches pages_charged cache_charged kept_charged charged_bytes; do
	skey want "$f" $k
	jget got "$C_OUT" $k
	expect_eq "\"$k\"" "$got" "$want"
done
verdict "'mtctl --json mem_used' has the allocators' figures and caches" "$(cev)" "mem_used: $f"
mc mem_free

# --alloc with each allocator: what mem_alloc keeps, where it shows
# ak_case KIND BYTES ARGS...: mtctl ARGS keeps one KIND chunk of BYTES
ak_case() {
	_akk=$1 _akb=$2
	shift 2
	ak_snap
	kept_snap
	mc "$@"
	kept_move
	ak_moved "$_akk" 1 "$_akb"
	c_ok
	expect_eq stdout "$C_OUT" ""
	expect_eq "kept_bytes, kept_chunks moves" "$KBD $KCD" "$_akb 1"
	verdict "'mtctl $*' keeps one $_akk chunk of $_akb bytes: ${_akk}_chunks, ${_akk}_bytes moved" "$(cev)"
}
ak_case kmalloc 100 mem_alloc 100 --alloc kmalloc
ak_case vmalloc 100 mem_alloc 100 --alloc=vmalloc
ak_case kvmalloc 100 mem_alloc 100 --alloc kvmalloc
ak_case pages 8192 mem_alloc 5000 --alloc pages
ak_case pages 4194304 mem_alloc 4 m --alloc pages
ak_case cache 100 mem_alloc 100 --alloc cache
ak_case percpu $((100 * NCPU)) mem_alloc 100 --alloc percpu
ak_case percpu $((32768 * NCPU)) mem_alloc 32 k --alloc percpu

# caches: the module's caches file, as mtctl shows it
slurp cf "$D/caches"
mc caches
c_ok
cache_names names
for n in $names; do
	cache_objects o "$n"
	printf '%s\n' "$C_OUT" | grep -Eq "^$n +$o +[0-9]+\$" ||
		_E="${_E}no line '$n $o ...'$NL"
done
case " $names " in
*" malloc_test_kept_128 "*) ;;
*) _E="${_E}the caches file has no malloc_test_kept_128: '$names'$NL" ;;
esac
cache_objects o malloc_test_kept_128
expect_eq "objects of malloc_test_kept_128" "$o" 1
verdict "'mtctl caches' shows each cache of the caches file with its objects (malloc_test_kept_128: 1)" "$(cev)" "caches: $cf"
mc --json caches
c_ok
expect "stdout is not one JSON array" jvalid a "$C_OUT"
jget v "$C_OUT" name
expect_eq "\"name\"" "$v" malloc_test_kept_128
jget v "$C_OUT" objects
expect_eq "\"objects\"" "$v" 1
jget v "$C_OUT" object_size
expect_eq "\"object_size\"" "$v" 128
verdict "'mtctl --json caches': an array, {\"name\": \"malloc_test_kept_128\", \"objects\": 1, \"object_size\": 128}" "$(cev)" "caches: $cf"
mc mem_free
c_ok
mc caches
c_ok
expect_eq stdout "$C_OUT" "no cache"
used v caches
expect_eq "mem_used caches" "$v" 0
verdict "everything freed: the kept caches are gone, 'mtctl caches' prints 'no cache'" "$(cev)"
mc --json caches
c_ok
expect_eq stdout "$C_OUT" "[]"
verdict "'mtctl --json caches' with no cache prints []" "$(cev)"

# mem_rnd_alloc with options: TOTAL in the allocator's bytes
# rk_case KIND LO HI ARGS...: mtctl ARGS keeps KIND chunks of LO..HI bytes
# in all, as many as it says, and mem_used's lines say the same
rk_case() {
	_rkk=$1 _lo=$2 _hi=$3
	shift 3
	ak_snap
	kept_snap
	mc "$@"
	kept_move
	c_ok
	tval _ch "$C_OUT" chunks
	tval _er "$C_OUT" errors
	tval _by "$C_OUT" bytes
	expect_eq errors "$_er" 0
	expect_range "bytes" "$_by" "$_lo" "$_hi"
	expect_eq "kept_bytes move (vs bytes)" "$KBD" "$_by"
	expect_eq "kept_chunks move (vs chunks)" "$KCD" "$_ch"
	ak_moved "$_rkk" "$_ch" "$_by"
	verdict "'mtctl $*': $_rkk chunks, $_lo..$_hi bytes, as mem_used's kept and ${_rkk}_ lines moved" "$(cev)"
}
rk_case pages $((65536 - 4095)) 65536 mem_rnd_alloc 1 8 64 k --alloc pages --gfp kernel,zero,nowarn --node 0
rk_case cache 10240 10240 mem_rnd_alloc 1 2 10 k --alloc cache --gfp atomic,nowarn
rk_case percpu $((10240 - NCPU + 1)) 10240 mem_rnd_alloc 1 64 10240 --alloc percpu --gfp kernel,nowarn
rk_case kmalloc 4096 4096 mem_rnd_alloc 1 64 4096 --alloc kmalloc --node 0
rk_case vmalloc 8192 8192 mem_rnd_alloc 1 4096 8192 --alloc vmalloc --node 0 --gfp kernel,zero
# the kept caches hold the cache chunks, no more, no less
used cc cache_chunks
cache_names names malloc_test_kept_
sum=0
for n in $names; do
	cache_objects o "$n"
	sum=$((sum + o))
done
check_eq "the kept caches' objects add up to cache_chunks ($cc; caches: $names)" "$sum" "$cc"
mc mem_free
ak_snap
for a in $AK; do
	eval "expect_eq \"${a}_chunks, ${a}_bytes after mem_free\" \"\$AK0_${a}_chunks \$AK0_${a}_bytes\" '0 0'"
done
expect_eq caches "$AK0_caches" 0
verdict "'mtctl mem_free' frees every allocator's chunks and the kept caches"

# The module's refusals of what does not go together, its reasons through
# mtctl (exit 1, then the --json error document)
refusal_case EINVAL "mem_alloc 10 k gfp=atomic,noretry" mem_alloc 10 k --gfp atomic,noretry
refusal_case EINVAL "mem_alloc 10 k gfp=kernel,noretry,retry_mayfail" mem_alloc 10 k --gfp kernel,noretry,retry_mayfail
refusal_case EINVAL "mem_alloc 1 k alloc=kmalloc gfp=nowait,nofail" mem_alloc 1 k --alloc kmalloc --gfp nowait,nofail
refusal_case EINVAL "mem_alloc 1 k alloc=vmalloc gfp=kernel,nofail" mem_alloc 1 k --alloc vmalloc --gfp kernel,nofail
refusal_case EINVAL "mem_alloc 9000 alloc=kmalloc gfp=kernel,nofail,nowarn" mem_alloc 9000 --alloc kmalloc --gfp kernel,nofail,nowarn
refusal_case EINVAL "mem_alloc 5 m alloc=pages" mem_alloc 5 m --alloc pages
refusal_case EINVAL "mem_alloc 2 m alloc=cache" mem_alloc 2 m --alloc cache
refusal_case EINVAL "mem_alloc 33 k alloc=percpu" mem_alloc 33 k --alloc percpu
refusal_case EINVAL "mem_alloc 1 k node=4096" mem_alloc 1 k --node 4096
refusal_case EINVAL "mem_alloc 1 k alloc=percpu node=0" mem_alloc 1 k --alloc percpu --node 0
refusal_case EINVAL "mem_alloc 1 k alloc=vmalloc node=0 gfp=kernel,nowarn" mem_alloc 1 k --alloc vmalloc --node 0 --gfp kernel,nowarn
refusal_case EINVAL "mem_alloc 1 k alloc=vmalloc node=0" mem_alloc 1 k --alloc vmalloc --node 0
refusal_case EINVAL "mem_alloc 1 k alloc=vmalloc node=0 gfp=zero" mem_alloc 1 k --alloc vmalloc --node 0 --gfp zero
refusal_case EINVAL "mem_alloc 1 k alloc=percpu gfp=retry_mayfail" mem_alloc 1 k --alloc percpu --gfp retry_mayfail
refusal_case EINVAL "mem_test_start 1 64 64 1 2 60000 k alloc=kmalloc ctx=timer" mem_test_start 1 64 64 1 2 60000 k --alloc kmalloc --ctx timer
refusal_case EINVAL "mem_rnd_alloc 1 2 100 alloc=pages" mem_rnd_alloc 1 2 100 --alloc pages
refusal_case EINVAL "mem_test_start 1 2 64 10 20 60000 k alloc=vmalloc ctx=timer" mem_test_start 1 2 64 10 20 60000 k --alloc vmalloc --ctx timer
refusal_case EINVAL "mem_test_start 1 2 64 10 20 60000 k alloc=kmalloc ctx=timer gfp=kernel" mem_test_start 1 2 64 10 20 60000 k --alloc kmalloc --ctx timer --gfp kernel
refusal_case EINVAL "mem_test_start 1 2 64 10 20 60000 k alloc=pages ctx=timer gfp=nowarn,account" mem_test_start 1 2 64 10 20 60000 k --alloc pages --ctx timer --gfp nowarn,account
refusal_case EINVAL "mem_test_start 1 2 64 10 20 60000 k alloc=kmalloc cpu=4096" mem_test_start 1 2 64 10 20 60000 k --alloc kmalloc --cpu 4096
# --ctx nmi reaches the module as ctx=nmi: with an allocator that takes
# locks it is refused on every kernel (before 6.18 as no allocator may run
# in an NMI there); with pages_nolock, before 6.18 the module's refusal
# comes through mtctl (from 6.18 on, x86, a test starts: below)
refusal_case EINVAL "mem_test_start 1 4 64 1 2 60000 k alloc=kmalloc ctx=nmi" mem_test_start 1 4 64 1 2 60000 k --alloc kmalloc --ctx nmi
kv_ge 6 18 ||
	refusal_case EINVAL "mem_test_start 1 4 64 1 2 60000 k alloc=pages_nolock ctx=nmi" mem_test_start 1 4 64 1 2 60000 k --alloc pages_nolock --ctx nmi
# the contract's example, word for word
mc mem_alloc 1 k --alloc kmalloc --gfp atomic,nofail
expect_eq "exit status" "$C_RC" 1
expect_eq stderr "$C_ERR" "mtctl: nofail needs gfp=kernel: only an allocation that can sleep can be made never to fail"
verdict "'mtctl mem_alloc 1 k --alloc kmalloc --gfp atomic,nofail': exit 1, the module's reason (mtctl: nofail needs gfp=kernel: ...)" "$(cev)"

# A test's options, in its statistics and in mtctl's figures
# to_case "KEY:VALUE..." ARGS...: mtctl ARGS starts a test whose stats have
# each KEY: VALUE; TO_ID is its id
to_case() {
	_tw=$1
	shift
	mc "$@"
	TO_ID=$C_OUT
	c_ok
	expect "the output is not an id" isnum "$TO_ID"
	slurp _ts "$D/tests/$TO_ID/stats"
	for _kv in $_tw; do
		skey_raw _v "$_ts" "${_kv%%:*}"
		expect_eq "stats ${_kv%%:*}" "$_v" "${_kv#*:}"
	done
	verdict "'mtctl $*' starts test $TO_ID: $_tw" "$(cev)" "$_ts"
}
to_case "alloc:kmalloc gfp:kernel,retry_mayfail,nowarn node:any ctx:work cpu:any free:all skipped:0 backlog:0 off_cpu:0 off_node:0" \
	mem_test_start 1 2 64 1000 2000 60000 k --alloc kmalloc
TD=$TO_ID
to_case "alloc:cache gfp:kernel,retry_mayfail,nowarn,zero node:0 ctx:work cpu:0 free:fifo" \
	mem_test_start 1 2 64 1 2 60000 k --alloc cache --gfp zero,nowarn --node 0 --cpu 0 --free fifo
TW0=$TO_ID
to_case "alloc:kmalloc gfp:atomic,nowarn ctx:timer cpu:0 free:lifo" \
	mem_test_start 1 4 64 1 2 60000 k --alloc kmalloc --ctx timer --cpu 0 --free lifo
TT0=$TO_ID
to_case "alloc:pages gfp:nowait,nowarn,zero ctx:timer free:random" \
	mem_test_start 1 8 256 1 2 60000 k --ctx timer --alloc pages --gfp zero,nowait,nowarn --free random
TTP=$TO_ID
to_case "alloc:percpu gfp:atomic,nowarn ctx:timer" \
	mem_test_start 1 2 64 1 2 60000 k --ctx=timer --alloc=percpu
TTC=$TO_ID
# --ctx nmi, from 6.18 (x86, its local APIC): a pages_nolock test in an
# NMI, ctx nmi in its statistics and in mtctl's figures (its allocations
# may fail: not counted on); before 6.18 refused, above
if kv_ge 6 18; then
	to_case "alloc:pages_nolock gfp:atomic,nowarn ctx:nmi backlog:0" \
		mem_test_start 1 4 64 1 2 60000 k --alloc pages_nolock --ctx nmi
	TN=$TO_ID
	mc mem_test_list "$TN"
	c_ok
	tval v "$C_OUT" context
	expect_eq context "$v" nmi
	verdict "'mtctl mem_test_list $TN' shows context nmi" "$(cev)"
	mc mem_test_destroy "$TN"
	c_ok
	expect "tests/$TN is still there" [ ! -e "$D/tests/$TN" ]
	verdict "'mtctl mem_test_destroy $TN' ends the ctx=nmi test" "$(cev)"
fi
TC1= TW1=
if [ "$NCPU" -ge 2 ] && grep -q 1 /sys/devices/system/cpu/online 2>/dev/null; then
	to_case "ctx:timer cpu:1" mem_test_start 1 4 64 1 2 60000 k --alloc kmalloc --ctx timer --cpu 1
	TC1=$TO_ID
	to_case "ctx:work cpu:1" mem_test_start 1 4 64 1 2 60000 k --alloc kmalloc --cpu 1
	TW1=$TO_ID
else
	skip "'mtctl mem_test_start ... --cpu 1' starts a test on CPU 1" "one CPU only"
	skip "'mtctl mem_test_start ... --cpu 1' starts a test on CPU 1 (ctx=work)" "one CPU only"
fi
# they allocate, on the CPU asked (off_cpu stays 0)
tallocs() {
	tstat _ta "$1" allocations
	[ "${_ta:-0}" -gt 0 ] 2>/dev/null
}
for t in $TW0 $TT0 $TTP $TTC $TC1 $TW1; do
	wait_until 10000 tallocs "$t"
	slurp s "$D/tests/$t/stats"
	skey v "$s" allocations
	expect_range "test $t allocations" "$v" 1 1000000000
	skey v "$s" off_cpu
	expect_eq "test $t off_cpu" "$v" 0
done
verdict "tests $TW0 $TT0 $TTP $TTC $TC1 $TW1 (work and timer, cache, pages, percpu, CPU 0 and 1) allocate, no step off their CPU" "$(for t in $TW0 $TT0 $TTP $TTC $TC1 $TW1; do echo "test $t: $(tr '\n' ' ' <"$D/tests/$t/stats")"; done)"
# its caches, for the caches file and mtctl: malloc_test_t<ID>_<size>
mc caches
c_ok
cache_names names "malloc_test_t${TW0}_"
expect "no cache of test $TW0 in the caches file" [ -n "$names" ]
for n in $names; do
	printf '%s\n' "$C_OUT" | grep -Eq "^$n " || _E="${_E}no line for $n$NL"
done
verdict "'mtctl caches' shows test $TW0's caches ($names)" "$(cev)"
mc mem_test_list "$TT0" k
c_ok
for kv in "gfp:atomic,nowarn" "node:any" "context:timer" "cpu:0" "free policy:lifo"; do
	tval v "$C_OUT" "${kv%%:*}"
	expect_eq "${kv%%:*}" "$v" "${kv#*:}"
done
for k in "skipped ticks" "backlog ticks" "steps off cpu" "chunks off node"; do
	tval v "$C_OUT" "$k"
	expect "no '$k' figure" isnum "$v"
done
verdict "'mtctl mem_test_list $TT0 k' shows gfp, node, context, cpu, free policy, skipped ticks, backlog ticks, steps off cpu, chunks off node" "$(cev)"
mc --json mem_test_list "$TW0"
c_ok
expect "stdout is not one JSON array" jvalid a "$C_OUT"
for kv in gfp:kernel,retry_mayfail,nowarn,zero node:0 ctx:work cpu:0 free:fifo off_cpu:0; do
	jget v "$C_OUT" "${kv%%:*}"
	expect_eq "\"${kv%%:*}\"" "$v" "${kv#*:}"
done
for k in skipped backlog off_node; do
	jget v "$C_OUT" $k
	expect "no \"$k\" number" isnum "$v"
done
verdict "'mtctl --json mem_test_list $TW0': \"gfp\", \"node\": 0, \"ctx\", \"cpu\": 0, \"free\", \"skipped\", \"backlog\", \"off_cpu\", \"off_node\"" "$(cev)"
mc mem_test_list "$TD"
c_ok
for kv in "node:any" "cpu:any" "context:work" "free policy:all"; do
	tval v "$C_OUT" "${kv%%:*}"
	expect_eq "${kv%%:*}" "$v" "${kv#*:}"
done
verdict "'mtctl mem_test_list $TD' (no option given): node any, cpu any, context work, free policy all" "$(cev)"
mc mem_test_destroy_all
c_ok
cache_names names malloc_test_t
expect_eq "tests' caches left" "$names" ""
verdict "'mtctl mem_test_destroy_all': the tests' caches are gone with them" "$(cev)"

# The alloc parameter takes the six allocators.
mc set alloc pages
param v alloc
c_ok
expect_eq "$P/alloc" "$v" pages
verdict "'mtctl set alloc pages': the parameter reads pages" "$(cev)"
ak_case pages 4096 mem_alloc 1
mc set alloc percpu
ak_case percpu $((8 * NCPU)) mem_alloc 8
mc set alloc slab
param v alloc
expect_eq "exit status" "$C_RC" 1
expect_eq "$P/alloc" "$v" percpu
matches "$C_ERR" "^mtctl: ;slab;kmalloc, vmalloc, kvmalloc, pages, cache, percpu, kmalloc_nolock, pages_nolock or mempool"
verdict "'mtctl set alloc slab' is refused: exit 1, stderr names every allocator, the value stays" "$(cev)"
mc set alloc "$P0_alloc"
mc mem_free

# --alloc mempool and --reserve: a test's mempools, as its statistics, the
# mempools file and 'mtctl mempools' show them; --reserve refused with
# another allocator, with the module's reason
# pool_names VAR [PREFIX]: the names in $D/mempools (those starting with
# PREFIX), space separated, in file order
pool_names() {
	_pn=
	while read -r _pc _; do
		case $_pc in
		'#'* | '') ;;
		"${2:-}"*) _pn="$_pn${_pn:+ }$_pc" ;;
		esac
	done <"$D/mempools"
	eval "$1=\$_pn"
}
# pool_min VAR NAME: NAME's min_nr in $D/mempools ('' when not listed)
pool_min() {
	_pm=
	while read -r _pc _pk _; do
		[ "$_pc" = "$2" ] && _pm=$_pk
	done <"$D/mempools"
	eval "$1=\$_pm"
}
check "the mempools file is there" [ -r "$D/mempools" ]
refusal_case EINVAL "mem_test_start 1 1 64 1 2 60000 k alloc=cache reserve=3" mem_test_start 1 1 64 1 2 60000 k --alloc cache --reserve 3
mc mem_test_start 1 1 64 1 2 60000 k --alloc cache --reserve 3
expect_eq "exit status" "$C_RC" 1
expect_eq stderr "$C_ERR" "mtctl: reserve=3: the elements each mempool keeps: alloc=mempool, not cache"
verdict "'mtctl mem_test_start ... --alloc cache --reserve 3': exit 1, the module's reason word for word" "$(cev)"
refusal_case EINVAL "mem_test_start 1 1 64 1 2 60000 k alloc=mempool reserve=0" mem_test_start 1 1 64 1 2 60000 k --alloc mempool --reserve 0
refusal_case EINVAL "mem_test_start 1 1 64 1 2 60000 k alloc=mempool reserve=1025" mem_test_start 1 1 64 1 2 60000 k --alloc mempool --reserve 1025
refusal_case EINVAL "bench alloc=kmalloc size=64 count=10 reserve=2" bench --alloc kmalloc --size 64 --count 10 --reserve 2
# chunks of 1 KiB exactly: one class, one pool, malloc_test_t<ID>_1024
to_case "alloc:mempool reserve:3" \
	mem_test_start 1 1 64 1 2 60000 k --alloc mempool --reserve 3
TM=$TO_ID
PM=malloc_test_t${TM}_1024
wait_until 10000 tallocs "$TM"
slurp mp "$D/mempools"
pool_names names "malloc_test_t${TM}_"
pool_min m "$PM"
mc mempools
c_ok
expect_eq "test $TM's pools in the mempools file" "$names" "$PM"
expect_eq "$PM's min_nr in the mempools file" "$m" 3
case $C_OUT in
"name "*) ;;
*) _E="${_E}the first line is not the heading 'name min_nr curr_nr from_reserve'$NL" ;;
esac
pool_names all
for n in $all; do
	pool_min k "$n"
	printf '%s\n' "$C_OUT" | grep -Eq "^$n +$k +[0-9]+ +[0-9]+\$" ||
		_E="${_E}no line '$n $k N N'$NL"
done
printf '%s\n' "$C_OUT" | grep -Eq "^$PM +3 +[0-3] +[0-9]+\$" ||
	_E="${_E}no line '$PM 3 (0..3) N'$NL"
verdict "'mtctl mempools' shows each pool of the mempools file, test $TM's $PM with min_nr 3" "$(cev)" "mempools: $mp"
mc --json mempools
c_ok
expect "stdout is not one JSON array" jvalid a "$C_OUT"
case $C_OUT in
*"{\"name\": \"$PM\", \"min_nr\": 3, \"curr_nr\": "[0-3]", \"from_reserve\": "[0-9]*) ;;
*) _E="${_E}no {\"name\": \"$PM\", \"min_nr\": 3, \"curr_nr\": N, \"from_reserve\": N}$NL" ;;
esac
verdict "'mtctl --json mempools': an array, {\"name\": \"$PM\", \"min_nr\": 3, \"curr_nr\": N, \"from_reserve\": N}" "$(cev)" "mempools: $mp"
mc mem_test_list "$TM"
c_ok
tval v "$C_OUT" "mempool reserve"
expect_eq "mempool reserve" "$v" 3
tval v "$C_OUT" "from reserve"
expect "no 'from reserve' figure" isnum "$v"
verdict "'mtctl mem_test_list $TM' shows its mempool reserve (3) and what the reserve served" "$(cev)"
mc --json mem_test_list "$TM"
c_ok
expect "stdout is not one JSON array" jvalid a "$C_OUT"
jget v "$C_OUT" reserve
expect_eq "\"reserve\"" "$v" 3
jget v "$C_OUT" from_reserve
expect "no \"from_reserve\" number" isnum "$v"
verdict "'mtctl --json mem_test_list $TM': \"reserve\": 3, \"from_reserve\"" "$(cev)"
mc mem_test_destroy "$TM"
c_ok
pool_names names "malloc_test_t${TM}_"
expect_eq "test $TM's pools left" "$names" ""
verdict "'mtctl mem_test_destroy $TM': its mempools are gone with it" "$(cev)"
# nothing kept, no test: no pool at all
pool_names all
mc mempools
c_ok
expect_eq "pools in the mempools file" "$all" ""
expect_eq stdout "$C_OUT" "no mempool"
mc --json mempools
c_ok
expect_eq stdout "$C_OUT" "[]"
verdict "no pool left: 'mtctl mempools' prints 'no mempool', --json []" "$(cev)"

# --bulk N for a test: passed as bulk=N, its statistics and mtctl's
# figures say it (the text above 1 only, --json always); refused with an
# allocator that has no bulk call, with the module's reason
mc help mem_test_start
c_ok
matches "$C_OUT" "\\[--bulk N\\];--bulk N: --alloc cache or pages"
verdict "'mtctl help mem_test_start' offers --bulk N, for --alloc cache or pages" "$(cev)"
refusal_case EINVAL "mem_test_start 64 64 4096 1 2 60000 alloc=kmalloc bulk=2" mem_test_start 64 64 4096 1 2 60000 --alloc kmalloc --bulk 2
mc mem_test_start 64 64 4096 1 2 60000 --alloc kmalloc --bulk 2
expect_eq "exit status" "$C_RC" 1
expect_eq stderr "$C_ERR" "mtctl: bulk=2: the bulk calls are kmem_cache_alloc_bulk() (alloc=cache) and alloc_pages_bulk() (alloc=pages), not alloc=kmalloc"
verdict "'mtctl mem_test_start ... --alloc kmalloc --bulk 2': exit 1, the module's reason word for word" "$(cev)"
mc mem_test_start 64 64 4096 1 2 60000 --alloc cache --bulk x
expect_eq "exit status" "$C_RC" 2
expect_eq stdout "$C_OUT" ""
matches "$C_ERR" "^mtctl: mem_test_start: --bulk 'x' is not"
verdict "'mtctl mem_test_start ... --bulk x': exit 2, a usage error" "$(cev)"
mc mem_alloc 64 --bulk 2
expect_eq "exit status" "$C_RC" 2
matches "$C_ERR" "^mtctl: mem_alloc: takes no --bulk;mem_test_start"
verdict "'mtctl mem_alloc 64 --bulk 2': exit 2, mem_alloc takes no --bulk" "$(cev)"
# 64-byte chunks, 8 a call: 1024 of them at most
to_case "alloc:cache node:any bulk:8" \
	mem_test_start 64 64 65536 1 2 60000 --alloc cache --bulk 8
TB=$TO_ID
to_case "alloc:cache bulk:1" mem_test_start 64 64 65536 1 2 60000 --alloc cache
TB1=$TO_ID
wait_until 10000 tallocs "$TB"
mc mem_test_list "$TB"
c_ok
tval v "$C_OUT" "bulk per call"
expect_eq "bulk per call" "$v" 8
tval v "$C_OUT" allocations
expect "no allocations figure above 0" [ "${v:-0}" -gt 0 ]
verdict "'mtctl mem_test_list $TB' shows its bulk calls (8 chunks a call) and its allocations" "$(cev)"
mc --json mem_test_list "$TB"
c_ok
expect "stdout is not one JSON array" jvalid a "$C_OUT"
jget v "$C_OUT" bulk
expect_eq "\"bulk\"" "$v" 8
verdict "'mtctl --json mem_test_list $TB': \"bulk\": 8" "$(cev)"
mc mem_test_list "$TB1"
c_ok
case $C_OUT in
*bulk*) _E="${_E}a bulk line for a test of single calls$NL" ;;
esac
mc --json mem_test_list "$TB1"
c_ok
jget v "$C_OUT" bulk
expect_eq "\"bulk\" (--json)" "$v" 1
verdict "a test without --bulk: no bulk line in the text, \"bulk\": 1 in --json" "$(cev)"
mc mem_test_destroy "$TB"
c_ok
mc mem_test_destroy "$TB1"
c_ok
verdict "'mtctl mem_test_destroy' of the bulk tests" "$(cev)"

# ------------------------------------------------------------ footprint ---
# What the slab allocator spends on the dedicated caches, read from
# /sys/kernel/slab beside the module's figures: kept memory's cache, in
# which nothing moves, checked exactly against /proc/slabinfo; a mempool's
# elements; the machine's figures against /proc; a running test's caches
# by name, and nothing else; the refusals.
free_all
FP_PAGE=4096	# the guests are x86_64

# fp_row NAME: FR_OBJ FR_POOL FR_KOBJ FR_TOTAL FR_SLABS FR_PARTIAL FR_ORDER
# FR_PER FR_SHEAF FR_SB FR_RATIO := the columns of NAME's row in the last
# mtctl footprint's table; 1 (all empty) when it has none
fp_row() {
	_fn=$1
	_fr=$C_OUT
	FR_OBJ= FR_POOL= FR_KOBJ= FR_TOTAL= FR_SLABS= FR_PARTIAL= FR_ORDER=
	FR_PER= FR_SHEAF= FR_SB= FR_RATIO=
	set -f
	while [ -n "$_fr" ]; do
		_l=${_fr%%"$NL"*}
		case $_fr in
		*"$NL"*) _fr=${_fr#*"$NL"} ;;
		*) _fr= ;;
		esac
		set -- $_l
		[ "x${1:-}" = "x$_fn" ] || continue
		FR_OBJ=$2 FR_POOL=$3 FR_KOBJ=$4 FR_TOTAL=$5 FR_SLABS=$6
		FR_PARTIAL=$7 FR_ORDER=$8 FR_PER=$9
		shift 9
		FR_SHEAF=${1:-} FR_SB=${2:-} FR_RATIO=${3:-}
		set +f
		return 0
	done
	set +f
	return 1
}

# fp_names VAR: the caches of the last mtctl footprint's table, in order
fp_names() {
	_fr=$C_OUT
	_fl=
	while [ -n "$_fr" ]; do
		_l=${_fr%%"$NL"*}
		case $_fr in
		*"$NL"*) _fr=${_fr#*"$NL"} ;;
		*) _fr= ;;
		esac
		case $_l in
		malloc_test_*) _fl="$_fl${_fl:+ }${_l%% *}" ;;
		esac
	done
	eval "$1=\$_fl"
}

# fp_jnames VAR: the "name"s of the last mtctl --json footprint, in order
fp_jnames() {
	_jr=$C_OUT
	_jl=
	while :; do
		case $_jr in
		*'"name": "'*)
			_jr=${_jr#*'"name": "'}
			_jl="$_jl${_jl:+ }${_jr%%\"*}"
			;;
		*) break ;;
		esac
	done
	eval "$1=\$_jl"
}

# fp_jfree VAR: the "free_pages" of the last mtctl --json footprint, as
# 'N N ...' ('' when it has none)
fp_jfree() {
	_ff=
	case $C_OUT in
	*'"free_pages": ['*)
		_fa=${C_OUT#*'"free_pages": ['}
		_fa=${_fa%%]*}
		_ifs=$IFS
		IFS=', '
		for _x in $_fa; do
			_ff="$_ff${_ff:+ }$_x"
		done
		IFS=$_ifs
		;;
	esac
	eval "$1=\$_ff"
}

# fp_jtotal VAR: the last mtctl --json footprint from its "total" on
fp_jtotal() {
	_ft=
	case $C_OUT in
	*'"total": {'*) _ft=${C_OUT#*'"total": {'} ;;
	esac
	eval "$1=\$_ft"
}

# slabinfo_row NAME: SL_ACTIVE SL_NUM SL_OBJSIZE SL_PER SL_PAGES SL_SLABS :=
# NAME's line in /proc/slabinfo ("NAME active_objs num_objs objsize
# objperslab pagesperslab : tunables L B S : slabdata active_slabs
# num_slabs sharedavail"); 1 (all empty) when it has none
slabinfo_row() {
	SL_ACTIVE= SL_NUM= SL_OBJSIZE= SL_PER= SL_PAGES= SL_SLABS=
	while read -r _sn _sa _so _ss _sp _sg _rest; do
		[ "$_sn" = "$1" ] || continue
		SL_ACTIVE=$_sa SL_NUM=$_so SL_OBJSIZE=$_ss SL_PER=$_sp SL_PAGES=$_sg
		set -- ${_rest#*slabdata}
		SL_SLABS=${2:-}
		return 0
	done </proc/slabinfo
	return 1
}

# sys_first VAR FILE: FILE's first word (sysfs's total before its "N0="
# figures), '-' when it cannot be read
sys_first() {
	_sf=-
	[ -r "$2" ] && read -r _sf _ <"$2"
	eval "$1=\$_sf"
}

# ratio_of VAR NUM DEN: NUM / DEN with two decimals, rounded, as mtctl
# prints it (integers; DEN > 0)
ratio_of() {
	_r=$((($2 * 100 + $3 / 2) / $3))
	_rc=$((_r % 100))
	[ "$_rc" -ge 10 ] || _rc=0$_rc
	eval "$1=$((_r / 100)).$_rc"
}

# bi_sums VAR: /proc/buddyinfo's free blocks per order, summed over every
# zone, as 'N N ...' (orders 0 up)
bi_sums() {
	_bs=$(awk '{ for (i = 5; i <= NF; i++) s[i - 5] += $i; if (NF - 4 > n) n = NF - 4 }
		END { for (i = 0; i < n; i++) printf "%s%d", (i ? " " : ""), s[i] }' /proc/buddyinfo)
	eval "$1=\$_bs"
}

# bi_near GOT A B T: GOT has as many orders as A and B, each within T
# blocks of the range A and B span (free blocks move as pages come and go)
bi_near() {
	awk -v g="$1" -v a="$2" -v b="$3" -v t="$4" 'BEGIN {
		n = split(g, G, " ")
		if (!n || split(a, A, " ") != n || split(b, B, " ") != n)
			exit 1
		for (i = 1; i <= n; i++) {
			lo = A[i] + 0 < B[i] + 0 ? A[i] : B[i]
			hi = A[i] + 0 < B[i] + 0 ? B[i] : A[i]
			if (G[i] + 0 < lo - t || G[i] + 0 > hi + t)
				exit 1
		}
		exit 0
	}'
}

# nwords VAR WORDS...: VAR := how many WORDS
nwords() {
	_nv=$1
	shift
	eval "$_nv=$#"
}

# within GOT WANT TOL: integers, GOT within TOL of WANT
within() {
	isnum "$1" && isnum "$2" && [ "$1" -ge $(($2 - $3)) ] && [ "$1" -le $(($2 + $3)) ]
}

# near GOT WANT: integers, GOT within a quarter of WANT and 32 MiB of it
# (the machine's figures move between two reads)
near() {
	isnum "$2" && within "$1" "$2" $(($2 / 4 + 33554432))
}

mc help footprint
c_ok
matches "$C_OUT" "usage: mtctl footprint .ID.kept.;/sys/kernel/slab;slab_bytes;ratio;sheaf_capacity;buddyinfo"
verdict "'mtctl help footprint' gives its usage ([ID|kept]) and its figures" "$(cev)"

# Nothing kept: no cache, the machine's figures all the same.
mc footprint kept
c_ok
expect_eq "first line" "${C_OUT%%"$NL"*}" "no cache"
matches "$C_OUT" "^machine;^  Slab +: [0-9]+\$;^  SUnreclaim +: [0-9]+\$;^  VmallocUsed +: [0-9]+\$;^  Percpu +: [0-9]+\$;^  MemFree +: [0-9]+\$;^  vmap areas +: [0-9]+\$;^  free pages by order: [0-9]+( [0-9]+)*\$"
verdict "'mtctl footprint kept' with nothing kept prints 'no cache', then the machine's figures" "$(cev)"
mc --json footprint kept
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
case $C_OUT in
'{"caches": [], "total": {"slab_bytes": 0, "object_bytes": 0, "ratio": null}, "machine": {'*) ;;
*) _E="${_E}not {\"caches\": [], \"total\": {\"slab_bytes\": 0, \"object_bytes\": 0, \"ratio\": null}, \"machine\": {...}}$NL" ;;
esac
verdict "'mtctl --json footprint kept' with nothing kept: \"caches\": [], zero totals, \"machine\"" "$(cev)"

# An id with no test: refused as mem_test_list ID is.
mc mem_test_list 999999
want=$C_ERR
mc footprint 999999
expect_eq "exit status" "$C_RC" 1
expect_eq stderr "$C_ERR" "mtctl: no test with id 999999"
expect_eq "stderr (as mem_test_list 999999's)" "$C_ERR" "$want"
expect_eq stdout "$C_OUT" ""
verdict "'mtctl footprint 999999' (no such test): exit 1, 'no test with id 999999', as mem_test_list" "$(cev)"
mc --json footprint 999999
json_err 1 ENOENT "no test with id 999999"
verdict "'mtctl --json footprint 999999': exit 1, {\"error\": \"no test with id 999999\", \"errno\": \"ENOENT\"}" "$(cev)"

# 100 chunks of 512 bytes kept, alloc=cache: malloc_test_kept_512, which
# nothing else touches: the kernel's figures of it, as mtctl read them,
# are /proc/slabinfo's read after, exactly.
FK=malloc_test_kept_512
i=0
while [ $i -lt 100 ] && mtw mem_alloc 512 alloc=cache; do
	i=$((i + 1))
done
cache_objects o $FK
check_eq "100 chunks of 512 bytes kept with alloc=cache: $FK holds 100 ($i taken)" "$o" 100 "$(mt_evidence)"
mc footprint kept
c_ok
slabinfo_row $FK
sl_line="/proc/slabinfo: $SL_ACTIVE $SL_NUM $SL_OBJSIZE $SL_PER $SL_PAGES slabs $SL_SLABS"
sys_first s_partial /sys/kernel/slab/$FK/partial
sys_first s_order /sys/kernel/slab/$FK/order
sys_first s_per /sys/kernel/slab/$FK/objs_per_slab
sys_first s_sheaf /sys/kernel/slab/$FK/sheaf_capacity
fp_names names
expect_eq "caches listed" "$names" $FK
fp_row $FK
expect_eq "objects (the module's)" "$FR_OBJ" 100
expect_eq "curr_nr (no mempool)" "$FR_POOL" -
expect_eq "partial (sysfs)" "$FR_PARTIAL" "$s_partial"
expect_eq "order (sysfs)" "$FR_ORDER" "$s_order"
expect_eq "per_slab (sysfs objs_per_slab)" "$FR_PER" "$s_per"
expect_eq "sheaf (sysfs sheaf_capacity, or -)" "$FR_SHEAF" "$s_sheaf"
FP_SB= FP_RATIO=
if [ ! -r /sys/kernel/slab/$FK/slabs ]; then
	# no CONFIG_SLUB_DEBUG: no objects, total_objects, slabs
	for kv in "kernel:$FR_KOBJ" "total:$FR_TOTAL" "slabs:$FR_SLABS" "slab_bytes:$FR_SB" "ratio:$FR_RATIO"; do
		expect_eq "${kv%%:*} (no /sys/kernel/slab/$FK/slabs)" "${kv#*:}" -
	done
	expect_eq "total line" "$(printf '%s\n' "$C_OUT" | grep '^total:')" "total: slab_bytes -, object_bytes 51200, ratio -"
	verdict "'mtctl footprint kept' (no SLUB_DEBUG): $FK, 100 objects, its partial, order, objs_per_slab, and '-' for what the kernel does not give" "$(cev)"
elif [ -n "$SLABINFO_WHY" ] || [ -z "$SL_ACTIVE" ]; then
	verdict "'mtctl footprint kept': $FK, 100 objects, its partial, order, objs_per_slab, sheaf_capacity as sysfs" "$(cev)"
	skip "'mtctl footprint kept': $FK's kernel figures are /proc/slabinfo's" "${SLABINFO_WHY:-no $FK in /proc/slabinfo}"
else
	expect_eq "kernel (slabinfo active_objs)" "$FR_KOBJ" "$SL_ACTIVE"
	expect_eq "total (slabinfo num_objs)" "$FR_TOTAL" "$SL_NUM"
	expect_eq "slabs (slabinfo num_slabs)" "$FR_SLABS" "$SL_SLABS"
	expect_eq "per_slab (slabinfo objperslab)" "$FR_PER" "$SL_PER"
	if isnum "$FR_ORDER" && isnum "$SL_SLABS" && isnum "$SL_PAGES" && [ "$SL_SLABS" -gt 0 ]; then
		expect_eq "1 << order (slabinfo pagesperslab)" $((1 << FR_ORDER)) "$SL_PAGES"
		FP_SB=$((SL_SLABS * SL_PAGES * FP_PAGE))
		ratio_of FP_RATIO "$FP_SB" 51200
		expect_eq "slab_bytes (num_slabs x pagesperslab x $FP_PAGE)" "$FR_SB" "$FP_SB"
		expect_eq "ratio (slab_bytes / 51200)" "$FR_RATIO" "$FP_RATIO"
		case $C_OUT in
		*"${NL}total: slab_bytes $FP_SB, object_bytes 51200, ratio $FP_RATIO$NL"*) ;;
		*) _E="${_E}no line 'total: slab_bytes $FP_SB, object_bytes 51200, ratio $FP_RATIO'$NL" ;;
		esac
	else
		_E="${_E}order '$FR_ORDER', slabinfo's num_slabs '$SL_SLABS', pagesperslab '$SL_PAGES': not figures$NL"
	fi
	expect_range "kernel objects (100 and the CPUs' free ones)" "$FR_KOBJ" 100 "${FR_TOTAL:-0}"
	verdict "'mtctl footprint kept': $FK, 100 objects, no pool; kernel, total, slabs, per_slab and 1 << order exactly /proc/slabinfo's active_objs, num_objs, num_slabs, objperslab, pagesperslab; slab_bytes, ratio and the total line from them" "$(cev)" "$sl_line"
fi
mc --json footprint kept
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
slabinfo_row $FK
fp_jnames names
expect_eq "\"name\"s" "$names" $FK
for kv in objects:100 object_size:512 curr_nr:null partial:$FR_PARTIAL order:$FR_ORDER \
	objs_per_slab:$FR_PER; do
	jget v "$C_OUT" "${kv%%:*}"
	expect_eq "\"${kv%%:*}\"" "$v" "${kv#*:}"
done
jget v "$C_OUT" sheaf_capacity
[ "x$FR_SHEAF" = x- ] && FR_SHEAF=null
expect_eq "\"sheaf_capacity\"" "$v" "$FR_SHEAF"
fp_jtotal tot
jget v "$tot" object_bytes
expect_eq "\"total\": \"object_bytes\"" "$v" 51200
if [ -n "$FP_SB" ]; then
	for kv in kernel_objects:$SL_ACTIVE total_objects:$SL_NUM slabs:$SL_SLABS \
		slab_bytes:$FP_SB ratio:$FP_RATIO; do
		jget v "$C_OUT" "${kv%%:*}"
		expect_eq "\"${kv%%:*}\" (/proc/slabinfo's)" "$v" "${kv#*:}"
	done
	jget v "$tot" slab_bytes
	expect_eq "\"total\": \"slab_bytes\"" "$v" "$FP_SB"
	jget v "$tot" ratio
	expect_eq "\"total\": \"ratio\"" "$v" "$FP_RATIO"
elif [ ! -r /sys/kernel/slab/$FK/slabs ]; then
	for k in kernel_objects total_objects slabs slab_bytes ratio; do
		jget v "$C_OUT" $k
		expect_eq "\"$k\" (no SLUB_DEBUG)" "$v" null
	done
fi
verdict "'mtctl --json footprint kept': {\"name\": \"$FK\", \"objects\": 100, \"object_size\": 512, \"curr_nr\": null, ...} with /proc/slabinfo's figures; \"total\"" "$(cev)" "$sl_line"

# The machine's figures: free blocks per order are /proc/buddyinfo's,
# summed over every zone.  They move as pages come and go: a quiet
# snapshot (the same sums just before and just after mtctl) must match
# exactly; without one in 10 tries, each order within 256 blocks.
n=0
quiet=
while [ $n -lt 10 ] && [ -z "$quiet" ]; do
	n=$((n + 1))
	bi_sums ba
	mc --json footprint kept
	bi_sums bb
	fp_jfree got
	[ "x$ba" = "x$bb" ] && [ "x$got" = "x$ba" ] && quiet=1
done
c_ok
expect "/proc/buddyinfo has no order" [ -n "$ba" ]
if [ -n "$quiet" ]; then
	verdict "'mtctl --json footprint kept': \"free_pages\" is /proc/buddyinfo's free blocks per order summed over its zones, exactly (a quiet snapshot, try $n)" "$(cev)" "buddyinfo sums: $ba"
else
	expect "\"free_pages\" '$got' is not within 256 blocks of the buddyinfo sums before '$ba' and after '$bb'" bi_near "$got" "$ba" "$bb" 256
	verdict "'mtctl --json footprint kept': \"free_pages\" is /proc/buddyinfo's free blocks per order summed over its zones (no quiet snapshot in 10 tries: each order within 256 blocks)" "$(cev)" "buddyinfo sums: before $ba, after $bb"
fi
mc footprint kept
c_ok
vl=$(wc -l </proc/vmallocinfo)
mi mslab Slab
mi mfree MemFree
tval f_slab "$C_OUT" Slab
tval f_sunr "$C_OUT" SUnreclaim
tval f_vmu "$C_OUT" VmallocUsed
tval f_pcpu "$C_OUT" Percpu
tval f_free "$C_OUT" MemFree
tval f_vmap "$C_OUT" "vmap areas"
for v in "Slab:$f_slab" "SUnreclaim:$f_sunr" "VmallocUsed:$f_vmu" "Percpu:$f_pcpu" "MemFree:$f_free"; do
	expect "${v%%:*} '${v#*:}' is not a number of bytes" isnum "${v#*:}"
done
if isnum "$f_slab" && isnum "$f_sunr" && isnum "$f_free"; then
	expect "Slab, SUnreclaim, MemFree are not in bytes (multiples of 1024)" \
		[ $((f_slab % 1024 + f_sunr % 1024 + f_free % 1024)) = 0 ]
	expect "SUnreclaim ($f_sunr) is above Slab ($f_slab)" [ "$f_sunr" -le "$f_slab" ]
	expect "Slab $f_slab is far from /proc/meminfo's $mslab kB" near "$f_slab" $((mslab * 1024))
	expect "MemFree $f_free is far from /proc/meminfo's $mfree kB" near "$f_free" $((mfree * 1024))
fi
tval v "$C_OUT" "free pages by order"
bi_sums bb
nwords n1 $v
nwords n2 $bb
expect_eq "free pages by order: how many orders (buddyinfo's)" "$n1" "$n2"
expect_range "vmap areas" "$f_vmap" 1 1000000000
expect "vmap areas $f_vmap is not within a tenth and 64 of /proc/vmallocinfo's $vl lines" \
	within "$f_vmap" "$vl" $((vl / 10 + 64))
verdict "'mtctl footprint kept': the machine's Slab, SUnreclaim, VmallocUsed, Percpu, MemFree in bytes (/proc/meminfo's), vmap areas > 0 (/proc/vmallocinfo's lines), free pages for each order of /proc/buddyinfo" "$(cev)" "meminfo Slab $mslab kB, MemFree $mfree kB; vmallocinfo $vl lines"
mc --json footprint kept
c_ok
for k in slab sunreclaim vmalloc_used percpu mem_free vmap_areas; do
	jget v "$C_OUT" $k
	expect "\"$k\" '$v' is not a number" isnum "$v"
done
jget v "$C_OUT" vmap_areas
expect_range "\"vmap_areas\"" "$v" 1 1000000000
verdict "'mtctl --json footprint kept': \"machine\" has \"slab\", \"sunreclaim\", \"vmalloc_used\", \"percpu\", \"mem_free\", \"vmap_areas\" > 0" "$(cev)"

# A mempool chunk kept: malloc_test_kept_64, its pool's elements in the
# same cache, curr_nr as the mempools file says.
mtw mem_alloc 64 alloc=mempool
mc footprint kept
c_ok
curr=
while read -r pn pm pc _; do
	[ "$pn" = malloc_test_kept_64 ] && curr=$pc
done <"$D/mempools"
fp_names names
expect_eq "caches listed" "$names" "malloc_test_kept_64 $FK"
fp_row malloc_test_kept_64
expect_eq "objects" "$FR_OBJ" 1
expect_eq "curr_nr (the mempools file's)" "$FR_POOL" "$curr"
if isnum "$FR_KOBJ" && isnum "$curr"; then
	expect_range "kernel objects (the chunk and the pool's elements at least)" "$FR_KOBJ" $((1 + curr)) "$FR_TOTAL"
fi
fp_row $FK
expect_eq "$FK objects" "$FR_OBJ" 100
verdict "'mtctl footprint kept' with a mempool chunk: malloc_test_kept_64, 1 object, curr_nr $curr as the mempools file, its kernel objects the chunk and the pool's elements at least" "$(cev)"

# A running ctx=timer test with alloc=cache: its caches, every class up to
# MAX from its start (8..512: seven), and nothing of the kept memory.
mc mem_test_start 8 512 1048576 1 2 60000 --alloc cache --ctx timer
FT=$C_OUT
c_ok
expect "the output is not an id" isnum "$FT"
verdict "'mtctl mem_test_start 8 512 1048576 1 2 60000 --alloc cache --ctx timer' starts test $FT" "$(cev)"
wait_until 10000 tallocs "$FT"
want=
for s in 8 16 32 64 128 256 512; do
	want="$want${want:+ }malloc_test_t${FT}_$s"
done
mc footprint "$FT"
c_ok
fp_names names
expect_eq "caches listed" "$names" "$want"
case $C_OUT in
*malloc_test_kept_*) _E="${_E}kept memory's caches listed$NL" ;;
esac
fp_row "malloc_test_t${FT}_512"
expect "no objects figure for malloc_test_t${FT}_512" isnum "$FR_OBJ"
expect_eq "curr_nr (no mempool)" "$FR_POOL" -
matches "$C_OUT" "^total: slab_bytes ([0-9]+|-), object_bytes [0-9]+, ratio ([0-9]+\\.[0-9][0-9]|-)\$;^machine"
verdict "'mtctl footprint $FT' lists exactly the test's seven caches, malloc_test_t${FT}_8..512, nothing kept, a total, the machine" "$(cev)"
mc --json footprint "$FT"
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
case $C_OUT in
"{\"test\": $FT, \"alloc\": \"cache\", \"state\": \"running\", \"caches\": [{"*) ;;
*) _E="${_E}does not begin {\"test\": $FT, \"alloc\": \"cache\", \"state\": \"running\", \"caches\": [{$NL" ;;
esac
fp_jnames names
expect_eq "\"name\"s" "$names" "$want"
verdict "'mtctl --json footprint $FT': \"test\": $FT, \"alloc\": \"cache\", the seven caches by name" "$(cev)"
# every cache alive, kept memory's first, in the caches file's order
mc footprint
c_ok
cache_names all
fp_names names
expect_eq "caches listed (the caches file's)" "$names" "$all"
case " $names " in
*" $FK "*"malloc_test_t${FT}_8 "*) ;;
*) _E="${_E}not both $FK and malloc_test_t${FT}_8$NL" ;;
esac
verdict "'mtctl footprint' lists every cache alive, kept memory's and test $FT's, as the caches file" "$(cev)"
# another allocator's test: no dedicated cache, the machine all the same
mc mem_test_start 1 2 64 1000 2000 60000 k --alloc kmalloc
FKM=$C_OUT
mc footprint "$FKM"
c_ok
expect_eq "first line" "${C_OUT%%"$NL"*}" "test $FKM has no dedicated cache (alloc=kmalloc)"
matches "$C_OUT" "^  Slab +: [0-9]+\$;^  free pages by order: [0-9]"
verdict "'mtctl footprint $FKM' (alloc=kmalloc): 'test $FKM has no dedicated cache (alloc=kmalloc)', then the machine's figures" "$(cev)"
mc --json footprint "$FKM"
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
case $C_OUT in
"{\"test\": $FKM, \"alloc\": \"kmalloc\", \"state\": \"running\", \"caches\": [], "*) ;;
*) _E="${_E}does not begin {\"test\": $FKM, \"alloc\": \"kmalloc\", \"state\": \"running\", \"caches\": [], $NL" ;;
esac
verdict "'mtctl --json footprint $FKM': \"alloc\": \"kmalloc\", \"caches\": []" "$(cev)"
mc mem_test_destroy "$FKM"
# once the test has ended, its caches are gone
mc mem_test_stop "$FT"
c_ok
ft_gone() {
	cache_names _fg "malloc_test_t${FT}_"
	[ -z "$_fg" ]
}
wait_until 10000 ft_gone
mc footprint "$FT"
c_ok
case ${C_OUT%%"$NL"*} in
"no cache of test $FT alive (alloc=cache, "*) ;;
*) _E="${_E}first line is not 'no cache of test $FT alive (alloc=cache, ...)'$NL" ;;
esac
verdict "'mtctl footprint $FT' once stopped: no cache of test $FT alive" "$(cev)"
mc mem_test_destroy "$FT"
c_ok
mc footprint "$FT"
expect_eq "exit status" "$C_RC" 1
expect_eq stderr "$C_ERR" "mtctl: no test with id $FT"
verdict "'mtctl footprint $FT' once destroyed: exit 1, 'no test with id $FT'" "$(cev)"
mtw mem_free
mc footprint kept
c_ok
expect_eq "first line" "${C_OUT%%"$NL"*}" "no cache"
verdict "everything freed: 'mtctl footprint kept' prints 'no cache'" "$(cev)"

# ------------------------------------------------ latency, hist, bench ---
# The four latency lines of a test's statistics as mtctl shows them; hist
# against the latency files it draws (every bucket, its count, the bars);
# bench through mtctl against bench_result; its refusals with the
# module's reasons; bench stop and a stop signal ending a long run.

# hist_parse VAR TEXT: reads mtctl hist's TEXT; VAR := its problems, one
# per line ('' when none): a line that is neither a summary ("OP: count N,
# ..."), its continuation, nor a bucket ("  LO UNIT .. HI UNIT  N  ###"),
# a line wider than 80 columns, a bar that is not the longest on the
# largest bucket.  H_OPS := the operations in their order; H_<op>_count
# (the summary's count), H_<op>_sum (the buckets' counts added up),
# H_<op>_nb (bucket lines), H_<op>_first (the first bucket's line).
HP_AWK='
function err(s) { print "E " s }
length($0) > 80 { err("wider than 80 columns: " $0) }
/^[a-z_]+: count [0-9]+(,|$)/ {
	op = substr($1, 1, length($1) - 1)
	c = $3
	sub(/,$/, "", c)
	ops = ops (ops == "" ? "" : " ") op
	cnt[op] = c; sum[op] = 0; nb[op] = 0; top[op] = -1; topbar[op] = 0; maxbar[op] = 0
	next
}
/ \.\. / {
	if ($0 !~ /^ +[0-9.]+ [num]?s \.\. ([0-9.]+ [num]?s|inf) +[0-9]+  #+$/) {
		err("not a bucket line: " $0)
		next
	}
	if (op == "") { err("a bucket before any summary: " $0); next }
	n = $(NF - 1); bar = length($NF)
	sum[op] += n
	if (!nb[op]++) first[op] = $0
	if (n > top[op]) { top[op] = n; topbar[op] = bar }
	if (bar > maxbar[op]) maxbar[op] = bar
	next
}
/^ +(p|m|max|mean|min)[0-9.]* / { next }
NF { err("neither a summary, a bucket nor a blank line: " $0) }
END {
	print "V H_OPS " ops
	n = split(ops, O, " ")
	for (i = 1; i <= n; i++) {
		o = O[i]
		print "V H_" o "_count " cnt[o]
		print "V H_" o "_sum " sprintf("%.0f", sum[o])
		print "V H_" o "_nb " nb[o] + 0
		print "V H_" o "_first " first[o]
		if (nb[o] && topbar[o] != maxbar[o])
			err(o ": the largest bucket (" top[o] ") has a bar of " topbar[o] ", another one of " maxbar[o])
	}
}'
hist_parse() {
	_hv=$1
	_hx=$(printf '%s\n' "$2" | awk "$HP_AWK" 2>&1)
	ve_take "" "$_hx"
	_he=$_ve
	eval "$_hv=\$_he"
}

# tallocs_ge ID N: test ID has made N allocations at least
tallocs_ge() {
	tstat _ta "$1" allocations
	isnum "$_ta" && [ "$_ta" -ge "$2" ]
}

# bench_is STATE: bench_result says state STATE
bench_is() {
	fkey _bs "$D/bench_result" state
	[ "x$_bs" = "x$1" ]
}

# bg_start ARGS...: mtctl ARGS in the background; B_PID is its pid
bg_start() {
	B_CMD="mtctl $*"
	rm -f "$MT_TMP/b.rc" "$MT_TMP/b.pid"
	(
		"$MTCTL" "$@" </dev/null >"$MT_TMP/b.out" 2>"$MT_TMP/b.err" &
		echo $! >"$MT_TMP/b.pid"
		wait $!
		echo $? >"$MT_TMP/b.rc"
	) &
	B_SUB=$!
	_bi=0
	while [ ! -s "$MT_TMP/b.pid" ] && [ $_bi -lt 100 ]; do
		sleep 0.1
		_bi=$((_bi + 1))
	done
	B_PID=
	read -r B_PID <"$MT_TMP/b.pid"
}

# bg_wait SECS: waits SECS at most for it to end (else kills it); B_RC,
# B_OUT, B_ERR, B_MS (since bg_wait was called), B_KILLED
bg_wait() {
	nowv _b0
	B_KILLED=0
	while [ ! -f "$MT_TMP/b.rc" ]; do
		nowv _b1
		if [ $((_b1 - _b0)) -ge $(($1 * 1000)) ]; then
			kill "$B_PID" 2>/dev/null
			sleep 1
			kill -9 "$B_PID" 2>/dev/null
			B_KILLED=1
			break
		fi
		sleep 0.1
	done
	wait $B_SUB
	nowv _b1
	B_MS=$((_b1 - _b0))
	B_RC=
	[ -f "$MT_TMP/b.rc" ] && read -r B_RC <"$MT_TMP/b.rc"
	slurp B_OUT "$MT_TMP/b.out"
	slurp B_ERR "$MT_TMP/b.err"
}
# bev: the last background mtctl, as evidence
bev() {
	echo "$B_CMD: exit $B_RC after $B_MS ms$([ "$B_KILLED" = 1 ] && echo ', KILLED')${NL}stderr: '$B_ERR'${NL}stdout:$NL$B_OUT"
}

LAT_OPS="alloc realloc free lateness"
BLAT_OPS="alloc free harness_alloc harness_free"

# A test that allocates every 1..2 ms and frees everything at 64 KiB:
# stopped, its histograms stay as they are.
mc mem_test_start 1 4 64 1 2 60000 k --alloc kmalloc
TH=$C_OUT
isnum "$TH" || diag "mem_test_start for hist: $(cev)"
wait_until 30000 tallocs_ge "$TH" 100
mtw mem_test_stop "$TH"
slurp lat "$D/tests/$TH/latency"
slurp s "$D/tests/$TH/stats"
lat_check why "$lat" "$LAT_OPS"
[ -z "$why" ] || diag "tests/$TH/latency: $why"
skey al "$s" allocations
expect_range "allocations of test $TH" "$al" 100 1000000000
mc mem_test_list "$TH"
c_ok
for kv in "alloc p50 (ns):alloc_p50_ns" "alloc p99 (ns):alloc_p99_ns" \
	"free p50 (ns):free_p50_ns" "free p99 (ns):free_p99_ns"; do
	skey want "$s" "${kv#*:}"
	tval got "$C_OUT" "${kv%%:*}"
	[ -n "$want" ] || _E="${_E}no ${kv#*:} in tests/$TH/stats$NL"
	expect_eq "${kv%%:*}" "$got" "$want"
done
skey v "$s" alloc_p50_ns
expect_range "stats alloc_p50_ns" "$v" 1 1000000000000
verdict "'mtctl mem_test_list $TH' shows the four latency lines (alloc p50 (ns)...) as tests/$TH/stats has them" "$(cev)" "$s"
mc --json mem_test_list "$TH"
c_ok
expect "stdout is not one JSON array" jvalid a "$C_OUT"
for k in alloc_p50_ns alloc_p99_ns free_p50_ns free_p99_ns; do
	skey want "$s" $k
	jget got "$C_OUT" $k
	expect_eq "\"$k\"" "$got" "$want"
done
verdict "'mtctl --json mem_test_list $TH' has \"alloc_p50_ns\", \"alloc_p99_ns\", \"free_p50_ns\", \"free_p99_ns\" as the stats" "$(cev)"
# the machine's reclaim while the test ran (compact_* where the kernel
# has compaction): each vm_* line of the stats under its label, and in
# --json as it is; none shown raw
mc mem_test_list "$TH"
c_ok
nvm=0
for kv in "allocstall:vm_allocstall" "pgscan kswapd:vm_pgscan_kswapd" \
	"pgscan direct:vm_pgscan_direct" "pgsteal kswapd:vm_pgsteal_kswapd" \
	"pgsteal direct:vm_pgsteal_direct" "compact stall:vm_compact_stall" \
	"compact fail:vm_compact_fail" "compact success:vm_compact_success" \
	"oom kill:vm_oom_kill"; do
	skey want "$s" "${kv#*:}"
	tval got "$C_OUT" "${kv%%:*}"
	expect_eq "${kv%%:*}" "$got" "$want"
	[ -z "$want" ] || nvm=$((nvm + 1))
done
case $nvm in
6 | 9) ;;
*) _E="${_E}tests/$TH/stats has $nvm vm_* lines, not 9 (6 without compaction)$NL" ;;
esac
case $C_OUT in
*vm_*) _E="${_E}a vm_* key shown as it is$NL" ;;
esac
verdict "'mtctl mem_test_list $TH' shows the $nvm vm_* lines of tests/$TH/stats (allocstall, pgscan kswapd... oom kill)" "$(cev)" "$s"
mc --json mem_test_list "$TH"
c_ok
for k in vm_allocstall vm_pgscan_kswapd vm_pgscan_direct vm_pgsteal_kswapd \
	vm_pgsteal_direct vm_compact_stall vm_compact_fail vm_compact_success \
	vm_oom_kill; do
	skey want "$s" $k
	jget got "$C_OUT" $k
	expect_eq "\"$k\"" "$got" "$want"
done
verdict "'mtctl --json mem_test_list $TH' has the vm_* keys of the stats" "$(cev)"

mc hist "$TH" alloc
c_ok
hist_parse why "$C_OUT"
[ -z "$why" ] || _E="$_E$why$NL"
expect_eq "operations shown" "$H_OPS" alloc
expect_eq "summary count (vs the latency file's)" "$H_alloc_count" "$LAT_alloc_count"
expect_eq "the buckets' counts added up (vs the latency file's alloc count)" "$H_alloc_sum" "$LAT_alloc_count"
expect_eq "bucket lines (vs the latency file's alloc buckets)" "$H_alloc_nb" "$LAT_alloc_buckets"
expect_eq "the allocations' count (vs stats allocations)" "$H_alloc_sum" "$al"
verdict "'mtctl hist $TH alloc': its summary, one line per bucket of the latency file whose counts add up to its count ($LAT_alloc_count), bars of # scaled to the largest, 80 columns" "$(cev)" "latency:$NL$lat"
mc hist "$TH"
c_ok
hist_parse why "$C_OUT"
[ -z "$why" ] || _E="$_E$why$NL"
expect_eq "operations shown, in order" "$H_OPS" "$LAT_OPS"
for o in $LAT_OPS; do
	eval "lc=\$LAT_${o}_count lb=\$LAT_${o}_buckets hc=\$H_${o}_count hs=\$H_${o}_sum hb=\$H_${o}_nb"
	expect_eq "$o: summary count" "$hc" "$lc"
	expect_eq "$o: the buckets added up" "$hs" "$lc"
	expect_eq "$o: bucket lines" "$hb" "$lb"
done
expect_eq "realloc (none): count, bucket lines" "$H_realloc_count $H_realloc_nb" "0 0"
verdict "'mtctl hist $TH': alloc, realloc, free, lateness in order, each as the latency file has it (realloc: count 0, no bucket)" "$(cev)" "latency:$NL$lat"
# the first bucket's range, in human units: [LO, HI) of the file's first
# alloc bucket
fb=$(printf '%s\n' "$lat" | awk '$1 == "alloc" && $2 == "bucket" { print $3, $4; exit }')
set -- $fb
case $H_alloc_first in
*" ns .. "* | *" us .. "* | *" ms .. "* | *" s .. "*) ;;
*) _E="${_E}no unit (ns, us, ms, s) in the first bucket '$H_alloc_first'$NL" ;;
esac
if [ "${1:-0}" -lt 1000 ] && [ "${2:-0}" -lt 1000 ]; then
	case $H_alloc_first in
	*" $1 ns .. $2 ns "*) ;;
	*) _E="${_E}the first bucket '$H_alloc_first' is not '$1 ns .. $2 ns'$NL" ;;
	esac
fi
verdict "'mtctl hist $TH' shows each bucket's range in human units (the first: [$fb) ns)" "$(cev)"
mc --json hist "$TH" free
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
jget v "$C_OUT" count
expect_eq "\"count\"" "$v" "$LAT_free_count"
jget v "$C_OUT" p50
expect_eq "\"p50\"" "$v" "$LAT_free_p50"
n=$(printf '%s\n' "$C_OUT" | grep -o '"lo"' | wc -l)
expect_eq "buckets (\"lo\"s)" "$n" "$LAT_free_buckets"
verdict "'mtctl --json hist $TH free': an object, free's \"count\", \"p50\" and buckets as the latency file" "$(cev)"
mc hist 999999
expect_eq "exit status" "$C_RC" 1
expect_eq stderr "$C_ERR" "mtctl: no test with id 999999"
verdict "'mtctl hist 999999': exit 1, 'no test with id 999999'" "$(cev)"
mc --json hist 999999 alloc
json_err 1 ENOENT "no test with id 999999"
verdict "'mtctl --json hist 999999 alloc': exit 1, the error object" "$(cev)"
mtw_wo mem_test_destroy_all

# bench through mtctl: its figures are bench_result's
nr_online NON
BT=1
[ "$NON" -ge 2 ] && BT=2
BN=3000
mc bench --alloc kmalloc --size 64 --count $BN --threads $BT --sample 1
slurp br "$D/bench_result"
c_ok
case $C_OUT in
"bench started: "*) ;;
*) _E="${_E}the first line is not the module's 'bench started: ...'$NL" ;;
esac
tval v "$C_OUT" bench
expect_eq "bench (state, end)" "$v" "done (end: count)"
tval v "$C_OUT" ops
expect_eq "ops (count * threads * 2)" "$v" $((BN * BT * 2))
skey want "$br" ops
expect_eq "ops (vs bench_result)" "$v" "$want"
tval v "$C_OUT" "alloc ops"
expect_eq "alloc ops" "$v" $((BN * BT))
tval v "$C_OUT" "free ops"
expect_eq "free ops" "$v" $((BN * BT))
tval v "$C_OUT" errors
expect_eq errors "$v" 0
for kv in "ops/s:ops_per_sec" "ns per op:ns_per_op" "harness ns per op:harness_ns_per_op" "allocator:alloc"; do
	skey want "$br" "${kv#*:}"
	tval v "$C_OUT" "${kv%%:*}"
	expect_eq "${kv%%:*} (vs bench_result ${kv#*:})" "$v" "$want"
done
skey want "$br" harness_pct
tval v "$C_OUT" "harness share"
expect_eq "harness share" "$v" "$want%"
# the latency table: alloc's row, sample=1: every allocation timed
row=$(printf '%s\n' "$C_OUT" | awk '$1 == "alloc" && NF == 8')
set -- $row
skey s1 "$br" alloc_samples
skey s2 "$br" alloc_mean_ns
skey s3 "$br" alloc_p50_ns
skey s4 "$br" alloc_p90_ns
skey s5 "$br" alloc_p99_ns
skey s6 "$br" alloc_p999_ns
skey s7 "$br" alloc_max_ns
expect_eq "latency table, alloc row (samples mean p50 p90 p99 p99.9 max)" "$*" "alloc $s1 $s2 $s3 $s4 $s5 $s6 $s7"
expect_eq "alloc samples (sample=1: every allocation)" "${2:-}" $((BN * BT))
# the thread table: a row per thread, count * 2 operations each
n=$(printf '%s\n' "$C_OUT" | awk -v o=$((BN * 2)) '$1 ~ /^[0-9]+$/ && NF == 6 && $3 == o { n++ } END { print n + 0 }')
expect_eq "thread rows with $((BN * 2)) ops" "$n" "$BT"
tval v "$C_OUT" reserve
expect_eq "a reserve line (alloc=kmalloc: none)" "$v" ""
verdict "'mtctl bench --alloc kmalloc --size 64 --count $BN --threads $BT --sample 1': done, ops $((BN * BT * 2)) (count*threads*2), its figures and tables as bench_result" "$(cev)" "bench_result:$NL$br"
used v bench_bytes
expect_eq "mem_used bench_bytes" "$v" 0
verdict "after the run mem_used's bench_bytes is 0"

slurp bl "$D/bench_latency"
lat_check why "$bl" "$BLAT_OPS"
[ -z "$why" ] || diag "bench_latency: $why"
mc hist bench alloc
c_ok
hist_parse why "$C_OUT"
[ -z "$why" ] || _E="$_E$why$NL"
expect_eq "operations shown" "$H_OPS" alloc
expect_eq "the buckets added up (vs bench_latency's alloc count)" "$H_alloc_sum" "$LAT_alloc_count"
expect_eq "the buckets added up (vs alloc ops, sample=1)" "$H_alloc_sum" $((BN * BT))
expect_eq "bucket lines (vs bench_latency's)" "$H_alloc_nb" "$LAT_alloc_buckets"
verdict "'mtctl hist bench alloc': the buckets of bench_latency, adding up to the $((BN * BT)) allocations" "$(cev)" "bench_latency:$NL$bl"
mc hist bench
c_ok
hist_parse why "$C_OUT"
[ -z "$why" ] || _E="$_E$why$NL"
expect_eq "operations shown, in order" "$H_OPS" "$BLAT_OPS"
for o in $BLAT_OPS; do
	eval "lc=\$LAT_${o}_count hs=\$H_${o}_sum"
	expect_eq "$o: the buckets added up" "$hs" "$lc"
done
verdict "'mtctl hist bench': alloc, free, harness_alloc, harness_free, each adding up to bench_latency's count" "$(cev)"

param pa alloc
mc --json bench --size 1k --count 500 --pattern batch --sample 0
slurp br "$D/bench_result"
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
case $C_OUT in
*"bench started"*) _E="${_E}the started line in the JSON output$NL" ;;
esac
for kv in state:done end:count "alloc:$pa" size:1024 pattern:batch ops:1000 alloc_ops:500 free_ops:500 alloc_samples:0 threads:1; do
	jget v "$C_OUT" "${kv%%:*}"
	expect_eq "\"${kv%%:*}\"" "$v" "${kv#*:}"
done
verdict "'mtctl --json bench --size 1k --count 500 --pattern batch --sample 0': one object, done, the module's alloc ($pa), size 1024, ops 1000, no sample" "$(cev)" "bench_result:$NL$br"

# --alloc mempool --reserve 2: the bench's pool, in the answer, the
# results and bench_result
mc bench --alloc mempool --size 64 --count 1000 --reserve 2 --sample 0
slurp br "$D/bench_result"
c_ok
case $C_OUT in
"bench started: alloc=mempool "*" reserve=2 "*) ;;
*) _E="${_E}the first line is not the module's 'bench started: alloc=mempool ... reserve=2 ...'$NL" ;;
esac
tval v "$C_OUT" bench
expect_eq "bench (state, end)" "$v" "done (end: count)"
tval v "$C_OUT" allocator
expect_eq allocator "$v" mempool
tval v "$C_OUT" reserve
expect_eq reserve "$v" "2 elements"
tval v "$C_OUT" ops
expect_eq "ops (count * 2)" "$v" 2000
skey v "$br" reserve
expect_eq "bench_result reserve" "$v" 2
verdict "'mtctl bench --alloc mempool --size 64 --count 1000 --reserve 2': done, 'reserve: 2 elements', bench_result reserve 2" "$(cev)" "bench_result:$NL$br"
mc --json bench --alloc mempool --size 64 --count 100 --reserve 2 --sample 0
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
for kv in state:done alloc:mempool reserve:2 ops:200; do
	jget v "$C_OUT" "${kv%%:*}"
	expect_eq "\"${kv%%:*}\"" "$v" "${kv#*:}"
done
verdict "'mtctl --json bench --alloc mempool ... --reserve 2': one object, \"alloc\": \"mempool\", \"reserve\": 2" "$(cev)"
used v bench_bytes
check_eq "after the mempool runs mem_used's bench_bytes is 0" "$v" 0

# refusals: the module's reasons
refusal_case EINVAL "bench size=0 count=10" bench --size 0 --count 10
refusal_case EINVAL "bench size=64 count=10 threads=$((NON + 1))" bench --size 64 --count 10 --threads $((NON + 1))
refusal_case EINVAL "bench alloc=percpu size=33k count=10" bench --alloc percpu --size 33k --count 10
refusal_case EINVAL "bench size=64 count=1048577 pattern=batch" bench --size 64 --count 1048577 --pattern batch
refusal_case EINVAL "bench alloc=vmalloc size=64 count=10 gfp=kernel,nofail" bench --alloc vmalloc --size 64 --count 10 --gfp kernel,nofail
refusal_case ENOSPC "bench alloc=kmalloc size=1m count=1048576 pattern=batch" bench --alloc kmalloc --size 1m --count 1048576 --pattern batch
mc bench --size 0 --count 10
expect_eq "exit status" "$C_RC" 1
expect_eq stderr "$C_ERR" "mtctl: size=0: at least 1 byte"
verdict "'mtctl bench --size 0 --count 10': exit 1, 'mtctl: size=0: at least 1 byte'" "$(cev)"

# stop: a long run, ended by 'mtctl bench stop'
mc bench stop
c_ok
expect_eq stdout "$C_OUT" "no bench running"
verdict "'mtctl bench stop' with no run going: exit 0, 'no bench running'" "$(cev)"
bg_start bench --alloc kmalloc --size 64 --count 4000000000 --time 30
wait_until 10000 bench_is running
expect "bench_result never said running" bench_is running
mc bench --size 64 --count 10
expect_eq "exit status" "$C_RC" 1
expect_eq stderr "$C_ERR" "mtctl: a bench is running: write stop to end it"
verdict "a second 'mtctl bench' while one runs: exit 1, the module's reason (a bench is running)" "$(cev)"
nowv t0
mc bench stop
nowv t1
slurp br "$D/bench_result"
c_ok
expect_eq stdout "$C_OUT" stopped
expect_range "ms 'mtctl bench stop' took" $((t1 - t0)) 0 5000
skey v "$br" state
expect_eq "bench_result state" "$v" stopped
skey v "$br" end
expect_eq "bench_result end" "$v" stop
verdict "'mtctl bench stop' during a long run (count 4e9, time=30): exit 0, 'stopped', in $((t1 - t0)) ms; bench_result state stopped, end stop" "$(cev)" "bench_result:$NL$br"
bg_wait 10
expect "it had to be killed after 10 s" [ "$B_KILLED" = 0 ]
expect_eq "exit status" "$B_RC" 0
expect_eq stderr "$B_ERR" ""
tval v "$B_OUT" bench
expect_eq "bench (state, end)" "$v" "stopped (end: stop)"
verdict "the waiting 'mtctl bench' ends by itself once stopped: exit 0, prints its results, 'bench: stopped (end: stop)'" "$(bev)"

# a stop signal while mtctl waits: it writes stop, then prints the results
for sig in TERM INT; do
	bg_start bench --alloc kmalloc --size 64 --count 4000000000 --time 30
	wait_until 10000 bench_is running
	sleep 0.5
	kill -$sig "$B_PID"
	bg_wait 10
	slurp br "$D/bench_result"
	expect "it had to be killed after 10 s" [ "$B_KILLED" = 0 ]
	expect_eq "exit status" "$B_RC" 0
	expect_eq stderr "$B_ERR" ""
	expect_range "ms to end" "$B_MS" 0 5000
	tval v "$B_OUT" bench
	expect_eq "bench (state, end)" "$v" "stopped (end: stop)"
	tval v "$B_OUT" ops
	skey want "$br" ops
	expect_eq "ops (vs bench_result)" "$v" "$want"
	skey v "$br" state
	expect_eq "bench_result state" "$v" stopped
	verdict "SIG$sig to a waiting 'mtctl bench' (count 4e9, time=30): it writes stop, prints what was measured (stopped), exit 0, within 5 s" "$(bev)" "bench_result:$NL$br"
done
used v bench_bytes
check_eq "after the stopped runs mem_used's bench_bytes is 0" "$v" 0
mc --json bench stop
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
jget v "$C_OUT" answer
expect_eq "\"answer\"" "$v" "no bench running"
verdict "'mtctl --json bench stop' with no run: {\"answer\": \"no bench running\", ...}" "$(cev)"

# ------------------------------------------------------------- hotplug ---
# mtctl hotplug CPU: the highest CPU that can go offline, while a test
# pinned to it runs: each change a line, the summary, the kernel's own
# "CPU N is now offline" lines as many as the offline changes, the
# test's off_cpu counted, the CPU online after; --json; SIGTERM while the
# CPU is offline still leaves it online; CPU 0, one that does not exist
# and a --count of 0 refused.
mc hotplug 0
_E=
expect_eq "exit status" "$C_RC" 1
expect_eq stderr "$C_ERR" "mtctl: hotplug: CPU 0 stays online: many machines cannot take it offline; name another"
verdict "'mtctl hotplug 0': exit 1, CPU 0 refused with the reason" "$(cev)"
mc hotplug 4095
_E=
expect_eq "exit status" "$C_RC" 1
expect_eq stderr "$C_ERR" "mtctl: hotplug: CPU 4095 does not exist (/sys/devices/system/cpu/cpu4095)"
verdict "'mtctl hotplug 4095': exit 1, a CPU that does not exist" "$(cev)"
mc hotplug 1 --count 0
_E=
expect_eq "exit status" "$C_RC" 2
expect_eq stderr "$C_ERR" "mtctl: hotplug: --count '0' is not a number of changes above 0"
verdict "'mtctl hotplug 1 --count 0': exit 2, a usage error" "$(cev)"
HP=
for _c in /sys/devices/system/cpu/cpu[1-9]*; do
	[ -w "$_c/online" ] || continue
	read -r _o <"$_c/online"
	[ "$_o" = 1 ] && HP=${_c##*/cpu}
done
if [ -z "$HP" ]; then
	skip "mtctl hotplug takes a CPU offline and back" "no CPU but 0 can go offline here"
else
	start_test id 16 512 65536 1 2 60000 alloc=kmalloc cpu=$HP
	kmark
	mc hotplug "$HP" --interval 0.2 --count 4
	read -r on <"/sys/devices/system/cpu/cpu$HP/online"
	koff=$(ksince | grep -c "CPU $HP is now offline")
	tstat oc "$id" off_cpu
	_E=
	c_ok
	expect_eq "change lines" "$(printf '%s\n' "$C_OUT" | grep -cE "^ *[0-9]+\.[0-9]{3} s  cpu $HP (offline|online) \([0-9]+ ms\)\$")" 4
	case $C_OUT in
	*"cpu $HP: 2 offline, 2 online, "[0-9]*" refused by the kernel; the slowest offline "[0-9]*" ms, online "[0-9]*" ms; online now") ;;
	*) _E="${_E}no summary of 2 offline and 2 online changes$NL" ;;
	esac
	expect_eq "the kernel's 'CPU $HP is now offline' lines" "$koff" 2
	expect_eq "cpu$HP/online after" "$on" 1
	expect_range "the pinned test's off_cpu" "${oc:-0}" 1 100000000
	verdict "'mtctl hotplug $HP --interval 0.2 --count 4' with a test pinned to CPU $HP: 4 changes, the kernel logged 2 offline, the test counted $oc steps off its CPU, CPU $HP online after" "$(cev)"
	run_ok mem_test_destroy "$id"
	mc --json hotplug "$HP" --interval 0.1 --count 2
	_E=
	c_ok
	expect "stdout is one JSON object" jvalid o "$C_OUT"
	for kv in cpu:$HP offline:1 online:1 refused:0; do
		jget v "$C_OUT" "${kv%%:*}"
		expect_eq "\"${kv%%:*}\"" "$v" "${kv#*:}"
	done
	verdict "'mtctl --json hotplug $HP --count 2': one object, 1 offline, 1 online" "$(cev)"
	# SIGTERM while the CPU is offline: it comes back before mtctl exits
	"$MTCTL" hotplug "$HP" --interval 2 >"$MT_TMP/hp.out" 2>&1 &
	hp=$!
	wait_until 10000 eval 'grep -q " offline (" "$MT_TMP/hp.out"'
	read -r off <"/sys/devices/system/cpu/cpu$HP/online"
	kill -TERM $hp
	wait $hp
	hrc=$?
	read -r on <"/sys/devices/system/cpu/cpu$HP/online"
	slurp C_OUT "$MT_TMP/hp.out"
	_E=
	expect_eq "online while it ran" "$off" 0
	expect_eq "exit status" "$hrc" 0
	expect_eq "cpu$HP/online after" "$on" 1
	case $C_OUT in
	*"cpu $HP: 1 offline, 1 online, 0 refused by the kernel; "*"; online now") ;;
	*) _E="${_E}no summary of 1 offline and the online back$NL" ;;
	esac
	verdict "'mtctl hotplug $HP' stopped by SIGTERM while CPU $HP was offline: exit 0, CPU $HP online again" "$C_OUT"
	_E=
	charges_add_up why || _E="$why$NL"
	verdict "the charges add up after the hotplug"
fi

# ------------------------------------------------------------- get, set ---
# pv_ok GOT FILEVALUE: GOT, as mtctl shows a parameter, is FILEVALUE (a
# bool may show as 0/1 or false/true where the file says N/Y)
pv_ok() {
	[ "x$1" = "x$2" ] && return 0
	case "$2:$1" in
	N:0 | N:false | Y:1 | Y:true) return 0 ;;
	esac
	return 1
}
mc get
c_ok
for p in $MT_PARAMS; do
	param want $p
	tval got "$C_OUT" $p
	pv_ok "$got" "$want" || _E="${_E}$p: got '$got', expected '$want'$NL"
	[ -n "$want" ] || _E="${_E}no $P/$p$NL"
done
set -- $MT_PARAMS
verdict "'mtctl get' lists the $# parameters with their values ($MT_PARAMS)" "$(cev)"
mc --json get
c_ok
expect "stdout is not one JSON object" jvalid o "$C_OUT"
for p in $MT_PARAMS; do
	param want $p
	jget got "$C_OUT" $p
	pv_ok "$got" "$want" || _E="${_E}\"$p\": got '$got', expected '$want'$NL"
done
verdict "'mtctl --json get': an object with the $# parameters" "$(cev)"
mc help get
c_ok
matches "$C_OUT" "max_atomic_bytes;max_tests;pressure_margin"
verdict "'mtctl help get' names max_atomic_bytes, max_tests and pressure_margin" "$(cev)"
mc get max_bytes
c_ok
param want max_bytes
case $C_OUT in
"$want" | *[!0-9]"$want") ;;
*) _E="${_E}not the value $want$NL" ;;
esac
verdict "'mtctl get max_bytes' prints $want" "$(cev)"
# set_case NAME VALUE SHOWN: mtctl set NAME VALUE, the file reads SHOWN and
# mtctl get NAME says so
set_case() {
	mc set "$1" "$2"
	param _pv "$1"
	c_ok
	expect_eq "$P/$1" "$_pv" "$3"
	_sev=$(cev)
	mc get "$1"
	case $C_OUT in
	"$2" | *[!a-z0-9_]"$2" | "$3" | *[!a-z0-9_]"$3") ;;
	*) _E="${_E}'mtctl get $1' says '$C_OUT'$NL" ;;
	esac
	verdict "'mtctl set $1 $2': the parameter reads $3, 'mtctl get $1' says $2" "$_sev" "$(cev)"
}
set_case realloc_p 50 50
param before realloc_p
mc set realloc_p 95
param after realloc_p
expect_eq "exit status" "$C_RC" 1
expect_eq stdout "$C_OUT" ""
expect_eq realloc_p "$after" "$before"
matches "$C_ERR" "^mtctl: ;realloc_p"
verdict "'mtctl set realloc_p 95' is refused: exit 1, stderr names realloc_p, the value stays 50" "$(cev)"
mc --json set realloc_p 95
param after realloc_p
json_err 1 EINVAL ""
expect_eq realloc_p "$after" "$before"
verdict "'mtctl --json set realloc_p 95': the error object, errno EINVAL, exit 1, value unchanged" "$(cev)"
set_case realloc_p 0 0
set_case check_content 1 Y
set_case check_content 0 N
set_case seed 4242 4242
set_case seed 0 0
set_case alloc vmalloc vmalloc
start_alloc vmalloc mem_test_start 1 2 10 1000 2000 60000
mtw_wo mem_test_destroy_all
set_case alloc kvmalloc kvmalloc
set_case max_bytes 1m 1048576
refusal_case ENOSPC "mem_alloc 2 m" mem_alloc 2 m
# the reserve of all-or-nothing pieces: 1-byte vmalloc pieces cost a page each
refusal_case ENOSPC "mem_rnd_alloc 1 1 40000 b alloc=vmalloc" mem_rnd_alloc 1 1 40000 b --alloc vmalloc
set_case max_bytes "$MAXB" "$MAXB"
set_case max_atomic_bytes 65536 65536
refusal_case ENOSPC "mem_test_start 1 4 128 1 2 60000 k alloc=kmalloc gfp=atomic" mem_test_start 1 4 128 1 2 60000 k --alloc kmalloc --gfp atomic
set_case max_atomic_bytes "$P0_max_atomic_bytes" "$P0_max_atomic_bytes"
# pressure_margin: the module's refusal of --avail follows it
set_case pressure_margin 128m 134217728
mc mem_alloc 1 m --avail 100m
expect_eq "exit status" "$C_RC" 1
expect_eq stderr "$C_ERR" "mtctl: avail=104857600 is below pressure_margin (134217728 bytes), the MemAvailable the module leaves the machine: root may lower it"
verdict "with pressure_margin 128m, 'mtctl mem_alloc 1 m --avail 100m' is refused: below 134217728 bytes" "$(cev)"
mc set pressure_margin 0
param after pressure_margin
expect_eq "exit status" "$C_RC" 1
expect_eq pressure_margin "$after" 134217728
matches "$C_ERR" "^mtctl: ;pressure_margin"
verdict "'mtctl set pressure_margin 0' is refused: exit 1, stderr names pressure_margin, the value stays" "$(cev)"
set_case pressure_margin "$P0_pressure_margin" "$P0_pressure_margin"
set_case max_tests 1 1
mc mem_test_start 1 2 64 1000 2000 60000 k
TM=$C_OUT
c_ok
expect "the output is not an id" isnum "$TM"
verdict "with max_tests 1, 'mtctl mem_test_start 1 2 64 1000 2000 60000 k' starts test $TM" "$(cev)"
# a stopped test still counts (and its figures stand still for the check)
mc mem_test_stop "$TM"
refusal_case ENOSPC "mem_test_start 1 2 64 1000 2000 60000 k" mem_test_start 1 2 64 1000 2000 60000 k
mc mem_test_destroy "$TM"
set_case max_tests "$P0_max_tests" "$P0_max_tests"
for v in 0 65537; do
	mc set max_tests $v
	param after max_tests
	expect_eq "exit status" "$C_RC" 1
	expect_eq max_tests "$after" "$P0_max_tests"
	matches "$C_ERR" "^mtctl: ;max_tests;65536"
	verdict "'mtctl set max_tests $v' is refused: exit 1, stderr names max_tests and its range, the value stays" "$(cev)"
done
usage_case "nosuch;realloc_p" set nosuch 1
usage_case "nosuch;realloc_p" get nosuch
usage_case "set" set realloc_p
usage_case "set" set realloc_p 1 2
usage_case "set" set

# ------------------------------------------------------ usage errors ---
state st0
usage_case "frobnicate;mem_alloc|help" frobnicate
usage_case "mem_alloc|help|usage|command"
usage_case "mem_alloc;size" mem_alloc
usage_case "mem_alloc" mem_alloc 1 k 5
usage_case "abc" mem_alloc abc
usage_case "abc" mem_realloc abc
usage_case "12abc" mem_alloc 12abc
usage_case "kb;b, k, m or g" mem_alloc 10 kb
usage_case "-5" mem_alloc -5
usage_case "slab;kmalloc;vmalloc;kvmalloc" mem_alloc 1 k --alloc slab
usage_case "slab;kmalloc;vmalloc;kvmalloc" mem_alloc 1 k --alloc=slab
usage_case "--alloc" mem_alloc 1 k --alloc
usage_case "--json" mem_alloc -- --json
usage_case "--bogus" --bogus mem_used
usage_case "-x" mem_used -x
usage_case "'x';b, k, m or g" mem_used x
usage_case "mem_used" mem_used k m
usage_case "mem_free" mem_free 1 2
usage_case "mem_free" mem_free 1 k 1
usage_case "mem_realloc;size" mem_realloc
usage_case "mem_rnd_alloc;total" mem_rnd_alloc 1 2
usage_case "mem_rnd_alloc" mem_rnd_alloc 1 2 3 k 4
usage_case "mem_test_start;total_time" mem_test_start 1 2 3 4 5
usage_case "mem_test_start" mem_test_start 1 2 3 4 5 6 k 7
usage_case "mem_test_stop;id" mem_test_stop
usage_case "abc" mem_test_stop abc
usage_case "mem_test_stop" mem_test_stop 1 2
usage_case "mem_test_destroy;id" mem_test_destroy
usage_case "mem_test_destroy_all" mem_test_destroy_all 1
usage_case "mem_test_list" mem_test_list 1 k x
usage_case "--interval" watch --interval
usage_case "abc" watch --interval abc
usage_case "count" watch --count x
usage_case "nosuch" help nosuch
usage_case "slab;kmalloc, vmalloc, kvmalloc, pages, cache, percpu, kmalloc_nolock, pages_nolock or mempool" mem_alloc 1 k --alloc slab
usage_case "--gfp;kernel,atomic;one base" mem_alloc 1 k --gfp kernel,atomic
usage_case "--gfp;one base" mem_rnd_alloc 1 2 3 k --gfp atomic,zero,nowait
usage_case "'zero' given twice" mem_alloc 1 k --gfp zero,nowarn,zero
usage_case "unknown gfp flag 'bogus';noretry;nofail" mem_alloc 1 k --gfp bogus
usage_case "unknown gfp flag ''" mem_alloc 1 k --gfp=
usage_case "unknown gfp flag ''" mem_alloc 1 k --gfp kernel,,nowarn
usage_case "unknown gfp flag 'KERNEL'" mem_alloc 1 k --gfp KERNEL
usage_case "--gfp needs a value" mem_alloc 1 k --gfp
usage_case "--node 'x';node number" mem_alloc 1 k --node x
usage_case "--node '-1';node number" mem_alloc 1 k --node -1
usage_case "--node '4294967296'" mem_rnd_alloc 1 2 3 --node 4294967296
usage_case "--cpu 'one';cpu number" mem_test_start 1 2 3 4 5 6 --cpu one
usage_case "--ctx 'irq';work, timer, softirq, irqoff, nmi or bhoff" mem_test_start 1 2 3 4 5 6 --ctx irq
usage_case "--ctx 'Timer';work, timer, softirq, irqoff, nmi or bhoff" mem_test_start 1 2 3 4 5 6 --ctx=Timer
usage_case "--ctx 'NMI';work, timer, softirq, irqoff, nmi or bhoff" mem_test_start 1 2 3 4 5 6 --ctx NMI
usage_case "--free 'none';all, random, fifo or lifo" mem_test_start 1 2 3 4 5 6 --free none
usage_case "mem_alloc;takes no --ctx" mem_alloc 1 k --ctx timer
usage_case "mem_rnd_alloc;takes no --cpu" mem_rnd_alloc 1 2 3 --cpu 0
usage_case "mem_rnd_alloc;takes no --free" mem_rnd_alloc 1 2 3 --free fifo
usage_case "mem_free;takes no --gfp" mem_free --gfp kernel
usage_case "mem_realloc;takes no --node" mem_realloc 1 --node 0
usage_case "mem_test_stop;takes no --alloc" mem_test_stop 1 --alloc pages
usage_case "caches;takes no arguments" caches 1
usage_case "mempools;takes no arguments" mempools 1
usage_case "footprint;'abc';neither a test id;kept" footprint abc
usage_case "footprint;too many arguments;ID.kept" footprint 1 2
usage_case "footprint;takes no --alloc" footprint kept --alloc cache
usage_case "mem_alloc;takes no --reserve;mem_test_start, bench" mem_alloc 1 k --alloc mempool --reserve 2
usage_case "mem_rnd_alloc;takes no --reserve" mem_rnd_alloc 1 2 3 --reserve 2
usage_case "--reserve 'x';mempool elements" mem_test_start 1 2 3 4 5 6 --alloc mempool --reserve x
usage_case "--reserve '-1'" mem_test_start 1 2 3 4 5 6 --alloc mempool --reserve -1
usage_case "bench;--reserve 'two'" bench --alloc mempool --size 64 --count 1 --reserve two
usage_case "--reserve needs a value" mem_test_start 1 2 3 4 5 6 --reserve
usage_case "bench stop;no option" bench stop --reserve 2
usage_case "hist;id|bench" hist
usage_case "'abc';test id;bench" hist abc
usage_case "'bogus';alloc, realloc, free or lateness" hist 1 bogus
usage_case "'lateness';alloc, free, harness_alloc or harness_free" hist bench lateness
usage_case "hist;too many" hist 1 alloc free
usage_case "bench;--size;--count" bench
usage_case "bench;--count" bench --size 64
usage_case "--size '4x';64, 4k, 1m" bench --size 4x --count 1
usage_case "--size '-1'" bench --size -1 --count 1
usage_case "--count 'x';unsigned decimal" bench --size 64 --count x
usage_case "--threads 'two'" bench --size 64 --count 1 --threads two
usage_case "--pattern 'zig';pair, batch, random or remote" bench --size 64 --count 1 --pattern zig
usage_case "--sample '-1'" bench --size 64 --count 1 --sample -1
usage_case "--time '1.5'" bench --size 64 --count 1 --time 1.5
usage_case "--alloc|'slab';kmalloc" bench --size 64 --count 1 --alloc slab
usage_case "--gfp;one base" bench --size 64 --count 1 --gfp kernel,atomic
usage_case "bench;takes no --node" bench --size 64 --count 1 --node 0
usage_case "bench;takes no --ctx" bench --size 64 --count 1 --ctx timer
usage_case "bench;takes no --interval" bench --size 64 --count 1 --interval 1
usage_case "bench stop;takes no option" bench stop --size 64
usage_case "'go';stop" bench go
usage_case "'k';--size 4k" bench --size 4 k --count 1
usage_case "mem_alloc;takes no --threads" mem_alloc 1 --threads 2
usage_case "mem_test_start;takes no --size" mem_test_start 1 2 3 4 5 6 --size 4
usage_case "watch;takes no --pattern" watch --pattern pair
usage_case "mem_rnd_alloc;takes no --avail;mem_alloc takes it" mem_rnd_alloc 1 2 3 --avail 1g
usage_case "mem_test_start;takes no --avail;mem_alloc takes it" mem_test_start 1 2 3 4 5 6 --avail 1g
usage_case "mem_free;takes no --avail" mem_free --avail=1g
usage_case "bench;takes no --avail" bench --size 64 --count 1 --avail 1g
usage_case "mem_alloc;--avail 'x';not a size;512m" mem_alloc 1 --avail x
usage_case "mem_alloc;--avail '1 g';not a size" mem_alloc 1 --avail "1 g"
usage_case "mem_alloc;--avail '-1';not a size" mem_alloc 1 --avail -1
usage_case "mem_alloc;--avail '18446744073709551616';64 bits" mem_alloc 1 --avail 18446744073709551616
usage_case "mem_alloc;--avail '17179869184g';64 bits" mem_alloc 1 --avail 17179869184g
usage_case "--avail needs a value" mem_alloc 1 k --avail
state st1
check_eq "the usage errors changed nothing in the module" "$st1" "$st0"
mc --json frobnicate
json_err 2 "" frobnicate
verdict "'mtctl --json frobnicate': exit 2, the error object on stdout" "$(cev)"
mc --json mem_alloc 10 x
json_err 2 "" "'x' is not a unit (b, k, m or g)"
verdict "'mtctl --json mem_alloc 10 x': exit 2, the error object with the unit sentence" "$(cev)"
mc mem_alloc 10 x --json
json_err 2 "" "'x' is not a unit"
verdict "'mtctl mem_alloc 10 x --json' (option last): exit 2, the error object" "$(cev)"

# ------------------------------------------------------- reachability ---
# Not root.
mkdir -p /etc
grep -q '^nobody:' /etc/passwd 2>/dev/null ||
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
uid=$(su -s /bin/sh nobody -c 'id -u' </dev/null 2>&1)
if [ "$uid" = 65534 ]; then
	# nobody_mc ARGS...: mc as nobody (the arguments are plain words)
	nobody_mc() {
		C_CMD="(as nobody) mtctl $*"
		su -s /bin/sh nobody -c "$MTCTL $*" </dev/null >"$MT_TMP/c.out" 2>"$MT_TMP/c.err"
		C_RC=$?
		slurp C_OUT "$MT_TMP/c.out"
		slurp C_ERR "$MT_TMP/c.err"
	}
	state st0
	nobody_mc mem_alloc 1 k
	state st1
	expect_eq "exit status" "$C_RC" 1
	expect_eq stdout "$C_OUT" ""
	matches "$C_ERR" "^mtctl: ;needs root"
	expect_eq "the module's state" "$st1" "$st0"
	verdict "as nobody, 'mtctl mem_alloc 1 k': exit 1, 'needs root', nothing kept" "$(cev)"
	nobody_mc mem_used
	expect_eq "exit status" "$C_RC" 1
	matches "$C_ERR" "^mtctl: ;needs root"
	verdict "as nobody, 'mtctl mem_used': exit 1, 'needs root'" "$(cev)"
	nobody_mc --json mem_used
	json_err 1 "" "needs root"
	case $_jn in
	EACCES | EPERM) ;;
	*) _E="${_E}errno '$_jn', expected EACCES or EPERM$NL" ;;
	esac
	verdict "as nobody, 'mtctl --json mem_used': exit 1, the error object (EACCES or EPERM)" "$(cev)"
else
	skip "as nobody, mtctl says 'needs root'" "su cannot run a command as nobody here: '$uid'"
fi

# debugfs not mounted where mtctl looks.
mce MTCTL_DEBUGFS=$MT_TMP/nodebugfs mem_used
expect_eq "exit status" "$C_RC" 1
expect_eq stdout "$C_OUT" ""
matches "$C_ERR" "^mtctl: debugfs is not mounted at $MT_TMP/nodebugfs"
verdict "MTCTL_DEBUGFS=$MT_TMP/nodebugfs 'mtctl mem_used': exit 1, 'debugfs is not mounted at $MT_TMP/nodebugfs'" "$(cev)"
mc mem_alloc 64 k
umount /sys/kernel/debug 2>"$MT_TMP/umount"
rc=$?
if [ "$rc" = 0 ]; then
	mc mem_used
	expect_eq "exit status" "$C_RC" 1
	expect_eq stdout "$C_OUT" ""
	matches "$C_ERR" "^mtctl: debugfs is not mounted at /sys/kernel/debug;mount -t debugfs"
	verdict "debugfs unmounted: 'mtctl mem_used' exits 1, 'debugfs is not mounted at /sys/kernel/debug (mount -t debugfs ...)'" "$(cev)"
	mc --json mem_free
	json_err 1 "" "debugfs is not mounted"
	verdict "debugfs unmounted: 'mtctl --json mem_free': exit 1, the error object" "$(cev)"
	mkdir -p "$MT_TMP/dbg"
	if mount -t debugfs none "$MT_TMP/dbg" 2>"$MT_TMP/mount"; then
		slurp f "$MT_TMP/dbg/malloc_test/mem_used"
		mce MTCTL_DEBUGFS=$MT_TMP/dbg mem_used k
		c_ok
		tval v "$C_OUT" kept_bytes
		expect_eq "kept_bytes" "$v" "64 k"
		verdict "debugfs mounted at $MT_TMP/dbg: MTCTL_DEBUGFS=$MT_TMP/dbg 'mtctl mem_used k' works (kept_bytes: 64 k)" "$(cev)" "$f"
		umount "$MT_TMP/dbg"
	else
		fail "debugfs mounted at $MT_TMP/dbg: MTCTL_DEBUGFS works" "mount: $(cat "$MT_TMP/mount")"
	fi
	mount -t debugfs none /sys/kernel/debug 2>"$MT_TMP/mount"
	check "debugfs mounted again at /sys/kernel/debug ($D is back)" [ -d "$D" ]
else
	skip "debugfs unmounted: mtctl says 'debugfs is not mounted'" "umount /sys/kernel/debug failed: $(cat "$MT_TMP/umount")"
fi
mc mem_free
c_ok
expect_eq stdout "$C_OUT" 65536
verdict "'mtctl mem_free' works again and frees the 64 KiB" "$(cev)"

# Where the parameters are: MTCTL_SYSFS.
mkdir -p "$MT_TMP/sysfs/parameters"
for kv in check_content:N realloc_p:42 max_bytes:777 alloc:vmalloc seed:9; do
	echo "${kv#*:}" >"$MT_TMP/sysfs/parameters/${kv%%:*}"
done
mce MTCTL_SYSFS=$MT_TMP/sysfs get realloc_p
c_ok
case $C_OUT in
42 | *[!0-9]42) ;;
*) _E="${_E}not 42$NL" ;;
esac
verdict "MTCTL_SYSFS=$MT_TMP/sysfs 'mtctl get realloc_p' reads its parameters/realloc_p (42)" "$(cev)"

# Not loaded.
unload
if ! loaded; then
	mc mem_used
	expect_eq "exit status" "$C_RC" 1
	expect_eq stdout "$C_OUT" ""
	matches "$C_ERR" "^mtctl: malloc_test is not loaded;insmod"
	verdict "module unloaded: 'mtctl mem_used' exits 1, 'malloc_test is not loaded (insmod malloc_test.ko)'" "$(cev)"
	mc mem_alloc 1 k
	expect_eq "exit status" "$C_RC" 1
	matches "$C_ERR" "^mtctl: malloc_test is not loaded"
	verdict "module unloaded: 'mtctl mem_alloc 1 k' exits 1, 'malloc_test is not loaded'" "$(cev)"
	mc get
	expect_eq "exit status" "$C_RC" 1
	matches "$C_ERR" "^mtctl: malloc_test is not loaded"
	verdict "module unloaded: 'mtctl get' exits 1, 'malloc_test is not loaded'" "$(cev)"
	mc --json mem_test_list
	json_err 1 "" "malloc_test is not loaded"
	verdict "module unloaded: 'mtctl --json mem_test_list': exit 1, the error object" "$(cev)"
	mt_insmod
	check_eq "insmod again succeeds" "$?" 0 "$(cat "$MT_TMP/insmod")"
else
	fail "module unloaded: mtctl says 'malloc_test is not loaded'" "rmmod failed: $(cat "$MT_TMP/rmmod" 2>&1)"
fi
mc mem_used
c_ok
tval v "$C_OUT" chunks
expect_eq chunks "$v" 0
verdict "after insmod 'mtctl mem_used' works again (chunks: 0)" "$(cev)"

# --------------------------------------------------------------- leave ---
free_all
used kc kept_chunks
used b bytes
list_ids ids
expect "malloc_test is not loaded" loaded
expect_eq "bytes, kept_chunks" "$b $kc" "0 0"
expect_eq tests "$ids" ""
for p in $MT_PARAMS; do
	param v $p
	eval "want=\$P0_$p"
	expect_eq "$p" "$v" "$want"
done
expect "debugfs is not mounted at /sys/kernel/debug" [ -d "$D" ]
verdict "leaves: module loaded, nothing kept, no test, parameters as on entry, debugfs mounted"
mt_exit
