# tests/netns/lib.sh - shared helpers for the end-to-end tests (sourced).
#
# Each test builds its own lab (tests/lab/lab.sh, a prefix unique to the test),
# runs xskwall in the fw namespace, drives traffic with xskwall-probe, and
# removes everything on exit. Exit codes: 0 pass, 1 fail, 77 skip (ctest
# SKIP_RETURN_CODE) with the reason printed.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/../lab/labctl.sh"
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "/tmp/xskwall-$TEST_NAME.XXXXXX")
LAB_PREFIX=xwt$$
FAILS=0

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok - $*"; }
# check DESCRIPTION [!] COMMAND...: pass when the command succeeds (fails, with !)
check() {
	local d=$1 want=0 rc=0
	shift
	if [ "$1" = "!" ]; then want=1; shift; fi
	"$@" || rc=$?
	if { [ $want = 0 ] && [ $rc = 0 ]; } || { [ $want = 1 ] && [ $rc != 0 ]; }; then
		ok "$d"
	else
		fail "$d"
	fi
}
finish() { if ((FAILS)); then echo "$FAILS check(s) failed"; exit 1; fi; echo "all passed"; }

requirements() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, XDP, AF_XDP)"
	command -v ip >/dev/null || skip "iproute2 is not installed"
	[ -x "$XSKWALL" ] || skip "$XSKWALL is not built"
	ip netns add "$LAB_PREFIX-probe" 2>/dev/null || skip "cannot create network namespaces"
	ip netns del "$LAB_PREFIX-probe"
}

cleanup() {
	if [ -n "$FW_PID" ] && kill -0 "$FW_PID" 2>/dev/null; then
		kill -TERM "$FW_PID" 2>/dev/null || true
		wait "$FW_PID" 2>/dev/null || true
	fi
	jobs -p | xargs -r kill 2>/dev/null || true
	[ -n "${KEEP_LOG:-}" ] && cp "$FW_LOG" "$KEEP_LOG" 2>/dev/null || true
	"$LAB" down -p "$LAB_PREFIX" >/dev/null 2>&1 || true
	rm -rf "$WORK"
}

lab_up() {
	requirements
	trap cleanup EXIT
	"$LAB" up -p "$LAB_PREFIX" -q "${1:-1}"
	lab_attach "$LAB_PREFIX"
}

