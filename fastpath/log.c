/* fastpath/log.c - fw_log and the routing of libbpf/libxdp messages.
 *
 * The output form is set once by main before any thread starts. The
 * threshold is set by main (-v), then from the configuration's log-level
 * at start-up and after every reload, while other threads log: it is
 * read and written atomically. When stderr is the journal (systemd sets
 * JOURNAL_STREAM to its device and inode), each line starts with its
 * syslog priority, "<3>" to "<7>", which journald turns into the entry's
 * priority. A message of several lines (libbpf's) is written line by
 * line, each with its tag or priority, and never cut short. */
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
	__atomic_store_n(&fw_log_threshold, level, __ATOMIC_RELAXED);
}

int fw_log_level(void)
{
	return __atomic_load_n(&fw_log_threshold, __ATOMIC_RELAXED);
}

/* Each line of text, tagged (blank lines at the end dropped; an empty
 * message is one empty line). */
static void fw_emit(int level, const char *text)
{
	size_t len = strlen(text), at = 0;

	while (len && text[len - 1] == '\n')
		len--;
	flockfile(stderr); /* a multi-line message stays together */
	do {
		size_t n = strcspn(text + at, "\n");

		if (n > len - at)
			n = len - at;
		if (fw_log_journal)
			fprintf(stderr, "<%d>%s: %.*s\n", fw_log_priorities[level], fw_log_tags[level],
				(int)n, text + at);
		else
			fprintf(stderr, "xskwall: %s: %.*s\n", fw_log_tags[level], (int)n, text + at);
		at += n + 1;
	} while (at < len);
	funlockfile(stderr);
}

static void fw_vlog(int level, const char *fmt, va_list ap)
{
	char line[1024], *text = line, *big = NULL;
	va_list again;
	int n;

	if (level > fw_log_level())
		return;
	va_copy(again, ap);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n >= (int)sizeof(line)) { /* a verifier log, say: the whole of it */
		big = malloc((size_t)n + 1);
		if (big && vsnprintf(big, (size_t)n + 1, fmt, again) >= 0)
			text = big;
	}
	va_end(again);
	fw_emit(level, text);
	free(big);
}

void fw_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fw_vlog(level, fmt, ap);
	va_end(ap);
}

/* Library chatter is demoted one level: their warnings are our info,
 * their info and debug our debug. A program the kernel refuses is not
 * left to this: fp_bpfprog gives libbpf a buffer for the verifier's log
 * and writes it at error level itself. */
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
