#!/usr/bin/env bash
# Result files from `record` validate against the schema's required keys and
# types (tests/check_schema.py), and the validator rejects broken ones.
. "$(dirname "$0")/lib.sh"
need_root
"$LAZYTLB" record -q --whatif -d 1 -o "$TMP/r.json" || fail "record failed"
python3 "$(dirname "$0")/check_schema.py" "$TMP/r.json" || fail "record output does not validate"
# the validator must be able to fail: a wrong type, a missing key, a wrong schema
python3 - "$TMP" <<'PY'
import json, sys
d = json.load(open(sys.argv[1] + "/r.json"))
a = json.loads(json.dumps(d)); a["reps"][0]["metrics"]["lazy"]["grabs"] = -1; json.dump(a, open(sys.argv[1] + "/bad1.json", "w"))
b = json.loads(json.dumps(d)); del b["kernel"]["release"]; json.dump(b, open(sys.argv[1] + "/bad2.json", "w"))
c = json.loads(json.dumps(d)); c["schema"] = "lazytlb-result/0"; json.dump(c, open(sys.argv[1] + "/bad3.json", "w"))
PY
for i in 1 2 3; do
  python3 "$(dirname "$0")/check_schema.py" "$TMP/bad$i.json" && fail "validator accepted bad$i.json"
done

# the names of `lazytlb schema --json` (bpf/lt_names.h) are the keys the result file uses
"$LAZYTLB" schema --json > "$TMP/names.json" || fail "lazytlb schema --json failed"
"$LAZYTLB" schema > /dev/null || fail "lazytlb schema failed"
python3 - "$TMP/names.json" "$TMP/r.json" <<'PY' || fail "result keys differ from lazytlb schema"
import json, sys
n = json.load(open(sys.argv[1])); m = json.load(open(sys.argv[2]))["reps"][0]["metrics"]
names = {k: [e["name"] for e in v] for k, v in n.items() if isinstance(v, list)}
assert n["schema"] == "lazytlb-result/1", n["schema"]
assert all(e["doc"] for v in n.values() if isinstance(v, list) for e in v), "a name without a doc"
assert list(m["ipi"]["by_cause"]) == names["causes"], (list(m["ipi"]["by_cause"]), names["causes"])
assert list(m["ipi"]["by_target_state"]) == names["states"]
assert list(m["tlb_flush"]["by_reason"]) == names["flush_reasons"]
assert [f for f in m["whatif"] if isinstance(m["whatif"][f], dict) and "seen" in m["whatif"][f]] == names["filters"]
print("result keys = lazytlb schema names:", {k: len(v) for k, v in names.items()})
PY

# docs/result-schema.md ends with `lazytlb schema`'s output, verbatim
doc=$(dirname "$0")/../docs/result-schema.md
sed -n '/^## Names (`lazytlb schema`)/,$p' "$doc" | sed '1,3d;$d' > "$TMP/doc-names.txt"
"$LAZYTLB" schema > "$TMP/bin-names.txt"
diff "$TMP/doc-names.txt" "$TMP/bin-names.txt" || fail "docs/result-schema.md names differ from lazytlb schema (regenerate that section)"
exit 0
