# bench/report/ring-table.awk - xskwall-ring-bench's lines (ring.jsonl) ->
# the Markdown table of the README's "The worker's path alone" subsection:
#
#   awk -f bench/report/ring-table.awk DIR/ring.jsonl
#
# One row per traffic family and rule list, in the order of the run: the
# worker's Mpps and ns per packet for the forward-heavy and the drop-heavy
# mix, the median over the repetitions (--reps) with the min-max of the ns
# beside it when there were several; the feeder's ns per packet (measured
# apart, not in the worker's figure); the target where the issue sets one,
# judged on the medians; then how busy the other CPUs were (their work
# shares the caches and the memory).
function num(line, key,   m) {
	if (!match(line, "\"" key "\":-?[0-9.eE+]+"))
		return ""
	m = substr(line, RSTART, RLENGTH)
	sub(/^"[^"]*":/, "", m)
	return m + 0
}
function str(line, key,   m) {
	if (!match(line, "\"" key "\":\"[^\"]*\""))
		return ""
	m = substr(line, RSTART, RLENGTH)
	sub(/^"[^"]*":"/, "", m)
	sub(/"$/, "", m)
	return m
}
# 1200000 -> "1 200 000", as the README writes counts
function thousands(n,   s, out) {
	s = sprintf("%d", n)
	while (length(s) > 3) {
		out = " " substr(s, length(s) - 2) out
		s = substr(s, 1, length(s) - 3)
	}
	return s out
}
function rules_label(fam, n4, n6) {
	if (fam == "ipv4")
		return thousands(n4)
	if (fam == "ipv6")
		return thousands(n6)
	return thousands(n4) " + " thousands(n6)
}
# median, min and max of the values "v1 v2 ..." into M, LO, HI; returns the count
function stats(list,   v, n, i, j, t) {
	n = split(list, v, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	M = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	LO = v[1]; HI = v[n]
	return n
}
function cell(k, mix,   n) {
	if (!((k, mix) in ns))
		return "-"
	n = stats(ns[k, mix])
	if (M <= 0)
		return "-"
	mpps[k, mix] = 1000 / M
	if (n == 1)
		return sprintf("%.2f (%.1f)", 1000 / M, M)
	return sprintf("%.2f (%.1f; %.1f-%.1f)", 1000 / M, M, LO, HI)
}
function feeder_cell(k, mix) {
	if (!((k, mix) in feeder))
		return "-"
	stats(feeder[k, mix])
	return sprintf("%.1f", M)
}
function verdict(k, t,   f, d) {
	f = ((k, "forward") in mpps) && mpps[k, "forward"] >= t
	d = ((k, "drop") in mpps) && mpps[k, "drop"] >= t
	return f && d ? "met" : f ? "forward-heavy only" : d ? "drop-heavy only" : "missed"
}
/"bench":"ring"/ {
	fam = str($0, "family"); n4 = num($0, "rules_ipv4"); n6 = num($0, "rules_ipv6")
	mix = str($0, "mix")
	k = fam SUBSEP n4 SUBSEP n6
	if (!(k in label)) {
		order[++nkeys] = k
		label[k] = (fam == "ipv4" ? "IPv4" : fam == "ipv6" ? "IPv6" : "mixed") " | " rules_label(fam, n4, n6)
	}
	ns[k, mix] = ns[k, mix] " " num($0, "worker_ns_per_pkt")
	feeder[k, mix] = feeder[k, mix] " " num($0, "feeder_ns_per_pkt")
	t = num($0, "target_mpps")
	if (t != "")
		target[k] = t
	if (num($0, "frames_lost") || num($0, "tx_full") || num($0, "fill_starved"))
		bad = bad " " fam "/" mix "/" n4 "+" n6
	ob = num($0, "others_busy")
	if (ob != "" && ob >= 0) {
		nbusy++
		if (ob > busy_max)
			busy_max = ob
	}
	r = num($0, "rep")
	if (r > reps)
		reps = r
}
END {
	print "| traffic | rules | forward-heavy: Mpps (ns/pkt" (reps > 1 ? "; min-max" : "") ") | drop-heavy: Mpps (ns/pkt" (reps > 1 ? "; min-max" : "") ") | feeder ns/pkt (fwd / drop) | target | |"
	print "|---|---:|---:|---:|---:|---:|---|"
	for (i = 1; i <= nkeys; i++) {
		k = order[i]
		fwd = cell(k, "forward"); drop = cell(k, "drop")
		printf "| %s | %s | %s | %s / %s | %s | %s |\n", label[k], fwd, drop,
			feeder_cell(k, "forward"), feeder_cell(k, "drop"),
			(k in target) ? sprintf(">= %.2f Mpps", target[k]) : "",
			(k in target) ? verdict(k, target[k]) : ""
	}
	if (reps > 1)
		printf "\nMedians over %d interleaved repetitions of every scenario.\n", reps
	if (nbusy)
		printf "\nThe other CPUs were at most %.0f%% busy during any scenario's timed runs (`others_busy`).\n", busy_max * 100
	if (bad != "")
		printf "\n**Frames lost, TX full or fill starved in:**%s\n", bad
}
