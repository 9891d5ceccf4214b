#!/bin/sh
# tests/collector-mem.sh [LAZYTLB] | --pid PID - the memory `lazytlb record` takes while it
# traces, on this machine (host, or a qemu guest: busybox sh is enough): the collector's
# resident set and the kernel memory its BPF maps and programs pin (the memlock: lines of
# /proc/PID/fdinfo, which the kernel computes from each map's size: per-CPU maps times the
# possible CPUs). Runs a record (--whatif) and measures it once attached, or measures the
# record PID. Prints one line: possible CPUs, nr_cpu_ids, VmRSS, VmHWM, map and program
# memlock, in KiB.
if [ "${1:-}" = --pid ]; then
	p=$2
	rss=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status"); hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$p/status")
	maps=0 nmaps=0 progs=0 nprogs=0
	for f in /proc/$p/fdinfo/*; do
		m=$(awk '/^memlock:/ {print $2}' "$f" 2>/dev/null); [ -n "$m" ] || continue
		if grep -q '^map_type:' "$f" 2>/dev/null; then maps=$((maps + m)); nmaps=$((nmaps + 1))
		else progs=$((progs + m)); nprogs=$((nprogs + 1)); fi
	done
	poss=$(cat /sys/devices/system/cpu/possible)
	echo "possible $poss nr_cpu_ids $((${poss##*-} + 1)) online $(grep -c ^processor /proc/cpuinfo)" \
	     "rss_kib $rss hwm_kib $hwm maps $nmaps maps_memlock_kib $((maps / 1024))" \
	     "progs $nprogs progs_memlock_kib $((progs / 1024))"
	exit 0
fi
LT=${1:-lazytlb}
"$LT" record -q --whatif -o /tmp/collector-mem.json -- sh -c "sleep 2; sh '$0' --pid \$PPID" || exit 1
rm -f /tmp/collector-mem.json
