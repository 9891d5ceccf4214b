#!/usr/bin/env bash
# `lazytlb top` in a real terminal (tmux): while a membarrier storm runs on CPUs 0-1, its
# sender (the workload's pid, cause membarrier, callsite membarrier_private_expedited) is on
# screen within two refreshes of its start; the per-CPU IPI rates agree with the kernel's own
# count (/proc/interrupts read by this test over the same seconds); q quits with every program
# and link of that process gone (bpftool); Ctrl-C too; without a terminal, frames one after the
# other and no escapes; bad options are one line and exit 2.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
command -v tmux > /dev/null || skip "tmux not installed (make deps)"
command -v bpftool > /dev/null || skip "bpftool not installed"

# bad input first: one line, exit 2, nothing loaded
for args in "--target-cpus 4096" "-I 5" "-d 0" "stray"; do
	"$LAZYTLB" top $args > "$TMP/o" 2> "$TMP/e"; rc=$?
	[ "$rc" = 2 ] && [ "$(wc -l < "$TMP/e")" = 1 ] && [ ! -s "$TMP/o" ] ||
		fail "top $args: rc $rc, stderr: $(cat "$TMP/e")"
done

# not a terminal: frames one after another, plain text
"$LAZYTLB" top -I 300 -d 1 > "$TMP/plain" 2> "$TMP/e" || fail "top -d 1 | file failed: $(cat "$TMP/e")"
n=$(grep -c '^lazytlb top ' "$TMP/plain")
[ "$n" -ge 2 ] && [ "$n" -le 4 ] || fail "expected 3 frames of 300 ms in 1 s, got $n"
grep -q $'\033' "$TMP/plain" && fail "escapes in the output to a file"
grep -q '^ all ' "$TMP/plain" || fail "no 'all' row: $(head -n 8 "$TMP/plain")"
# --target-cpus: that CPU's row alone, and the senders to it
"$LAZYTLB" top --target-cpus 1 -I 300 -d 0.7 > "$TMP/one" 2> "$TMP/e" || fail "top --target-cpus 1: $(cat "$TMP/e")"
grep -q '^lazytlb top .* CPUs 1 ' "$TMP/one" && grep -q '^Top senders of IPI requests to CPUs 1:' "$TMP/one" ||
	fail "--target-cpus 1 not in the header: $(head -n 3 "$TMP/one")"
grep -qE '^ +1 +[0-9.]+ ' "$TMP/one" && ! grep -qE '^ +0 +[0-9.]+ ' "$TMP/one" && ! grep -q '^ all ' "$TMP/one" ||
	fail "--target-cpus 1: rows other than CPU 1: $(sed -n 4,8p "$TMP/one")"

