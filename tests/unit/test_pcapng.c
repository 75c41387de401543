/* tests/unit/test_pcapng.c - the pcapng writer of `xskwallctl capture`
 * (control/ctl/pcapng.c), read back with libpcap: the frames of both
 * interfaces come back with their lengths, bytes and nanosecond
 * timestamps, the comments and interface names are in the file, and the
 * failure paths (no such folder, a full disk, bad frames) are reported. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "expect.h"
#include <pcap/pcap.h>
#include "pcapng.h"

#define NFRAMES 7
#define SNAPLEN 2048


struct sample {
	uint32_t iface_port;   /* 0 outside, 1 inside */
	uint64_t t_ns;
	uint32_t len, caplen;
	uint8_t data[SNAPLEN];
	char comment[64];
};

struct fixture {
	char path[64];
	struct sample s[NFRAMES];
};

static void fill_sample(struct sample *s, unsigned i)
{
	s->iface_port = i % 2;
	s->t_ns = 1700000000123456789ull + i * 1000000007ull; /* nanoseconds matter */
	s->len = 60 + 97 * i;                 /* odd lengths: block padding */
	s->caplen = i == 3 ? 42 : s->len;     /* one frame cut short */
	for (uint32_t b = 0; b < s->caplen; b++)
		s->data[b] = (uint8_t)(i * 31 + b);
	snprintf(s->comment, sizeof(s->comment), "%s by rule %u: frame %u", i % 2 ? "drop" : "pass",
		 i + 1, i);
}

static int fixture_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	int fd;

	if (!fx)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "/tmp/xskwall-pcapng.XXXXXX");
	fd = mkstemp(fx->path);
	if (fd < 0)
		return -1;
	close(fd);
	for (unsigned i = 0; i < NFRAMES; i++)
		fill_sample(&fx->s[i], i);
	*state = fx;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->path);
	free(fx);
	return 0;
}

static void write_samples(struct fixture *fx)
{
	struct ctl_pcapng *w;
	uint32_t id[2];

	expect_num("create", ctl_pcapng_create(fx->path, "test_pcapng", &w), 0);
	expect_num("outside IDB", ctl_pcapng_add_iface(w, "outside", 1, SNAPLEN, &id[0]), 0);
	expect_num("inside IDB", ctl_pcapng_add_iface(w, "inside", 1, SNAPLEN, &id[1]), 0);
	expect_num("interface ids", id[1], id[0] + 1);
	for (unsigned i = 0; i < NFRAMES; i++) {
		const struct sample *s = &fx->s[i];
		struct ctl_pcapng_frame f = { .iface = id[s->iface_port], .t_ns = s->t_ns,
					      .len = s->len, .data = s->data, .caplen = s->caplen,
					      .comment = s->comment };

		expect_num("write", ctl_pcapng_write(w, &f), 0);
	}
	expect_num("destroy", ctl_pcapng_destroy(w), 0);
}

static void check_frame(const struct sample *s, unsigned i, const struct pcap_pkthdr *h,
			const u_char *data)
{
	char what[64];

	snprintf(what, sizeof(what), "frame %u len", i);
	expect_num(what, h->len, s->len);
	snprintf(what, sizeof(what), "frame %u caplen", i);
	expect_num(what, h->caplen, s->caplen);
	snprintf(what, sizeof(what), "frame %u seconds", i);
	expect_num(what, h->ts.tv_sec, s->t_ns / 1000000000u);
	snprintf(what, sizeof(what), "frame %u nanoseconds", i);
	expect_num(what, h->ts.tv_usec, s->t_ns % 1000000000u);
	if (memcmp(data, s->data, s->caplen))
		fail_msg("frame %u: the bytes read back differ from those written", i);
}

/* libpcap reads every frame back, at nanosecond precision. */
static void test_libpcap_reads_back(void **state)
{
	struct fixture *fx = *state;
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned n = 0;
	pcap_t *p;
	int r;

	write_samples(fx);
	p = pcap_open_offline_with_tstamp_precision(fx->path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!p)
		fail_msg("libpcap cannot open the file: %s", errbuf);
	expect_num("link type", pcap_datalink(p), DLT_EN10MB);
	while ((r = pcap_next_ex(p, &h, &data)) == 1) {
		if (n < NFRAMES)
			check_frame(&fx->s[n], n, h, data);
		n++;
	}
	if (r == PCAP_ERROR)
		fail_msg("libpcap read error after %u frames: %s", n, pcap_geterr(p));
	expect_num("frames read back", n, NFRAMES);
	pcap_close(p);
}

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

