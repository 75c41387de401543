#!/usr/bin/env bash
# tests/meta/test_run_sh.sh - tests/run.sh against stubbed commands: a
# failed package install as root stops the run and says so (never "not
# root"); without root nothing is installed; the temporary log directory
# is gone after every exit; the tier banner names every ctest label.
set -uo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/xskwall-runsh.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0

check() { # NAME MEASURED EXPECTED
	if [ "$2" = "$3" ]; then
		echo "ok   $1"
	else
		echo "FAIL $1: measured '$2', expected '$3'"
		fails=$((fails + 1))
	fi
}

# setup UID INSTALL_RC CMAKE_RC: a copy of run.sh beside stubbed tools
setup() {
	rm -rf "$T/repo" "$T/bin" "$T/tmp" "$T/calls"
	mkdir -p "$T/repo/tests" "$T/bin" "$T/tmp"
	cp "$SRC/tests/run.sh" "$T/repo/tests/run.sh"
	printf '#!/bin/sh\necho install >>"%s/calls"\nexit %s\n' "$T" "$2" >"$T/repo/tests/install-deps.sh"
	printf '#!/bin/sh\necho %s\n' "$1" >"$T/bin/id"
	printf '#!/bin/sh\necho cmake >>"%s/calls"\nexit %s\n' "$T" "$3" >"$T/bin/cmake"
	printf '#!/bin/sh\necho "100%% tests passed, 0 tests failed out of 1"\n' >"$T/bin/ctest"
	chmod +x "$T/bin/"*
}

run() { # -> $T/out, returns run.sh's status
	PATH="$T/bin:$PATH" TMPDIR="$T/tmp" bash "$T/repo/tests/run.sh" >"$T/out" 2>&1
}

calls() { tr '\n' ' ' <"$T/calls" 2>/dev/null | sed 's/ $//'; }
leftover() { find "$T/tmp" -mindepth 1 -maxdepth 1 | wc -l; }

setup 0 1 0
run; rc=$?
check "root, failed install: exit status" "$rc" 1
check "root, failed install: says so" "$(grep -c 'installing the packages failed' "$T/out")" 1
check "root, failed install: never says 'not root'" "$(grep -c 'not root' "$T/out")" 0
check "root, failed install: builds nothing" "$(calls)" install
check "root, failed install: log directory removed" "$(leftover)" 0

setup 1000 0 1
run; rc=$?
check "not root: says so" "$(grep -c '^not root' "$T/out")" 1
check "not root: installs nothing, builds" "$(calls)" cmake
check "not root, failed build: exit status" "$((rc != 0))" 1
check "not root, failed build: log directory removed" "$(leftover)" 0

# Everything stubbed to succeed up to the fuzzers, which do not exist here.
setup 0 0 0
run
banner=$(sed -n 's/^== all tiers: //p' "$T/out")
labels=$(grep -ho 'LABELS "[a-z;]*"' "$SRC"/tests/*/CMakeLists.txt "$SRC"/bench/CMakeLists.txt | sed 's/LABELS "//; s/"//' |
	tr ';' '\n' | grep -vx root | sort -u | tr '\n' ' ')
named=$(echo "$banner" | tr -d ',' | tr ' ' '\n' | grep -v '^$' | sort -u | tr '\n' ' ')
check "the tier banner names every ctest label" "$named" "$labels"
check "after a full run: log directory removed" "$(leftover)" 0

echo "test_run_sh: $fails failed"
[ "$fails" = 0 ]
