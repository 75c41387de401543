/* tests/bpf/test_verifier_log.c - a program the kernel refuses is
 * explained by the verifier's own log, at error level.
 *
 * The refusal is made deterministic by a link-time wrapper of
 * bpf_object__load_skeleton (this executable only; tests/bpf/CMakeLists.txt):
 * when asked, it overwrites the program's first instruction that is not
 * part of a 64-bit immediate load (so no relocation targets it, and
 * nothing before it branches) with a read above the stack frame,
 * `r0 = *(u64 *)(r10 +8)`, which every verifier refuses. fp_bpfprog_create
 * runs on the loopback device of a private network namespace (it loads
 * the program; nothing is attached), with stderr captured in a file.
 * Checks:
 *  - an untouched program loads and logs no error;
 *  - the refused one: create fails, and with the threshold at error
 *    (log-level error) stderr holds the verifier's lines at error level:
 *    the failing instruction as the verifier prints it, and its
 *    "processed N insns" summary; then the refusal; nothing below error;
 *  - at info, libbpf's own account of the failure comes at info (demoted
 *    one level), never at warning or error, and the verifier's lines
 *    still at error;
 *  - fw_log writes each line of a multi-line message with its own tag,
 *    and a message longer than its line buffer whole.
 * Exit 0 passed, 1 failed, 77 skipped (not root, no namespaces, the kernel
 * refuses BPF altogether), the reason printed. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "fw/abi.h"
#include "fw/log.h"
#include "bpfprog.h"
#include "check.h"

#define OUT_MAX (1 << 20)
#define BAD_INSN_TEXT "r0 = *(u64 *)(r10 +8)" /* as the verifier prints it */

static int break_next_load; /* the wrapper's only input */

/* Overwrite the first instruction that is not part of an ld_imm64. */
static int break_program(struct bpf_program *prog)
{
	const struct bpf_insn *insns = bpf_program__insns(prog);
	size_t n = bpf_program__insn_cnt(prog), i = 0;
	struct bpf_insn *copy;
	int err;

	while (i < n && insns[i].code == (BPF_LD | BPF_IMM | BPF_DW))
		i += 2;
	if (i >= n)
		return -ENOENT;
	copy = malloc(n * sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, insns, n * sizeof(*copy));
	copy[i] = (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_0,
				     .src_reg = BPF_REG_10, .off = 8 };
	err = bpf_program__set_insns(prog, copy, n);
	free(copy);
	return err;
}

int __real_bpf_object__load_skeleton(struct bpf_object_skeleton *s);
int __wrap_bpf_object__load_skeleton(struct bpf_object_skeleton *s);
int __wrap_bpf_object__load_skeleton(struct bpf_object_skeleton *s)
{
	if (break_next_load) {
		int err = break_program(*s->progs[0].prog);

		break_next_load = 0;
		if (err) {
			fprintf(stdout, "cannot rewrite the program: %s\n", strerror(-err));
			return err;
		}
	}
	return __real_bpf_object__load_skeleton(s);
}

/* ---- stderr capture ------------------------------------------------------ */

struct capture {
	FILE *file;
	int saved_fd;
	char text[OUT_MAX];
};

static int capture_begin(struct capture *c)
{
	fflush(stderr);
	c->file = tmpfile();
	c->saved_fd = dup(STDERR_FILENO);
	if (!c->file || c->saved_fd < 0 || dup2(fileno(c->file), STDERR_FILENO) < 0)
		return -errno;
	return 0;
}

/* Restore stderr; c->text holds what was written, also echoed to stdout
 * (unless long). */
static void capture_end(struct capture *c)
{
	size_t n;

	fflush(stderr);
	dup2(c->saved_fd, STDERR_FILENO);
	close(c->saved_fd);
	rewind(c->file);
	n = fread(c->text, 1, sizeof(c->text) - 1, c->file);
	c->text[n] = '\0';
	fclose(c->file);
	if (n < 2048)
		printf("---- stderr ----\n%s----------------\n", c->text);
	else
		printf("---- stderr: %zu bytes, not shown ----\n", n);
}

/* Lines of text that start with `prefix` and contain `needle` ("" any). */
static int count_lines(const char *text, const char *prefix, const char *needle)
{
	int count = 0;

	for (const char *line = text; *line;) {
		size_t n = strcspn(line, "\n");
		char buf[4096];

		snprintf(buf, sizeof(buf), "%.*s", (int)n, line);
		if (!strncmp(buf, prefix, strlen(prefix)) && strstr(buf, needle))
			count++;
		line += n + (line[n] == '\n');
	}
	return count;
}

static int count_all_lines(const char *text)
{
	return count_lines(text, "", "");
}

