#!/usr/bin/env python3
"""make_result.py - write a schema-valid lazytlb result file (lazytlb-result/1)
for tests of `compare` and `plot`, without a kernel or root.

Every counter is given as a rate per second; each rep's count is
rate * duration * (1 + noise * N(0,1)) from a seeded RNG, so two files made
with different seeds look like two runs of the same scenario. Histograms are
lognormal samples put into lazytlb's log-linear buckets.

  make_result.py -o r.json [--seed N] [--reps 5] [--duration-s 10]
      [--kernel 6.1.0] [--arch x86_64] [--scheme refcount] [--nr-cpus 4]
      [--scenario ctxsw] [--workload ctxsw] [--threads 4]
      [--set PATH=RATE | PATH=V1,V2,...]  rate with noise, or exact per-rep counts
      [--scale PREFIX=F]    multiply every counter under PREFIX (metrics.ipi=2)
      [--hist NAME=MEDIAN[:SIGMA[:EVENTS_PER_S]]]   under metrics.hist
      [--null PATH]         the metric is unavailable (null) in every rep
      [--schema S]          write another schema string
      [--others-share F]    each rep's noise: others took F of the measured CPU time
PATH is dotted inside a rep (metrics.ipi.by_cause.tlb_flush).
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "checks"))
from ltcheck import schema_names  # the names come from the binary (lazytlb schema --json)
NAMES = schema_names()
CAUSES, STATES = NAMES["causes"], NAMES["states"]
# per-second rates of a busy 4-CPU context-switch workload; a name added since gets 0 (0.2)
FILTERS = {f: {"target-idle": 0.35, "target-lazy": 0.15, "curr-mm-differs": 0.45,
               "target-not-kernel": 0.3}.get(f, 0.2) for f in NAMES["filters"]}
BY_CAUSE = {c: {"tlb_flush": 2000, "membarrier": 10, "table_sync": 5, "resched": 1900,
                "other": 85}.get(c, 0) for c in CAUSES}
BY_STATE = {s: {"idle": 1500, "user": 1200, "kernel": 600, "lazy": 600, "nohz_full": 100}.get(s, 0)
            for s in STATES}
RATES = {
    "metrics.switch.user_to_user": 5000, "metrics.switch.user_to_kthread": 800,
    "metrics.switch.kthread_to_user": 800, "metrics.switch.kthread_to_kthread": 100,
    "metrics.switch.to_idle": 3000, "metrics.switch.from_idle": 3000,
    "metrics.lazy.grabs": 800, "metrics.lazy.drops": 800, "metrics.lazy.refcount_atomics": 1600,
    "metrics.lazy.handback.same_mm": 400, "metrics.lazy.handback.mm_count_ge2": 390,
    "metrics.lazy.handback.mm_count_le1": 10,
    "metrics.mmdrop.mmdrop": 50, "metrics.mmdrop.shoot_lazy_calls": 0,
    "metrics.mmdrop.shoot_lazy_ipis": 0, "metrics.mmdrop.exit_flush_lazy_calls": 0,
    "metrics.ipi.sent": 4000, "metrics.ipi.hw_ipis": 3000,
    "metrics.wakeups.idle_by_cause.tlb_flush": 500, "metrics.wakeups.idle_by_cause.resched": 1200,
    "metrics.wakeups.idle_by_cause.other": 50, "metrics.wakeups.nohz_full_by_cause.tlb_flush": 20,
    "metrics.wakeups.nohz_full_by_cause.resched": 10, "metrics.wakeups.idle_without_ipi": 300,
    "metrics.tlb_flush.by_reason.task_switch": 3000, "metrics.tlb_flush.by_reason.remote_shootdown": 2000,
    "metrics.tlb_flush.by_reason.local_shootdown": 500,
    "metrics.tlb_flush.by_reason.local_mm_shootdown": 100,
    "metrics.tlb_flush.by_reason.remote_send_ipi": 1000, "metrics.tlb_flush.by_reason.remote_wrong_cpu": 5,
    "procfs.interrupts_delta.TLB": 2000, "procfs.interrupts_delta.CAL": 1000,
    "procfs.interrupts_delta.RES": 1900,
    "workload.ops": 100000,
}
for c, v in BY_CAUSE.items():
    RATES["metrics.ipi.by_cause." + c] = v
    for s, w in BY_STATE.items():
        RATES["metrics.ipi.by_cause_state.%s.%s" % (c, s)] = v * w / 4000.0
for s, w in BY_STATE.items():
    RATES["metrics.ipi.by_target_state." + s] = w
for f, frac in FILTERS.items():
    base = "metrics.whatif.%s." % f
    RATES[base + "seen"] = 2000
    RATES[base + "skip"] = 2000 * frac
    RATES[base + "unknown"] = 10
    RATES[base + "race_exposed"] = 2
    for c in ("tlb_flush", "membarrier"):
        RATES[base + "by_cause.%s.seen" % c] = BY_CAUSE[c]
        RATES[base + "by_cause.%s.skip" % c] = BY_CAUSE[c] * frac

# name -> (unit, median, sigma, events per second)
HISTS = {
    "metrics.hist.flush_tlb_mm_range_ns": ("ns", 2000, 0.6, 300),
    "metrics.hist.ipi_latency_ns": ("ns", 1500, 0.5, 300),
    "metrics.hist.finish_task_switch_ns.lazy_drop": ("ns", 300, 0.4, 200),
    "metrics.hist.finish_task_switch_ns.other": ("ns", 200, 0.4, 300),
    "metrics.hist.nohz_interruption_ns": ("ns", 3000, 0.5, 50),
    "metrics.lazy.sharing": ("cpus", 2, 0.5, 100),
    "metrics.lazy.handback.mm_count": ("refs", 3, 0.3, 50),
}

# the binary that counts them: its own bucket and percentile maths, not a copy of it here
LAZYTLB = os.environ.get("LAZYTLB") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "lazytlb")


def make_hist(rng, unit, median, sigma, n):
    vals = [max(0, int(round(rng.lognormvariate(math.log(median), sigma)))) for _ in range(n)]
    out = subprocess.run([LAZYTLB, "schema", "--hist", unit], input=" ".join(map(str, vals)),
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def put(tree, path, value):
    keys = path.split(".")
    for k in keys[:-1]:
        nxt = tree.get(k)
        if not isinstance(nxt, dict):
            nxt = tree[k] = {}
        tree = nxt
    tree[keys[-1]] = value


def under(path, prefix):
    return path == prefix or path.startswith(prefix + ".")


def parse_kv(s, what):
    if "=" not in s:
        sys.exit("make_result.py: %s wants KEY=VALUE, not %r" % (what, s))
    return s.split("=", 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--duration-s", type=float, default=10.0)
    ap.add_argument("--noise", type=float, default=0.02)
    ap.add_argument("--kernel", default="6.1.0-test")
    ap.add_argument("--arch", default="x86_64")
    ap.add_argument("--scheme", default="refcount")
    ap.add_argument("--nr-cpus", type=int, default=4)
    ap.add_argument("--scenario", default="ctxsw")
    ap.add_argument("--workload", default="ctxsw")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--schema", default="lazytlb-result/1")
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--scale", action="append", default=[])
    ap.add_argument("--hist", action="append", default=[])
    ap.add_argument("--null", action="append", default=[])
    ap.add_argument("--others-share", type=float, default=None)
    a = ap.parse_args()
    rng = random.Random(a.seed)

    rates, exact, hists = dict(RATES), {}, dict(HISTS)
    for s in a.set:
        k, v = parse_kv(s, "--set")
        if "," in v:
            exact[k] = [int(x) for x in v.split(",")]
            if len(exact[k]) != a.reps:
                sys.exit("make_result.py: --set %s has %d values for %d reps" % (k, len(exact[k]), a.reps))
        else:
            rates[k] = float(v)
    for s in a.scale:
        k, v = parse_kv(s, "--scale")
        for p in rates:
            if under(p, k):
                rates[p] *= float(v)
    for s in a.hist:
        k, v = parse_kv(s, "--hist")
        p = "metrics.hist." + k
        parts = v.split(":")
        unit, med, sig, eps = hists.get(p, ("ns", 1000, 0.5, 200))
        med = float(parts[0])
        sig = float(parts[1]) if len(parts) > 1 else sig
        eps = float(parts[2]) if len(parts) > 2 else eps
        hists[p] = (unit, med, sig, eps)

    reps = []
    for r in range(a.reps):
        dur_ns = int(a.duration_s * 1e9 * (1 + 0.001 * rng.random()))
        secs = dur_ns / 1e9
        rep = {"duration_ns": dur_ns}
        for p, rate in rates.items():
            val = exact[p][r] if p in exact else max(0, round(rate * secs * (1 + a.noise * rng.gauss(0, 1))))
            put(rep, p, int(val))
        for p in exact:
            if p not in rates:
                put(rep, p, exact[p][r])
        for p, (unit, med, sig, eps) in hists.items():
            # events sampled, not counted at full rate: tests stay fast
            n = max(1, int(eps * min(secs, 2.0) * (1 + a.noise * rng.gauss(0, 1))))
            put(rep, p, make_hist(rng, unit, med, sig, n))
        sent = rep["metrics"]["ipi"]["sent"]
        per_cpu = [rng.random() + 0.5 for _ in range(a.nr_cpus)]
        rep["metrics"]["ipi"]["received_per_cpu"] = [int(sent * w / sum(per_cpu)) for w in per_cpu]
        rep["metrics"]["whatif"]["race_window_ns"] = 1000000
        rep["workload"]["ops_per_s"] = rep["workload"]["ops"] / secs
        for p in a.null:
            put(rep, p, None)
        if a.others_share is not None:
            cs = a.nr_cpus * secs
            rep["noise"] = {"others_cpu_s": a.others_share * cs, "others_cpu_share": a.others_share,
                            "own_cpu_s": (1 - a.others_share) * cs, "steal_s": 0.0, "steal_share": 0.0,
                            "other_interrupts": 100, "source": "make_result.py"}
        reps.append(rep)

    doc = {
        "schema": a.schema,
        "tool": {"version": "0.1.0", "git": "test"},
        "host": {"hostname": "testhost", "arch": a.arch, "cpu_model": "Test CPU", "nr_cpus": a.nr_cpus,
                 "online_cpus": "0-%d" % (a.nr_cpus - 1), "nohz_full": "", "isolcpus": "", "virt": "none"},
        "kernel": {"release": a.kernel, "cmdline": "quiet", "lazy_tlb_scheme": a.scheme,
                   "scheme_source": "config",
                   "config": {"CONFIG_MMU_LAZY_TLB_REFCOUNT": "y" if a.scheme == "refcount" else "n",
                              "CONFIG_MMU_LAZY_TLB_SHOOTDOWN": "y" if a.scheme == "shootdown" else "n",
                              "CONFIG_NO_HZ_FULL": "y"}},
        "probes": [{"name": "sched_switch", "mode": "tp_btf", "target": "sched_switch"}],
        "scenario": {"name": a.scenario, "workload": a.workload, "params": {"threads": a.threads},
                     "cpus": "0-%d" % (a.nr_cpus - 1), "duration_s": a.duration_s, "warmup_s": 1,
                     "reps": a.reps},
        "reps": reps,
        "overhead": {"programs": [{"name": "on_switch", "run_cnt": 1000, "run_time_ns": 50000}]},
    }
    tmp = a.output + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(tmp, a.output)


if __name__ == "__main__":
    main()
