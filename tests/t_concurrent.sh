#!/usr/bin/env bash
# Two `lazytlb record` at once: each loads its own programs and maps, so both must
# count what happened in their own windows. Record A traces 4 s of the machine while record B
# traces a membarrier + ctxsw command started 1 s into A: each one's function-call and
# reschedule IPIs match the /proc/interrupts deltas of its own window (2%), B's membarrier
# calls match the workload's own count, and A (whose window covers B's) saw at least B's.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
"$LAZYTLB" record -q -d 4 -o "$TMP/a.json" 2> "$TMP/a.err" & a=$!
sleep 1
"$LAZYTLB" record -q -o "$TMP/b.json" -- sh -c "
  $LAZYTLB workload membarrier -C 0-1 -t 2 -d 1 -p others=busy --json > $TMP/mb.json &&
  $LAZYTLB workload ctxsw -C 0-1 -t 2 -d 0.5 > /dev/null" 2> "$TMP/b.err" || fail "record B failed: $(cat "$TMP/b.err")"
wait $a || fail "record A failed: $(cat "$TMP/a.err")"
python3 - "$TMP" <<'PY' || exit 1
import json, sys
t = sys.argv[1]; bad = 0
mb = json.load(open(t + "/mb.json"))
res = {n: json.load(open(f"{t}/{n}.json"))["reps"][0] for n in ("a", "b")}
for n, rep in res.items():
    m, pf = rep["metrics"], rep["procfs"]["interrupts_delta"]; vec = m["ipi"]["hw_by_vector"]
    # enough CAL (membarrier) for the check to mean something; RES depends on the machine (a
    # wakeup of an idle CPU may go by the wake list, i.e. CAL: 19 RES in one CI run), so it
    # only has to match
    for row, ours, need in (("CAL", vec["call_function"] + vec["call_function_single"], 200), ("RES", vec["reschedule"], 0)):
        dev = abs(ours - pf[row]) / max(pf[row], 1)
        ok = pf[row] >= need and abs(ours - pf[row]) <= 0.02 * pf[row] + 2
        print(f"{'ok  ' if ok else 'FAIL'} record {n.upper()}: {row} lazytlb {ours} /proc {pf[row]} ({dev:.2%})"); bad += not ok
own, seen = mb["ops"], res["b"]["metrics"]["calls"]["membarrier"]
ok = own <= seen <= own * 1.02 + 10
print(f"{'ok  ' if ok else 'FAIL'} record B: membarrier calls {seen}, the workload's own {own}"); bad += not ok
sa = res["a"]["metrics"]["calls"]["membarrier"]
ok = sa >= own
print(f"{'ok  ' if ok else 'FAIL'} record A (covering B's window) saw {sa} membarrier calls >= {own}"); bad += not ok
sys.exit(1 if bad else 0)
PY
echo ok
