#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS FUZZER... - run each libFuzzer harness for SECONDS from its seeds
# (tests/fuzz/corpus/<name without fuzz_>/, copied once to build-fuzz/corpus-<name>/, which
# keeps what it finds). Exit 1 on the first crash, leak or sanitizer report (the input that
# did it is in build-fuzz/artifacts/). One summary line per harness.
set -u
cd "$(dirname "$0")/../.."
secs=${1:?usage: tests/fuzz/run.sh SECONDS FUZZER...}; shift
mkdir -p build-fuzz/artifacts
rc=0
for fz in "$@"; do
	name=$(basename "$fz"); short=${name#fuzz_}
	corpus=build-fuzz/corpus-$short
	[ -d "$corpus" ] || { mkdir -p "$corpus"; cp tests/fuzz/corpus/$short/* "$corpus/"; }
	log=build-fuzz/$name.log
	# -close_fd_mask=2: the readers' one-line errors on stderr would drown the log
	"$fz" "$corpus" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -max_len=262144 \
		-artifact_prefix=build-fuzz/artifacts/$name- -close_fd_mask=2 -print_final_stats=1 > "$log" 2>&1
	r=$?
	execs=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
	cov=$(grep -a -o 'cov: [0-9]*' "$log" | tail -1)
	echo "$name: ${secs} s, ${execs:-?} runs, ${cov:-cov ?}, corpus $(ls "$corpus" | wc -l) files, exit $r"
	if [ $r != 0 ]; then
		grep -a -E 'ERROR|SUMMARY|==[0-9]+==|runtime error|abort' "$log" | head -20
		ls -t build-fuzz/artifacts/ | head -3
		rc=1
	fi
done
exit $rc
