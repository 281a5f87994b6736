/* jrun-init: control-socket messages and launch-plan parsing (docs/helper-protocol.md). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "proto.h"

static void put_u16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put_u32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = v >> (8 * i); }
static uint16_t get_u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get_u32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t get_u64(const uint8_t *p) { return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32; }

int jr_send_msg(int fd, uint16_t type, const void *payload, uint32_t len)
{
	uint8_t hdr[JR_HDR_LEN];
	put_u32(hdr, JR_MAGIC);
	put_u16(hdr + 4, JR_VERSION);
	put_u16(hdr + 6, type);
	put_u32(hdr + 8, len);
	struct iovec iov[2] = { { hdr, sizeof hdr }, { (void *)payload, len } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t n;
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL); /* never die of SIGPIPE if Java went away */
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == sizeof hdr + len ? 0 : -EIO;
}

ssize_t jr_recv_msg(int fd, uint16_t *type, void *buf, size_t cap)
{
	static uint8_t pkt[JR_HDR_LEN + JR_MAX_CHUNK + 64];
	struct iovec iov = { pkt, sizeof pkt };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE;
	if (mh.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	if (n < JR_HDR_LEN || get_u32(pkt) != JR_MAGIC || get_u16(pkt + 4) != JR_VERSION)
		return -EPROTO;
	uint32_t plen = get_u32(pkt + 8);
	if (plen != (size_t)n - JR_HDR_LEN)
		return -EPROTO;
	if (plen > cap)
		return -EMSGSIZE;
	*type = get_u16(pkt + 6);
	if (plen)
		memcpy(buf, pkt + JR_HDR_LEN, plen);
	return plen;
}

int jr_expect_msg(int fd, uint16_t type)
{
	uint16_t t;
	uint8_t dummy[16];
	ssize_t n = jr_recv_msg(fd, &t, dummy, sizeof dummy);
	if (n < 0)
		return (int)n;
	return t == type ? 0 : -EPROTO;
}

int jr_read_plan(int fd, uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
	static uint8_t chunk[JR_MAX_CHUNK + 64];
	uint8_t *buf = NULL;
	size_t got = 0, total = 0;
	for (;;) {
		uint16_t t;
		ssize_t n = jr_recv_msg(fd, &t, chunk, sizeof chunk);
		if (n < 0) {
			snprintf(err, errlen, "reading plan chunk");
			free(buf);
			return (int)n;
		}
		if (t != JR_MSG_PLAN_CHUNK) {
			snprintf(err, errlen, "expected PLAN_CHUNK, got message type %u", t);
			free(buf);
			return -EPROTO;
		}
		if (!buf) {
			if (n < 4 || (total = get_u32(chunk)) < 4 || total > JR_MAX_PLAN) {
				snprintf(err, errlen, "bad plan total_len");
				return -EPROTO;
			}
			/* +4: tolerate a sender that did not count the total_len field itself */
			if (!(buf = malloc(total + 4)))
				return -ENOMEM;
		}
		if (got + (size_t)n > total + 4) {
			snprintf(err, errlen, "plan longer than total_len %zu", total);
			free(buf);
			return -EPROTO;
		}
		memcpy(buf + got, chunk, n);
		got += n;
		if (got >= total)
			break;
	}
	*out = buf;
	*out_len = got;
	return 0;
}

size_t jr_error_payload(uint8_t *out, size_t cap, uint32_t stage, int e, const char *syscall, const char *detail)
{
	if (cap < 41)
		return 0;
	put_u32(out, stage);
	put_u32(out + 4, (uint32_t)e);
	memset(out + 8, 0, 32);
	if (syscall)
		strncpy((char *)out + 8, syscall, 31);
	size_t dl = detail ? strlen(detail) : 0;
	if (dl > cap - 41)
		dl = cap - 41;
	if (dl)
		memcpy(out + 40, detail, dl);
	out[40 + dl] = 0;
	return 41 + dl;
}

/* ---- plan parsing ---- */

struct cur { uint8_t *p; size_t left; };

static int c_u32(struct cur *c, uint32_t *v)
{
	if (c->left < 4) return -1;
	*v = get_u32(c->p); c->p += 4; c->left -= 4;
	return 0;
}
static int c_u64(struct cur *c, uint64_t *v)
{
	if (c->left < 8) return -1;
	*v = get_u64(c->p); c->p += 8; c->left -= 8;
	return 0;
}
static int c_str(struct cur *c, char **s)
{
	uint8_t *nul = c->left ? memchr(c->p, 0, c->left) : NULL;
	if (!nul) return -1;
	*s = (char *)c->p;
	size_t n = (size_t)(nul - c->p) + 1;
	c->p += n; c->left -= n;
	return 0;
}
static int c_cstr(struct cur *c, const char **s)
{
	char *t;
	if (c_str(c, &t)) return -1;
	*s = t;
	return 0;
}

#define GROW(arr, n) ({ \
	void *_np = realloc((arr), ((n) + 1) * sizeof *(arr)); \
	_np ? ((arr) = _np, &(arr)[(n)++]) : NULL; })

