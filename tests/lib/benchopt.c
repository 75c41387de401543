/* tests/lib/benchopt.c - see benchopt.h. Every C tool of bench/ and tests/lab/ links
 * the xskwall_benchopt library. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "benchopt.h"

#define BENCH_MAX_OPTS 32

void bench_opt_usage(const struct bench_cmd *cmd, FILE *f)
{
	fprintf(f, "%s\n\noptions:\n", cmd->synopsis);
	for (unsigned int i = 0; i < cmd->n_opts; i++) {
		const struct bench_opt *o = &cmd->opts[i];
		char lhs[48];

		snprintf(lhs, sizeof(lhs), "--%s%s%s", o->name, o->metavar ? " " : "",
			 o->metavar ? o->metavar : "");
		fprintf(f, "  %-26s %s%s\n", lhs, o->help, o->required ? " (required)" : "");
	}
	fprintf(f, "  %-26s %s\n", "--help", "print this help and exit");
	if (cmd->notes)
		fprintf(f, "\n%s", cmd->notes);
}

static int bench_opt_apply(const struct bench_cmd *cmd, int idx, void *o)
{
	const struct bench_opt *row = &cmd->opts[idx];

	if (row->apply(o, row->metavar ? optarg : NULL)) {
		fprintf(stderr, "%s: bad --%s '%s' (see --help)\n", cmd->prog, row->name,
			optarg ? optarg : "");
		return -EINVAL;
	}
	return 0;
}

/* The first required option argv did not give, or NULL. */
static const char *bench_opt_missing(const struct bench_cmd *cmd, unsigned int n,
				     const unsigned char *seen)
{
	for (unsigned int i = 0; i < n; i++)
		if (cmd->opts[i].required && !seen[i])
			return cmd->opts[i].name;
	return NULL;
}

int bench_opt_parse(const struct bench_cmd *cmd, int argc, char **argv, void *o)
{
	struct option lo[BENCH_MAX_OPTS + 2] = { 0 };
	unsigned int n = cmd->n_opts < BENCH_MAX_OPTS ? cmd->n_opts : BENCH_MAX_OPTS;
	unsigned char seen[BENCH_MAX_OPTS] = { 0 };
	const char *missing;
	int c;

	for (unsigned int i = 0; i < n; i++)
		lo[i] = (struct option){ cmd->opts[i].name,
					 cmd->opts[i].metavar ? required_argument : no_argument,
					 NULL, (int)i + 256 };
	lo[n] = (struct option){ "help", no_argument, NULL, 'h' };
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 'h') {
			bench_opt_usage(cmd, stdout);
			return 1;
		}
		if (c < 256 || bench_opt_apply(cmd, c - 256, o)) {
			fprintf(stderr, "usage: %s [options], see %s --help\n", cmd->prog, cmd->prog);
			return -EINVAL;
		}
		seen[c - 256] = 1;
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", cmd->prog, argv[optind]);
		return -EINVAL;
	}
	missing = bench_opt_missing(cmd, n, seen);
	if (missing) {
		fprintf(stderr, "%s: --%s is required (see --help)\n", cmd->prog, missing);
		return -EINVAL;
	}
	return 0;
}

int bench_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))	/* no sign, no blank */
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int bench_parse_size(const char *s, size_t min, size_t max, size_t *out)
{
	uint64_t v;

	if (bench_parse_u64(s, min, max, &v))
		return -EINVAL;
	*out = (size_t)v;
	return 0;
}

int bench_parse_counts(const char *s, size_t min, size_t max, size_t *counts,
		       unsigned max_n, unsigned *n)
{
	char buf[512], *tok, *save = NULL;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	*n = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (*n == max_n || bench_parse_size(tok, min, max, &counts[(*n)++]))
			return -EINVAL;
	return *n ? 0 : -EINVAL;
}

int bench_parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (!s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end != '\0' || !(v >= min && v <= max))
		return -EINVAL;
	*out = v;
	return 0;
}

uint64_t bench_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}
