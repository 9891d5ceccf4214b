#!/usr/bin/env bash
# t_plot.sh - `lazytlb plot` on generated result files: every expected plot is
# drawn as a parseable SVG and a PNG of the asked size with real content (the SVG checked
# rasterized, as a viewer shows it), the
# data and scripts stay beside them and re-run, report.md links what exists;
# bad input and flags exit 2, a missing gnuplot exits 1 with a hint.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
mk() { python3 "$HERE/make_result.py" "$@" || fail "make_result.py $*"; }
[ -x "$LAZYTLB" ] || fail "$LAZYTLB not built"
command -v python3 >/dev/null || skip "needs python3"
command -v gnuplot >/dev/null || skip "needs gnuplot (apt-get install gnuplot-nox)"
command -v xmllint >/dev/null || skip "needs xmllint (apt-get install libxml2-utils)"
command -v rsvg-convert >/dev/null || fail "needs rsvg-convert (apt-get install librsvg2-bin; make deps does)"
gnuplot -e 'set terminal pngcairo' 2>/dev/null || skip "gnuplot has no pngcairo terminal"
cd "$TMP"

# Okabe-Ito blue and vermillion of plots/common.gp: series 1 and 2
BLUE=0072b2 RED=d55e00
png() { python3 "$HERE/pnginfo.py" --count $BLUE --count $RED "$1"; } # W H colours big blue red

mk -o a.json --seed 1
mk -o b.json --seed 2 --kernel 6.8.0-test --scale metrics.ipi=2 --hist ipi_latency_ns=3000 \
	--null metrics.ipi.received_per_cpu
"$LAZYTLB" plot -o out a.json b.json >log 2>&1 || fail "plot exit $?: $(cat log)"
[ -s log ] && fail "plot printed: $(cat log)"

hists="hist_flush_tlb_mm_range_ns hist_ipi_latency_ns hist_finish_task_switch_ns_lazy_drop
	hist_finish_task_switch_ns_other hist_nohz_interruption_ns"
for p in $hists ipi_by_cause ipi_by_target_state ipi_received_per_cpu; do
	for ext in svg png dat gp; do
		[ -s out/$p.$ext ] || fail "missing out/$p.$ext"
	done
	xmllint --noout out/$p.svg || fail "$p.svg does not parse"
	grep -q '<path' out/$p.svg || fail "$p.svg draws nothing"
	# the PNG as drawn, and the SVG as a browser would show it: rasterized (rsvg-convert),
	# then the same checks: size, real content, both series or the stacked parts
	rsvg-convert -b white -o out/$p.svg.png out/$p.svg || fail "$p.svg does not rasterize"
	for img in out/$p.png out/$p.svg.png; do
		read -r w h colours big blue red <<<"$(png $img)"
		[ "$w x $h" = "1000 x 600" ] || fail "$img is $w x $h, want 1000 x 600"
		[ "$colours" -gt 50 ] || fail "$img has only $colours colours"
		case $p in
		hist_*) [ "$blue" -gt 100 ] && [ "$red" -gt 100 ] || fail "$img: series missing (blue $blue, red $red)" ;;
		ipi_by_*) [ "$big" -ge 2 ] || fail "$img: $big large colour areas, want stacked parts" ;;
		ipi_received_per_cpu) [ "$big" -ge 4 ] || fail "$img: $big heat cells" ;;
		esac
		echo "ok $img: $w x $h, $colours colours, $big areas, series px $blue/$red"
	done
done
[ -e out/refcount_atomics_scaling.png ] && fail "scaling plot without a scaling axis"
# one file alone: its per-CPU heat map still has its cells (gnuplot's `with image` drew none)
"$LAZYTLB" plot -o one a.json > log 2>&1 || fail "plot of one file: $(cat log)"
read -r w h colours big blue red <<<"$(png one/ipi_received_per_cpu.png)"
[ "$big" -ge 2 ] || fail "one file: $big heat cells in ipi_received_per_cpu.png"
# the IPI flow: a picture per file, drawn (heat cells), its cells the files' own rates
for p in ipi_flow_1 ipi_flow_2; do
	xmllint --noout out/$p.svg || fail "$p.svg does not parse"
	read -r w h colours big blue red <<<"$(png out/$p.png)"
	[ "$big" -ge 2 ] || fail "$p.png: $big heat cells"
	echo "ok out/$p.png: $w x $h, $colours colours, $big areas"
done
python3 - a.json b.json out <<'PY' || fail "plot data do not match the files"
import json, re, sys
bad = 0
def ok(what, cond):
    global bad
    print(("ok   " if cond else "FAIL ") + what); bad += not cond
docs = [json.load(open(f)) for f in sys.argv[1:3]]; out = sys.argv[3]
def rate(d, *path):
    s = secs = 0
    for r in d["reps"]:
        v = r["metrics"]
        for k in path: v = v[k]
        s += v; secs += r["duration_ns"] / 1e9
    return s / secs
