# tests/vm_lib.sh - shared by tests/t_vm_x86.sh and tests/t_vm_ppc.sh (sourced after lib.sh).
# vm_boot KERNEL: boots the kernel under qemu with a trivial guest command (no collector yet)
# and checks that the result markers and files come back. Returns 3 when the images are not
# prepared (the caller skips). Sets VM_OUT to the output directory.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export LAZYTLB_ROOT=$ROOT
vm_prepared() { # KERNEL ARCH
	[ -e "$ROOT/cache/kernels/$1/kernel" ] && [ -e "$ROOT/cache/initramfs/$2.cpio.gz" ]
}
. "$ROOT/vm/kcfg.sh"
kcfg() { kcfg_get "$ROOT/kernels-config/$1.kcfg" "$2"; }
vm_boot() { # KERNEL
	local k=$1 t0 t1
	VM_OUT=$TMP/$k
	t0=$(date +%s%N)
	"$LAZYTLB" vm run "$k" -o "$VM_OUT" --timeout 240 \
		--cmd 'uname -r > uname.txt; cat /proc/interrupts > interrupts.txt; lt-guest-info > info.txt' ||
		fail "$k: lazytlb vm run failed (console: $VM_OUT/console.log)"
	t1=$(date +%s%N)
	echo "$k: booted and back in $(( (t1 - t0) / 1000000 )) ms"
	grep -q '^=====LAZYTLB-RESULT-BEGIN=====' "$VM_OUT/console.log" || fail "$k: no begin marker"
	grep -q '^=====LAZYTLB-RESULT-END=====' "$VM_OUT/console.log" || fail "$k: no end marker"
	grep -q '^=====LAZYTLB-RC 0=====' "$VM_OUT/console.log" || fail "$k: guest rc not 0"
	[ "$(cat "$VM_OUT/uname.txt")" = "$(cat "$ROOT/cache/kernels/$k/release")" ] ||
		fail "$k: guest runs '$(cat "$VM_OUT/uname.txt")', expected $(cat "$ROOT/cache/kernels/$k/release")"
	grep -q 'CPU0.*CPU1' "$VM_OUT/interrupts.txt" || fail "$k: /proc/interrupts not brought back"
	grep -q '^status: ok' "$VM_OUT/vm-run.txt" || fail "$k: vm-run.txt status not ok"
	grep -q '^nr_cpus: 2' "$VM_OUT/info.txt" || fail "$k: guest does not have 2 CPUs"
	grep -q '^kprobe_pmu: yes' "$VM_OUT/info.txt" || fail "$k: no kprobes in the guest"
	# the lazy scheme the kcfg claims matches what the kernel has
	case "$(kcfg "$k" lazy_scheme)" in
	shootdown) grep -q '^ksym do_shoot_lazy_tlb: do_shoot_lazy_tlb' "$VM_OUT/info.txt" ||
			fail "$k: kcfg says shootdown but do_shoot_lazy_tlb is not in kallsyms" ;;
	refcount) grep -q '^ksym do_shoot_lazy_tlb: no' "$VM_OUT/info.txt" ||
			fail "$k: kcfg says refcount but do_shoot_lazy_tlb is in kallsyms" ;;
	*) fail "$k: kcfg lazy_scheme '$(kcfg "$k" lazy_scheme)'" ;;
	esac
	case "$(kcfg "$k" btf)" in
	sysfs) grep -q '^btf_sysfs: yes' "$VM_OUT/info.txt" || fail "$k: kcfg says btf = sysfs, guest has none" ;;
	detached:*) grep -q '^btf_sysfs: no' "$VM_OUT/info.txt" || fail "$k: kcfg says detached BTF, guest has sysfs BTF" ;;
	esac
}
# vm_compare_marks BASE.json NEW.json METRIC...: `lazytlb compare --per-op` between the two
# results (text shown) marks each METRIC as a significant change; fails otherwise. Per op
# (per exit): a loaded host spreads rates per second (exit-flush IPIs/s ±39% over 5 reps at
# host load 8, left unmarked at p 0.005 among ~1000 rows), not the kernel's count per exit.
vm_compare_marks() {
	local base=$1 new=$2; shift 2
	"$LAZYTLB" compare --per-op "$base" "$new" | head -n 12
	"$LAZYTLB" compare --per-op --json "$base" "$new" > "$TMP/cmp.json" || fail "compare $base $new failed"
	python3 - "$TMP/cmp.json" "$@" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1])); bad = 0
rows = {r["metric"]: r for s in d["sections"] for r in s["rows"]}
for metric in sys.argv[2:]:
    ch = rows[metric]["changes"][0]
    print(f"{metric}: {ch.get('change_pct')}% p={ch.get('p_value')} significant={ch.get('significant')}")
    if not ch.get("significant"): print("  not marked"); bad += 1
sys.exit(1 if bad else 0)
PY
}
# The lazy-TLB assertions on these kernels live in tests/t_vm_lazy.sh (ppc 6.1 vs 6.12, 6.1
# amd64 fallback IPIs), tests/t_vm_nohz.sh (nohz_full on 6.12 amd64) and tests/t_vm_custom.sh
# (the custom linux-source-6.12 pairs).
