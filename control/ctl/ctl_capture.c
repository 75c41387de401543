/* control/ctl/ctl_capture.c - `xskwallctl capture`: ask the daemon for the
 * frames its workers see and write each one as it arrives, as pcapng
 * (pcapng.c: one interface per port, the verdict and rule in each frame's
 * comment) or, with --pcap, as classic pcap through libpcap. SIGINT and
 * SIGTERM end the capture cleanly: the request side is shut, the daemon's
 * last object is awaited briefly, and the file is closed complete.
 * Handler of the table in ctl_commands.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pcap/pcap.h>
#include "ctl_proto.h"
#include "rule.h"
#include "ctl_client.h"
#include "pcapng.h"
#include "ctl_cli.h"

#define CTL_CAPTURE_DRAIN_MS 1000  /* after Ctrl-C: wait this long for the daemon's count */
#define CTL_CAPTURE_DATA_MAX 65535 /* bytes of one frame accepted from the daemon */
#define CTL_CAPTURE_APPL "xskwallctl " XSKWALL_VERSION

struct ctl_capture {
	const struct ctl_cli_cmd *cmd;
	const struct ctl_cli_args *a;
	struct ctl_pcapng *ng;    /* pcapng, or */
	pcap_t *dead;             /* classic pcap: libpcap's dumper */
	pcap_dumper_t *dump;
	uint32_t iface[FP_NPORTS]; /* pcapng interface of each port */
	int opened;               /* the file exists */
	uint64_t frames;
	long long lost;           /* -1: the daemon did not say (interrupted) */
	uint8_t data[CTL_CAPTURE_DATA_MAX];
};

static int ctl_capture_open_pcap(struct ctl_capture *cap, uint32_t snaplen)
{
	cap->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, (int)snaplen,
							 PCAP_TSTAMP_PRECISION_NANO);
	if (!cap->dead)
		return -ENOMEM;
	cap->dump = pcap_dump_open(cap->dead, cap->a->write);
	if (!cap->dump) {
		fprintf(stderr, "xskwallctl: capture: %s\n", pcap_geterr(cap->dead));
		return -EIO;
	}
	return 0;
}

static int ctl_capture_open_pcapng(struct ctl_capture *cap, uint32_t snaplen, uint16_t linktype)
{
	int err = ctl_pcapng_create(cap->a->write, CTL_CAPTURE_APPL, &cap->ng);

	for (int p = 0; p < FP_NPORTS && !err; p++)
		err = ctl_pcapng_add_iface(cap->ng, fp_port_name(p), linktype, snaplen,
					   &cap->iface[p]);
	if (err)
		fprintf(stderr, "xskwallctl: capture: %s: %s\n", cap->a->write, strerror(-err));
	return err;
}

/* Close the file; 0 when every frame reached it. */
static int ctl_capture_close(struct ctl_capture *cap)
{
	int err = ctl_pcapng_destroy(cap->ng);

	cap->ng = NULL;
	if (cap->dump) {
		if (pcap_dump_flush(cap->dump) || ferror(pcap_dump_file(cap->dump)))
			err = -EIO;
		pcap_dump_close(cap->dump);
		cap->dump = NULL;
	}
	if (cap->dead)
		pcap_close(cap->dead);
	cap->dead = NULL;
	return err;
}

static int ctl_hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex text to bytes; the byte count, or -EBADMSG. */
static int ctl_hex_decode(const char *hex, uint8_t *out, size_t max)
{
	size_t n = strlen(hex);

	if (n % 2 || n / 2 > max)
		return -EBADMSG;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = ctl_hex_nibble(hex[2 * i]), lo = ctl_hex_nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EBADMSG;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

/* The port of a frame: its name or its number. */
static int ctl_capture_port(const json_t *v)
{
	const char *name = json_string_value(v);

	if (name)
		return !strcmp(name, FP_PORT_INSIDE_NAME) ? FP_PORT_INSIDE :
		       !strcmp(name, FP_PORT_OUTSIDE_NAME) ? FP_PORT_OUTSIDE : -1;
	if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) < FP_NPORTS)
		return (int)json_integer_value(v);
	return -1;
}