static int c_strv(struct cur *c, char ***vec, size_t *count)
{
	uint32_t n;
	if (c_u32(c, &n) || n > c->left) /* every string takes at least one byte */
		return -1;
	char **v = calloc((size_t)n + 1, sizeof *v);
	if (!v) return -1;
	for (uint32_t i = 0; i < n; i++)
		if (c_str(c, &v[i])) { free(v); return -1; }
	free(*vec);
	*vec = v;
	*count = n;
	return 0;
}

static const char *attr_name(uint16_t t)
{
	static const char *names[] = { "?", "MODE", "NS_JOIN", "NS_NEW", "TIMENS_OFFSETS", "ROOTFS",
		"ROOTFS_PROPAGATION", "MOUNT", "DEVICE", "SYMLINK", "MASK_PATH", "READONLY_PATH", "ROOT_READONLY",
		"NO_PIVOT", "HOSTNAME", "DOMAINNAME", "SYSCTL", "RLIMIT", "OOM_SCORE_ADJ", "USER", "CAPS",
		"NO_NEW_PRIVS", "SECCOMP", "ARGS", "ENV", "CWD", "EXEC_PATH", "TERMINAL", "CONSOLE_SOCKET",
		"CONSOLE_SIZE", "EXEC_FIFO", "PRESERVE_FDS", "PERSONALITY", "SCHEDULER", "IOPRIO",
		"NO_NEW_KEYRING", "CONTAINER_ID", "SETSID", "MOUNT_LABEL", "PROCESS_LABEL",
		"MOUNT_IDMAP", "INIT" };
	return t < sizeof names / sizeof *names ? names[t] : "?";
}

/* An id map: u32 n, then n triples of u32. The triples stay in the plan buffer. */
static int c_idmap(struct cur *c, uint32_t *n, const uint8_t **map)
{
	if (c_u32(c, n) || *n == 0 || *n > JR_MAX_IDMAP || (size_t)*n * 12 > c->left)
		return -1;
	*map = c->p;
	c->p += (size_t)*n * 12;
	c->left -= (size_t)*n * 12;
	return 0;
}

