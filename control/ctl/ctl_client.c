/* control/ctl/ctl_client.c - the client side of the control socket: one
 * connection per request, the reply read into a bounded line buffer and
 * parsed line by line with jansson. Called by xskwallctl's handlers. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "ctl_client.h"

#define CTL_CLIENT_BUF_MIN 65536u

struct ctl_client {
	int fd;
	char *buf;       /* bytes read and not yet returned: [off, len) */
	size_t off, len, cap;
	int eof;
};

int ctl_client_connect(const char *path, struct ctl_client **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ctl_client *c;
	int err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		ctl_client_destroy(c);
		return err;
	}
	*out = c;
	return 0;
}

static int ctl_client_write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int ctl_client_send(struct ctl_client *c, const json_t *req)
{
	char *line = json_dumps(req, JSON_COMPACT);
	size_t n;
	int err;

	if (!line)
		return -ENOMEM;
	n = strlen(line);
	line[n] = '\n'; /* json_dumps' NUL becomes the line's end */
	err = ctl_client_write_all(c->fd, line, n + 1);
	free(line);
	return err;
}

/* Room for more bytes: move the unread part to the front, then grow up
 * to CTL_CLIENT_LINE_MAX. */
static int ctl_client_make_room(struct ctl_client *c)
{
	size_t cap;
	char *buf;

	if (c->off) {
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->off = 0;
	}
	if (c->len < c->cap)
		return 0;
	if (c->cap >= CTL_CLIENT_LINE_MAX)
		return -EMSGSIZE;
	cap = c->cap ? 2 * c->cap : CTL_CLIENT_BUF_MIN;
	if (cap > CTL_CLIENT_LINE_MAX)
		cap = CTL_CLIENT_LINE_MAX;
	buf = realloc(c->buf, cap);
	if (!buf)
		return -ENOMEM;
	c->buf = buf;
	c->cap = cap;
	return 0;
}

/* Wait for the socket (or stop_fd), then read what is there. */
static int ctl_client_fill(struct ctl_client *c, int stop_fd, int timeout_ms)
{
	struct pollfd pfd[2] = { { .fd = c->fd, .events = POLLIN }, { .fd = stop_fd, .events = POLLIN } };
	ssize_t n;
	int r, err = ctl_client_make_room(c);

	if (err)
		return err;
	do
		r = poll(pfd, stop_fd >= 0 ? 2 : 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	if (stop_fd >= 0 && (pfd[1].revents & POLLIN))
		return -EINTR;
	n = read(c->fd, c->buf + c->len, c->cap - c->len);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		c->eof = 1;
	c->len += (size_t)n;
	return 0;
}

/* Parse [off, off + n) as one JSON object. */
static int ctl_client_parse(struct ctl_client *c, size_t n, json_t **out)
{
	json_error_t jerr;
	json_t *v = json_loadb(c->buf + c->off, n, 0, &jerr);

	if (!v || !json_is_object(v)) {
		json_decref(v);
		return -EBADMSG;
	}
	*out = v;
	return 0;
}

/* The next '\n' in the unread bytes, searching from `from` bytes in. */
static char *ctl_client_newline(const struct ctl_client *c, size_t from)
{
	size_t unread = c->len - c->off;

	return unread > from ? memchr(c->buf + c->off + from, '\n', unread - from) : NULL;
}

int ctl_client_next(struct ctl_client *c, int stop_fd, int timeout_ms, json_t **out)
{
	size_t scanned = 0; /* unread bytes known to hold no '\n' */

	for (;;) {
		char *nl = ctl_client_newline(c, scanned);
		int err;

		if (nl) {
			size_t n = (size_t)(nl - (c->buf + c->off));

			err = ctl_client_parse(c, n, out);
			c->off += n + 1;
			return err;
		}
		if (c->eof && c->len > c->off) { /* a last line without '\n' */
			err = ctl_client_parse(c, c->len - c->off, out);
			c->off = c->len;
			return err;
		}
		if (c->eof)
			return -ENODATA;
		scanned = c->len - c->off;
		err = ctl_client_fill(c, stop_fd, timeout_ms);
		if (err)
			return err;
	}
}

int ctl_client_end_request(struct ctl_client *c)
{
	return shutdown(c->fd, SHUT_WR) ? -errno : 0;
}

void ctl_client_destroy(struct ctl_client *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c);
}
