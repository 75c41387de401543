/* control/ctlsock.c - the control socket's transport (ctlsock.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "fw/log.h"
#include "ctlsock.h"

#define CTL_MAX_PEER_GROUPS 256

struct ctl_client {
	int fd;          /* -1: free slot */
	uint64_t id;
	int handed;      /* the request went to the handler */
	int peer_eof;    /* the client will send nothing more */
	int ended;       /* close once out is written */
	char *in;        /* CTL_REQ_MAX bytes */
	size_t in_len;
	char *out;
	size_t out_len, out_off, out_cap;
	uint64_t deadline_ns; /* request due, or queued output's next progress due; 0: none */
};

struct ctl_server {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int have_group;
	gid_t gid;
	ctl_request_fn fn;
	void *arg;
	uint64_t next_id;
	struct ctl_client c[CTL_MAX_CLIENTS];
};

static uint64_t ctl_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* ---- clients ------------------------------------------------------------ */

static struct ctl_client *ctl_client_get(const struct ctl_server *s, struct ctl_client_ref r)
{
	const struct ctl_client *c;

	if (r.slot >= CTL_MAX_CLIENTS || !r.id)
		return NULL;
	c = &s->c[r.slot];
	return c->fd >= 0 && c->id == r.id ? (struct ctl_client *)c : NULL;
}

static void ctl_client_close(struct ctl_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->in);
	free(c->out);
	*c = (struct ctl_client){ .fd = -1 };
}

static int ctl_client_queue(struct ctl_client *c, const char *buf, size_t len)
{
	size_t need = c->out_len + len;
	char *out;

	if (need - c->out_off > CTL_OUT_MAX)
		return -ENOBUFS;
	if (need > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;

		while (cap < need)
			cap *= 2;
		out = realloc(c->out, cap);
		if (!out)
			return -ENOMEM;
		c->out = out;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, buf, len);
	c->out_len = need;
	if (c->out_off == 0 && c->out_len == len)
		c->deadline_ns = ctl_now_ns() + CTL_REPLY_TIMEOUT_MS * 1000000ull;
	return 0;
}

/* Write what the socket takes; close when done and ended, or on error. */
static void ctl_client_flush(struct ctl_client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			ctl_client_close(c);
			return;
		}
		c->out_off += (size_t)n;
		c->deadline_ns = ctl_now_ns() + CTL_REPLY_TIMEOUT_MS * 1000000ull;
	}
	c->out_off = c->out_len = 0;
	c->deadline_ns = 0; /* nothing owed: a capture may stay quiet for long */
	if (c->ended)
		ctl_client_close(c);
}

static int ctl_client_send_line(struct ctl_client *c, json_t *obj)
{
	char *text = json_dumps(obj, JSON_COMPACT);
	int err;

	json_decref(obj);
	if (!text)
		return -ENOMEM;
	err = ctl_client_queue(c, text, strlen(text));
	if (!err)
		err = ctl_client_queue(c, "\n", 1);
	free(text);
	return err;
}

static void ctl_client_fail(struct ctl_client *c, const char *msg)
{
	if (ctl_client_send_line(c, json_pack("{s:b,s:s}", "ok", 0, "error", msg)))
		ctl_client_close(c);
	else
		c->ended = 1;
}

/* ---- the listener ------------------------------------------------------- */

static int ctl_peer_in_group(int fd, gid_t gid)
{
	gid_t groups[CTL_MAX_PEER_GROUPS];
	socklen_t len = sizeof(groups);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len))
		return 0;
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == gid)
			return 1;
	return 0;
}

/* Root, or a member of the control group. */
static int ctl_peer_allowed(const struct ctl_server *s, int fd, char *why, size_t len)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen)) {
		snprintf(why, len, "cannot read the peer's credentials: %s", strerror(errno));
		return 0;
	}
	if (cred.uid == 0)
		return 1;
	if (s->have_group && (cred.gid == s->gid || ctl_peer_in_group(fd, s->gid)))
		return 1;
	snprintf(why, len, "permission denied: uid %u is not root%s", (unsigned)cred.uid,
		 s->have_group ? " and not in the control group" : " (no control-group is set)");
	return 0;
}

static struct ctl_client *ctl_slot_free(struct ctl_server *s)
{
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (s->c[i].fd < 0)
			return &s->c[i];
	return NULL;
}

