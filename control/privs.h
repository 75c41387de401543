/* control/privs.h - least privilege: once start-up is over, keep only the
 * capabilities the running daemon's own work needs. Called by
 * ctl_daemon_run only, from the main thread. */
#ifndef CTL_PRIVS_H
#define CTL_PRIVS_H

/* Clear every capability the running daemon does not need from the
 * effective, permitted, inheritable and ambient sets and from the
 * bounding set, in every thread of the process (the workers already run),
 * keeping the runtime set (privs.c says which and why) and logging it.
 * Call after the programs are loaded and attached, the sockets bound and
 * the workers started, with no other thread creating threads.
 * Returns 0, or -errno after logging what could not be dropped. */
int ctl_privs_drop(void);

#endif /* CTL_PRIVS_H */
