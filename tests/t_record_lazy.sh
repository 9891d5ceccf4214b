#!/usr/bin/env bash
# Issue 2 check: a workload with a known number of sleep/wake cycles on an
# otherwise idle CPU yields at least that many lazy grabs and drops on that
# CPU, and refcount_atomics equals grabs + drops on this refcount kernel.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
"$LAZYTLB" record -q -C 1 -o "$TMP/r.json" -- \
  "$LAZYTLB" workload idle-lazy -C 1 -t 1 -d 2 -p sleep_us=2000 --json > "$TMP/w.json" || fail "record failed"
python3 - "$TMP" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1] + "/r.json")); w = json.load(open(sys.argv[1] + "/w.json"))
lazy = d["reps"][0]["metrics"]["lazy"]; cycles = w["ops"]
scheme = d["kernel"]["lazy_tlb_scheme"]
print(f"cycles {cycles} grabs {lazy['grabs']} drops {lazy['drops']} atomics {lazy['refcount_atomics']} scheme {scheme}"
      f" ({d['kernel']['scheme_source']}), hand-backs mm_count>=2: {lazy['handback']['mm_count_ge2']}")
bad = 0
if cycles < 300: print("too few cycles"); bad += 1
if lazy["grabs"] < cycles or lazy["drops"] < cycles: print("fewer lazy grabs/drops than sleep/wake cycles"); bad += 1
cfg = d["kernel"]["config"]
if cfg["CONFIG_MMU_LAZY_TLB_REFCOUNT"] == "y":
    if scheme != "refcount": print("config says refcount, result does not"); bad += 1
    if lazy["refcount_atomics"] != lazy["grabs"] + lazy["drops"]: print("refcount_atomics != grabs + drops"); bad += 1
    # independent of config: the borrowed mm comes back with the lazy reference still held
    hb = lazy["handback"]
    if hb["same_mm"] < cycles * 0.5 or hb["mm_count_ge2"] != hb["same_mm"] or hb["mm_count_le1"]:
        print("refcount kernel: every hand-back of a borrowed mm must see mm_count >= 2:", hb); bad += 1
    # the scheme named from observation alone (what a kernel without a config gets)
    if d["kernel"]["scheme_observed"] != "refcount":
        print(f"scheme_observed {d['kernel']['scheme_observed']} from {hb['delta_plus1']} +1 / {hb['delta_zero']} +0 hand-backs"); bad += 1
elif scheme == "shootdown" and lazy["refcount_atomics"] != 0:
    print("shootdown kernel with refcount atomics"); bad += 1
sys.exit(1 if bad else 0)
PY
