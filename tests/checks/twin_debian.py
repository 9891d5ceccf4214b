#!/usr/bin/env python3
# tests/checks/twin_debian.py TWIN_DIR DEBIAN_DIR SCENARIOS SAME DIFFERENT WHATIF: a custom
# kernel's unpatched twin against the Debian kernel of the same version, on SCENARIO.json of
# each dir (`lazytlb run`, several reps). Per workload op (TCG speed differs between boots):
#  - SAME (causes, blank-separated): IPIs per op of each cause, and WHATIF (FILTER:CAUSE, those
#    on a cause not in DIFFERENT) the targets per op the patch may drop (the what-if's skips and
#    unknowns: how many of the unknowns were kernel threads on the mm is timing, and moved the
#    skips alone by 0.08/op between two runs) show no significant difference: the 95% Welch interval of the
#    difference of the means contains 0, or the difference is under 10% of the Debian mean
#    (+ 0.05/op: TCG's timing moves a few IPIs);
#  - DIFFERENT: causes the twin's own patches change (the x86 twin's shootdown scheme against
#    Debian's refcount: shoot_lazy): the same test must see a difference there, so a check
#    that passes could also have failed.
# A cause that neither kernel sent in any scenario is reported, not judged.
import math, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ltcheck import Checks, load

# Student t 97.5% quantiles, df 1..30 (beyond: 1.96)
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042]

def per_op(d, value):
    """value(metrics) / workload ops, one per rep with ops"""
    return [value(r["metrics"]) / r["workload"]["ops"] for r in d["reps"] if r["workload"]["ops"]]

def welch(a, b):
    """(mean a - mean b, half width of its 95% interval); None without 2 reps each"""
    if len(a) < 2 or len(b) < 2:
        return None
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    va = sum((x - ma) ** 2 for x in a) / (len(a) - 1) / len(a)
    vb = sum((x - mb) ** 2 for x in b) / (len(b) - 1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return ma - mb, 0.0
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    t = T975[min(int(df), 30) - 1] if df >= 1 else T975[0]
    return ma - mb, (t if df < 31 else 1.96) * se

def differs(a, b):
    """(differs, text): a the twin's per-op values, b Debian's"""
    w = welch(a, b)
    if w is None:
        return None, f"too few reps ({len(a)}, {len(b)})"
    diff, hw = w
    mb = sum(b) / len(b)
    sig = abs(diff) > hw and abs(diff) > 0.1 * abs(mb) + 0.05
    return sig, f"twin {sum(a) / len(a):.3f}/op, Debian {mb:.3f}/op, difference {diff:+.3f} [{diff - hw:+.3f}, {diff + hw:+.3f}]"

def main():
    tdir, ddir, scns, same, different, whatif = sys.argv[1:7]
    ck = Checks()
    seen = {}
    for scn in scns.split():
        t, d = load(f"{tdir}/{scn}.json"), load(f"{ddir}/{scn}.json")
        ck.ok(f"{scn}: twin {t['kernel']['release']}, Debian {d['kernel']['release']}: same major.minor",
              t["kernel"]["release"].split(".")[:2] == d["kernel"]["release"].split(".")[:2])
        rows = [(c, lambda m, c=c: m["ipi"]["by_cause"][c], True) for c in same.split()]
        rows += [(c, lambda m, c=c: m["ipi"]["by_cause"][c], False) for c in different.split()]
        for fc in whatif.split():
            f, c = fc.split(":")
            if c in different.split():
                continue  # the twin's own patch moves that cause: no prediction to compare
            rows.append((f"{f} skip + unknown on {c}", lambda m, f=f, c=c: m["whatif"][f]["by_cause"][c]["skip"]
                         + m["whatif"][f]["by_cause"][c]["unknown"], True))
        for name, val, want_same in rows:
            a, b = per_op(t, val), per_op(d, val)
            if not any(a) and not any(b):
                print(f"--   {scn} {name}: none on either kernel")
                continue
            sig, text = differs(a, b)
            if sig is None:
                ck.ok(f"{scn} {name}: {text}", False)
            elif want_same:
                ck.ok(f"{scn} {name}: no significant difference: {text}", not sig)
            else:
                print(f"--   {scn} {name}: {'differs' if sig else 'no significant difference'}: {text}")
                seen[name] = seen.get(name, 0) + bool(sig)
    for c in different.split():
        ck.ok(f"{c}: the twin's own change is seen as a difference in some scenario", seen.get(c, 0) > 0)
    ck.done()

main()
