# tests/vm_lib.sh - shared by tests/t_vm_x86.sh and tests/t_vm_ppc.sh (sourced after lib.sh).
# vm_boot KERNEL: boots the kernel under qemu with a trivial guest command (no collector yet)
# and checks that the result markers and files come back. Returns 3 when the images are not
# prepared (the caller skips). Sets VM_OUT to the output directory.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export LAZYTLB_ROOT=$ROOT
vm_prepared() { # KERNEL ARCH
	[ -e "$ROOT/cache/kernels/$1/kernel" ] && [ -e "$ROOT/cache/initramfs/$2.cpio.gz" ]
}
kcfg() { sed -n "s/^$2[[:space:]]*=[[:space:]]*//p" "$ROOT/kernels-config/$1.kcfg" | sed 's/[[:space:]]*$//'; }
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
# TODO(issue 6), once `lazytlb run SCENARIO -o DIR` exists in the guest (vm run KERNEL SCENARIO):
#  - every kernel: the result file validates against lazytlb-result/1; host.virt == "tcg";
#    host.arch matches the kcfg arch; kernel.release == cache/kernels/K/release
#  - kernel.lazy_tlb_scheme == the kcfg lazy_scheme (6.1 kernels: scheme_source "observed" or
#    config "absent", both refcount)
#  - refcount kernels (debian-6.1-amd64, debian-6.12-amd64, debian-6.1-ppc64el): lazy.grabs and
#    lazy.drops > 0 on a fork/exit-heavy scenario, mmdrop.shoot_lazy_calls == 0,
#    ipi.by_cause.shoot_lazy == 0
#  - shootdown kernel (debian-6.12-ppc64el): mmdrop.shoot_lazy_calls > 0 after processes exit,
#    ipi.by_cause.shoot_lazy and/or exit_flush_lazy > 0, refcount evidence (handback with
#    mm_count >= 2) absent
#  - x86: ipi.by_cause.tlb_flush consistent with procfs.interrupts_delta.TLB
#  - powerpc: no fentry probe in "probes" (no BPF trampoline), kprobe used instead; tlb_flush
#    tracepoint exists but never fires (reported as such, not as 0 flushes)
#  - debian-6.1-ppc64el: BTF taken from $LAZYTLB_BTF (the detached vmlinux.btf), probes attach
#  - --nohz-full runs: host.nohz_full == "1", ipi.by_target_state.nohz_full and
#    wakeups.nohz_full_by_cause filled
