# vm/kcfg.sh - sourced by the vm/ scripts and the VM tests: read kernels-config/*.kcfg through
# lazytlb's one kcfg reader (`lazytlb vm kcfg NAME KEY`, userspace/vm/kcfg.c), so the scripts
# and the binary cannot disagree on a file (format: kernels-config/README.md).
# kcfg_get FILE KEY: KEY's value in FILE (DIR/kernels-config/NAME.kcfg), "" when absent; a file
# the reader refuses fails with its one-line reason on stderr.
KCFG_LAZYTLB=${LAZYTLB:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/lazytlb}
kcfg_get() {
	[ -x "$KCFG_LAZYTLB" ] || { echo "vm/kcfg.sh: $KCFG_LAZYTLB not built (run make)" >&2; return 1; }
	LAZYTLB_ROOT=$(cd "$(dirname "$1")/.." && pwd) "$KCFG_LAZYTLB" vm kcfg "$(basename "$1" .kcfg)" "$2"
}
