# Produce for run_consistency.py (sh; host or guest): LT = lazytlb, O = output directory.
mkdir -p "$O"
"$LT" run exit-lazy membarrier-busy idle-lazy ctxsw tlbflush collapse -r 2 -d 1 -w 0.2 -q -o "$O"