/* ---- cases --------------------------------------------------------------- */

/* fp_bpfprog_create on lo at `level`; its return, stderr in c->text. */
static int load_on_lo(struct capture *c, int level, int broken)
{
	struct fp_bpfprog *p = NULL;
	int err;

	fw_log_set_level(level);
	break_next_load = broken;
	if (capture_begin(c)) {
		printf("cannot capture stderr: %s\n", strerror(errno));
		exit(1);
	}
	err = fp_bpfprog_create("lo", FW_MISS_DROP, &p);
	capture_end(c);
	fp_bpfprog_destroy(p);
	return err;
}

static void check_clean_load(struct capture *c)
{
	int err = load_on_lo(c, FW_LOG_INFO, 0);

	if (err) {
		printf("SKIP: the kernel refuses the untouched program (%s): no BPF here\n",
		       strerror(-err));
		exit(SKIP);
	}
	CHECK(count_lines(c->text, "xskwall: error: ", "") == 0,
	      "untouched program: loads, no error logged (measured %d error lines)",
	      count_lines(c->text, "xskwall: error: ", ""));
}

static void check_refused_at_error(struct capture *c)
{
	int err = load_on_lo(c, FW_LOG_ERR, 1);
	int insn = count_lines(c->text, "xskwall: error: lo: verifier: ", BAD_INSN_TEXT);
	int processed = count_lines(c->text, "xskwall: error: lo: verifier: processed ", " insns");
	int refused = count_lines(c->text, "xskwall: error: lo: the kernel refused to load ", "");
	int total = count_all_lines(c->text), errors = count_lines(c->text, "xskwall: error: ", "");

	CHECK(err < 0, "refused program: fp_bpfprog_create fails (measured %d: %s)", err,
	      strerror(-err));
	CHECK(insn >= 1, "log-level error: the failing instruction '%s' is on an error line "
	      "(measured %d lines, expected at least 1)", BAD_INSN_TEXT, insn);
	CHECK(processed == 1, "log-level error: the verifier's 'processed N insns' is on an "
	      "error line (measured %d, expected 1)", processed);
	CHECK(refused == 1, "log-level error: the refusal is logged once (measured %d)", refused);
	CHECK(total == errors && total > 2, "log-level error: every line is at error level "
	      "(measured %d of %d)", errors, total);
}

static void check_refused_at_info(struct capture *c)
{
	int err = load_on_lo(c, FW_LOG_INFO, 1);
	int libbpf_info = count_lines(c->text, "xskwall: info: libbpf: ", "");
	int libbpf_loud = count_lines(c->text, "xskwall: warning: libbpf: ", "") +
			  count_lines(c->text, "xskwall: error: libbpf: ", "");
	int processed = count_lines(c->text, "xskwall: error: lo: verifier: processed ", " insns");

	CHECK(err < 0, "log-level info: the refused program fails again (measured %d)", err);
	CHECK(libbpf_info >= 1, "log-level info: libbpf's account of the failure comes at info "
	      "(measured %d lines)", libbpf_info);
	CHECK(libbpf_loud == 0, "log-level info: nothing of libbpf's at warning or error "
	      "(measured %d lines)", libbpf_loud);
	CHECK(processed == 1, "log-level info: the verifier's lines still at error (measured %d)",
	      processed);
}

static void check_multiline(struct capture *c)
{
	char long_word[3001];

	memset(long_word, 'x', sizeof(long_word) - 1);
	long_word[sizeof(long_word) - 1] = '\0';
	fw_log_set_level(FW_LOG_INFO);
	if (capture_begin(c))
		exit(1);
	fw_err("first\nsecond\n");
	fw_info("%s", long_word);
	capture_end(c);
	CHECK(count_lines(c->text, "xskwall: error: first", "") == 1 &&
	      count_lines(c->text, "xskwall: error: second", "") == 1 &&
	      count_all_lines(c->text) == 3,
	      "a two-line message: two tagged lines (measured %d lines in all, expected 3)",
	      count_all_lines(c->text));
	CHECK(count_lines(c->text, "xskwall: info: ", long_word) == 1,
	      "a message of %zu bytes is not cut (measured %zu bytes of output)",
	      sizeof(long_word) - 1, strlen(c->text));
}

int main(void)
{
	static struct capture c; /* large: not on the stack */

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("SKIP: needs root (BPF program load)\n");
		return SKIP;
	}
	if (unshare(CLONE_NEWNET)) {
		printf("SKIP: cannot enter a private network namespace: %s\n", strerror(errno));
		return SKIP;
	}
	fw_log_route_libs();
	check_clean_load(&c);
	check_refused_at_error(&c);
	check_refused_at_info(&c);
	check_multiline(&c);
	return check_summary();
}
