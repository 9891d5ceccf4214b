#!/usr/bin/env bash
# Under `lazytlb record -- <workloads>` on the host: IPIs by vector and cause against
# /proc/interrupts (tests/checks/record_ipis.{sh,py}). The TLB-IPI part runs here only when
# this host's remote flushes went by IPI in this run; the same checks run in a guest, where
# they are required, in t_vm_tlb_ipis.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
LT=$LAZYTLB O=$TMP/out sh "$CHECKS/record_ipis.sh" || fail "record failed"
python3 "$CHECKS/record_ipis.py" "$TMP/out"
