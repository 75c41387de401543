/* include/fw/log.h - the one logging entry point of every userspace module.
 *
 * Messages go to stderr with a level tag, one tagged line per line of the
 * message. libbpf and libxdp are routed here (fw_log_route_libs) one level
 * quieter than they ask, as xdp-tools does; the verifier's log of a
 * program the kernel refuses comes at error level (fastpath/bpfprog.c).
 * The hot path never logs: it counts. */
#ifndef FW_LOG_H
#define FW_LOG_H

enum fw_log_level {
	FW_LOG_ERR = 0,
	FW_LOG_WARN = 1,
	FW_LOG_INFO = 2,
	FW_LOG_DEBUG = 3,
};

void fw_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Messages above `level` are dropped. Set by main (-v), then by the
 * daemon from the configuration's log-level (start-up, every reload); any
 * thread may log meanwhile. */
void fw_log_set_level(int level);

/* The threshold in force. */
int fw_log_level(void);

/* Write syslog priority prefixes ("<3>error: ...") when stderr is the
 * journal (JOURNAL_STREAM names stderr's device and inode), the plain
 * form ("xskwall: error: ...") otherwise. Called by main. */
void fw_log_detect_journal(void);

/* Send libbpf and libxdp output through fw_log. */
void fw_log_route_libs(void);

#define fw_err(...) fw_log(FW_LOG_ERR, __VA_ARGS__)
#define fw_warn(...) fw_log(FW_LOG_WARN, __VA_ARGS__)
#define fw_info(...) fw_log(FW_LOG_INFO, __VA_ARGS__)
#define fw_dbg(...) fw_log(FW_LOG_DEBUG, __VA_ARGS__)

#endif /* FW_LOG_H */
