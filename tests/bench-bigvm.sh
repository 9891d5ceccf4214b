#!/usr/bin/env bash
# make bench-bigvm: how long a big guest takes here, per kernel and vCPU count: the boot (to
# /init), one `lazytlb record` split into load+attach, the workload and detach+read, the whole
# `vm run`, and the collector's memory at that CPU count (tests/collector-mem.sh in the guest).
# The workload: private expedited membarriers from CPU 1 to a spinner on the last CPU.
# POINTS="KERNEL:N[:M] ..." (M: --maxcpus, possible CPUs). Writes OUT/KERNEL-N/ and OUT/bigvm.md.
# A benchmark: it prints figures and fails only when a guest does.
set -u
cd "$(dirname "$0")/.."
LAZYTLB=${LAZYTLB:-build/lazytlb}
POINTS=${POINTS:-debian-6.12-amd64:128 debian-6.12-amd64:255 debian-6.12-ppc64el:128 debian-6.12-ppc64el:256}
OUT=${OUT:-out/bench-bigvm}
mkdir -p "$OUT"
md=$OUT/bigvm.md
[ -e "$md" ] || { echo "| kernel | vCPUs | possible | big | boot to /init (s) | record load+attach (s) | workload 2 s (s) | detach+read (s) | vm run (s) | collector RSS (MiB) | map memlock (MiB) |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|"; } > "$md"
up="sed 's/ .*//' /proc/uptime"
for p in $POINTS; do
	IFS=: read -r k n m <<< "$p"
	d=$OUT/$k-$n${m:+-$m}
	last=$((n - 1))
	# the collector's memory measured inside the record, once attached (lt-collector-mem)
	cmd="lt-guest-info > info.txt
t0=\$($up)
lazytlb record -q --whatif -o /out/r.json -- sh -c \"$up > /out/t_attached; lt-collector-mem --pid \\\$PPID > /out/mem.txt
	lazytlb workload membarrier -C 1,$last -t 2 -d 2 -p others=busy -p rate=500 --json > /out/mb.json; $up > /out/t_done\" || exit 1
t3=\$($up)
echo \"record_start \$t0 attached \$(cat t_attached) done \$(cat t_done) end \$t3\" > times.txt"
	echo "bench-bigvm: $k --smp $n${m:+ --maxcpus $m} ..."
	"$LAZYTLB" vm run "$k" --smp "$n" ${m:+--maxcpus "$m"} -o "$d" --cmd "$cmd" > "$d.log" 2>&1 ||
		{ echo "bench-bigvm: $k --smp $n failed: $(tail -n 1 "$d.log")"; continue; }
	python3 - "$d" "$k" "$n" >> "$md" <<'PY'
import sys
d, k, n = sys.argv[1:4]
run = dict(l.split(": ", 1) for l in open(f"{d}/vm-run.txt").read().splitlines() if ": " in l)
t = open(f"{d}/times.txt").read().split(); t = dict(zip(t[::2], map(float, t[1::2])))
mem = open(f"{d}/mem.txt").read().split(); mem = dict(zip(mem[::2], mem[1::2]))
info = dict(l.split(": ", 1) for l in open(f"{d}/info.txt").read().splitlines() if ": " in l)
print(f"| {k} | {n} | {info.get('cpus_possible')} | {run['big'].split()[0]} | {float(run['guest_init_s']):.1f} |"
      f" {t['attached'] - t['record_start']:.1f} | {t['done'] - t['attached']:.1f} | {t['end'] - t['done']:.1f} |"
      f" {float(run['wall_s']):.0f} | {int(mem['rss_kib']) / 1024:.1f} | {int(mem['maps_memlock_kib']) / 1024:.1f} |")
PY
	tail -n 1 "$md"
done
