#!/usr/bin/env bash
# Ctrl-C and SIGTERM at random moments: 12 tries (LT_SIGNAL_TRIES; each
# command x signal twice, a fresh random seed per run) spread over every phase of three
# commands (probing, loading, attaching, tracing, a workload or a command running, writing
# the result): `record -d 1.5`, `record -- workload tlbflush -d 1`, `run idle-lazy -r 2 -d 0.5`.
# After each: the exit status is 0 or 1 (never a signal death), the result file is complete (it
# parses and has reps) or absent, no temp file is left beside it, and every BPF program and link
# that lazytlb loaded is gone (polled: the kernel frees them asynchronously).
. "$(dirname "$0")/lib.sh"
need_root
command -v bpftool >/dev/null || skip "bpftool not installed"
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
# ids only grow: what a try created has an id above the highest before it (other tools on the
# machine may load programs meanwhile, so compare names, not whole sets)
maxid() { bpftool "$1" show -j 2>/dev/null | python3 -c 'import json,sys; print(max([p["id"] for p in json.load(sys.stdin) or []] + [0]))'; }
ours() { # PROG_MAX LINK_MAX: lazytlb programs (and links to them) created since, still there
	python3 - "$1" "$2" "$(bpftool prog show -j 2>/dev/null)" "$(bpftool link show -j 2>/dev/null)" <<'PY'
import json, re, sys
pmax, lmax = int(sys.argv[1]), int(sys.argv[2])
progs = [p for p in json.loads(sys.argv[3] or "[]") if p["id"] > pmax and
         re.search(r"__(tp_btf|raw_tp|tracepoint|fentry|fexit|kprobe|kretprobe)$", p.get("name", ""))]
ids = {p["id"] for p in progs}
links = [l for l in json.loads(sys.argv[4] or "[]") if l["id"] > lmax and l.get("prog_id") in ids]
print(len(progs) + len(links))
PY
}
gone() { for _ in $(seq 25); do [ "$(ours "$1" "$2")" = 0 ] && return 0; sleep 0.2; done; return 1; }
cmds=("record -q -d 1.5 -o \$O/r.json"
      "record -q -o \$O/r.json -- $LAZYTLB workload tlbflush -C 0-1 -d 1"
      "run idle-lazy -r 2 -d 0.5 -w 0 -q -o \$O")
RANDOM=${LT_SEED:-$$}
echo "seed $RANDOM"
bad=0 phases=""
tries=${LT_SIGNAL_TRIES:-12}
for i in $(seq 0 $((tries - 1))); do
	O=$TMP/try$i; mkdir -p "$O"
	cmd=${cmds[$((i % 3))]}; cmd=${cmd//\$O/$O}
	sig=$([ $((i % 2)) = 0 ] && echo INT || echo TERM)
	delay=$(python3 -c "import random; random.seed($RANDOM + $i); print(round(random.uniform(0, 2.2), 3))")
	p0=$(maxid prog) l0=$(maxid link)
	$LAZYTLB $cmd > "$O/stdout" 2> "$O/stderr" & pid=$!
	sleep "$delay"
	n=$(lt_progs_loaded)
	kill -s $sig $pid 2>/dev/null
	wait $pid; rc=$?
	what="try $i: SIG$sig after $delay s (${n} programs loaded then) of 'lazytlb ${cmd%% *} ...'"
	ok=1
	[ $rc -le 1 ] || { echo "FAIL $what: exit $rc"; ok=0; }
	for f in "$O"/*.json; do
		[ -e "$f" ] || continue
		python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['reps']" "$f" 2>/dev/null ||
			{ echo "FAIL $what: $f is not a complete result"; ok=0; }
	done
	ls -a "$O" | grep -q -e '\.tmp' -e '\.part' && { echo "FAIL $what: temp file left: $(ls -a "$O")"; ok=0; }
	gone "$p0" "$l0" || { echo "FAIL $what: $(ours "$p0" "$l0") lazytlb programs or links left"; ok=0; }
	[ $ok = 1 ] && echo "ok   $what: exit $rc, result $(ls "$O"/*.json 2>/dev/null | wc -l) file(s)"
	bad=$((bad + 1 - ok))
done
[ $bad = 0 ] || fail "$bad of $tries tries failed"
echo ok
