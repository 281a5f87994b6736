/* jrun-init: shared state and the functions each module provides. */
#ifndef JRUN_INIT_H
#define JRUN_INIT_H

#include <stdint.h>
#include <sys/types.h>
#include "proto.h"

struct jr_ctx {
	struct jr_plan plan;
	int ctl_fd;        /* control socket, -1 once closed */
	int root_fd;       /* O_PATH fd of the (bind-mounted) rootfs, create mode before pivot */
	int fifo_fd;       /* O_PATH fd of the exec fifo */
	int console_sock;  /* connected console socket */
	int listener_sock; /* connected seccomp notify listener socket */
	int procfd_dir;    /* O_PATH fd of our /proc/<pid>/fd in a private procfs (ns.c), opened after fork */
	int procfd_is_host; /* procfd_dir is the host's /proc/self/fd (fallback): closed at pivot_root */
	int proc_rw;        /* O_PATH fd of our /proc/<pid> in a writable private procfs, for attr/exec; or -1 */
	int fifo_w;        /* the exec fifo opened for writing: held until execve closes it (CLOEXEC) */
	int last_cap;      /* /proc/sys/kernel/cap_last_cap, read early */
	int unprivileged;  /* started with a non-zero effective uid: the caller lacks CAP_SYS_PTRACE over us */
	int stage;
};
extern struct jr_ctx jr;

/* main.c / proto.c: reporting */
void jr_set_stage(int stage);
__attribute__((noreturn, format(printf, 4, 5)))
void jr_fail(int stage, int err, const char *syscall, const char *fmt, ...);
/* Fail with errno of the failed call. */
#define JR_DIE(st, sc, ...) jr_fail((st), errno, (sc), __VA_ARGS__)

/* ns.c */
void jr_open_early(void);               /* fifo, console socket, listener socket: host mount ns */
void jr_join_namespaces(void);
void jr_new_namespaces(int defer_cgroup);
pid_t jr_fork_and_report(void);         /* returns only in the child; the parent exits */
void jr_unshare_cgroup_late(void);
void jr_drop_host_procfd(void);         /* after pivot_root: no host /proc/self/fd kept */

/* mount.c */
/* Lexically cleans path (like filepath.Clean, rooted): result has no leading '/', no '.', no '..'.
 * "" means the root itself. Returns 0 or -ENAMETOOLONG. */
int jr_clean_path(const char *in, char *out, size_t cap);
/* Opens path inside root_fd with RESOLVE_IN_ROOT (a symlink can never leave the root). With create:
 * missing parent dirs are created (0755) and the last component per mkdir_kind (dir 0755 or empty
 * file 0644; -1 = do not create the last component). Returns an O_PATH fd or -errno. */
int jr_open_in_root(int root_fd, const char *path, int create_parents, int mkdir_kind);
/* Opens the parent directory of path inside root (creating it) and copies the last component to name. */
int jr_open_parent_in_root(int root_fd, const char *path, char *name, size_t namecap);
/* Clones and idmaps the sources of MOUNT_IDMAP binds while still root in the initial user ns (step 1). */
void jr_prepare_idmapped_mounts(void);
void jr_prepare_rootfs(void);           /* propagation, bind rootfs, mounts, devices, symlinks */
void jr_bind_console(int slave_fd);
void jr_pivot_root(void);
void jr_mask_and_readonly_paths(void);
void jr_root_readonly(void);

/* process.c */
void jr_sysctls(void);
void jr_hostname(void);
void jr_setup_cwd(int after_user);
void jr_rlimits(void);
void jr_rlimit_nofile_late(void);      /* right before execve: a soft RLIMIT_NOFILE below the set-up's need */
const char *jr_rlimit_name(uint32_t resource);
void jr_oom_score_adj(void);
void jr_process_attrs(void);            /* oom, personality, scheduler, ioprio */
void jr_keyring(void);
void jr_process_label(void);
/* Writes an LSM exec label for the next execve under proc_self relative to dirfd (our procfs's <pid>, or a
 * test's fake directory with AT_FDCWD): "exec <profile>" (AppArmor) to attr/apparmor/exec where it exists, else attr/exec. 0 or -errno. */
int jr_write_exec_label(int dirfd, const char *proc_self, const char *label);
const char *jr_cap_name(int cap);
void jr_no_new_privs(void);
void jr_seccomp(void);
void jr_user_and_caps(void);
int jr_read_last_cap(void);
/* Splits 64-bit cap masks into the two 32-bit words capset(2) wants (VERSION_3). */
struct __user_cap_data_struct;
void jr_caps_to_data(uint64_t eff, uint64_t perm, uint64_t inh, int last_cap, struct __user_cap_data_struct *d /* [2] */);
uint64_t jr_caps_valid_mask(int last_cap);

/* console.c */
void jr_setup_console(void);
int jr_send_fd(int sock, int fd, const void *data, size_t len);

/* fds.c */
void jr_close_fds_for_exec(int keep1, int keep2);
void jr_reset_signals(void);

/* pid1.c */
/* Create mode with INIT, after the exec fifo opened: forks; returns in the child (which execs the user's
 * process), the parent stays PID 1 (forwards signals, reaps) and exits with the child's status. */
void jr_pid1(void);
int jr_pid1_exit_code(int wait_status);
int jr_pid1_forwards(int sig);

/* exec.c */
/* Go's exec.LookPath semantics with runc's wording. Returns 0 with the path in out, or an errno with
 * msg set to e.g. `exec: "x": executable file not found in $PATH`. */
int jr_lookpath(const char *file, const char *path_env, char *out, size_t outcap, char *msg, size_t msgcap);
void jr_check_exec(char *resolved, size_t cap);
void jr_wait_fifo(void);
__attribute__((noreturn)) void jr_exec(const char *path);

#endif