static int ctl_capture_frame(struct ctl_capture *cap, const json_t *frame)
{
	int caplen = ctl_hex_decode(ctl_json_str(frame, "data", ""), cap->data, sizeof(cap->data));
	int port = ctl_capture_port(json_object_get(frame, "port"));
	long long len = ctl_json_int(frame, "len");
	uint64_t t_ns = (uint64_t)ctl_json_int(frame, "t_ns");
	char comment[1024];

	if (caplen < 0 || port < 0)
		return -EBADMSG;
	if (len < caplen)
		len = caplen;
	cap->frames++;
	if (cap->dump) {
		struct pcap_pkthdr h = { .caplen = (bpf_u_int32)caplen, .len = (bpf_u_int32)len };

		h.ts.tv_sec = (time_t)(t_ns / 1000000000u);
		h.ts.tv_usec = (suseconds_t)(t_ns % 1000000000u); /* nanoseconds: a nano file */
		pcap_dump((u_char *)cap->dump, &h, cap->data);
		return 0;
	}
	ctl_cli_verdict_text(frame, 0, comment, sizeof(comment));
	return ctl_pcapng_write(cap->ng, &(struct ctl_pcapng_frame){
		.iface = cap->iface[port], .t_ns = t_ns, .len = (uint32_t)len, .data = cap->data,
		.caplen = (uint32_t)caplen, .comment = comment });
}

static json_t *ctl_capture_request(const struct ctl_cli_args *a)
{
	json_t *req = json_pack("{s:s, s:s}", "cmd", "capture", "what", a->all ? "all" : "drops");

	if (req && a->count.set)
		json_object_set_new(req, "count", json_integer((json_int_t)a->count.v));
	if (req && a->seconds.set)
		json_object_set_new(req, "seconds", json_integer((json_int_t)a->seconds.v));
	if (req && a->snaplen.set)
		json_object_set_new(req, "snaplen", json_integer((json_int_t)a->snaplen.v));
	return req;
}

/* The daemon's first object: open the file with its snaplen and link type. */
static int ctl_capture_start(struct ctl_capture *cap, const json_t *started)
{
	long long snaplen = ctl_json_int(started, "snaplen");
	long long linktype = json_is_integer(json_object_get(started, "linktype")) ?
				     ctl_json_int(started, "linktype") :
				     CTL_PCAPNG_LINKTYPE_ETHERNET;

	if (strcmp(ctl_json_str(started, "capture", ""), "started")) {
		fprintf(stderr, "xskwallctl: capture: the daemon did not start the capture\n");
		return -EPROTO;
	}
	if (snaplen <= 0 || snaplen > CTL_CAPTURE_DATA_MAX)
		snaplen = cap->a->snaplen.set ? (long long)cap->a->snaplen.v : CTL_CAPTURE_SNAPLEN;
	cap->opened = 1;
	if (cap->a->pcap)
		return ctl_capture_open_pcap(cap, (uint32_t)snaplen);
	return ctl_capture_open_pcapng(cap, (uint32_t)snaplen, (uint16_t)linktype);
}

enum { CTL_CAPTURE_MORE = 0, CTL_CAPTURE_END = 1 };

/* One object of the stream: a frame to write, or the last one (a frame
 * object need not repeat "ok":true; only "ok":false is an error). */
static int ctl_capture_message(struct ctl_capture *cap, const json_t *m)
{
	const json_t *frame = json_object_get(m, "frame");
	int err;

	if (json_is_false(json_object_get(m, "ok"))) {
		ctl_cli_daemon_error(cap->cmd, m);
		return -ECANCELED;
	}
	if (json_is_object(frame)) {
		err = ctl_capture_frame(cap, frame);
		if (err == -EBADMSG)
			fprintf(stderr, "xskwallctl: capture: a frame the daemon sent is malformed\n");
		else if (err)
			fprintf(stderr, "xskwallctl: capture: %s: %s\n", cap->a->write, strerror(-err));
		return err;
	}
	if (!strcmp(ctl_json_str(m, "capture", ""), "done")) {
		cap->lost = ctl_json_int(m, "lost");
		return CTL_CAPTURE_END;
	}
	return CTL_CAPTURE_MORE; /* something newer than this client: skipped */
}

