# Check of whatif.sh's output (argv[1]), known by construction: page tables freed by each
# munmap, so every CPU in mm_cpumask gets the IPI; the peer on CPU 1
#   - naps (CPU 1 idle, holding the mm lazily): nearly all the TLB IPIs reaching CPU 1 are
#     counted skippable by target-idle and target-lazy;
#   - spins in user mode: both count nearly none, and target-not-kernel counts them or says
#     unknown. Needs TLB IPIs (ltcheck.native_tlb_ipis); argv[2] == "tlb" demands them.
import sys
from ltcheck import Checks, load, native_tlb_ipis
out = sys.argv[1]; need_tlb = len(sys.argv) > 2 and sys.argv[2] == "tlb"
k = Checks()
def tlb(path):
    rep = load(path)["reps"][0]; m = rep["metrics"]
    w = {f: v["by_cause"]["tlb_flush"] for f, v in m["whatif"].items() if isinstance(v, dict) and "by_cause" in v}
    return rep, rep["procfs"]["interrupts_delta"]["per_cpu"]["TLB"][1], m["ipi"]["by_cause_state"]["tlb_flush"], w
for peer in ("sleep", "busy"):
    rep, rx, states, w = tlb(f"{out}/{peer}.json")
    native, why = native_tlb_ipis(rep)
    print(f"{peer} peer: /proc TLB on CPU 1 {rx}; sent from CPU 0 by target state {states}; TLB IPIs native: {native} ({why})")
    for f, v in w.items(): print(f"  {f}: {v}")
    if need_tlb: k.ok("remote TLB flushes went by IPI", native, why)
    if not native:
        print(f"     what-if TLB checks not on this host: they run in the guest (t_vm_tlb_ipis)")
        continue
    seen = w["target-idle"]["seen"]
    if peer == "sleep":
        k.ok("enough IPIs towards the napping CPU", seen >= 30, f"{seen}")
        for f in ("target-idle", "target-lazy"):
            k.ok(f"{f} skips nearly all", w[f]["skip"] >= 0.9 * seen, f"{w[f]['skip']} of {seen}")
    else:
        k.ok("enough IPIs towards the spinning CPU", seen >= 200, f"{seen}")
        for f in ("target-idle", "target-lazy"):
            k.ok(f"{f} skips nearly none", w[f]["skip"] <= 0.05 * seen, f"{w[f]['skip']} of {seen}")
        nk = w["target-not-kernel"]
        k.ok("target-not-kernel counts them or says unknown", nk["skip"] + nk["unknown"] >= 0.95 * seen, f"{nk}")
    for f, v in w.items():
        k.ok(f"{f}: skip + unknown <= seen", v["skip"] + v["unknown"] <= v["seen"])
k.done()
