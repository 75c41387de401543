/* tests/unit/test_log.c - fw_log's two output forms: syslog priority
 * prefixes when stderr is the journal (JOURNAL_STREAM names its device
 * and inode), the plain tagged form otherwise; and the threshold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "fw/log.h"

/* Log three lines (and one debug line under the info threshold) with
 * stderr on a temporary file, JOURNAL_STREAM as `stream` ("" = that
 * file's own device:inode, NULL = unset); return what was written. */
static char *logged(const char *stream, char *out, size_t len)
{
	char path[] = "/tmp/xskwall-log.XXXXXX", js[64];
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	struct stat st;
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	assert_int_equal(fstat(fd, &st), 0);
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	if (stream)
		setenv("JOURNAL_STREAM", stream[0] ? stream : js, 1);
	else
		unsetenv("JOURNAL_STREAM");
	fw_log_set_level(FW_LOG_INFO);
	fw_log_detect_journal();
	fw_err("disk %d", 1);
	fw_warn("slow");
	fw_info("up\n");
	fw_dbg("not shown");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, out, len - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	unsetenv("JOURNAL_STREAM");
	fw_log_detect_journal();
	return out;
}

static void test_journal_prefixes(void **state)
{
	char buf[512];

	(void)state;
	assert_string_equal(logged("", buf, sizeof(buf)),
			    "<3>error: disk 1\n<4>warning: slow\n<6>info: up\n");
}

static void test_plain_form(void **state)
{
	char buf[512];

	(void)state;
	assert_string_equal(logged(NULL, buf, sizeof(buf)),
			    "xskwall: error: disk 1\nxskwall: warning: slow\nxskwall: info: up\n");
	/* JOURNAL_STREAM inherited but naming another file: not the journal */
	assert_string_equal(logged("1:2", buf, sizeof(buf)),
			    "xskwall: error: disk 1\nxskwall: warning: slow\nxskwall: info: up\n");
	assert_string_equal(logged("garbage", buf, sizeof(buf)),
			    "xskwall: error: disk 1\nxskwall: warning: slow\nxskwall: info: up\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_prefixes),
		cmocka_unit_test(test_plain_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