static int parse_attr(struct jr_plan *p, uint16_t type, uint16_t prev, struct cur *c)
{
	uint32_t u = 0;
	switch (type) {
	case JA_MODE:
		if (c_u32(c, &p->mode) || (p->mode != JR_MODE_CREATE && p->mode != JR_MODE_EXEC)) return -1;
		break;
	case JA_NS_JOIN: {
		struct jr_nsjoin *j = GROW(p->nsjoin, p->n_nsjoin);
		if (!j || c_u32(c, &j->flag) || c_cstr(c, &j->path)) return -1;
		break;
	}
	case JA_NS_NEW: if (c_u64(c, &p->ns_new)) return -1; break;
	case JA_TIMENS_OFFSETS: if (c_cstr(c, &p->timens_offsets)) return -1; break;
	case JA_ROOTFS: if (c_cstr(c, &p->rootfs) || p->rootfs[0] != '/') return -1; break;
	case JA_ROOTFS_PROPAGATION:
		if (c_u64(c, &p->rootfs_propagation)) return -1;
		p->has_propagation = 1;
		break;
	case JA_MOUNT: {
		struct jr_mount *m = GROW(p->mounts, p->n_mounts);
		if (m)
			*m = (struct jr_mount){ .tree_fd = -1 };
		if (!m || c_u32(c, &m->kind) || c_u64(c, &m->flags) || c_u64(c, &m->propagation) ||
		    c_u64(c, &m->attr_set) || c_u64(c, &m->attr_clr) || c_u32(c, &m->mkdir_kind) ||
		    c_cstr(c, &m->source) || c_cstr(c, &m->dest) || c_cstr(c, &m->fstype) || c_cstr(c, &m->data))
			return -1;
		if (m->kind < JR_MOUNT_NORMAL || m->kind > JR_MOUNT_TMPFS_COPYUP || m->mkdir_kind > JR_MKDIR_FILE)
			return -1;
		break;
	}
	case JA_DEVICE: {
		struct jr_device *d = GROW(p->devices, p->n_devices);
		if (!d || c_u32(c, &d->kind) || c_u32(c, &d->mode) || c_u64(c, &d->major) || c_u64(c, &d->minor) ||
		    c_u32(c, &d->uid) || c_u32(c, &d->gid) || c_cstr(c, &d->dest) || c_cstr(c, &d->source))
			return -1;
		if (d->kind != JR_DEV_MKNOD && d->kind != JR_DEV_BIND) return -1;
		break;
	}
	case JA_SYMLINK: {
		struct jr_symlink *s = GROW(p->symlinks, p->n_symlinks);
		if (!s || c_cstr(c, &s->target) || c_cstr(c, &s->link)) return -1;
		break;
	}
	case JA_MASK_PATH: {
		const char **s = GROW(p->masked, p->n_masked);
		if (!s || c_cstr(c, s)) return -1;
		break;
	}
	case JA_READONLY_PATH: {
		const char **s = GROW(p->readonly, p->n_readonly);
		if (!s || c_cstr(c, s)) return -1;
		break;
	}
	case JA_ROOT_READONLY: p->root_readonly = 1; break;
	case JA_NO_PIVOT: p->no_pivot = 1; break;
	case JA_HOSTNAME: if (c_cstr(c, &p->hostname)) return -1; break;
	case JA_DOMAINNAME: if (c_cstr(c, &p->domainname)) return -1; break;
	case JA_SYSCTL: {
		struct jr_sysctl *s = GROW(p->sysctls, p->n_sysctls);
		if (!s || c_cstr(c, &s->key) || c_cstr(c, &s->value)) return -1;
		break;
	}
	case JA_RLIMIT: {
		struct jr_rlimit *r = GROW(p->rlimits, p->n_rlimits);
		if (!r || c_u32(c, &r->resource) || c_u64(c, &r->soft) || c_u64(c, &r->hard)) return -1;
		break;
	}
	case JA_OOM_SCORE_ADJ:
		if (c_u32(c, &u)) return -1;
		p->oom_score_adj = (int32_t)u;
		p->has_oom = 1;
		break;
	case JA_USER: {
		uint32_t n;
		if (c_u32(c, &p->uid) || c_u32(c, &p->gid) || c_u32(c, &p->umask) || c_u32(c, &n) || n > c->left / 4)
			return -1;
		free(p->groups);
		p->groups = calloc(n ? n : 1, sizeof *p->groups);
		if (!p->groups) return -1;
		for (uint32_t i = 0; i < n; i++) {
			c_u32(c, &u);
			p->groups[i] = u;
		}
		p->n_groups = n;
		p->has_user = 1;
		break;
	}
	case JA_CAPS:
		if (c_u64(c, &p->cap_bounding) || c_u64(c, &p->cap_effective) || c_u64(c, &p->cap_permitted) ||
		    c_u64(c, &p->cap_inheritable) || c_u64(c, &p->cap_ambient))
			return -1;
		p->has_caps = 1;
		break;
	case JA_NO_NEW_PRIVS: p->no_new_privs = 1; break;
	case JA_SECCOMP: {
		uint32_t n;
		if (c_u32(c, &p->seccomp_flags) || c_u32(c, &n) || n == 0 || n > 0xffff || (size_t)n * 8 > c->left)
			return -1;
		free(p->seccomp_insns);
		/* copied out: the attribute value is only 4-byte aligned and BPF wants a clean array */
		if (!(p->seccomp_insns = malloc((size_t)n * sizeof(struct sock_filter)))) return -1;
		struct sock_filter *f = p->seccomp_insns;
		for (uint32_t i = 0; i < n; i++, c->p += 8, c->left -= 8) {
			f[i].code = get_u16(c->p);
			f[i].jt = c->p[2];
			f[i].jf = c->p[3];
			f[i].k = get_u32(c->p + 4);
		}
		p->seccomp_len = n;
		if (c_cstr(c, &p->seccomp_listener) || c_cstr(c, &p->seccomp_payload)) return -1;
		p->has_seccomp = 1;
		break;
	}
	case JA_ARGS: if (c_strv(c, &p->argv, &p->argc)) return -1; break;
	case JA_ENV: if (c_strv(c, &p->envp, &p->envc)) return -1; break;
	case JA_CWD: if (c_cstr(c, &p->cwd)) return -1; break;
	case JA_EXEC_PATH: if (c_cstr(c, &p->exec_path)) return -1; break;
	case JA_TERMINAL: p->terminal = 1; break;
	case JA_CONSOLE_SOCKET: if (c_cstr(c, &p->console_socket)) return -1; break;
	case JA_CONSOLE_SIZE:
		if (c_u32(c, &p->rows) || c_u32(c, &p->cols)) return -1;
		p->has_console_size = 1;
		break;
	case JA_EXEC_FIFO: if (c_cstr(c, &p->exec_fifo)) return -1; break;
	case JA_PRESERVE_FDS: if (c_u32(c, &p->preserve_fds) || p->preserve_fds > 1u << 20) return -1; break;
	case JA_PERSONALITY:
		if (c_u64(c, &p->personality)) return -1;
		p->has_personality = 1;
		break;
	case JA_SCHEDULER:
		if (c_u32(c, &p->sched_policy) || c_u32(c, &u) || c_u32(c, &p->sched_priority) ||
		    c_u64(c, &p->sched_flags) || c_u64(c, &p->sched_runtime) || c_u64(c, &p->sched_deadline) ||
		    c_u64(c, &p->sched_period))
			return -1;
		p->sched_nice = (int32_t)u;
		p->has_sched = 1;
		break;
	case JA_IOPRIO:
		if (c_u32(c, &p->ioprio_class) || c_u32(c, &p->ioprio_prio)) return -1;
		p->has_ioprio = 1;
		break;
	case JA_NO_NEW_KEYRING: p->no_new_keyring = 1; break;
	case JA_CONTAINER_ID: if (c_cstr(c, &p->container_id)) return -1; break;
	case JA_SETSID: p->setsid = 1; break;
	case JA_INIT: p->init = 1; break;
	case JA_MOUNT_LABEL: if (c_cstr(c, &p->mount_label)) return -1; break;
	case JA_PROCESS_LABEL: if (c_cstr(c, &p->process_label)) return -1; break;
	case JA_ROOTFS_OVERLAY:
		if (c_cstr(c, &p->ovl_lower) || c_cstr(c, &p->ovl_base) || c_u32(c, &p->ovl_tmpfs) ||
		    p->ovl_lower[0] != '/' || p->ovl_base[0] != '/' || p->ovl_tmpfs > 1)
			return -1;
		break;
	case JA_MOUNT_IDMAP: {
		/* belongs to the MOUNT right before it, which must be a bind without a map yet */
		struct jr_mount *m = p->n_mounts ? &p->mounts[p->n_mounts - 1] : NULL;
		if (prev != JA_MOUNT || !m || m->kind != JR_MOUNT_BIND || m->idmap) return -1;
		if (c_idmap(c, &m->n_uid, &m->uid_map) || c_idmap(c, &m->n_gid, &m->gid_map) ||
		    c_u32(c, &m->idmap_recursive) || m->idmap_recursive > 1)
			return -1;
		m->idmap = 1;
		break;
	}
	default:
		return -2;
	}
	return c->left == 0 ? 0 : -1; /* trailing bytes mean Java and C disagree on the layout */
}

