/* fastpath/log.c - fw_log and the routing of libbpf/libxdp messages.
 *
 * The threshold is the one process-wide setting here: written once by main
 * before any thread starts, read by everyone after. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "fw/log.h"

static int fw_log_threshold = FW_LOG_INFO;

static const char *const fw_log_tags[] = { "error", "warning", "info", "debug" };

void fw_log_set_level(int level)
{
	fw_log_threshold = level;
}

static void fw_vlog(int level, const char *fmt, va_list ap)
{
	char line[1024];
	size_t n;

	if (level > fw_log_threshold)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	fprintf(stderr, "xskwall: %s: %s\n", fw_log_tags[level], line);
}

void fw_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fw_vlog(level, fmt, ap);
	va_end(ap);
}

/* Library chatter is demoted one level: their warnings are our info. */
static int fw_libbpf_print(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	int level = lvl == LIBBPF_WARN ? FW_LOG_INFO : FW_LOG_DEBUG;

	fw_vlog(level, fmt, ap);
	return 0;
}

static int fw_libxdp_print(enum libxdp_print_level lvl, const char *fmt, va_list ap)
{
	int level = lvl == LIBXDP_WARN ? FW_LOG_INFO : FW_LOG_DEBUG;

	fw_vlog(level, fmt, ap);
	return 0;
}

void fw_log_route_libs(void)
{
	libbpf_set_print(fw_libbpf_print);
	libxdp_set_print(fw_libxdp_print);
}
