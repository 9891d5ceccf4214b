#!/usr/bin/env bash
# run.sh: alone (shares of a vCPU's time in the guest are compared: another guest beside it skews them)
# nohz_full (the host cannot show it), two runs: debian-6.12-amd64 booted with nohz_full=1 rcu_nocbs=1
# (-smp 2), scenario nohz-full-victim: the clock-reading victim on CPU 1 while tlbflush and
# membarrier (paced, with.rate) run on CPU 0 in the same process. Every bound below comes from
# counters of the same rep, none from a constant tuned on one host (under TCG one IPI
# costs the guest 5-100 us depending on the host). Per rep:
#  - the guest's clocksource stayed tsc (a watchdog switch to hpet turns every clock read into
#    a syscall: the victim then lives in the kernel; `vm run` boots x86 with tsc=reliable);
#  - disturbances of CPU 1 by cause: membarrier > 0 and tlb_flush > 0, their sum equals the
#    count of the collector's nohz interruption histogram (the same IPIs, timed; 0.1%);
#  - the collector's IPIs received on CPU 1 match the guest's /proc/interrupts CAL + RES on
#    CPU 1 (within 2%);
#  - the share of those IPIs that found the victim in user mode is at least 1 - f, where f is
#    the share of the rep CPU 1 spent in IPI handlers (the histogram's sum over the rep's
#    length: an IPI raised while the victim handles another finds it in the kernel), less 3%;
#  - the victim saw every interruption the collector timed: for each duration X from the
#    victim's (calibrated) threshold up, the victim's gaps >= X are at least the collector's
#    IPI handler spans >= X (a span lies inside the gap it causes; 2% + 2 for two IPIs that
#    land in one gap). The converse does not hold under TCG: qemu adds gaps of its own (about
#    one per membarrier call here) that no guest counter sees.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vm_lib.sh"
[ -x "$LAZYTLB" ] || skip "skipped: $LAZYTLB not built: run make"
k=debian-6.12-amd64
vm_prepared "$k" x86_64 || skip "skipped: $k image not built: run make vm-prepare"
# one boot, one `lazytlb run` of both scenarios (a collector load under TCG costs seconds)
"$LAZYTLB" vm run "$k" nohz-full-victim --nohz-full -o "$TMP/nz" --timeout 400 -- nohz-kernel-ipis ||
	fail "$k --nohz-full: vm run failed (console: $(tail -n 3 "$TMP/nz/console.log" 2>/dev/null))"
python3 - "$TMP/nz/nohz-full-victim.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1])); bad = 0
def no(msg):
    global bad
    print("  FAIL: " + msg); bad += 1
def at_least(buckets, x):
    return sum(b[2] for b in buckets if b[0] >= x)
print(f"nohz_full={d['host']['nohz_full']!r} context_tracking={d['kernel'].get('context_tracking')} cmdline={d['kernel']['cmdline']!r}")
if d["host"]["nohz_full"] != "1": no("host.nohz_full is not '1'")
if d["kernel"].get("context_tracking") != "kallsyms": no("context tracking not read")
for i, r in enumerate(d["reps"]):
    w = r["workload"]["result"]; m = r["metrics"]
    by = m["wakeups"]["nohz_full_by_cause"]; dist = sum(by.values())
    h = m["hist"]["nohz_interruption_ns"]
    irq = r["procfs"]["interrupts_delta"]["per_cpu"]
    rx = m["ipi"]["received_per_cpu"][1]
    proc_ipi = irq["CAL"][1] + irq["RES"][1]
    f = h["sum"] / max(r["duration_ns"], 1)
    print(f"rep {i}: victim on CPU {w['victim_cpu']}: {w['counters']['interruptions']} gaps > {w['threshold_ns']} ns"
          f" ({w['threshold_source']}; one read p50 {w['read_ns_p50']} ns, clocksource {w['clocksource_start']}"
          f" -> {w['clocksource_end']}); with ops {[x['ops'] for x in w['with']]};"
          f" collector: {dist} disturbances {by}, histogram {h['count']} ({100 * f:.2f}% of the rep),"
          f" IPIs received {rx}; /proc/interrupts CPU 1: CAL+RES {proc_ipi}")
    if w["victim_cpu"] != 1: no("victim not on CPU 1")
    if [x["workload"] for x in w["with"]] != ["tlbflush", "membarrier"] or any(x["cpus"] != "0" for x in w["with"]):
        no("tlbflush + membarrier not on CPU 0")
    if w["clocksource_start"] != "tsc" or w["clocksource_end"] != "tsc":
        no(f"guest clocksource {w['clocksource_start']} -> {w['clocksource_end']}, not tsc: clock reads are syscalls")
    if not by["membarrier"] or not by["tlb_flush"]: no("no membarrier or tlb_flush disturbance of CPU 1")
    # the same events, the histogram zeroed just before the counters' base read and read just
    # after their end read, while the programs run: the IPIs between count in the histogram
    # only (CPU 1 takes ~1 per ms here; under a loaded CI host, 971 against 968)
    if abs(h["count"] - dist) > 2 + 0.005 * dist: no("histogram count != disturbances by cause")
    if abs(rx - proc_ipi) > 0.02 * max(proc_ipi, 1) + 1: no(f"IPIs received on CPU 1 {rx} vs /proc/interrupts {proc_ipi}")
    if dist < (1 - f - 0.03) * rx - 5:
        no(f"{dist} of {rx} IPIs to CPU 1 found the victim in user mode, expected >= {1 - f - 0.03:.1%}")
    vb, cb = w["interruption_ns"]["buckets"], h["buckets"]
    for x in sorted({b[0] for b in cb if b[0] >= w["threshold_ns"]}):
        v, c = at_least(vb, x), at_least(cb, x)
        if v < 0.98 * c - 2: no(f"victim saw {v} gaps >= {x} ns, the collector timed {c} IPI handlers that long")
