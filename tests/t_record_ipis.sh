#!/usr/bin/env bash
# Issue 2 check: under `lazytlb record -- <workload>` with TLB-shootdown,
# membarrier and cross-CPU wakeup traffic between two threads on two CPUs, the
# IPIs the collector counts match the independent /proc/interrupts deltas
# (CAL, TLB, RES) within 2%; membarrier(2) calls match the workload's own count.
# A user-mode spinner shares CPU 1 with ctxsw during its phase: wakeups of a
# busy CPU preempt through reschedule IPIs (RES); wakeups of an idle one go
# through the wake list (CAL) or none at all (polling idle).
. "$(dirname "$0")/lib.sh"
need_root
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
W="$LAZYTLB workload"
"$LAZYTLB" record -q -o "$TMP/r.json" -- sh -c "
  $W tlbflush -C 0-1 -t 2 -d 1.5 -p others=busy --json > $TMP/tlb.json &&
  $W membarrier -C 0-1 -t 2 -d 1.5 -p others=busy --json > $TMP/mb.json &&
  { timeout 1.5 taskset -c 1 sh -c 'while :; do :; done' & } &&
  $W ctxsw -C 0-1 -t 2 -d 1 --json > $TMP/cs.json" || fail "record failed"
python3 - "$TMP" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1] + "/r.json"))
mb = json.load(open(sys.argv[1] + "/mb.json"))
rep = d["reps"][0]; m = rep["metrics"]; pf = rep["procfs"]["interrupts_delta"]
vec = m["ipi"]["hw_by_vector"]
checks = [
  ("CAL", vec["call_function"] + vec["call_function_single"], pf["CAL"]),
  ("TLB", m["ipi"]["tlb_remote_flush_received"], pf["TLB"]),
  ("RES", vec["reschedule"], pf["RES"]),
]
bad = 0
for name, ours, theirs in checks:
    dev = abs(ours - theirs) / max(theirs, 1)
    print(f"{name}: lazytlb {ours} /proc/interrupts {theirs} deviation {dev*100:.2f}%")
    if theirs < 200: print(f"  too few {name} IPIs for a meaningful check"); bad += 1
    if dev > 0.02: print(f"  {name} off by more than 2%"); bad += 1
# per CPU too: every CPU's CAL
for cpu, theirs in enumerate(pf["per_cpu"]["CAL"]):
    print(f"CAL cpu{cpu}: /proc {theirs}")
# membarrier: our syscall count vs the workload's own count (machine-wide >= own)
own = mb["ops"]; seen = m["calls"]["membarrier"]
print(f"membarrier calls: workload {own}, lazytlb {seen}; membarrier IPIs {m['ipi']['by_cause']['membarrier']}")
if not (own <= seen <= own * 1.02 + 10): print("  membarrier call count disagrees"); bad += 1
# cause attribution, checked sender side against receiver side: calls queued
# for another CPU (csd_queue_cpu) vs calls run for another CPU (csd_function_entry)
for cause in ("tlb_flush", "membarrier"):
    sent = m["ipi"]["by_cause"][cause]; run = m["ipi"]["remote_calls_by_cause"][cause]
    print(f"{cause}: queued {sent}, executed remotely {run}")
    if sent < 200: print(f"  too few {cause} IPIs"); bad += 1
    if abs(sent - run) > max(2, 0.02 * sent): print(f"  {cause}: queued and executed disagree"); bad += 1
sys.exit(1 if bad else 0)
PY