for i, d in enumerate(docs, 1):
    cs = d["reps"][0]["metrics"]["ipi"]["by_cause_state"]
    want = {(c, st): rate(d, "ipi", "by_cause_state", c, st) for c in cs for st in cs[c]}
    causes = sorted({c for (c, st), v in want.items() if v > 0}, key=lambda c: -sum(want[c, s] for s in cs[c]))[:8]
    blocks = open(f"{out}/ipi_flow_{i}.dat").read().split("\n\n\n")
    labels = {int(l.split()[0]): l.split('"')[1] for l in blocks[1].strip().splitlines()}
    ok(f"flow {i}: a row per cause with requests, most first", [labels[y].split(" <- ")[0] for y in sorted(labels, reverse=True)] == causes)
    states = list(next(iter(cs.values())))
    for l in blocks[0].splitlines():
        if l.startswith("#"): continue
        x, y, v = l.split()[:3]
        w = want[labels[int(y)].split(" <- ")[0], states[int(x)]]
        if not (v == "nan" and w == 0 or abs(float(v) - w) <= 1e-6 * w):
            ok(f"flow {i}: cell {labels[int(y)]} x {states[int(x)]}: {v} vs {w}", False)
# the CDFs: each series rises to 100 %, never falls; its p50/p99 marks sit at 50 and 99
text = "".join(l for l in open(f"{out}/hist_ipi_latency_ns.dat") if not l.startswith("#"))
blocks = [b for b in text.split("\n\n\n") if b.strip()]
series = [b for b in blocks if b.lstrip().startswith('"bound"')]
ok("a CDF per file", len(series) == 2)
marks = [b for b in blocks if b.lstrip().startswith('"at"')]
for b in series:
    y = [float(l.split()[1]) for l in b.strip().splitlines()[1:]]
    ok("CDF rises from 0 to 100 and never falls", y[0] == 0 and abs(y[-1] - 100) < 1e-9 and all(a <= c for a, c in zip(y, y[1:])))
ok("p50 and p99 marked per series", len(marks) == len(series) and
   all([l.split()[1] for l in m.strip().splitlines()[1:]] == ["50", "99"] for m in marks))
# legends: the stacked bars' parts are the causes some file has
head = open(f"{out}/ipi_by_cause.dat").read().splitlines()[1].split()[1:]
have = [c for c in docs[0]["reps"][0]["metrics"]["ipi"]["by_cause"]
        if any(r["metrics"]["ipi"]["by_cause"][c] for d in docs for r in d["reps"])]
ok(f"ipi_by_cause parts {head} = causes with IPIs {have}", head == have)
sys.exit(1 if bad else 0)
PY
[ -s out/common.gp ] || fail "common.gp not copied"

# the heatmap says which file could not measure per-CPU IPIs
grep -q '"6.8.0-test (n/a)"' out/ipi_received_per_cpu.dat || fail "heatmap row of b.json not n/a"
# two series in the histogram data, labelled by kernel
[ "$(grep -c '^"bound"' out/hist_ipi_latency_ns.dat)" = 2 ] || fail "hist data: not 2 series"
grep -q '"6.1.0-test  p50' out/hist_ipi_latency_ns.dat || fail "hist data: no kernel label"

# report.md: every image it names exists, and the comparison is there
for img in $(grep -o '([a-z_]*\.svg)' out/report.md | tr -d '()'); do
	[ -s out/$img ] || fail "report.md links missing $img"
done
[ "$(grep -c '^!\[' out/report.md)" = 10 ] || fail "report.md: $(grep -c '^!\[' out/report.md) images, want 10"
grep -q '^## Comparison' out/report.md || fail "report.md: no comparison"
grep -q '| metrics.ipi.sent/s |' out/report.md || fail "report.md: no compare rows"
# files of different scenarios (`make run`) are never compared: a section each, key numbers
# for a scenario with one file, a comparison among the files of one scenario
mk -o mix-a.json --scenario ctxsw
mk -o mix-b.json --scenario tlbflush --workload tlbflush --seed 2
mk -o mix-c.json --scenario tlbflush --workload tlbflush --seed 3
"$LAZYTLB" plot --no-render -o mix mix-a.json mix-b.json mix-c.json 2>/dev/null || fail "plot of mixed scenarios failed"
grep -q '^## Scenario `ctxsw`' mix/report.md && grep -q '^Key numbers of' mix/report.md ||
	fail "report.md: no key-numbers section for the lone ctxsw file"
[ "$(grep -c '^## Comparison' mix/report.md)" = 1 ] && grep -q '^## Comparison: scenario `tlbflush`' mix/report.md &&
	grep -q '^2 files of this scenario' mix/report.md || fail "report.md: not one comparison of the two tlbflush files"
