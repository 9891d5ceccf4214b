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
