#!/usr/bin/env bash
# t_sweep_report.sh - `lazytlb vm sweep --report-only` on generated sweep points (no guest):
#  - a refcount and a shootdown kernel at 2 and 4 vCPUs whose figures hold: exit 0, every
#    check held, the per-op table figures are the sums divided (exact), the exit plot has both
#    kernels' series and is drawn;
#  - each identity broken in one file fails the report, naming it: refcount atomics != grabs +
#    drops, grabs and drops apart by more than the CPUs can hold, shoot-lazy IPIs far above the
#    CPUs found lazy, sender and receiver disagreeing, shoot-lazy IPIs on a refcount kernel,
#    and on powerpc exit-flush IPIs sent != run, more CPUs moved off than runs, and the CPUs
#    lazy at an exit flush by the sender != by the receiver; a point without a result.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
[ -x "$LAZYTLB" ] || fail "$LAZYTLB not built"
command -v python3 >/dev/null || skip "needs python3"
R=debian-6.12-amd64 S=custom-6.12-amd64-shootdown
render=--no-render
command -v gnuplot >/dev/null && gnuplot -e 'set terminal pngcairo' 2>/dev/null && render=

# point KERNEL SCHEME N [--set ...]: exit-lazy at N vCPUs, 2 reps of 10 exits; per exit N-1
# shoot-lazy IPIs (shootdown), each to a lazy CPU; the grabs and drops of every site balance
point() {
	local k=$1 scheme=$2 n=$3 atoms sl
	shift 3
	[ "$scheme" = refcount ] && atoms=$((2 * 40 * n)),$((2 * 40 * n)) sl=0,0 || atoms=0,0 sl=$((10 * (n - 1))),$((10 * (n - 1)))
	mkdir -p "$TMP/sw/$k/smp$n"
	python3 "$HERE/make_result.py" -o "$TMP/sw/$k/smp$n/exit-lazy.json" --reps 2 --seed "$n" --scheme "$scheme" \
		--nr-cpus "$n" --scenario exit-lazy --workload exit-lazy --set workload.ops=10,10 --set metrics.mmdrop.mmdrop=10,10 \
		--set metrics.lazy.grabs_all=$((40 * n)),$((40 * n)) --set metrics.lazy.drops_all=$((40 * n)),$((40 * n)) \
		--set metrics.lazy.refcount_atomics=$atoms --set metrics.mmdrop.shoot_lazy_ipis=$sl \
		--set metrics.mmdrop.shoot_lazy_ipis_to_lazy=$sl --set metrics.mmdrop.shoot_lazy_found_lazy=$sl "$@" ||
		fail "make_result.py for $k $n"
}
sweep() { "$LAZYTLB" vm sweep $R $S exit-lazy --smp 2,4 -o "$TMP/sw" --report-only $render >"$TMP/log" 2>&1; }
for n in 2 4; do point $R refcount $n; point $S shootdown $n; done
sweep || fail "consistent points: exit $?: $(cat "$TMP/log")"
rep=$TMP/sw/report.md
grep -q "^36 of 36 checks held" "$rep" || fail "consistent points: $(grep -i 'checks held' "$rep")"
grep -q "Counts are exact under TCG" "$rep" || fail "report does not say counts are exact under TCG"
grep -q "atomic-cost model only" "$rep" || fail "report does not say where ns come from"
# 4 vCPUs, shootdown: 30 shoot-lazy IPIs over 10 exits per rep, 3.000 per exit; atomics 0
grep -A6 "^### exit-lazy: $S (shootdown)" "$rep" | grep -q '^| 4 | 2 x [0-9.]* | 20 | [^|]* | 1.000 | [^|]* | [^|]* | 3.000 | 3.000 | 3.000 |' ||
	fail "shootdown row at 4 vCPUs: $(grep -A4 "^### exit-lazy: $S" "$rep")"
# 4 vCPUs, refcount: 320 atomics over 10 exits, 32.000 per exit = grabs 16 + drops 16
grep -A6 "^### exit-lazy: $R (refcount)" "$rep" | grep -q '| 32.000 | 16.000 | 16.000 |' ||
	fail "refcount row: $(grep -A4 "^### exit-lazy: $R" "$rep")"
