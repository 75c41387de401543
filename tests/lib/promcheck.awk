# tests/lib/promcheck.awk - a validator for the Prometheus text exposition
# format 0.0.4, for the metrics tests (tests/unit/test_metrics.c and
# tests/netns/test_metrics.sh).
#
#   awk [-v lint=1] -f promcheck.awk FILE...
#
# Format (an error is printed to stderr as FILE:LINE: why: the line, and
# the exit status is 1):
#   - every line that is not blank or a comment is a sample
#     `name{label="value",...} value [timestamp]`: a valid metric name,
#     valid and distinct label names, values quoted with only \\ \" \n
#     escapes, a float value (or NaN, +Inf, -Inf), an integer timestamp;
#   - `# HELP name text` (only \\ and \n escapes) and `# TYPE name type`
#     (counter, gauge, histogram, summary, untyped), each at most once per
#     family and before the family's first sample;
#   - every sample's family (its name, or the name less _bucket/_sum/_count
#     for a histogram or summary) has a # TYPE line before it;
#   - a family's lines form one group; no series (name and label set)
#     appears twice; no carriage returns.
# lint=1 also wants a # HELP for every family, counter names ending in
# _total and gauge names not, and at least one sample.
# On success it prints "ok: N families, M samples".
# POSIX awk (runs under gawk and mawk).

function fail(why) {
	printf "promcheck: %s:%d: %s: %s\n", FILENAME, FNR, why, $0 > "/dev/stderr"
	errors++
}

function valid_name(s) { return s ~ /^[a-zA-Z_:][a-zA-Z0-9_:]*$/ }

function valid_value(s) {
	if (s == "NaN" || s == "+Inf" || s == "-Inf" || s == "Inf")
		return 1
	return s ~ /^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/
}

# Whether the HELP text's escapes are \\ and \n only.
function valid_help(s,    i, c) {
	for (i = 1; i <= length(s); i++) {
		if (substr(s, i, 1) != "\\")
			continue
		c = substr(s, i + 1, 1)
		if (c != "\\" && c != "n")
			return 0
		i++
	}
	return 1
}

# The family's lines start (HELP, TYPE or a sample): a family left
# earlier may not come back.
function enter(fam) {
	if (fam == cur)
		return
	if (cur != "")
		closed[cur] = 1
	if (fam in closed)
		fail("the lines of family " fam " are not one group")
	cur = fam
}

