#!/usr/bin/env bash
# `lazytlb record -I MS`: one line or JSON object per interval, flushed as written,
# then the usual result; the intervals partition the recording, so their counts add up to the
# result's (and, where remote flushes go by IPI, the TLB IPIs to the workload's own count of
# zaps); Ctrl-C ends it with the result file written and nothing left attached.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
"$LAZYTLB" record -I 250 --json -o "$TMP/r.json" -- sh -c "'$LAZYTLB' workload tlbflush -C 0-1 -t 2 -d 2 \
	-p others=busy --json > '$TMP/wl.json'" > "$TMP/out.ndjson" 2> "$TMP/err" ||
	fail "record -I --json failed: $(tail -n 3 "$TMP/err")"
python3 - "$TMP/out.ndjson" "$TMP/r.json" "$TMP/wl.json" "$CHECKS" <<'PY' || fail "interval output wrong"
import json, sys
sys.path.insert(0, sys.argv[4])
from ltcheck import native_tlb_ipis
objs = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()]  # every line one object
res = json.load(open(sys.argv[2])); wl = json.load(open(sys.argv[3]))
iv = [o for o in objs if o.get("type") == "interval"]
last = objs[-1]
bad = 0
def ok(what, cond, detail=""):
    global bad
    print(("ok   " if cond else "FAIL ") + what + (": " + str(detail) if detail else ""))
    bad += not cond
ok("the result is the last line", last.get("schema") == "lazytlb-result/1" and len(last["reps"]) == 1)
ok("about 2 s / 250 ms intervals (the command starts late under load)", 7 <= len(iv) <= 16, len(iv))
ok("times increase", all(a["t_s"] < b["t_s"] for a, b in zip(iv, iv[1:])))
ok("each full interval lasts about 250 ms", all(0.2 <= o["interval_s"] <= 0.5 for o in iv[:-1]),
   [round(o["interval_s"], 3) for o in iv])
m = res["reps"][0]["metrics"]
for cause, n in m["ipi"]["by_cause"].items():
    s = sum(o["ipis_per_s"].get(cause, 0) * o["interval_s"] for o in iv)
    if n or s:
        ok(f"intervals add up to the rep: {cause} {s:.1f} vs {n}", abs(s - n) <= 0.01 * n + 3)
pf = res["reps"][0]["procfs"]["interrupts_delta"]
s = sum(o["proc_interrupts_per_s"].get("CAL", 0) * o["interval_s"] for o in iv)
ok(f"intervals' /proc CAL {s:.1f} vs the rep's {pf['CAL']}", abs(s - pf["CAL"]) <= 0.01 * pf["CAL"] + 3)
native, why = native_tlb_ipis(res["reps"][0])
zaps, share = wl["counters"]["madvise_calls"], wl["others_cpu_share"]
if native:
    # each zap flushes the peer's CPU when the peer runs the mm there (its CPU share): at
    # most one IPI per zap (plus the host's own), all of them when the peer had its CPU
    s = sum(o["ipis_per_s"].get("tlb_flush", 0) * o["interval_s"] for o in iv)
    ok(f"intervals' TLB-flush IPIs {s:.0f} <= the workload's zaps {zaps} (+ the host's own)", s <= 1.02 * zaps + 20)
    if share >= 0.9:
        ok(f"... and about all of them (peer on its CPU {share:.0%} of the time)", s >= 0.9 * zaps, f"{s:.0f}")
else:
    print(f"TLB IPIs not native here ({why}): the workload check is left to the guests")
sys.exit(1 if bad else 0)
PY
# text: a header, then a line per interval, as they happen (the first before the command ends)
"$LAZYTLB" record -I 200 -o "$TMP/t.json" -- sh -c 'sleep 1; cat /dev/null' > "$TMP/out.txt" 2>&1 ||
	fail "record -I failed: $(tail -n 3 "$TMP/out.txt")"
grep -q '^  time(s) *IPIs/s' "$TMP/out.txt" || fail "no interval header: $(head -n 3 "$TMP/out.txt")"
n=$(grep -cE '^ +[0-9]+\.[0-9]{3} ' "$TMP/out.txt")
[ "$n" -ge 4 ] && [ "$n" -le 10 ] || fail "expected 4-10 interval lines for 1 s at 200 ms, got $n"
# Ctrl-C: the final summary, the result file, nothing attached
"$LAZYTLB" record -I 200 -d 60 -o "$TMP/c.json" > "$TMP/c.txt" 2>&1 & pid=$!
sleep 2; kill -INT $pid; wait $pid; rc=$?
[ "$rc" = 0 ] || fail "record -I after Ctrl-C exited $rc"
python3 "$(dirname "$0")/check_schema.py" "$TMP/c.json" >/dev/null || fail "no valid result after Ctrl-C"
grep -q '^Context switches' "$TMP/c.txt" || fail "no final summary after Ctrl-C"
[ "$(lt_progs_gone)" = 0 ] || fail "programs left attached after Ctrl-C"
echo "ok: $n lines at 200 ms; Ctrl-C: summary, result, nothing attached"
