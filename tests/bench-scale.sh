#!/usr/bin/env bash
# make bench-scale: what each BPF program costs per event at 1, 2, 4 and 8 CPUs;
# CPUS="2 128" BIG=yes: at 2 and 128, both under single-threaded TCG.
# PIN=0,1: the workloads on those CPUs only, every other vCPU idle. Under one TCG thread an
# idle vCPU takes no turns, so a program's run time is not charged other vCPUs' work, and
# what grows with the count is the code's own (a mask walk, a shared line), not the host's
# oversubscription.
#
# One qemu guest per CPU count (`lazytlb vm run KERNEL --smp N`, TCG), each recording the
# same workloads twice: with lazytlb's programs, and with the same hooks' empty programs
# (--empty-programs: the hook's own price at that CPU count). ns/event is the kernel's BPF
# stats (run_time_ns / run_cnt), as in every result file's `overhead.programs`. Flat means no
# shared atomics or contended cache lines on hot paths: a program whose cost grows with the
# CPUs while the empty one's does not pays for sharing. Under TCG N vCPUs share this host's
# CPUs: the shape is what counts, not the ns.
# Writes OUT/scale.md (table, ratios, the plot), OUT/scale.{svg,png}, OUT/smpN/*.json.
# A benchmark, not a test: it prints numbers and never fails on them.
set -u
cd "$(dirname "$0")/.."
LAZYTLB=${LAZYTLB:-build/lazytlb}
KERNEL=${KERNEL:-debian-6.12-amd64}
CPUS=${CPUS:-1 2 4 8}
SECS=${SECS:-3}
OUT=${OUT:-out/bench-scale}
# BIG=yes|no: vm run --big for every count (the same TCG mode at 2 and 128 CPUs); default: auto
BIG=${BIG:-}
PIN=${PIN:-}
[ -x "$LAZYTLB" ] || { echo "bench-scale: $LAZYTLB not built (make)"; exit 1; }
mkdir -p "$OUT"
# idle-lazy: every CPU switches to idle and back (sched_switch, cpu_idle, lazy grabs and
# drops on all CPUs at once); tlbflush: IPIs sent from and to every CPU
wl="lazytlb workload"
cmd="for w in idle-lazy tlbflush; do
	lazytlb record -q --stats -o /out/\$w.json -- $wl \$w ${PIN:+-C $PIN} -d $SECS > /dev/null || exit 1
	lazytlb record -q --stats --empty-programs -o /out/\$w-empty.json -- $wl \$w ${PIN:+-C $PIN} -d $SECS > /dev/null || exit 1
done"
for n in $CPUS; do
	echo "bench-scale: $KERNEL with $n CPUs ..."
	"$LAZYTLB" vm run "$KERNEL" --smp "$n" ${BIG:+--big "$BIG"} --timeout 1800 -o "$OUT/smp$n" --cmd "$cmd" > "$OUT/smp$n.log" 2>&1 ||
		{ echo "bench-scale: vm run with $n CPUs failed: $(tail -n 1 "$OUT/smp$n.log")"; exit 1; }
done
python3 tests/scale_report.py "$OUT" $CPUS
