/* jrun-init: namespace joins and creation, the uid/gid map handshake, and the fork. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <stdio.h>

#include "jrun_init.h"

static int connect_unix(const char *path, int stage)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path)
		jr_fail(stage, ENAMETOOLONG, "connect", "%s", path);
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		JR_DIE(stage, "socket", "%s", path);
	while (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		if (errno != EINTR)
			JR_DIE(stage, "connect", "%s", path);
	return fd;
}

/* Everything named by a host path is opened while we still see the host's mount namespace:
 * after setns(CLONE_NEWNS) or pivot_root those paths mean something else (or something the
 * container controls). */
void jr_open_early(void)
{
	struct jr_plan *p = &jr.plan;
	if (p->mode == JR_MODE_CREATE && p->exec_fifo && *p->exec_fifo) {
		jr.fifo_fd = open(p->exec_fifo, O_PATH | O_CLOEXEC);
		if (jr.fifo_fd < 0)
			JR_DIE(JR_ST_FIFO, "open", "%s", p->exec_fifo);
		struct stat st;
		if (fstat(jr.fifo_fd, &st) < 0)
			JR_DIE(JR_ST_FIFO, "fstat", "%s", p->exec_fifo);
		if (!S_ISFIFO(st.st_mode))
			jr_fail(JR_ST_FIFO, EINVAL, "fstat", "%s is not a fifo", p->exec_fifo);
	}
	if (p->terminal)
		jr.console_sock = connect_unix(p->console_socket, JR_ST_CONSOLE);
	if (p->has_seccomp && p->seccomp_listener && *p->seccomp_listener)
		jr.listener_sock = connect_unix(p->seccomp_listener, JR_ST_SECCOMP);
}

void jr_join_namespaces(void)
{
	struct jr_plan *p = &jr.plan;
	if (!p->n_nsjoin)
		return;
	jr_set_stage(JR_ST_NS);
	/* open them all first: joining the mount ns changes what the later paths resolve to */
	int *fds = calloc(p->n_nsjoin, sizeof *fds);
	if (!fds)
		jr_fail(JR_ST_NS, ENOMEM, "calloc", "namespace fds");
	for (size_t i = 0; i < p->n_nsjoin; i++) {
		fds[i] = open(p->nsjoin[i].path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			JR_DIE(JR_ST_NS, "open", "%s", p->nsjoin[i].path);
	}
	for (size_t i = 0; i < p->n_nsjoin; i++) {
		if (setns(fds[i], (int)p->nsjoin[i].flag) < 0)
			JR_DIE(JR_ST_NS, "setns", "%s", p->nsjoin[i].path);
		close(fds[i]);
	}
	free(fds);
}

static void put_i32(uint8_t *b, int32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)((uint32_t)v >> (8 * i));
}

void jr_new_namespaces(int defer_cgroup)
{
	struct jr_plan *p = &jr.plan;
	uint64_t flags = p->ns_new;
	if (!flags)
		return;
	jr_set_stage(JR_ST_NS);
	if (flags & CLONE_NEWUSER) {
		/* alone and first: the other namespaces must be owned by the new user ns */
		if (unshare(CLONE_NEWUSER) < 0)
			JR_DIE(JR_ST_NS, "unshare", "CLONE_NEWUSER");
		jr_set_stage(JR_ST_IDMAP);
		/* A non-dumpable task's /proc/<pid> files belong to global root, so a rootless parent could
		 * not write our maps: dumpable just for the handshake (nothing runs in the ns yet). */
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
		uint8_t b[4];
		put_i32(b, getpid());
		int r = jr_send_msg(jr.ctl_fd, JR_MSG_NEED_IDMAP, b, 4);
		if (r == 0)
			r = jr_expect_msg(jr.ctl_fd, JR_MSG_IDMAP_DONE);
		if (r < 0)
			jr_fail(JR_ST_IDMAP, -r, "recvmsg", "waiting for IDMAP_DONE");
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		if (setresgid(0, 0, 0) < 0)
			JR_DIE(JR_ST_IDMAP, "setresgid", "0 in the new user namespace");
		if (setresuid(0, 0, 0) < 0)
			JR_DIE(JR_ST_IDMAP, "setresuid", "0 in the new user namespace");
		jr_set_stage(JR_ST_NS);
	}
	uint64_t rest = flags & ~(uint64_t)CLONE_NEWUSER;
	/* A cgroup ns taken now would be rooted at the caller's cgroup; the child takes it after Java
	 * moved it into the container's cgroup (after CONTINUE). */
	if (defer_cgroup)
		rest &= ~(uint64_t)CLONE_NEWCGROUP;
	if (rest && unshare((int)rest) < 0)
		JR_DIE(JR_ST_NS, "unshare", "flags 0x%llx", (unsigned long long)rest);
	if ((rest & CLONE_NEWTIME) && p->timens_offsets && *p->timens_offsets) {
		/* only writable before the first process enters the time ns, i.e. before the fork */
		int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			JR_DIE(JR_ST_NS, "open", "/proc/self/timens_offsets");
		size_t l = strlen(p->timens_offsets);
		if (write(fd, p->timens_offsets, l) != (ssize_t)l)
			JR_DIE(JR_ST_NS, "write", "/proc/self/timens_offsets");
		close(fd);
	}
}