/* The comments and interface names are in the file, and the blocks are
 * 32-bit aligned (every pcapng block length is a multiple of 4). */
static void test_comments_in_file(void **state)
{
	struct fixture *fx = *state;
	size_t len;
	char *buf;

	write_samples(fx);
	buf = slurp(fx->path, &len);
	expect_num("file length % 4", len % 4, 0);
	for (unsigned i = 0; i < NFRAMES; i++)
		if (!memmem(buf, len, fx->s[i].comment, strlen(fx->s[i].comment)))
			fail_msg("comment '%s' is not in the file", fx->s[i].comment);
	if (!memmem(buf, len, "outside", 7) || !memmem(buf, len, "inside", 6))
		fail_msg("an interface name is not in the file");
	free(buf);
}

/* A comment longer than an option can hold is cut, and the file reads. */
static void test_long_comment(void **state)
{
	struct fixture *fx = *state;
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct ctl_pcapng *w;
	char *comment = malloc(100000);
	uint32_t id;
	pcap_t *p;

	assert_non_null(comment);
	memset(comment, 'c', 99999);
	comment[99999] = '\0';
	expect_num("create", ctl_pcapng_create(fx->path, NULL, &w), 0);
	expect_num("IDB", ctl_pcapng_add_iface(w, "outside", 1, SNAPLEN, &id), 0);
	expect_num("write", ctl_pcapng_write(w, &(struct ctl_pcapng_frame){
		.iface = id, .t_ns = 5, .len = 60, .data = fx->s[0].data, .caplen = 60,
		.comment = comment }), 0);
	expect_num("destroy", ctl_pcapng_destroy(w), 0);
	free(comment);
	p = pcap_open_offline(fx->path, errbuf);
	if (!p)
		fail_msg("libpcap cannot open the file: %s", errbuf);
	expect_num("pcap_next_ex", pcap_next_ex(p, &h, &data), 1);
	expect_num("len", h->len, 60);
	pcap_close(p);
}

/* Failure paths: each reported as -errno, nothing left half-done. */
static void test_failures(void **state)
{
	struct fixture *fx = *state;
	struct ctl_pcapng *w;
	uint8_t b[64] = { 0 };
	uint32_t id;

	expect_num("create in a missing folder",
		   ctl_pcapng_create("/nonexistent-xskwall/x.pcapng", NULL, &w), -ENOENT);
	expect_num("destroy(NULL)", ctl_pcapng_destroy(NULL), 0);
	expect_num("create", ctl_pcapng_create(fx->path, NULL, &w), 0);
	expect_num("a frame of an interface not added",
		   ctl_pcapng_write(w, &(struct ctl_pcapng_frame){ .iface = 0, .len = 64,
								   .data = b, .caplen = 64 }), -EINVAL);
	expect_num("IDB", ctl_pcapng_add_iface(w, "outside", 1, SNAPLEN, &id), 0);
	expect_num("caplen > len",
		   ctl_pcapng_write(w, &(struct ctl_pcapng_frame){ .iface = id, .len = 10,
								   .data = b, .caplen = 64 }), -EINVAL);
	expect_num("destroy", ctl_pcapng_destroy(w), 0);
	if (access("/dev/full", W_OK))
		return;
	expect_num("create /dev/full", ctl_pcapng_create("/dev/full", NULL, &w), 0);
	expect_num("IDB on /dev/full", ctl_pcapng_add_iface(w, "outside", 1, SNAPLEN, &id), 0);
	ctl_pcapng_write(w, &(struct ctl_pcapng_frame){ .iface = id, .len = 64, .data = b,
							 .caplen = 64 });
	expect_num("destroy reports the full disk", ctl_pcapng_destroy(w), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_libpcap_reads_back, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_comments_in_file, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_long_comment, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_failures, fixture_setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
