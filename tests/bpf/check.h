/* tests/bpf/check.h - the TAP-like checks of the bpf tier: one line per
 * check ("ok - ..." or "FAIL - ..."), a count of failures, and the exit
 * status ctest reads (0 passed, 1 failed, 77 skipped). */
#ifndef TESTS_BPF_CHECK_H
#define TESTS_BPF_CHECK_H
#include <stdio.h>

#define SKIP 77

static int failures;

#define CHECK(cond, ...)                                   \
	do {                                               \
		if (cond) {                                \
			printf("ok - " __VA_ARGS__);       \
		} else {                                   \
			printf("FAIL - " __VA_ARGS__);     \
			failures++;                        \
		}                                          \
		printf("\n");                              \
	} while (0)

/* The last line and the exit status. */
static inline int check_summary(void)
{
	printf("%s\n", failures ? "FAILED" : "all passed");
	return failures ? 1 : 0;
}

#endif /* TESTS_BPF_CHECK_H */
