# bench/report/bench-table.awk - a run's results -> the Markdown tables of the
# README's Performance section:
#
#   awk -f bench/report/bench-table.awk DIR/calibration.json DIR/results.jsonl
#
# One row per scenario, busy-poll setting, mix and rule count: the median
# over the repetitions of each repetition's median rate (min-max over the
# repetitions beside it), the ratio to the bare AF_XDP baseline of the same
# busy-poll setting and to nftables with the same rules, all from this run.
# The rate is what the scenario is for: frames dropped by the firewall for
# a drop-heavy mix with rules (and the bare receive-and-drop), frames
# forwarded to the sink otherwise. A run whose calibration says it is not
# publishable gets that said first.
function num(line, key,   m) {
	if (!match(line, "\"" key "\":[0-9.eE+-]+"))
		return 0
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
function thousands(n,   s) {
	s = sprintf("%d", n)
	while (s ~ /[0-9][0-9][0-9][0-9]/)
		sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
	return s
}
function sort_n(a, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
}
# median, min and max of the values "v1 v2 ..." into M, LO, HI
function stats(list,   v, n) {
	n = split(list, v, " ")
	sort_n(v, n)
	M = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	LO = v[1]; HI = v[n]
	return n
}
function main_rate(line, scen, mix, rules) {
	if (scen == "afxdp-bare-rxdrop" || (mix == "drop" && rules > 0))
		return num(line, "drop_mpps_median")
	return num(line, "fwd_mpps_median")
}
function ratio(a, b) { return b > 0 ? sprintf("%.2fx", a / b) : "-" }
FILENAME ~ /calibration.json$/ {
	if ($0 ~ /"publishable":false/)
		printf "**Not publishable:** %s\n\n", str($0, "why_not")
	calib = sprintf("Calibration, start -> end of the run: generator alone %.2f -> %.2f Mpps, XDP redirect ceiling %.2f -> %.2f Mpps.",
		num($0, "gen_only_start"), num($0, "gen_only_end"), num($0, "ceiling_start"), num($0, "ceiling_end"))
	next
}
/"scenario"/ {
	scen = str($0, "scenario"); mix = str($0, "mix"); rules = num($0, "rules")
	if (scen == "gen-only" || scen == "ceiling")
		next
	key = scen SUBSEP str($0, "busy_poll") SUBSEP mix SUBSEP rules
	if (!(key in rate))
		order[++nkeys] = key
	rate[key] = rate[key] " " main_rate($0, scen, mix, rules)
	cpu[key] = cpu[key] " " num($0, "cpu_ns_per_pkt_fw_cpus")
	loss[key] += num($0, "unexplained_loss")
}
END {
	for (i = 1; i <= nkeys; i++) {
		stats(rate[order[i]]); med[order[i]] = M
	}
	print "| scenario | busy-poll | mix | rules | Mpps (median of reps, min-max) | vs bare AF_XDP | vs nftables | fw CPU ns/pkt | unexplained loss |"
	print "|---|---|---|---:|---:|---:|---:|---:|---:|"
	for (i = 1; i <= nkeys; i++) {
		k = order[i]
		split(k, f, SUBSEP)
		n = stats(rate[k]); m = M; lo = LO; hi = HI
		stats(cpu[k]); c = M
		vb = vn = "-"
		if (f[1] == "xskwall" || f[1] == "xskwall-reload") {
			bare = "afxdp-bare-" (f[3] == "drop" && f[4] > 0 ? "rxdrop" : "fwd") SUBSEP f[2] SUBSEP f[3] SUBSEP 0
			vb = ratio(m, med[bare])
			vn = ratio(m, med["nft-" (f[3] == "drop" ? "netdev-ingress" : "forward-hook") SUBSEP "off" SUBSEP f[3] SUBSEP f[4]])
		}
		printf "| %s | %s | %s | %s | %.2f (%.2f-%.2f, %d) | %s | %s | %.0f | %d |\n", f[1], f[2], f[3],
			thousands(f[4]), m, lo, hi, n, vb, vn, c, loss[k]
	}
	if (calib != "")
		print "\n" calib
}
