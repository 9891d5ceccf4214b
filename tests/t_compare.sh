#!/usr/bin/env bash
# t_compare.sh - `lazytlb compare` on generated result files (tests/make_result.py):
# same scenario -> no significant change; doubled IPIs -> significant; rates
# across different durations; per op (--per-op); null metrics as n/a; formats; warnings; bad input
# and bad flags -> exit 2 with one line on stderr.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
MK=mk
mk() { python3 "$HERE/make_result.py" "$@" || fail "make_result.py $*"; }
command -v python3 >/dev/null || skip "needs python3"
[ -x "$LAZYTLB" ] || fail "$LAZYTLB not built"
cd "$TMP"

$MK -o base.json --seed 1
$MK -o same.json --seed 2 --kernel 6.8.0-test
$MK -o ipi2x.json --seed 3 --kernel 6.8.0-test --scale metrics.ipi=2
$MK -o short.json --seed 4 --kernel 6.8.0-test --duration-s 3
$MK -o nulls.json --seed 5 --kernel 6.8.0-test --null metrics.hist.nohz_interruption_ns \
	--null metrics.lazy.refcount_atomics
$MK -o tworeps.json --seed 6 --reps 2
$MK -o other.json --seed 7 --scenario membarrier --threads 8

# run CMD...: stdout to out, stderr to err, status in rc
run() { "$@" >out 2>err; rc=$?; }
# the comparison as JSON, queried by a python expression on `c` (rows() helper)
cq() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
def rows(section=None):
    return [r for s in c["sections"] if section in (None, s["name"]) for r in s["rows"]]
def row(metric, section=None):
    m = [r for r in rows(section) if r["metric"] == metric]
    assert m, "no row " + metric
    return m[0]
print(eval(sys.argv[2]))
EOF
}

# --- same scenario, two runs: nothing in the headline moves, few rows anywhere
run "$LAZYTLB" compare --json base.json same.json
[ $rc = 0 ] || fail "same: exit $rc: $(cat err)"
[ -s err ] && fail "same: unexpected warnings: $(cat err)"
cp out same.cmp
[ "$(cq same.cmp 'sum(ch["significant"] for r in rows("headline") for ch in r["changes"])')" = 0 ] ||
	fail "same scenario: significant change in the headline"
frac=$(cq same.cmp 'sum(ch["significant"] for r in rows() for ch in r["changes"]) / len(rows())')
python3 -c "import sys; sys.exit(not $frac < 0.10)" || fail "same scenario: $frac of rows significant"
[ "$(cq same.cmp 'row("metrics.ipi.by_cause.tlb_flush")["changes"][0]["p_value"] > 0.05')" = True ] ||
	fail "same scenario: tlb_flush IPIs p <= 0.05"

# --- IPIs doubled: significant, about +100%, with tiny p; refcount untouched
run "$LAZYTLB" compare --json base.json ipi2x.json
[ $rc = 0 ] || fail "ipi2x: exit $rc: $(cat err)"
cp out ipi2x.cmp
for m in metrics.ipi.sent metrics.ipi.by_cause.tlb_flush metrics.ipi.by_cause.resched; do
	[ "$(cq ipi2x.cmp "row('$m')['changes'][0]['significant']")" = True ] || fail "ipi2x: $m not significant"
	[ "$(cq ipi2x.cmp "90 < row('$m')['changes'][0]['change_pct'] < 110")" = True ] || fail "ipi2x: $m not ~+100%"
	[ "$(cq ipi2x.cmp "row('$m')['changes'][0]['p_value'] < 0.001")" = True ] || fail "ipi2x: $m p too large"
done
[ "$(cq ipi2x.cmp 'row("metrics.lazy.refcount_atomics")["changes"][0]["significant"]')" = False ] ||
	fail "ipi2x: refcount atomics flagged"
# the text table carries the marker on that row
run "$LAZYTLB" compare base.json ipi2x.json
grep -E '\+[0-9.]+% \* .* metrics\.ipi\.by_cause\.tlb_flush/s$' out >/dev/null || fail "ipi2x: no * in text row"
grep -E '^headline$' out >/dev/null || fail "text: no headline section"
[ "$(grep -n -m1 refcount_atomics out | cut -d: -f1)" -lt "$(grep -n -m1 '^metrics$' out | cut -d: -f1)" ] ||
	fail "text: headline is not first"

# --- 3 s reps against 10 s reps: rates compare, counts would not
run "$LAZYTLB" compare --json base.json short.json
cp out short.cmp
[ "$(cq short.cmp 'abs(row("metrics.lazy.refcount_atomics")["changes"][0]["change_pct"]) < 5')" = True ] ||
	fail "durations: refcount rate differs"

