#!/usr/bin/env bash
# What counting IPIs by sender costs on the send path: ns per request of the IPI send programs
# (csd_queue_cpu, ipi_send_cpu, ipi_send_cpumask: their BPF run time over ipi.sent), with
# senders on and off (--no-senders), ROUNDS times interleaved, medians. A storm of
# resched IPIs (pipe ping-pong across CPUs), membarrier and TLB-flush IPIs; CHURN=1 adds
# process churn (stress-ng --fork). OTHER=binary adds a third configuration (an older build).
# A benchmark, not a test: it prints numbers and never fails on them.
set -u
cd "$(dirname "$0")/.."
LAZYTLB=${LAZYTLB:-$PWD/build/lazytlb}
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-4}
[ "$(id -u)" = 0 ] || { echo "bench-senders: run as root"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/storm.sh" <<EOF
#!/bin/sh
"$LAZYTLB" workload -s ctxsw -d $SECS >/dev/null 2>&1 &
"$LAZYTLB" workload membarrier -t 2 -d $SECS -p others=busy >/dev/null 2>&1 &
"$LAZYTLB" workload tlbflush -t 2 -d $SECS -p others=busy >/dev/null 2>&1 &
[ -n "${CHURN:-}" ] && command -v stress-ng >/dev/null && stress-ng --fork 1 -t $SECS >/dev/null 2>&1
wait
EOF
chmod +x "$tmp/storm.sh"
one() { # config binary args...: ns per request, requests, stacks taken
	local name=$1 bin=$2; shift 2
	"$bin" record -q --stats "$@" -o "$tmp/$name.json" -- "$tmp/storm.sh" >/dev/null 2>&1 || { echo "nan 0 0"; return; }
	python3 - "$tmp/$name.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); ipi = d["reps"][0]["metrics"]["ipi"]
t = sum(p["run_time_ns"] for p in d["overhead"]["programs"]
        if p["name"].split("__")[0] in ("csd_queue_cpu", "ipi_send_cpu", "ipi_send_cpumask"))
print(f"{t / max(ipi['sent'], 1):.0f} {ipi['sent']} {ipi.get('senders_stacks_taken') or 0}")
PY
}
configs="senders nosenders${OTHER:+ other}"
declare -A runs
for r in $(seq "$ROUNDS"); do
	runs[senders]+="$(one senders "$LAZYTLB")"$'\n'
	runs[nosenders]+="$(one nosenders "$LAZYTLB" --no-senders)"$'\n'
	[ -n "${OTHER:-}" ] && runs[other]+="$(one other "$OTHER")"$'\n'
done
printf '%-10s %14s %10s %14s   %s\n' config "ns/request" requests "stacks taken" "rounds (ns/request)"
for k in $configs; do
	echo -n "${runs[$k]}" | python3 -c '
import sys, statistics as st
rows = [l.split() for l in sys.stdin if l.strip()]
ns = [float(r[0]) for r in rows]; req = [int(r[1]) for r in rows]; tk = [int(r[2]) for r in rows]
print(f"%-10s %14.0f %10d %13.1f%%   %s" % (sys.argv[1], st.median(ns), st.median(req),
      100 * sum(tk) / max(sum(req), 1), " ".join(f"{x:.0f}" for x in ns)))' "$k"
done
