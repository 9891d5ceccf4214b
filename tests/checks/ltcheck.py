# tests/checks/ltcheck.py - shared by the check scripts of tests/checks/: result loading,
# verdict lines and the one question every TLB-IPI check asks first.
import json, sys

class Checks:
    """Collects verdicts: ok(what, cond, detail) prints one line; done() exits 1 on any failure."""
    def __init__(self):
        self.bad = 0
    def ok(self, what, cond, detail=""):
        print(("ok   " if cond else "FAIL ") + what + (": " + detail if detail else ""))
        self.bad += not cond
        return cond
    def done(self):
        sys.exit(1 if self.bad else 0)

def load(path):
    with open(path) as f:
        return json.load(f)

def native_tlb_ipis(rep):
    """(True, why) when this rep's remote TLB flushes reached other CPUs by IPI, so the checks
    against /proc/interrupts TLB mean something; (False, why) on a host whose hypervisor flushed
    remote TLBs instead (PVM, KVM preempted vCPUs, Hyper-V, Xen). Decided from what the kernel
    did in this run: the flushes lazytlb saw queue TLB IPIs (metrics.tlb_flush.remote) and the
    /proc TLB row moved; never from a host name."""
    proc = rep["procfs"]["interrupts_delta"].get("TLB")
    rf = rep["metrics"]["tlb_flush"].get("remote")
    if rf is not None:
        why = (f"remote flushes {rf['flushes']}: {rf['with_ipi']} by IPI, {rf['without_ipi']} by the hypervisor,"
               f" {rf['no_active_target']} to lazy CPUs only; /proc TLB {proc}")
        # flushes the kernel's own filter left without IPI say nothing about the host
        return bool(proc) and rf["with_ipi"] >= rf["without_ipi"], why
    return bool(proc), f"/proc TLB {proc} (remote flush paths not traced on this kernel)"

_names = None
def schema_names():
    """{"causes": [...], "states": [...], "flush_reasons": [...], "filters": [...]}, in the
    binary's order, from `lazytlb schema --json` ($LAZYTLB, else build/lazytlb): the checks
    never keep their own copies of the names."""
    global _names
    if _names is None:
        import os, subprocess
        exe = os.environ.get("LAZYTLB") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../build/lazytlb")
        d = json.loads(subprocess.check_output([exe, "schema", "--json"]))
        _names = {k: [e["name"] for e in v] for k, v in d.items() if isinstance(v, list)}
    return _names
