# bench/report/bench-stats.awk - one benchmark measurement -> one JSON line.
# Files: gen.json (the generator's summary, with its device's tx_dropped),
# sink.jsonl (the sink's per-second lines), samples ("i time decided other
# cpuN:jiffies ...").
# Window: samples w+2 .. w+s+1 (the first second after the warm-up is a
# partial one and is skipped).
function num(line, key,   m) {
	if (match(line, "\"" key "\":[0-9.eE+-]+")) {
		m = substr(line, RSTART, RLENGTH)
		sub(/^"[^"]*":/, "", m)
		return m + 0
	}
	return -1
}
function str(line, key,   m) {
	if (match(line, "\"" key "\":\"[^\"]*\"")) {
		m = substr(line, RSTART, RLENGTH)
		sub(/^"[^"]*":"/, "", m)
		sub(/"$/, "", m)
		return m
	}
	return ""
}
function sort_n(a, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
}
function median(a, n) {
	if (!n) return 0
	sort_n(a, n)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# busy jiffies in a samples line, over every CPU ("all") or a comma list
function busy(line, cpus,   f, i, n, kv, sum) {
	n = split(line, f, " ")
	for (i = 5; i <= n; i++) {
		split(f[i], kv, ":")
		if (cpus == "all" || index("," cpus ",", "," substr(kv[1], 4) ","))
			sum += kv[2]
	}
	return sum
}
FILENAME ~ /gen.json$/ && /"sent"/ {
	sent = num($0, "sent"); gsec = num($0, "seconds"); gen = str($0, "generator")
	gtxdrop = num($0, "dev_tx_dropped"); if (gtxdrop < 0) gtxdrop = 0
}
FILENAME ~ /sink.jsonl$/ && /"t":/ {
	t = num($0, "t")
	if (t >= w + 2 && t <= w + s + 1) { fwd[++nf] = num($0, "pps"); fwd_win += num($0, "pps") }
}
FILENAME ~ /sink.jsonl$/ && /"sink"/ { sinktotal = num($0, "packets") }
FILENAME ~ /samples$/ {
	i = $1; ts[i] = $2; dec[i] = $3; oth[i] = $4; line[i] = $0
}
END {
	for (i = w + 2; i <= w + s + 1 && (i in ts) && ((i - 1) in ts); i++)
		drp[++nd] = (dec[i] - dec[i - 1]) / (ts[i] - ts[i - 1])
	a = w + 1; b = w + s + 1
	if (!(b in ts)) b = a
	ball = busy(line[b], "all") - busy(line[a], "all")
	bfw = busy(line[b], fwcpus) - busy(line[a], fwcpus)
	pk = fwd_win + (dec[b] - dec[a])
	split(d0, x0, " "); split(d1, x1, " ")
	# other: the firewall's own overflow counters, plus the frames gen0 could
	# not hand to out0's full veth ring (gen0's tx_dropped, as the generator
	# read it: an input overflow, like a NIC's rx_missed)
	decided = x1[1] - x0[1]; other = x1[2] - x0[2] + gtxdrop
	unexplained = sent - sinktotal - decided - other
	# copy before median() sorts in place
	for (i = 1; i <= nf; i++) f2[i] = fwd[i]
	for (i = 1; i <= nd; i++) d2[i] = drp[i]
	fmin = nf ? f2[1] : 0; fmax = fmin; for (i = 1; i <= nf; i++) { if (f2[i] < fmin) fmin = f2[i]; if (f2[i] > fmax) fmax = f2[i] }
	dmin = nd ? d2[1] : 0; dmax = dmin; for (i = 1; i <= nd; i++) { if (d2[i] < dmin) dmin = d2[i]; if (d2[i] > dmax) dmax = d2[i] }
	printf "{\"scenario\":\"%s\",\"mix\":\"%s\",\"rules\":%d,\"generator\":\"%s\",", name, mix, rules, gen
	printf "\"offered_mpps\":%.3f,", (gsec > 0 ? sent / gsec / 1e6 : 0)
	printf "\"fwd_mpps_median\":%.3f,\"fwd_mpps_min\":%.3f,\"fwd_mpps_max\":%.3f,", median(fwd, nf) / 1e6, fmin / 1e6, fmax / 1e6
	printf "\"drop_mpps_median\":%.3f,\"drop_mpps_min\":%.3f,\"drop_mpps_max\":%.3f,", median(drp, nd) / 1e6, dmin / 1e6, dmax / 1e6
	printf "\"samples\":%d,\"sent\":%d,\"received\":%d,\"dropped_by_fw\":%d,\"dropped_counted_elsewhere\":%d,", nf, sent, sinktotal, decided, other
	printf "\"unexplained_loss\":%d,\"loss_pct\":%.2f,", unexplained, (sent > 0 ? 100 * (sent - sinktotal) / sent : 0)
	printf "\"cpu_ns_per_pkt_all\":%.1f,\"cpu_ns_per_pkt_fw_cpus\":%.1f,", (pk > 0 ? ball * 1e7 / pk : 0), (pk > 0 ? bfw * 1e7 / pk : 0)
	printf "\"queues\":%d,\"gen_cpus\":\"%s\",\"fw_cpus\":\"%s\",\"cpus\":%d,\"shared_cores\":%s,", queues, gencpus, fwcpus, ncpu, (ncpu <= 2 ? "true" : "false")
	printf "\"busy_poll\":\"%s\",\"rep\":\"%s\",", (busypoll == "" ? "off" : busypoll), rep
	printf "\"gen_only_mpps\":%s,\"seconds\":%d,\"warmup\":%d,\"kernel\":\"%s\"}\n", (genonly == "" ? 0 : genonly), s, w, kernel
}
