/* control/ctl/ctl_call.c - xskwallctl's conversation with the daemon, for
 * every handler: connect (saying why not), send the request, read and
 * judge each reply (printing the daemon's error), and SIGINT/SIGTERM as
 * an event the waiting commands (stats --watch, capture) can poll. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include "ctl_client.h"
#include "ctl_cli.h"

int ctl_cli_fail(const struct ctl_cli_cmd *cmd, const char *what, int err)
{
	fprintf(stderr, "xskwallctl: %s: %s: %s\n", cmd->name, what, strerror(-err));
	return CTL_EXIT_FAILED;
}

int ctl_cli_connect(const struct ctl_cli_args *a, struct ctl_client **c)
{
	int err = ctl_client_connect(a->socket, c);

	if (!err)
		return CTL_EXIT_OK;
	fprintf(stderr, "xskwallctl: cannot connect to %s: %s%s\n", a->socket, strerror(-err),
		err == -ENOENT || err == -ECONNREFUSED ? " (is xskwall running?)" : "");
	return CTL_EXIT_UNREACHABLE;
}

static const char *ctl_reply_problem(int err)
{
	switch (err) {
	case -ENODATA:
		return "the daemon closed the connection without a reply";
	case -EBADMSG:
		return "the daemon's reply is not a JSON object";
	case -EMSGSIZE:
		return "the daemon's reply line is too long";
	case -ETIMEDOUT:
		return "no reply from the daemon in time";
	default:
		return NULL;
	}
}

void ctl_cli_daemon_error(const struct ctl_cli_cmd *cmd, const json_t *reply)
{
	const char *error = ctl_json_str(reply, "error", "the daemon refused without saying why");
	size_t n = strlen(cmd->name);

	if (!strncmp(error, cmd->name, n) && !strncmp(error + n, ": ", 2))
		fprintf(stderr, "xskwallctl: %s\n", error); /* it names the command already */
	else
		fprintf(stderr, "xskwallctl: %s: %s\n", cmd->name, error);
}

/* A reply that is not ok: its error on stderr, its JSON on stdout under -j. */
static int ctl_refused(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a,
		       const json_t *reply)
{
	ctl_cli_daemon_error(cmd, reply);
	if (a->json)
		ctl_cli_print_json(reply);
	return CTL_EXIT_FAILED;
}

int ctl_cli_request(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a, json_t *req,
		    struct ctl_client **out)
{
	struct ctl_client *c = NULL;
	int err, rc;

	*out = NULL;
	rc = req ? ctl_cli_connect(a, &c) : ctl_cli_fail(cmd, "request", -ENOMEM);
	if (rc) {
		json_decref(req);
		return rc;
	}
	err = ctl_client_send(c, req);
	json_decref(req);
	if (err && err != -EPIPE && err != -ECONNRESET) { /* else a refusal may be waiting */
		ctl_client_destroy(c);
		return ctl_cli_fail(cmd, "sending the request", err);
	}
	*out = c;
	return CTL_EXIT_OK;
}

int ctl_cli_reply(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a,
		  struct ctl_client *c, int stop_fd, json_t **reply)
{
	int err = ctl_client_next(c, stop_fd, CTL_CLI_REPLY_TIMEOUT_MS, reply);

	if (err == -EINTR) {
		*reply = NULL; /* stopped by the caller's signal */
		return CTL_EXIT_OK;
	}
	if (err) {
		*reply = NULL;
		if (!ctl_reply_problem(err))
			return ctl_cli_fail(cmd, "reading the reply", err);
		fprintf(stderr, "xskwallctl: %s: %s\n", cmd->name, ctl_reply_problem(err));
		return CTL_EXIT_FAILED;
	}
	if (json_is_true(json_object_get(*reply, "ok")))
		return CTL_EXIT_OK;
	return ctl_refused(cmd, a, *reply);
}

int ctl_cli_call(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a, json_t *req,
		 int stop_fd, json_t **reply)
{
	struct ctl_client *c;
	int rc = ctl_cli_request(cmd, a, req, &c);

	*reply = NULL;
	if (rc == CTL_EXIT_OK)
		rc = ctl_cli_reply(cmd, a, c, stop_fd, reply);
	ctl_client_destroy(c);
	return rc;
}

int ctl_cli_print_json(const json_t *reply)
{
	json_dumpf(reply, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	return CTL_EXIT_OK;
}

int ctl_cli_stop_fd_open(sigset_t *old)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, old))
		return -errno;
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0) {
		fd = -errno;
		sigprocmask(SIG_SETMASK, old, NULL);
	}
	return fd;
}

void ctl_cli_stop_fd_drain(int fd)
{
	struct signalfd_siginfo si;

	while (fd >= 0 && read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
}

void ctl_cli_stop_fd_close(int fd, const sigset_t *old)
{
	if (fd < 0)
		return;
	ctl_cli_stop_fd_drain(fd);
	close(fd);
	sigprocmask(SIG_SETMASK, old, NULL);
}
