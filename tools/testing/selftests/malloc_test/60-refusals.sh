#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 60-refusals.sh - every malformed command of every command file: -EINVAL
# (or -ENOENT for an unknown id), "error: <reason>" read back on the same
# fd, nothing changed, the reason in the kernel log.  (The ENOSPC and ENOMEM
# refusals are in 20-alloc, 30-realloc and 40-rnd, ENOENT of mem_realloc in
# 30-realloc, those of a destroyed test in 50-tests.)
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

# The state the refusals must leave alone: a kept chunk (so that
# mem_realloc's validation is what refuses), a stopped test.
run_ok mem_alloc 1000
mtw mem_test_start 1 2 10 1000 2000 60000
RT=$MT_OUT
run_ok mem_test_stop "$RT"

OVF=17179869184 # 2^34 g = 2^64 bytes
refuse EINVAL mem_alloc ""
refuse EINVAL mem_alloc abc
refuse EINVAL mem_alloc 12abc
refuse EINVAL mem_alloc -5
refuse EINVAL mem_alloc 0x10
refuse EINVAL mem_alloc 0
refuse EINVAL mem_alloc 0 k
refuse EINVAL mem_alloc 10 x
refuse EINVAL mem_alloc 10 kb
refuse EINVAL mem_alloc 10 k k
refuse EINVAL mem_alloc 10 k 5
refuse EINVAL mem_alloc 10 alloc=slab
refuse EINVAL mem_alloc 10 foo=bar
refuse EINVAL mem_alloc $OVF g
refuse EINVAL mem_alloc 18446744073709551616
refuse EINVAL mem_alloc 4097 k alloc=kmalloc
R_DESC="a 4096-byte write ('100', spaces, newline)" refuse EINVAL mem_alloc "100$(printf '%4092s' '')"

refuse EINVAL mem_free abc
refuse EINVAL mem_free 0
refuse EINVAL mem_free 10 x
refuse EINVAL mem_free 10 k 1
refuse EINVAL mem_free 10 alloc=vmalloc
refuse EINVAL mem_free $OVF g

refuse EINVAL mem_realloc ""
refuse EINVAL mem_realloc 0
refuse EINVAL mem_realloc 5 q
refuse EINVAL mem_realloc 1 2
refuse EINVAL mem_realloc $OVF g

refuse EINVAL mem_rnd_alloc 1 2
refuse EINVAL mem_rnd_alloc 1 2 3 k k
refuse EINVAL mem_rnd_alloc 0 2 3
refuse EINVAL mem_rnd_alloc 3 2 10
refuse EINVAL mem_rnd_alloc 1 20 10
refuse EINVAL mem_rnd_alloc 1 2 10 alloc=foo
refuse EINVAL mem_rnd_alloc 1 2 $OVF g
refuse EINVAL mem_rnd_alloc 1 5 10 m alloc=kmalloc

refuse EINVAL mem_test_start 1 2 3 4 5
refuse EINVAL mem_test_start 1 2 3 4 5 6 k 7
refuse EINVAL mem_test_start 0 2 10 1 2 100
refuse EINVAL mem_test_start 3 2 10 1 2 100
refuse EINVAL mem_test_start 1 20 10 1 2 100
refuse EINVAL mem_test_start 1 2 10 0 2 100
refuse EINVAL mem_test_start 1 2 10 5 2 100
refuse EINVAL mem_test_start 1 2 10 1 200 100
refuse EINVAL mem_test_start 1 2 10 1 2 1x0
refuse EINVAL mem_test_start 1 2 10 1 2 100 z
refuse EINVAL mem_test_start 1 2 10 1 2 100 alloc=bad
refuse EINVAL mem_test_start 1 2 $OVF 1 2 100 g
refuse EINVAL mem_test_start 1 5 10 1 2 100 m alloc=kmalloc

refuse EINVAL mem_test_stop ""
refuse EINVAL mem_test_stop abc
refuse EINVAL mem_test_stop "$RT" "$RT"
refuse ENOENT mem_test_stop 999999
refuse EINVAL mem_test_destroy x
refuse ENOENT mem_test_destroy 999999
R_DESC="a 4096-byte write" refuse EINVAL mem_test_destroy_all "$(printf '%4095s' '')"

check "an unknown test has no statistics file (tests/999999/stats)" eval '[ -d "$D/tests" ] && [ ! -e "$D/tests/999999/stats" ]'

mtw mem_test_destroy "$RT"
mtw mem_free
mt_exit
