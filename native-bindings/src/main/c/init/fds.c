/* jrun-init: file descriptor hygiene right before execve. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "jrun_init.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static void close_span(unsigned lo, unsigned hi)
{
	if (lo > hi)
		return;
	if (syscall(SYS_close_range, lo, hi, 0) == 0)
		return;
	/* pre-5.9 kernels: plain loop up to the fd limit */
	struct rlimit rl;
	unsigned max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (1u << 20) ? (unsigned)rl.rlim_cur : 1u << 16;
	if (hi > max)
		hi = max;
	for (unsigned fd = lo; fd <= hi; fd++)
		close((int)fd);
}

/* CVE-2024-21626: an inherited fd (a host directory, a cgroup dir, the shim's pipes) reaching the
 * container is a way out of it. Keep 0..2 and the --preserve-fds range, close everything else.
 * keep1/keep2 are our own CLOEXEC fds that must survive until execve (-1 = none). */
void jr_close_fds_for_exec(int keep1, int keep2)
{
	jr_set_stage(JR_ST_FDS);
	unsigned first = 3 + jr.plan.preserve_fds;
	for (unsigned fd = 3; fd < first; fd++)
		if (fcntl((int)fd, F_SETFD, 0) < 0 && errno != EBADF)
			JR_DIE(JR_ST_FDS, "fcntl", "clearing FD_CLOEXEC on preserved fd %u", fd);
	int a = keep1, b = keep2;
	if (a > b) { int t = a; a = b; b = t; }
	unsigned lo = first;
	int keeps[2] = { a, b };
	for (int i = 0; i < 2; i++) {
		if (keeps[i] < 0 || (unsigned)keeps[i] < lo)
			continue;
		close_span(lo, (unsigned)keeps[i] - 1);
		lo = (unsigned)keeps[i] + 1;
	}
	close_span(lo, ~0U);
}

/* The JVM's ignored signals and blocked mask survive posix_spawn and execve; a container process
 * must start with default dispositions (e.g. SIGPIPE) and nothing blocked. */
void jr_reset_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct sigaction sa = { .sa_handler = SIG_DFL };
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sigaction(s, &sa, NULL); /* glibc-reserved ones fail with EINVAL: fine */
}
