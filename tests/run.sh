#!/usr/bin/env bash
# tests/run.sh - the test command (README, CI): install what is needed
# (as root; a failed install stops here), build with gcc and -Werror in
# the RelWithDebInfo and Release configurations, run every tier this
# machine supports (unit; bpf, netns and the benchmark smoke run need root
# and skip with a reason otherwise), then build with clang and ASan/UBSan,
# run the unit and bpf tiers under them, and fuzz the two parsers for
# FUZZ_SECONDS each (default 60). Logs go to a temporary directory
# (under TMPDIR) that is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
JOBS=$(nproc)
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/xskwall-tests.XXXXXX")
trap 'rm -rf "$LOGS"' EXIT
passed=0 failed=0 skipped=0

if [ "$(id -u)" = 0 ]; then
	bash tests/install-deps.sh --bench ||
		{ echo "tests: installing the packages failed (above); stopping" >&2; exit 1; }
else
	echo "not root: packages are not installed; the bpf, netns and bench tiers will skip"
fi

# tally LOG: add one ctest run's numbers to the totals
tally() {
	local total fails skips
	total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$1" | tail -1)
	fails=$(sed -n 's/.*, \([0-9]*\) tests failed out of.*/\1/p' "$1" | tail -1)
	skips=$(grep -c '(Skipped)$' "$1" || true)
	passed=$((passed + ${total:-0} - ${fails:-0} - skips))
	failed=$((failed + ${fails:-0}))
	skipped=$((skipped + skips))
}

run_ctest() { # BUILD_DIR LOG [ctest args]
	local dir=$1 log=$2
	shift 2
	(cd "$dir" && ctest --output-on-failure "$@") 2>&1 | tee "$log" || true
	tally "$log"
}

echo "== gcc build (-Werror)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$JOBS"
echo "== Release build (-Werror), the build type of the benchmark and of an operator"
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release -j"$JOBS"

echo "== all tiers: unit, bpf, netns, bench"
run_ctest build "$LOGS/gcc.log"

echo "== clang build with ASan and UBSan, fuzzers"
CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
	-DFW_SANITIZE=address,undefined -DFW_FUZZ=ON >/dev/null
cmake --build build-asan -j"$JOBS"
run_ctest build-asan "$LOGS/asan.log" -L 'unit|bpf'

for target in fuzz_parse fuzz_config fuzz_request; do
	corpus=$(mktemp -d "$LOGS/$target.XXXXXX")
	data=tests/data/${target//_/-}
	dict=()
	[ -d "$data-seeds" ] && cp -r "$data-seeds"/. "$corpus"/
	[ "$target" = fuzz_parse ] && build-asan/tests/fuzz/make_parse_seeds "$corpus"
	[ -f "$data.dict" ] && dict=(-dict="$data.dict")
	echo "== $target for ${FUZZ_SECONDS}s"
	if build-asan/tests/fuzz/$target -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
		"${dict[@]}" "$corpus" >"$LOGS/$target.log" 2>&1; then
		passed=$((passed + 1))
		grep -E 'stat::number_of_executed_units|Done' "$LOGS/$target.log" | tail -2
	else
		failed=$((failed + 1))
		tail -40 "$LOGS/$target.log"
	fi
done

echo
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
