/* control/service.h - the running daemon as its control socket and
 * metrics see it: the configuration and rules in force, the engine, and
 * the counter samples the daemon takes once a second (for rates).
 * Owned by daemon.c; read by ctl_reply.c and the metrics view. */
#ifndef CTL_SERVICE_H
#define CTL_SERVICE_H

#include <stdint.h>
#include "config.h"
#include "engine.h"
#include "sample.h"
#include "state.h"

struct ctl_service {
	const char *config_path;
	struct fw_config *cfg;         /* in force (rules edited by add/del included) */
	struct fp_engine *engine;
	struct ctl_rules_state rules;
	uint64_t started_ns;           /* CLOCK_MONOTONIC */
	struct ctl_sample *prev, *cur; /* the last two once-a-second samples */
};

#endif /* CTL_SERVICE_H */
