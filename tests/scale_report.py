#!/usr/bin/env python3
# tests/scale_report.py OUT N...: the table, ratios and plot of make bench-scale (see
# tests/bench-scale.sh) from OUT/smpN/{idle-lazy,tlbflush}{,-empty}.json.
import json, os, shutil, subprocess, sys

out, cpus = sys.argv[1], [int(n) for n in sys.argv[2:]]
MIN_EVENTS = 200  # fewer events than that at some CPU count: too noisy to read a shape from


def cost(n, empty):
    """program -> [run_cnt, run_time_ns] over both workloads of the n-CPU guest"""
    acc = {}
    for w in ("idle-lazy", "tlbflush"):
        d = json.load(open(f"{out}/smp{n}/{w}{'-empty' if empty else ''}.json"))
        assert d["host"]["nr_cpus"] == n, f"smp{n}/{w}: the guest had {d['host']['nr_cpus']} CPUs"
        for p in d["overhead"]["programs"]:
            a = acc.setdefault(p["name"], [0, 0])
            a[0] += p["run_cnt"]; a[1] += p["run_time_ns"]
    return acc


full = {n: cost(n, False) for n in cpus}
empty = {n: cost(n, True) for n in cpus}
progs = [p for p in full[cpus[0]] if all(full[n].get(p, [0])[0] >= MIN_EVENTS for n in cpus)]
progs.sort(key=lambda p: -full[cpus[-1]][p][0])
ns = lambda t, n, p: t[n][p][1] / t[n][p][0] if t[n].get(p, [0])[0] else float("nan")

lines = [f"# ns per event of each BPF program, 1 guest per CPU count ({os.environ.get('KERNEL', 'debian-6.12-amd64')}, TCG)", "",
         "Workloads idle-lazy and tlbflush, summed; `empty` = the same hook with an empty program.",
         f"Programs with >= {MIN_EVENTS} events at every CPU count. growth = ns/event at {cpus[-1]} CPUs / at {cpus[0]}.",
         "Under TCG the vCPUs are threads sharing the host's CPUs: a program the host preempts mid-run is",
         "charged the wait, so programs of 10 us or more grow with oversubscription (tlbflush keeps every",
         "vCPU busy), not with sharing; the hot, short programs are the flatness test.", "",
         "| program | events at " + str(cpus[-1]) + " | " + " | ".join(f"{n} CPU{'s' if n > 1 else ''}" for n in cpus)
         + " | growth | empty growth |", "|" + " --- |" * (len(cpus) + 4)]
for p in progs:
    f = [ns(full, n, p) for n in cpus]
    e = [ns(empty, n, p) for n in cpus]
    eg = f"{e[-1] / e[0]:.2f}x" if e[0] == e[0] and e[-1] == e[-1] and e[0] > 0 else "-"
    lines.append(f"| {p} | {full[cpus[-1]][p][0]} | " + " | ".join(f"{v:.0f}" for v in f) + f" | {f[-1] / f[0]:.2f}x | {eg} |")
lines += ["", "![ns per event against CPUs](scale.png)", ""]
open(f"{out}/scale.md", "w").write("\n".join(lines))
print("\n".join(lines[:len(progs) + 7]))

# the plot: the hottest programs, one line each (plots/scaling.gp)
with open(f"{out}/scale.dat", "w") as d:
    for p in progs[:8]:
        d.write(f'CPUs "{p}" sd\n')
        for n in cpus:
            d.write(f"{n} {ns(full, n, p):.1f} 0\n")
        d.write("\n\n")
if shutil.which("gnuplot"):
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "plots")
    for f in ("common.gp", "scaling.gp"):
        shutil.copy(os.path.join(here, f), out)
    v = (f"W=900; H=520; OUT='scale'; DATA='scale.dat'; N={min(8, len(progs))}; "
         f"TITLE='lazytlb BPF programs: ns per event against CPUs (TCG guest)'; XLABEL='CPUs'; YLABEL='ns per event'")
    r = subprocess.run(["gnuplot", "-e", v, "scaling.gp"], cwd=out, capture_output=True, text=True)
    print(f"plot: {out}/scale.svg, {out}/scale.png" if r.returncode == 0 else f"gnuplot failed: {r.stderr[-300:]}")
