/* tests/lib/benchopt.h - table-driven long options and strict number
 * parsing for every C tool of bench/. One row per option with its help
 * text; --help is generated from the table. */
#ifndef BENCHOPT_H
#define BENCHOPT_H
#include <stdint.h>
#include <stdio.h>

struct bench_opt {
	const char *name;	/* long option name, without "--" */
	const char *metavar;	/* NULL: the option takes no argument */
	const char *help;
	/* apply the option to `o`; arg is NULL for flags. Return 0 or
	 * -EINVAL after printing why to stderr. */
	int (*apply)(void *o, const char *arg);
	int required;		/* the parse fails without it; --help says so */
};

struct bench_cmd {
	const char *prog;	/* for messages */
	const char *synopsis;	/* first lines of --help */
	const char *notes;	/* printed after the option list, may be NULL */
	const struct bench_opt *opts;
	unsigned int n_opts;
};

/* Parse argv against the table. Returns 0, 1 when --help was printed, or
 * -EINVAL (the reason and the usage are on stderr), also when a required
 * option is missing. */
int bench_opt_parse(const struct bench_cmd *cmd, int argc, char **argv, void *o);
void bench_opt_usage(const struct bench_cmd *cmd, FILE *f);

/* The whole string must be a number in [min, max]: 0 or -EINVAL. */
int bench_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* bench_parse_u64 into a size_t. */
int bench_parse_size(const char *s, size_t min, size_t max, size_t *out);

/* A comma-separated list of at most max_n counts in [min, max] (`10,1000`)
 * into counts[], *n of them: 0, or -EINVAL (also for an empty list). */
int bench_parse_counts(const char *s, size_t min, size_t max, size_t *counts,
		       unsigned max_n, unsigned *n);

/* The whole string must be a number in [min, max]: 0 or -EINVAL. */
int bench_parse_double(const char *s, double min, double max, double *out);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void);

#endif /* BENCHOPT_H */
