#!/usr/bin/env bash
# tests/run.sh - the test runner behind `make test`.
#
# Runs, in order:
#   1. every C unit test tests/unit/*.c, built against the project's userspace
#      objects (each is a program that exits 0 on success, prints why otherwise);
#   2. every shell test tests/t_*.sh (exit 0 pass, 77 skip with a reason on
#      stdout, anything else fail).
# Ends with the line "N passed, N failed, N skipped".
# The host tests run one at a time (several count the machine's IPIs and membarrier calls); the
# qemu guest tests (t_vm_*) after them, VM_LANES (default 2) at a time, because a TCG guest
# mostly keeps one host CPU busy; a test marked "# run.sh: alone" (it runs guests in parallel
# itself, or compares shares of a vCPU's time) runs by itself first; a host test marked "# run.sh: lanes" (it does not look at the
# machine's interrupts) runs in the lanes too. Each line gives the test's wall and CPU seconds.
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

# run_test NAME CMD...: runs CMD with its log, then writes NAME.rc and NAME.secs ("wall cpu")
run_test() {
	local name=$1 t0=$(date +%s) TIMEFORMAT='%U %S' cpu rc; shift
	cpu=$( { time "$@" >"$logdir/$name.log" 2>&1; echo "rc $?" >&3; } 3>"$logdir/$name.rc" 2>&1 )
	read -r _ rc < "$logdir/$name.rc"
	echo "$rc" > "$logdir/$name.rc"
	awk -v w=$(( $(date +%s) - t0 )) '{ printf "%d %d\n", w, $1 + $2 + 0.5 }' <<<"$cpu" > "$logdir/$name.secs"
}
# result NAME: one line from NAME.rc and NAME.secs
result() {
	local name=$1 rc log=$logdir/$1.log wall cpu
	rc=$(cat "$logdir/$name.rc"); read -r wall cpu < "$logdir/$name.secs"
	local t="$wall s, cpu $cpu s"
	if [ "$rc" = 0 ]; then
		pass=$((pass + 1)); echo "PASS $name ($t)"
	elif [ "$rc" = 77 ]; then
		skip=$((skip + 1)); echo "SKIP $name ($t): $(tail -n 1 "$log")"
	else
		fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name (rc=$rc, $t)"; sed 's/^/    | /' "$log" | tail -n 40
	fi
}

for src in tests/unit/*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	want "$name" || continue
	# the Makefile's rule: the binary's own flags and objects
	if ! make -s --no-print-directory BUILD="$BUILD" "$BUILD/tests/$name" >"$logdir/$name.log" 2>&1; then
		echo 1 > "$logdir/$name.rc"; echo "0 0" > "$logdir/$name.secs"; result "$name"; continue
	fi
	run_test "$name" timeout 300 "$BUILD/tests/$name"
	result "$name"
done

vm_alone=() vm_lanes=()
for t in tests/t_*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	want "$name" || continue
	if grep -q '^# run.sh: alone' "$t"; then vm_alone+=("$name"); continue; fi
	if [ "$(kind_of "$name")" = vm ] || grep -q '^# run.sh: lanes' "$t"; then vm_lanes+=("$name"); continue; fi
	run_test "$name" timeout 900 bash "$t"
	result "$name"
done
for name in "${vm_alone[@]}"; do
	run_test "$name" timeout 900 bash "tests/$name.sh"
	result "$name"
done
lanes=${VM_LANES:-2}
declare -A running=()
for name in "${vm_lanes[@]}" ""; do
	while [ ${#running[@]} -ge "$lanes" ] || { [ -z "$name" ] && [ ${#running[@]} -gt 0 ]; }; do
		wait -n -p done_pid
		result "${running[$done_pid]}"
		unset "running[$done_pid]"
	done
	[ -n "$name" ] || break
	run_test "$name" timeout 900 bash "tests/$name.sh" &
	running[$!]=$name
done

[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
