#!/usr/bin/env bash
# Soak: `lazytlb record -I 1000 --json` around process churn (stress-ng fork, TLB shootdown and
# madvise stressors where installed, else our workloads in a fork/exec loop) and IPI storms
# (our membarrier and tlbflush workloads, each run a new process). Checks what a long run must
# keep: counts against /proc/interrupts (CAL, TLB, RES within 1%), every request in a sender
# row (the folded ones included: rows add up to ipi.sent), every not-counted, folded, dropped
# or lost figure 0 or printed in the summary with its number, VmRSS flat after warm-up, and the
# interval lines on cadence (no drift; each 1 s +-10% but for a few late wakeups under load).
# SOAK_SECONDS (default 60) sets the length; SOAK_ROWS (default 128 here) shrinks the sender
# tables (LAZYTLB_SENDER_ROWS: 128 per task, 32 per name, 64 stacks) so that a minute of churn
# folds at every level; empty: the real sizes. `make soak` runs it for an hour with the real sizes; SOAK_REPORT=FILE keeps
# the figures (docs/senders.md has the last ones).
. "$(dirname "$0")/lib.sh"
need_root
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
SECS=${SOAK_SECONDS:-60}
ROWS=${SOAK_ROWS-128}
RSS_EVERY=$(( SECS >= 600 ? 10 : 1 ))

cat > "$TMP/churn.sh" <<EOF
#!/usr/bin/env bash
# process churn and IPI storms for $SECS s
end=\$((SECONDS + $SECS))
if command -v stress-ng >/dev/null; then
	stress-ng --fork 1 --tlb-shootdown 1 --madvise 1 -t $SECS --quiet &
else
	while [ \$SECONDS -lt \$end ]; do "$LAZYTLB" workload exit-lazy -d 1 >/dev/null; done &
fi
while [ \$SECONDS -lt \$end ]; do
	"$LAZYTLB" workload membarrier -t 2 -d 1 -p others=busy >/dev/null
	"$LAZYTLB" workload tlbflush -t 2 -d 1 -p others=busy >/dev/null
	sh -c 'true' # an exec of another name
done
wait
EOF
chmod +x "$TMP/churn.sh"

# SOAK_NICE: the churn's niceness (make soak: 10, to share the host); the recorder keeps its own,
# as a user runs it: a niced recorder beside busy processes misses its interval by seconds
LAZYTLB_SENDER_ROWS=$ROWS "$LAZYTLB" record -I 1000 --json -o "$TMP/r.json" -- nice -n "${SOAK_NICE:-0}" "$TMP/churn.sh" \
	> "$TMP/out.ndjson" 2> "$TMP/err" & pid=$!
