/* Minimal check helpers for the jrun-init C unit tests: one line per check, non-zero exit on failure. */
#ifndef JRUN_TEST_CHECK_H
#define JRUN_TEST_CHECK_H
#include <stdio.h>
#include <string.h>

static int t_failed, t_count;
#define CHECK(cond, name) do { \
	t_count++; \
	if (cond) printf("ok   %s\n", name); \
	else { t_failed++; printf("FAIL %s (%s:%d: %s)\n", name, __FILE__, __LINE__, #cond); } \
} while (0)
#define CHECK_STR(a, b, name) do { \
	const char *_a = (a), *_b = (b); \
	CHECK(_a && _b && strcmp(_a, _b) == 0, name); \
	if (!(_a && _b && strcmp(_a, _b) == 0)) printf("     got \"%s\", want \"%s\"\n", _a ? _a : "(null)", _b ? _b : "(null)"); \
} while (0)
#define CHECK_DONE() do { \
	printf("%d checks, %d failed\n", t_count, t_failed); \
	return t_failed ? 1 : 0; \
} while (0)
#endif
