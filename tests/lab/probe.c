/* tests/lab/probe.c - xskwall-probe: small, exact traffic for the lab and the
 * end-to-end tests (numeric addresses only, every run bounded).
 *
 *   xskwall-probe udp-send [-s SRC] DST PORT COUNT    send COUNT datagrams
 *   xskwall-probe udp-stream [-s SRC] DST PORT SECONDS STOPFILE
 *                                                    send 1 000 datagrams/s until
 *                                                    SECONDS pass or STOPFILE exists
 *   xskwall-probe udp-recv BIND PORT SECONDS          count datagrams for SECONDS
 *   xskwall-probe tcp-serve BIND PORT SECONDS         echo TCP for SECONDS
 *   xskwall-probe tcp-check [-s SRC] DST PORT         connect, send, read the echo
 *   xskwall-probe raw-send IFACE COUNT HEX            send a hand-made frame COUNT times
 *   xskwall-probe raw-count IFACE SECONDS HEX         count frames containing HEX bytes
 *   xskwall-probe notify-recv PATH SECONDS            print sd_notify datagrams sent to PATH
 *
 * raw-send/raw-count use AF_PACKET, so tests can put on the wire what the
 * kernel here cannot build (VLAN stacks, broken headers) and count it at
 * the far end whatever the receiving stack makes of it.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>

#define PROBE_PAYLOAD 64
#define PROBE_TCP_BYTES 16384
#define PROBE_TIMEOUT_MS 3000

/* Receivers say when they are ready, so a script sends only then; their
 * time window starts at that moment. */
static void probe_listening(struct timespec *t0)
{
	printf("listening\n");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, t0);
}

static int probe_addr(const char *host, const char *port, struct sockaddr_storage *ss,
		      socklen_t *len)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
	struct addrinfo *res;

	if (getaddrinfo(host, port, &hints, &res)) {
		fprintf(stderr, "xskwall-probe: '%s' is not a numeric address\n", host);
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* A socket of DST's family, bound to SRC (or BIND) when given. */
static int probe_socket(int type, const char *src, const char *dst, const char *port,
			struct sockaddr_storage *to, socklen_t *tolen)
{
	struct sockaddr_storage from;
	socklen_t fromlen;
	int fd, one = 1;

	if (probe_addr(dst, port, to, tolen))
		return -1;
	fd = socket(to->ss_family, type, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (src && (probe_addr(src, "0", &from, &fromlen) ||
		    bind(fd, (struct sockaddr *)&from, fromlen))) {
		perror("xskwall-probe: bind");
		close(fd);
		return -1;
	}
	return fd;
}

static long probe_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The next message on fd (its length, 0 for an empty datagram), or -1
 * once SECONDS have passed since t0. */
static ssize_t probe_recv_until(int fd, const struct timespec *t0, long seconds,
				void *buf, size_t len)
{
	for (long left; (left = seconds * 1000 - probe_ms_since(t0)) > 0;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, (int)left) <= 0)
			continue;
		n = recv(fd, buf, len, 0);
		if (n >= 0)
			return n;
	}
	return -1;
}

/* A UDP socket towards DST, bound to SRC when given, and its datagram. */
struct udp_out {
	int fd;
	struct sockaddr_storage to;
	socklen_t tolen;
	char payload[PROBE_PAYLOAD];
};

static int udp_out_open(struct udp_out *o, const char *src, const char *dst, const char *port)
{
	memset(o->payload, 0, sizeof(o->payload));
	strcpy(o->payload, "xskwall-probe");
	o->fd = probe_socket(SOCK_DGRAM, src, dst, port, &o->to, &o->tolen);
	return o->fd;
}

/* Send n datagrams; how many went. */
static long udp_out_send(const struct udp_out *o, long n)
{
	long sent = 0;

	for (long i = 0; i < n; i++)
		sent += sendto(o->fd, o->payload, sizeof(o->payload), 0,
			       (const struct sockaddr *)&o->to, o->tolen) > 0;
	return sent;
}

static int udp_send(const char *src, const char *dst, const char *port, long count)
{
	struct timespec gap = { 0, 200 * 1000 };
	struct udp_out o;
	long sent = 0;

	if (udp_out_open(&o, src, dst, port) < 0)
		return 1;
	for (long i = 0; i < count; i++) {
		sent += udp_out_send(&o, 1);
		nanosleep(&gap, NULL); /* paced: the test counts, it does not flood */
	}
	close(o.fd);
	printf("sent %ld\n", sent);
	return sent == count ? 0 : 1;
}

/* One process for a whole stream: a script that ran udp-send in a loop
 * spent a CPU on forks and `ip netns exec` (it remounts /sys) that the
 * system under test needed. Bursts of UDP_STREAM_BURST on an absolute
 * clock keep the rate without a timer wakeup per datagram. */
#define UDP_STREAM_BURST 2
#define UDP_STREAM_GAP_NS (UDP_STREAM_BURST * 1000 * 1000L)

