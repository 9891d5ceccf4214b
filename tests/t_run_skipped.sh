#!/usr/bin/env bash
# Partial success is not failure: a scenario this kernel cannot run is skipped with
# its reason, the others run and write their results, and `run` exits 3. Construction: the
# built-in nohz-full-victim needs its victim CPU (the last) to be nohz_full, which this host is
# not booted with; idle-lazy runs anywhere.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
last=$(( $(nproc) - 1 ))
grep -qw "$last" /sys/devices/system/cpu/nohz_full 2>/dev/null && skip "skipped: CPU $last is nohz_full here"
"$LAZYTLB" run nohz-full-victim idle-lazy -r 1 -d 0.3 -w 0 -o "$TMP/out" > "$TMP/stdout" 2> "$TMP/stderr"
rc=$?
cat "$TMP/stdout" "$TMP/stderr"
[ $rc = 3 ] || fail "run exited $rc, want 3 (some skipped)"
grep -q "nohz-full-victim: skipped (.*not nohz_full" "$TMP/stderr" || fail "no skip line naming the reason"
grep -q "^nohz-full-victim .* skipped: " "$TMP/stdout" || fail "summary table does not say skipped"
python3 "$(dirname "$0")/check_schema.py" "$TMP/out/nohz-full-victim.json" "$TMP/out/idle-lazy.json" || fail "schema"
python3 - "$TMP/out" <<'PY' || exit 1
import json, sys
s = json.load(open(sys.argv[1] + "/nohz-full-victim.json")); r = json.load(open(sys.argv[1] + "/idle-lazy.json"))
assert "not nohz_full" in s["skipped"]["reason"] and s["reps"] == [], s.get("skipped")
assert len(r["reps"]) == 1 and "skipped" not in r and r["reps"][0]["workload"]["ops"] > 0
print("ok: skipped file says why; idle-lazy ran")
PY
"$LAZYTLB" report "$TMP/out/nohz-full-victim.json" | grep -q "skipped on kernel .*not nohz_full" || fail "report does not print the reason"
"$LAZYTLB" plot -o "$TMP/plots" "$TMP/out/"*.json > /dev/null 2> "$TMP/plot.err" || fail "plot with a skipped file: $(cat "$TMP/plot.err")"
grep -q "left out" "$TMP/plot.err" || fail "plot did not say it left the skipped file out"
"$LAZYTLB" compare "$TMP/out/nohz-full-victim.json" "$TMP/out/idle-lazy.json" > /dev/null 2>&1
[ $? = 2 ] || fail "compare of a skipped file against one result: want exit 2 (nothing to compare)"
echo ok
