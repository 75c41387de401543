/* control/args.c - command-line options of `xskwall`, one table row each
 * with its help text, so that --help is generated from the table. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "args.h"

enum { OPT_CONFIG = 'c', OPT_VERBOSE = 'v', OPT_HELP = 'h', OPT_CHECK = 256, OPT_VERSION };

struct ctl_opt {
	struct option opt;
	const char *arg;
	const char *help;
};

static const struct ctl_opt ctl_opts[] = {
	{ { "config", required_argument, NULL, OPT_CONFIG }, "FILE", "run the firewall with this configuration" },
	{ { "check", required_argument, NULL, OPT_CHECK }, "FILE", "validate FILE and exit 0 (valid) or 1 (invalid)" },
	{ { "verbose", no_argument, NULL, OPT_VERBOSE }, NULL, "log debug messages too" },
	{ { "version", no_argument, NULL, OPT_VERSION }, NULL, "print the version and exit" },
	{ { "help", no_argument, NULL, OPT_HELP }, NULL, "print this help and exit" },
};

#define CTL_NOPTS (sizeof(ctl_opts) / sizeof(ctl_opts[0]))

static void ctl_usage(FILE *f)
{
	fprintf(f, "usage: xskwall -c FILE | --check FILE [-v]\n\n"
		   "AF_XDP firewall between two ports. Signals: SIGHUP reloads the rules\n"
		   "(all or nothing), SIGUSR1 prints the counters, SIGINT/SIGTERM stop.\n\n");
	for (size_t i = 0; i < CTL_NOPTS; i++) {
		const struct ctl_opt *o = &ctl_opts[i];
		char lhs[40];

		if (o->opt.val < 256)
			snprintf(lhs, sizeof(lhs), "-%c, --%s%s%s", o->opt.val, o->opt.name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(lhs, sizeof(lhs), "    --%s%s%s", o->opt.name, o->arg ? " " : "",
				 o->arg ? o->arg : "");
		fprintf(f, "  %-24s %s\n", lhs, o->help);
	}
}

static int ctl_args_apply(int c, struct ctl_args *a)
{
	switch (c) {
	case OPT_CONFIG:
		a->config = optarg;
		return 0;
	case OPT_CHECK:
		a->config = optarg;
		a->check_only = 1;
		return 0;
	case OPT_VERBOSE:
		a->verbose = 1;
		return 0;
	case OPT_VERSION:
		printf("xskwall %s\n", XSKWALL_VERSION);
		return 1;
	case OPT_HELP:
		ctl_usage(stdout);
		return 1;
	default:
		ctl_usage(stderr);
		return -1;
	}
}

int ctl_args_parse(int argc, char **argv, struct ctl_args *a)
{
	struct option longopts[CTL_NOPTS + 1];
	int c, r;

	memset(a, 0, sizeof(*a));
	memset(longopts, 0, sizeof(longopts));
	for (size_t i = 0; i < CTL_NOPTS; i++)
		longopts[i] = ctl_opts[i].opt;
	while ((c = getopt_long(argc, argv, "c:vh", longopts, NULL)) != -1) {
		r = ctl_args_apply(c, a);
		if (r)
			return r;
	}
	if (optind < argc || !a->config) {
		fprintf(stderr, "xskwall: %s\n", optind < argc ? "unexpected argument" :
			"a configuration file is required (-c FILE or --check FILE)");
		ctl_usage(stderr);
		return -1;
	}
	return 0;
}
