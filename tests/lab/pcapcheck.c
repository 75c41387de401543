/* tests/lab/pcapcheck.c - xskwall-pcapcheck: print what libpcap reads from
 * a capture file (pcap or pcapng), for the tests of `xskwallctl capture`.
 *
 *   xskwall-pcapcheck FILE
 *
 * One line per frame, "frame N len L caplen C t SEC.NSEC HEX", then
 * "frames N" and "bytes B" (the sum of the original lengths). Exit 0, or 1
 * with libpcap's error when the file cannot be opened or read. */
#include <stdio.h>
#include <pcap/pcap.h>

static void pcapcheck_frame(unsigned long n, const struct pcap_pkthdr *h, const u_char *data)
{
	printf("frame %lu len %u caplen %u t %lld.%09ld ", n, h->len, h->caplen,
	       (long long)h->ts.tv_sec, (long)h->ts.tv_usec);
	for (bpf_u_int32 i = 0; i < h->caplen; i++)
		printf("%02x", data[i]);
	putchar('\n');
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long long bytes = 0;
	unsigned long n = 0;
	pcap_t *p;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: xskwall-pcapcheck FILE\n");
		return 2;
	}
	p = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!p) {
		fprintf(stderr, "xskwall-pcapcheck: %s\n", errbuf);
		return 1;
	}
	while ((r = pcap_next_ex(p, &h, &data)) == 1) {
		pcapcheck_frame(++n, h, data);
		bytes += h->len;
	}
	if (r == PCAP_ERROR)
		fprintf(stderr, "xskwall-pcapcheck: %s\n", pcap_geterr(p));
	printf("frames %lu\nbytes %llu\n", n, bytes);
	pcap_close(p);
	return r == PCAP_ERROR ? 1 : 0;
}
