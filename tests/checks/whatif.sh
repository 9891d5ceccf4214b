# Produce for whatif.py (sh; host or guest): LT = lazytlb, O = output directory.
# CPU 0 maps, touches and unmaps whole 2 MiB-aligned regions while the process's thread on
# CPU 1 naps 20 ms at a time (sleep) or spins in user mode (busy). thp=off: with THP
# "always" (Debian's kernels) the region is one huge page, munmap frees no page table and x86
# rightly skips the lazy CPU; the construction needs PTE tables to free.
mkdir -p "$O"
# CPU 1's time split (/proc/stat) over each record: the independent side of the check
for others in sleep busy; do
	grep '^cpu1 ' /proc/stat > "$O/$others.stat0"
	"$LT" record --whatif -q -C 0 -o "$O/$others.json" -- "$LT" workload tlbflush -C 0-1 -t 2 \
		-d "${LT_WHATIF_S:-2}" -p mode=munmap -p thp=off -p others=$others -p nap_us=20000 > /dev/null || exit 1
	grep '^cpu1 ' /proc/stat > "$O/$others.stat1"
done
