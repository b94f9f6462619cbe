#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: harness/doc-check.sh
#
# Documentation/malloc_test.rst against the code: five checks, each listing
# what the document lacks.
#   1. every debugfs file: the command files of mt_syntax[] (mt_grammar.c) and
#      every debugfs_create_*("name", ...) of the sources, a per-test one
#      as tests/ID/NAME, is named as ``name``;
#   2. every module parameter (module_param*(name, ...)) is in the
#      Parameters table as ``name``;
#   3. every option key of mt_opt_descs[] (mt_grammar.c) is there as
#      ``key=...``, and every value of its enumerations (contexts, free
#      policies, patterns, gfp flags, the allocators of mt_alloc_names[])
#      as a word of an inline literal;
#   4. every statistic key: what seq_printf()/seq_puts() print in
#      mt_debugfs.c, mt_test.c, mt_bench.c, mt_lat.c and mt_pressure.c
#      (a test's vm_* lines), and the answers
#      of mt_answer(ctx, 0, ...) in mt_cmd.c, as "key: value" ("key:" opening a line
#      of a literal block, or ``key``) or as "key value" (a word of a
#      literal block or of an inline literal).  Keys built from a table
#      ("%s_chunks") are expanded by the table's names, which EXPAND below
#      lists; a new one fails the check until it is added there;
#   5. every errno of the command paths (in mt_answer() calls and in
#      "return -E..."/"ret = -E..." of mt_cmd.c, mt_debugfs.c, mt_test.c,
#      mt_bench.c) is in the Errors table as ``EXXX``.
# Sources are read with their comments removed.  Prints KTAP-style lines
# ("ok - ...", "not ok - ...", "# ..." under a failure); exits 0 when all
# passed, 1 otherwise.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
DOC=Documentation/malloc_test.rst
STAT_FILES=(mt_debugfs.c mt_test.c mt_bench.c mt_lat.c mt_pressure.c)
ERRNO_FILES=(mt_cmd.c mt_debugfs.c mt_test.c mt_bench.c)
# Errnos of those files that no command returns: mt_debugfs_init()'s
# (the load fails without debugfs).
NOT_CMD_ERRNOS=" ENODEV "
# Which directory variable of mt_debugfs.c holds which path.
declare -A DIRS=([mt_dir]="" [dir]="tests/ID/")

# The module's sources: what kbuild generates (*.mod.c) is not ours.
SOURCES=()
for f in *.c; do
	[[ -f $f && $f != *.mod.c ]] && SOURCES+=("$f")
done

TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT

failed=0

# C source read as statements, one a line: "FILE LINE TEXT", the text
# from after the last ";", "{" or "}" to the next one (included), outside
# strings and character constants, comments removed, blanks squeezed.
# Preprocessor lines are left out.
stmts() {	# FILE...
	awk '
	FNR == 1 { cur = ""; incomm = 0; pp = 0 }
	{
		s = $0
		if (!incomm && cur == "" && s ~ /^[ \t]*#/) {
			pp = s ~ /\\$/
			next
		}
		if (pp) { pp = s ~ /\\$/; next }
		n = length(s)
		for (i = 1; i <= n; i++) {
			c = substr(s, i, 1)
			if (incomm) {
				if (c == "*" && substr(s, i + 1, 1) == "/") {
					incomm = 0
					i++
				}
				continue
			}
			if (q != "") {
				cur = cur c
				if (c == "\\") {
					cur = cur substr(s, i + 1, 1)
					i++
				} else if (c == q) {
					q = ""
				}
				continue
			}
			two = substr(s, i, 2)
			if (two == "/*") { incomm = 1; i++; continue }
			if (two == "//") break
			if (c == "\"" || c == "\047") q = c
			if (cur == "" && c ~ /[ \t]/) continue
			if (cur == "") start = FNR
			cur = cur c
			if (c == ";" || c == "{" || c == "}") {
				gsub(/[ \t]+/, " ", cur)
				print FILENAME, start, cur
				cur = ""
			}
		}
		q = ""
		if (cur != "") cur = cur " "
	}' "$@"
}

