#!/usr/bin/env bash
# tests/unit/test_unitfile.sh BUILD [HAVE_XSKWALLCTL] - checks the systemd
# unit xskwall.service as `cmake --install BUILD --prefix TMP` writes it:
# `systemd-analyze verify` reports nothing about it (its syntax, every Exec
# binary present in TMP, the Documentation= man pages found under
# TMP/share/man), `systemd-analyze security --offline` rates its exposure
# at most FW_MAX_EXPOSURE, and the settings issue 9 asks for are there.
# The checker is run on broken copies too, and must reject each of them.
# HAVE_XSKWALLCTL is 0 when the build has no xskwallctl target: then the
# one complaint about the missing ExecReload binary is tolerated, and said.
# Needs no privileges; exit 77 (skip) without systemd-analyze.
set -euo pipefail

build=${1:?usage: test_unitfile.sh BUILD_DIR [HAVE_XSKWALLCTL]}
have_ctl=${2:-1}
FW_MAX_EXPOSURE=55 # systemd-analyze security, x10: 5.5 MEDIUM; the unit rates 5.1

command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze is not installed"; exit 77; }

tmp=$(mktemp -d /tmp/xskwall-unitfile.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

prefix=$tmp/prefix
if ! out=$(cmake --install "$build" --prefix "$prefix" 2>&1); then
	echo "$out"
	echo "FAIL: cmake --install $build --prefix $prefix failed"
	exit 1
fi
unit=$prefix/lib/systemd/system/xskwall.service
[ -f "$unit" ] || { echo "FAIL: no unit at $unit (installed: $(cd "$prefix" && find . -type f | tr '\n' ' '))"; exit 1; }

# verify_quiet UNIT: systemd-analyze verify exits 0 and prints no line
# (it only warns, exit 0, about unknown keys and bad values). Prints what it
# said; returns 1 on any complaint.
man_opt=--man=yes
command -v man >/dev/null || man_opt=--man=no
verify_quiet() {
	local u=$1 rc=0 said
	said=$(MANPATH=$prefix/share/man systemd-analyze verify "$man_opt" "$u" 2>&1) || rc=$?
	if [ "$have_ctl" = 0 ]; then
		said=$(printf '%s\n' "$said" | grep -v "Command $prefix/bin/xskwallctl is not executable" || true)
		[ -n "$said" ] || rc=0
	fi
	printf '%s' "$said"
	[ "$rc" = 0 ] && [ -z "$said" ]
}

[ "$man_opt" = --man=no ] && echo "note: man is not installed; Documentation= pages not checked"
if [ "$have_ctl" = 0 ]; then
	echo "note: this build has no xskwallctl target: ExecReload's binary is missing and not checked"
fi
if said=$(verify_quiet "$unit"); then
	ok "systemd-analyze verify: nothing to report on the installed unit"
else
	fail "systemd-analyze verify on $unit: measured the output below, expected none"
	printf '%s\n' "$said" | sed 's/^/    /'
fi

# The checker must reject broken copies (a test that cannot fail is none).
broken() {
	local name=$1 what=$2 said
	shift 2
	sed "$@" "$unit" >"$tmp/$name.service"
	if said=$(verify_quiet "$tmp/$name.service"); then
		fail "verify accepted a unit with $what (expected a complaint)"
	else
		ok "verify rejects a unit with $what: $(printf '%s' "$said" | head -n 1)"
	fi
}
broken typo "a misspelt value" -e 's/^ProtectSystem=strict$/ProtectSystem=strickt/'
broken unknown "an unknown key" -e 's/^WatchdogSec=/WatchdogSecs=/'
broken nobin "a missing ExecStart binary" -e "s|^ExecStart=$prefix/sbin/xskwall|ExecStart=$prefix/sbin/nosuch|"

# Hardening, rated by systemd itself; and the guard must trip on a unit
# without the hardening.
security() {
	systemd-analyze security --offline=true --threshold="$FW_MAX_EXPOSURE" "$1" 2>&1 |
		sed -n 's/.*Overall exposure level for [^:]*: //p'
	return "${PIPESTATUS[0]}"
}
if level=$(security "$unit"); then
	ok "systemd-analyze security: exposure $level, at most $FW_MAX_EXPOSURE/10"
else
	fail "systemd-analyze security: measured exposure $level, expected at most $FW_MAX_EXPOSURE/10"
fi
sed -E '/^(Protect|Restrict|Private|NoNewPrivileges|CapabilityBoundingSet|LockPersonality|MemoryDeny|SystemCallArch)/d' \
	"$unit" >"$tmp/soft.service"
if level=$(security "$tmp/soft.service"); then
	fail "the exposure guard passed a unit without hardening (exposure $level)"
else
	ok "the exposure guard trips on a unit without hardening (exposure $level)"
fi

# What issue 9 asks of the unit. `key=value` must be a line of the unit.
has() {
	if grep -qxF "$1" "$unit"; then ok "unit has $1"; else fail "unit lacks the line '$1' (measured: $(grep "^${1%%=*}=" "$unit" || echo none))"; fi
}
has "Type=notify"
has "ExecStartPre=$prefix/sbin/xskwall --check $prefix/etc/xskwall/xskwall.conf"
has "ExecStart=$prefix/sbin/xskwall -c $prefix/etc/xskwall/xskwall.conf"
has "ExecReload=$prefix/bin/xskwallctl reload"
has "Restart=on-failure"
has "WatchdogSec=30s"
has "NoNewPrivileges=yes"
has "ProtectSystem=strict"
has "RuntimeDirectory=xskwall"
has "User=root"
has "WantedBy=multi-user.target"
want_caps="CAP_BPF CAP_CHOWN CAP_IPC_LOCK CAP_NET_ADMIN CAP_NET_RAW CAP_SYS_ADMIN CAP_SYS_RESOURCE"
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit" | tr ' ' '\n' | sort | xargs)
if [ "$caps" = "$want_caps" ]; then
	ok "CapabilityBoundingSet is exactly the start-up set"
else
	fail "CapabilityBoundingSet: measured '$caps', expected '$want_caps'"
fi
# XDP attaches to the host's interfaces: no private network or devices.
if bad=$(grep -E '^(PrivateNetwork|PrivateDevices|SecureBits)=' "$unit"); then
	fail "unit isolates what XDP needs or takes root's capabilities: $bad"
else
	ok "no PrivateNetwork=, PrivateDevices= or SecureBits="
fi
# Installed, never enabled: no symlink anywhere under the prefix.
links=$(find "$prefix" -type l)
if [ -z "$links" ]; then ok "the install enabled nothing (no symlinks)"; else fail "symlinks installed: $links"; fi

if ((fails)); then echo "$fails check(s) failed"; exit 1; fi
echo "all passed"
