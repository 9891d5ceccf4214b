#!/usr/bin/env bash
# Issue 6, nohz_full (the host cannot show it): debian-6.12-amd64 booted with nohz_full=1
# rcu_nocbs=1 (-smp 2), scenario nohz-full-victim: the clock-reading victim on CPU 1 while
# tlbflush and membarrier run on CPU 0 in the same process. Per rep:
#  - the result lists CPU 1 as nohz_full and reads context tracking (kallsyms);
#  - disturbances of CPU 1 by cause: membarrier > 0 and tlb_flush > 0, their sum equals the
#    count of the collector's nohz interruption histogram (the same IPIs, timed; 0.1%);
#  - the collector's IPIs received on CPU 1 match the guest's /proc/interrupts CAL + RES on
#    CPU 1 (within 2%), and nearly all of them (>= 90%) hit the victim in user mode;
#  - the victim's own interruption count agrees with what the collector attributes to CPU 1:
#    its IPI disturbances plus the other interrupts the guest counted on CPU 1 (/proc
#    interrupts: the residual tick). Under TCG the victim also sees the host stalling its
#    vCPU thread (preempted, blocked in qemu), which no guest-side counter can see: gaps of
#    1 ms and more are left out, shorter ones are not told apart. That noise only adds, so:
#    in every rep the attributed count is at most the victim's (+2%: nothing the collector
#    attributes is invisible to the victim), and in the quietest rep it is within
#    LT_NOHZ_TOL (default 10%) below. Measured: 2-6% on a quiet host, up to 29% in a rep
#    while the host was busy (a run of the suite failed so when every rep had to be within
#    10%); on a quiet host the victim's vCPU thread is switched out ~6400 times in an 18 s run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vm_lib.sh"
[ -x "$LAZYTLB" ] || skip "skipped: $LAZYTLB not built: run make"
k=debian-6.12-amd64
vm_prepared "$k" x86_64 || skip "skipped: $k image not built: run make vm-prepare"
"$LAZYTLB" vm run "$k" nohz-full-victim --nohz-full -o "$TMP/nz" --timeout 400 ||
	fail "$k --nohz-full: vm run failed (console: $(tail -n 3 "$TMP/nz/console.log" 2>/dev/null))"
python3 - "$TMP/nz/nohz-full-victim.json" "${LT_NOHZ_TOL:-0.10}" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1])); tol = float(sys.argv[2]); bad = 0
def no(msg):
    global bad
    print("  FAIL: " + msg); bad += 1
print(f"nohz_full={d['host']['nohz_full']!r} context_tracking={d['kernel'].get('context_tracking')} cmdline={d['kernel']['cmdline']!r}")
if d["host"]["nohz_full"] != "1": no("host.nohz_full is not '1'")
if d["kernel"].get("context_tracking") != "kallsyms": no("context tracking not read")
below = []
for i, r in enumerate(d["reps"]):
    w = r["workload"]["result"]; m = r["metrics"]
    by = m["wakeups"]["nohz_full_by_cause"]; dist = sum(by.values())
    h = m["hist"]["nohz_interruption_ns"]
    irq = r["procfs"]["interrupts_delta"]["per_cpu"]
    rx = m["ipi"]["received_per_cpu"][1]
    proc_ipi = irq["CAL"][1] + irq["RES"][1]
    proc_all = irq["ALL"][1]
    victim = w["counters"]["interruptions"]
    host_gaps = sum(b[2] for b in w["interruption_ns"]["buckets"] if b[0] >= 1000000)
    v = victim - host_gaps
    attributed = dist + (proc_all - proc_ipi)
    print(f"rep {i}: victim on CPU {w['victim_cpu']}: {victim} interruptions ({host_gaps} of >= 1 ms left out);"
          f" collector: {dist} disturbances {by}, histogram {h['count']}, IPIs received {rx};"
          f" /proc/interrupts CPU 1: CAL+RES {proc_ipi}, all {proc_all} (LOC {irq['LOC'][1]});"
          f" attributed {attributed} vs victim {v}: {100.0 * (attributed - v) / max(v, 1):+.1f}%")
    if w["victim_cpu"] != 1: no("victim not on CPU 1")
    if [x["workload"] for x in w["with"]] != ["tlbflush", "membarrier"] or any(x["cpus"] != "0" for x in w["with"]):
        no("tlbflush + membarrier not on CPU 0")
    if not by["membarrier"] or not by["tlb_flush"]: no("no membarrier or tlb_flush disturbance of CPU 1")
    # the same events, read at the rep's end while the programs run: a few may straddle it
    if abs(h["count"] - dist) > 2 + 0.001 * dist: no("histogram count != disturbances by cause")
    if abs(rx - proc_ipi) > 0.02 * max(proc_ipi, 1) + 1: no(f"IPIs received on CPU 1 {rx} vs /proc/interrupts {proc_ipi}")
    if dist < 0.9 * rx: no("fewer than 90% of the IPIs to CPU 1 counted as disturbances of the user-mode victim")
    if attributed > v * 1.02 + 2: no(f"collector attributes {attributed}, more than the victim saw ({v})")
    below.append((v - attributed) / max(v, 1))
if below and min(below) > tol: no(f"victim vs attributed: even the quietest rep is {min(below):.1%} apart (> {tol:.0%})")
sys.exit(1 if bad else 0)
PY
echo "ok"
