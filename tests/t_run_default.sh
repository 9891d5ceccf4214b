#!/usr/bin/env bash
# Issue 3 check: `lazytlb run --suite default` completes in under 2 minutes on
# this machine and writes result files that validate against the schema.
. "$(dirname "$0")/lib.sh"
need_root
start=$(date +%s)
"$LAZYTLB" run --suite default -q -o "$TMP/out" || fail "run --suite default failed"
secs=$(( $(date +%s) - start ))
echo "run --suite default took ${secs} s"
n=$(ls "$TMP"/out/*.json | wc -l)
[ "$n" -ge 8 ] || fail "only $n result files"
python3 "$(dirname "$0")/check_schema.py" "$TMP"/out/*.json || fail "result files do not validate"
[ "$secs" -lt 120 ] || fail "took ${secs} s (>= 120 s)"
