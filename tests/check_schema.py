#!/usr/bin/env python3
"""check_schema.py FILE...: validate lazytlb result files against the required
fields and types of docs/result-schema.md (lazytlb-result/1). Prints one
line per problem and exits 1 if any; used by the tests on real result files."""
import json, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "checks"))
from ltcheck import schema_names  # the names come from the binary (lazytlb schema --json)

U64 = "u64"
def is_u64(v): return isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**64
def is_num(v): return isinstance(v, (int, float)) and not isinstance(v, bool)

HIST_KEYS = {"unit": str, "count": U64, "sum": U64, "min": U64, "max": U64,
             "p50": "num", "p90": "num", "p99": "num", "p999": "num", "buckets": list}
CAUSES, STATES, FILTERS, MODES = (schema_names()[k] for k in ("causes", "states", "filters", "modes"))

class Checker:
    def __init__(self, name): self.name, self.errors = name, []
    def err(self, path, msg): self.errors.append(f"{self.name}: {path}: {msg}")
    def get(self, obj, path, kind, nullable=False):
        cur = obj
        for k in path.split("."):
            if isinstance(cur, list): cur = cur[int(k)] if int(k) < len(cur) else None
            elif isinstance(cur, dict) and k in cur: cur = cur[k]
            else: self.err(path, "missing"); return None
        if cur is None:
            if not nullable: self.err(path, "null")
            return None
        ok = {U64: is_u64, "num": is_num, str: lambda v: isinstance(v, str), dict: lambda v: isinstance(v, dict),
              list: lambda v: isinstance(v, list), bool: lambda v: isinstance(v, bool)}[kind](cur)
        if not ok: self.err(path, f"not a {kind if isinstance(kind, str) else kind.__name__}: {cur!r}")
        return cur
    def hist(self, obj, path):
        h = self.get(obj, path, dict, nullable=True)
        if h is None: return
        for k, t in HIST_KEYS.items(): self.get(h, k, t)
        total = 0
        for b in h.get("buckets", []):
            if not (isinstance(b, list) and len(b) == 3 and all(is_u64(x) for x in b) and b[0] < b[1]):
                self.err(path, f"bad bucket {b}")
            else: total += b[2]
        if is_u64(h.get("count")) and total != h["count"]: self.err(path, f"buckets sum {total} != count {h['count']}")

