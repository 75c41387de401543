#!/usr/bin/env bash
# tests/unit/test_install.sh BUILD [HAVE_XSKWALLCTL] - `cmake --install BUILD
# --prefix TMP` into a temporary prefix, then checks what it put there:
# every file (binaries, unit, configuration, man pages), the man pages
# readable by man(1) (or their .TH header without man), the installed
# xskwall accepting the installed configuration with --check, the unit's
# paths inside the prefix, an edited configuration kept by a second
# install, and DESTDIR with the prefix /usr (configuration in /etc, unit
# paths without DESTDIR). HAVE_XSKWALLCTL is 0 when the build has no
# xskwallctl target: bin/xskwallctl is then not expected, and that is said.
# Needs no privileges; writes only under a temporary folder.
set -euo pipefail

build=${1:?usage: test_install.sh BUILD_DIR [HAVE_XSKWALLCTL]}
have_ctl=${2:-1}
tmp=$(mktemp -d /tmp/xskwall-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# install DESCRIPTION [VAR=VALUE...] -- ARGS...: run cmake --install, its
# output in $log; stop the test if it fails.
log=$tmp/install.log
run_install() {
	local d=$1
	shift
	if env "$@" >"$log" 2>&1; then
		ok "$d"
	else
		cat "$log"
		echo "FAIL: $d: cmake --install failed"
		exit 1
	fi
}

p=$tmp/prefix
run_install "cmake --install --prefix $p" cmake --install "$build" --prefix "$p"

# Every file, with its kind.
expect() {
	local kind=$1 path=$2 there=1
	case $kind in
	exe) [ -f "$p/$path" ] && [ -x "$p/$path" ] || there=0 ;;
	file) [ -f "$p/$path" ] || there=0 ;;
	dir) [ -d "$p/$path" ] || there=0 ;;
	esac
	if ((there)); then
		ok "installed $path"
	else
		fail "$path: expected (a $kind) in the prefix; installed: $(cd "$p" && find . -type f | sort | xargs)"
	fi
}
expect exe sbin/xskwall
if [ "$have_ctl" = 0 ]; then
	echo "note: this build has no xskwallctl target: bin/xskwallctl not expected"
else
	expect exe bin/xskwallctl
fi
expect file lib/systemd/system/xskwall.service
expect file etc/xskwall/xskwall.conf
expect dir etc/xskwall/rules.d
expect file share/doc/xskwall/xskwall.conf.example
for page in man8/xskwall.8 man8/xskwallctl.8 man5/xskwall.conf.5; do
	expect file "share/man/$page"
done

# Man pages: man finds each by name in the installed tree and formats it
# without a warning, or (no man) each starts with its .TH header.
for page in xskwall.8 xskwallctl.8 xskwall.conf.5; do
	name=${page%.*} sec=${page##*.} f=$p/share/man/man${page##*.}/$page
	[ -f "$f" ] || continue
	th=$(grep -m1 '^\.TH' "$f" || true)
	case "$th" in
	".TH \"$name\" \"$sec\""*) ok "$page: $th" ;;
	*) fail "$page: measured header '$th', expected .TH \"$name\" \"$sec\" ..." ;;
	esac
	command -v man >/dev/null || continue
	where=$(MANPATH=$p/share/man man -w "$sec" "$name" 2>&1 || true)
	[ "$where" = "$f" ] || fail "man -w $sec $name: measured '$where', expected $f"
	if text=$(MANWIDTH=80 man -l "$f" 2>"$tmp/man.err") && [ ! -s "$tmp/man.err" ] &&
		grep -q "^NAME" <<<"$text" && grep -q "^ *$name - " <<<"$text"; then
		ok "man -l $page: formatted, $(wc -l <<<"$text") lines, NAME '$name - ...'"
	else
		fail "man -l $page: no clean page (stderr: $(head -c 300 "$tmp/man.err"); first lines: $(head -n 4 <<<"$text" | xargs))"
	fi
done
command -v man >/dev/null || echo "note: man is not installed; only the .TH headers were checked"

# The installed daemon accepts the installed configuration.
conf=$p/etc/xskwall/xskwall.conf
if out=$("$p/sbin/xskwall" --check "$conf" 2>&1); then
	ok "xskwall --check on the installed configuration: $out"
else
	fail "xskwall --check $conf: measured exit $?, expected 0: $out"
fi

# The unit names the prefix's binaries and configuration.
unit=$p/lib/systemd/system/xskwall.service
exec_lines=$(grep -E '^Exec[A-Za-z]*=' "$unit")
want="ExecStartPre=$p/sbin/xskwall --check $conf
ExecStart=$p/sbin/xskwall -c $conf
ExecReload=$p/bin/xskwallctl reload"
if [ "$exec_lines" = "$want" ]; then
	ok "the unit's Exec lines point into the prefix"
else
	fail "the unit's Exec lines: measured
$exec_lines
expected
$want"
fi

# A second install keeps an edited configuration, and says so.
echo "# edited by the operator" >>"$conf"
run_install "second cmake --install" cmake --install "$build" --prefix "$p"
if tail -n 1 "$conf" | grep -qx "# edited by the operator" && grep -q "Keeping: $conf" "$log"; then
	ok "a second install keeps the edited $conf"
else
	fail "second install: measured last line '$(tail -n 1 "$conf")' and log '$(grep -i xskwall.conf "$log" | xargs)', expected the edit kept and 'Keeping: $conf'"
fi

# DESTDIR with the prefix /usr: the configuration goes to /etc (GNUInstallDirs),
# the unit to /usr/lib/systemd/system, and the unit names the run-time paths.
d=$tmp/destdir
run_install "DESTDIR=$d cmake --install --prefix /usr" DESTDIR="$d" cmake --install "$build" --prefix /usr
for f in usr/sbin/xskwall etc/xskwall/xskwall.conf usr/lib/systemd/system/xskwall.service \
	usr/share/man/man8/xskwall.8; do
	if [ -e "$d/$f" ]; then
		ok "DESTDIR: /$f"
	else
		fail "DESTDIR: /$f missing under $d (installed: $(cd "$d" && find . -type f | sort | xargs))"
	fi
done
start=$(grep '^ExecStart=' "$d/usr/lib/systemd/system/xskwall.service" || true)
want="ExecStart=/usr/sbin/xskwall -c /etc/xskwall/xskwall.conf"
if [ "$start" = "$want" ]; then
	ok "DESTDIR: $start"
else
	fail "DESTDIR: measured '$start', expected '$want'"
fi

if ((fails)); then echo "$fails check(s) failed"; exit 1; fi
echo "all passed"
