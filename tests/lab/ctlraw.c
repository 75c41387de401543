/* tests/lab/ctlraw.c - xskwall-ctlraw: send raw bytes to the daemon's
 * control socket and print what comes back, for the tests of malformed and
 * oversized requests (bash cannot open a Unix socket).
 *
 *   xskwall-ctlraw [-e] SOCKET < REQUEST
 *
 * Sends standard input as it is (no newline added) while reading the
 * reply, and prints the reply until the daemon closes the connection
 * (at most CTLRAW_TIMEOUT_MS). -e: shut the sending side after the last
 * byte (the daemon sees end of file). Stops sending, without error, when
 * the daemon closes first. Exit 0 when the daemon closed the connection,
 * 1 on a timeout or a connect error (errno text printed), 2 usage. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#define CTLRAW_TIMEOUT_MS 20000
#define CTLRAW_CHUNK 65536

struct ctlraw {
	int fd;
	int shut_after;
	int in_eof, out_done;   /* stdin read to the end; nothing more to send */
	char buf[CTLRAW_CHUNK];
	size_t off, len;        /* unsent part of buf */
};

static int ctlraw_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "xskwall-ctlraw: socket path too long\n");
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "xskwall-ctlraw: cannot connect to %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Send what stdin has, a chunk at a time. */
static void ctlraw_send(struct ctlraw *c)
{
	ssize_t n;

	if (c->off == c->len && !c->in_eof) {
		n = read(STDIN_FILENO, c->buf, sizeof(c->buf));
		c->in_eof = n <= 0;
		c->off = 0;
		c->len = n > 0 ? (size_t)n : 0;
	}
	if (c->off < c->len) {
		n = send(c->fd, c->buf + c->off, c->len - c->off, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			c->out_done = 1; /* the daemon closed: read its answer */
		else if (n > 0)
			c->off += (size_t)n;
	}
	if (c->in_eof && c->off == c->len && !c->out_done) {
		c->out_done = 1;
		if (c->shut_after)
			shutdown(c->fd, SHUT_WR);
	}
}

/* Print what arrived; 1 at the end of the connection. */
static int ctlraw_recv(struct ctlraw *c)
{
	char buf[CTLRAW_CHUNK];
	ssize_t n = recv(c->fd, buf, sizeof(buf), 0);

	if (n > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
}

static long ctlraw_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	static struct ctlraw c;
	int a = 1;
	long end;

	if (argc == 3 && !strcmp(argv[1], "-e")) {
		c.shut_after = 1;
		a = 2;
	}
	if (argc != a + 1) {
		fprintf(stderr, "usage: xskwall-ctlraw [-e] SOCKET < REQUEST\n");
		return 2;
	}
	c.fd = ctlraw_connect(argv[a]);
	if (c.fd < 0)
		return 1;
	end = ctlraw_ms() + CTLRAW_TIMEOUT_MS;
	while (ctlraw_ms() < end) {
		struct pollfd p = { .fd = c.fd, .events = POLLIN | (c.out_done ? 0 : POLLOUT) };

		if (poll(&p, 1, 100) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) &&
		    ctlraw_recv(&c)) {
			close(c.fd);
			return 0;
		}
		if (!c.out_done)
			ctlraw_send(&c);
	}
	fprintf(stderr, "xskwall-ctlraw: no end of the reply in %d ms\n", CTLRAW_TIMEOUT_MS);
	close(c.fd);
	return 1;
}