def check(path):
    c = Checker(path)
    try: d = json.load(open(path))
    except Exception as e: return [f"{path}: not JSON: {e}"]
    if d.get("schema") != "lazytlb-result/1": return [f"{path}: schema {d.get('schema')!r}"]
    for p in ["tool.version", "tool.git", "host.hostname", "host.arch", "host.cpu_model", "host.online_cpus",
              "host.nohz_full", "host.isolcpus", "host.virt", "kernel.release", "kernel.cmdline",
              "kernel.scheme_source", "scenario.name", "scenario.workload", "scenario.cpus"]:
        c.get(d, p, str)
    c.get(d, "host.nr_cpus", U64)
    hv = c.get(d, "host.hypervisor", dict, nullable=True)
    if hv is not None: c.get(d, "host.hypervisor.vendor", str)
    if c.get(d, "kernel.lazy_tlb_scheme", str, nullable=True) not in (None, "refcount", "shootdown"):
        c.err("kernel.lazy_tlb_scheme", "not refcount|shootdown")
    if d.get("host", {}).get("arch") not in ("x86_64", "ppc64le"): c.err("host.arch", "not x86_64|ppc64le")
    if d.get("host", {}).get("virt") not in ("none", "kvm", "tcg", "other"): c.err("host.virt", "bad value")
    for k in ["CONFIG_MMU_LAZY_TLB_REFCOUNT", "CONFIG_MMU_LAZY_TLB_SHOOTDOWN", "CONFIG_NO_HZ_FULL"]:
        if c.get(d, "kernel.config." + k, str) not in ("y", "n", "m", "absent", "other", None): c.err(k, "bad value")
    c.get(d, "scenario.params", dict); c.get(d, "scenario.duration_s", "num"); c.get(d, "scenario.warmup_s", "num")
    c.get(d, "scenario.reps", U64)
    for i, p in enumerate(c.get(d, "probes", list) or []):
        for k in ("name", "target", "reason"): c.get(p, k, str)
        if p.get("mode") not in MODES + ["unavailable"]:
            c.err(f"probes.{i}.mode", f"bad {p.get('mode')!r}")
    reps = c.get(d, "reps", list) or []
    if "skipped" in d:  # a scenario its kernel could not run: why, and no reps
        c.get(d, "skipped.reason", str)
        if reps: c.err("reps", "a skipped scenario has reps")
        return c.errors
    if not reps: c.err("reps", "empty")
    for i, r in enumerate(reps):
        P = lambda s: f"reps.{i}.{s}"
        c.get(d, P("duration_ns"), U64)
        hp = c.get(d, P("cpu_hotplug"), dict, nullable=True) if "cpu_hotplug" in r else None
        if hp is not None:
            for k in ("online_at_start", "online_at_end"): c.get(d, P("cpu_hotplug." + k), str)
            c.get(d, P("cpu_hotplug.changes"), list)
        c.get(d, P("workload.ops"), U64, nullable=True); c.get(d, P("workload.ops_per_s"), "num", nullable=True)
        m = f"reps.{i}.metrics."
        for k in ["user_to_user", "user_to_kthread", "kthread_to_user", "kthread_to_kthread", "to_idle", "from_idle"]:
            if d["reps"][i]["metrics"].get("switch") is not None: c.get(d, m + "switch." + k, U64)
        if d["reps"][i]["metrics"].get("lazy") is not None:
            for k in ["grabs", "drops"]: c.get(d, m + "lazy." + k, U64)
            c.get(d, m + "lazy.refcount_atomics", U64, nullable=True)
            for k in ("exit_grabs", "exit_flush_switches"): c.get(d, m + "lazy." + k, U64, nullable=True)
            c.hist(d, m + "lazy.sharing")
            lz = d["reps"][i]["metrics"]["lazy"]
            if "grabs_all" in lz:  # every site's grabs and drops; the atomics are their sum or 0
                g, dr = c.get(d, m + "lazy.grabs_all", U64), c.get(d, m + "lazy.drops_all", U64)
                a = lz.get("refcount_atomics")
                if a is not None and isinstance(g, int) and isinstance(dr, int) and a not in (0, g + dr):
                    c.err(m + "lazy.refcount_atomics", f"{a}: neither 0 nor grabs_all + drops_all {g + dr}")
        for k in ["mmdrop", "shoot_lazy_calls", "shoot_lazy_ipis", "exit_flush_lazy_calls"]:
            c.get(d, m + "mmdrop." + k, U64, nullable=True)
        for k in ["shoot_lazy_ipis_to_lazy", "shoot_lazy_found_lazy"]:
            if k in (d["reps"][i]["metrics"].get("mmdrop") or {}): c.get(d, m + "mmdrop." + k, U64, nullable=True)
        for k in ["sent", "hw_ipis"]: c.get(d, m + "ipi." + k, U64, nullable=True)
        if c.get(d, m + "ipi.by_cause", dict, nullable=True) is not None:
            for k in CAUSES: c.get(d, m + "ipi.by_cause." + k, U64)
            for k in STATES: c.get(d, m + "ipi.by_target_state." + k, U64)
            for ca in CAUSES:
                for st in STATES: c.get(d, f"{m}ipi.by_cause_state.{ca}.{st}", U64)
        if "senders" in (r["metrics"].get("ipi") or {}):  # older files lack it
            for j, x in enumerate(c.get(d, m + "ipi.senders", list, nullable=True) or []):
                for key in ("comm", "callsite"): c.get(x, key, str)
                for key in ("tgid", "requests", "to_idle", "to_nohz_full"): c.get(x, key, U64)
                if x.get("folded", None) not in (None, "tgid", "cause"):  # absent before the folds
                    c.err(f"{m}ipi.senders.{j}.folded", f"bad {x.get('folded')!r}")
                if x.get("cause") not in CAUSES: c.err(f"{m}ipi.senders.{j}.cause", f"bad {x.get('cause')!r}")
                if x["to_idle"] > x["requests"] or x["to_nohz_full"] > x["requests"]:
                    c.err(f"{m}ipi.senders.{j}", "more to idle or nohz_full than requests")
            c.get(d, m + "ipi.senders_not_counted", U64, nullable=True)
            for k in ("tgid", "cause", "stack"):  # since the folds; older files lack them
                if "senders_folded_" + k in r["metrics"]["ipi"]:
                    c.get(d, m + "ipi.senders_folded_" + k, U64, nullable=True)
        rx = c.get(d, m + "ipi.received_per_cpu", list, nullable=True)
        for v in rx or []:
            if not is_u64(v): c.err(m + "ipi.received_per_cpu", f"{v!r} not u64")
        for k in ["idle_by_cause", "nohz_full_by_cause"]: c.get(d, m + "wakeups." + k, dict, nullable=True)
        c.get(d, m + "wakeups.idle_without_ipi", U64, nullable=True)
        c.get(d, m + "tlb_flush.by_reason", dict, nullable=True)
        if c.get(d, m + "tlb_flush.remote", dict, nullable=True) is not None:
            for k in ("flushes", "with_ipi", "without_ipi", "no_active_target", "unknown"):
                c.get(d, f"{m}tlb_flush.remote.{k}", U64)
            if r["metrics"]["tlb_flush"]["remote"].get("path") not in ("ipi", "without_ipi", "mixed", "none"):
                c.err(m + "tlb_flush.remote.path", "not ipi|without_ipi|mixed|none")
        for h in ["flush_tlb_mm_range_ns", "ipi_latency_ns", "nohz_interruption_ns"]: c.hist(d, m + "hist." + h)
        for sp, parts in (("ipi_latency_by_target", ("idle", "not_idle")), ("flush_tlb_mm_range_by_path", ("ipi", "broadcast", "no_ipi"))):
            if c.get(d, m + "hist." + sp, dict, nullable=True) is not None:
                for k in parts: c.hist(d, f"{m}hist.{sp}.{k}")
        if c.get(d, m + "hist.finish_task_switch_ns", dict, nullable=True) is not None:
            c.hist(d, m + "hist.finish_task_switch_ns.lazy_drop"); c.hist(d, m + "hist.finish_task_switch_ns.other")
        w = c.get(d, m + "whatif", dict, nullable=True)
        if w is not None:
            for f in FILTERS:
                for k in ("seen", "skip", "unknown"): c.get(d, f"{m}whatif.{f}.{k}", U64)
                # race exposure only where a skipped target could then run the mm unflushed
                c.get(d, f"{m}whatif.{f}.race_exposed", U64, nullable=f in ("defer-to-kernel-entry", "broadcast-flush"))
                fo = w.get(f, {})
                if is_u64(fo.get("skip")) and is_u64(fo.get("seen")) and fo["skip"] + fo.get("unknown", 0) > fo["seen"]:
                    c.err(f"{m}whatif.{f}", "skip + unknown > seen")
            if c.get(d, m + "whatif.defer-to-kernel-entry.delay_ns", dict, nullable=True) is not None:
                c.hist(d, m + "whatif.defer-to-kernel-entry.delay_ns")
            c.get(d, m + "whatif.broadcast.kernel_flushes_by_broadcast", bool)
            c.get(d, m + "whatif.broadcast.probe", str)
            for k in ("flushes", "targets"): c.get(d, f"{m}whatif.broadcast.{k}", U64, nullable=True)
            c.get(d, m + "whatif.membarrier_evaluated", U64, nullable=True)
        for k in ("TLB", "CAL", "RES"): c.get(d, f"reps.{i}.procfs.interrupts_delta.{k}", U64, nullable=True)
        c.get(d, f"reps.{i}.procfs.edge_ipis", U64)
    for i, p in enumerate(c.get(d, "overhead.programs", list) or []):
        c.get(p, "name", str); c.get(p, "run_cnt", U64); c.get(p, "run_time_ns", U64)
    return c.errors

if __name__ == "__main__":
    errs = [e for f in sys.argv[1:] for e in check(f)]
    for e in errs: print(e)
    print(f"{len(sys.argv) - 1} file(s), {len(errs)} problem(s)")
    sys.exit(1 if errs or len(sys.argv) < 2 else 0)
