#!/usr/bin/env bash
# `lazytlb run --suite default` (what `make run` runs) completes and writes result files that
# validate against the schema. Not a speed test (those live in make bench-overhead): the wall
# time is only checked against the suite's own nominal time (warmups + reps x durations, from
# the result files) to catch a scenario that never stops: at most 3x that plus 60 s.
. "$(dirname "$0")/lib.sh"
need_root
start=$(date +%s)
# 2 reps of 1 s each (CI's time budget): every scenario of the suite still runs, through warmup,
# reps and result; the suite's own 3 x 2 s is what `make run` does
"$LAZYTLB" run --suite default -r 2 -d 1 -q -o "$TMP/out"
rc=$?
secs=$(( $(date +%s) - start ))
[ $rc = 0 ] || [ $rc = 3 ] || fail "run --suite default exited $rc"
n=$(ls "$TMP"/out/*.json | wc -l)
[ "$n" -ge 8 ] || fail "only $n result files"
python3 "$(dirname "$0")/check_schema.py" "$TMP"/out/*.json || fail "result files do not validate"
nominal=$(python3 -c '
import json, sys
t = 0
for p in sys.argv[1:]:
    s = json.load(open(p))["scenario"]
    t += s["warmup_s"] + s["reps"] * s["duration_s"]
print(int(t))' "$TMP"/out/*.json)
echo "run --suite default took ${secs} s, nominal ${nominal} s (exit $rc)"
[ "$secs" -le $((3 * nominal + 60)) ] || fail "took ${secs} s, more than 3 x the nominal ${nominal} s + 60: a scenario that does not stop?"