static void ctl_server_accept_one(struct ctl_server *s, int fd)
{
	struct ctl_client *c = ctl_slot_free(s);
	char why[160];

	if (!c) {
		static const char busy[] = "{\"ok\":false,\"error\":\"too many control connections\"}\n";

		(void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return;
	}
	*c = (struct ctl_client){ .fd = fd, .id = ++s->next_id,
				  .deadline_ns = ctl_now_ns() + CTL_REQ_TIMEOUT_MS * 1000000ull };
	if (!ctl_peer_allowed(s, fd, why, sizeof(why))) {
		fw_info("control: refused a connection: %s", why);
		ctl_client_fail(c, why);
		ctl_client_flush(c);
	}
}

static void ctl_server_accept(struct ctl_server *s)
{
	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		ctl_server_accept_one(s, fd);
	}
}

/* ---- requests ----------------------------------------------------------- */

static void ctl_client_hand(struct ctl_server *s, struct ctl_client *c, size_t len)
{
	struct ctl_client_ref ref = { (uint32_t)(c - s->c), c->id };

	c->handed = 1;
	c->deadline_ns = 0;
	s->fn(s->arg, ref, c->in, len);
}

/* Read what the client sent; hand the request over once its line is
 * complete (or the client ended it by closing its side). */
static void ctl_client_read(struct ctl_server *s, struct ctl_client *c)
{
	char *nl;
	ssize_t n;

	if (!c->in && !(c->in = malloc(CTL_REQ_MAX)))
		return ctl_client_close(c);
	n = recv(c->fd, c->in + c->in_len, CTL_REQ_MAX - c->in_len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		c->peer_eof = 1;
		if (n < 0 || !c->in_len)
			return ctl_client_close(c);
		return ctl_client_hand(s, c, c->in_len);
	}
	nl = memchr(c->in + c->in_len, '\n', (size_t)n);
	c->in_len += (size_t)n;
	if (nl)
		return ctl_client_hand(s, c, (size_t)(nl - c->in));
	if (c->in_len == CTL_REQ_MAX)
		ctl_client_fail(c, "request too long: a request is one line of at most 65536 bytes");
}

/* After the request: the client may only close (its side, or both). */
static void ctl_client_drain(struct ctl_client *c)
{
	char buf[256];
	ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n == 0)
		c->peer_eof = 1;
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		ctl_client_close(c);
}

static struct ctl_client *ctl_client_by_fd(struct ctl_server *s, int fd)
{
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (s->c[i].fd == fd)
			return &s->c[i];
	return NULL;
}

static void ctl_client_ready(struct ctl_server *s, struct ctl_client *c, short revents)
{
	if (revents & (POLLERR | POLLNVAL) || (revents & POLLHUP && c->out_off == c->out_len))
		return ctl_client_close(c);
	if (revents & (POLLIN | POLLRDHUP)) {
		if (!c->handed)
			ctl_client_read(s, c);
		else
			ctl_client_drain(c);
	}
	if (c->fd >= 0 && c->out_len)
		ctl_client_flush(c);
}

int ctl_server_pollfds(const struct ctl_server *s, struct pollfd *pfd)
{
	int n = 0;

	pfd[n++] = (struct pollfd){ .fd = s->fd, .events = POLLIN };
	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		const struct ctl_client *c = &s->c[i];
		short ev = 0;

		if (c->fd < 0)
			continue;
		if (!c->peer_eof)
			ev |= POLLIN | POLLRDHUP;
		if (c->out_len)
			ev |= POLLOUT;
		pfd[n++] = (struct pollfd){ .fd = c->fd, .events = ev };
	}
	return n;
}

static void ctl_server_expire(struct ctl_server *s)
{
	uint64_t now = ctl_now_ns();

	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = &s->c[i];

		if (c->fd < 0 || !c->deadline_ns || now < c->deadline_ns)
			continue;
		if (!c->handed && !c->out_len) {
			ctl_client_fail(c, "request timed out: send one line within 5 seconds");
			ctl_client_flush(c);
		} else {
			ctl_client_close(c); /* its reader stalled */
		}
	}
}

void ctl_server_process(struct ctl_server *s, const struct pollfd *pfd, int n)
{
	for (int i = 1; i < n; i++) {
		struct ctl_client *c;

		if (!pfd[i].revents)
			continue;
		c = ctl_client_by_fd(s, pfd[i].fd);
		if (c)
			ctl_client_ready(s, c, pfd[i].revents);
	}
	if (n > 0 && pfd[0].revents & POLLIN)
		ctl_server_accept(s);
	ctl_server_expire(s);
}

int ctl_server_timeout_ms(const struct ctl_server *s)
{
	uint64_t now = ctl_now_ns(), next = 0;

	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		uint64_t d = s->c[i].fd >= 0 ? s->c[i].deadline_ns : 0;

		if (d && (!next || d < next))
			next = d;
	}
	if (!next)
		return -1;
	return next <= now ? 0 : (int)((next - now) / 1000000 + 1);
}

