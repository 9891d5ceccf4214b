#!/usr/bin/env bash
# tests/run.sh - the test runner behind `make test`.
#
# Runs, in order:
#   1. every C unit test tests/unit/*.c, built against the project's userspace
#      objects (each is a program that exits 0 on success, prints why otherwise);
#   2. every shell test tests/t_*.sh (exit 0 pass, 77 skip with a reason on
#      stdout, anything else fail).
# Ends with the line "N passed, N failed, N skipped".
# TESTS="t_foo t_bar" limits the run to those names; KIND=unit|host|vm to one kind (unit: the
# C tests, vm: t_vm_*, host: the other t_*; make test-unit, test-host, test-vm).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export LAZYTLB=${LAZYTLB:-$PWD/$BUILD/lazytlb}
pass=0 fail=0 skip=0
failed=()
mkdir -p "$BUILD/tests"
logdir="$BUILD/tests/logs"
mkdir -p "$logdir"

kind_of() { case $1 in test_*|t_layers|t_bpf_headers) echo unit ;; t_vm_*) echo vm ;; *) echo host ;; esac; }
want() {
	[ -z "${KIND:-}" ] || [ "$(kind_of "$1")" = "$KIND" ] || return 1
	[ -z "${TESTS:-}" ] || [[ " $TESTS " == *" $1 "* ]]
}

t_start=$(date +%s)
result() { # name rc log: one line, with the test's seconds (CI keeps to a time budget)
	local name=$1 rc=$2 log=$3 secs=$(( $(date +%s) - t_start ))
	if [ "$rc" = 0 ]; then
		pass=$((pass + 1)); echo "PASS $name (${secs} s)"
	elif [ "$rc" = 77 ]; then
		skip=$((skip + 1)); echo "SKIP $name (${secs} s): $(tail -n 1 "$log")"
	else
		fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name (rc=$rc, ${secs} s)"; sed 's/^/    | /' "$log" | tail -n 40
	fi
	t_start=$(date +%s)
}

for src in tests/unit/*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	want "$name" || continue
	log="$logdir/$name.log"
	# the Makefile's rule: the binary's own flags and objects
	if ! make -s --no-print-directory BUILD="$BUILD" "$BUILD/tests/$name" >"$log" 2>&1; then
		result "$name" 1 "$log"; continue
	fi
	timeout 300 "$BUILD/tests/$name" >>"$log" 2>&1
	result "$name" $? "$log"
done

for t in tests/t_*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	want "$name" || continue
	log="$logdir/$name.log"
	timeout 900 bash "$t" >"$log" 2>&1
	result "$name" $? "$log"
done

[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
