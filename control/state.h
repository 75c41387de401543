/* control/state.h - what the daemon knows about the rules in force and
 * its reloads, for `xskwallctl status` and the metrics server. */
#ifndef CTL_STATE_H
#define CTL_STATE_H

#include <stdint.h>
#include "config.h"

struct ctl_rules_state {
	uint64_t generation;      /* fp_engine_rules_generation of the rules in force */
	double loaded_unix;       /* when they were put in force (seconds since 1970) */
	double load_ms;           /* how long reading and compiling them took */
	int edited;               /* changed by xskwallctl add/del since the file was read */
	uint64_t reloads_ok;      /* reloads that put new rules in force */
	uint64_t reloads_failed;  /* reloads refused: the old rules stayed */
	uint64_t kept_bytes;      /* memory held for the next reload (reload-memory keep) */
	char last_error[CTL_ERR_LEN]; /* of the last failed reload, "" when none */
};

#endif /* CTL_STATE_H */
