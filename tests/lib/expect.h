/* tests/lib/expect.h - a cmocka check that prints what it measured against
 * what it expected (include after <cmocka.h>). */
#ifndef FW_TEST_EXPECT_H
#define FW_TEST_EXPECT_H

#define expect_num(what, measured, expected)                                                 \
	do {                                                                                  \
		long long m_ = (long long)(measured), e_ = (long long)(expected);             \
		if (m_ != e_)                                                                 \
			fail_msg("%s: measured %lld, expected %lld", what, m_, e_);           \
	} while (0)

#endif /* FW_TEST_EXPECT_H */