S=lt_top_$$
trap 'tmux kill-session -t $S 2> /dev/null; rm -rf "$TMP"' EXIT
start_top() { # the shell in the pane writes its pid, then top's exit status when it ends
	rm -f "$TMP/rc" "$TMP/sh"
	tmux new-session -d -s $S -x 150 -y 40 \
		"echo \$\$ > $TMP/sh; '$LAZYTLB' top -I 500 2> $TMP/top.err; echo \$? > $TMP/rc"
	for _ in $(seq 150); do # the BPF load takes a few seconds on a busy host
		tmux capture-pane -p -t $S 2> /dev/null | grep -q '^ CPU ' && break; sleep 0.1
	done
	tmux capture-pane -p -t $S | grep -q '^ CPU ' || fail "no frame in 15 s: $(cat "$TMP/top.err")"
	TOP=$(pgrep -P "$(cat "$TMP/sh")" lazytlb)
	[ -n "$TOP" ] || fail "top's pid not found"
}
# ids of the programs (prog) or links (link) a process holds: its fds' fdinfo
held() { grep -h "^$1_id:" /proc/"$2"/fdinfo/* 2> /dev/null | awk '{print $2}' | sort -u | tr '\n' ' '; }
stop_top() { # key; then the session ends, top exited 0, its programs and links are gone
	local progs links
	progs=$(held prog "$TOP"); links=$(held link "$TOP")
	[ -n "$progs" ] || fail "no BPF program among the fds of top (pid $TOP)"
	tmux send-keys -t $S "$1"
	for _ in $(seq 50); do [ -s "$TMP/rc" ] && break; sleep 0.1; done
	[ "$(cat "$TMP/rc" 2> /dev/null)" = 0 ] || fail "top after $1: exit '$(cat "$TMP/rc" 2> /dev/null)' $(cat "$TMP/top.err")"
	for _ in $(seq 20); do
		left=$(bpftool prog show -j | python3 -c 'import json,sys; ids=set(sys.argv[1].split()); print(" ".join(str(p["id"]) for p in json.load(sys.stdin) if str(p["id"]) in ids))' "$progs $links")
		[ -z "$left" ] && break; sleep 0.25
	done
	[ -z "$left" ] || fail "after $1, programs still loaded: $left"
	[ -z "$(bpftool link show -j | python3 -c 'import json,sys; ids=set(sys.argv[1].split()); print(" ".join(str(p["id"]) for p in json.load(sys.stdin) if str(p["id"]) in ids))' "$links")" ] ||
		fail "after $1, links still there"
	echo "ok   $1: top exited 0, its $(echo $progs | wc -w) programs and $(echo $links | wc -w) links gone"
}

start_top
"$LAZYTLB" workload membarrier -C 0-1 -p others=busy -d 6 > "$TMP/wl" 2>&1 & WL=$!
python3 - "$S" "$WL" <<'PY' || fail "top's screen wrong"
import re, subprocess, sys, time
sess, wl = sys.argv[1], sys.argv[2]
bad = 0
def ok(what, cond, detail=""):
    global bad
    print(("ok   " if cond else "FAIL ") + what + (": " + str(detail) if detail else ""))
    bad += not cond
def screen():
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", sess], capture_output=True, text=True).stdout
def frame_t(s):
    m = re.search(r"^lazytlb top .* at ([0-9.]+) s", s, re.M)
    return float(m.group(1)) if m else None
def proc_ipis():  # per CPU: CAL + RES (x86; TLB is inside CAL), IPI + DBL (powerpc)
    rows = {}
    for l in open("/proc/interrupts"):
        f = l.split()
        if f and f[0].rstrip(":") in ("CAL", "RES", "DBL") or (len(f) > 3 and f[-1].startswith("IPI")):
            for cpu in (0, 1):
                rows[cpu] = rows.get(cpu, 0) + int(f[1 + cpu])
    return rows
def cal1():
    for l in open("/proc/interrupts"):
        f = l.split()
        if f and f[0] in ("CAL:", "IPI:") or (len(f) > 3 and f[-1].startswith("IPI")):
            return int(f[2])
    return 0
# the storm's start, by the kernel's count: CPU 1's function-call IPIs jump (>= 25 in 50 ms);
# the frame on screen then
prev, t_start, deadline = cal1(), None, time.time() + 5
while t_start is None and time.time() < deadline:
    time.sleep(0.05)
    now = cal1()
    if now - prev >= 25:
        t_start = frame_t(screen())
    prev = now
ok("the storm started (/proc/interrupts)", t_start is not None)
sender = re.compile(r"^\s+[0-9.]+\s+\d+%\s+membarrier\s+lazytlb\[" + wl + r"\]\s+membarrier_private_expedited", re.M)
seen_at = None
deadline = time.time() + 4
while time.time() < deadline:
    s = screen()
    if sender.search(s):
        seen_at = frame_t(s)
        break
    time.sleep(0.1)
ok(f"the storm's sender lazytlb[{wl}] on screen (frame at {seen_at} s, storm seen in /proc while the frame at {t_start} s was up)",
   seen_at is not None and t_start is not None and seen_at <= t_start + 2 * 0.5 + 0.01, s if seen_at is None else "")
# rates: each frame's CPU rows against /proc/interrupts over the frames' span, read by us
frames = {}
time.sleep(0.6)  # past the storm's ramp-up
p0, t0 = proc_ipis(), time.monotonic()
time.sleep(0.05)
while time.monotonic() - t0 < 2.5:
    s = screen()
    t = frame_t(s)
    if t is not None and t not in frames:
        frames[t] = {int(m.group(1)): (float(m.group(2)), float(m.group(3)))
                     for m in re.finditer(r"^\s+(\d+)\s+([0-9.]+)\s+([0-9.]+)\s", s, re.M)}
    time.sleep(0.1)
p1, t1 = proc_ipis(), time.monotonic()
full = [f for t, f in sorted(frames.items())][1:]  # the first may have started before our read
ok("2.5 s of 500 ms frames", 3 <= len(full) <= 6, sorted(frames))
for cpu in (0, 1):
    ours = [f[cpu][0] for f in full if cpu in f]
    procs = [f[cpu][1] for f in full if cpu in f]
    for a, b in zip(ours, procs):
        if abs(a - b) > 0.05 * b + 10:
            ok(f"CPU {cpu}: lazytlb's IPIs/s {a} vs the frame's /proc/s {b}", False)
    rate = (p1[cpu] - p0[cpu]) / (t1 - t0)
    mean = sum(ours) / max(len(ours), 1)
    ok(f"CPU {cpu}: mean IPIs/s on screen {mean:.0f} vs /proc/interrupts read by the test {rate:.0f}/s",
       abs(mean - rate) <= 0.3 * rate + 50)
# the storm must be one (it is what the screen is checked against)
ok("a storm: CPU 1 gets >= 200 membarrier-driven IPIs/s", (p1[1] - p0[1]) / (t1 - t0) >= 200)
sys.exit(1 if bad else 0)
PY
wait $WL
stop_top q
start_top
stop_top C-c