grep -q "^\"x\" \"$S (shootdown): shoot-lazy IPIs\"" "$TMP/sw/exit_ipis.dat" ||
	fail "exit plot data lacks the shootdown series: $(cat "$TMP/sw/exit_ipis.dat")"
grep -q "^\"x\" \"$R (refcount): shoot-lazy IPIs\"" "$TMP/sw/exit_ipis.dat" ||
	fail "exit plot data lacks the refcount kernel's zero series (the contrast)"
[ -n "$render" ] || [ -s "$TMP/sw/exit_ipis.png" ] || fail "exit_ipis.png not drawn"

# each identity broken once: the report fails and names it (no plots drawn: the data is enough)
render=--no-render
broken() { # WHAT KERNEL SCHEME N --set ...
	local what=$1
	shift
	point "$@"
	sweep && fail "$what: sweep exit 0"
	grep -q "FAILED:.*$what" "$rep" || fail "$what: not named: $(grep FAILED "$rep")"
	point "$1" "$2" "$3" # restore
}
broken "refcount atomics 161 = grabs + drops 160" $R refcount 2 --set metrics.lazy.refcount_atomics=160,161
broken "grabs 80 and drops 73 differ by 7" $R refcount 2 --set metrics.lazy.drops_all=80,73 \
	--set metrics.lazy.refcount_atomics=160,153
# an x86 shootdown kernel IPIs every other online CPU at each teardown (x86-lazy-tlb-shootdown.patch),
# lazy or not; a powerpc one IPIs mm_cpumask, which should be the CPUs found lazy
broken "shoot-lazy IPIs 20 = 10 mm teardowns x 3 other CPUs" $S shootdown 4 \
	--set metrics.mmdrop.shoot_lazy_ipis=30,20 --set metrics.mmdrop.shoot_lazy_found_lazy=30,20 \
	--set metrics.mmdrop.shoot_lazy_ipis_to_lazy=30,20
broken "shoot-lazy IPIs 30 = CPUs found lazy 20 (+ 0 for 0 other" $S shootdown 4 --arch ppc64le \
	--set metrics.mmdrop.shoot_lazy_found_lazy=30,20 --set metrics.mmdrop.shoot_lazy_ipis_to_lazy=30,20
broken "sender 30 = receiver 20" $S shootdown 4 --set metrics.mmdrop.shoot_lazy_found_lazy=30,20
broken "no shoot-lazy IPIs on a refcount kernel (3 sent" $R refcount 4 --set metrics.mmdrop.shoot_lazy_ipis=0,3
# powerpc exit flush: 30 IPIs per rep, each run, 28 of them to CPUs lazy on the mm, both ways
efl() { echo --arch ppc64le --set metrics.ipi.by_cause.exit_flush_lazy=30,30 \
	--set metrics.mmdrop.exit_flush_lazy_calls=${1:-30,30} --set metrics.lazy.exit_flush_switches=${2:-28,28} \
	--set metrics.whatif.target-lazy.by_cause.exit_flush_lazy.kept_on_purpose=${3:-28,28}; }
broken "exit-flush IPIs sent 30 = do_exit_flush_lazy_tlb runs 20" $S shootdown 4 $(efl 30,20 18,18 18,18)
broken "CPUs moved off by exit flush 29 <= its runs 28" $R refcount 4 $(efl 30,28 28,29 28,29)
broken "CPUs lazy on the mm at exit flush, sender 20 = receiver 28" $S shootdown 4 $(efl 30,30 28,28 28,20)
rm "$TMP/sw/$S/smp2/exit-lazy.json"
sweep && fail "missing point: sweep exit 0"
grep -q "FAILED:.* $S exit-lazy 2 vCPUs: result read" "$rep" || fail "missing point not named"
"$LAZYTLB" vm sweep $R exit-lazy --smp 2 -o "$TMP/none" --report-only >"$TMP/log" 2>&1
[ $? = 2 ] && grep -q "no sweep there" "$TMP/log" || fail "--report-only on a missing DIR: $(cat "$TMP/log")"
"$LAZYTLB" vm sweep $R exit-lazy,nope --smp 2 -o "$TMP/sw" --report-only >"$TMP/log" 2>&1
[ $? = 2 ] && grep -q "nope" "$TMP/log" || fail "an unknown scenario in the list: $(cat "$TMP/log")"
echo "t_sweep_report: 36 checks held on consistent points; each broken identity failed the report"