int ctl_server_send(struct ctl_server *s, struct ctl_client_ref r, json_t *obj)
{
	struct ctl_client *c = ctl_client_get(s, r);
	int err;

	if (!c) {
		json_decref(obj);
		return -ENOENT;
	}
	err = ctl_client_send_line(c, obj);
	if (!err)
		ctl_client_flush(c);
	return err;
}

void ctl_server_fail(struct ctl_server *s, struct ctl_client_ref r, const char *msg)
{
	struct ctl_client *c = ctl_client_get(s, r);

	if (!c)
		return;
	ctl_client_fail(c, msg);
	ctl_client_flush(c);
}

void ctl_server_end(struct ctl_server *s, struct ctl_client_ref r)
{
	struct ctl_client *c = ctl_client_get(s, r);

	if (!c)
		return;
	c->ended = 1;
	ctl_client_flush(c);
}

int ctl_server_alive(const struct ctl_server *s, struct ctl_client_ref r)
{
	const struct ctl_client *c = ctl_client_get(s, r);

	return c && !c->peer_eof;
}

size_t ctl_server_backlog(const struct ctl_server *s, struct ctl_client_ref r)
{
	const struct ctl_client *c = ctl_client_get(s, r);

	return c ? c->out_len - c->out_off : 0;
}

/* ---- open and close ----------------------------------------------------- */

static int ctl_server_group(struct ctl_server *s, const char *group)
{
	struct group gr, *res = NULL;
	char buf[4096];
	int err;

	if (!group[0])
		return 0;
	err = getgrnam_r(group, &gr, buf, sizeof(buf), &res);
	if (err || !res) {
		fw_err("control-group %s: %s", group, err ? strerror(err) : "no such group");
		return err ? -err : -ENOENT;
	}
	s->have_group = 1;
	s->gid = res->gr_gid;
	return 0;
}

/* A socket file left by a daemon that died is replaced; one a live
 * daemon answers on is not. */
static int ctl_server_claim(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, live;

	if (lstat(sa->sun_path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		fw_err("control-socket %s exists and is not a socket", sa->sun_path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	live = !connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (live) {
		fw_err("control-socket %s: another process is listening on it (another xskwall?)",
		       sa->sun_path);
		return -EADDRINUSE;
	}
	return unlink(sa->sun_path) ? -errno : 0;
}

/* The socket's folder (/run/xskwall) when it is missing: one level. */
static void ctl_server_mkdir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];

	snprintf(dir, sizeof(dir), "%s", path);
	if (mkdir(dirname(dir), 0755) && errno != EEXIST)
		fw_warn("control-socket: cannot create %s: %s", dir, strerror(errno));
}

static int ctl_server_listen(struct ctl_server *s, const struct sockaddr_un *sa)
{
	mode_t mode = s->have_group ? 0660 : 0600, old;
	int err;

	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return -errno;
	old = umask(0777 & ~mode); /* no moment with a wider mode */
	err = bind(s->fd, (const struct sockaddr *)sa, sizeof(*sa)) ? -errno : 0;
	umask(old);
	if (err)
		return err;
	snprintf(s->path, sizeof(s->path), "%s", sa->sun_path);
	if (s->have_group && chown(sa->sun_path, 0, s->gid))
		return -errno;
	if (chmod(sa->sun_path, mode) || listen(s->fd, CTL_MAX_CLIENTS))
		return -errno;
	return 0;
}

int ctl_server_open(const char *path, const char *group, ctl_request_fn fn, void *arg,
		    struct ctl_server **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ctl_server *s;
	int err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fd = -1;
	s->fn = fn;
	s->arg = arg;
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		s->c[i].fd = -1;
	ctl_server_mkdir(path);
	err = ctl_server_group(s, group);
	if (!err)
		err = ctl_server_claim(&sa);
	if (!err)
		err = ctl_server_listen(s, &sa);
	if (err) {
		if (err != -EADDRINUSE && err != -EEXIST)
			fw_err("control-socket %s: %s", path, strerror(-err));
		ctl_server_close(s);
		return err;
	}
	*out = s;
	return 0;
}

void ctl_server_close(struct ctl_server *s)
{
	if (!s)
		return;
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (s->c[i].fd >= 0)
			ctl_client_close(&s->c[i]);
	if (s->fd >= 0)
		close(s->fd);
	if (s->path[0])
		unlink(s->path);
	free(s);
}
