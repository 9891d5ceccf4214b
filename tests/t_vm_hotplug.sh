#!/usr/bin/env bash
# CPU hotplug during `record`, in a debian-6.12-amd64 guest (the host's CPUs are not
# ours to unplug). Record 1: membarrier IPIs to CPU 1, CPU 1 offline, online again, IPIs again:
# no crash, the result lists both changes in order, and lazytlb's function-call + reschedule
# IPIs match /proc/interrupts (2%). Record 2: CPU 1 goes offline and stays so to the end:
# /proc/interrupts has no CPU 1 column then, so the delta leaves CPU 1 out and says so, and
# CPU 0's IPIs still match /proc per CPU. Both: the mm references taken and dropped by hotplug
# (lazy.hotplug_grabs/drops) match the changes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vm_lib.sh"
[ -x "$LAZYTLB" ] || skip "skipped: $LAZYTLB not built: run make"
k=debian-6.12-amd64
vm_prepared "$k" x86_64 || skip "skipped: $k image not built: run make vm-prepare"
cpu1=/sys/devices/system/cpu/cpu1/online
mb='lazytlb workload membarrier -C 0-1 -t 2 -d 1 -p others=busy > /dev/null'
# a static program of the user's (--add), run from the guest's PATH: it reports the CPUs it saw
printf '#include <stdio.h>\n#include <unistd.h>\nint main(int c, char **v) { printf("%%s %%ld\\n", v[1], sysconf(_SC_NPROCESSORS_ONLN)); return 0; }\n' > "$TMP/added.c"
cc -static -O2 -o "$TMP/lt-added" "$TMP/added.c" || fail "cc -static (libc6-dev) failed"
"$LAZYTLB" vm run "$k" -o "$TMP/g" --timeout 300 --add "$TMP/lt-added" --cmd "
lt-added hello > added.txt || exit 1
lazytlb record -q -o r1.json -- sh -c '$mb; echo 0 > $cpu1; sleep 0.5; echo 1 > $cpu1; sleep 0.3; $mb' || exit 1
lazytlb record -q -o r2.json -- sh -c '$mb; echo 0 > $cpu1; sleep 0.5' || exit 1
echo 1 > $cpu1" || fail "$k: vm run failed (console: $(tail -n 3 "$TMP/g/console.log" 2>/dev/null))"
[ "$(cat "$TMP/g/added.txt")" = "hello 2" ] || fail "the --add program did not run as expected: $(cat "$TMP/g/added.txt")"
python3 - "$TMP/g" <<'PY' || exit 1
import json, sys
bad = 0
def ok(what, cond, detail):
    global bad
    print(("ok   " if cond else "FAIL ") + what + ": " + detail); bad += not cond
for name in ("r1", "r2"):
    rep = json.load(open(f"{sys.argv[1]}/{name}.json"))["reps"][0]
    hp, pf, m = rep["cpu_hotplug"], rep["procfs"]["interrupts_delta"], rep["metrics"]
    edge = rep["procfs"]["edge_ipis"] # IPIs that landed while the edges were read (0 nearly always)
    print(f"{name}: cpu_hotplug {hp}; /proc left out {pf['cpus_left_out']}")
    online = [c["online"] for c in hp["changes"]]
    ts = [c["t_s"] for c in hp["changes"]]
    ok(f"{name} times in order", ts == sorted(ts), f"{ts}")
    # the mm references hotplug moves (lazy.hotplug_*), against the CPU changes sysfs saw: each
    # online takes init_mm for the new CPU's idle task; each offline drops the dead CPU's idle
    # active_mm, and where sched_cpu_wait_empty swaps the hotplug thread's lazy mm for init_mm
    # first (no idle_task_exit, 7.x) one grab and one drop more when that thread was lazy
    lz = m["lazy"]; src = lz["hotplug_source"]
    cpus = lambda l: {c for r in l.split(",") if r for c in range(int(r.split("-")[0]), int(r.split("-")[-1]) + 1)}
    seq = [cpus(x) for x in [hp["online_at_start"]] + online]
    offs = sum(len(a - b) for a, b in zip(seq, seq[1:]))
    ons = sum(len(b - a) for a, b in zip(seq, seq[1:]))
    g, dr = lz["hotplug_grabs"], lz["hotplug_drops"]
    if src is None or g is None:
        ok(f"{name} hotplug references counted", False, f"{lz.get('hotplug_source')}: {g} grabs, {dr} drops")
    elif "sched_cpu_wait_empty" in src:
        ok(f"{name} hotplug: grabs {g}, drops {dr} for {ons} online, {offs} offline ({src})",
           dr - g == offs - ons and offs <= dr <= 2 * offs, "")
    else:
        ok(f"{name} hotplug: grabs {g} = {ons} online, drops {dr} = {offs} offline ({src})",
           g == ons and dr == offs, "")
    if name == "r1":
        ok("r1 CPU 1 went offline and came back", online == ["0", "0-1"] and hp["online_at_end"] == "0-1", f"{online}")
        ok("r1 nothing left out of /proc", pf["cpus_left_out"] == [], f"{pf['cpus_left_out']}")
        vec = m["ipi"]["hw_by_vector"]
        ours, theirs = vec["call_function"] + vec["call_function_single"] + vec["reschedule"], pf["CAL"] + pf["RES"]
        ok("r1 CAL+RES lazytlb vs /proc", theirs >= 200 and abs(ours - theirs) <= 0.02 * theirs + edge, f"{ours} vs {theirs}")
    else:
        ok("r2 CPU 1 went offline and stayed so", online == ["0"] and hp["online_at_end"] == "0", f"{online}")
        ok("r2 /proc delta leaves CPU 1 out", pf["cpus_left_out"] == [1] and pf["per_cpu"]["CAL"][1] is None,
           f"{pf['cpus_left_out']}, CAL per CPU {pf['per_cpu']['CAL']}")
        ours = m["ipi"]["received_per_cpu"][0]
        theirs = pf["per_cpu"]["CAL"][0] + pf["per_cpu"]["RES"][0]
        ok("r2 CPU 0's IPIs lazytlb vs /proc", theirs >= 10 and abs(ours - theirs) <= 0.02 * theirs + 2 + edge, f"{ours} vs {theirs}")
sys.exit(1 if bad else 0)
PY
echo ok
