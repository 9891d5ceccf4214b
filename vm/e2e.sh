#!/usr/bin/env bash
# vm/e2e.sh [SCENARIO]: `make e2e` - every prepared kernel of kernels-config/ runs the same
# scenario under qemu (the Debian ones from vm-prepare, the custom ones built by make
# custom-kernels), then `lazytlb compare` runs between each pair of Debian kernels and
# between the two kernels of each built custom pair (same source and arch, refcount vs
# shootdown). Results in out/e2e/<kernel>/, comparisons in out/e2e/compare-<a>-vs-<b>.txt.
set -u
cd "$(dirname "$0")/.."
LAZYTLB=${LAZYTLB:-build/lazytlb}
scn=${1:-exit-lazy}
out=out/e2e
mkdir -p "$out"
debian=() custom=()
"$LAZYTLB" vm list > "$out/vm-list.txt" || exit 1
for f in kernels-config/*.kcfg; do
	k=$(basename "$f" .kcfg)
	if ! grep -q "^$k .*prepared" "$out/vm-list.txt"; then
		case "$k" in
		custom-*) echo "e2e: $k not built, skipped (make custom-kernels CUSTOM=$k)" ;;
		*) echo "e2e: $k not prepared, skipped (vm/fetch.sh $k; make vm-initramfs)" ;;
		esac
		continue
	fi
	if "$LAZYTLB" vm run "$k" "$scn" -o "$out/$k" -- -r 3 -d 1 -w 0.2; then
		case "$k" in custom-*) custom+=("$k") ;; *) debian+=("$k") ;; esac
	else
		echo "e2e: $k failed (see $out/$k/console.log)"
	fi
done
rc=0 ncmp=0
compare() { # A B
	"$LAZYTLB" compare "$out/$1/$scn.json" "$out/$2/$scn.json" > "$out/compare-$1-vs-$2.txt" 2>&1 || rc=1
	echo "== $1 vs $2"; sed -n '1,12p' "$out/compare-$1-vs-$2.txt"
	ncmp=$((ncmp + 1))
}
for ((i = 0; i < ${#debian[@]}; i++)); do
	for ((j = i + 1; j < ${#debian[@]}; j++)); do compare "${debian[i]}" "${debian[j]}"; done
done
# custom-VER-ARCH-refcount vs custom-VER-ARCH-shootdown: the unpatched scheme first
for a in "${custom[@]}"; do
	case "$a" in *-refcount) ;; *) continue ;; esac
	b=${a%-refcount}-shootdown
	[[ " ${custom[*]} " == *" $b "* ]] && compare "$a" "$b"
done
echo "e2e: $(( ${#debian[@]} + ${#custom[@]} )) kernel(s) ran $scn (${#custom[@]} custom); $ncmp comparisons in $out/"
exit $rc
