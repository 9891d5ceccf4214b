#!/usr/bin/env bash
# qemu kernel matrix, x86_64 guests (kernels-config/README.md): boot debian-6.12-amd64 (the
# other x86 kernels boot in t_vm_matrix) under TCG with a trivial guest command, check the result markers and files
# come back, the guest facts match the kcfg, a guest panic fails `vm run` with one line, and a
# panic before /init or a hang (TCG's, not the run's) is booted again, 3 boots in all.
# Skips when the images are not in cache/ (make vm-prepare). Lazy-TLB assertions: see vm_lib.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vm_lib.sh"
[ -x "$LAZYTLB" ] || skip "skipped: $LAZYTLB not built: run make"
"$LAZYTLB" vm list > "$TMP/list.txt" || fail "vm list failed"
cat "$TMP/list.txt"
for k in debian-6.1-amd64 debian-6.12-amd64; do grep -q "^$k " "$TMP/list.txt" || fail "vm list lacks $k"; done
command -v qemu-system-x86_64 >/dev/null || skip "skipped: qemu-system-x86_64 missing: run vm/setup-host.sh"
ran=0 missing=
# 6.12 only: every x86 kernel of the matrix boots in t_vm_matrix, with more checks than here
for k in debian-6.12-amd64; do
	if ! vm_prepared "$k" x86_64; then missing="$missing $k"; continue; fi
	vm_boot "$k"
	ran=$((ran + 1)) booted=$k
done
[ "$ran" -gt 0 ] || skip "skipped: image not built: run make vm-prepare (or vm/fetch.sh KERNEL; make vm-initramfs)"
[ -z "$missing" ] || echo "not prepared, not booted:$missing"
# a guest panic is a one-line failure naming the panic
if "$LAZYTLB" vm run "$booted" -o "$TMP/panic" --timeout 120 --cmd 'echo c > /proc/sysrq-trigger' 2> "$TMP/panic.err"; then
	fail "vm run succeeded on a panicking guest"
fi
cat "$TMP/panic.err"
[ "$(wc -l < "$TMP/panic.err")" = 1 ] || fail "panic: expected one line on stderr"
grep -q 'guest panic: .*Kernel panic' "$TMP/panic.err" || fail "panic: message does not name the panic"
grep -qx 'boots: 1' "$TMP/panic/vm-run.txt" || fail "panic: a panic of the run (sysrq, after /init) was booted again"
# a panic before /init is TCG's, not the run's: booted again, 3 boots in all, each console kept
if "$LAZYTLB" vm run "$booted" -o "$TMP/early" --timeout 120 --cmd true --append rdinit=/nonexistent 2> "$TMP/early.err"; then
	fail "vm run succeeded without an init"
fi
cat "$TMP/early.err" "$TMP/early/vm-run.txt"
grep -qx 'boots: 3' "$TMP/early/vm-run.txt" || fail "early panic: not booted 3 times"
[ "$(grep -c 'booting again' "$TMP/early.err")" = 2 ] || fail "early panic: expected 2 'booting again' warnings"
# a retried boot may die of TCG's own int3 artifact before it reaches the missing init (CI:
# boot 2 "Oops: int3" at 1.3 s): its reason is then that Oops, found in its kept console
for n in 1 2; do
	why=$(sed -n "s/^boot_$n: before \/init: \(\[ *[0-9.]*\] \)\{0,1\}\(.*\) (console.boot-$n.log)\$/\2/p" "$TMP/early/vm-run.txt")
	case "$why" in
	"Kernel panic"*|Oops*|*": "[0-9a-f][0-9a-f][0-9a-f][0-9a-f]" [#"*) ;;
	*) fail "early panic: no boot_$n reason (got '$why')" ;;
	esac
	grep -qF "$why" "$TMP/early/console.boot-$n.log" || fail "early panic: console.boot-$n.log not kept"
done
tail -n 1 "$TMP/early.err" | grep -Eq 'guest panic: .*(Kernel panic|Oops)' || fail "early panic: last line does not name the panic"
# a boot that never reaches /init is killed at --boot-timeout and booted again: --boots 2 (the
# default 3 is the early panic's above; each hang boot costs its timeout, ~25 s of CI in all)
if "$LAZYTLB" vm run "$booted" -o "$TMP/hang" --timeout 120 --boot-timeout 8 --boots 2 --cmd true \
	--append 'rdinit=/bin/busybox -- sleep 600' 2> "$TMP/hang.err"; then
	fail "vm run succeeded on a guest that never ran /init"
fi
cat "$TMP/hang.err"
# TEST REASON: $TMP/TEST was booted 2 times (--boots 2), at least one of them ended for REASON,
# and the other for REASON or a TCG artifact of its own (an int3 oops, a panic before /init:
# under load two of three boots hit it before reaching the command)
two_boots() {
	grep -qx 'boots: 2' "$TMP/$1/vm-run.txt" || fail "$1: not booted 2 times"
	[ "$(grep -cE "^(status|boot_[0-9]): .*$2" "$TMP/$1/vm-run.txt")" -ge 1 ] || fail "$1: no boot says '$2'"
	[ "$(grep -E '^(status|boot_[0-9]): ' "$TMP/$1/vm-run.txt" | grep -cvE "$2|Oops: int3|before /init")" = 0 ] ||
		fail "$1: a boot ended for another reason: $(grep -E '^(status|boot_[0-9]): ' "$TMP/$1/vm-run.txt")"
}
two_boots hang 'hung: no /init within 8 s'
tail -n 1 "$TMP/hang.err" | grep -q 'hung: no /init within 8 s' || fail "hang: last line does not say it hung"
# a guest silent after /init (suspended to idle: nothing wakes it) hung too: vm/init says
# "alive" every 10 s while the command runs, so silence for --boot-timeout is a hang
# (20 s: the boot itself must reach /init within it, with another guest beside this one)
if "$LAZYTLB" vm run "$booted" -o "$TMP/silent" --timeout 120 --boot-timeout 20 --boots 2 \
	--cmd 'echo freeze > /sys/power/state' 2> "$TMP/silent.err"; then
	fail "vm run succeeded on a guest that went silent"
fi
cat "$TMP/silent.err"
two_boots silent 'hung: console silent for 20 s after /init'
# a lockup report (RCU stall, soft lockup, stuck CSD lock) ends the boot 5 s later, not at the
# timeout, and boots again. No lockup can be caused on demand here (no test modules in these
# kernels), so the guest prints the report line of the one seen in a CI run's kernel (6.1 RCU).
t_stall=$SECONDS
if "$LAZYTLB" vm run "$booted" -o "$TMP/stall" --timeout 200 --boots 2 \
	--cmd 'printf "rcu: INFO: rcu_sched detected %s\n" "stalls on CPUs/tasks:" > /dev/console; sleep 600' \
	2> "$TMP/stall.err"; then
	fail "vm run succeeded on a guest that reported a stall"
fi
cat "$TMP/stall.err"
two_boots stall 'stalled: rcu: INFO: rcu_sched detected stalls'
[ $((SECONDS - t_stall)) -lt 80 ] || fail "stall: 2 boots took $((SECONDS - t_stall)) s, not ended after the report"
echo "ok: $ran x86_64 guest(s) booted"