/* Read until the daemon's last object, or until a signal: then shut the
 * request side and wait CTL_CAPTURE_DRAIN_MS for the last object (a
 * second signal does not wait). 0 or -errno (explained on stderr). */
static int ctl_capture_loop(struct ctl_capture *cap, struct ctl_client *c, int stop_fd)
{
	int stopping = 0, err;
	json_t *m;

	for (;;) {
		err = ctl_client_next(c, stop_fd, stopping ? CTL_CAPTURE_DRAIN_MS : -1, &m);
		if (err == -EINTR && !stopping) {
			ctl_cli_stop_fd_drain(stop_fd);
			ctl_client_end_request(c);
			stopping = 1;
			continue;
		}
		if (stopping && (err == -EINTR || err == -ETIMEDOUT || err == -ENODATA))
			return 0;
		if (err) {
			fprintf(stderr, "xskwallctl: capture: %s\n",
				err == -ENODATA ? "the daemon ended the capture without its count" :
						  strerror(-err));
			return err;
		}
		err = ctl_capture_message(cap, m);
		json_decref(m);
		if (err)
			return err == CTL_CAPTURE_END ? 0 : err;
	}
}

static void ctl_capture_summary(const struct ctl_capture *cap)
{
	const char *file = cap->a->write;

	if (cap->a->json) {
		json_t *o = json_pack("{s:b, s:s, s:I, s:o}", "ok", 1, "file", file, "frames",
				      (json_int_t)cap->frames, "lost",
				      cap->lost < 0 ? json_null() : json_integer(cap->lost));

		if (o)
			ctl_cli_print_json(o);
		json_decref(o);
	} else if (cap->lost < 0) {
		printf("captured %llu frames to %s (interrupted: lost frames not counted)\n",
		       (unsigned long long)cap->frames, file);
	} else if (cap->lost == 0) {
		printf("captured %llu frames to %s (0 lost)\n", (unsigned long long)cap->frames, file);
	} else {
		printf("captured %llu frames to %s (%lld lost: the workers' capture rings were full)\n",
		       (unsigned long long)cap->frames, file, cap->lost);
	}
}

/* Request, the "started" object, the file, the frames. */
static int ctl_capture_run(struct ctl_capture *cap, int stop_fd)
{
	struct ctl_client *c;
	json_t *started;
	int rc = ctl_cli_request(cap->cmd, cap->a, ctl_capture_request(cap->a), &c);

	if (rc)
		return rc;
	rc = ctl_cli_reply(cap->cmd, cap->a, c, stop_fd, &started);
	if (rc == CTL_EXIT_OK && started && ctl_capture_start(cap, started))
		rc = CTL_EXIT_FAILED;
	if (rc == CTL_EXIT_OK && started && ctl_capture_loop(cap, c, stop_fd))
		rc = CTL_EXIT_FAILED;
	json_decref(started);
	ctl_client_destroy(c);
	if (ctl_capture_close(cap) && rc == CTL_EXIT_OK)
		rc = ctl_cli_fail(cap->cmd, cap->a->write, -EIO);
	return rc;
}

int ctl_cmd_capture(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a)
{
	struct ctl_capture *cap;
	sigset_t old;
	int stop_fd, rc;

	if (!a->write)
		return ctl_cli_usage(cmd, "-w FILE is required");
	if (a->drops && a->all)
		return ctl_cli_usage(cmd, "--drops and --all exclude each other");
	cap = calloc(1, sizeof(*cap));
	if (!cap)
		return ctl_cli_fail(cmd, "memory", -ENOMEM);
	cap->cmd = cmd;
	cap->a = a;
	cap->lost = -1;
	stop_fd = ctl_cli_stop_fd_open(&old);
	if (stop_fd < 0)
		rc = ctl_cli_fail(cmd, "signalfd", stop_fd);
	else
		rc = ctl_capture_run(cap, stop_fd);
	if (rc == CTL_EXIT_OK && cap->opened)
		ctl_capture_summary(cap);
	else if (rc == CTL_EXIT_OK)
		fprintf(stderr, "xskwallctl: capture: interrupted before it started; no file written\n");
	ctl_cli_stop_fd_close(stop_fd, &old);
	free(cap);
	return rc;
}