: > "$TMP/rss"
while kill -0 $pid 2>/dev/null; do
	# elapsed s, VmRSS kB, and the memlock of its BPF maps (bytes; fdinfo of each map fd)
	rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null)
	mem=$(awk 'FNR == 1 { if (id != "") a[id] = m; id = ""; m = 0 } /^memlock:/ { m = $2 } /^map_id:/ { id = $2 }
		END { if (id != "") a[id] = m; for (k in a) s += a[k]; print s + 0 }' /proc/$pid/fdinfo/* 2>/dev/null)
	# only while the churn runs: once it exits, record reads the maps, kallsyms and builds the
	# result, which is the end of a run, not growth during one
	if pgrep -P $pid -f churn.sh >/dev/null; then seen=1; elif [ -n "${seen:-}" ]; then break; fi
	[ -n "$rss" ] && echo "$SECONDS $rss ${mem:-0}" >> "$TMP/rss" # 0: exited meanwhile
	sleep "$RSS_EVERY"
done
wait $pid || fail "record failed: $(tail -n 3 "$TMP/err")"
"$LAZYTLB" report "$TMP/r.json" > "$TMP/summary.txt" 2>&1 || fail "report failed: $(tail -n 3 "$TMP/summary.txt")"
python3 "$(dirname "$0")/check_schema.py" "$TMP/r.json" >/dev/null || fail "result does not match the schema"
python3 - "$TMP/out.ndjson" "$TMP/r.json" "$TMP/summary.txt" "$TMP/rss" "$ROWS" "${SOAK_REPORT:-}" <<'PY' ||
import json, re, sys
lines, res, summary = open(sys.argv[1]).read().splitlines(), json.load(open(sys.argv[2])), open(sys.argv[3]).read()
rss = [list(map(int, l.split())) for l in open(sys.argv[4]) if l.strip()]
rows, report = sys.argv[5], sys.argv[6]
rep = res["reps"][0]; m = rep["metrics"]; ipi = m["ipi"]; pf = rep["procfs"]["interrupts_delta"]
bad = 0
def ok(what, cond, detail=""):
    global bad
    print(("ok   " if cond else "FAIL ") + what + (": " + str(detail) if detail else ""))
    bad += not cond
fig = {"duration_s": round(rep["duration_ns"] / 1e9, 1), "requests": ipi["sent"]}

# /proc/interrupts: the rows this kernel has, ours within 1% (+ the IPIs that landed while
# the counters were read, procfs.edge_ipis); TLB is 0 where a hypervisor flushes remote TLBs
edge = rep["procfs"].get("edge_ipis") or 0
hw = ipi["hw_by_vector"] or {}
ours = {"CAL": hw.get("call_function", 0) + hw.get("call_function_single", 0),
        "TLB": (ipi["tlb_remote_flush_received"] or 0) + (ipi["tlb_local_runs"] or 0),
        "RES": hw.get("reschedule", 0)}
for row, n in ours.items():
    if pf.get(row) is None:
        continue
    d = abs(n - pf[row])
    ok(f"{row} {n} vs /proc {pf[row]}", d <= 0.01 * pf[row] + edge + 3, f"off by {d}")
    fig[row] = f"{n} vs /proc {pf[row]}"
ok("some IPIs were sent", ipi["sent"] > 1000, ipi["sent"])

# every request in a row: the rows (folded ones too) add up to the requests
s = sum(x["requests"] for x in ipi["senders"])
ok(f"sender rows add up to the requests: {s} vs {ipi['sent']}", abs(s - ipi["sent"]) <= 0.001 * ipi["sent"] + 5)
for ca, n in ipi["by_cause"].items():
    sc = sum(x["requests"] for x in ipi["senders"] if x["cause"] == ca)
    if abs(sc - n) > 0.001 * n + 5:
        ok(f"... by cause {ca}: {sc} vs {n}", False)
folded = {k: ipi["senders_folded_" + k] for k in ("tgid", "cause", "stack")}
fig["folded"] = folded
fig["rows"] = {lvl or "task": sum(1 for x in ipi["senders"] if x.get("folded") == lvl) for lvl in (None, "tgid", "cause")}
# (the rows are read just after the counters: a few more requests in them, as above)
near = lambda a, b: 0 <= a - b <= 0.001 * b + 5
ok("folded rows hold the folded requests",
   near(sum(x["requests"] for x in ipi["senders"] if x.get("folded") == "cause"), folded["cause"]) and
   near(sum(x["requests"] for x in ipi["senders"] if x.get("folded") == "tgid"), folded["tgid"]), folded)
if rows:  # shrunk tables: the per-task one fills; once the per-name one is full, per cause
    tr = res["options"]["senders"]["table_rows"]
    ok(f"tables of {rows} rows: requests were folded per comm", folded["tgid"] > 0, folded)
    ok(f"... and per cause once the {tr['folded']} per-name rows were taken",
       fig["rows"]["tgid"] < tr["folded"] or folded["cause"] > 0, (fig["rows"], folded))

# every not-counted, dropped, lost, folded figure: 0, or in the summary with its number
def walk(o, p=""):
    if isinstance(o, dict):
        for k, v in o.items():
            yield from walk(v, f"{p}.{k}" if p else k)
    elif isinstance(o, (int, float)) and not isinstance(o, bool):
        yield p, o
for path, v in walk(m):
    if re.search(r"not_counted|not_timed|dropped|lost|folded", path.split(".")[-1]) and v:
        ok(f"{path} = {v} is in the summary", re.search(rf"(?<![\d.]){v}(?![\d.])", summary) is not None)
ok("the summary says how much was folded", not any(folded.values()) or "senders folded" in summary)

# the interval lines: one a second, no drift from the start's schedule (the slope of their
# times), each on time +-10% but for a late wakeup now and then on a loaded host (<= 10% of
# lines; at a load average of 25 on 2 CPUs one came 0.53 s late), none by a whole interval
iv = [json.loads(l) for l in lines if l.startswith("{")]
iv = [o for o in iv if o.get("type") == "interval"]
full = iv[:-1]  # the last one is the part since the previous line
off = [abs(o["t_s"] - (i + 1)) for i, o in enumerate(full)] or [99]
n = len(full)
slope = (sum((i - (n - 1) / 2) * (o["t_s"] - sum(x["t_s"] for x in full) / n) for i, o in enumerate(full)) /
         sum((i - (n - 1) / 2) ** 2 for i in range(n))) if n > 2 else 0
ok(f"{len(iv)} interval lines for {fig['duration_s']} s", abs(len(iv) - fig["duration_s"]) <= 2)
ok(f"on cadence: {slope:.5f} s per line", abs(slope - 1) <= 0.01)
late = [round(x, 3) for x in off if x > 0.1]
ok(f"lines within 0.1 s of the schedule: {n - len(late)} of {n}, max off {max(off):.3f} s",
   len(late) <= max(1, 0.1 * n) and max(off) < 1.0, late[:5])
fig["max_interval_drift_s"] = round(max(off), 3)
fig["intervals_off_by_more_than_10pct"] = len(late)

# VmRSS and map memory flat after warm-up (the first quarter, at least 5 s)
t0 = rss[0][0] if rss else 0
warm = [r for r in rss if r[0] - t0 >= max(5, (rss[-1][0] - t0) / 4)] if rss else []
if len(warm) >= 3:
    lo, hi = warm[0][1], max(r[1] for r in warm)
    ok(f"VmRSS flat after warm-up: {lo} -> max {hi} kB", hi - lo <= max(2048, 0.05 * lo))
    mem = [r[2] for r in warm if r[2]]
    ok("map memory flat", not mem or max(mem) == min(mem), (min(mem), max(mem)) if mem else "")
    fig["rss_kb"] = {"start": rss[0][1], "after_warmup": lo, "max": hi, "end": rss[-1][1]}
    fig["map_memlock_bytes"] = max(mem) if mem else None
else:
    ok("VmRSS sampled", False, len(rss))
fig["table_rows"] = res["options"]["senders"].get("table_rows")
print("figures:", json.dumps(fig))
if report:
    json.dump(fig, open(report, "w"), indent=1)
sys.exit(1 if bad else 0)
PY
	fail "soak checks failed"
echo "ok: $SECS s of churn"
