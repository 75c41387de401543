/* control/report.c - formats the engine's counters as a table.
 *
 * One row per queue and direction, then one per direction for all queues,
 * then the kernel's view of each socket, then the frames each port's XDP
 * program gave the on-miss verdict (no socket on their queue). Column names are the counter
 * names (stats.h), so scripts can find a column by its header. */
#include <inttypes.h>
#include "report.h"


static void ctl_report_row(FILE *f, const char *queue, int dir, const struct fp_dir_stats *d)
{
	char name[32];

	snprintf(name, sizeof(name), "%s>%s", fp_port_name(dir), fp_port_name(!dir));
	fprintf(f, "%-6s %-15s", queue, name);
	for (unsigned c = 0; c < FP_CTR_COUNT; c++)
		fprintf(f, " %12" PRIu64, d->c[c]);
	fputc('\n', f);
}

static void ctl_report_kernel(const struct fp_engine *e, FILE *f)
{
	fprintf(f, "%-6s %-15s %12s %12s %12s %12s %12s %12s\n", "queue", "socket",
		"k_rx_dropped", "k_rx_invalid", "k_tx_invalid", "k_rx_full", "k_fill_empty",
		"k_tx_empty");
	for (uint32_t i = 0; i < fp_engine_nqueues(e); i++) {
		for (int p = 0; p < FP_NPORTS; p++) {
			struct xdp_statistics k;

			if (fp_engine_xsk_stats(e, i, p, &k))
				continue;
			fprintf(f, "%-6u %-15s %12llu %12llu %12llu %12llu %12llu %12llu\n",
				fp_engine_queue_id(e, i), fp_port_name(p), (unsigned long long)k.rx_dropped,
				(unsigned long long)k.rx_invalid_descs,
				(unsigned long long)k.tx_invalid_descs,
				(unsigned long long)k.rx_ring_full,
				(unsigned long long)k.rx_fill_ring_empty_descs,
				(unsigned long long)k.tx_ring_empty_descs);
		}
	}
}

static void ctl_report_misses(const struct fp_engine *e, FILE *f)
{
	fprintf(f, "%-8s %-15s %12s\n", "port", "interface", "on_miss");
	for (int p = 0; p < FP_NPORTS; p++) {
		uint64_t n;

		if (fp_engine_port_misses(e, p, &n))
			continue;
		fprintf(f, "%-8s %-15s %12" PRIu64 "\n", fp_port_name(p), fp_engine_ifname(e, p), n);
	}
}

void ctl_report_stats(const struct fp_engine *e, FILE *f)
{
	struct fp_queue_stats total = { 0 };
	char qname[16];

	fprintf(f, "%-6s %-15s", "queue", "direction");
	for (unsigned c = 0; c < FP_CTR_COUNT; c++)
		fprintf(f, " %12s", fp_ctr_name(c));
	fputc('\n', f);
	for (uint32_t i = 0; i < fp_engine_nqueues(e); i++) {
		struct fp_queue_stats s;

		fp_engine_queue_stats(e, i, &s);
		fp_stats_accumulate(&total, &s);
		snprintf(qname, sizeof(qname), "%u", fp_engine_queue_id(e, i));
		for (int d = 0; d < FP_NPORTS; d++)
			ctl_report_row(f, qname, d, &s.dir[d]);
	}
	for (int d = 0; d < FP_NPORTS; d++)
		ctl_report_row(f, "all", d, &total.dir[d]);
	ctl_report_kernel(e, f);
	ctl_report_misses(e, f);
	fflush(f);
}
