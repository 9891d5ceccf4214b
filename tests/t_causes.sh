#!/usr/bin/env bash
# On the host: loads whose IPIs have a known cause get it named, each against a
# count of its own, and `other` stays <= 10% of the calls queued:
#  - perf bench sched messaging (wakeup-heavy): remote wakeups (sched_ttwu_pending) > 0;
#  - toggling a tracepoint nobody uses, 40 times on and off: every static-key flip patches
#    kernel text and syncs every other online CPU (x86 text_poke: do_sync_core), so
#    text_patching >= 80 x (online CPUs - 1);
#  - vmalloc churn: 300 BPF array maps of 4 MiB created and freed (1.2 GB vfree'd, far above
#    the lazy-purge threshold): kernel TLB flushes (do_flush_tlb_all /
#    do_kernel_range_flush) >= 1.
. "$(dirname "$0")/lib.sh"
need_root
ncpu=$(grep -c '^processor' /proc/cpuinfo)
[ "$(uname -m)" = x86_64 ] || skip "skipped: the text-patching count is x86's"
[ "$ncpu" -ge 2 ] || skip "skipped: needs 2 CPUs"
ev=
for e in sched/sched_process_hang signal/signal_deliver timer/timer_init; do
	[ -e /sys/kernel/tracing/events/$e/enable ] && [ "$(cat /sys/kernel/tracing/events/$e/enable)" = 0 ] &&
		{ ev=/sys/kernel/tracing/events/$e/enable; break; }
done
[ -n "$ev" ] || skip "skipped: no unused tracepoint to toggle"
runs="patch"
"$LAZYTLB" record -q -o "$TMP/patch.json" -- sh -c "for i in \$(seq 40); do echo 1 > $ev; echo 0 > $ev; done" \
	> /dev/null || fail "record (text patching) failed"
if command -v perf > /dev/null && perf bench sched messaging -l 1 > /dev/null 2>&1; then
	"$LAZYTLB" record -q -o "$TMP/wake.json" -- perf bench sched messaging -l 200 > /dev/null ||
		fail "record (messaging) failed"
	runs="$runs wake"
else
	echo "perf bench not available: the wakeup load is left out"
fi
if command -v bpftool > /dev/null && mountpoint -q /sys/fs/bpf; then
	"$LAZYTLB" record -q -o "$TMP/vmalloc.json" -- sh -c 'for i in $(seq 300); do
		bpftool map create /sys/fs/bpf/lt_churn_$$ type array key 4 value 4096 entries 1024 name lt_churn &&
		rm /sys/fs/bpf/lt_churn_$$ || exit 1; done' > /dev/null || fail "record (vmalloc churn) failed"
	runs="$runs vmalloc"
else
	echo "bpftool or /sys/fs/bpf missing: the vmalloc churn is left out"
fi
python3 - "$TMP" "$ncpu" $runs <<'PY'
import json, sys
t, ncpu, runs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
bad = 0
want = {"patch": ("text_patching", 80 * (ncpu - 1)), "wake": ("wakeup", 1), "vmalloc": ("kernel_tlb_flush", 1)}
for run in runs:
    rep = json.load(open(f"{t}/{run}.json"))["reps"][0]; ip = rep["metrics"]["ipi"]
    q = ip["by_cause"]; queued = sum(q.values())
    cause, least = want[run]
    top = [(c["symbol"], c["cause"], c["calls"]) for c in ip["callbacks"][:5]]
    print(f"{run}: {cause} {q[cause]} (>= {least}), other {q['other']} of {queued}; top callbacks {top}")
    # the kernel queues a remote wakeup (sched_ttwu_pending) only to an idle CPU (6.x
    # ttwu_queue_cond: nr_running == 0); beside a CPU hog none is idle and it sends resched
    # IPIs instead (CI under load: wakeup 0 of 566 queued). Asserted when the host was quiet.
    # The others' share misses it when the load itself keeps every CPU busy beside a hog (the
    # hog's fair share among ~400 messaging tasks is small; CI: wakeup 0 of 440): so also
    # when the CPUs rarely went idle (cpu_idle exits, another hook than the IPI's).
    busy = (rep.get("noise") or {}).get("others_cpu_share") or 0
    idle_exits = rep["metrics"]["wakeups"].get("idle_exits") or 0
    if run == "wake" and (busy >= 0.25 or idle_exits < 100) and q[cause] < least:
        print(f"note {run}: others used {busy:.0%} of the CPUs, {idle_exits} idle exits: no idle CPU to queue a wakeup to, not asserted")
    elif q[cause] < least: print(f"FAIL {run}: {cause} {q[cause]} < {least}"); bad += 1
    if q["other"] > 0.10 * queued + 2: print(f"FAIL {run}: other above 10%"); bad += 1
    if q["other"] and not any(c["cause"] == "other" for c in ip["callbacks"]): print(f"FAIL {run}: other not named"); bad += 1
sys.exit(1 if bad else 0)
PY
