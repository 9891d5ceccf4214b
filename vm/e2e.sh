#!/usr/bin/env bash
# vm/e2e.sh [SCENARIO]: `make e2e` - every prepared kernel of kernels-config/ runs
# the same scenario under qemu, then `lazytlb compare` runs between each pair.
# Results in out/e2e/<kernel>/, comparisons in out/e2e/compare-<a>-vs-<b>.txt.
set -u
cd "$(dirname "$0")/.."
LAZYTLB=${LAZYTLB:-build/lazytlb}
scn=${1:-exit-lazy}
out=out/e2e
mkdir -p "$out"
done_k=()
for f in kernels-config/*.kcfg; do
	k=$(basename "$f" .kcfg)
	if ! "$LAZYTLB" vm list | grep -q "^$k .*prepared"; then
		echo "e2e: $k not prepared, skipped (vm/fetch.sh $k; make vm-initramfs)"
		continue
	fi
	if "$LAZYTLB" vm run "$k" "$scn" -o "$out/$k" -- -r 3 -d 1 -w 0.2; then
		done_k+=("$k")
	else
		echo "e2e: $k failed (see $out/$k/console.log)"
	fi
done
rc=0
for ((i = 0; i < ${#done_k[@]}; i++)); do
	for ((j = i + 1; j < ${#done_k[@]}; j++)); do
		a=${done_k[i]} b=${done_k[j]}
		"$LAZYTLB" compare "$out/$a/$scn.json" "$out/$b/$scn.json" > "$out/compare-$a-vs-$b.txt" 2>&1 || rc=1
		echo "== $a vs $b"; sed -n '1,12p' "$out/compare-$a-vs-$b.txt"
	done
done
echo "e2e: ${#done_k[@]} kernel(s) ran $scn; comparisons in $out/"
exit $rc
