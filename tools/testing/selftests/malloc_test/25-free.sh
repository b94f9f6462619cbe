#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 25-free.sh - which chunks mem_free SIZE takes: repeatedly the largest kept
# chunk that fits in what is still to be freed; when every chunk is bigger,
# the smallest one.  Exact results in several scenarios.
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

# keep SIZE...: one mem_alloc per SIZE (bytes)
keep() {
	for _s in "$@"; do
		run_ok mem_alloc "$_s"
	done
}

# free_case DESC "ARGS" RESULT KEPT_BYTES KEPT_CHUNKS
free_case() {
	mtw mem_free $2
	used _kb kept_bytes
	used _kc kept_chunks
	expect "refused: $(mt_evidence)" [ "$MT_RC" = 0 ]
	expect_eq result "$MT_OUT" "$3"
	expect_eq kept_bytes "$_kb" "$4"
	expect_eq kept_chunks "$_kc" "$5"
	verdict "$1: mem_free '$2' says $3, $4 bytes in $5 chunks stay"
}

free_all() {
	mtw mem_free
	used _kb kept_bytes
	[ "$_kb" = 0 ] || diag "free all left kept_bytes $_kb: $(mt_evidence)"
}

keep 100 200 300
free_case "keep 100 200 300" 250 300 300 1
free_case "then" 1 300 0 0

keep 100 200 300
free_case "keep 100 200 300" 300 300 300 2
free_all

keep 300 100 200
free_case "keep 300 100 200" 50 100 500 2
free_all

keep 100 200 300
free_case "keep 100 200 300" 450 600 0 0

keep 200 300 100
free_case "keep 200 300 100" 601 600 0 0

keep 100 100 100 100 100
free_case "keep 5 x 100" 250 300 200 2
free_all

keep 1024 2048 3072
free_case "keep 1 k, 2 k, 3 k" "2 k" 2048 4096 2
free_case "then" "1 K" 1024 3072 1
free_all

keep 1000 10 20
free_case "keep 1000 10 20" 15 30 1000 1
free_case "then" "1 m" 1000 0 0

keep 500
run_ok mem_rnd_alloc 10 10 100
free_case "keep 500 and mem_rnd_alloc '10 10 100'" 505 510 90 9
free_case "then" 30 30 60 6
free_all
mt_exit
