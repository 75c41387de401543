/* control/main.c - process lifecycle only: options, signals blocked before
 * any thread exists, then the daemon (or --check). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include "fw/log.h"
#include "args.h"
#include "daemon.h"

int main(int argc, char **argv)
{
	struct ctl_args args;
	sigset_t sigs;
	int sig_fd, r;

	r = ctl_args_parse(argc, argv, &args);
	if (r)
		return r < 0 ? 2 : 0;
	fw_log_set_level(args.verbose ? FW_LOG_DEBUG : FW_LOG_INFO);
	fw_log_detect_journal();
	fw_log_route_libs();
	if (args.check_only)
		return ctl_check(args.config);

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGUSR1);
	if (pthread_sigmask(SIG_BLOCK, &sigs, NULL))
		return 1;
	sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sig_fd < 0) {
		perror("xskwall: signalfd");
		return 1;
	}
	r = ctl_daemon_run(&args, sig_fd);
	close(sig_fd);
	return r;
}
