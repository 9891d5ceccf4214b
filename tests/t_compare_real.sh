#!/usr/bin/env bash
# t_compare_real.sh - compare two real `lazytlb record` results: whatever this
# kernel can measure must load, compare (exit 0) and show the headline; what
# it cannot must read n/a, not 0. Skips without root or a working record.
. "$(dirname "$0")/lib.sh"
need_root
[ -x "$LAZYTLB" ] || fail "$LAZYTLB not built"
cd "$TMP"

for i in 1 2; do
	if ! timeout 120 "$LAZYTLB" record -q -d 1 --whatif -o rec$i.json >rec.log 2>&1; then
		skip "lazytlb record does not work here: $(tail -n 1 rec.log)"
	fi
done

"$LAZYTLB" compare rec1.json rec2.json >out 2>err || fail "compare exit $?: $(cat err)"
grep -q 'rec1.json: 1 rep' err || fail "no warning about 1 rep: $(cat err)"
grep -q 'metrics.lazy.refcount_atomics' out || fail "no refcount row"
grep -q 'kernel.lazy_tlb_scheme' out || fail "no scheme row"

# every null in the files is n/a in the comparison, never a number
"$LAZYTLB" compare --json rec1.json rec2.json >cmp.json 2>/dev/null || fail "compare --json"
python3 - rec1.json cmp.json <<'EOF' || fail "a null metric is shown as a number"
import json, sys
rec, cmp = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
nulls = []
def walk(node, path):
    if node is None:
        nulls.append(path)
    elif isinstance(node, dict) and "buckets" not in node:
        for k, v in node.items():
            walk(v, path + "." + k)
walk(rec["reps"][0]["metrics"], "metrics")
rows = {r["metric"]: r for s in cmp["sections"] for r in s["rows"]}
for p in nulls:
    for m, r in rows.items():
        if m == p or m.startswith(p + ".") or m.startswith(p + " "):
            assert r["values"][0]["status"] == "probe unavailable", (m, r["values"][0])
print(len(nulls), "null metrics checked")
EOF
echo "t_compare_real: passed"