# The string literals of the initializer of array NAME in FILE, one a
# line, unquoted; with FIELD, only those of ".FIELD = "..."".
table() {	# NAME FILE [FIELD]
	stmts "$2" | awk -v name="$1" -v field="${3:-}" '
	function lits(t,    m) {
		if (field != "") {
			while (match(t, "\\." field " *= *\"[^\"]*\"")) {
				m = substr(t, RSTART, RLENGTH)
				sub(/^[^"]*"/, "", m)
				sub(/"$/, "", m)
				print m
				t = substr(t, RSTART + RLENGTH)
			}
			return
		}
		while (match(t, /"([^"\\]|\\.)*"/)) {
			print substr(t, RSTART + 1, RLENGTH - 2)
			t = substr(t, RSTART + RLENGTH)
		}
	}
	!depth && $0 ~ ("[^A-Za-z0-9_]" name "\\[[^]]*\\] *= *[{]$") {
		depth = 1
		next
	}
	depth {
		t = $0
		sub(/^[^ ]* [^ ]* /, "", t)
		u = t
		gsub(/"([^"\\]|\\.)*"/, "", u)
		if (u ~ /[{]$/) depth++
		if (u ~ /[}]$/) depth--
		lits(t)
	}'
}

# The statements of FILE... that call FUNC (a regex), as "FILE KIND KEY"
# for every key of the format strings they print.  KIND KEY is "colon KEY" ("KEY: ..." at
# the start of a line of the format), "word KEY" (a word followed by a
# conversion: "%s count %llu"), "lead KEY" (a conversion opening a line
# and followed by words: the line's name), or "word KEY" for each word of
# a "# a b c" header.
formats() {	# FUNC FILE...
	local func=$1
	shift
	stmts "$@" | awk -v func_re="(^|[^A-Za-z0-9_])$func\\\\([a-z]+, *(0, *)?\"" '
	{
		t = $0
		sub(/^[^ ]* [^ ]* /, "", t)
		if (!match(t, func_re))
			next
		t = substr(t, RSTART + RLENGTH - 1)
		fmt = ""
		while (match(t, /^ *"([^"\\]|\\.)*"/)) {
			m = substr(t, RSTART, RLENGTH)
			sub(/^ *"/, "", m)
			fmt = fmt substr(m, 1, length(m) - 1)
			t = substr(t, RSTART + RLENGTH)
		}
		nl = split(fmt, lines, /\\n/)
		for (l = 1; l <= nl; l++) {
			line = lines[l]
			if (line ~ /^# /) {
				nw = split(substr(line, 3), w, " ")
				for (i = 1; i <= nw; i++)
					print $1, "word", w[i]
				continue
			}
			if (match(line, /^[A-Za-z0-9_%]+:( |$)/)) {
				k = substr(line, 1, RLENGTH)
				sub(/:.*/, "", k)
				print $1, "colon", k
				continue
			}
			nw = split(line, w, " ")
			if (nw > 1 && w[1] ~ /^%/ && w[2] !~ /^%/ &&
			    line !~ /^ /)
				print $1, "lead", w[1]
			for (i = 1; i < nw; i++)
				if (w[i] ~ /[A-Za-z]/ && w[i + 1] ~ /^%/ &&
				    (w[i] !~ /%/ || w[i] == "%s"))
					print $1, "word", w[i]
		}
	}'
}