python3 - mix-a.json mix/report.md <<'PY' || fail "report.md: key numbers differ from the file"
import json, re, statistics, sys
d = json.load(open(sys.argv[1])); md = open(sys.argv[2]).read()
sec = md.split("## Scenario `ctxsw`")[1].split("\n## ")[0]
want = statistics.mean(r["metrics"]["ipi"]["sent"] / (r["duration_ns"] / 1e9) for r in d["reps"])
m = re.search(r"^\| IPI requests, all causes \| ([0-9.e+]+)", sec, re.M)
print(f"key number IPI requests/s: report {m and m.group(1)}, file {want:.4g}")
sys.exit(0 if m and abs(float(m.group(1)) - want) <= 5e-4 * want + 1e-9 else 1)
PY
grep -c '^Not plotted' mix/report.md | grep -qx '[01]' || fail "report.md: more than one not-plotted line"
sed -n '/^## Scenario `ctxsw`/,/^## Comparison/p' mix/report.md | grep -q 'mix-b\|mix-c\|%change' &&
	fail "report.md: the ctxsw section names the tlbflush files"
# ... and their plots: a set per scenario in its own directory, linked from its own section
[ -s mix/ctxsw/ipi_by_cause.gp ] && [ -s mix/tlbflush/ipi_by_cause.gp ] && [ ! -e mix/ipi_by_cause.gp ] ||
	fail "plots of mixed scenarios not in one directory per scenario"
grep -q 'mix-a\|ctxsw' mix/tlbflush/ipi_by_cause.dat && fail "the tlbflush plot draws the ctxsw file"
[ "$(grep -c '"' mix/tlbflush/ipi_by_cause.dat)" -ge 2 ] || fail "the tlbflush plot lacks its two files"
sed -n '/^## Scenario `ctxsw`/,/^## Comparison/p' mix/report.md | grep '^!\[' | grep -qv '(ctxsw/' &&
	fail "report.md: the ctxsw section shows another scenario's plot"
sed -n '/^## Comparison: scenario `tlbflush`/,$p' mix/report.md | grep -q '^!\[ipi_by_cause\](tlbflush/ipi_by_cause.svg)' ||
	fail "report.md: the tlbflush section does not show its plots"
echo "ok: mixed scenarios get a section each, compared and drawn only within their scenario"

# a user restyles: edit the script, re-run gnuplot in the directory
(cd out && sed -i 's/^W = .*/W = 500/' ipi_by_cause.gp && gnuplot ipi_by_cause.gp) || fail "re-running a .gp failed"
[ "$(png out/ipi_by_cause.png | cut -d' ' -f1)" = 500 ] || fail "re-run did not redraw"

# --size, the scaling plot (threads differ), labels by file name when releases tie
for t in 2 4 8; do
	mk -o base-$t.json --seed $t --threads $t --set metrics.lazy.refcount_atomics=$((t * 300))
	mk -o new-$t.json --seed $((t + 10)) --kernel 6.8.0-test --threads $t \
		--set metrics.lazy.refcount_atomics=$((t * 100))
done
"$LAZYTLB" plot --size 640x480 -o scale base-*.json new-*.json 2>log || fail "scaling plot: $(cat log)"
read -r w h colours big blue red <<<"$(png scale/refcount_atomics_scaling.png)"
[ "$w x $h" = "640 x 480" ] || fail "--size: $w x $h"
[ "$blue" -gt 50 ] && [ "$red" -gt 50 ] || fail "scaling: series missing (blue $blue, red $red)"
xmllint --noout scale/refcount_atomics_scaling.svg || fail "scaling svg"
[ "$(grep -c '^"x"' scale/refcount_atomics_scaling.dat)" = 2 ] || fail "scaling: want one series per kernel"
grep -q '"base-2"' scale/ipi_by_cause.dat || fail "tied releases: labels are not file names"

# --no-render: data, scripts and report without gnuplot
"$LAZYTLB" plot --no-render -o norender a.json || fail "--no-render"
[ -s norender/ipi_by_cause.gp ] && [ -s norender/report.md ] && [ ! -e norender/ipi_by_cause.png ] ||
	fail "--no-render wrote images or missed scripts"

# no gnuplot on PATH: exit 1, one line that says what to install
PATH=/nonexistent "$LAZYTLB" plot -o nognuplot a.json >out.txt 2>err
rc=$?
[ $rc = 1 ] && [ "$(wc -l <err)" = 1 ] && grep -q gnuplot-nox err || fail "no gnuplot: rc $rc, $(cat err)"

# bad input and flags: exit 2, one line
head -c 1500 a.json >trunc.json
sed 's#lazytlb-result/1#other/1#' a.json >schema.json
for args in "-o x trunc.json" "-o x schema.json" "-o x missing.json" "a.json" "-o x" "--size 10x10 -o x a.json" \
	"--size big -o x a.json" "--frobnicate -o x a.json"; do
	"$LAZYTLB" plot $args >out.txt 2>err
	rc=$?
	[ $rc = 2 ] || fail "'$args': exit $rc, want 2"
	[ "$(wc -l <err)" = 1 ] || fail "'$args': stderr not one line: $(cat err)"
done
"$LAZYTLB" plot -o x trunc.json 2>&1 | grep -q 'trunc.json: line' || fail "truncated file not named"
"$LAZYTLB" plot --templates /nonexistent -o x a.json 2>err
[ $? = 1 ] && grep -q /nonexistent err || fail "--templates /nonexistent"
"$LAZYTLB" plot --help | grep -q examples: || fail "--help"
echo "t_plot: all passed"
