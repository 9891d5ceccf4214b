#!/usr/bin/env bash
# A short libFuzzer run of each harness: the JSON reader with what reads result
# files, and the kcfg reader, 12 s each from the seeds in tests/fuzz/corpus (make fuzz;
# longer runs: make fuzz FUZZ_S=600). Fails on any crash or sanitizer report.
# run.sh: lanes
. "$(dirname "$0")/lib.sh"
command -v clang > /dev/null || skip "skipped: no clang"
cd "$(dirname "$0")/.."
make --no-print-directory fuzz FUZZ_S="${LT_FUZZ_S:-12}" > "$TMP/fuzz.log" 2>&1
rc=$?
grep -E '^fuzz_|ERROR|SUMMARY|runtime error' "$TMP/fuzz.log" | head -20
[ $rc = 0 ] || { tail -5 "$TMP/fuzz.log"; fail "make fuzz failed"; }
[ "$(grep -c '^fuzz_.* exit 0$' "$TMP/fuzz.log")" -ge 2 ] || fail "fewer than two harnesses ran"
echo ok
