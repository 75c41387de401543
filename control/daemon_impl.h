/* control/daemon_impl.h - the daemon's state, shared by its event loop
 * (daemon.c) and its control commands (commands.c); nothing else sees
 * it. One control thread owns all of it. */
#ifndef CTL_DAEMON_IMPL_H
#define CTL_DAEMON_IMPL_H

#include "capsession.h"
#include "config.h"
#include "ctlsock.h"
#include "engine.h"
#include "loader.h"
#include "metrics.h"
#include "netwatch.h"
#include "notify.h"
#include "ports.h"
#include "service.h"

/* Clients waiting for a reload's result. */
struct ctl_waiters {
	struct ctl_client_ref c[CTL_MAX_CLIENTS];
	int n;
};

/* An add or del while its rule list compiles on the loader thread. */
struct ctl_edit {
	int active;
	struct ctl_client_ref c; /* who asked */
	size_t index;            /* add: the new rule's 1-based position */
	json_t *gone;            /* del: the deleted rule, as `rules` lists it */
	uint64_t started_ns;
};

struct ctl_daemon {
	const char *path;
	int verbose;               /* -v: debug, whatever log-level says */
	struct fw_config cfg;      /* the configuration in force */
	struct fp_big_pool *mem;   /* the memory of replaced rules, for the next reload */
	struct fp_engine *engine;
	struct ctl_netwatch *links;
	struct ctl_ports ports;
	struct ctl_notify notify;  /* the service manager, if one listens */
	struct ctl_loader *reload; /* the reload (or edit) in progress, if any */
	struct ctl_lint_job *lint; /* logs cfg's warnings; ended before cfg changes */
	struct ctl_edit edit;      /* the loader compiles an edit, not a file */
	uint64_t reload_started_ns;
	int reload_again;          /* asked for during a reload: one more after it */
	struct ctl_waiters waiting;      /* for the reload in progress */
	struct ctl_waiters waiting_next; /* for the one after it */
	struct ctl_server *server;       /* the control socket */
	struct ctl_metrics *metrics;     /* NULL: no metrics-listen */
	struct ctl_capture capture;
	struct ctl_service sv;
	struct ctl_sample samples[2];    /* sv.prev and sv.cur point here */
	struct ctl_sample metrics_sample;
	uint64_t next_sample_ns;
	int running;
	int status;                /* the exit status once stopped */
};

/* ---- daemon.c ---- */

/* Start a reload (as SIGHUP does); c, when it has an id, gets the result. */
void ctl_daemon_reload(struct ctl_daemon *d, struct ctl_client_ref c);

/* Make rules (n of them, malloc'd, ownership taken) the rules in force:
 * compiled on the loader thread, then published as a new snapshot; c gets
 * the added rule (index, 1-based) or the deleted one (gone, stolen) once
 * they are in force, or why not (the old ones stay). */
void ctl_daemon_edit(struct ctl_daemon *d, struct ctl_client_ref c, struct fp_rule *rules,
		     size_t n, size_t index, json_t *gone);

/* ---- commands.c ---- */

/* The control socket's request handler (ctlsock.h). */
void ctl_commands_on_request(void *arg, struct ctl_client_ref c, const char *line, size_t len);

/* The metrics server's view (metrics.h). */
void ctl_commands_metrics_view(void *arg, struct ctl_metrics_view *v);

#endif /* CTL_DAEMON_IMPL_H */