# The names a key built from a table stands for (FILE KIND KEY), one a
# line; nothing when no expansion is known.
expand() {	# FILE KIND KEY
	local file=$1 kind=$2 key=$3 n m
	case "$file $kind $key" in
	"mt_debugfs.c colon %s_"*)
		for n in $ALLOCATORS; do echo "${key/\%s/$n}"; done ;;
	"mt_test.c colon %s_"*)
		for n in $TEST_PCT_OPS; do echo "${key/\%s/$n}"; done ;;
	"mt_bench.c colon %s_%s_"*)
		for n in $BENCH_HISTS; do
			for m in $BENCH_PCTS; do
				echo "${n}_${m}_${key#%s_%s_}"
			done
		done ;;
	"mt_bench.c colon %s_"*)
		for n in $BENCH_HISTS; do echo "${key/\%s/$n}"; done ;;
	"mt_bench.c colon thread%u_"*)
		echo "${key/\%u/0}" ;;
	"mt_lat.c lead %s")
		for n in $LAT_OPS $BENCH_HISTS; do echo "$n"; done ;;
	"mt_lat.c word %s")
		for n in $LAT_PCTS; do echo "$n"; done ;;
	"mt_pressure.c colon vm_%s")
		for n in $VM_EVENTS; do echo "${key/\%s/$n}"; done ;;
	esac
}

