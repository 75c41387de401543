#!/usr/bin/env bash
# The metrics server (metrics-listen) against the running daemon: /metrics
# answers 200 in the Prometheus text format 0.0.4 (tests/lib/promcheck.awk
# with lint), other paths 404 and other methods 405; it listens on exactly
# the address configured; every worker counter, kernel socket statistic and
# on-miss count lies between what `xskwallctl stats -j` says just before
# and just after the scrape (equal when it stood still);
# after a known number of frames the counters moved by exactly that many;
# the per-rule series are the first metrics-rules rules, with the text and
# counts `xskwallctl rules -j` gives, and the rest are counted as omitted;
# the rules' generation and the reload results follow reloads. Without
# metrics-listen nothing listens.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || skip "curl is not installed"
command -v jq >/dev/null || skip "jq is not installed"
command -v ss >/dev/null || skip "ss (iproute2) is not installed"
XSKWALLCTL=${XSKWALLCTL:-}
for c in "$BUILD_DIR/control/xskwallctl" "$BUILD_DIR/control/ctl/xskwallctl"; do
	[ -z "$XSKWALLCTL" ] && [ -x "$c" ] && XSKWALLCTL=$c
done
[ -n "$XSKWALLCTL" ] || skip "xskwallctl is not built"
PROMCHECK=$SRC_DIR/tests/lib/promcheck.awk
PORT=9417 # the fw namespace is the test's own: any port is free
N=40

lab_up 2
# no IPv6 chatter (MLD, router solicitations) from gen: exact counts
ns_sysctl "$NS_GEN" net/ipv6/conf/all/disable_ipv6=1 net/ipv6/conf/default/disable_ipv6=1 \
	"net/ipv6/conf/$GEN_IF/disable_ipv6=1"


