#!/usr/bin/env bash
# Issue 3 check: each workload's own op count agrees with what the collector
# sees for it, rep by rep, through `lazytlb run`. The workload counts from its
# start barrier to its stop flag, the collector from rep begin to rep end: the
# two windows differ by well under a millisecond, hence small tolerances.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
"$LAZYTLB" run exit-lazy membarrier-busy idle-lazy ctxsw tlbflush collapse -r 2 -d 1 -w 0.2 -q -o "$TMP" ||
	fail "run failed"
python3 - "$TMP" <<'PY' || exit 1
import json, sys
t = sys.argv[1]; bad = 0
def reps(s):
    d = json.load(open(f"{t}/{s}.json"))
    return [(r["workload"]["ops"], r["workload"]["result"]["counters"], r["metrics"]) for r in d["reps"]]
def check(what, ok, detail):
    global bad
    print(("ok   " if ok else "FAIL ") + what + ": " + detail)
    bad += not ok
for ops, cnt, m in reps("exit-lazy"):
    # every exited child's mm is freed (__mmdrop); machine-wide, others add to it;
    # a child reaped at the very end may be freed just after the rep
    check("exit-lazy exits <= mmdrop", m["mmdrop"]["mmdrop"] >= cnt["exits"] - max(3, 0.01 * cnt["exits"]),
          f"exits {cnt['exits']} mmdrop {m['mmdrop']['mmdrop']}")
for ops, cnt, m in reps("membarrier-busy"):
    calls, ipis = m["calls"]["membarrier"], m["ipi"]["by_cause"]["membarrier"]
    check("membarrier calls seen = workload's", abs(calls - ops) <= max(5, 0.01 * ops), f"workload {ops} seen {calls}")
    check("membarrier IPIs <= calls x other CPUs, most calls IPI the busy peer", 0.5 * ops <= ipis <= ops,
          f"calls {ops} membarrier IPIs {ipis}")
for ops, cnt, m in reps("idle-lazy"):
    check("idle-lazy cycles <= lazy drops", m["lazy"]["drops"] >= ops, f"cycles {ops} drops {m['lazy']['drops']}")
for ops, cnt, m in reps("ctxsw"):
    # threads on two CPUs: each round trip is two switches into the mm from idle
    check("ctxsw 2 x round trips ~ lazy drops", abs(m["lazy"]["drops"] - 2 * ops) <= 0.05 * 2 * ops,
          f"round trips {ops} drops {m['lazy']['drops']}")
for ops, cnt, m in reps("tlbflush"):
    check("tlbflush zaps ~ TLB-flush IPIs (one busy peer)", abs(m["ipi"]["by_cause"]["tlb_flush"] - ops) <= max(5, 0.02 * ops),
          f"zaps {ops} tlb_flush IPIs {m['ipi']['by_cause']['tlb_flush']}")
for ops, cnt, m in reps("collapse"):
    ts = m["ipi"]["by_cause"]["table_sync"]
    check("collapses ~ table_sync IPIs", abs(ts - ops) <= max(5, 0.02 * ops), f"collapses {ops} table_sync IPIs {ts}")
sys.exit(1 if bad else 0)
PY