static void probe_ts_add(struct timespec *t, long ns)
{
	t->tv_nsec += ns;
	t->tv_sec += t->tv_nsec / 1000000000L;
	t->tv_nsec %= 1000000000L;
}

/* A stream that fell behind (its CPU was busy) resumes its pace from now
 * instead of sending the missed bursts at once. */
static void probe_no_catch_up(struct timespec *next)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - next->tv_sec) * 1000000000L + now.tv_nsec - next->tv_nsec >
	    10 * UDP_STREAM_GAP_NS)
		*next = now;
}

static int udp_stream(const char *src, const char *dst, const char *port, long seconds,
		      const char *stop_file)
{
	struct timespec t0, next;
	struct udp_out o;
	long sent = 0;

	if (udp_out_open(&o, src, dst, port) < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	next = t0;
	while (probe_ms_since(&t0) < seconds * 1000 && access(stop_file, F_OK)) {
		sent += udp_out_send(&o, UDP_STREAM_BURST);
		probe_ts_add(&next, UDP_STREAM_GAP_NS);
		probe_no_catch_up(&next);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	close(o.fd);
	printf("sent %ld\n", sent);
	return 0;
}

static int udp_recv(const char *bind_addr, const char *port, long seconds)
{
	int rcvbuf = 8 << 20;
	struct sockaddr_storage me;
	struct timespec t0;
	char buf[2048];
	socklen_t len;
	long got = 0;
	int fd;

	if (probe_addr(bind_addr, port, &me, &len))
		return 1;
	fd = socket(me.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, len)) {
		perror("xskwall-probe: udp-recv");
		return 1;
	}
	/* room for every datagram of a test even if this process is not
	 * scheduled for a while (root may exceed rmem_max; else best effort) */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	probe_listening(&t0);
	while (probe_recv_until(fd, &t0, seconds, buf, sizeof(buf)) >= 0)
		got++;
	close(fd);
	printf("received %ld\n", got);
	return 0;
}

static void tcp_echo(int c)
{
	char buf[4096];
	ssize_t n;

	while ((n = recv(c, buf, sizeof(buf), 0)) > 0)
		if (send(c, buf, (size_t)n, MSG_NOSIGNAL) != n)
			break;
	close(c);
}

static int tcp_serve(const char *bind_addr, const char *port, long seconds)
{
	struct sockaddr_storage me;
	struct timespec t0;
	socklen_t len;
	int fd, one = 1;

	if (probe_addr(bind_addr, port, &me, &len))
		return 1;
	fd = socket(me.ss_family, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, len) || listen(fd, 8)) {
		perror("xskwall-probe: tcp-serve");
		return 1;
	}
	probe_listening(&t0);
	for (long left; (left = seconds * 1000 - probe_ms_since(&t0)) > 0;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, (int)left) > 0) {
			int c = accept(fd, NULL, NULL);

			if (c >= 0)
				tcp_echo(c);
		}
	}
	close(fd);
	return 0;
}

static int tcp_transfer(int fd)
{
	static char out[PROBE_TCP_BYTES], in[PROBE_TCP_BYTES];
	struct timeval tv = { PROBE_TIMEOUT_MS / 1000, 0 };
	size_t got = 0;
	ssize_t n;

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, out, sizeof(out), MSG_NOSIGNAL) != (ssize_t)sizeof(out))
		return -1;
	shutdown(fd, SHUT_WR);
	while (got < sizeof(in) && (n = recv(fd, in + got, sizeof(in) - got, 0)) > 0)
		got += (size_t)n;
	return got == sizeof(in) && !memcmp(in, out, sizeof(in)) ? 0 : -1;
}

static int tcp_check(const char *src, const char *dst, const char *port)
{
	struct timeval tv = { PROBE_TIMEOUT_MS / 1000, 0 };
	struct sockaddr_storage to;
	socklen_t tolen;
	int fd, ok;

	fd = probe_socket(SOCK_STREAM, src, dst, port, &to, &tolen);
	if (fd < 0)
		return 1;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	ok = !connect(fd, (struct sockaddr *)&to, tolen) && !tcp_transfer(fd);
	close(fd);
	printf("tcp %s\n", ok ? "ok" : "failed");
	return ok ? 0 : 1;
}

static int hex_decode(const char *hex, unsigned char *out, size_t max)
{
	size_t n = 0;
	unsigned v;

	for (; hex[0] && hex[1] && n < max; hex += 2) {
		if (sscanf(hex, "%2x", &v) != 1)
			return -1;
		out[n++] = (unsigned char)v;
	}
	return hex[0] ? -1 : (int)n;
}

static int raw_socket(const char *ifname)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int fd;

	sll.sll_ifindex = (int)if_nametoindex(ifname);
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0 || !sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "xskwall-probe: packet socket on %s: %s\n", ifname, strerror(errno));
		return -1;
	}
	return fd;
}

