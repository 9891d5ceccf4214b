#!/usr/bin/env bash
# a workload with a known number of sleep/wake cycles on CPU 1 yields a lazy
# grab and drop on that CPU for each cycle whose sleep left the CPU to idle or a kthread, and
# refcount_atomics equals grabs + drops + exit_grabs on this refcount kernel. On a busy machine a sleep
# hands CPU 1 to another user task instead (no lazy switch: a CI run beside other tests saw
# 964 cycles, 115 grabs), so the bound counts those switches of the same run too.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
"$LAZYTLB" record -q -C 1 -o "$TMP/r.json" -- \
  "$LAZYTLB" workload idle-lazy -C 1 -t 1 -d 2 -p sleep_us=2000 --json > "$TMP/w.json" || fail "record failed"
python3 - "$TMP" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1] + "/r.json")); w = json.load(open(sys.argv[1] + "/w.json"))
lazy = d["reps"][0]["metrics"]["lazy"]; cycles = w["ops"]; sw = d["reps"][0]["metrics"]["switch"]
scheme = d["kernel"]["lazy_tlb_scheme"]
print(f"cycles {cycles} grabs {lazy['grabs']} drops {lazy['drops']} user->user switches {sw['user_to_user']}"
      f" atomics {lazy['refcount_atomics']} scheme {scheme}"
      f" ({d['kernel']['scheme_source']}), hand-backs mm_count>=2: {lazy['handback']['mm_count_ge2']}")
bad = 0
if cycles < 300: print("too few cycles"); bad += 1
# each sleep leaves CPU 1 to idle or a kthread (a lazy grab, dropped at the wake) or to
# another user task (no lazy switch); a cycle in flight at the end may straddle it
if min(lazy["grabs"], lazy["drops"]) + sw["user_to_user"] < cycles - 2:
    print("fewer lazy grabs/drops plus user->user switches than sleep/wake cycles"); bad += 1
cfg = d["kernel"]["config"]
if cfg["CONFIG_MMU_LAZY_TLB_REFCOUNT"] == "y":
    if scheme != "refcount": print("config says refcount, result does not"); bad += 1
    if lazy["refcount_atomics"] != lazy["grabs"] + lazy["drops"] + (lazy["exit_grabs"] or 0): print("refcount_atomics != grabs + drops + exit_grabs"); bad += 1
    # independent of config: the borrowed mm comes back with the lazy reference still held
    hb = lazy["handback"]
    lazy_cycles = min(cycles, lazy["drops"])
    if hb["same_mm"] < lazy_cycles * 0.3 or hb["mm_count_ge2"] != hb["same_mm"] or hb["mm_count_le1"]:
        print("refcount kernel: every hand-back of a borrowed mm must see mm_count >= 2:", hb); bad += 1
    # the scheme named from observation alone (what a kernel without a config gets)
    # (it names one from 16 hand-backs on: a busy CPU 1 may give fewer)
    if hb["same_mm"] >= 16 and d["kernel"]["scheme_observed"] != "refcount":
        print(f"scheme_observed {d['kernel']['scheme_observed']} from {hb['delta_plus1']} +1 / {hb['delta_zero']} +0 hand-backs"); bad += 1
elif scheme == "shootdown" and lazy["refcount_atomics"] != 0:
    print("shootdown kernel with refcount atomics"); bad += 1
sys.exit(1 if bad else 0)
PY
