/* jrun-init: process attributes: sysctl, hostname, cwd, rlimits, oom/personality/scheduler/ioprio,
 * keyring, LSM label, no_new_privs, seccomp, user/groups and capabilities. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/keyctl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>

#include "jrun_init.h"

/* ---- sysctl, hostname ---- */

/* sysctl(8) convention: '.' separates levels and '/' stands for a literal '.' (eth0/1 -> "eth0.1") */
static int sysctl_relpath(const char *key, char *out, size_t cap)
{
	size_t n = strlen(key);
	if (n == 0 || n >= cap)
		return -1;
	for (size_t i = 0; i <= n; i++)
		out[i] = key[i] == '.' ? '/' : key[i] == '/' ? '.' : key[i];
	/* no empty, "." or ".." level: the write must stay under /proc/sys */
	for (const char *p = out; *p;) {
		const char *e = strchrnul(p, '/');
		size_t l = (size_t)(e - p);
		if (l == 0 || (l == 1 && p[0] == '.') || (l == 2 && p[0] == '.' && p[1] == '.'))
			return -1;
		p = *e ? e + 1 : e;
	}
	return out[n - 1] == '/' ? -1 : 0;
}

void jr_sysctls(void)
{
	struct jr_plan *p = &jr.plan;
	if (!p->n_sysctls)
		return;
	jr_set_stage(JR_ST_SYSCTL);
	int dir = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		JR_DIE(JR_ST_SYSCTL, "open", "/proc/sys (is /proc mounted in the container?)");
	/* a write into something that only looks like /proc would go anywhere (CVE-2025-52881) */
	struct statfs sf;
	if (fstatfs(dir, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
		jr_fail(JR_ST_SYSCTL, EINVAL, "fstatfs", "/proc/sys is not procfs");
	for (size_t i = 0; i < p->n_sysctls; i++) {
		char rel[PATH_MAX];
		if (sysctl_relpath(p->sysctls[i].key, rel, sizeof rel) < 0)
			jr_fail(JR_ST_SYSCTL, EINVAL, "sysctl", "invalid key %s", p->sysctls[i].key);
		struct open_how how = { .flags = O_WRONLY | O_TRUNC | O_CLOEXEC,
					.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV };
		int fd = (int)syscall(SYS_openat2, dir, rel, &how, sizeof how);
		if (fd < 0)
			JR_DIE(JR_ST_SYSCTL, "open", "/proc/sys/%s", rel);
		size_t l = strlen(p->sysctls[i].value);
		if (write(fd, p->sysctls[i].value, l) != (ssize_t)l)
			JR_DIE(JR_ST_SYSCTL, "write", "/proc/sys/%s", rel);
		close(fd);
	}
	close(dir);
}

void jr_hostname(void)
{
	struct jr_plan *p = &jr.plan;
	if (!p->hostname && !p->domainname)
		return;
	jr_set_stage(JR_ST_HOSTNAME);
	if (p->hostname && sethostname(p->hostname, strlen(p->hostname)) < 0)
		JR_DIE(JR_ST_HOSTNAME, "sethostname", "%s", p->hostname);
	if (p->domainname && setdomainname(p->domainname, strlen(p->domainname)) < 0)
		JR_DIE(JR_ST_HOSTNAME, "setdomainname", "%s", p->domainname);
}

/* ---- cwd ---- */

static int cwd_done;

/* Called before the user switch (where root can create it) and again after: a cwd only the
 * container user may enter (0700 home, root_squash NFS) fails as root and works as the user. */
void jr_setup_cwd(int after_user)
{
	struct jr_plan *p = &jr.plan;
	if (cwd_done || !p->cwd || !*p->cwd)
		return;
	jr_set_stage(JR_ST_CWD);
	if (chdir(p->cwd) < 0) {
		int e = errno;
		if (e == ENOENT && !after_user && p->mode == JR_MODE_CREATE) {
			int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
			int fd = root < 0 ? -errno : jr_open_in_root(root, p->cwd, 1, JR_MKDIR_DIR);
			if (fd < 0)
				jr_fail(JR_ST_CWD, -fd, "mkdir", "%s", p->cwd);
			close(fd);
			close(root);
			if (chdir(p->cwd) < 0)
				JR_DIE(JR_ST_CWD, "chdir", "%s", p->cwd);
		} else if (!after_user && (e == EACCES || e == EPERM)) {
			return;
		} else {
			jr_fail(JR_ST_CWD, e, "chdir", "%s", p->cwd);
		}
	}
	/* CVE-2024-21626: a cwd reached through a leaked host fd is "unreachable" from our root and
	 * getcwd(2) says ENOENT; refuse to start a process there */
	char buf[PATH_MAX];
	if (!getcwd(buf, sizeof buf) || buf[0] != '/')
		jr_fail(JR_ST_CWD, errno ? errno : ENOENT, "getcwd", "current working directory is outside of the container");
	cwd_done = 1;
}

/* ---- rlimits and process attributes ---- */

/* resource names as process.rlimits[].type spells them (sys/resource.h order), for error messages */
static const char *const rlimit_names[] = {
	"RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
	"RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING",
	"RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
};

const char *jr_rlimit_name(uint32_t resource)
{
	return resource < sizeof rlimit_names / sizeof *rlimit_names ? rlimit_names[resource] : "RLIMIT_?";
}

/* The set-up after READY still opens one fd (the exec fifo, exec.c): a soft RLIMIT_NOFILE below this
 * is applied as this much until right before execve (jr_rlimit_nofile_late), so `create` cannot
 * report success for an init that then dies on EMFILE. */
#define JR_SETUP_NOFILE 16
static struct rlimit nofile_late;
static int nofile_late_set;

void jr_rlimits(void)
{
	struct jr_plan *p = &jr.plan;
	if (!p->n_rlimits)
		return;
	jr_set_stage(JR_ST_RLIMITS);
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };
		if (p->rlimits[i].resource == RLIMIT_NOFILE && rl.rlim_cur < JR_SETUP_NOFILE && rl.rlim_max > rl.rlim_cur) {
			nofile_late = rl;
			nofile_late_set = 1;
			rl.rlim_cur = rl.rlim_max < JR_SETUP_NOFILE ? rl.rlim_max : JR_SETUP_NOFILE;
		}
		if (prlimit(0, (__rlimit_resource_t)p->rlimits[i].resource, &rl, NULL) < 0)
			JR_DIE(JR_ST_RLIMITS, "prlimit", "process.rlimits[%zu]: %s soft %llu hard %llu", i,
			       jr_rlimit_name(p->rlimits[i].resource), (unsigned long long)p->rlimits[i].soft,
			       (unsigned long long)p->rlimits[i].hard);
	}
}