void jr_unshare_cgroup_late(void)
{
	if ((jr.plan.ns_new & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		JR_DIE(JR_ST_NS, "unshare", "CLONE_NEWCGROUP");
}

static int open_private_procfd_dir(void);

pid_t jr_fork_and_report(void)
{
	int sync[2];
	jr_set_stage(JR_ST_FORK);
	if (pipe2(sync, O_CLOEXEC) < 0)
		JR_DIE(JR_ST_FORK, "pipe2", "sync pipe");
	pid_t pid = fork();
	if (pid < 0)
		JR_DIE(JR_ST_FORK, "fork", "container process");
	if (pid > 0) {
		/* intermediate: report the host pid, wait for Java (pid file, cgroup), release the child, leave */
		close(sync[0]);
		uint8_t b[4];
		put_i32(b, pid);
		int r = jr_send_msg(jr.ctl_fd, JR_MSG_PID, b, 4);
		if (r == 0)
			r = jr_expect_msg(jr.ctl_fd, JR_MSG_CONTINUE);
		if (r < 0) {
			kill(pid, SIGKILL);
			if (r == -EPIPE)
				_exit(1);
			jr_fail(JR_ST_FORK, -r, "recvmsg", "waiting for CONTINUE");
		}
		/* close our copy first: Java must see EOF only when the child closes its end too */
		close(jr.ctl_fd);
		jr.ctl_fd = -1;
		if (write(sync[1], "c", 1) != 1)
			_exit(1);
		/* exit at once so the child is reparented to the caller's subreaper */
		_exit(0);
	}
	close(sync[1]);
	char c = 0;
	ssize_t n;
	do
		n = read(sync[0], &c, 1);
	while (n < 0 && errno == EINTR);
	close(sync[0]);
	if (n != 1 || c != 'c')
		_exit(1); /* the intermediate failed (and reported), or Java went away */
	jr.procfd_dir = open_private_procfd_dir();
	return 0;
}

/* A procfs instance of our own (fsopen/fsmount, attached nowhere, subset=pid, of the active pid namespace):
 * its mount fd, or -1 (no mount API, or refused). */
static int jr_private_proc_mount(int rdonly)
{
	int fsfd = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return -1;
	int mnt = -1;
	if (syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, "subset", "pid", 0) == 0 &&
	    syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		mnt = (int)syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC,
				   (rdonly ? MOUNT_ATTR_RDONLY : 0) | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					   MOUNT_ATTR_NOEXEC);
	close(fsfd);
	return mnt;
}

/* Our /proc/<pid>/fd in a procfs instance of our own: mounted for this process only (fsopen/fsmount,
 * never attached to any mount tree), of the pid namespace we now live in, pids only (subset=pid). It
 * reopens O_PATH fds (the exec fifo, /dev/ptmx) whether or not the container has a /proc, and whatever
 * the container mounted there.
 * CVE-2024-21626 class: the parked init holds this fd while the container is "created", and a process
 * of its pid namespace with CAP_SYS_PTRACE can follow /proc/1/fd/N. A dir of the *host's* procfs would
 * lead from there through /proc/<host pid>/root to the host's "/"; this instance shows only the
 * container's own pid namespace, so walking up from it ends at processes whose roots are the container's. */
static int open_private_procfd_dir(void)
{
	char name[32];
	/* getpid() is our pid in the active pid namespace, the one the instance shows */
	int mnt = jr_private_proc_mount(1);
	if (mnt >= 0) {
		snprintf(name, sizeof name, "%d/fd", (int)getpid());
		int dir = openat(mnt, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(mnt);
		if (dir >= 0) {
			/* The process label (attr/exec) is written after the caps are dropped (no fsopen then),
			 * and this read-only instance refuses it (EROFS): our /proc/<pid> in a writable one,
			 * held only until that write, before READY (jr_process_label closes it). */
			const char *label = jr.plan.process_label;
			mnt = label && *label ? jr_private_proc_mount(0) : -1;
			if (mnt >= 0) {
				snprintf(name, sizeof name, "%d", (int)getpid());
				jr.proc_rw = openat(mnt, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
				close(mnt);
			}
			return dir;
		}
	}
	/* No private instance (a kernel without the mount API, or procfs refused in a user namespace
	 * because the one visible is not fully visible): the host's dir, which jr_drop_host_procfd closes
	 * at pivot_root so the parked init never holds it. */
	jr.procfd_is_host = 1;
	int dir = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		JR_DIE(JR_ST_FORK, "open", "/proc/self/fd");
	return dir;
}

/* After pivot_root: replace a host /proc/self/fd (the fallback above) with the container's, checked to
 * be procfs (a bind of a directory of symlinks at /proc would redirect the fifo reopen otherwise). No
 * usable /proc leaves -1: the exec fifo then cannot be reopened and create fails before READY. */
void jr_drop_host_procfd(void)
{
	if (!jr.procfd_is_host)
		return;
	close(jr.procfd_dir);
	jr.procfd_dir = -1;
	jr.procfd_is_host = 0;
	int dir = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct statfs sf;
	if (dir >= 0 && (fstatfs(dir, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)) {
		close(dir);
		dir = -1;
	}
	jr.procfd_dir = dir;
}