# --- null (probe unavailable) is n/a, never 0
run "$LAZYTLB" compare base.json nulls.json
[ $rc = 0 ] || fail "nulls: exit $rc"
grep -E 'n/a \(probe unavailable\) metrics\.lazy\.refcount_atomics/s$' out >/dev/null ||
	fail "nulls: refcount_atomics not n/a: $(grep refcount_atomics out | head -1)"
grep -E 'n/a \(probe unavailable\) metrics\.hist\.nohz_interruption_ns p99 \(ns\)$' out >/dev/null ||
	fail "nulls: nohz hist not n/a"
run "$LAZYTLB" compare --json base.json nulls.json
cp out nulls.cmp
[ "$(cq nulls.cmp 'row("metrics.lazy.refcount_atomics")["values"][1]')" = "{'status': 'probe unavailable'}" ] ||
	fail "nulls: JSON value is not status-only"
[ "$(cq nulls.cmp 'row("metrics.lazy.refcount_atomics")["changes"][0]["significant"]')" = False ] ||
	fail "nulls: n/a row significant"

# --- warnings: too few reps, scenario differs (stderr, and in --json)
run "$LAZYTLB" compare base.json tworeps.json
[ $rc = 0 ] || fail "tworeps: exit $rc"
grep -q 'tworeps.json: 2 reps' err || fail "no reps warning: $(cat err)"
run "$LAZYTLB" compare --json base.json other.json
grep -q 'scenario.name' err || fail "no scenario.name warning: $(cat err)"
grep -q 'scenario.params' err || fail "no scenario.params warning"
cp out other.cmp
[ "$(cq other.cmp 'len(c["warnings"])')" = 2 ] || fail "warnings missing from --json"

# --- formats: CSV is rectangular with p-values, markdown tables are well-formed
run "$LAZYTLB" compare --csv base.json ipi2x.json same.json
[ $rc = 0 ] || fail "csv: exit $rc"
python3 - out <<'EOF' || fail "csv malformed"
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
head = rows[0]
assert head[:4] == ["section", "metric", "unit", "test"], head
assert "p_value_1" in head and "p_value_2" in head and "mean_2" in head, head
assert all(len(r) == len(head) for r in rows), "ragged"
r = [r for r in rows if r[1] == "metrics.ipi.sent"][0]
assert float(r[head.index("p_value_1")]) < 0.001 and r[head.index("significant_1")] == "1", r
EOF
run "$LAZYTLB" compare --markdown base.json ipi2x.json
python3 - out <<'EOF' || fail "markdown malformed"
import sys
blocks, cur = [], []
for line in open(sys.argv[1]):
    if line.startswith("|"):
        cur.append(line.rstrip("\n"))
    elif cur:
        blocks.append(cur); cur = []
if cur:
    blocks.append(cur)
assert len(blocks) >= 4, len(blocks)
for b in blocks:
    n = b[0].count("|")
    assert all(l.count("|") == n for l in b if "\\|" not in l), b[0]
    assert set(b[1].replace("|", "").replace(":", "").replace("-", "")) == set(), b[1]
EOF
grep -q '+[0-9.]*% \\\*' out || fail "markdown: no escaped significance marker"

# --- -o writes the file, --help has examples
run "$LAZYTLB" compare -o cmp.txt base.json same.json
[ $rc = 0 ] && [ ! -s out ] && grep -q refcount_atomics cmp.txt || fail "-o FILE"
run "$LAZYTLB" compare --help
[ $rc = 0 ] && grep -q examples: out && grep -q Kolmogorov out && grep -q Benjamini-Hochberg out || fail "--help"

# --- labels: same kernel release in two files -> file names
run "$LAZYTLB" compare --json base.json tworeps.json
cp out labels.cmp
[ "$(cq labels.cmp '[f["label"] for f in c["files"]]')" = "['base', 'tworeps']" ] || fail "tied labels"
# ... and the same kernel under the same file name in two directories -> directory/name
mkdir -p d1 d2 && cp base.json d1/r.json && cp tworeps.json d2/r.json && cp same.json d2/x.json
run "$LAZYTLB" compare --json d1/r.json d2/r.json d2/x.json
cp out labels2.cmp
[ "$(cq labels2.cmp '[f["label"] for f in c["files"]]')" = "['d1/r', 'd2/r', '6.8.0-test']" ] ||
	fail "tied file names: $(cq labels2.cmp '[f["label"] for f in c["files"]]')"
