/* control/notify.c - sd_notify(3) messages, through libsystemd. */
#include <time.h>
#include <systemd/sd-daemon.h>
#include "notify.h"

static uint64_t ctl_monotonic_usec(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000ull + (uint64_t)t.tv_nsec / 1000;
}

void ctl_notify_init(struct ctl_notify *n)
{
	uint64_t usec = 0;

	n->watchdog_usec = sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
	n->last_ping_usec = ctl_monotonic_usec();
}

void ctl_notify_ready(const char *status)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void ctl_notify_reloading(void)
{
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
		   (unsigned long long)ctl_monotonic_usec());
}

void ctl_notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

int ctl_notify_timeout_ms(const struct ctl_notify *n)
{
	uint64_t half = n->watchdog_usec / 2, since;

	if (!n->watchdog_usec)
		return -1;
	since = ctl_monotonic_usec() - n->last_ping_usec;
	return since >= half ? 0 : (int)((half - since + 999) / 1000);
}

void ctl_notify_watchdog(struct ctl_notify *n)
{
	uint64_t now = ctl_monotonic_usec();

	if (!n->watchdog_usec || now - n->last_ping_usec < n->watchdog_usec / 2)
		return;
	sd_notify(0, "WATCHDOG=1");
	n->last_ping_usec = now;
}
