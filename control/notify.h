/* control/notify.h - the systemd notify protocol (sd_notify(3)): READY=1
 * once the programs are attached and the workers run, RELOADING=1 with
 * MONOTONIC_USEC while a reload runs (then READY=1 again, whatever its
 * outcome), STOPPING=1, and WATCHDOG=1 pings at half the period the
 * service manager asks for (WatchdogSec= sets WATCHDOG_USEC). Without
 * NOTIFY_SOCKET in the environment every call does nothing. */
#ifndef CTL_NOTIFY_H
#define CTL_NOTIFY_H

#include <stdint.h>

struct ctl_notify {
	uint64_t watchdog_usec; /* 0: no watchdog */
	uint64_t last_ping_usec;
};

/* Read the watchdog period from the environment. */
void ctl_notify_init(struct ctl_notify *n);

void ctl_notify_ready(const char *status);
void ctl_notify_reloading(void);
void ctl_notify_stopping(void);

/* How long the event loop may wait before the next ping is due, in ms;
 * -1 without a watchdog. */
int ctl_notify_timeout_ms(const struct ctl_notify *n);

/* Ping the watchdog if half its period has passed since the last ping. */
void ctl_notify_watchdog(struct ctl_notify *n);

#endif /* CTL_NOTIFY_H */