int jr_plan_parse(uint8_t *buf, size_t len, struct jr_plan *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof *p);
	p->umask = 0xffffffffu;
	if (len < 4) {
		snprintf(err, errlen, "plan shorter than its length field");
		return -1;
	}
	size_t total = get_u32(buf);
	/* total_len counts the whole buffer including itself; a sender that left the field out is tolerated */
	if (total != len && total + 4 != len) {
		snprintf(err, errlen, "plan total_len %zu does not match the %zu bytes received", total, len);
		return -1;
	}
	size_t off = 4;
	int first = 1;
	uint16_t prev = 0;
	while (off < len) {
		if (len - off < 8) {
			snprintf(err, errlen, "truncated attribute header at offset %zu", off);
			goto bad;
		}
		uint16_t type = get_u16(buf + off);
		uint32_t alen = get_u32(buf + off + 4);
		if (alen > len - off - 8) {
			snprintf(err, errlen, "attribute %s (%u) at offset %zu: length %u runs past the plan",
				 attr_name(type), type, off, alen);
			goto bad;
		}
		if (first && type != JA_MODE) {
			snprintf(err, errlen, "first attribute must be MODE, got %s (%u)", attr_name(type), type);
			goto bad;
		}
		first = 0;
		struct cur c = { buf + off + 8, alen };
		int r = parse_attr(p, type, prev, &c);
		prev = type;
		if (r == -2) {
			snprintf(err, errlen, "unknown attribute type %u at offset %zu", type, off);
			goto bad;
		}
		if (r) {
			snprintf(err, errlen, "malformed attribute %s (%u) at offset %zu", attr_name(type), type, off);
			goto bad;
		}
		size_t next = off + 8 + (((size_t)alen + 3) & ~(size_t)3);
		off = next < len ? next : len; /* padding after the last attribute is optional */
	}
	if (!p->mode) {
		snprintf(err, errlen, "plan has no MODE");
		goto bad;
	}
	if (!p->argv || p->argc == 0) {
		snprintf(err, errlen, "plan has no ARGS");
		goto bad;
	}
	if (p->mode == JR_MODE_CREATE && !p->rootfs) {
		snprintf(err, errlen, "create plan has no ROOTFS");
		goto bad;
	}
	if (p->has_seccomp && (p->seccomp_flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) &&
	    !(p->seccomp_listener && *p->seccomp_listener)) {
		snprintf(err, errlen, "SECCOMP with NEW_LISTENER but no listener path");
		goto bad;
	}
	if (p->terminal && !p->console_socket) {
		snprintf(err, errlen, "TERMINAL without CONSOLE_SOCKET");
		goto bad;
	}
	return 0;
bad:
	jr_plan_free(p);
	return -1;
}

void jr_plan_free(struct jr_plan *p)
{
	free(p->nsjoin); free(p->mounts); free(p->devices); free(p->symlinks); free(p->masked);
	free(p->readonly); free(p->sysctls); free(p->rlimits); free(p->groups); free(p->seccomp_insns);
	free(p->argv); free(p->envp);
	memset(p, 0, sizeof *p);
}
