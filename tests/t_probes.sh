#!/usr/bin/env bash
# `lazytlb probes` reports, for each hook, the variant attached
# or why each variant is unavailable. On a kernel without kprobes (this dev
# machine and CI: CONFIG_KPROBES off, fentry EPERM), the fentry and kprobe
# variants are reported unavailable with the reason, the tracepoints attached.
. "$(dirname "$0")/lib.sh"
need_root
"$LAZYTLB" probes > "$TMP/probes.txt" || fail "probes failed"
cat "$TMP/probes.txt"
"$LAZYTLB" probes --json > "$TMP/p.json" || fail "probes --json failed"
KPROBES=$(zcat /proc/config.gz 2>/dev/null | grep -c '^CONFIG_KPROBES=y')
python3 - "$TMP/p.json" "$KPROBES" <<'PY' || exit 1
import json, sys
p = {x["name"]: x for x in json.load(open(sys.argv[1]))}
kprobes = sys.argv[2] == "1"
bad = 0
for name in ["sched_switch", "ipi_send_cpu", "ipi_send_cpumask", "csd_queue_cpu", "csd_function_entry",
             "tlb_flush", "cpu_idle", "call_function_entry", "reschedule_entry"]:
    if p[name]["mode"] not in ("tp_btf", "raw_tp", "tracepoint"):
        print(f"{name}: tracepoint not attached ({p[name]['mode']}: {p[name]['reason']})"); bad += 1
for name, x in p.items():
    if x["mode"] == "unavailable" and not x["reason"]:
        print(f"{name}: unavailable without a reason"); bad += 1
    for mode, why in x["variants"].items():
        if why == "": print(f"{name}/{mode}: empty reason"); bad += 1
ftmr = p["flush_tlb_mm_range"]
if not kprobes:
    if ftmr["mode"] == "kprobe": print("kprobe attached on a kernel without CONFIG_KPROBES"); bad += 1
    if "kprobes not available" not in ftmr["variants"].get("kprobe", ""):
        print("kprobe variant not reported unavailable:", ftmr["variants"]); bad += 1
    if ftmr["mode"] != "fentry" and ftmr["variants"].get("fentry", "") in ("", "not tried"):
        print("fentry reason missing:", ftmr["variants"]); bad += 1
sys.exit(1 if bad else 0)
PY
grep -q 'kprobes not available\|fentry programs cannot be loaded\|attached' "$TMP/probes.txt" || \
  grep -q 'fentry' "$TMP/probes.txt" || fail "text output lacks reasons"
# --cost: each program's events and ns per event, against the kernel's own BPF stats read by
# bpftool at the end of the command (the collector reads them a moment later: a few more)
command -v bpftool >/dev/null || { echo "bpftool missing: --cost check skipped"; exit 0; }
"$LAZYTLB" probes --cost --json -- sh -c "'$LAZYTLB' workload ctxsw -d 1 >/dev/null; bpftool prog show --json > '$TMP/bt.json'" \
	> "$TMP/cost.json" || fail "probes --cost failed"
"$LAZYTLB" probes --cost -d 0.3 > "$TMP/cost.txt" || fail "probes --cost (text) failed"
grep -q '^sched_switch__' "$TMP/cost.txt" || fail "probes --cost: no sched_switch line: $(head -n 3 "$TMP/cost.txt")"
python3 - "$TMP/cost.json" "$TMP/bt.json" <<'PY' || fail "probes --cost differs from bpftool"
import json, sys
ours = {p["name"]: p for p in json.load(open(sys.argv[1]))["programs"]}
bt = {p["name"]: p for p in json.load(open(sys.argv[2])) if "run_cnt" in p}
# bpftool cuts names to 15 characters (BPF_OBJ_NAME_LEN - 1)
sw = next(p for n, p in ours.items() if n.startswith("sched_switch__"))
b = next(p for n, p in bt.items() if sw["name"].startswith(n))
print(f"sched_switch: ours {sw['run_cnt']} events {sw['ns_per_event']:.1f} ns/event; bpftool {b['run_cnt']} events "
      f"{b['run_time_ns'] / max(b['run_cnt'], 1):.1f} ns/event")
assert b["run_cnt"] >= 1000, "too few context switches to compare"
assert b["run_cnt"] <= sw["run_cnt"] <= 1.05 * b["run_cnt"] + 2000, "events differ"
assert abs(sw["ns_per_event"] - b["run_time_ns"] / b["run_cnt"]) <= 0.2 * sw["ns_per_event"], "ns/event differs"
PY
echo "ok: probes --cost = bpftool's stats"
