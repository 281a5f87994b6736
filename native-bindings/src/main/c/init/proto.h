/* jrun-init: wire protocol with the Java side and the parsed launch plan.
 * The contract is docs/helper-protocol.md; keep the two in sync. */
#ifndef JRUN_PROTO_H
#define JRUN_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define JR_MAGIC 0x4a52554eu /* 'JRUN' */
#define JR_VERSION 1
#define JR_HDR_LEN 12
#define JR_MAX_CHUNK (60 * 1024)
#define JR_MAX_PLAN (64u * 1024 * 1024) /* sanity bound on total_len */

/* Java -> helper */
enum { JR_MSG_PLAN_CHUNK = 1, JR_MSG_IDMAP_DONE = 2, JR_MSG_CONTINUE = 3 };
/* helper -> Java */
enum { JR_MSG_NEED_IDMAP = 100, JR_MSG_PID = 101, JR_MSG_READY = 102, JR_MSG_ERROR = 103, JR_MSG_EXITED = 104 };

/* Stages: used in ERROR and (short names) in the process title. */
enum {
	JR_ST_PLAN = 1, JR_ST_NS, JR_ST_IDMAP, JR_ST_FORK, JR_ST_MOUNTS, JR_ST_ROOTFS, JR_ST_DEVICES,
	JR_ST_MASK, JR_ST_SYSCTL, JR_ST_HOSTNAME, JR_ST_RLIMITS, JR_ST_USER, JR_ST_CAPS, JR_ST_SECCOMP,
	JR_ST_CONSOLE, JR_ST_FDS, JR_ST_FIFO, JR_ST_EXEC, JR_ST_CWD, JR_ST_ATTR, JR_ST_CGROUP,
	JR_ST_MAX
};

/* Plan attribute types. */
enum {
	JA_MODE = 1, JA_NS_JOIN, JA_NS_NEW, JA_TIMENS_OFFSETS, JA_ROOTFS, JA_ROOTFS_PROPAGATION, JA_MOUNT,
	JA_DEVICE, JA_SYMLINK, JA_MASK_PATH, JA_READONLY_PATH, JA_ROOT_READONLY, JA_NO_PIVOT, JA_HOSTNAME,
	JA_DOMAINNAME, JA_SYSCTL, JA_RLIMIT, JA_OOM_SCORE_ADJ, JA_USER, JA_CAPS, JA_NO_NEW_PRIVS, JA_SECCOMP,
	JA_ARGS, JA_ENV, JA_CWD, JA_EXEC_PATH, JA_TERMINAL, JA_CONSOLE_SOCKET, JA_CONSOLE_SIZE, JA_EXEC_FIFO,
	JA_PRESERVE_FDS, JA_PERSONALITY, JA_SCHEDULER, JA_IOPRIO, JA_NO_NEW_KEYRING, JA_CONTAINER_ID,
	JA_SETSID, JA_MOUNT_LABEL, JA_PROCESS_LABEL, JA_MOUNT_IDMAP, JA_INIT, JA_ROOTFS_OVERLAY
};

enum { JR_MODE_CREATE = 1, JR_MODE_EXEC = 2 };
/* 4: a tmpfs that gets the covered directory's contents copied in (runc's tmpcopyup) */
enum { JR_MOUNT_NORMAL = 1, JR_MOUNT_BIND = 2, JR_MOUNT_CGROUP_TMPFS = 3, JR_MOUNT_TMPFS_COPYUP = 4 };
enum { JR_DEV_MKNOD = 1, JR_DEV_BIND = 2 };
enum { JR_MKDIR_DIR = 0, JR_MKDIR_FILE = 1 };