/* Lowering a soft limit never needs a privilege, so this cannot fail for a reason create could not see. */
void jr_rlimit_nofile_late(void)
{
	if (nofile_late_set && setrlimit(RLIMIT_NOFILE, &nofile_late) < 0)
		JR_DIE(JR_ST_RLIMITS, "setrlimit", "RLIMIT_NOFILE soft %llu", (unsigned long long)nofile_late.rlim_cur);
}

/* glibc 2.36 has no struct sched_attr; this is SCHED_ATTR_SIZE_VER0 from sched_setattr(2) */
struct jr_sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

/* Before any namespace is touched, as the caller's root: inside a new user ns the non-dumpable
 * helper's /proc/self files belong to global root and are no longer writable. Inherited by fork. */
void jr_oom_score_adj(void)
{
	struct jr_plan *p = &jr.plan;
	if (!p->has_oom)
		return;
	char buf[16];
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		JR_DIE(JR_ST_ATTR, "open", "/proc/self/oom_score_adj");
	int l = snprintf(buf, sizeof buf, "%d", p->oom_score_adj);
	if (write(fd, buf, (size_t)l) != l)
		JR_DIE(JR_ST_ATTR, "write", "/proc/self/oom_score_adj = %d", p->oom_score_adj);
	close(fd);
}

/* process.scheduler.policy as the spec spells it (sched.h values), for error messages */
static const char *sched_policy_name(uint32_t policy)
{
	static const char *const names[] = { "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
					     "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE" };
	return policy < sizeof names / sizeof *names ? names[policy] : "SCHED_?";
}