static int raw_send(const char *ifname, long count, const char *hex)
{
	struct timespec gap = { 0, 200 * 1000 };
	unsigned char frame[2048];
	int len = hex_decode(hex, frame, sizeof(frame)), fd;
	long sent = 0;

	if (len <= 0) {
		fprintf(stderr, "xskwall-probe: bad hex frame\n");
		return 2;
	}
	fd = raw_socket(ifname);
	if (fd < 0)
		return 1;
	for (long i = 0; i < count; i++) {
		if (send(fd, frame, (size_t)len, 0) == len)
			sent++;
		else if (!i)
			fprintf(stderr, "xskwall-probe: send: %s\n", strerror(errno));
		nanosleep(&gap, NULL);
	}
	close(fd);
	printf("sent %ld\n", sent);
	return sent == count ? 0 : 1;
}

static int raw_count(const char *ifname, long seconds, const char *hex)
{
	unsigned char needle[256], frame[4096];
	int nlen = hex_decode(hex, needle, sizeof(needle)), fd;
	struct timespec t0;
	long got = 0;
	ssize_t n;

	if (nlen <= 0)
		return 2;
	fd = raw_socket(ifname);
	if (fd < 0)
		return 1;
	probe_listening(&t0);
	while ((n = probe_recv_until(fd, &t0, seconds, frame, sizeof(frame))) >= 0)
		if (n >= nlen && memmem(frame, (size_t)n, needle, (size_t)nlen))
			got++;
	close(fd);
	printf("received %ld\n", got);
	return 0;
}

/* A service manager's NOTIFY_SOCKET, for SECONDS: each datagram on one
 * line (its newlines as spaces), with the ms since start before it. */
static int notify_recv(const char *path, long seconds)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct timespec t0;
	char msg[4096];
	ssize_t n;
	int fd;

	if (strlen(path) >= sizeof(a.sun_path))
		return 2;
	memcpy(a.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("xskwall-probe: notify socket");
		return 1;
	}
	probe_listening(&t0);
	while ((n = probe_recv_until(fd, &t0, seconds, msg, sizeof(msg) - 1)) >= 0) {
		if (!n)
			continue;
		msg[n] = '\0';
		for (char *c = msg; *c; c++)
			*c = *c == '\n' ? ' ' : *c;
		printf("%ld %s\n", probe_ms_since(&t0), msg);
		fflush(stdout);
	}
	close(fd);
	unlink(path);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: xskwall-probe udp-send [-s SRC] DST PORT COUNT\n"
			"       xskwall-probe udp-stream [-s SRC] DST PORT SECONDS STOPFILE\n"
			"       xskwall-probe udp-recv BIND PORT SECONDS\n"
			"       xskwall-probe tcp-serve BIND PORT SECONDS\n"
			"       xskwall-probe tcp-check [-s SRC] DST PORT\n"
			"       xskwall-probe raw-send IFACE COUNT HEX\n"
			"       xskwall-probe raw-count IFACE SECONDS HEX\n"
			"       xskwall-probe notify-recv PATH SECONDS\n");
	return 2;
}

static long probe_count(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s && !*end && v > 0 && v <= 10000000 ? v : -1;
}

int main(int argc, char **argv)
{
	const char *src = NULL;
	int a = 2;

	if (argc < 2)
		return usage();
	if (argc > 3 && !strcmp(argv[2], "-s")) {
		src = argv[3];
		a = 4;
	}
	if (!strcmp(argv[1], "udp-send") && argc - a == 3 && probe_count(argv[a + 2]) > 0)
		return udp_send(src, argv[a], argv[a + 1], probe_count(argv[a + 2]));
	if (!strcmp(argv[1], "udp-stream") && argc - a == 4 && probe_count(argv[a + 2]) > 0)
		return udp_stream(src, argv[a], argv[a + 1], probe_count(argv[a + 2]), argv[a + 3]);
	if (!strcmp(argv[1], "udp-recv") && argc == 5 && probe_count(argv[4]) > 0)
		return udp_recv(argv[2], argv[3], probe_count(argv[4]));
	if (!strcmp(argv[1], "tcp-serve") && argc == 5 && probe_count(argv[4]) > 0)
		return tcp_serve(argv[2], argv[3], probe_count(argv[4]));
	if (!strcmp(argv[1], "tcp-check") && argc - a == 2)
		return tcp_check(src, argv[a], argv[a + 1]);
	if (!strcmp(argv[1], "raw-send") && argc == 5 && probe_count(argv[3]) > 0)
		return raw_send(argv[2], probe_count(argv[3]), argv[4]);
	if (!strcmp(argv[1], "raw-count") && argc == 5 && probe_count(argv[3]) > 0)
		return raw_count(argv[2], probe_count(argv[3]), argv[4]);
	if (!strcmp(argv[1], "notify-recv") && argc == 4 && probe_count(argv[3]) > 0)
		return notify_recv(argv[2], probe_count(argv[3]));
	return usage();
}
