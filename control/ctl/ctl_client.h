/* control/ctl/ctl_client.h - xskwallctl's end of the control socket
 * (control/ctl_proto.h): connect, send the one request line, read the
 * reply objects one line at a time. Used by the command handlers. */
#ifndef CTL_CLIENT_H
#define CTL_CLIENT_H

#include <jansson.h>

/* The longest reply line accepted (a page of CTL_RULES_PAGE long rules). */
#define CTL_CLIENT_LINE_MAX (64u << 20)

struct ctl_client;

/* Connect to the daemon's socket at PATH. 0, -ENAMETOOLONG (longer than
 * sun_path), or connect's -errno (-ENOENT, -ECONNREFUSED, -EACCES ...). */
int ctl_client_connect(const char *path, struct ctl_client **out);

/* Write `req` as one compact line ending in '\n'. 0 or -errno; -EPIPE
 * or -ECONNRESET when the daemon closed first, in which case its error
 * reply may still be waiting for ctl_client_next. */
int ctl_client_send(struct ctl_client *c, const json_t *req);

/* The next reply object (a new reference for the caller) in *out.
 * Waits at most timeout_ms (-1: no limit) for each read, and returns
 * -EINTR as soon as stop_fd (-1: none) becomes readable. Errors:
 * -ENODATA the daemon closed the connection; -ETIMEDOUT; -EMSGSIZE a line
 * longer than CTL_CLIENT_LINE_MAX; -EBADMSG a line that is not a JSON
 * object; -ENOMEM; other -errno from poll or read. */
int ctl_client_next(struct ctl_client *c, int stop_fd, int timeout_ms, json_t **out);

/* Tell the daemon no more will be sent (shutdown SHUT_WR): a capture
 * ends, and its last object can still be read. 0 or -errno. */
int ctl_client_end_request(struct ctl_client *c);

/* Close the connection. NULL-safe. */
void ctl_client_destroy(struct ctl_client *c);

#endif /* CTL_CLIENT_H */
