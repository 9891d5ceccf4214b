#!/usr/bin/env bash
# What-if filters on a construction whose truth is known (tests/checks/whatif.{sh,py}) on the
# host when it sends TLB IPIs, and always in a guest (t_vm_tlb_ipis). Needs a quiet CPU 1:
# other processes there make it neither idle nor ours.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
LT=$LAZYTLB O=$TMP/out sh "$CHECKS/whatif.sh" || fail "record failed"
python3 "$CHECKS/whatif.py" "$TMP/out"
