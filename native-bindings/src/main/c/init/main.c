/* jrun-init: entry point, stage dispatch, error reporting, process title.
 * Java decides everything; this helper executes the launch plan (docs/helper-protocol.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "jrun_init.h"

struct jr_ctx jr = { .ctl_fd = -1, .root_fd = -1, .fifo_fd = -1, .fifo_w = -1, .console_sock = -1, .listener_sock = -1,
		     .procfd_dir = -1, .proc_rw = -1, .last_cap = 40, .stage = JR_ST_PLAN };

/* "jrun-init:" is 10 chars and the kernel's comm holds 15, so stage names have at most 5. */
static const char *const stage_title[JR_ST_MAX] = {
	"init", "plan", "ns", "idmap", "fork", "mount", "root", "dev", "mask", "sysct", "host", "rlim",
	"user", "caps", "secc", "cons", "fds", "fifo", "exec", "cwd", "attr", "cgrp",
};

void jr_set_stage(int stage)
{
	char name[16];
	jr.stage = stage;
	snprintf(name, sizeof name, "jrun-init:%s", stage > 0 && stage < JR_ST_MAX ? stage_title[stage] : "?");
	prctl(PR_SET_NAME, name, 0, 0, 0);
}

void jr_fail(int stage, int err, const char *syscall, const char *fmt, ...)
{
	char detail[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt ? fmt : "", ap);
	va_end(ap);
	if (jr.ctl_fd >= 0) {
		uint8_t payload[41 + sizeof detail];
		size_t n = jr_error_payload(payload, sizeof payload, stage, err, syscall, detail);
		if (jr_send_msg(jr.ctl_fd, JR_MSG_ERROR, payload, n) == 0)
			_exit(1);
	}
	/* Only when Java can no longer hear us (socket closed after READY, or gone): the container's
	 * stderr is the one place left, and runc prints there too in this situation. */
	dprintf(2, "jrun-init: %s: %s%s%s\n", syscall ? syscall : "error", detail, err ? ": " : "",
		err ? strerror(err) : "");
	_exit(1);
}

#ifndef JRUN_NO_MAIN

extern char **environ;

/* CVE-2019-5736: a container process that can see this helper through /proc/<pid>/exe must never be
 * able to open the binary for writing. Run from a sealed, anonymous memfd copy instead. */