# ... --label names them
run "$LAZYTLB" compare --json --label before,after d1/r.json d2/r.json
cp out labels3.cmp
[ "$(cq labels3.cmp '[f["label"] for f in c["files"]]')" = "['before', 'after']" ] || fail "--label"

# --- bad input: exactly one line on stderr naming the file, exit 2, nothing on stdout
head -c 2000 base.json >truncated.json
printf 'not json at all' >corrupt.json
# --- per op: the same IPIs per op on a machine twice as slow are -50% per second, 0 per op
ops=workload.ops=1000,1000,1000,1000,1000
$MK -o op.json --seed 8 --set $ops --set metrics.ipi.by_cause.shoot_lazy=500,510,490,505,495
$MK -o opslow.json --seed 9 --duration-s 20 --set $ops --set metrics.ipi.by_cause.shoot_lazy=498,507,493,503,499
$MK -o opdouble.json --seed 10 --set $ops --set metrics.ipi.by_cause.shoot_lazy=1000,1012,988,1006,994
$MK -o opnone.json --seed 11 --null workload.ops
sl='row("metrics.ipi.by_cause.shoot_lazy", "headline")'
run "$LAZYTLB" compare --json op.json opslow.json
[ $rc = 0 ] && [ "$(cq out "round($sl['changes'][0]['change_pct']), $sl['changes'][0]['significant'], $sl['unit']")" = "(-50, True, '/s')" ] ||
	fail "per second, a machine twice as slow: $(cq out "$sl['changes'][0], $sl['unit']")"
run "$LAZYTLB" compare --per-op --json op.json opslow.json
v=$(cq out "abs($sl['changes'][0]['change_pct']) < 3, $sl['changes'][0]['significant'], $sl['unit'], round($sl['values'][0]['mean'], 2)")
[ $rc = 0 ] && [ "$v" = "(True, False, '/op', 0.5)" ] || fail "per op, a machine twice as slow: $v"
run "$LAZYTLB" compare --per-op --json op.json opdouble.json
v=$(cq out "round($sl['changes'][0]['change_pct']), $sl['changes'][0]['significant']")
[ "$v" = "(100, True)" ] || fail "per op, twice the IPIs per op: $v"
"$LAZYTLB" compare --per-op op.json opdouble.json 2>/dev/null | grep -q 'metrics.ipi.by_cause.shoot_lazy/op' ||
	fail "per op: the text rows do not say /op"
run "$LAZYTLB" compare --per-op op.json opnone.json
[ $rc = 2 ] && [ "$(wc -l <err)" = 1 ] && grep -q 'opnone.json: reps.0.workload.ops' err && [ ! -s out ] ||
	fail "--per-op without ops: rc $rc, $(cat err)"
echo "ok --per-op: $(cat err)"

sed 's#lazytlb-result/1#lazytlb-result/9#' base.json >wrongschema.json
echo '[1, 2]' >array.json
echo '{"schema": "lazytlb-result/1", "reps": []}' >noreps.json
python3 -c "
import json; d = json.load(open('base.json'))
d['reps'][1]['metrics']['hist']['ipi_latency_ns']['buckets'][0][0] = 5
json.dump(d, open('badhist.json', 'w'))
d = json.load(open('base.json')); del d['reps'][0]['duration_ns']; json.dump(d, open('nodur.json', 'w'))"
: >empty.json
for f in truncated corrupt wrongschema array noreps badhist nodur empty missing; do
	run "$LAZYTLB" compare base.json $f.json
	[ $rc = 2 ] || fail "$f: exit $rc, want 2"
	[ "$(wc -l <err)" = 1 ] || fail "$f: stderr is not one line: $(cat err)"
	grep -q "$f.json" err || fail "$f: error does not name the file: $(cat err)"
	[ -s out ] && fail "$f: output on stdout"
	echo "ok $f: $(cat err)"
done
grep -q 'lazytlb-result/9' <("$LAZYTLB" compare base.json wrongschema.json 2>&1) || fail "schema version not named"
for args in "--bogus base.json same.json" "base.json" "" "--alpha" "--alpha 1.5 base.json same.json" \
	"--ks-min-d x base.json same.json" "-q base.json same.json"; do
	run "$LAZYTLB" compare $args
	[ $rc = 2 ] || fail "'$args': exit $rc, want 2"
	[ "$(wc -l <err)" = 1 ] || fail "'$args': stderr is not one line: $(cat err)"
done
echo "t_compare: all passed"
