#!/usr/bin/env bash
# Ctrl-C (SIGINT) during `record` stops it cleanly: it reports,
# writes its result, and leaves no BPF program attached (bpftool prog show
# before and after).
. "$(dirname "$0")/lib.sh"
need_root
command -v bpftool >/dev/null || skip "bpftool not installed"
ids() { bpftool prog show -j | python3 -c 'import json,sys; print(" ".join(sorted(str(p["id"]) for p in json.load(sys.stdin))))'; }
before=$(ids)
"$LAZYTLB" record -q -d 60 -o "$TMP/r.json" 2> "$TMP/err" & pid=$!
for i in $(seq 300); do   # wait until our programs are loaded
  bpftool prog show | grep -q 'sched_switch' && break; sleep 0.1
done
bpftool prog show | grep -q 'sched_switch' || { cat "$TMP/err"; fail "programs never appeared"; }
sleep 0.5
kill -INT $pid
wait $pid; rc=$?
[ $rc = 0 ] || fail "record exited $rc after SIGINT"
[ -s "$TMP/r.json" ] || fail "no result file after SIGINT"
for i in $(seq 30); do [ "$(ids)" = "$before" ] && break; sleep 0.1; done
after=$(ids)
[ "$after" = "$before" ] || { bpftool prog show; fail "programs left attached: before [$before] after [$after]"; }
echo "no program left attached ($(echo $before | wc -w) programs before and after)"