void jr_process_attrs(void)
{
	struct jr_plan *p = &jr.plan;
	jr_set_stage(JR_ST_ATTR);
	if (p->has_personality && personality((unsigned long)p->personality) < 0)
		JR_DIE(JR_ST_ATTR, "personality", "0x%llx", (unsigned long long)p->personality);
	if (p->has_sched) {
		struct jr_sched_attr a = {
			.size = sizeof a, .sched_policy = p->sched_policy, .sched_flags = p->sched_flags,
			.sched_nice = p->sched_nice, .sched_priority = p->sched_priority,
			.sched_runtime = p->sched_runtime, .sched_deadline = p->sched_deadline,
			.sched_period = p->sched_period,
		};
		if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
			JR_DIE(JR_ST_ATTR, "sched_setattr", "process.scheduler: policy %s priority %u nice %d",
			       sched_policy_name(p->sched_policy), p->sched_priority, p->sched_nice);
	}
	if (p->has_ioprio) {
		/* IOPRIO_PRIO_VALUE(class, data) = class << 13 | data; IOPRIO_WHO_PROCESS = 1 */
		static const char *const classes[] = { "IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
						       "IOPRIO_CLASS_IDLE" };
		if (syscall(SYS_ioprio_set, 1, 0, (int)(p->ioprio_class << 13 | p->ioprio_prio)) < 0)
			JR_DIE(JR_ST_ATTR, "ioprio_set", "process.ioPriority: class %s priority %u",
			       p->ioprio_class < 4 ? classes[p->ioprio_class] : "IOPRIO_CLASS_?", p->ioprio_prio);
	}
}

void jr_keyring(void)
{
	struct jr_plan *p = &jr.plan;
	if (p->no_new_keyring)
		return;
	jr_set_stage(JR_ST_ATTR);
	/* a fresh session keyring per container, so containers never share the host's or each other's keys */
	char name[300];
	snprintf(name, sizeof name, "_ses.%s", p->container_id ? p->container_id : "");
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name, 0, 0, 0) < 0 && errno != ENOSYS)
		JR_DIE(JR_ST_ATTR, "keyctl", "join session keyring %s", name);
}

int jr_write_exec_label(int dirfd, const char *proc_self, const char *label)
{
	char path[PATH_MAX];
	size_t l = strlen(label);
	int fd = -1;
	/* AppArmor's text is "exec <profile>" (apparmor(7), change_onexec). With LSM stacking (Linux 5.1+)
	 * the LSM-specific attr/apparmor/exec is the one that reaches AppArmor whatever the "display" LSM;
	 * older kernels only have the shared attr/exec. SELinux contexts (user:role:type[:level]) go to
	 * attr/exec, which is SELinux's. */
	if (strncmp(label, "exec ", 5) == 0) {
		snprintf(path, sizeof path, "%s/attr/apparmor/exec", proc_self);
		fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 && errno != ENOENT)
			return -errno;
	}
	if (fd < 0) {
		snprintf(path, sizeof path, "%s/attr/exec", proc_self);
		fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	ssize_t n = write(fd, label, l);
	int e = n < 0 ? errno : n != (ssize_t)l ? EIO : 0;
	close(fd);
	return -e;
}

void jr_process_label(void)
{
	struct jr_plan *p = &jr.plan;
	int rw = jr.proc_rw;
	jr.proc_rw = -1;
	if (!p->process_label || !*p->process_label) {
		if (rw >= 0)
			close(rw);
		return;
	}
	jr_set_stage(JR_ST_ATTR);
	/* takes effect at execve; Java sends the exact text the LSM wants (e.g. "exec <profile>") */
	/* Through our own procfs (ns.c: procfd_dir is <pid>/fd there), never the container's /proc: a label
	 * written into whatever the container mounted there would leave the process unconfined
	 * (CVE-2019-16884). Single-threaded, so <pid> is thread-self. */
	/* procfd_dir's instance is read-only (EROFS here): the writable one ns.c opened beside it, if any */
	int r = rw >= 0 ? jr_write_exec_label(rw, ".", p->process_label)
			: jr_write_exec_label(jr.procfd_dir, "..", p->process_label);
	if (rw >= 0)
		close(rw);
	if (r < 0)
		jr_fail(JR_ST_ATTR, -r, "write", "attr/exec = %s", p->process_label);
}

