#!/usr/bin/env bash
# Target state `guest`, in x86 guests that load kvm_amd (vm/guest-modules.sh; TCG's
# CPU has SVM with nested paging). guest-tlbflush: a KVM vCPU of the workload runs a tiny guest
# on CPU 1 while CPU 0 unmaps a page per op, so each unmap's TLB-flush call goes to CPU 1, in
# guest mode or not. Against KVM's own count: an IPI to a CPU in guest mode forces an exit for a
# host interrupt (irq_exits, the workload reads it from the VM's debugfs), so the calls sent to a
# guest are at most the VM's irq_exits, and the exits they leave over are CPU 1's other
# interrupts at most (/proc/interrupts: ticks, resched, function calls beyond the flushes, which
# CAL counts as well as TLB: smp_call_function_many_cond, 5.10-7.2). Time shares are not the oracle:
# a call samples CPU 1 at the exit the previous call forced, not at a random time (6.12: 0.64
# of the calls in a guest against 0.74 of the vCPU thread's ticks); they are printed.
# Two kernels: 5.10 (calls counted by the fallback hooks; kvm_vcpu in vmlinux's BTF) and 6.12
# (csd_queue_cpu; kvm_vcpu in the kvm module's BTF). matrix.py checks
# that no scenario without a vCPU sees the state. LT_GUEST_KERNELS picks others. The first
# kernel also runs the PF_VCPU fallback (LAZYTLB_GUEST_STATE=pf_vcpu): the flag is set by
# guest_enter and cleared after the interrupt window that follows an exit, so a call in that
# window reads `guest` without forcing an exit: the same bound holds (2% slack).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vm_lib.sh"
[ -x "$LAZYTLB" ] || skip "skipped: $LAZYTLB not built: run make"
ran=0
for k in ${LT_GUEST_KERNELS:-debian-5.10-amd64 debian-6.12-amd64}; do
	vm_prepared "$k" x86_64 || continue
	grep -qx 'kvm_amd.ko' "$ROOT/cache/kernels/$k/modules/order" 2>/dev/null || continue
	# the first kernel also runs the PF_VCPU fallback (kernels without struct kvm_vcpu in any
	# BTF), forced by LAZYTLB_GUEST_STATE=pf_vcpu, in a second record: directory pf/
	pf=; [ "$ran" = 0 ] && pf=pf
	"$LAZYTLB" vm run "$k" -o "$TMP/$k" --timeout 300 --cmd '
[ -e /dev/kvm ] || { echo "no /dev/kvm: $(dmesg | grep -i -E "kvm|svm" | tail -n 3)"; exit 1; }
for v in . '"$pf"'; do
	mkdir -p $v
	[ $v = pf ] && export LAZYTLB_GUEST_STATE=pf_vcpu
	lazytlb record -q -o $v/r.json -- sh -c "grep \"^cpu1 \" /proc/stat > $v/stat0
lazytlb workload guest-tlbflush -C 0-1 -d 3 > $v/w.log 2>&1; echo \$? > $v/w.rc
grep \"^cpu1 \" /proc/stat > $v/stat1" || exit 1
done' ||
		fail "$k: vm run failed ($(tail -n 5 "$TMP/$k/guest-cmd.log" 2>/dev/null))"
	for v in . $pf; do
	[ "$(cat "$TMP/$k/$v/w.rc")" = 0 ] || fail "$k: guest-tlbflush failed: $(cat "$TMP/$k/$v/w.log")"
	python3 - "$TMP/$k/$v" "$k${pf:+ ($v)}" "$v" <<'PY' || exit 1
import json, re, sys
d, k, v = sys.argv[1], sys.argv[2], sys.argv[3]
bad = 0
def ok(what, cond, detail=""):
    global bad
    print(("ok   " if cond else "FAIL ") + f"{k} " + what + (": " + detail if detail and not cond else "")); bad += not cond