struct jr_nsjoin { uint32_t flag; const char *path; };
#define JR_MAX_IDMAP 340 /* lines the kernel accepts in uid_map/gid_map (user_namespaces(7)) */
struct jr_mount {
	uint32_t kind, mkdir_kind;
	uint64_t flags, propagation, attr_set, attr_clr;
	const char *source, *dest, *fstype, *data;
	/* MOUNT_IDMAP (bind mounts only): n_* triples {container, host, size}, u32 LE each, pointing into
	 * the plan buffer; tree_fd is the detached idmapped tree, prepared before any user ns is entered */
	int idmap; uint32_t n_uid, n_gid, idmap_recursive;
	const uint8_t *uid_map, *gid_map;
	int tree_fd;
};
struct jr_device {
	uint32_t kind, mode, uid, gid;
	uint64_t major, minor;
	const char *dest, *source;
};
struct jr_symlink { const char *target, *link; };
struct jr_sysctl { const char *key, *value; };
struct jr_rlimit { uint32_t resource; uint64_t soft, hard; };

/* Every string points into the plan buffer, which lives as long as the process. */
struct jr_plan {
	uint32_t mode;
	struct jr_nsjoin *nsjoin; size_t n_nsjoin;
	uint64_t ns_new;
	const char *timens_offsets;
	const char *rootfs;
	/* ROOTFS_OVERLAY (an image's layers): the rootfs becomes an OverlayFS of ovl_lower, with its upper and
	 * work dirs under ovl_base (a fresh tmpfs there when ovl_tmpfs) */
	const char *ovl_lower, *ovl_base; uint32_t ovl_tmpfs;
	int has_propagation; uint64_t rootfs_propagation;
	struct jr_mount *mounts; size_t n_mounts;
	struct jr_device *devices; size_t n_devices;
	struct jr_symlink *symlinks; size_t n_symlinks;
	const char **masked; size_t n_masked;
	const char **readonly; size_t n_readonly;
	int root_readonly, no_pivot;
	const char *hostname, *domainname;
	struct jr_sysctl *sysctls; size_t n_sysctls;
	struct jr_rlimit *rlimits; size_t n_rlimits;
	int has_oom; int32_t oom_score_adj;
	int has_user; uint32_t uid, gid, umask; gid_t *groups; size_t n_groups;
	int has_caps; uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
	int no_new_privs;
	int has_seccomp; uint32_t seccomp_flags; uint32_t seccomp_len; void *seccomp_insns; /* struct sock_filter[] */
	const char *seccomp_listener, *seccomp_payload;
	char **argv; size_t argc;
	char **envp; size_t envc;
	const char *cwd, *exec_path;
	int terminal; const char *console_socket;
	int has_console_size; uint32_t rows, cols;
	const char *exec_fifo;
	uint32_t preserve_fds;
	int has_personality; uint64_t personality;
	int has_sched; uint32_t sched_policy; int32_t sched_nice; uint32_t sched_priority;
	uint64_t sched_flags, sched_runtime, sched_deadline, sched_period;
	int has_ioprio; uint32_t ioprio_class, ioprio_prio;
	int no_new_keyring; const char *container_id; int setsid;
	const char *mount_label, *process_label;
	int init; /* INIT: stay behind as PID 1 (pid1.c) */
};

/* Message I/O on the SOCK_SEQPACKET control socket. Return 0 or -errno. */
int jr_send_msg(int fd, uint16_t type, const void *payload, uint32_t len);
/* Receives one packet; *type and the payload (copied into buf, at most cap bytes) on success.
 * Returns payload length, 0..cap, or -errno; -EPIPE on EOF, -EPROTO on a malformed header. */
ssize_t jr_recv_msg(int fd, uint16_t *type, void *buf, size_t cap);
/* Waits for one message of the given type (empty payload expected). 0 or -errno. */
int jr_expect_msg(int fd, uint16_t type);
/* Reads PLAN_CHUNKs until the whole plan arrived. *out is malloc'd. 0 or -errno, err filled. */
int jr_read_plan(int fd, uint8_t **out, size_t *out_len, char *err, size_t errlen);
/* Parses a whole plan buffer (starting with total_len). 0 on success, -1 with err filled. */
int jr_plan_parse(uint8_t *buf, size_t len, struct jr_plan *p, char *err, size_t errlen);
void jr_plan_free(struct jr_plan *p);
/* Builds the ERROR payload; returns its length. */
size_t jr_error_payload(uint8_t *out, size_t cap, uint32_t stage, int err, const char *syscall, const char *detail);

#endif