# scrape OUT [PATH [CURL_ARGS...]]: fetch PATH (/metrics) into OUT, the
# headers into OUT.h; prints the HTTP status
scrape() {
	local out=$1 path=${2:-/metrics}
	shift $(($# < 2 ? $# : 2))
	in_fw curl -sS --max-time 5 -D "$out.h" -o "$out" -w '%{http_code}' "$@" \
		"http://127.0.0.1:$PORT$path"
}
# metric FILE SERIES: the value of one series, given exactly as name{labels}
metric() { awk -v s="$2" 'index($0, s " ") == 1 { print substr($0, length(s) + 2) }' "$1"; }
# metric_sum FILE FAMILY LABEL: the sum of FAMILY's samples that carry LABEL (k="v")
metric_sum() {
	awk -v f="$2{" -v l="$3" 'index($0, f) == 1 && index($0, l) { s += $NF } END { print s + 0 }' "$1"
}
header() { awk -v h="$2:" 'tolower($1) == tolower(h) { sub(/^[^:]*: */, ""); sub(/\r$/, ""); print }' "$1"; }

# The counters of an exposition and of a stats reply, one per line as
# "frames QUEUE DIRECTION COUNTER N", "kernel QUEUE PORT FIELD N",
# "on_miss PORT N", sorted, so the two can be compared line by line.
norm_metrics() {
	awk 'function label(s, k) {
		if (!match(s, k "=\"[^\"]*\"")) return "?"
		return substr(s, RSTART + length(k) + 2, RLENGTH - length(k) - 3)
	}
	function family(s) { sub(/\{.*/, "", s); sub(/^xskwall_/, "", s); return s }
	/^#/ { next }
	/^xskwall_xsk_/ { f = family($1); sub(/^xsk_/, "", f); sub(/_total$/, "", f)
		print "kernel", label($1, "queue"), label($1, "port"), f, $2; next }
	/^xskwall_on_miss_frames_total\{/ { print "on_miss", label($1, "port"), $2; next }
	/^xskwall_[a-z_]+\{queue="[0-9]+",direction=/ { f = family($1); sub(/(_frames)?_total$/, "", f)
		print "frames", label($1, "queue"), label($1, "direction"), f, $2 }' "$1" | sort
}
norm_stats() {
	jq -r '(.queues[] as $q
		| ($q.dir | to_entries[] | .key as $d | .value | to_entries[]
			| select(.key | endswith("_pps") | not)
			| "frames \($q.queue) \($d) \(.key) \(.value)"),
		  ($q.kernel | to_entries[] | .key as $p | .value | to_entries[]
			| "kernel \($q.queue) \($p) \(.key) \(.value)")),
	       (.on_miss | to_entries[] | "on_miss \(.key) \(.value)")' "$1" | sort
}

# bracketed_scrape OUT: a scrape between two `xskwallctl stats -j`
# readings, left in OUT.stats1 and OUT.stats2 (normalised, as above)
bracketed_scrape() {
	ctl stats -j >"$1.stats1.json" && norm_stats "$1.stats1.json" >"$1.stats1"
	[ "$(scrape "$1")" = 200 ] || return 1
	ctl stats -j >"$1.stats2.json" && norm_stats "$1.stats2.json" >"$1.stats2"
}

# agree WHAT FILE: every counter of the scrape FILE lies between the two
# stats readings around it (equal to both for those that stood still; some,
# like the kernel's tx_ring_empty_descs, tick while idle), and the scrape
# and the readings name the same counters; prints the odd ones out
agree() {
	local bad
	norm_metrics "$2" >"$2.norm"
	bad=$(awk 'function key(   k) { k = $0; sub(/ [^ ]*$/, "", k); return k }
		FILENAME == ARGV[1] { lo[key()] = $NF; next }
		FILENAME == ARGV[2] { hi[key()] = $NF; next }
		{ k = key(); seen[k] = 1
		  if (!(k in lo) || !(k in hi)) print "only in /metrics: " $0
		  else if ($NF + 0 < lo[k] + 0 || $NF + 0 > hi[k] + 0)
			print k ": /metrics " $NF ", stats before " lo[k] ", after " hi[k] }
		END { for (k in lo) if (!(k in seen)) print "only in stats: " k }' \
		"$2.stats1" "$2.stats2" "$2.norm")
	if [ -s "$2.norm" ] && [ -z "$bad" ]; then
		ok "$1: every counter agrees with xskwallctl stats -j ($(wc -l <"$2.norm") values)"
	else
		fail "$1: /metrics and xskwallctl stats -j disagree:"
		echo "${bad:-(no counters in /metrics)}" | head -40
	fi
}

promcheck_ok() { # WHAT FILE
	local out
	if out=$(awk -v lint=1 -f "$PROMCHECK" "$2" 2>&1); then
		ok "$1: valid Prometheus text ($out)"
	else
		fail "$1: promcheck says:"
		echo "$out" | head -20
	fi
}

# expect WHAT MEASURED EXPECTED
expect() {
	if [ "$2" = "$3" ]; then ok "$1 = $3"; else fail "$1: measured '$2', expected '$3'"; fi
}

conf=$(write_conf fw.conf <<CONF
metrics-listen 127.0.0.1:$PORT
metrics-rules 2
drop icmp type echo-request
drop dst 198.19.255.1
pass src 198.18.255.1
CONF
)
fw_start "$conf"
sleep 2 # let the endpoints' start-up chatter pass

# ---- the endpoint -----------------------------------------------------------
listeners=$(in_fw ss -Hltn | awk '{ print $4 }' | sort | tr '\n' ' ')
expect "TCP listeners in fw" "$listeners" "127.0.0.1:$PORT "
expect "GET /metrics status" "$(scrape "$WORK/m0")" 200
expect "Content-Type" "$(header "$WORK/m0.h" Content-Type)" "text/plain; version=0.0.4; charset=utf-8"
promcheck_ok "first scrape" "$WORK/m0"
expect "HEAD /metrics status" "$(scrape "$WORK/head" /metrics -I)" 200
expect "GET /other status" "$(scrape "$WORK/other" /other)" 404
expect "POST /metrics status" "$(scrape "$WORK/post" /metrics -X POST -d x=1)" 405
expect "Allow on 405" "$(header "$WORK/post.h" Allow)" "GET, HEAD"

# ---- counters ---------------------------------------------------------------
bracketed_scrape "$WORK/before" || fail "no scrape of /metrics"
agree "at rest" "$WORK/before"
expect "queues with series" \
	"$(grep -c '^xskwall_rx_frames_total{.*direction="outside"}' "$WORK/before")" \
	"$(jq '.queues | length' "$WORK/before.stats1.json")"

rx0=$(jq '.totals.outside.rx' "$WORK/before.stats2.json")
udp=$(udp4_frame "" "$GEN_IP4" "$SINK_IP4")
icmp=$(icmp4_echo_frame "" "$GEN_IP4" "$SINK_IP4")
sent_udp=$(raw_delivered $N "$udp")
sent_icmp=$(raw_delivered $N "$icmp")
expect "UDP frames through" "$sent_udp" $N
expect "ICMP echo requests through" "$sent_icmp" 0
for _ in $(seq 50); do # the worker may still hold the last frames
	[ "$(ctl stats -j | jq '.totals.outside.rx')" -ge $((rx0 + 2 * N)) ] && break
	sleep 0.1
done
bracketed_scrape "$WORK/after" || fail "no scrape of /metrics"
agree "after $((2 * N)) frames" "$WORK/after"
promcheck_ok "scrape after traffic" "$WORK/after"
for c in rx:$((2 * N)) fwd_frames:$N drop_rule_frames:$N; do
	name=${c%%:*} want=${c#*:}
	[ "$name" = rx ] && name=rx_frames
	fam=xskwall_${name}_total
	d=$(($(metric_sum "$WORK/after" $fam 'direction="outside"') -
		$(metric_sum "$WORK/before" $fam 'direction="outside"')))
	expect "$fam{direction=\"outside\"} moved by" "$d" "$want"
done

# ---- rules ------------------------------------------------------------------
ctl rules -j >"$WORK/rules.json"
ctl status -j >"$WORK/status.json"
m=$WORK/after
expect "xskwall_rules" "$(metric "$m" xskwall_rules)" 3
expect "xskwall_rule_series_omitted" "$(metric "$m" xskwall_rule_series_omitted)" 1
expect "per-rule packet series" "$(grep -c '^xskwall_rule_packets_total{' "$m")" 2
expect "per-rule byte series" "$(grep -c '^xskwall_rule_bytes_total{' "$m")" 2
for i in 1 2; do
	text=$(jq -r ".rules[$((i - 1))].rule" "$WORK/rules.json")
	for what in packets bytes; do
		expect "xskwall_rule_${what}_total{rule=\"$i\",text=\"$text\"}" \
			"$(metric "$m" "xskwall_rule_${what}_total{rule=\"$i\",text=\"$text\"}")" \
			"$(jq ".rules[$((i - 1))].$what" "$WORK/rules.json")"
	done
done
expect "rule 1 (the echo-request drop) packets" \
	"$(metric "$m" "xskwall_rule_packets_total{rule=\"1\",text=\"$(jq -r '.rules[0].rule' "$WORK/rules.json")\"}")" $N
expect "xskwall_rules_generation" "$(metric "$m" xskwall_rules_generation)" \
	"$(jq '.rules.generation' "$WORK/status.json")"
expect "xskwall_rules_edited" "$(metric "$m" xskwall_rules_edited)" 0
expect "reloads ok" "$(metric "$m" 'xskwall_reloads_total{result="ok"}')" 0
expect "reloads failed" "$(metric "$m" 'xskwall_reloads_total{result="failed"}')" 0

check "a reload succeeds" ctl reload
ctl status -j >"$WORK/status.json"
scrape "$WORK/r1" >/dev/null
expect "reloads ok after a reload" "$(metric "$WORK/r1" 'xskwall_reloads_total{result="ok"}')" 1
expect "xskwall_rules_generation after a reload" "$(metric "$WORK/r1" xskwall_rules_generation)" \
	"$(jq '.rules.generation' "$WORK/status.json")"
cp "$conf" "$WORK/fw.conf.good"
echo "drop nonsense-word" >>"$conf"
check "a reload of a broken file fails" ! ctl reload
cp "$WORK/fw.conf.good" "$conf"
scrape "$WORK/r2" >/dev/null
expect "reloads failed after a refused reload" "$(metric "$WORK/r2" 'xskwall_reloads_total{result="failed"}')" 1
expect "xskwall_rules after a refused reload" "$(metric "$WORK/r2" xskwall_rules)" 3
promcheck_ok "scrape after reloads" "$WORK/r2"

fw_stop
check "xskwall exited 0" [ "$FW_RC" = 0 ]

# ---- off by default ---------------------------------------------------------
conf=$(write_conf fw-nometrics.conf <<CONF
CONF
)
fw_start "$conf"
expect "TCP listeners in fw without metrics-listen" "$(in_fw ss -Hltn | wc -l)" 0
fw_stop
finish