r = json.load(open(f"{d}/r.json"))
ip = r["reps"][0]["metrics"]["ipi"]
src = ip["guest_state_source"]
# kvm_vcpu.mode where a kernel BTF has struct kvm_vcpu (Debian 5.10's vmlinux BTF has it too)
ok(f"guest state read ({src})", src is not None and (src == "kvm_vcpu.mode" or src.startswith("PF_VCPU")), str(src))
if v == "pf":
    ok("the forced fallback reads PF_VCPU", src is not None and src.startswith("PF_VCPU"), str(src))
# ... as libbpf's CO-RE decided at load (core_probe), not as userspace guessed from the BTF files
ok("guest state source checked against the load's CO-RE", r["kernel"].get("core_probe") is True)
# /proc/stat cpuN: user nice system idle iowait irq softirq steal guest guest_nice (user has guest)
t0, t1 = ([int(x) for x in open(f"{d}/{f}").read().split()[1:]] for f in ("stat0", "stat1"))
dt = [b - a for a, b in zip(t0, t1)]
ticks, guest_ticks = sum(dt[:8]), dt[8]
tlb = ip["by_cause_state"]["tlb_flush"]
calls = sum(tlb.values())
ops = int(re.search(r"munmaps=(\d+)", open(f"{d}/w.log").read()).group(1))
print(f"{ops} unmaps; CPU 1: {ticks} ticks, {guest_ticks} in a guest; TLB-flush calls {calls} by state {tlb}")
ok(f"{ops} unmaps, the vCPU ran: {guest_ticks} guest ticks of {ticks}", ops >= 100 and ticks >= 100 and guest_ticks >= 0.2 * ticks)
# each unmap flushes CPU 1 when CPU 1 runs the mm (the vCPU thread): at most one call each, and
# each call one TLB IPI in the guest's own count (a slow host leaves CPU 1 to other tasks more
# often: 79% of the unmaps once, beside other tests; the counts still agree)
rx = r["reps"][0]["procfs"]["interrupts_delta"]["per_cpu"]["TLB"][1]
# (enough: 100, so that the 2% check with its floor of 5 still means 7%; beside a hog in a
# loaded CI 6.12 made 1114 unmaps and 760 calls in its 3 s, and at host load 8, 5.10 135 and 139)
ok(f"TLB-flush calls {calls} <= unmaps {ops}, and enough of them", 100 <= calls <= ops + 50)
ok(f"TLB-flush calls {calls} = CPU 1's /proc/interrupts TLB {rx} (2%)", abs(calls - rx) <= 0.02 * rx + 5)
# each call read as `guest` forced an exit; every other exit is another interrupt of CPU 1
g, exits = tlb["guest"], int(re.search(r"irq_exits=(\d+)", open(f"{d}/w.log").read()).group(1))
pc = r["reps"][0]["procfs"]["interrupts_delta"]["per_cpu"]
other = {row: v[1] for row, v in pc.items() if row not in ("TLB", "CAL", "ALL") and len(v) > 1 and v[1]}
other["CAL-TLB"] = max(pc["CAL"][1] - pc["TLB"][1], 0)
others = sum(other.values())
print(f"CPU 1's other interrupts: {other}; workload: {open(f'{d}/w.log').read().strip()}")
print(f"shares in a guest: CPU 1's ticks {guest_ticks / ticks:.2f}, calls {g / max(calls, 1):.2f}; "
      f"irq_exits {exits}, CPU 1's other interrupts {others}")
ok(f"calls to a guest {g} <= the VM's irq_exits {exits} (2%)", 0 < g <= exits * 1.02 + 5)
ok(f"irq_exits {exits} - calls to a guest {g} <= CPU 1's other interrupts {others} (2%)",
   exits - g <= others * 1.02 + 5)
sys.exit(1 if bad else 0)
PY
	done
	ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || skip "skipped: no x86 kernel with kvm_amd prepared: run make vm-prepare"
echo ok