function meta_line(    kind, name, rest) {
	kind = $2
	name = $3
	if (kind != "HELP" && kind != "TYPE")
		return
	if (!valid_name(name)) {
		fail("# " kind " names no valid metric")
		return
	}
	enter(name)
	if (name in sampled)
		fail("# " kind " after the family's first sample")
	if (kind == "HELP") {
		if (name in help)
			fail("a second # HELP for " name)
		help[name] = 1
		rest = $0
		sub(/^[ \t]*#[ \t]+HELP[ \t]+[^ \t]+[ \t]*/, "", rest)
		if (!valid_help(rest))
			fail("bad escape in # HELP text (only \\\\ and \\n)")
		return
	}
	if (NF != 4 || $4 !~ /^(counter|gauge|histogram|summary|untyped)$/) {
		fail("# TYPE wants a name and one of counter, gauge, histogram, summary, untyped")
		return
	}
	if (name in type)
		fail("a second # TYPE for " name)
	type[name] = $4
	nfam++
}

# Parse the label set at s (just after "{"); sets P_LABELS (sorted
# "name=value" joined by SUBSEP), P_REST (after "}"), P_HAS[label name].
# Returns 0 on a syntax error (reported).
function parse_labels(s,    i, n, c, lname, lval, k, names, vals, m, j, t, tv) {
	i = 1
	n = 0
	split("", P_HAS)
	for (;;) {
		while (substr(s, i, 1) == " " || substr(s, i, 1) == "\t")
			i++
		if (substr(s, i, 1) == "}")
			break
		if (!match(substr(s, i), /^[a-zA-Z_][a-zA-Z0-9_]*/)) {
			fail("bad label name")
			return 0
		}
		lname = substr(s, i, RLENGTH)
		i += RLENGTH
		if (lname in P_HAS) {
			fail("label " lname " given twice")
			return 0
		}
		while (substr(s, i, 1) == " " || substr(s, i, 1) == "\t")
			i++
		if (substr(s, i, 1) != "=") {
			fail("label " lname " has no '='")
			return 0
		}
		i++
		while (substr(s, i, 1) == " " || substr(s, i, 1) == "\t")
			i++
		if (substr(s, i, 1) != "\"") {
			fail("label " lname "'s value is not quoted")
			return 0
		}
		i++
		lval = ""
		for (;;) {
			c = substr(s, i, 1)
			if (c == "") {
				fail("label " lname "'s value has no closing quote")
				return 0
			}
			if (c == "\"")
				break
			if (c == "\\") {
				c = substr(s, i + 1, 1)
				if (c != "\\" && c != "\"" && c != "n") {
					fail("bad escape in label " lname " (only \\\\ \\\" \\n)")
					return 0
				}
				lval = lval "\\" c
				i += 2
				continue
			}
			lval = lval c
			i++
		}
		i++
		P_HAS[lname] = 1
		n++
		names[n] = lname
		vals[n] = lval
		while (substr(s, i, 1) == " " || substr(s, i, 1) == "\t")
			i++
		c = substr(s, i, 1)
		if (c == ",") {
			i++
			continue
		}
		if (c == "}")
			break
		fail("labels not separated by ',' or closed by '}'")
		return 0
	}
	for (m = 2; m <= n; m++) {   # insertion sort by label name
		t = names[m]
		tv = vals[m]
		for (j = m - 1; j >= 1 && names[j] > t; j--) {
			names[j + 1] = names[j]
			vals[j + 1] = vals[j]
		}
		names[j + 1] = t
		vals[j + 1] = tv
	}
	P_LABELS = ""
	for (k = 1; k <= n; k++)
		P_LABELS = P_LABELS SUBSEP names[k] "=" vals[k]
	P_REST = substr(s, i + 1)
	return 1
}

# The family a sample belongs to, "" when no # TYPE names it.
function family_of(name,    base) {
	if (name in type)
		return name
	base = name
	if (sub(/_bucket$/, "", base) && (base in type) && type[base] == "histogram")
		return base
	base = name
	if (sub(/_(sum|count)$/, "", base) && (base in type) &&
	    (type[base] == "histogram" || type[base] == "summary"))
		return base
	return ""
}

function sample_line(    name, rest, fam, key, n, tok) {
	if (!match($0, /^[a-zA-Z_:][a-zA-Z0-9_:]*/)) {
		fail("not a metric name")
		return
	}
	name = substr($0, 1, RLENGTH)
	rest = substr($0, RLENGTH + 1)
	P_LABELS = ""
	split("", P_HAS)
	if (substr(rest, 1, 1) == "{") {
		if (!parse_labels(substr(rest, 2)))
			return
		rest = P_REST
	}
	if (rest !~ /^[ \t]/) {
		fail("no blank between the series and its value")
		return
	}
	sub(/[ \t]+$/, "", rest)
	n = split(rest, tok, /[ \t]+/)   # tok[1] is "" (the leading blank)
	if (n < 2 || n > 3 || !valid_value(tok[2]) || (n == 3 && tok[3] !~ /^-?[0-9]+$/)) {
		fail("the value must be a float, then an optional integer timestamp")
		return
	}
	fam = family_of(name)
	if (fam == "") {
		fail("no # TYPE line before the first sample of " name)
		return
	}
	enter(fam)
	if (type[fam] == "histogram" && name == fam)
		fail("a histogram's samples are " fam "_bucket, _sum and _count")
	if (name == fam "_bucket" && !("le" in P_HAS))
		fail("a histogram bucket needs an le label")
	key = name P_LABELS
	if (key in series)
		fail("series given twice")
	series[key] = 1
	sampled[fam] = 1
	nsamples++
}

BEGIN { errors = 0; nsamples = 0; nfam = 0; cur = "" }
/\r/ { fail("carriage return"); next }
/^[ \t]*$/ { next }
/^[ \t]*#/ { meta_line(); next }
{ sample_line() }

END {
	if (lint) {
		for (f in type) {
			if (!(f in help)) {
				printf "promcheck: family %s has no # HELP\n", f > "/dev/stderr"
				errors++
			}
			if (type[f] == "counter" && f !~ /_total$/) {
				printf "promcheck: counter %s does not end in _total\n", f > "/dev/stderr"
				errors++
			}
			if (type[f] == "gauge" && f ~ /_total$/) {
				printf "promcheck: gauge %s ends in _total\n", f > "/dev/stderr"
				errors++
			}
		}
		if (!nsamples) {
			print "promcheck: no samples" > "/dev/stderr"
			errors++
		}
	}
	if (errors)
		exit 1
	printf "ok: %d families, %d samples\n", nfam, nsamples
}
