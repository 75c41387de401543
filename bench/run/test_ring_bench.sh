#!/usr/bin/env bash
# bench.ring: xskwall-ring-bench (the worker's fp_worker_round on rings in
# plain memory) runs every kind of scenario, its counters say what the
# mixes promise, no UMEM frame is lost, the README's table script reads
# it, and - where strace works - the timed loop makes no syscall: a run 20
# times longer makes exactly as many syscalls, none of them the worker's
# sendto, recvfrom or poll. Checks sanity, not speed. No root needed.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${BUILD_DIR:-build}/bench/xskwall-ring-bench
[ -x "$bin" ] || { echo "SKIP: $bin is not built"; exit 77; }
out=$(mktemp -d /tmp/xskwall-ring-test.XXXXXX)
trap 'rm -rf "$out"' EXIT
fails=0
check() { if eval "$2"; then echo "ok - $1"; else echo "FAIL: $1"; fails=$((fails + 1)); fi; }
quick=(--rules 10,1000 --target 1000+200 --seconds 0.01 --runs 1 --packets 4096 --ring 256)
"$bin" "${quick[@]}" >"$out/ring.jsonl" 2>"$out/log" || { cat "$out/log"; exit 1; }
res=$out/ring.jsonl
# lines MIX: the lines of that mix
lines() { grep "\"mix\":\"$1\"" "$res"; }
field() { sed -n "s/.*\"$1\":\([0-9.-]*\).*/\1/p"; }
# all VALUES LO HI: at least one value, every one in [LO, HI]
all() { awk -v lo="$2" -v hi="$3" '{ for (i = 1; i <= NF; i++) { n++; if ($i < lo || $i > hi) bad++ } } END { exit !(n > 0 && !bad) }' <<<"$1"; }

# 3 families x 2 rule counts x 2 mixes, then the targets' configuration x 2 mixes
check "14 scenario lines" '[ "$(wc -l <"$res")" = 14 ]'
check "every family and the targets' configuration" 'grep -q "\"family\":\"ipv4\"" "$res" && grep -q "\"family\":\"ipv6\"" "$res" && grep -q "\"rules_ipv4\":1000,\"rules_ipv6\":200" "$res"'
check "the worker moved frames in every scenario" 'all "$(field worker_mpps <"$res")" 0.01 1000000'
check "no frame lost, no TX full, no fill starved" 'all "$(field frames_lost <"$res") $(field tx_full <"$res") $(field fill_starved <"$res")" 0 0'
check "forward-heavy forwards every frame" 'all "$(lines forward | field fwd_fraction)" 1 1'
check "drop-heavy forwards none" 'all "$(lines drop | field fwd_fraction)" 0 0'
check "drop-heavy: half by a rule, half by the policy" 'all "$(lines drop | field drop_rule_fraction)" 0.4 0.6'
check "about half the frames hit a rule, in both mixes" 'all "$(field rule_hit_fraction <"$res")" 0.4 0.6'
check "the feeder is timed apart" 'all "$(field feeder_ns_per_pkt <"$res")" 0.01 1000000'
check "targets named: 30 Mpps at 10 rules" '[ "$(grep -c "\"rules\":10,.*\"target_mpps\":30.00" "$res")" = 6 ]'
check "the README table script reads it" 'awk -f bench/report/ring-table.awk "$res" | grep -q "^| mixed | 1 000 + 200 | "'
check "the table script writes large counts" 'echo "{\"bench\":\"ring\",\"mix\":\"drop\",\"family\":\"mixed\",\"rules_ipv4\":1000000,\"rules_ipv6\":200000,\"worker_ns_per_pkt\":100}" |
	timeout 5 awk -f bench/report/ring-table.awk | grep -q "^| mixed | 1 000 000 + 200 000 | "'
two=(--rules 10 --family ipv4 --target none --reps 2 --seconds 0.01 --runs 1 --packets 4096 --ring 256)
"$bin" "${two[@]}" >"$out/two.jsonl" 2>/dev/null
check "--reps 2 repeats every scenario; the table takes the median" '[ "$(grep -c "\"rep\":2," "$out/two.jsonl")" = 2 ] &&
	awk -f bench/report/ring-table.awk "$out/two.jsonl" | grep -q "^Medians over 2 interleaved repetitions"'
check "bad option refused" '! "$bin" --rules 0 >/dev/null 2>&1'

# syscalls: same count for a 0.01 s and a 0.2 s timed run, none of the worker's
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
	one=(--rules 10 --family ipv4 --mix drop --target none --runs 1 --packets 4096 --ring 256)
	strace -f -qq -o "$out/short" "$bin" "${one[@]}" --seconds 0.01 >/dev/null 2>&1
	strace -f -qq -o "$out/long" "$bin" "${one[@]}" --seconds 0.2 >/dev/null 2>&1
	check "no syscall in the timed loop ($(wc -l <"$out/short") and $(wc -l <"$out/long") in all)" \
		'[ "$(wc -l <"$out/short")" = "$(wc -l <"$out/long")" ]'
	check "no sendto, recvfrom or poll" '! grep -Eq "^[0-9]+ +(sendto|recvfrom|poll|ppoll)\(" "$out/short" "$out/long"'
else
	echo "skip - syscall checks: strace is missing or cannot trace here"
fi
((fails)) && { echo "$fails check(s) failed"; cat "$res"; exit 1; }
echo "all passed"
