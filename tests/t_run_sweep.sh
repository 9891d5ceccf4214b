#!/usr/bin/env bash
# `lazytlb run ctxsw --sweep threads=2..4:2`: one result per point, each saying its
# point (scenario.sweep, scenario.threads) and run with that many threads (the workload's own
# result), then DIR/plots/report.md with the refcount-atomics scaling plot over those points.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
"$LAZYTLB" run ctxsw --sweep threads=2..4:2 -r 2 -d 0.5 -w 0 -q -o "$TMP/sw" > "$TMP/out" 2>&1 ||
	fail "run --sweep failed: $(tail -n 3 "$TMP/out")"
python3 - "$TMP/sw" <<'PY' || fail "sweep results wrong"
import json, sys
d = sys.argv[1]
for t in (2, 4):
    r = json.load(open(f"{d}/ctxsw-threads-{t}.json"))
    s = r["scenario"]
    assert s["sweep"] == f"threads={t}" and s["threads"] == t, s
    wl = r["reps"][0]["workload"]["result"]
    assert wl["threads"] == t, f"the workload ran {wl['threads']} threads, not {t}"
    print(f"threads={t}: workload ran {wl['threads']} threads, {r['reps'][0]['workload']['ops_per_s']:.0f} ops/s")
PY
grep -q 'refcount_atomics_scaling' "$TMP/sw/plots/report.md" || fail "no scaling plot in the sweep's report"
[ "$(grep -vc '^#' "$TMP/sw/plots/refcount_atomics_scaling.dat" | head -n 1)" -ge 2 ] || fail "scaling data: fewer than 2 points"
grep -q '^## Comparison: scenario `ctxsw`' "$TMP/sw/plots/report.md" || fail "the points are not compared as one scenario"
echo "ok: 2 points, scaling plot, one comparison"
