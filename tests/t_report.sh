#!/usr/bin/env bash
# `lazytlb report FILE`: the text summary of a result file written earlier. Real reps
# (membarrier scenario, 2 reps): each printed count equals the JSON summed over the reps,
# every idle-wakeup cause that is non-zero gets its own row, and bad input is one line
# with exit status 2.
. "$(dirname "$0")/lib.sh"
need_root
"$LAZYTLB" run membarrier -q -r 2 -d 0.5 -w 0 -o "$TMP/out" > /dev/null || fail "run membarrier failed"
f="$TMP/out/membarrier.json"
"$LAZYTLB" report "$f" > "$TMP/report.txt" || fail "report failed"
head -n 1 "$TMP/report.txt"
python3 - "$f" "$TMP/report.txt" <<'PY' || exit 1
import json, re, sys
d = json.load(open(sys.argv[1])); text = open(sys.argv[2]).read(); bad = 0
def total(path):
    s = 0
    for r in d["reps"]:
        v = r
        for k in path.split("."): v = v[k]
        s += v
    return s
def shown(label):
    m = re.search(r"^  " + re.escape(label) + r"\s+(\d+)\s", text, re.M)
    return int(m.group(1)) if m else None
rows = {"membarrier(2) calls": "metrics.calls.membarrier", "__mmdrop": "metrics.mmdrop.mmdrop",
        "grabs at context switch": "metrics.lazy.grabs", "idle exits without an IPI": "metrics.wakeups.idle_without_ipi"}
for c, v in d["reps"][0]["metrics"]["wakeups"]["idle_by_cause"].items():
    if total("metrics.wakeups.idle_by_cause." + c):
        rows["idle wakeups by " + c] = "metrics.wakeups.idle_by_cause." + c
for label, path in rows.items():
    want, got = total(path), shown(label)
    print(f"{label}: report {got}, JSON {want}")
    if got != want: print("  FAIL: differs"); bad += 1
if total("metrics.calls.membarrier") < 100: print("FAIL: too few membarrier calls to mean anything"); bad += 1
if len(d["reps"]) != 2 or f"{len(d['reps'])} rep(s)" not in text.splitlines()[0]: print("FAIL: reps"); bad += 1
sys.exit(1 if bad else 0)
PY
# rows that cannot exist on this architecture and lazy TLB scheme are left out; the probes that
# could not attach are listed when they cost a figure (which one is said), all of them with -v
"$LAZYTLB" report -v "$f" > "$TMP/report-v.txt" || fail "report -v failed"
python3 - "$f" "$TMP/report.txt" "$TMP/report-v.txt" <<'PY' || exit 1
import json, re, sys
d = json.load(open(sys.argv[1])); text = open(sys.argv[2]).read(); verbose = open(sys.argv[3]).read(); bad = 0
def ok(what, cond):
    global bad
    print(("ok   " if cond else "FAIL ") + what); bad += not cond
arch = "powerpc" if d["host"]["arch"].startswith("ppc") else "x86" if d["host"]["arch"] in ("x86_64", "i686") else None
refcount = d["kernel"]["lazy_tlb_scheme"] == "refcount"
if arch == "x86":
    # row labels only: a sender's comm may well be qemu-system-ppc
    ok("x86: no powerpc rows", not re.search(r"^  (moved off by exit flush|exit-flush-lazy calls|tlbie)", text, re.M))
if arch == "powerpc":
    ok("powerpc: no tlb_flush tracepoint section", "TLB flushes (tlb_flush tracepoint)" not in text)
if refcount:
    ok("refcount kernel: no shoot-lazy rows", "shoot-lazy" not in text)
lost = text.split("Figures lost on this kernel")[1] if "Figures lost on this kernel" in text else ""
for p in d["probes"]:
    if p["mode"] != "unavailable":
        continue
    variants = [r.split(": ", 1)[1] for r in p["reason"].split("; ") if ": " in r]
    free = (all(v.startswith("not needed") or v.endswith(" only") for v in variants)
            or (p["name"] == "shoot_lazy" and refcount) or (p["name"] == "exit_flush_lazy" and arch == "x86"))
    listed = bool(re.search(r"^  [^\n]+: ([a-z_]+, )*" + p["name"] + r"(,|$)", lost, re.M))
    ok(f"probe {p['name']}: {'not ' if free else ''}in the figures-lost list", listed != free)
    ok(f"probe {p['name']}: listed with -v", re.search(r"\b" + p["name"] + r"\b", verbose) is not None)
ok("no 'not needed:' probe without -v", "not needed:" not in text)
sys.exit(1 if bad else 0)
PY
# bad input: one line on stderr, exit 2, nothing on stdout
printf '{"schema": "lazytlb-result/1", "reps": [' > "$TMP/trunc.json"
echo '{"schema": "other/1"}' > "$TMP/other.json"
for bad in "$TMP/trunc.json" "$TMP/other.json" "$TMP/missing.json" --bogus; do
	"$LAZYTLB" report "$f" "$bad" > "$TMP/bad.out" 2> "$TMP/bad.err"
	rc=$?
	cat "$TMP/bad.err"
	[ "$rc" = 2 ] || fail "report $bad: exit $rc, not 2"
	[ "$(wc -l < "$TMP/bad.err")" = 1 ] || fail "report $bad: not one line on stderr"
	[ ! -s "$TMP/bad.out" ] || fail "report $bad: printed a summary anyway"
done
echo ok
