/* control/args.h - the daemon's command line, from one table of options. */
#ifndef CTL_ARGS_H
#define CTL_ARGS_H

struct ctl_args {
	const char *config; /* -c FILE or --check FILE */
	int check_only;     /* --check: validate and exit */
	int verbose;        /* -v: debug logging */
};

/* 0: run; 1: --help or --version was printed (exit 0); -1: usage error
 * (printed; exit 2). */
int ctl_args_parse(int argc, char **argv, struct ctl_args *a);

#endif /* CTL_ARGS_H */
