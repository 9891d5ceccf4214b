# tests/lib.sh - helpers sourced by tests/t_*.sh
# A test exits 0 on pass, 77 to skip (last stdout line says why), else fails.
set -u
LAZYTLB=${LAZYTLB:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/lazytlb}
TMP=$(mktemp -d /tmp/lazytlb-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "$*"; exit 77; }
need_root() { [ "$(id -u)" = 0 ] || skip "needs root"; }
# jq-free JSON queries: jget FILE 'python expression on d'
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
CHECKS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/checks
# lazytlb BPF programs still loaded (their names end in the variant: sched_switch__tp_btf, ...),
# leaving out those loaded before this test began: on a shared machine a tracer someone else
# started earlier is not this test's leak
LT_T0=$(date +%s)
lt_progs_loaded() {
	bpftool -j prog show 2>/dev/null | LT_T0=$LT_T0 python3 -c '
import json, os, re, sys
t0 = int(os.environ["LT_T0"])
try: progs = json.load(sys.stdin)
except ValueError: progs = []
print(sum(1 for p in progs if re.search(r"__(tp_btf|raw_tp|tracepoint|fentry|fexit|kprobe|kretprobe)$", p.get("name", ""))
          and p.get("loaded_at", t0) >= t0))'
}
# ... polled up to 5 s (the kernel frees programs asynchronously): prints the last count
lt_progs_gone() { local n; for _ in $(seq 20); do n=$(lt_progs_loaded); [ "$n" = 0 ] && break; sleep 0.25; done; echo "$n"; }
