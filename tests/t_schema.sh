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
exit 0
