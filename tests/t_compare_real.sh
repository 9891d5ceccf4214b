#!/usr/bin/env bash
# t_compare_real.sh - compare and plot real results: two `lazytlb record`
# files (whatever this kernel can measure must load, compare and show the
# headline; what it cannot must read n/a, not 0), then two 3-rep
# `lazytlb run` files. Skips without root or a working record.
. "$(dirname "$0")/lib.sh"
need_root
[ -x "$LAZYTLB" ] || fail "$LAZYTLB not built"
cd "$TMP"

for i in 1 2; do
	if ! timeout 120 "$LAZYTLB" record -q -d 1 --whatif -o rec$i.json >rec.log 2>&1; then
		skip "lazytlb record does not work here: $(tail -n 1 rec.log)"
	fi
done

"$LAZYTLB" compare rec1.json rec2.json >out 2>err || fail "compare exit $?: $(cat err)"
grep -q 'rec1.json: 1 rep' err || fail "no warning about 1 rep: $(cat err)"
grep -q 'metrics.lazy.refcount_atomics' out || fail "no refcount row"
grep -q 'kernel.lazy_tlb_scheme' out || fail "no scheme row"

# every null in the files is n/a in the comparison, never a number
"$LAZYTLB" compare --json rec1.json rec2.json >cmp.json 2>/dev/null || fail "compare --json"
python3 - rec1.json cmp.json <<'EOF' || fail "a null metric is shown as a number"
import json, sys
rec, cmp = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
nulls = []
def walk(node, path):
    if node is None:
        nulls.append(path)
    elif isinstance(node, dict) and "buckets" not in node:
        for k, v in node.items():
            walk(v, path + "." + k)
walk(rec["reps"][0]["metrics"], "metrics")
rows = {r["metric"]: r for s in cmp["sections"] for r in s["rows"]}
for p in nulls:
    for m, r in rows.items():
        if m == p or m.startswith(p + ".") or m.startswith(p + " "):
            assert r["values"][0]["status"] == "probe unavailable", (m, r["values"][0])
print(len(nulls), "null metrics checked")
EOF
# multi-rep results from `lazytlb run`: Welch's test gets real spreads to work on
for d in A B; do
	timeout 300 "$LAZYTLB" run ctxsw -r 3 -d 1 -w 0 -q -o run$d >run.log 2>&1 ||
		fail "lazytlb run works for record but failed: $(tail -n 1 run.log)"
done
"$LAZYTLB" compare --json runA/ctxsw.json runB/ctxsw.json >runs.json 2>err || fail "compare runs: $(cat err)"
# the only warning allowed: that the machine's other work differed between the runs (noise)
grep -v "other work" err > err2
[ -s err2 ] && fail "compare of two 3-rep runs of one scenario warned: $(cat err2)"
python3 - runs.json err <<'EOF' || fail "run comparison lacks p-values"
import json, sys
c = json.load(open(sys.argv[1]))
busy = "other work" in open(sys.argv[2]).read()
rows = {r["metric"]: r for s in c["sections"] for r in s["rows"]}
r = rows["metrics.switch.kthread_to_user"]
assert r["values"][0]["n"] == 3 and r["values"][1]["n"] == 3, r["values"]
assert r["changes"][0]["p_value"] is not None, r["changes"]
tested = [r for r in rows.values() if r["test"] and r["changes"] and r["changes"][0]["p_value"] is not None]
print(len(tested), "of", len(rows), "rows tested")
# two runs of one kernel, back to back: no row may be marked (hundreds of rows at
# p < 0.05 used to mark ~5% by chance, and KS over merged events marked run-to-run drift)
sig = [(m, r["changes"][0]["change_pct"], r["changes"][0]["q_value"]) for m, r in rows.items()
       if r["changes"] and r["changes"][0]["significant"]]
# ... except, beside other work (compare warned), the IPIs by target state: what the target CPU
# was doing is where the other work ran, which moves between runs (a CPU hog: resched IPIs to
# targets in kernel mode -100%, p 8e-10); compare's noise bound scales with the others' CPU
# share, not with where it ran (docs/compare.md)
if busy:
    moved = [x for x in sig if ".by_cause_state." in x[0]]
    print(f"beside other work: {len(moved)} target-state rows marked, not counted: {moved}")
    sig = [x for x in sig if x not in moved]
raw = sum(1 for r in tested if r["changes"][0]["p_value"] < 0.05)
print(f"same kernel, same scenario: {len(sig)} rows marked significant ({raw} with raw p < 0.05)")
assert not sig, sig
EOF
# and a change made by construction is still found among all those rows: 4x the membarrier
# call rate (the workload paces its calls): the calls lazytlb saw, +300%, marked. 5 reps a
# side: with 3, Welch's test has 2 degrees of freedom when the slow side is paced exactly, and
# a CI run beside the other tests drew p 0.00042, q 0.071 over ~870 rows (not marked)
timeout 300 "$LAZYTLB" run membarrier -r 5 -d 1 -w 0 -q --sweep rate=400..1600:1200 -o mb >run.log 2>&1 ||
	fail "run membarrier --sweep rate: $(tail -n 1 run.log)"
"$LAZYTLB" compare --json mb/membarrier-rate-400.json mb/membarrier-rate-1600.json >mb.json 2>/dev/null ||
	fail "compare mb: $(ls mb)"
python3 - mb.json mb <<'EOF' || fail "a 4x membarrier call rate is not marked significant"
import json, sys
c = json.load(open(sys.argv[1]))
rows = {r["metric"]: r for s in c["sections"] for r in s["rows"]}
# The workload's own rate is the truth. Where every rep kept its pace (within 5%) the
# construction held: +300%, marked. Beside CPU hogs a rep may fall short (+187% once, and a
# noisy side, p 0.0048): then the calls lazytlb saw must still change as much as the
# workload's own rate, and be marked exactly when it is.
def rates(rate):
    d = json.load(open(f"{sys.argv[2]}/membarrier-rate-{rate}.json"))
    return [r["workload"]["ops"] / (r["duration_ns"] / 1e9) for r in d["reps"]]
held = all(abs(v - t) <= 0.05 * t for t in (400, 1600) for v in rates(t))
x = {m: rows[m]["changes"][0] for m in ("metrics.calls.membarrier", "workload.ops_per_s")}
for m, v in x.items():
    print(f"membarrier rate 400 -> 1600: {m} {v['change_pct']:+.1f}% p {v['p_value']:.2g} q {v['q_value']:.2g}"
          f" (every rep at its pace: {held})")
calls, ops = x["metrics.calls.membarrier"], x["workload.ops_per_s"]
assert abs(calls["change_pct"] - ops["change_pct"]) <= 5, x
assert calls["significant"] == ops["significant"], x
if held:
    assert calls["significant"] and 250 < calls["change_pct"] < 350, x
EOF
if command -v gnuplot >/dev/null && command -v xmllint >/dev/null; then
	"$LAZYTLB" plot -o plots runA/ctxsw.json runB/ctxsw.json 2>err || fail "plot of real runs: $(cat err)"
	for f in plots/*.svg; do xmllint --noout "$f" || fail "$f does not parse"; done
	[ -s plots/ipi_by_cause.png ] && [ -s plots/report.md ] || fail "plot of real runs: missing output"
fi
echo "t_compare_real: passed"
