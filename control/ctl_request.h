/* control/ctl_request.h - one control request (ctl_proto.h), parsed and
 * checked: the only code that reads what a client sent. Pure (no I/O), so
 * that a fuzzer drives it (tests/fuzz/fuzz_request.c). */
#ifndef CTL_REQUEST_H
#define CTL_REQUEST_H

#include <stddef.h>
#include <stdint.h>

enum ctl_cmd {
	CTL_CMD_STATUS,
	CTL_CMD_STATS,
	CTL_CMD_RULES,
	CTL_CMD_RELOAD,
	CTL_CMD_ADD,
	CTL_CMD_DEL,
	CTL_CMD_TRACE,
	CTL_CMD_CAPTURE,
};

#define CTL_TEXT_MAX 4096 /* a rule or a packet description */

struct ctl_request {
	enum ctl_cmd cmd;
	uint64_t offset, limit, top; /* rules: limit 0 = the page size; top 0 = off */
	uint64_t at;                 /* add: 1-based position, 0 = append */
	uint64_t index;              /* del: 1-based */
	char text[CTL_TEXT_MAX];     /* add: the rule; trace: the description */
	int capture_all;             /* capture: every frame, not only drops */
	uint64_t count, seconds;     /* capture: 0 = no limit */
	uint64_t snaplen;            /* capture: 0 = the default */
};

/* Parse one request line (without its '\n'). On failure returns -EINVAL
 * with a message for the client in err. */
int ctl_request_parse(const char *line, size_t len, struct ctl_request *req, char *err,
		      size_t errlen);

/* The command's name ("status", ...). */
const char *ctl_cmd_name(enum ctl_cmd cmd);

#endif /* CTL_REQUEST_H */
