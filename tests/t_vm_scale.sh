#!/usr/bin/env bash
# The oracles at scale: one guest with 132 vCPUs (LT_SCALE_KERNEL, default debian-6.12-amd64;
# LT_SCALE_SMP; `vm run` picks the big-guest settings, vm_scale.c) and one `record --whatif` of
# a generator on CPU 100 (past 64) against a user-mode spinner of its mm on CPU 130 (past 128),
# every other CPU idle: TLB flushes (munmap of 64 KiB regions), then private expedited
# membarriers. The checks (tests/checks/scale.py, x86_64 and ppc64le): IPIs vs the guest's
# /proc/interrupts in all and per CPU, calls queued = run, remote flushes classified (x86) or
# done by tlbie (powerpc), and the what-if membarrier kernel_skipped = calls x idle CPUs.
# One boot, one record: ~2-3 min of a 2-CPU host. Skips when the image is not prepared.
# `make test-vm-scale-ppc` runs it on debian-6.12-ppc64el (not in the default run).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vm_lib.sh"
[ -x "$LAZYTLB" ] || skip "skipped: $LAZYTLB not built: run make"
K=${LT_SCALE_KERNEL:-debian-6.12-amd64}
N=${LT_SCALE_SMP:-132}
GEN=${LT_SCALE_GEN:-100} SPIN=${LT_SCALE_SPIN:-130}
SECS=${LT_SCALE_SECONDS:-4} # each workload's seconds (4: run.sh runs another guest beside it); LT_SCALE_MIN: the fewest calls checked
arch=$(kcfg "$K" arch)
vm_prepared "$K" "$arch" || skip "skipped: $K not prepared: run make vm-prepare"
[ "$SPIN" -lt "$N" ] && [ "$GEN" -lt "$N" ] || fail "LT_SCALE_GEN/SPIN ($GEN, $SPIN) must be below LT_SCALE_SMP ($N)"
cmd="lt-guest-info > info.txt
lazytlb record --whatif -q -o /out/r.json -- sh -c 'lazytlb workload tlbflush -C $GEN,$SPIN -t 2 -d $SECS \
	-p others=busy -p size=64K --json > /out/tlb.json &&
	lazytlb workload membarrier -C $GEN,$SPIN -t 2 -d $SECS -p others=busy -p rate=1000 --json > /out/mb.json'"
O=${LT_SCALE_OUT:-$TMP/g} # LT_SCALE_OUT: keep the guest's files there
t0=$SECONDS
"$LAZYTLB" vm run "$K" --smp "$N" -o "$O" --cmd "$cmd" ||
	fail "$K --smp $N: vm run failed (console: $(tail -n 3 "$O/console.log" 2>/dev/null))"
echo "$K with $N vCPUs: $((SECONDS - t0)) s; $(grep -E '^(big|guest_init_s|wall_s):' "$O/vm-run.txt" | tr '\n' ' ')"
grep -q '^big: yes' "$O/vm-run.txt" || fail "vm-run.txt: a $N-vCPU guest without the big-guest settings"
grep -qx "nr_cpus: $N" "$O/info.txt" || fail "the guest has $(grep nr_cpus "$O/info.txt"), not $N CPUs"
python3 "$(dirname "$0")/checks/scale.py" "$O" "$N" "$GEN" "$SPIN"
