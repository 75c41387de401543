#!/usr/bin/env bash
# tests/meta/test_prefetch_kept.sh - the compiled fast path still has its
# prefetches. GCC once dropped every one of them (it took the functions
# that only load and prefetch for pure and removed their calls), and no
# functional test can see that: only the speed changes. Counts the
# prefetch instructions in the objects of classify.c (the batch's table
# and verdict prefetches) and worker.c (the per-rule counters).
#   test_prefetch_kept.sh LIBFASTPATH_CORE.a LIBFASTPATH.a
set -uo pipefail
case "$(uname -m)" in
x86_64 | i?86) ;;
*) echo "SKIP: the check reads x86 prefetch instructions"; exit 77 ;;
esac
command -v objdump >/dev/null || { echo "SKIP: objdump is missing (binutils)"; exit 77; }
fails=0

# prefetches ARCHIVE MEMBER: prefetch instructions in one object of it
prefetches() {
	objdump -d --no-show-raw-insn "$1" |
		awk -v m="$2" '/file format/ { inm = index($1, m ":") == 1 } inm && /\tprefetch/ { n++ }
			END { print n + 0 }'
}

check() { # NAME MEASURED AT_LEAST
	if [ "$2" -ge "$3" ]; then
		echo "ok   $1: $2 prefetch instructions"
	else
		echo "FAIL $1: measured $2 prefetch instructions, expected at least $3"
		fails=$((fails + 1))
	fi
}

check "classify.c keeps its batch prefetches" "$(prefetches "$1" classify.c.o)" 3
check "worker.c keeps its counter prefetch" "$(prefetches "$2" worker.c.o)" 1
((fails == 0)) || exit 1
