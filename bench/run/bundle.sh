#!/usr/bin/env bash
# bench/run/bundle.sh - pack the built benchmark binaries for a machine that has
# nothing installed: .bundle/build/{control,bench,tests/lab}/ (the layout
# BUILD_DIR expects), .bundle/lib/ (their shared libraries, never libc, libm or the
# loader) and .bundle/bin/ (ip and ethtool, with theirs). Run after a build.
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf .bundle
mkdir -p .bundle/build/control .bundle/build/bench .bundle/build/tests/lab .bundle/lib .bundle/bin
cp build/control/xskwall .bundle/build/control/
cp build/bench/xskwall-sink .bundle/build/bench/
cp build/tests/lab/xskwall-gen build/tests/lab/xskwall-probe .bundle/build/tests/lab/
cp "$(command -v ip)" "$(command -v ethtool)" .bundle/bin/
for f in .bundle/build/control/* .bundle/build/bench/* .bundle/build/tests/lab/* .bundle/bin/*; do
	ldd "$f" | awk '$3 ~ /^\// { print $3 }'
done | sort -u | grep -vE '/(libc|libm|ld-linux[^/]*)\.so' | while read -r lib; do
	cp -L "$lib" .bundle/lib/
done
du -sh .bundle
ls .bundle/lib
