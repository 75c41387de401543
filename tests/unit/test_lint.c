/* tests/unit/test_lint.c - rules that can never match (config_lint.c):
 * each finding names the later rule and the earlier one that decides its
 * packets; rules only partly covered are not reported. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "config.h"
#include "config_lint.h"

struct found {
	char text[2048];
	size_t len;
};

static void collect(void *arg, const struct fw_config *cfg, size_t earlier, size_t later,
		    int identical)
{
	struct found *f = arg;

	f->len += (size_t)snprintf(f->text + f->len, sizeof(f->text) - f->len, "%u<%u%s ",
				   cfg->rules[later].line, cfg->rules[earlier].line,
				   identical ? "=" : "");
}

/* "LATER<EARLIER[=] ..." for the configuration text. */
static void assert_lint(const char *text, const char *expected)
{
	struct fw_config cfg;
	struct found f = { "", 0 };
	char err[CTL_ERR_LEN];

	assert_int_equal(ctl_config_parse_buf(text, strlen(text), "l.conf", &cfg, err, sizeof(err)), 0);
	assert_true(ctl_config_lint(&cfg, collect, &f) >= 0);
	if (strcmp(f.text, expected))
		fail_msg("measured '%s', expected '%s' for:\n%s", f.text, expected, text);
	ctl_config_fini(&cfg);
}

static void test_found(void **state)
{
	(void)state;
	assert_lint("drop src 198.18.0.0/16\n"     /* 1 */
		    "pass src 198.18.5.0/24\n"     /* 2: inside 1 */
		    "drop src 198.18.0.0/16\n",    /* 3: the same as 1 */
		    "2<1 3<1= ");
	assert_lint("drop proto icmp\npass icmp type 8\n", "2<1 ");
	assert_lint("drop in outside\ndrop in outside proto udp\n", "2<1 ");
	assert_lint("pass dst 2001:db8::/32\ndrop dst 2001:db8:1::/48 proto tcp\n", "2<1 ");
	assert_lint("pass src 198.19.0.1 dst 198.19.0.2\ndrop src 198.19.0.1 dst 198.19.0.2\n",
		    "2<1 ");
	assert_lint("drop\npass proto tcp\n", "2<1 ");
	assert_lint("drop icmp6 type 128\ndrop icmp6 type 128 code 0\n", "2<1 ");
}

static void test_not_found(void **state)
{
	(void)state;
	assert_lint("pass src 198.18.5.0/24\ndrop src 198.18.0.0/16\n", ""); /* wider later */
	assert_lint("drop icmp6 type 128 code 0\ndrop icmp6 type 128\n", "");
	assert_lint("drop icmp type 8\ndrop proto 1\n", "");     /* proto 1 matches IPv6 too */
	assert_lint("drop in outside\ndrop in inside\n", "");
	assert_lint("drop src 198.18.0.0/16 proto udp\npass src 198.18.1.0/24\n", "");
	assert_lint("drop dst 198.18.0.0/16\npass src 198.18.1.0/24\n", "");
	assert_lint("drop src 2001:db8::/32\npass src 198.18.0.0/16\n", "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found),
		cmocka_unit_test(test_not_found),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
