#!/bin/sh
# Guest script of `make shell`: load the module, then hand over.
insmod /mt/malloc_test.ko || exit 1
cat <<'MSG'
malloc_test is loaded; its files are in /sys/kernel/debug/malloc_test/.
  echo "10 k" > /sys/kernel/debug/malloc_test/mem_alloc
  cat /sys/kernel/debug/malloc_test/mem_used
Leave the shell (exit) to power the VM off.
MSG
