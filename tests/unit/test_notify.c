/* tests/unit/test_notify.c - the systemd notify protocol (control/notify.c)
 * against a test-owned NOTIFY_SOCKET: each message's exact text, the
 * watchdog's period and pings, and silence without NOTIFY_SOCKET. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>
#include "notify.h"

struct listener {
	char dir[48];
	char path[80];
	int fd;
};

static int listen_setup(void **state)
{
	struct listener *l = calloc(1, sizeof(*l));
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	if (!l)
		return -1;
	snprintf(l->dir, sizeof(l->dir), "/tmp/xskwall-notify.XXXXXX");
	if (!mkdtemp(l->dir))
		return -1;
	snprintf(l->path, sizeof(l->path), "%s/notify", l->dir);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", l->path);
	l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (l->fd < 0 || bind(l->fd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	setenv("NOTIFY_SOCKET", l->path, 1);
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	*state = l;
	return 0;
}

static int listen_teardown(void **state)
{
	struct listener *l = *state;

	close(l->fd);
	unlink(l->path);
	rmdir(l->dir);
	free(l);
	unsetenv("NOTIFY_SOCKET");
	return 0;
}

/* The next datagram, or "" when none arrives within 200 ms. */
static const char *next_msg(const struct listener *l, char *buf, size_t len)
{
	struct timeval tv = { 0, 200000 };
	ssize_t n;

	setsockopt(l->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(l->fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static uint64_t now_usec(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000ull + (uint64_t)t.tv_nsec / 1000;
}

static void test_messages(void **state)
{
	struct listener *l = *state;
	unsigned long long usec;
	char buf[256];
	uint64_t before = now_usec();

	ctl_notify_ready("forwarding a0 <-> b0");
	assert_string_equal(next_msg(l, buf, sizeof(buf)), "READY=1\nSTATUS=forwarding a0 <-> b0");
	ctl_notify_reloading();
	next_msg(l, buf, sizeof(buf));
	assert_int_equal(sscanf(buf, "RELOADING=1\nMONOTONIC_USEC=%llu", &usec), 1);
	assert_true(usec >= before && usec <= now_usec());
	ctl_notify_stopping();
	assert_string_equal(next_msg(l, buf, sizeof(buf)), "STOPPING=1");
}

static void test_watchdog(void **state)
{
	struct listener *l = *state;
	struct ctl_notify n;
	char buf[256], pid[32];

	ctl_notify_init(&n);
	assert_int_equal(ctl_notify_timeout_ms(&n), -1); /* no WatchdogSec */
	ctl_notify_watchdog(&n);
	assert_string_equal(next_msg(l, buf, sizeof(buf)), "");

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("WATCHDOG_USEC", "200000", 1);
	setenv("WATCHDOG_PID", pid, 1);
	ctl_notify_init(&n);
	assert_int_equal(n.watchdog_usec, 200000);
	assert_in_range(ctl_notify_timeout_ms(&n), 1, 100); /* half the period */
	ctl_notify_watchdog(&n);                          /* not due yet */
	assert_string_equal(next_msg(l, buf, sizeof(buf)), "");
	usleep(110000);
	assert_int_equal(ctl_notify_timeout_ms(&n), 0);
	ctl_notify_watchdog(&n);
	assert_string_equal(next_msg(l, buf, sizeof(buf)), "WATCHDOG=1");
	assert_in_range(ctl_notify_timeout_ms(&n), 1, 100); /* the next one */

	setenv("WATCHDOG_PID", "1", 1); /* meant for another process */
	ctl_notify_init(&n);
	assert_int_equal(ctl_notify_timeout_ms(&n), -1);
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

/* Without NOTIFY_SOCKET nothing is sent and nothing fails. */
static void test_no_socket(void **state)
{
	struct listener *l = *state;
	char buf[256];

	unsetenv("NOTIFY_SOCKET");
	ctl_notify_ready("x");
	ctl_notify_reloading();
	ctl_notify_stopping();
	assert_string_equal(next_msg(l, buf, sizeof(buf)), "");
	setenv("NOTIFY_SOCKET", l->path, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_messages, listen_setup, listen_teardown),
		cmocka_unit_test_setup_teardown(test_watchdog, listen_setup, listen_teardown),
		cmocka_unit_test_setup_teardown(test_no_socket, listen_setup, listen_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
