# Produce for record_ipis.py (sh; host or guest): LT = lazytlb, O = output directory.
# TLB-shootdown, membarrier and cross-CPU wakeup traffic between two threads on two CPUs under
# one `lazytlb record`, which counts senders of IPIs to CPU 1 only (--target-cpus 1). A user-mode spinner shares CPU 1 with ctxsw during its phase: wakeups
# of a busy CPU preempt through reschedule IPIs (RES).
mkdir -p "$O"
W="$LT workload"
"$LT" record -q --target-cpus 1 -o "$O/r.json" -- sh -c "
  $W tlbflush -C 0-1 -t 2 -d 1.5 -p others=busy -p size=${LT_TLB_SIZE:-2M} --json > $O/tlb.json &&
  $W membarrier -C 0-1 -t 2 -d 1.5 -p others=busy --json > $O/mb.json &&
  { timeout 2 taskset -c 1 sh -c 'while :; do :; done' & } &&
  $W ctxsw -C 0-1 -t 2 -d 1 --json > $O/cs.json"
