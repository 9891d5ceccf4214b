#!/usr/bin/env bash
# Noise, measured: each rep says what else ran on the measured CPUs, and compare
# marks a change the noise could explain with ~ instead of calling it significant.
#  1. Real: a spinner pinned on CPU 1, outside lazytlb; `record -C 1` of a command that reads
#     the spinner's CPU time (/proc/PID/stat) at its start and end: the rep's others_cpu_s is at
#     least that (the rep's window holds the command's) and at most the CPU's time.
#  2. compare: a +50% change between two files 1% apart in noise is significant (*); between
#     files 2% and 50% apart it is within the noise's reach (~, not significant), and the
#     warning says so; with equal noise it is significant again, and when both files ran beside
#     heavy other work (>= 25% of the measured CPUs), a warning says so.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
taskset -c 1 sh -c 'while :; do :; done' & hog=$!
trap 'kill $hog 2>/dev/null; rm -rf "$TMP"' EXIT
sleep 0.2
"$LAZYTLB" record -q -C 1 -o "$TMP/r.json" -- sh -c "cat /proc/$hog/stat > $TMP/s0; sleep 2; cat /proc/$hog/stat > $TMP/s1" ||
	fail "record failed"
kill $hog
python3 - "$TMP" <<'PY' || fail "noise does not hold the spinner's CPU time"
import json, os, sys
t = sys.argv[1]; hz = os.sysconf("SC_CLK_TCK")
cpu = lambda f: sum(int(x) for x in open(f"{t}/{f}").read().rsplit(")", 1)[1].split()[11:13]) / hz
hog = cpu("s1") - cpu("s0")
d = json.load(open(f"{t}/r.json")); r = d["reps"][0]; n = r["noise"]; secs = r["duration_ns"] / 1e9
print(f"spinner used {hog:.2f} s of CPU 1 during the command; rep {secs:.2f} s: noise {n}")
assert n["others_cpu_s"] >= hog - 0.05, "others_cpu_s below the spinner's own CPU time"
assert n["others_cpu_s"] <= secs + 0.05 and 0 <= n["others_cpu_share"] <= 1.0
assert n["own_cpu_s"] < 0.5 * secs, "the command (sleep, cat) counted as busy"
assert 0 <= n["steal_share"] <= 1
PY
MR="python3 $(dirname "$0")/make_result.py"
$MR -o "$TMP/a.json" --seed 1 --others-share 0.02
$MR -o "$TMP/b.json" --seed 2 --others-share 0.03 --scale metrics.ipi.by_cause.tlb_flush=1.5
$MR -o "$TMP/c.json" --seed 3 --others-share 0.50 --scale metrics.ipi.by_cause.tlb_flush=1.5
row() { grep -E "metrics\.ipi\.by_cause\.tlb_flush/s" "$1" | head -n 1; }
"$LAZYTLB" compare "$TMP/a.json" "$TMP/b.json" > "$TMP/ab.txt" 2> "$TMP/ab.err" || fail "compare a b failed"
"$LAZYTLB" compare "$TMP/a.json" "$TMP/c.json" > "$TMP/ac.txt" 2> "$TMP/ac.err" || fail "compare a c failed"
echo "a vs b: $(row "$TMP/ab.txt")"; echo "a vs c: $(row "$TMP/ac.txt")"
row "$TMP/ab.txt" | grep -qE '\+[45][0-9]\.[0-9]% \*' || fail "a +50% change with noise 2% vs 3% is not marked significant"
row "$TMP/ac.txt" | grep -qE '\+[45][0-9]\.[0-9]% ~' || fail "a +50% change with noise 2% vs 50% is not marked ~"
grep -q "other work took 50% of the measured CPUs' time, 2% in" "$TMP/ac.err" || fail "no noise warning: $(cat "$TMP/ac.err")"
! grep -q "other work" "$TMP/ab.err" || fail "a noise warning for 2% vs 3%"
# equal but heavy noise on both sides: nothing marked ~, but said
$MR -o "$TMP/d.json" --seed 4 --others-share 0.50
"$LAZYTLB" compare "$TMP/c.json" "$TMP/d.json" > /dev/null 2> "$TMP/cd.err" || fail "compare c d failed"
grep -q "both ran beside other work (50% and 50%" "$TMP/cd.err" || fail "no warning for two noisy files: $(cat "$TMP/cd.err")"
"$LAZYTLB" compare --json "$TMP/a.json" "$TMP/c.json" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
rows = [r for s in d["sections"] for r in s["rows"] if r["metric"] == "metrics.ipi.by_cause.tlb_flush"]
c = rows[0]["changes"][0]
assert c["noisy"] and not c["significant"], c' || fail "compare --json: the change is not noisy"
echo "ok: real noise holds the spinner; compare marks ~ what the noise can explain"
