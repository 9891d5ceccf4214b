#!/usr/bin/env bash
# Each workload's own op count against what the collector sees, rep by rep, through
# `lazytlb run` on the host (tests/checks/run_consistency.{sh,py}); the TLB-IPI part runs here
# only when this host sends TLB IPIs, and always in a guest (t_vm_tlb_ipis).
. "$(dirname "$0")/lib.sh"
need_root
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
LT=$LAZYTLB O=$TMP/out sh "$CHECKS/run_consistency.sh" || fail "run failed"
python3 "$CHECKS/run_consistency.py" "$TMP/out"