sys.exit(1 if bad else 0)
PY
# defer-to-kernel-entry: the same guest, the victim on CPU 1 while CPU 0 loads,
# attaches, detaches and unloads a BPF program (its tracepoint's static key flips: x86
# text_poke_sync IPIs every CPU) and churns vmalloc (4 MiB BPF maps: lazy purges flush kernel
# ranges on every CPU). Those IPIs are about kernel addresses
# only: the filter skips each one that finds the nohz_full victim in user mode, i.e. the
# disturbances of CPU 1 by those causes, and nothing of any other cause. Each skip starts a delay
# that ends at CPU 1's next kernel entry: at most one per skip, none longer than the rep.
python3 - "$TMP/nz/nohz-kernel-ipis.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1])); bad = 0
def ok(c, msg):
    global bad
    print(("ok   " if c else "FAIL ") + msg); bad += not c
kern = ("text_patching", "kernel_tlb_flush")
kt = ks = 0
for i, r in enumerate(d["reps"]):
    m = r["metrics"]; w = m["whatif"]["defer-to-kernel-entry"]; bc = w["by_cause"]
    dist = m["wakeups"]["nohz_full_by_cause"]; h = w["delay_ns"]
    skip = sum(bc[c]["skip"] for c in kern); victim = sum(dist[c] for c in kern)
    print(f"rep {i}: kernel-only IPIs {[m['ipi']['by_cause'][c] for c in kern]}, disturbances of the victim {[dist[c] for c in kern]},"
          f" defer skip {[bc[c]['skip'] for c in kern]}, delays {h['count']} (max {h['max']} ns)")
    ok(dist["text_patching"] > 0, f"rep {i}: text_patching IPIs disturbed the victim ({dist['text_patching']})")
    kt += dist["kernel_tlb_flush"]; ks += m["ipi"]["by_cause"]["kernel_tlb_flush"]
    ok(abs(skip - victim) <= 0.05 * victim + 3, f"rep {i}: defer skip {skip} = kernel-only disturbances {victim}")
    others = sum(v["skip"] + v["kept_on_purpose"] for c, v in bc.items() if c not in kern)
    ok(others == 0, f"rep {i}: nothing of another cause deferred ({others})")
    # in user mode or idle there (a rep's first moments find the victim's CPU idle at times)
    ok(w["skip_nohz_full"] + w["skip_idle"] == skip,
       f"rep {i}: every deferred IPI was to the nohz_full CPU in user mode ({w['skip_nohz_full']}) or idle ({w['skip_idle']}) of {skip}")
    ok(1 <= h["count"] <= skip, f"rep {i}: {h['count']} delays, one per batch of deferred IPIs (<= {skip})")
    ok(h["max"] <= r["duration_ns"] + 1e9, f"rep {i}: longest delay {h['max']} ns within the rep (+1 s warmup)")
# a purge waits for 64 MiB of lazily freed vmalloc on 2 CPUs (lazy_max_pages, mm/vmalloc.c
# 6.12) and IPIs every CPU: 1 in a whole quiet run here, none in a loaded host's slower churn.
# So: where the run sent any, they disturbed the victim (its CPU is always among them).
ok(kt > 0 or ks == 0, f"kernel_tlb_flush IPIs disturbed the victim in the run ({kt} of {ks} sent)")
sys.exit(1 if bad else 0)
PY
echo "ok"