void jr_no_new_privs(void)
{
	if (jr.plan.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		JR_DIE(JR_ST_SECCOMP, "prctl", "PR_SET_NO_NEW_PRIVS");
}

/* ---- seccomp ---- */

void jr_seccomp(void)
{
	struct jr_plan *p = &jr.plan;
	if (!p->has_seccomp)
		return;
	jr_set_stage(JR_ST_SECCOMP);
	struct sock_fprog prog = { .len = (unsigned short)p->seccomp_len, .filter = p->seccomp_insns };
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->seccomp_flags, &prog);
	if (fd < 0)
		JR_DIE(JR_ST_SECCOMP, "seccomp", "SECCOMP_SET_MODE_FILTER (%u instructions, flags 0x%x)",
		       p->seccomp_len, p->seccomp_flags);
	if (p->seccomp_flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
		/* from here on every syscall passes the filter: only sendmsg/close to go */
		if (jr.listener_sock < 0)
			jr_fail(JR_ST_SECCOMP, EINVAL, "seccomp", "NEW_LISTENER without a listener socket");
		const char *payload = p->seccomp_payload ? p->seccomp_payload : "";
		int r = jr_send_fd(jr.listener_sock, (int)fd, payload, strlen(payload));
		if (r < 0)
			jr_fail(JR_ST_SECCOMP, -r, "sendmsg", "%s", p->seccomp_listener);
		close((int)fd);
		close(jr.listener_sock);
		jr.listener_sock = -1;
	}
}

/* ---- capabilities ---- */

int jr_read_last_cap(void)
{
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
	char buf[16];
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n > 0) {
			buf[n] = 0;
			int v = atoi(buf);
			if (v > 0 && v < 64)
				return v;
		}
	}
	/* no /proc: probe the bounding set, which answers EINVAL past the last cap */
	int i = 0;
	while (i < 63 && prctl(PR_CAPBSET_READ, i + 1, 0, 0, 0) >= 0)
		i++;
	return i;
}

/* linux/capability.h names, for error messages only (Java validates names; the plan carries masks) */
static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
	"CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
	"CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
	"CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

const char *jr_cap_name(int cap)
{
	static char buf[24];
	if (cap >= 0 && cap < (int)(sizeof cap_names / sizeof *cap_names))
		return cap_names[cap];
	snprintf(buf, sizeof buf, "capability %d", cap);
	return buf;
}

uint64_t jr_caps_valid_mask(int last_cap)
{
	if (last_cap >= 63)
		return ~(uint64_t)0;
	if (last_cap < 0)
		return 0;
	return ((uint64_t)1 << (last_cap + 1)) - 1;
}

void jr_caps_to_data(uint64_t eff, uint64_t perm, uint64_t inh, int last_cap, struct __user_cap_data_struct *d)
{
	uint64_t m = jr_caps_valid_mask(last_cap);
	eff &= m; perm &= m; inh &= m;
	for (int i = 0; i < 2; i++) {
		d[i].effective = (uint32_t)(eff >> (32 * i));
		d[i].permitted = (uint32_t)(perm >> (32 * i));
		d[i].inheritable = (uint32_t)(inh >> (32 * i));
	}
}

/* setgroups(2) is denied in a user namespace whose /proc/self/setgroups says "deny" (user_namespaces(7)) */
static int setgroups_denied(void)
{
	char buf[8] = "";
	int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	return n >= 4 && strncmp(buf, "deny", 4) == 0;
}

/* A non-root container user must be able to reopen its own stdio (/dev/stdout, /proc/self/fd/1):
 * hand the pipes or pty to it, as runc does. /dev/null and anything we may not chown stay as they are. */
