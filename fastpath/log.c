/* fastpath/log.c - fw_log and the routing of libbpf/libxdp messages.
 *
 * The threshold and the output form are the process-wide settings here:
 * written once by main before any thread starts, read by everyone after.
 * When stderr is the journal (systemd sets JOURNAL_STREAM to its device
 * and inode), each line starts with its syslog priority, "<3>" to "<7>",
 * which journald turns into the entry's priority. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "fw/log.h"

static int fw_log_threshold = FW_LOG_INFO;
static int fw_log_journal; /* stderr is the journal: priority prefixes */

static const char *const fw_log_tags[] = { "error", "warning", "info", "debug" };
static const int fw_log_priorities[] = { 3, 4, 6, 7 }; /* LOG_ERR ... LOG_DEBUG */

void fw_log_detect_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	fw_log_journal = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
			 !fstat(STDERR_FILENO, &st) && (unsigned long long)st.st_dev == dev &&
			 (unsigned long long)st.st_ino == ino;
}

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
	if (fw_log_journal)
		fprintf(stderr, "<%d>%s: %s\n", fw_log_priorities[level], fw_log_tags[level], line);
	else
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
