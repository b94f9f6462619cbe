#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: harness/kdoc-check.sh
#
# The kernel-doc of the module's sources (malloc_test.h, mt_*.h, mt_*.c,
# and the units' KUnit tests, kunit/*-kunit.h), with scripts/kernel-doc of
# linux-source-6.12 (cached by harness/vm.sh beside checkpatch.pl).  Three
# checks a file:
#   - "kernel-doc -none -Wall" says nothing about it: no malformed comment,
#     no undescribed parameter or member, no missing "Return:";
#   - every function with external linkage defined in a .c file, or in a
#     unit's tests (part of the .c that includes them), has a kernel-doc
#     comment (what "kernel-doc -man" documents);
#   - so has every struct, union and enum defined in it.
# Prints KTAP-style lines ("ok - ...", "not ok - ...", "# ..." under a
# failure); exits 0 when all passed, 1 otherwise.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
CACHE=${MT_CACHE:-/var/cache/malloc_test}
KDOC=$CACHE/checkpatch/scripts/kernel-doc

# Every definition at file scope of FILE, one a line: "function NAME
# LINE" for a function with external linkage, "static NAME LINE" for a
# static one, "struct NAME LINE" (likewise union, enum) for a type.
# Comments, strings and preprocessor lines are blanked first (newlines
# kept); then a "{" at brace depth 0 opens a definition, and the text
# since the last ";" or "}" at depth 0 says what it defines: with "=" an
# initializer, ending in "struct NAME" a type, else a function, named by
# the last identifier followed by "(" outside parentheses that is no
# attribute (__printf(), __acquires(), ...), static when "static" comes before that name and
# after any ")" there (a DEFINE_...(x) macro without its ";").
definitions() {	# FILE
	perl -e '
		use strict;
		use warnings;
		local $/;
		my $s = <>;
		$s =~ s{/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|'"'"'(?:\\.|[^'"'"'\\\n])*'"'"'}
		       {(my $m = $&) =~ s/[^\n]/ /g; $m}gse;
		$s =~ s{^[ \t]*#(?:[^\n]*\\\n)*[^\n]*}
		       {(my $m = $&) =~ s/[^\n]/ /g; $m}gme;
		my $attr = qr/^__(?:attribute__|printf|scanf|acquires|releases|must_hold|cond_acquires|aligned|section|alloc_size|malloc|nocfi|no_sanitize\w*)$/;
		my ($depth, $acc, $line, $at) = (0, "", 1, 0);
		for my $c (split //, $s) {
			if ($depth) {
				$depth++ if $c eq "{";
				$depth-- if $c eq "}";
			} elsif ($c eq ";" || $c eq "}") {
				$acc = "";
			} elsif ($c eq "{") {
				$depth = 1;
				my $t = $acc;
				$acc = "";
				next if $t =~ /=/;
				$t =~ s/\s+/ /g;
				if ($t =~ /\b(struct|union|enum) (\w+) ?$/) {
					print "$1 $2 $at\n";
					next;
				}
				my ($name, $pos, $paren) = (undef, 0, 0);
				while ($t =~ /([A-Za-z_]\w*)? ?\(|\)/g) {
					if ($& eq ")") {
						$paren--;
						next;
					}
					($name, $pos) = ($1, $-[1])
						if !$paren++ && defined $1 && $1 !~ $attr;
				}
				next unless defined $name;
				my $pre = substr($t, 0, $pos);
				$pre =~ s/.*\)//;
				my $kind = $pre =~ /\bstatic\b/ ? "static" : "function";
				print "$kind $name $at\n";
			} else {
				$at = $line if $acc !~ /\S/ && $c =~ /\S/;
				$acc .= $c;
			}
			$line++ if $c eq "\n";
		}
	' "$1"
}

# What kernel-doc documents in FILE, one a line: "function NAME" or
# "struct NAME" (union, enum, typedef), from the .TH lines of its -man
# output.
documented() {	# FILE
	perl "$KDOC" -man "$1" 2>/dev/null |
		sed -n -e 's/^\.TH "Kernel API" 9 "\([a-z]*\) \([A-Za-z0-9_]*\)".*/\1 \2/p' \
		       -e '/^\.TH "Kernel API"/d' \
		       -e 's/^\.TH "\([A-Za-z0-9_]*\)" 9 .*/function \1/p'
}

failed=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failed=1; }
detail() { sed 's/^/# /'; }

if [[ ! -s $KDOC ]]; then
	# harness/vm.sh setup extracts it with checkpatch.pl.
	log=$(harness/vm.sh checkpatch 2>&1 >/dev/null)
	if [[ ! -s $KDOC ]]; then
		not_ok "kernel-doc script: $KDOC"
		{ echo "harness/vm.sh checkpatch did not extract it:"; tail -n 5 <<<"$log"; } | detail
		exit 1
	fi
fi

files=(malloc_test.h mt_*.h mt_*.c kunit/*-kunit.h)
if (( ${#files[@]} < 3 )) || [[ ! -f mt_main.c ]]; then
	not_ok "kernel-doc: module sources found"
	echo "no mt_main.c in $PWD" | detail
	exit 1
fi

for f in "${files[@]}"; do
	out=$(perl "$KDOC" -none -Wall "$f" 2>&1)
	rc=$?
	if (( rc == 0 )) && [[ -z $out ]]; then
		ok "kernel-doc -none -Wall: $f"
	else
		not_ok "kernel-doc -none -Wall: $f"
		{ [[ -z $out ]] || echo "$out"; (( rc == 0 )) || echo "kernel-doc exited $rc"; } | detail
	fi
done

for f in "${files[@]}"; do
	defs=$(definitions "$f") || {
		not_ok "kernel-doc definitions parsed: $f"
		continue
	}
	docs=$(documented "$f")
	missing_fn=() missing_type=()
	while read -r kind name line; do
		[[ -n $kind && $kind != static ]] || continue
		grep -qxF "$kind $name" <<<"$docs" && continue
		if [[ $kind == function ]]; then
			missing_fn+=("$f:$line: $name()")
		else
			missing_type+=("$f:$line: $kind $name")
		fi
	done <<<"$defs"
	if [[ $f == *.c || $f == kunit/*-kunit.h ]]; then
		if (( ${#missing_fn[@]} )); then
			not_ok "kernel-doc on every non-static function: $f"
			printf '%s has no kernel-doc comment\n' "${missing_fn[@]}" | detail
		else
			ok "kernel-doc on every non-static function: $f"
		fi
	elif (( ${#missing_fn[@]} )); then
		not_ok "no non-static function defined in a header: $f"
		printf '%s\n' "${missing_fn[@]}" | detail
	fi
	if (( ${#missing_type[@]} )); then
		not_ok "kernel-doc on every struct and enum: $f"
		printf '%s has no kernel-doc comment\n' "${missing_type[@]}" | detail
	else
		ok "kernel-doc on every struct and enum: $f"
	fi
done

exit "$failed"
