#!/usr/bin/env bash
# The structure, from the code's own includes: floors main > cmd > trace/vm/bench >
# analysis > result > lib > bpf, includes only downwards, no include cycle, no file of
# userspace/ or bench/ over 600 lines, no function over 120 (tests/layers.py; --draw prints it).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
python3 "$(dirname "$0")/layers.py" --draw || fail "the structure has problems (above)"
# the checker must see a violation: a copy of the tree with one upward include
cp -r "$ROOT/userspace" "$ROOT/bench" "$ROOT/bpf" "$ROOT/tests" "$TMP/"
echo '#include "cmd/record_opts.h"' >> "$TMP/userspace/lib/cli.c"
(cd "$TMP" && python3 tests/layers.py > layers.out) && fail "layers.py missed an upward include"
grep -q "lib/cli.c (floor 1) includes userspace/cmd/record_opts.h (floor 5): upwards" "$TMP/layers.out" ||
	fail "layers.py did not name the upward include: $(tail -n 2 "$TMP/layers.out")"
echo "ok: an upward include is caught"
