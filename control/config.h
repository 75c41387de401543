/* control/config.h - the configuration file -> struct fw_config
 * (config_read.c, config_keys.c, config_rules.c, config_format.c).
 *
 * Line-oriented, nft-like grammar (README, "Configuration"). Parsing is all
 * or nothing: on error the output config is left empty (fini'd) and the
 * error names FILE:LINE:COL and quotes the offending text. Addresses are
 * parsed numerically only (never resolved through DNS). Called by the
 * daemon at start-up, on reload, and by `xskwall --check`. */
#ifndef CTL_CONFIG_H
#define CTL_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include "fw/abi.h"
#include "modes.h"
#include "rule.h"
#include "fw/log.h"

#define CTL_MAX_CPUS 1024
#define CTL_MAX_INCLUDE_DEPTH 8
/* Limits on what one configuration may read (README, "Limits"): only
 * regular files, each at most CTL_MAX_FILE_BYTES; at most CTL_MAX_FILES
 * files read (the main file and every include, counted each time it is
 * read) and CTL_MAX_CONFIG_BYTES in all; at most CTL_MAX_RULES rules. */
#define CTL_MAX_FILE_BYTES (64u << 20)
#define CTL_MAX_CONFIG_BYTES (256u << 20)
#define CTL_MAX_FILES 1024u
#define CTL_MAX_RULES 2000000u
#define CTL_ERR_LEN 512
#define CTL_MAX_IDLE_SPIN_US 1000000
#define CTL_DEFAULT_IDLE_SPIN_US 200
#define CTL_MAX_BUSY_POLL_BUDGET 1024
#define CTL_DEFAULT_BUSY_POLL_BUDGET 64
#define CTL_DEFAULT_CONTROL_SOCKET "/run/xskwall/ctl.sock"
#define CTL_SOCKET_PATH_MAX 108 /* sun_path, its NUL included */
#define CTL_GROUP_NAME_MAX 33   /* 32 characters and the NUL */
#define CTL_LISTEN_MAX 64       /* "ADDR:PORT" or "[ADDR6]:PORT" */
#define CTL_DEFAULT_METRICS_RULES 100
#define CTL_MAX_METRICS_RULES 100000


/* What the daemon does with the memory of rules a reload replaced. */
enum ctl_reload_memory {
	CTL_RELOAD_MEMORY_RELEASE, /* give it back to the system (the default) */
	CTL_RELOAD_MEMORY_KEEP,    /* keep it for the next reload */
};

struct fp_big_pool;

struct fw_config {
	char port[FP_NPORTS][IF_NAMESIZE]; /* "" when not given */
	int queues_all;                    /* `queues all` (the default) */
	uint64_t queue_mask;               /* bit q: queue q (< FW_MAX_QUEUES), when !queues_all */
	struct fp_policy policy;           /* defaults: pass, drop, pass */
	uint8_t on_miss;                   /* enum fp_verdict, default drop */
	uint8_t xdp_mode;                  /* enum fp_xdp_mode */
	uint8_t bind_mode;                 /* enum fp_bind_mode */
	uint32_t ncpus;                    /* 0: default placement */
	uint16_t cpus[CTL_MAX_CPUS];       /* `cpus 0,2-3`: worker q -> cpus[q % ncpus] */
	uint32_t idle_spin_us;             /* worker polls this long before sleeping */
	uint8_t busy_poll;                 /* preferred busy polling on the sockets */
	uint32_t busy_poll_budget;         /* frames per busy poll */
	char control_socket[CTL_SOCKET_PATH_MAX]; /* the control socket's path */
	char control_group[CTL_GROUP_NAME_MAX];   /* "": root only (0600), else 0660 */
	char metrics_listen[CTL_LISTEN_MAX];      /* "": no metrics server */
	uint32_t metrics_rules;            /* per-rule series on /metrics, at most */
	uint8_t log_level;                 /* enum fw_log_level */
	uint8_t reload_memory;             /* enum ctl_reload_memory */
	char **files;                      /* every file read; fp_rule.file indexes it */
	uint32_t nfiles;
	struct fp_rule *rules;             /* a bigmem.h block, in file order */
	size_t nrules;
	size_t rules_cap;
};

/* Set every field to its default (no ports, no rules). */
void ctl_config_init(struct fw_config *cfg);
/* Free what parsing allocated; the config is then as after init. */
void ctl_config_fini(struct fw_config *cfg);

/* Parse `path` (and what it includes). On success *cfg holds the new
 * config (init'd by this call) and 0 is returned. On failure returns
 * -EINVAL (or -errno for I/O), writes "FILE:LINE:COL: message" into err
 * and leaves *cfg as after init. The file's text and the rule array come
 * from mem (bigmem.h; NULL: fresh mappings). */
int ctl_config_load(const char *path, struct fp_big_pool *mem, struct fw_config *cfg, char *err,
		    size_t errlen);

/* The same on an in-memory buffer; `name` is used in messages and as the
 * base for relative includes (its directory). Used by tests and fuzzers. */
int ctl_config_parse_buf(const char *buf, size_t len, const char *name,
			 struct fw_config *cfg, char *err, size_t errlen);

/* Check that the config can run a firewall (both ports given, distinct).
 * --check and start-up use it; reload uses ctl_config_same_ports(). */
int ctl_config_validate_ports(const struct fw_config *cfg, char *err, size_t errlen);

/* The first key on which a and b differ that a reload cannot change
 * (the key table's reload column), or NULL when they agree on all. */
const char *ctl_config_restart_key(const struct fw_config *a, const struct fw_config *b);

/* Those keys as "port, queues, ... or busy-poll-budget", into buf. */
const char *ctl_config_restart_keys(char *buf, size_t len);

/* Nonzero when a and b agree on everything a reload cannot change. */
int ctl_config_same_ports(const struct fw_config *a, const struct fw_config *b);

/* Parse a `metrics-listen` value ("A.B.C.D:PORT" or "[IPV6]:PORT"):
 * family AF_INET/AF_INET6, the address (4 or 16 bytes) and the port.
 * -EINVAL (address) or -ERANGE (port). */
int ctl_listen_parse(const char *s, int *family, void *addr, uint16_t *port);

/* Write one rule back in config syntax (for listings); returns snprintf's. */
int ctl_rule_format(const struct fp_rule *r, char *buf, size_t len);

#endif /* CTL_CONFIG_H */
