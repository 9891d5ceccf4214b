#!/usr/bin/env bash
# Bad input gives a one-line error and a non-zero exit, never a crash or a
# half-written result file.
. "$(dirname "$0")/lib.sh"
check() { # expected-rc description command...
  local want=$1 what=$2; shift 2
  "$@" > "$TMP/out" 2> "$TMP/err"; local rc=$?
  [ $rc = "$want" ] || fail "$what: exit $rc, want $want ($(cat "$TMP/err"))"
  [ "$(wc -l < "$TMP/err")" = 1 ] || fail "$what: not a one-line error: $(cat "$TMP/err")"
  echo "ok: $what -> $(cat "$TMP/err")"
}
check 2 "unknown flag" "$LAZYTLB" record --bogus
check 2 "bad duration" "$LAZYTLB" record -d abc
check 2 "negative duration" "$LAZYTLB" record -d -3
check 2 "missing BTF file" "$LAZYTLB" record --btf /nonexistent/vmlinux.btf
check 2 "unknown command" "$LAZYTLB" frobnicate
check 2 "probes extra arg" "$LAZYTLB" probes extra
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  check 1 "not root" setpriv --reuid=65534 --regid=65534 --clear-groups "$LAZYTLB" record -d 1 -o "$TMP/x.json"
  [ ! -e "$TMP/x.json" ] || fail "result file written without root"
  check 2 "bad cpu list" "$LAZYTLB" record -C 0-x -d 1 -o "$TMP/y.json" || true
  check 1 "unwritable output" "$LAZYTLB" record -q -d 0.2 -o /nonexistent/dir/r.json
  ls /nonexistent/dir 2>/dev/null && fail "partial output left"
fi
exit 0
