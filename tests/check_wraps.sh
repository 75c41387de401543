#!/bin/sh
# tests/check_wraps.sh NM WRAPPED WATCHED LIB... - of the functions in
# WATCHED, the libraries call none that WRAPPED lacks: a test that fails
# library calls through link-time wrapping (--wrap) cannot be escaped by a
# new call. WRAPPED and WATCHED are ';'- or space-separated lists (CMake
# lists); exit 1 names the calls that are missing.
set -eu
nm=$1
wrapped=" $(echo "$2" | tr ';' ' ') "
watched=" $(echo "$3" | tr ';\n' '  ') "
shift 3
called=$("$nm" -u "$@" | awk 'NF == 2 && $1 == "U" { sub(/@.*/, "", $2); print $2 }' | sort -u)
used="" missing=""
for s in $called; do
	case "$watched" in *" $s "*) ;; *) continue ;; esac
	used="$used $s"
	case "$wrapped" in *" $s "*) ;; *) missing="$missing $s" ;; esac
done
if [ -n "$missing" ]; then
	echo "called but not wrapped:$missing (add them to the test's wrap list and failure cases)" >&2
	exit 1
fi
echo "watched calls made:$used; all wrapped"
