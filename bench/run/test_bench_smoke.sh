#!/usr/bin/env bash
# Smoke test of the benchmark: a 2-second run of every scenario
# (bench/run/bench.sh --smoke) and checks that the numbers are sane, not fast:
# every scenario present, rates non-negative and bounded by what was sent,
# forward-heavy runs forward, drop-heavy runs with rules drop, the
# classifier and worker-path stages wrote their lines, the CSV and the plots
# exist. Exit 77 (skip) without root.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "SKIP: the benchmark needs root"; exit 77; }
command -v nft >/dev/null || { echo "SKIP: nftables is not installed (tests/install-deps.sh --bench)"; exit 77; }
out=$(mktemp -d /tmp/xskwall-bench-smoke.XXXXXX)
trap 'rm -rf "$out"' EXIT
bash bench/run/bench.sh --smoke --no-build -o "$out" >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
fails=0
check() { if eval "$2"; then echo "ok - $1"; else echo "FAIL: $1"; fails=$((fails + 1)); fi; }
res=$out/results.jsonl
# get SCENARIO MIX RULES FIELD [BUSY_POLL]: the value of the first such line
get() {
	grep "\"scenario\":\"$1\",\"mix\":\"$2\",\"rules\":$3," "$res" | grep "\"busy_poll\":\"${5:-off}\"" |
		head -1 | sed -n "s/.*\"$4\":\([0-9.-]*\).*/\1/p"
}
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

# calibration 2 + bare 2 + (nft + xskwall) x 2 mixes x 3 rule sets + busy-poll
# (bare 2 + xskwall 2) + reload + calibration 2
check "23 measurement lines" '[ "$(wc -l <"$res")" = 23 ]'
check "calibration at start and end, with a verdict" 'grep -q "\"publishable\":" "$out/calibration.json" && [ "$(wc -l <"$out/calibration.txt")" = 2 ]'
for bp in off on; do
	check "bare AF_XDP receive-and-drop drops (busy-poll $bp)" 'gt "$(get afxdp-bare-rxdrop drop 0 drop_mpps_median $bp)" 0.01'
	check "bare AF_XDP forwarder forwards (busy-poll $bp)" 'gt "$(get afxdp-bare-fwd forward 0 fwd_mpps_median $bp)" 0.01'
	check "xskwall drop-heavy (10 rules) drops (busy-poll $bp)" 'gt "$(get xskwall drop 10 drop_mpps_median $bp)" 0.01'
	check "xskwall forward-heavy (10 rules) forwards (busy-poll $bp)" 'gt "$(get xskwall forward 10 fwd_mpps_median $bp)" 0.01'
done
check "the README table script reads the run" 'awk -f bench/report/bench-table.awk "$out/calibration.json" "$res" | grep -q "| xskwall | off | drop | 10 |"'
check "the generator is named" 'grep -q "\"generator\":\"xdp-live-frames\"\|\"generator\":\"af_xdp-tx\"\|\"generator\":\"pktgen\"" "$res"'
check "generator alone moves packets" 'gt "$(get gen-only forward 0 fwd_mpps_median)" 0.05'
check "ceiling forwards" 'gt "$(get ceiling forward 0 fwd_mpps_median)" 0.05'
for n in 0 10 1000; do
	check "xskwall forward-heavy ($n rules) forwards" 'gt "$(get xskwall forward $n fwd_mpps_median)" 0.01'
	check "xskwall forward-heavy ($n rules): every frame accounted for" '[ "$(get xskwall forward $n unexplained_loss)" = 0 ]'
	check "xskwall forward-heavy ($n rules) drops nothing by rule" '[ "$(get xskwall forward $n dropped_by_fw)" = 0 ]'
	check "kernel+nft forward-heavy ($n rules) forwards" 'gt "$(get nft-forward-hook forward $n fwd_mpps_median)" 0.01'
done
for n in 10 1000; do
	check "xskwall drop-heavy ($n rules) drops" 'gt "$(get xskwall drop $n drop_mpps_median)" 0.01'
	check "xskwall drop-heavy ($n rules) forwards nothing" '[ "$(get xskwall drop $n received)" = 0 ]'
	check "nft drop-heavy ($n rules) drops" 'gt "$(get nft-netdev-ingress drop $n drop_mpps_median)" 0.01'
done
check "reload scenario forwards" 'gt "$(get xskwall-reload forward 1000 fwd_mpps_median)" 0.01'
field() { sed -n "s/.*\"$1\":\([0-9.-]*\).*/\1/p" <<<"$2"; }
sane=1
while read -r line; do
	o=$(field offered_mpps "$line") f=$(field fwd_mpps_max "$line") d=$(field drop_mpps_max "$line")
	l=$(field loss_pct "$line") sent=$(field sent "$line") got=$(field received "$line")
	# a per-second sample may beat the run's average offered rate on a
	# shared machine; twice it (plus 0.1 Mpps) would be a unit error
	le "$f" "$(awk -v o="$o" 'BEGIN { print o * 2 + 0.1 }')" || sane=0
	le "$d" "$(awk -v o="$o" 'BEGIN { print o * 2 + 0.1 }')" || sane=0
	le "$got" "$((sent + 100))" || sane=0 # + a few frames of lab chatter
	le -1 "$l" && le "$l" 100 || sane=0
done <"$res"
check "received <= sent, no rate above twice the offered rate, loss within 0..100%" '[ $sane = 1 ]'
check "CSV has a header and 23 rows" '[ "$(wc -l <"$out/results.csv")" = 24 ]'
check "classifier microbenchmark wrote lines" '[ "$(wc -l <"$out/classify.jsonl")" -ge 6 ]'
# 3 families x 2 rule counts x 2 mixes + the targets' configuration x 2 mixes
check "worker-path benchmark wrote its 14 lines" '[ "$(wc -l <"$out/ring.jsonl")" = 14 ]'
check "worker-path benchmark: no frame lost" '! grep -q "\"frames_lost\":[1-9]" "$out/ring.jsonl"'
check "the worker-path table script reads it" 'awk -f bench/report/ring-table.awk "$out/ring.jsonl" | grep -q "^| IPv4 | 10 | "'
if command -v gnuplot >/dev/null; then
	check "plots written" '[ -s "$out/mpps_by_scenario.png" ] && [ -s "$out/mpps_vs_rules.png" ] && [ -s "$out/ring_mpps_vs_rules.png" ]'
fi
((fails)) && { echo "$fails check(s) failed"; tail -30 "$out/log"; exit 1; }
echo "all passed"
