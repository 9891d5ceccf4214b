#!/usr/bin/env python3
# tests/checks/scale.py OUT N GEN SPIN: the oracles of tests/t_vm_scale.sh on the files its
# guest left in OUT (r.json: one `record --whatif` of TLB flushes, then private expedited
# membarriers, from CPU GEN to a user-mode spinner of the same mm on CPU SPIN, N vCPUs, the
# rest idle; tlb.json and mb.json: the workloads' own counts). Either arch:
#  - IPIs by lazytlb vs the guest's /proc/interrupts within 2%: x86 CAL and TLB; powerpc the
#    IPI line + DBL (one muxed interrupt, every cause); per CPU on GEN and SPIN the IPIs seen
#    arriving vs that CPU's column (x86 CAL + RES, powerpc IPI + DBL);
#  - calls queued = calls run remotely, per cause; membarrier calls = the workload's;
#  - TLB flushes: x86 remote flushes classified, unknown <= 5%, >= 90% by IPI (TCG: no
#    hypervisor flush); powerpc by broadcast tlbie, no IPI (radix_tlb.c 6.12
#    flush_type_needed(): GLOBAL while another CPU is in mm_cpumask): global tlbie >= the zaps;
#  - what-if membarrier: 6.12 membarrier_private_expedited() (kernel/sched/membarrier.c) looks
#    at every other online CPU once per call and IPIs only those whose rq->curr->mm is the
#    caller's, so per call it leaves out the N - 2 idle CPUs: kernel_skipped (target-lazy +
#    curr-mm-differs) = calls x (N - 2) within 2%, and skipped + IPIs = calls x (N - 1).
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ltcheck import Checks, load

out, n, gen, spin = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
# the fewest calls for a check to mean something (LT_SCALE_MIN): under single-threaded TCG
# every IPI waits for its target's turn; x86 at 132 vCPUs makes ~94 membarriers and ~110 flushes
# in 2 s beside a loaded host, ppc64le ~48 membarriers and 4 munmaps of 64 KiB
MIN = int(os.environ.get("LT_SCALE_MIN", "50"))
d = load(f"{out}/r.json"); mb = load(f"{out}/mb.json"); tl = load(f"{out}/tlb.json")
rep = d["reps"][0]; m = rep["metrics"]; pf = rep["procfs"]["interrupts_delta"]; edge = rep["procfs"]["edge_ipis"]
x86 = pf.get("CAL") is not None
ck = Checks()
ck.ok(f"the result covers {n} CPUs ({d['host']['arch']})", d["host"]["nr_cpus"] == n, f"host.nr_cpus {d['host']['nr_cpus']}")
near = lambda a, b: a is not None and b is not None and abs(a - b) <= 0.02 * b + 2 + edge
ip = m["ipi"]
if x86:
    vec = ip["hw_by_vector"]
    cal = vec["call_function"] + vec["call_function_single"]
    tlb = ip["tlb_remote_flush_received"] + (ip.get("tlb_local_runs") or 0)
    ck.ok(f"CAL lazytlb {cal} vs /proc/interrupts {pf['CAL']}", pf["CAL"] >= 2 * MIN and near(cal, pf["CAL"]))
    ck.ok(f"TLB lazytlb {tlb} vs /proc/interrupts {pf['TLB']}", pf["TLB"] >= 2 * MIN and near(tlb, pf["TLB"]))
    cols = ("CAL", "RES")
else:
    dl = sum((ip.get("delivered_by_cause") or {}).values())
    proc = (pf.get("IPI") or 0) + (pf.get("DBL") or 0)
    ck.ok(f"IPIs delivered lazytlb {dl} vs /proc/interrupts IPI+DBL {proc}", proc >= 2 * MIN and near(dl, proc))
    cols = ("IPI", "DBL")
# per CPU past 64 and past 128
rcv = ip["received_per_cpu"] or []
col = lambda cpu: sum((pf["per_cpu"].get(c) or [0] * (cpu + 1))[cpu] for c in cols)
for cpu in (gen, spin):
    ck.ok(f"CPU {cpu}: IPIs received lazytlb {rcv[cpu] if cpu < len(rcv) else None} vs /proc {'+'.join(cols)} {col(cpu)}",
          cpu < len(rcv) and near(rcv[cpu], col(cpu)))
ck.ok(f"the spinner's CPU {spin} received IPIs ({col(spin)})", col(spin) >= 2 * MIN)
if x86:
    rx = pf["per_cpu"]["TLB"][spin]
    ck.ok(f"the spinner's CPU {spin} received TLB flushes (/proc: {rx} of {pf['TLB']})", rx >= MIN)
by = ip["by_cause"]; run = ip["remote_calls_by_cause"] or {}
for cause in ("tlb_flush", "membarrier") if x86 else ("membarrier",):
    ck.ok(f"{cause} calls queued {by.get(cause)} = run remotely {run.get(cause)}",
          by.get(cause, 0) >= MIN and near(by.get(cause), run.get(cause)))
ck.ok(f"membarrier calls {m['calls']['membarrier']} = the workload's {mb['ops']}",
      mb["ops"] <= m["calls"]["membarrier"] <= mb["ops"] * 1.02 + 10)
if x86:
    rf = m["tlb_flush"]["remote"]
    ck.ok("remote flushes classified, unknown <= 5%", rf is not None and rf["flushes"] >= MIN and
          rf["unknown"] <= 0.05 * rf["flushes"] + 2, f"{rf}")
    ck.ok(f"remote flushes with the mm running on CPU {spin} went by IPI (TCG: no hypervisor flush)",
          rf is not None and rf["with_ipi"] >= 0.9 * rf["flushes"], f"{rf}")
else:
    ti = m["tlb_flush"].get("tlbie") or {}
    zaps = tl["ops"]
    ck.ok(f"global tlbie {ti.get('global')} >= munmaps {zaps}, TLB-flush IPIs {by.get('tlb_flush')}",
          zaps >= MIN / 4 and (ti.get("global") or 0) >= 0.9 * zaps and by.get("tlb_flush") == 0)
w = m["whatif"]; ev = w["membarrier_evaluated"] or 0
ks = {f: w[f]["by_cause"]["membarrier"]["kernel_skipped"] for f in ("target-idle", "target-lazy", "curr-mm-differs")}
sent = w["target-idle"]["by_cause"]["membarrier"]["seen"]
skipped = ks["target-lazy"] + ks["curr-mm-differs"]
print(f"membarrier: {ev} calls evaluated, {sent} IPIs, kernel_skipped {ks}")
ck.ok("membarrier calls evaluated", ev >= MIN and ev <= m["calls"]["membarrier"], f"{ev} of {m['calls']['membarrier']}")
ck.ok(f"kernel_skipped {skipped} ~ calls x idle CPUs {ev} x {n - 2}", abs(skipped - ev * (n - 2)) <= 0.02 * ev * (n - 2) + 5,
      f"{skipped / max(ev, 1):.1f} per call")
ck.ok(f"skipped + IPIs = calls x other CPUs ({ev} x {n - 1})", abs(skipped + sent - ev * (n - 1)) <= 0.01 * ev + 5,
      f"{skipped} + {sent} = {skipped + sent} vs {ev * (n - 1)}")
ck.done()
