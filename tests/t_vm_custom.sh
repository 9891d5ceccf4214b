#!/usr/bin/env bash
# The custom pairs: the same Debian linux-source-6.12 built as shipped and patched
# (kernels-config/custom-*.kcfg, make custom-kernels), booted under qemu, exit-lazy + ctxsw:
#  - each kernel runs the release it was built as, the result's scheme is the kcfg's, read
#    from its own /proc/config.gz, and the guest kernel did not WARN (the x86 shootdown patch
#    exists because the bare select WARNs in __mmdrop);
#  - refcount kernel: refcount atomics > 0 in every rep, no shoot-lazy calls;
#  - shootdown kernel: refcount atomics 0, shoot-lazy calls > 0 on exit-lazy, and what-if
#    curr-mm-differs never skips more shoot-lazy IPIs than were sent;
#  - `lazytlb compare` refcount vs shootdown marks both changes.
# Then each kernel that carries a what-if filter (a kcfg with `twin` and `whatif`) against its
# twin: every scenario of its `whatif_scenarios`, 5 reps each, `lazytlb whatif-check` must
# agree (the drop per op the patch gives is the what-if's prediction on the twin, within the
# 95% interval) and find nothing lost (kept_on_purpose IPIs, workload); no guest WARNING.
# Each twin against the Debian kernel of the same 6.12 (its kcfg's `debian` keys): per op, no
# significant difference in the counts none of the twin's patches touch, and a difference in
# those they do (tests/checks/twin_debian.py).
# A pair is skipped, saying so, when its images are not built (15-21 min each on 2 CPUs).
# CUSTOM_ARCHES (default x86_64) limits the arches; `make test-patched` runs x86_64 and ppc64le.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vm_lib.sh"
[ -x "$LAZYTLB" ] || skip "skipped: $LAZYTLB not built: run make"
# CUSTOM_ARCHES: the arches whose kernels run (default x86_64: the ppc64le guests cost CI
# about as much again; make test-patched runs both)
arches=${CUSTOM_ARCHES:-x86_64}
# the what-if kernels against their twins: one boot per kernel runs all its whatif_scenarios
# (WHATIF_REPS reps of WHATIF_SECONDS s, default 5 x 1 s on x86_64, 5 x 2 s on ppc64le: TCG
# runs the powerpc exit workloads at ~6 ops/s); one boot, not one per scenario, saves a boot
# and a collector load per scenario
run_scns() { # KERNEL SCENARIOS DIR SECONDS
	"$LAZYTLB" vm run "$1" -o "$3" --timeout 900 \
		--cmd "lazytlb run $2 -r ${WHATIF_REPS:-5} -d $4 -w 0.2 -o /out > run.log 2>&1" ||
		fail "$1 $2: vm run failed (console: $(tail -n 3 "$3/console.log" 2>/dev/null); run: $(tail -n 3 "$3/run.log" 2>/dev/null))"
	grep -qx 'kernel_warnings: 0' "$3/vm-run.txt" ||
		fail "$1: the guest kernel warned: $(grep first_warning "$3/vm-run.txt")"
}
# the what-if scenarios of the kernels whose twin is KERNEL (on ARCH), for its one boot
twin_scns() { # KERNEL ARCH
	local kc
	for kc in "$ROOT"/kernels-config/custom-*.kcfg; do
		[ "$(kcfg "$(basename "$kc" .kcfg)" twin)" = "$1" ] || continue
		kcfg "$(basename "$kc" .kcfg)" whatif_scenarios | tr ' ' '\n' | grep -vx 'exit-lazy\|ctxsw'
	done | sort -u | tr '\n' ' '
}
secs_of() { echo "${WHATIF_SECONDS:-$([ "$1" = ppc64le ] && echo 2 || echo 1)}"; }
ran=0 missing= off=
for pair in amd64:x86_64 ppc64el:ppc64le; do
	a=custom-6.12-${pair%%:*}-refcount b=custom-6.12-${pair%%:*}-shootdown arch=${pair#*:}
	[[ " $arches " == *" $arch "* ]] || { off="$off $a/$b"; continue; }
	if ! vm_prepared "$a" "$arch" || ! vm_prepared "$b" "$arch"; then
		missing="$missing $a/$b"
		continue
	fi
	# one boot per kernel: a kernel that is a what-if kernel's twin also runs the what-if
	# scenarios here, and the what-if loop below reuses them
	for k in "$a" "$b"; do
		run_scns "$k" "exit-lazy ctxsw $(twin_scns "$k" "$arch")" "$TMP/w-$k" "$(secs_of "$arch")"
	done
	python3 - "$TMP" "$a" "$b" "$ROOT/cache/kernels" <<'PY' || exit 1
import json, sys
t, a, b, cache = sys.argv[1:]; bad = 0
for k, scheme in ((a, "refcount"), (b, "shootdown")):
    rel = open(f"{cache}/{k}/release").read().strip()
    for scn in ("exit-lazy", "ctxsw"):
        d = json.load(open(f"{t}/w-{k}/{scn}.json")); kern = d["kernel"]
        print(f"{k} {scn}: {kern['release']} scheme {kern['lazy_tlb_scheme']} ({kern['scheme_source']}: {kern.get('config_source')})")
        if kern["release"] != rel: print(f"  runs {kern['release']}, built {rel}"); bad += 1
        if kern["lazy_tlb_scheme"] != scheme or kern["scheme_source"] != "config" or kern.get("config_source") != "/proc/config.gz":
            print(f"  expected {scheme} from /proc/config.gz"); bad += 1
        for i, r in enumerate(d["reps"]):
            m = r["metrics"]; a_ = m["lazy"]["refcount_atomics"]; md = m["mmdrop"]; ipi = m["ipi"]["by_cause"]
            print(f"  rep {i}: ops {r['workload']['ops']} atomics {a_} grabs {m['lazy']['grabs']} drops {m['lazy']['drops']}"
                  f" mmdrop {md['mmdrop']} shoot-lazy calls {md['shoot_lazy_calls']} IPIs {md['shoot_lazy_ipis']}"
                  f" (by cause {ipi['shoot_lazy'] if ipi else None})")
            if scheme == "refcount" and not (a_ and a_ > 0): print("  refcount kernel without refcount atomics"); bad += 1
            if scheme == "refcount" and md["shoot_lazy_calls"]: print("  refcount kernel with shoot-lazy calls"); bad += 1
            if scheme == "shootdown" and a_ != 0: print("  shootdown kernel with refcount atomics"); bad += 1
            if scheme == "shootdown" and scn == "exit-lazy":
                if not md["shoot_lazy_calls"]: print("  no shoot-lazy calls"); bad += 1
                w = m["whatif"]["curr-mm-differs"]["by_cause"]["shoot_lazy"]
                print(f"    what-if curr-mm-differs on shoot-lazy IPIs: {w}")
                if w["seen"] != md["shoot_lazy_ipis"] or w["skip"] > w["seen"]:
                    print("  curr-mm-differs: seen != shoot-lazy IPIs sent, or skips more than seen"); bad += 1
sys.exit(1 if bad else 0)
PY
	vm_compare_marks "$TMP/w-$a/exit-lazy.json" "$TMP/w-$b/exit-lazy.json" \
		metrics.lazy.refcount_atomics metrics.mmdrop.shoot_lazy_calls
	ran=$((ran + 1))
done
for kc in "$ROOT"/kernels-config/custom-*.kcfg; do
	b=$(basename "$kc" .kcfg) a=$(kcfg "$b" twin) w=$(kcfg "$b" whatif) arch=$(kcfg "$b" arch)
	[ -n "$a" ] && [ -n "$w" ] || continue
	[[ " $arches " == *" $arch "* ]] || { off="$off $b"; continue; }
	if ! vm_prepared "$a" "$arch" || ! vm_prepared "$b" "$arch"; then
		missing="$missing $a/$b"
		continue
	fi
	wargs=()
	for p in $w; do wargs+=(-w "$p"); done
	secs=$(secs_of "$arch")
	scns=$(kcfg "$b" whatif_scenarios)
	for k in "$a" "$b"; do
		[ -f "$TMP/w-$k/vm-run.txt" ] || run_scns "$k" "$scns" "$TMP/w-$k" "$secs"
	done
	for scn in $scns; do
		# each ran the kernel built for it; the patched one has table-sync-mm.patch's function
		python3 - "$TMP" "$a" "$b" "$scn" "$ROOT/cache/kernels" "$(kcfg "$b" build_patches)" <<'PY2' || exit 1
import json, sys
t, a, b, scn, cache, patches = sys.argv[1:]; bad = 0
for k in (a, b):
    d = json.load(open(f"{t}/w-{k}/{scn}.json"))
    rel = open(f"{cache}/{k}/release").read().strip()
    if d["kernel"]["release"] != rel: print(f"{k}: runs {d['kernel']['release']}, built {rel}"); bad += 1
    ts = [p for p in d["probes"] if p["name"] == "table_sync"]
    want = "tlb_remove_table_sync_mm" if k == b and "table-sync-mm.patch" in patches else "tlb_remove_table_sync_one"
    if ts and ts[0]["target"] and ts[0]["target"] != want: print(f"{k}: table_sync hooked {ts[0]['target']}, want {want}"); bad += 1
sys.exit(1 if bad else 0)
PY2
		"$LAZYTLB" whatif-check "$TMP/w-$a/$scn.json" "$TMP/w-$b/$scn.json" "${wargs[@]}" > "$TMP/wc.txt" 2>&1
		rc=$?
		sed "s/^/  /" "$TMP/wc.txt"
		[ "$rc" = 0 ] || fail "$b vs $a, $scn: whatif-check exit $rc (the prediction and the patch disagree, or it lost IPIs it must keep)"
	done
	# the twin against the Debian kernel of the same version (kcfg key debian): no significant
	# difference per op in the counts none of the twin's patches touch
	deb=$(kcfg "$a" debian)
	if [ -n "$deb" ] && vm_prepared "$deb" "$arch"; then
		dscns=$(kcfg "$a" debian_scenarios)
		run_scns "$deb" "$dscns" "$TMP/d-$deb" "$secs"
		python3 "$CHECKS/twin_debian.py" "$TMP/w-$a" "$TMP/d-$deb" "$dscns" "$(kcfg "$a" debian_same)" \
			"$(kcfg "$a" debian_different)" "$w" || fail "$a differs from $deb where its patches do not reach"
	elif [ -n "$deb" ]; then
		echo "$deb not prepared: $a not compared with it"
	fi
	ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || skip "skipped: custom kernels not built:$missing (make custom-kernels: about 35 min per arch pair on 2 CPUs)"
[ -z "$missing" ] || echo "not built, not run:$missing"
[ -z "$off" ] || echo "other arches, not run (CUSTOM_ARCHES=\"$arches\"; make test-patched runs every arch):$off"
echo "ok: $ran custom pair(s) and what-if kernel(s)"