static void fix_stdio_owner(uid_t uid, gid_t gid)
{
	for (int fd = 0; fd < 3; fd++) {
		struct stat st;
		if (fstat(fd, &st) < 0 || st.st_uid == uid)
			continue;
		if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))
			continue;
		if (fchown(fd, uid, gid) < 0 && errno != EINVAL && errno != EPERM && errno != EROFS && errno != EBADF)
			JR_DIE(JR_ST_USER, "fchown", "stdio fd %d to %u:%u", fd, uid, gid);
	}
}

void jr_user_and_caps(void)
{
	struct jr_plan *p = &jr.plan;
	if (p->has_caps) {
		jr_set_stage(JR_ST_CAPS);
		/* keep the permitted set across the uid change (capabilities(7), "Effect of user ID
		 * changes"); effective is cleared and restored by capset below */
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
			JR_DIE(JR_ST_CAPS, "prctl", "PR_SET_KEEPCAPS");
		/* bounding set first: dropping needs CAP_SETPCAP, which the capset below may remove */
		for (int c = 0; c <= jr.last_cap; c++) {
			if (p->cap_bounding & ((uint64_t)1 << c))
				continue;
			if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) <= 0)
				continue;
			if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
				JR_DIE(JR_ST_CAPS, "prctl", "PR_CAPBSET_DROP %d", c);
		}
	}
	if (p->has_user) {
		jr_set_stage(JR_ST_USER);
		fix_stdio_owner(p->uid, p->gid);
		if (setgroups(p->n_groups, p->groups) < 0 && !(errno == EPERM && p->n_groups == 0 && setgroups_denied()))
			JR_DIE(JR_ST_USER, "setgroups", "%zu groups", p->n_groups);
		if (setresgid(p->gid, p->gid, p->gid) < 0)
			JR_DIE(JR_ST_USER, "setresgid", "%u", p->gid);
		if (setresuid(p->uid, p->uid, p->uid) < 0)
			JR_DIE(JR_ST_USER, "setresuid", "%u", p->uid);
		if (p->umask != 0xffffffffu)
			umask((mode_t)(p->umask & 0777));
	}
	if (p->has_caps) {
		jr_set_stage(JR_ST_CAPS);
		struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
		struct __user_cap_data_struct d[2];
		/* A capability this process no longer holds (e.g. one missing from the host's bounding set, or
		 * dropped by whoever started jrun) cannot be raised again: capset(2) says EPERM. runc fails the
		 * same way ("unable to apply caps: operation not permitted"); we name the capability. Only the
		 * bounding and ambient sets tolerate it (nothing to drop / raise skipped), as in runc. */
		if (syscall(SYS_capget, &h, d) == 0) {
			uint64_t prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
			uint64_t inh = (uint64_t)d[1].inheritable << 32 | d[0].inheritable;
			uint64_t missing = ((p->cap_effective | p->cap_permitted) & ~prm) |
					   (p->cap_inheritable & ~(prm | inh));
			missing &= jr_caps_valid_mask(jr.last_cap);
			if (missing) {
				int c = __builtin_ctzll(missing);
				/* empty syscall name: Java passes the sentence on as it is (runc's wording + the name) */
				jr_fail(JR_ST_CAPS, EPERM, "",
					"unable to apply caps: %s is not in the runtime's bounding set: operation not permitted",
					jr_cap_name(c));
			}
		}
		jr_caps_to_data(p->cap_effective, p->cap_permitted, p->cap_inheritable, jr.last_cap, d);
		if (syscall(SYS_capset, &h, d) < 0)
			JR_DIE(JR_ST_CAPS, "capset", "effective 0x%llx permitted 0x%llx inheritable 0x%llx",
			       (unsigned long long)p->cap_effective, (unsigned long long)p->cap_permitted,
			       (unsigned long long)p->cap_inheritable);
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
			JR_DIE(JR_ST_CAPS, "prctl", "PR_CAP_AMBIENT_CLEAR_ALL");
		for (int c = 0; c <= jr.last_cap; c++) {
			if (!(p->cap_ambient & ((uint64_t)1 << c)))
				continue;
			/* like runc: an ambient cap that is not also permitted+inheritable is skipped */
			prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0);
		}
		if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
			JR_DIE(JR_ST_CAPS, "prctl", "PR_SET_KEEPCAPS 0");
	}
}
