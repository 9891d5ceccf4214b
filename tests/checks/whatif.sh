# Produce for whatif.py (sh; host or guest): LT = lazytlb, O = output directory.
# CPU 0 maps, touches and zaps 2 MiB-aligned regions while the process's thread on CPU 1
# naps 20 ms at a time (sleep) or spins in user mode (busy):
#  - munmap of whole regions, thp=off: each frees its PTE tables, so x86 IPIs every CPU in
#    mm_cpumask, the lazy ones too (with THP "always", Debian's default, the region is one
#    huge page and munmap frees no page table: hence thp=off);
#  - punch: madvise(MADV_DONTNEED) of all but the first page of a region that stays mapped:
#    no table freed (whole-region MADV_DONTNEED frees empty tables since 6.15, PT_RECLAIM),
#    so x86 leaves the lazy CPU out itself.
mkdir -p "$O"
# CPU 1's time split (/proc/stat) over each record: the independent side of the check
# (read by the traced command itself: the collector's load time is not the workload's)
for run in sleep busy punch; do
	others=$run mode=munmap
	[ "$run" = punch ] && others=sleep mode=punch
	"$LT" record --whatif -q -C 0 -o "$O/$run.json" -- sh -c "grep '^cpu1 ' /proc/stat > '$O/$run.stat0'
		'$LT' workload tlbflush -C 0-1 -t 2 -d '${LT_WHATIF_S:-2}' -p mode=$mode -p thp=off \
			-p others=$others -p nap_us=20000 > /dev/null || exit 1
		grep '^cpu1 ' /proc/stat > '$O/$run.stat1'" || exit 1
done
# membarrier private expedited from CPU 0 while the thread on CPU 1 naps (CPU 1 idle: the kernel
# skips it, rq->curr->mm is not ours) or spins in user mode of the same mm (IPI'd every call)
# (LT_WHATIF_MB=0: left out; t_vm_tlb_ipis does, matrix.py checks membarrier on every guest)
[ "${LT_WHATIF_MB:-1}" = 0 ] || for run in mbsleep mbbusy; do
	others=sleep
	[ "$run" = mbbusy ] && others=busy
	"$LT" record --whatif -q -o "$O/$run.json" -- sh -c "grep '^cpu1 ' /proc/stat > '$O/$run.stat0'
		'$LT' workload membarrier -C 0-1 -t 2 -d 1 -p others=$others -p nap_us=20000 -p rate=2000 \
			--json > '$O/$run.wl.json' || exit 1
		grep '^cpu1 ' /proc/stat > '$O/$run.stat1'" || exit 1
done