# What the document shows, one a line: "lit SECTION TEXT" for each inline
# literal (``TEXT``, joined across lines) and "block SECTION TEXT" for
# each line of a literal block (after a "::" that ends no directive),
# leading blanks removed;
# SECTION is the title of the section it is in.
doc_parts() {
	awk '
	function flush(    t) {
		t = para
		while (match(t, /``[^`]+``/)) {
			print "lit", sect, substr(t, RSTART + 2, RLENGTH - 4)
			t = substr(t, RSTART + RLENGTH)
		}
		para = ""
	}
	{ L[NR] = $0 }
	END {
		sect = "-"
		for (i = 1; i <= NR; i++) {
			s = L[i]
			ind = match(s, /[^ \t]/) - 1
			if (inblock) {
				if (s ~ /^[ \t]*$/)
					continue
				if (ind > bind) {
					t = s
					sub(/^[ \t]+/, "", t)
					print "block", sect, t
					continue
				}
				inblock = 0
			}
			if (s ~ /^[ \t]*$/) {
				flush()
				continue
			}
			if (L[i + 1] ~ /^(=+|-+|~+|\^+)$/ && s !~ /^(=+|-+)$/) {
				flush()
				sect = s
				gsub(/ /, "_", sect)
				i++
				continue
			}
			t = s
			sub(/^[ \t]+/, "", t)
			para = para " " t
			if (s ~ /::[ \t]*$/ && s !~ /^[ \t]*\.\. /) {
				flush()
				inblock = 1
				bind = ind
			}
		}
		flush()
	}' "$DOC"
}

# Of the queries on stdin, "KIND KEY [SECTION] [FROM]", print those the
# document lacks as "KEY (FROM)".  KIND: "lit" ``KEY`` (in SECTION
# unless it is "-"), "opt" ``KEY=...``, "word" KEY a word of an inline
# literal, "colon" "KEY:" opening a line of a literal block or an inline
# literal, or ``KEY``, "bword" KEY a word of a literal block line or of
# an inline literal; "unknown" is always lacking.
missing() {
	awk '
	FNR == NR {
		kind = $1
		sect = $2
		t = $0
		sub(/^[^ ]* [^ ]* /, "", t)
		if (kind == "lit") {
			LIT[t] = 1
			LITS[sect SUBSEP t] = 1
			if (match(t, /^[A-Za-z0-9_]+=/))
				OPT[substr(t, 1, RLENGTH - 1)] = 1
		}
		if (match(t, /^[A-Za-z0-9_]+:/))
			COLON[substr(t, 1, RLENGTH - 1)] = 1
		n = split(t, w, /[^A-Za-z0-9_.]+/)
		for (i = 1; i <= n; i++) {
			sub(/\.+$/, "", w[i])
			if (kind == "lit")
				WORD[w[i]] = 1
			BWORD[w[i]] = 1
		}
		next
	}
	{
		kind = $1
		key = $2
		sect = $3
		from = $4
		if (kind == "lit")
			ok = sect == "-" ? (key in LIT) : ((sect SUBSEP key) in LITS)
		else if (kind == "opt")
			ok = key in OPT
		else if (kind == "word")
			ok = key in WORD
		else if (kind == "colon")
			ok = (key in COLON) || (key in LIT)
		else if (kind == "bword")
			ok = key in BWORD
		else
			ok = 0
		if (kind == "unknown") {
			print key " (" from "): built from a table that harness/doc-check.sh does not expand"
			next
		}
		if (!ok && !((kind, key) in seen)) {
			seen[kind, key] = 1
			print key (from == "" ? "" : " (" from ")")
		}
	}' "$TMP/doc" -
}

# The queries of $TMP/q against the document, what is missing in
# $TMP/miss; a comparison that fails is missing something too.
compare() {
	missing <"$TMP/q" >"$TMP/miss" ||
		echo "(harness/doc-check.sh: the comparison failed)" >>"$TMP/miss"
}

# ok/not ok DESC, with what is missing (file MISS) as diagnostics; a
# check that found fewer than MIN names in the code fails too.
report() {	# DESC FOUND MIN
	if (( $2 < $3 )); then
		echo "not ok - $1"
		echo "# found $2 names in the code, expected at least $3: the extraction is broken"
		failed=1
	elif [[ -s $TMP/miss ]]; then
		echo "not ok - $1"
		sed 's/^/# missing: /' "$TMP/miss"
		failed=1
	else
		echo "ok - $1"
	fi
}

if [[ ! -r $DOC ]]; then
	echo "not ok - $DOC exists"
	exit 1
fi
doc_parts >"$TMP/doc"

# The tables the keys and values come from.
ALLOCATORS=$(table mt_alloc_names mt_grammar.c)
LAT_OPS=$(table mt_lat_names mt_lat.c)
LAT_PCTS=$(table mt_pct_names mt_lat.c)
BENCH_HISTS=$(table mt_bench_hist_names mt_bench.c)
BENCH_PCTS=$(table pct mt_bench.c)
VM_EVENTS=$(table mt_vm_names mt_pressure.c)
# The operations whose percentiles a test's stats print, by the
# MT_LAT_* passed to mt_test_print_pcts(), named by mt_lat_names[].
TEST_PCT_OPS=$(stmts mt_test.c mt_lat.c | awk '
	$2 ~ /^[0-9]+$/ && match($0, /mt_test_print_pcts\(m, t, MT_LAT_[A-Z]+/) {
		s = substr($0, RSTART, RLENGTH)
		sub(/.* /, "", s)
		want[++n] = s
	}
	$1 == "mt_lat.c" {
		t = $0
		while (match(t, /\[MT_LAT_[A-Z]+\] *= *"[^"]*"/)) {
			m = substr(t, RSTART, RLENGTH)
			e = m
			sub(/^\[/, "", e)
			sub(/\].*/, "", e)
			sub(/^[^"]*"/, "", m)
			sub(/"$/, "", m)
			name[e] = m
			t = substr(t, RSTART + RLENGTH)
		}
	}
	END { for (i = 1; i <= n; i++) print name[want[i]] }')

# 1. The debugfs files.
{
	table mt_syntax mt_grammar.c name | sed 's/^/lit /; s/$/ - mt_syntax[]/'
	stmts "${SOURCES[@]}" | awk '
		match($0, /debugfs_create_[a-z0-9_]+\( *"[^"]+" *,/) {
			if ($0 ~ /debugfs_create_dir\(/)
				next
			s = substr($0, RSTART)
			sub(/^[^"]*"/, "", s)
			name = s
			sub(/".*/, "", name)
			n = split(s, a, / *, */)
			print $1, name, a[3]
		}' | while read -r file name parent; do
		if [[ -v DIRS[$parent] ]]; then
			echo "lit ${DIRS[$parent]}$name - $file"
		else
			echo "lit $name-in-unknown-directory-$parent - $file"
		fi
	done
} >"$TMP/q"
compare
report "doc: every debugfs file is named in $DOC" "$(wc -l <"$TMP/q")" 10

# 2. The module parameters.
stmts "${SOURCES[@]}" | awk '
	match($0, /(^|[^A-Za-z0-9_])module_param(_cb|_named|_array|_string|_unsafe)?\( *[A-Za-z0-9_]+/) {
		s = substr($0, RSTART, RLENGTH)
		sub(/.*\( */, "", s)
		print "lit", s, "Parameters", $1
	}' >"$TMP/q"
compare
report "doc: every module parameter is in the Parameters table of $DOC" \
	"$(wc -l <"$TMP/q")" 5

# 3. The options and their values.
{
	sed -n 's/^\t\[MT_OPT_[A-Z_]*\] = { "\([a-z_]*\)".*/opt \1 - mt_opt_descs[]/p' \
		mt_grammar.c
	for t in mt_ctx_names mt_free_names mt_pattern_names mt_gfp_names; do
		table $t mt_grammar.c | sed "s/^/word /; s/\$/ - ${t}[]/"
	done
	for n in $ALLOCATORS; do echo "word $n - mt_alloc_names[]"; done
} >"$TMP/q"
compare
report "doc: every option and option value is in $DOC" "$(wc -l <"$TMP/q")" 20

# 4. The statistics.
{ formats 'seq_(printf|puts)' "${STAT_FILES[@]}"; formats mt_answer mt_cmd.c; } |
	sort -u | while read -r file kind key; do
	[[ $kind == lead ]] && k=bword || k=$kind
	[[ $k == word ]] && k=bword
	if [[ $key != *%* ]]; then
		echo "$k $key - $file"
		continue
	fi
	names=$(expand "$file" "$kind" "$key")
	if [[ -z $names ]]; then
		echo "unknown $key - $file"
		continue
	fi
	for n in $names; do echo "$k $n - $file"; done
done >"$TMP/q"
compare
report "doc: every statistic key is in $DOC" "$(wc -l <"$TMP/q")" 80

# 5. The errnos.
stmts "${ERRNO_FILES[@]}" | awk '
	{
		t = $0
		if (match(t, /mt_answer\(/))
			t = substr(t, RSTART)
		else if (match(t, /(return|ret *=) *-E[A-Z0-9]+/))
			t = substr(t, RSTART, RLENGTH)
		else
			next
		while (match(t, /-E[A-Z0-9]+/)) {
			print $1, substr(t, RSTART + 1, RLENGTH - 1)
			t = substr(t, RSTART + RLENGTH)
		}
	}' | sort -u | while read -r file e; do
	[[ $NOT_CMD_ERRNOS == *" $e "* ]] || echo "lit $e Errors $file"
done >"$TMP/q"
compare
report "doc: every errno of a command is in the Errors table of $DOC" \
	"$(sort -u -k2,2 "$TMP/q" | wc -l)" 5

# 6. The worked example the guest suite runs word for word (55-contexts.sh,
# DOC_PERCPU_EXAMPLE): the documentation shows that very command.
ex=$(sed -n "s/^DOC_PERCPU_EXAMPLE='\(.*\)'$/\1/p" tools/testing/selftests/malloc_test/55-contexts.sh)
if [[ -n $ex ]] && grep -qF "echo \"$ex\" > mem_test_start" "$DOC"; then
	echo "ok - doc: the per-CPU example of $DOC is the command 55-contexts.sh runs"
else
	echo "not ok - doc: the per-CPU example of $DOC is the command 55-contexts.sh runs"
	echo "# 55-contexts.sh runs '${ex:-(no DOC_PERCPU_EXAMPLE)}'"
	failed=1
fi

exit $failed
