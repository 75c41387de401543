/* control/daemon.h - the running daemon: configuration in force, engine,
 * and the signal loop (reload, counters, stop). Called by main only. */
#ifndef CTL_DAEMON_H
#define CTL_DAEMON_H

#include "args.h"

/* Validate a configuration file as start-up would; prints the verdict.
 * Returns the process exit code (0 valid, 1 invalid). */
int ctl_check(const char *path);

/* Run until SIGINT/SIGTERM arrives on sig_fd (a signalfd for INT, TERM,
 * HUP and USR1, blocked in every thread). Returns the exit code. */
int ctl_daemon_run(const struct ctl_args *a, int sig_fd);

#endif /* CTL_DAEMON_H */