static void sealed_reexec(void)
{
	/* Decided by what the binary is, not by an environment variable a caller could set: a memfd
	 * with all four seals is our sealed copy; anything else (a file on disk) gets copied. */
	int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (src >= 0) {
		const int all = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
		int seals = fcntl(src, F_GET_SEALS);
		if (seals >= 0 && (seals & all) == all) {
			close(src);
			return;
		}
	}
	if (src < 0)
		JR_DIE(JR_ST_PLAN, "open", "/proc/self/exe");
	int mfd = memfd_create("jrun-init", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (mfd < 0)
		JR_DIE(JR_ST_PLAN, "memfd_create", "jrun-init");
	struct stat st;
	if (fstat(src, &st) < 0)
		JR_DIE(JR_ST_PLAN, "fstat", "/proc/self/exe");
	off_t left = st.st_size;
	while (left > 0) {
		ssize_t n = sendfile(mfd, src, NULL, (size_t)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			jr_fail(JR_ST_PLAN, n < 0 ? errno : EIO, "sendfile", "copying /proc/self/exe to memfd");
		left -= n;
	}
	close(src);
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
		JR_DIE(JR_ST_PLAN, "fcntl", "F_ADD_SEALS");
	char *argv[] = { "jrun-init", NULL };
	/* MFD_CLOEXEC is fine for fexecve of a static ELF (only #! scripts need the fd after exec) */
	fexecve(mfd, argv, environ); /* _JRUN_CTL_FD only (protocol) */
	JR_DIE(JR_ST_PLAN, "fexecve", "sealed memfd");
}

static void read_plan(void)
{
	const char *s = getenv("_JRUN_CTL_FD");
	char *end;
	long fd = s ? strtol(s, &end, 10) : -1;
	if (!s || *end || fd < 3 || fd > 1 << 20) {
		dprintf(2, "jrun-init: _JRUN_CTL_FD missing or invalid; this program is started by jrun\n");
		_exit(1);
	}
	int type = 0;
	socklen_t tl = sizeof type;
	if (getsockopt((int)fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 || type != SOCK_SEQPACKET) {
		dprintf(2, "jrun-init: fd %ld is not the control socket\n", fd);
		_exit(1);
	}
	jr.ctl_fd = (int)fd;
	/* the socket must never reach the container; close_range takes it at the latest, CLOEXEC as backup */
	fcntl(jr.ctl_fd, F_SETFD, FD_CLOEXEC);

	uint8_t *buf;
	size_t len;
	char err[256] = "";
	int r = jr_read_plan(jr.ctl_fd, &buf, &len, err, sizeof err);
	if (r == -EPIPE) /* Java went away before sending anything: nobody to report to */
		_exit(1);
	if (r < 0)
		jr_fail(JR_ST_PLAN, -r, "recvmsg", "%s", err);
	if (jr_plan_parse(buf, len, &jr.plan, err, sizeof err) < 0)
		jr_fail(JR_ST_PLAN, EINVAL, "parse", "%s", err);
	/* buf stays allocated: every string in the plan points into it */
}

/* Everything after READY must be unable to fail for a reason `create` could have reported: the exec fifo
 * needs a procfs to reopen it and a free fd below RLIMIT_NOFILE (process.rlimits was applied already). */
static void jr_check_fifo_reopen(void)
{
	if (jr.plan.mode != JR_MODE_CREATE || jr.fifo_fd < 0)
		return;
	if (jr.procfd_dir < 0)
		jr_fail(JR_ST_FIFO, ENOENT, "open", "exec fifo: no procfs to reopen it in (mount proc at /proc)");
	int probe = fcntl(jr.fifo_fd, F_DUPFD_CLOEXEC, 0);
	if (probe < 0)
		JR_DIE(JR_ST_RLIMITS, "", "process.rlimits: RLIMIT_NOFILE leaves no file descriptor for the exec fifo");
	close(probe);
}

static void finish_and_exec(void)
{
	struct jr_plan *p = &jr.plan;
	char path[4096];

	jr_setup_cwd(0);
	jr_rlimits();
	jr_process_attrs();
	jr_keyring();
	jr_no_new_privs();
	/* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: do it before caps are dropped. */
	if (p->has_seccomp && !p->no_new_privs)
		jr_seccomp();
	jr_user_and_caps();
	jr_setup_cwd(1);
	jr_process_label();
	jr_check_exec(path, sizeof path);

	jr_check_fifo_reopen();
	/* A rootless caller's `exec` into the created container opens /proc/<init>/ns/<type>, which needs
	 * ptrace read access (proc_ns_get_link): a non-dumpable task whose mm belongs to the initial user
	 * namespace is out of reach of anyone without CAP_SYS_PTRACE there. So the init parks dumpable, as
	 * runc's does (nsexec.c sets non-dumpable only when joining namespaces), and is non-dumpable again
	 * before it runs anything but the fifo wait. What parks is already the container process minus the
	 * execve: its uid, capabilities, no_new_privs and (loaded now, below) seccomp filter, the host's /proc
	 * dropped (jr_drop_host_procfd), /proc/self/exe a sealed memfd copy (CVE-2019-5736); its fds are the
	 * exec fifo's O_PATH and the private pid-only procfs (CVE-2024-21626, ns.c). A container process that
	 * attaches to it can thus do nothing it cannot do itself. Not when a process label is set: until
	 * execve the init still has the caller's LSM label, which the container's processes must not reach. */
	int park_dumpable = p->mode == JR_MODE_CREATE && jr.fifo_fd >= 0 && jr.unprivileged &&
			    !(p->process_label && *p->process_label);
	/* With no_new_privs, the filter is loaded as late as possible, so it need not allow our own set-up;
	 * a dumpable park loads it before READY, so that no code of ours runs unfiltered while reachable. */
	int seccomp_late = p->has_seccomp && p->no_new_privs && !park_dumpable;
	if (p->has_seccomp && p->no_new_privs && park_dumpable)
		jr_seccomp();
	jr_set_stage(JR_ST_EXEC);
	if (park_dumpable && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		JR_DIE(JR_ST_EXEC, "prctl", "PR_SET_DUMPABLE 1 for the parked init");
	int r = jr_send_msg(jr.ctl_fd, JR_MSG_READY, NULL, 0);
	if (r < 0)
		_exit(1); /* Java is gone: do not start a process nobody manages */
	if (p->mode == JR_MODE_CREATE) {
		/* after READY the init owns nothing of Java's: EOF tells `create` we are parked on the fifo */
		close(jr.ctl_fd);
		jr.ctl_fd = -1;
		jr_wait_fifo();
		/* Our own pid 1 (--init) stays as reachable as it parked, for the same reasons, so that the
		 * owner can exec into the running container too (its /proc/1/ns). Otherwise non-dumpable
		 * again until the execve (which decides anew, from the program file); fail closed. */
		if (park_dumpable && !p->init && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
			_exit(1);
		if (p->init)
			jr_pid1();
	}
	/* exec mode keeps the CLOEXEC control socket through execve: an ERROR after READY means execve
	 * failed, EOF means it succeeded. */
	jr_close_fds_for_exec(p->mode == JR_MODE_CREATE ? jr.fifo_w : jr.ctl_fd, jr.listener_sock);
	if (seccomp_late)
		jr_seccomp();
	jr_rlimit_nofile_late();
	jr_exec(path);
}

int main(int argc, char **argv)
{
	(void)argc; (void)argv;
	sealed_reexec();
	jr.unprivileged = geteuid() != 0; /* before the user namespace makes us uid 0 */
	/* non-dumpable until execve: keeps /proc/<pid>/{mem,exe,fd} away from container processes */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	jr_set_stage(JR_ST_PLAN);
	jr_reset_signals();
	read_plan();
	/* Stray inherited fds (a shim's, a supervisor's) need not even live through the set-up: keep
	 * 0..2, the preserved range and the control socket; the final sweep before execve repeats this. */
	if (jr.ctl_fd >= 3 + (int)jr.plan.preserve_fds) {
		if (jr.ctl_fd > 3 + (int)jr.plan.preserve_fds)
			syscall(SYS_close_range, 3 + jr.plan.preserve_fds, jr.ctl_fd - 1, 0);
		syscall(SYS_close_range, jr.ctl_fd + 1, ~0U, 0);
	}
	jr.last_cap = jr_read_last_cap();

	struct jr_plan *p = &jr.plan;
	jr_oom_score_adj();
	jr_open_early();
	/* before any namespace is joined or made: idmapping needs the initial user namespace's root */
	jr_prepare_idmapped_mounts();
	jr_join_namespaces();
	jr_new_namespaces(1);
	/* create: always fork, the child is pid 1 of the new pid ns; exec: fork so a joined pid ns applies */
	jr_fork_and_report();
	jr_unshare_cgroup_late();
	/* the init always leads its own session (as runc's does); an exec'd process only when asked
	 * (SETSID) or when it gets a terminal, which needs a session leader for TIOCSCTTY */
	if (p->mode == JR_MODE_CREATE || p->setsid || p->terminal)
		if (setsid() < 0)
			JR_DIE(JR_ST_CONSOLE, "setsid", "new session");
	if (p->mode == JR_MODE_CREATE) {
		jr_prepare_rootfs();
		jr_setup_console();
		jr_pivot_root();
		jr_drop_host_procfd();
		jr_sysctls();
		jr_hostname();
		/* create a missing cwd while the root is still writable (root.readonly comes next) */
		jr_setup_cwd(0);
		jr_mask_and_readonly_paths();
		jr_root_readonly();
	} else {
		jr_setup_console();
	}
	finish_and_exec();
	return 1;
}

#endif /* JRUN_NO_MAIN */
