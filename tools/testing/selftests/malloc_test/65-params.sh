#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 65-params.sh - the module parameters changed at run time: valid values
# are taken, invalid ones refused with the old value kept and the reason
# logged, and they act
# (max_bytes in mem_used, alloc as the default allocator; mempool_reserve's
# effect is 54-mempool.sh's, pressure_margin's 68-pressure.sh's).
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

# param_case NAME VALUE SHOWN: writing VALUE is accepted and reads SHOWN
param_case() {
	setparam "$1" "$2"
	param _pv "$1"
	if [ "$MT_RC" = 0 ] && [ "x$_pv" = "x$3" ]; then
		pass "$1 = '$2' is taken (reads '$3')"
	else
		fail "$1 = '$2' is taken (reads '$3')" "write status $MT_RC $MT_ERR, reads '$_pv'"
	fi
}

# param_bad NAME VALUE: writing VALUE is refused with EINVAL, the value
# stays, and the kernel log says why
param_bad() {
	param _p0 "$1"
	kmark
	setparam "$1" "$2"
	param _pv "$1"
	# the reason is logged, at most 10 lines per 5 s: one retry after
	if ! klog_has "malloc_test: parameter $1: .* refused"; then
		sleep 5.2
		kmark
		setparam "$1" "$2"
		param _pv "$1"
	fi
	_E=
	expect_eq "write status" "$MT_RC" 1
	case $MT_ERR in
	*"$E_EINVAL"*) ;;
	*) _E="${_E}refused with '$MT_ERR', expected '$E_EINVAL'$NL" ;;
	esac
	expect_eq "$1 afterwards" "$_pv" "$_p0"
	expect "no 'malloc_test: parameter $1: ... refused' line in the log" \
		klog_has "malloc_test: parameter $1: .* refused"
	verdict "$1 = '$2' is refused with EINVAL, $1 stays '$_p0', the log says why" \
		"write status $MT_RC $MT_ERR, reads '$_pv'" "$(ksince | tail -n 3)"
}

param_case check_content 1 Y
param_bad check_content maybe
param_case check_content 0 N

param_case realloc_p 50 50
param_bad realloc_p 91
param_bad realloc_p -1
param_bad realloc_p abc
param_case realloc_p 90 90
param_case realloc_p 0 0

param_bad max_bytes 0
param_bad max_bytes abc
param_bad max_bytes -1
param_case max_bytes 1048576 1048576
# a size as the commands write one, its unit attached
param_case max_bytes 3M 3145728
param_case max_bytes 64k 65536
param_bad max_bytes 1x
param_bad max_bytes 17179869184g
param_bad max_bytes 8589934592g
param_case max_bytes 1048576 1048576
used v max_bytes
check_eq "mem_used's max_bytes follows the parameter" "$v" 1048576
param_case max_bytes "$DEF_MAX_BYTES" "$DEF_MAX_BYTES"

param MA0 max_atomic_bytes
param_bad max_atomic_bytes 0
param_bad max_atomic_bytes abc
param_case max_atomic_bytes 1048576 1048576
used v max_atomic_bytes
check_eq "mem_used's max_atomic_bytes follows the parameter" "$v" 1048576
param_case max_atomic_bytes "$MA0" "$MA0"

param_case seed 12345 12345
param_bad seed abc
param_case seed 0 0

param_case alloc vmalloc vmalloc
param_bad alloc slab
param_case alloc kmalloc kmalloc
# The default allocator is the parameter's: 5 MiB is above kmalloc's
# maximum, so refused with alloc = kmalloc, unless alloc= says otherwise.
refuse EINVAL mem_alloc 5 m
mtw mem_alloc 5 m alloc=vmalloc
check_eq "with alloc = kmalloc, mem_alloc '5 m alloc=vmalloc' is accepted" "$MT_RC" 0 "$(mt_evidence)"
mtw mem_free
param_case alloc vmalloc vmalloc
mi vm0 VmallocUsed
mtw mem_alloc 5 m
mi vm1 VmallocUsed
expect "refused: $(mt_evidence)" [ "$MT_RC" = 0 ]
expect_range "VmallocUsed rise (bytes)" $(((vm1 - vm0) * 1024)) $((5242880 - 262144)) $((5242880 + 4194304))
verdict "with alloc = vmalloc, mem_alloc '5 m' is accepted and VmallocUsed rises by 5 MiB"
mtw mem_free
param_case alloc kvmalloc kvmalloc

# mempool_reserve: the kept memory's new mempools keep that many
param_case mempool_reserve 16 16
param_bad mempool_reserve 0
param_bad mempool_reserve 1025
param_bad mempool_reserve many
param_case mempool_reserve 1024 1024
param_case mempool_reserve 4 4

# pressure_margin: a size, as max_bytes takes one (its effect is
# 68-pressure.sh's)
param_case pressure_margin 128m 134217728
param_bad pressure_margin 0
param_bad pressure_margin -1
param_bad pressure_margin 1x
param_case pressure_margin 1 1
mt_exit
