/* jrun-init: rootfs preparation, mounts, /dev, masked and read-only paths, pivot_root.
 *
 * Every destination is resolved inside the rootfs with openat2(RESOLVE_IN_ROOT) and the mount targets
 * the resulting fd through /proc/self/fd/<n>: a symlink planted in the rootfs (or swapped in by another
 * container sharing a volume) can never redirect a mount onto the host (CVE-2021-30465). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/openat2.h>

#include "jrun_init.h"

#define FDPATH_LEN 32
/* Where the fd's magic link lives. Before pivot_root that is the host /proc, afterwards the container's. */
static const char *fdpath(char *buf, int fd)
{
	snprintf(buf, FDPATH_LEN, "/proc/self/fd/%d", fd);
	return buf;
}

int jr_clean_path(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	const char *p = in;
	if (cap == 0)
		return -ENAMETOOLONG;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchrnul(p, '/');
		size_t n = (size_t)(e - p);
		if (n == 1 && p[0] == '.') {
			/* skip */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			/* ".." at the root stays at the root, as the kernel does for "/.." */
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			if (o + (o ? 1 : 0) + n + 1 > cap)
				return -ENAMETOOLONG;
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p = e;
	}
	out[o] = 0;
	return 0;
}

static int openat2_in_root(int root_fd, const char *path, int extra_flags)
{
	/* RESOLVE_NO_MAGICLINKS: /proc/<pid>/root-style links would be the one way out of the root */
	struct open_how how = { .flags = (uint64_t)(O_PATH | O_CLOEXEC | extra_flags),
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	long fd;
	do
		fd = syscall(SYS_openat2, root_fd, *path ? path : ".", &how, sizeof how);
	while (fd < 0 && (errno == EINTR || errno == EAGAIN));
	return fd < 0 ? -errno : (int)fd;
}

static int open_in_root_depth(int root_fd, const char *path, int create_parents, int mkdir_kind, int depth);

/* A missing component that exists as a dangling symlink: create what it points to, inside the root,
 * and continue from there (what a chrooted "mkdir -p" would do). */
static int follow_dangling(int root_fd, int parent, const char *name, const char *clean, const char *rest,
			   int mkdir_kind, int depth)
{
	char target[PATH_MAX], next[PATH_MAX];
	ssize_t n = readlinkat(parent, name, target, sizeof target - 1);
	if (n < 0)
		return errno == EINVAL ? -ENOENT : -errno;
	target[n] = 0;
	/* the symlink's directory is clean minus its last component */
	const char *slash = strrchr(clean, '/');
	int dirlen = slash ? (int)(slash - clean) : 0;
	int l = target[0] == '/' ? snprintf(next, sizeof next, "%s%s%s", target, rest ? "/" : "", rest ? rest : "")
				 : snprintf(next, sizeof next, "%.*s/%s%s%s", dirlen, clean, target, rest ? "/" : "",
					    rest ? rest : "");
	if (l < 0 || (size_t)l >= sizeof next)
		return -ENAMETOOLONG;
	return open_in_root_depth(root_fd, next, 1, mkdir_kind, depth + 1);
}

int jr_open_in_root(int root_fd, const char *path, int create_parents, int mkdir_kind)
{
	return open_in_root_depth(root_fd, path, create_parents, mkdir_kind, 0);
}

static int open_in_root_depth(int root_fd, const char *path, int create_parents, int mkdir_kind, int depth)
{
	char clean[PATH_MAX];
	if (depth > 40) /* MAXSYMLINKS, path_resolution(7) */
		return -ELOOP;
	int r = jr_clean_path(path, clean, sizeof clean);
	if (r < 0)
		return r;
	int fd = openat2_in_root(root_fd, clean, 0);
	if (fd != -ENOENT || !create_parents)
		return fd;

	/* Walk down, creating what is missing. Each prefix is re-resolved from the root with
	 * RESOLVE_IN_ROOT, so an existing symlink component is followed but stays inside; new entries
	 * are made with *at() relative to the already-resolved parent fd. */
	int parent = openat2_in_root(root_fd, "", 0);
	if (parent < 0)
		return parent;
	char *p = clean;
	for (;;) {
		char *slash = strchr(p, '/');
		int last = slash == NULL;
		if (slash)
			*slash = 0;
		fd = openat2_in_root(root_fd, clean, 0);
		if (fd == -ENOENT) {
			int cr;
			if (!last || mkdir_kind == JR_MKDIR_DIR) {
				cr = mkdirat(parent, p, 0755) < 0 && errno != EEXIST ? -errno : 0;
			} else if (mkdir_kind == JR_MKDIR_FILE) {
				int t = openat(parent, p, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
				cr = t < 0 && errno != EEXIST ? -errno : 0;
				if (t >= 0)
					close(t);
			} else {
				cr = -ENOENT;
			}
			fd = cr < 0 ? cr : openat2_in_root(root_fd, clean, 0);
			if (fd == -ENOENT) { /* it existed (EEXIST) yet does not resolve: a dangling symlink */
				fd = follow_dangling(root_fd, parent, p, clean, last ? NULL : slash + 1, mkdir_kind, depth);
				close(parent);
				return fd;
			}
		}
		close(parent);
		if (fd < 0)
			return fd;
		if (last)
			return fd;
		*slash = '/';
		p = slash + 1;
		parent = fd;
	}
}

int jr_open_parent_in_root(int root_fd, const char *path, char *name, size_t namecap)
{
	char clean[PATH_MAX];
	int r = jr_clean_path(path, clean, sizeof clean);
	if (r < 0)
		return r;
	if (!*clean)
		return -EINVAL;
	char *slash = strrchr(clean, '/');
	const char *base = slash ? slash + 1 : clean;
	if (strlen(base) >= namecap)
		return -ENAMETOOLONG;
	strcpy(name, base);
	if (!slash)
		return openat2_in_root(root_fd, "", 0);
	*slash = 0;
	return jr_open_in_root(root_fd, clean, 1, JR_MKDIR_DIR);
}

static int open_in_root_or_die(int stage, const char *path, int create, int kind)
{
	int fd = jr_open_in_root(jr.root_fd, path, create, kind);
	if (fd < 0)
		jr_fail(stage, -fd, "openat2", "%s (in %s)", path, jr.plan.rootfs ? jr.plan.rootfs : "/");
	return fd;
}

#define MS_REMOUNT_BITS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | \
			 MS_RELATIME | MS_STRICTATIME)

/* MS_REMOUNT|MS_BIND with flags. In a user namespace the kernel refuses to clear flags that were
 * locked by the mount's owner (nosuid/nodev/noexec/atime from the outer ns), so retry with the
 * current ones added, as mount(2) EPERM notes. */
static int remount_bind(const char *target, unsigned long flags)
{
	if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | flags, NULL) == 0)
		return 0;
	if (errno != EPERM)
		return -1;
	struct statvfs sv;
	if (statvfs(target, &sv) < 0)
		return -1;
	unsigned long keep = 0;
	if (sv.f_flag & ST_NOSUID) keep |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV) keep |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC) keep |= MS_NOEXEC;
	if (sv.f_flag & ST_RDONLY) keep |= MS_RDONLY;
	if (sv.f_flag & ST_NOATIME) keep |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME) keep |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME) keep |= MS_RELATIME;
	return mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | flags | keep, NULL);
}

static void apply_attrs_and_propagation(const struct jr_mount *m)
{
	char tp[FDPATH_LEN];
	if (!m->attr_set && !m->attr_clr && !m->propagation)
		return;
	/* re-resolve: the fd we mounted on refers to the covered directory, not the new mount */
	int fd = open_in_root_or_die(JR_ST_MOUNTS, m->dest, 0, -1);
	if (m->attr_set || m->attr_clr) {
		struct mount_attr a = { .attr_set = m->attr_set, .attr_clr = m->attr_clr };
		if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
			JR_DIE(JR_ST_MOUNTS, "mount_setattr", "%s (set 0x%llx clear 0x%llx)", m->dest,
			       (unsigned long long)m->attr_set, (unsigned long long)m->attr_clr);
	}
	if (m->propagation && mount(NULL, fdpath(tp, fd), NULL, m->propagation, NULL) < 0)
		JR_DIE(JR_ST_MOUNTS, "mount", "%s (propagation 0x%llx)", m->dest, (unsigned long long)m->propagation);
	close(fd);
}

static char *with_label(const char *data, const char *label)
{
	/* SELinux: mount_label becomes the context= option of filesystems that take one */
	size_t n = strlen(data) + strlen(label) + 16;
	char *s = malloc(n);
	if (!s)
		jr_fail(JR_ST_MOUNTS, ENOMEM, "malloc", "mount data");
	snprintf(s, n, "%s%scontext=\"%s\"", data, *data ? "," : "", label);
	return s;
}


/* ---- tmpcopyup: copy the covered directory into the fresh tmpfs ----
 *
 * Everything is done relative to two directory fds (the covered directory, opened before the mount, and the
 * new mount's root) with single-component names read from the source directory: O_NOFOLLOW and
 * AT_SYMLINK_NOFOLLOW everywhere, so a symlink is copied as a symlink and never followed out of either tree.
 * Nothing else runs in the container's mount namespace yet, so the target tree cannot change under us. */

#define COPYUP_MAX_DEPTH 64

struct copyup {
	const char *dest;	/* the mount's destination, for messages */
	char rel[PATH_MAX];	/* path below it of the entry being copied */
	dev_t dev;		/* the covered directory's filesystem: other mounts below it are not entered */
};

static void copyup_fail(struct copyup *c, int err, const char *sc)
{
	jr_fail(JR_ST_MOUNTS, err, sc, "tmpcopyup %s%s%s", c->dest, *c->rel ? "/" : "", c->rel);
}

/* Owner, mode, timestamps. Owner first (chown clears set-id bits). An owner the user namespace does not map
 * (EINVAL), or that we may not give away (EPERM), leaves the entry owned by us. */
static void copyup_meta(struct copyup *c, int fd, int dir, const char *name, const struct stat *st)
{
	int r = fd >= 0 ? fchown(fd, st->st_uid, st->st_gid)
			: fchownat(dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW);
	if (r < 0 && errno != EINVAL && errno != EPERM)
		copyup_fail(c, errno, "fchownat");
	if (!S_ISLNK(st->st_mode)) {
		r = fd >= 0 ? fchmod(fd, st->st_mode & 07777) : fchmodat(dir, name, st->st_mode & 07777, 0);
		if (r < 0)
			copyup_fail(c, errno, "fchmodat");
	}
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	r = fd >= 0 ? futimens(fd, ts) : utimensat(dir, name, ts, AT_SYMLINK_NOFOLLOW);
	if (r < 0)
		copyup_fail(c, errno, "utimensat");
}

static void copyup_data(struct copyup *c, int in, int out, off_t size)
{
	int use_sendfile = 0;
	while (size > 0) {
		size_t chunk = size > (1 << 30) ? (size_t)1 << 30 : (size_t)size;
		ssize_t n = use_sendfile ? sendfile(out, in, NULL, chunk) : copy_file_range(in, NULL, out, NULL, chunk, 0);
		if (n < 0 && !use_sendfile && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
			use_sendfile = 1;	/* across filesystems copy_file_range may refuse */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			copyup_fail(c, errno, use_sendfile ? "sendfile" : "copy_file_range");
		if (n == 0)
			break;	/* the file shrank while we copied: keep what there was */
		size -= n;
	}
}

static void copyup_dir(struct copyup *c, int from, int to, int depth);

static void copyup_entry(struct copyup *c, int from, int to, const char *name, int depth)
{
	struct stat st;
	if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		copyup_fail(c, errno, "fstatat");
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR: {
		if (mkdirat(to, name, 0700) < 0)
			copyup_fail(c, errno, "mkdirat");
		int out = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (out < 0)
			copyup_fail(c, errno, "openat");
		if (st.st_dev == c->dev) {	/* a mount below the destination stays behind, as the mount point */
			if (depth >= COPYUP_MAX_DEPTH)
				copyup_fail(c, ELOOP, "openat");
			int in = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (in < 0)
				copyup_fail(c, errno, "openat");
			copyup_dir(c, in, out, depth + 1);	/* closes in */
		}
		copyup_meta(c, out, to, name, &st);	/* after the contents: their creation moved mtime */
		close(out);
		break;
	}
	case S_IFREG: {
		int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (in < 0)
			copyup_fail(c, errno, "openat");
		struct stat ist;
		if (fstat(in, &ist) < 0)
			copyup_fail(c, errno, "fstat");
		if (!S_ISREG(ist.st_mode))
			copyup_fail(c, EIO, "fstat");	/* swapped since the fstatat: refuse rather than guess */
		int out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (out < 0)
			copyup_fail(c, errno, "openat");
		copyup_data(c, in, out, ist.st_size);
		copyup_meta(c, out, to, name, &ist);
		close(in);
		close(out);
		break;
	}
	case S_IFLNK: {
		char target[PATH_MAX];
		ssize_t n = readlinkat(from, name, target, sizeof target - 1);
		if (n < 0)
			copyup_fail(c, errno, "readlinkat");
		target[n] = 0;
		if (symlinkat(target, to, name) < 0)
			copyup_fail(c, errno, "symlinkat");
		copyup_meta(c, -1, to, name, &st);
		break;
	}
	default:	/* character and block devices, fifos, sockets */
		if (mknodat(to, name, st.st_mode & (S_IFMT | 0777), st.st_rdev) < 0) {
			/* a device node in a user namespace: the container could not open it anyway */
			if (errno == EPERM && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
				break;
			copyup_fail(c, errno, "mknodat");
		}
		copyup_meta(c, -1, to, name, &st);
	}
}

/* Copies the entries of directory fd `from` into directory fd `to`; closes `from`. */
static void copyup_dir(struct copyup *c, int from, int to, int depth)
{
	DIR *d = fdopendir(from);
	if (!d)
		copyup_fail(c, errno, "fdopendir");
	size_t base = strlen(c->rel);
	for (;;) {
		errno = 0;
		struct dirent *e = readdir(d);
		if (!e) {
			if (errno)
				copyup_fail(c, errno, "getdents64");
			break;
		}
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (snprintf(c->rel + base, sizeof c->rel - base, "%s%s", base ? "/" : "", e->d_name) >=
		    (int)(sizeof c->rel - base))
			copyup_fail(c, ENAMETOOLONG, "openat");
		copyup_entry(c, dirfd(d), to, e->d_name, depth);
		c->rel[base] = 0;
	}
	closedir(d);
}

/* Whether the comma-separated mount data carries key=... */
static int has_option(const char *data, const char *key)
{
	size_t k = strlen(key);
	for (const char *p = data; *p;) {
		if (!strncmp(p, key, k) && p[k] == '=')
			return 1;
		const char *comma = strchr(p, ',');
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

static void copy_up(const struct jr_mount *m, int from)
{
	char tp[FDPATH_LEN];
	struct copyup c = { .dest = m->dest };
	struct stat st;
	if (fstat(from, &st) < 0)
		JR_DIE(JR_ST_MOUNTS, "fstat", "tmpcopyup %s", m->dest);
	c.dev = st.st_dev;
	/* re-resolve: the new mount's root, not the covered directory */
	int top = open_in_root_or_die(JR_ST_MOUNTS, m->dest, 0, -1);
	int to = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (to < 0)
		JR_DIE(JR_ST_MOUNTS, "openat", "tmpcopyup %s", m->dest);
	copyup_dir(&c, from, to, 0);
	/* the root itself: the covered directory's mode and owner, unless the mount's options set them */
	if (!has_option(m->data, "uid") && !has_option(m->data, "gid") &&
	    fchown(to, st.st_uid, st.st_gid) < 0 && errno != EINVAL && errno != EPERM)
		JR_DIE(JR_ST_MOUNTS, "fchown", "tmpcopyup %s", m->dest);
	if (!has_option(m->data, "mode") && fchmod(to, st.st_mode & 07777) < 0)
		JR_DIE(JR_ST_MOUNTS, "fchmod", "tmpcopyup %s", m->dest);
	close(to);
	if ((m->flags & MS_RDONLY) && remount_bind(fdpath(tp, top), MS_RDONLY | (m->flags & MS_REMOUNT_BITS)) < 0)
		JR_DIE(JR_ST_MOUNTS, "mount", "remount %s read-only", m->dest);
	close(top);
}


/* ---- idmapped bind mounts (mount_setattr(2) MOUNT_ATTR_IDMAP) ----
 *
 * The kernel wants CAP_SYS_ADMIN over the filesystem's own user namespace (the initial one for ext4, a
 * host tmpfs, ...) to idmap a mount, and the mount must not have been attached anywhere yet. Once the helper
 * has unshared or joined the container's user namespace it has neither, so for such a container the trees
 * are cloned and idmapped in step 1 (jr_prepare_idmapped_mounts), while still root in the initial user and
 * mount namespace, and kept as detached mount fds that do_mount attaches with move_mount(2) inside the
 * container's mount namespace. Without a container user namespace do_mount does all of it in place. */

static uint32_t map_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* "container host size\n" lines, as /proc/<pid>/uid_map wants them (user_namespaces(7)); written in one
 * write(2): the kernel accepts a map only once and only whole */
static void write_map(const char *pid, const char *file, const uint8_t *map, uint32_t n, const struct jr_mount *m)
{
	char path[64], buf[JR_MAX_IDMAP * 36];
	size_t off = 0;
	for (uint32_t i = 0; i < n; i++, map += 12)
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%u %u %u\n", map_u32(map), map_u32(map + 4),
					map_u32(map + 8));
	snprintf(path, sizeof path, "/proc/%s/%s", pid, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		JR_DIE(JR_ST_IDMAP, "open", "%s for the idmapped mount of %s", path, m->dest);
	if (write(fd, buf, off) != (ssize_t)off)
		JR_DIE(JR_ST_IDMAP, "write", "%s for the idmapped mount of %s", path, m->dest);
	close(fd);
}

/* A user namespace fd carrying the mount's maps. A throw-away child unshares the namespace and waits;
 * we (its parent namespace's root) write its maps, keep a reference to the namespace through
 * /proc/<child>/ns/user, and let the child go. The namespace lives on as long as the fd. */
static int idmap_userns(const struct jr_mount *m)
{
	int ready[2], release[2];
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(release, O_CLOEXEC) < 0)
		JR_DIE(JR_ST_IDMAP, "pipe2", "idmapped mount of %s", m->dest);
	pid_t pid = fork();
	if (pid < 0)
		JR_DIE(JR_ST_IDMAP, "fork", "idmapped mount of %s", m->dest);
	if (pid == 0) {
		/* never report from here: the control socket belongs to the parent. Drop our copies of the
		 * parent's pipe ends, or the read below would never see EOF. */
		close(ready[0]);
		close(release[1]);
		/* Our pid as /proc names it: after fork in a new pid namespace fork()'s return value is not
		 * it, but /proc is still the host's here and its "self" link says which entry is ours. */
		char self[16] = { 0 };
		if (readlink("/proc/self", self, sizeof self - 1) < 0 || unshare(CLONE_NEWUSER) < 0)
			self[0] = 0;
		if (write(ready[1], self, sizeof self) != (ssize_t)sizeof self || !self[0])
			_exit(1);
		char c;
		(void)!read(release[0], &c, 1); /* EOF once the parent has the namespace */
		_exit(0);
	}
	close(ready[1]);
	close(release[0]);
	char self[16] = { 0 };
	if (read(ready[0], self, sizeof self) != (ssize_t)sizeof self || !self[0]) {
		waitpid(pid, NULL, 0);
		jr_fail(JR_ST_IDMAP, EPERM, "unshare", "CLONE_NEWUSER for the idmapped mount of %s", m->dest);
	}
	close(ready[0]);
	self[sizeof self - 1] = 0;
	/* gid_map needs no setgroups "deny": the writer holds CAP_SETGID in the parent namespace */
	write_map(self, "uid_map", m->uid_map, m->n_uid, m);
	write_map(self, "gid_map", m->gid_map, m->n_gid, m);
	char path[64];
	snprintf(path, sizeof path, "/proc/%s/ns/user", self);
	int ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		JR_DIE(JR_ST_IDMAP, "open", "%s for the idmapped mount of %s", path, m->dest);
	close(release[1]);
	if (waitpid(pid, NULL, 0) < 0)
		JR_DIE(JR_ST_IDMAP, "waitpid", "idmapped mount of %s", m->dest);
	return ns;
}

/* The detached, idmapped copy of the mount's source. */
static int idmap_tree(const struct jr_mount *m)
{
	int userns = idmap_userns(m);
	/* a detached copy of the source (OPEN_TREE_CLONE, open_tree(2)): with rbind or ridmap its submounts too */
	unsigned int rec = ((m->flags & MS_REC) || m->idmap_recursive) ? AT_RECURSIVE : 0;
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
	if (fd < 0)
		JR_DIE(JR_ST_MOUNTS, "open_tree", "%s (idmapped mount of %s)", m->source, m->dest);
	struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns };
	unsigned int flags = AT_EMPTY_PATH | (m->idmap_recursive ? AT_RECURSIVE : 0);
	if (syscall(SYS_mount_setattr, fd, "", flags, &a, sizeof a) < 0) {
		int e = errno;
		if (e == EINVAL || e == EOPNOTSUPP || e == ENOSYS)
			jr_fail(JR_ST_MOUNTS, e, "mount_setattr",
				"idmapped mount of %s on %s: the kernel or the filesystem of %s does not support idmapped mounts",
				m->source, m->dest, m->source);
		jr_fail(JR_ST_MOUNTS, e, "mount_setattr", "idmapped mount of %s on %s", m->source, m->dest);
	}
	close(userns);
	return fd;
}

/* Whether the plan creates or joins a namespace of this type (a CLONE_NEW* flag). */
static int plan_has_ns(const struct jr_plan *p, uint64_t flag)
{
	if (p->ns_new & flag)
		return 1;
	for (size_t i = 0; i < p->n_nsjoin; i++)
		if (p->nsjoin[i].flag == flag)
			return 1;
	return 0;
}

/* Whether the helper gives up the initial user namespace before the mounts are made. */
static int enters_user_ns(const struct jr_plan *p)
{
	return plan_has_ns(p, CLONE_NEWUSER);
}

void jr_prepare_idmapped_mounts(void)
{
	struct jr_plan *p = &jr.plan;
	/* Without a user namespace of its own the container's mounts are made by root of the initial one: the
	 * trees are then cloned in do_mount, like any bind, so the source is looked up in the same mount
	 * namespace as every other bind source (a joined one included). */
	if (p->mode != JR_MODE_CREATE || !enters_user_ns(p))
		return;
	for (size_t i = 0; i < p->n_mounts; i++)
		if (p->mounts[i].idmap) {
			jr_set_stage(JR_ST_IDMAP);
			p->mounts[i].tree_fd = idmap_tree(&p->mounts[i]);
		}
}

static void do_mount(const struct jr_mount *m)
{
	char tp[FDPATH_LEN], sp[FDPATH_LEN];
	int dst = open_in_root_or_die(JR_ST_MOUNTS, m->dest, 1, (int)m->mkdir_kind);
	if (m->kind == JR_MOUNT_BIND && m->idmap) {
		/* attach the idmapped tree (prepared in step 1 when a user namespace is entered) onto the
		 * resolved destination */
		int tree = m->tree_fd >= 0 ? m->tree_fd : idmap_tree(m);
		/* the destination by its fd (MOVE_MOUNT_T_EMPTY_PATH): through the /proc/self/fd magic link
		 * 6.18 refuses the move with EINVAL */
		if (syscall(SYS_move_mount, tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			JR_DIE(JR_ST_MOUNTS, "move_mount", "idmapped %s on %s", m->source, m->dest);
		close(tree);
	} else if (m->kind == JR_MOUNT_BIND) {
		/* the source is a host path, opened on the host; only the fd travels into mount(2) */
		int src = open(m->source, O_PATH | O_CLOEXEC);
		if (src < 0)
			JR_DIE(JR_ST_MOUNTS, "open", "%s", m->source);
		if (mount(fdpath(sp, src), fdpath(tp, dst), NULL, MS_BIND | (m->flags & MS_REC), NULL) < 0)
			JR_DIE(JR_ST_MOUNTS, "mount", "bind %s on %s", m->source, m->dest);
		close(src);
	} else {
		char *data = (char *)m->data;
		const char *fs = m->fstype;
		int labeled = jr.plan.mount_label && *jr.plan.mount_label && strcmp(fs, "proc") && strcmp(fs, "sysfs") &&
			      strncmp(fs, "cgroup", 6) && strcmp(fs, "mqueue");
		if (labeled)
			data = with_label(m->data, jr.plan.mount_label);
		int copy_from = -1;
		unsigned long flags = m->flags;
		if (m->kind == JR_MOUNT_TMPFS_COPYUP) {
			/* the covered directory, readable: the fd keeps reaching it once the tmpfs is on top */
			copy_from = openat(dst, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (copy_from < 0)
				JR_DIE(JR_ST_MOUNTS, "openat", "tmpcopyup %s", m->dest);
			flags &= ~MS_RDONLY;	/* read-only only once filled */
		}
		int r = mount(m->source, fdpath(tp, dst), fs, flags, *data ? data : NULL);
		if (r < 0 && errno == EBUSY && !strcmp(fs, "cgroup2")) {
			/* The destination already is the root of a mount of this very cgroup2 superblock (the host's
			 * /sys/fs/cgroup, reached through the rootless spec's rbind of /sys), and the kernel refuses the
			 * same filesystem twice on one mount point (fs/namespace.c do_add_mount: EBUSY). An empty
			 * tmpfs on top makes the top mount another filesystem; the cgroup2 mount then goes on it.
			 * (runc falls back to a bind of the cgroup's directory here; this keeps a cgroup2 mount,
			 * scoped by the container's cgroup namespace like any other.) */
			if (mount("tmpfs", fdpath(tp, dst), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755,size=4k") < 0)
				JR_DIE(JR_ST_MOUNTS, "mount", "tmpfs under cgroup2 on %s", m->dest);
			r = mount(m->source, fdpath(tp, dst), fs, flags, *data ? data : NULL);
		}
		if (r < 0)
			JR_DIE(JR_ST_MOUNTS, "mount", "%s (%s) on %s", m->source, fs, m->dest);
		if (labeled)
			free(data);
		if (copy_from >= 0)
			copy_up(m, copy_from);
	}
	close(dst);
	/* a bind (idmapped or not) takes ro/nosuid/nodev/noexec/atime only through a second, remounting call */
	unsigned long bits = m->kind == JR_MOUNT_BIND ? m->flags & MS_REMOUNT_BITS : 0;
	if (bits) {
		int fd = open_in_root_or_die(JR_ST_MOUNTS, m->dest, 0, -1);
		if (remount_bind(fdpath(tp, fd), bits) < 0)
			JR_DIE(JR_ST_MOUNTS, "mount", "remount %s with flags 0x%lx", m->dest, bits);
		close(fd);
	}
	apply_attrs_and_propagation(m);
}

static void do_device(const struct jr_device *d)
{
	char name[NAME_MAX + 1], tp[FDPATH_LEN], sp[FDPATH_LEN];
	int parent = jr_open_parent_in_root(jr.root_fd, d->dest, name, sizeof name);
	if (parent < 0)
		jr_fail(JR_ST_DEVICES, -parent, "openat2", "parent of %s", d->dest);
	if (d->kind == JR_DEV_MKNOD) {
		if (mknodat(parent, name, d->mode, makedev(d->major, d->minor)) < 0) {
			if (errno == EEXIST) { /* already there (e.g. from a bind mount): leave it alone */
				close(parent);
				return;
			}
			JR_DIE(JR_ST_DEVICES, "mknod", "%s", d->dest);
		}
		/* O_PATH|O_NOFOLLOW: never open the device itself, and never chown through a symlink */
		int fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			JR_DIE(JR_ST_DEVICES, "openat", "%s", d->dest);
		if (fchownat(fd, "", d->uid, d->gid, AT_EMPTY_PATH) < 0)
			JR_DIE(JR_ST_DEVICES, "fchownat", "%s", d->dest);
		/* the umask trimmed mknod's mode; chmod through the magic link works on an O_PATH fd */
		if (chmod(fdpath(tp, fd), d->mode & 07777) < 0)
			JR_DIE(JR_ST_DEVICES, "chmod", "%s", d->dest);
		close(fd);
	} else {
		/* bind from the host (user namespaces cannot mknod): an empty file is the mount point.
		 * No chown/chmod: that would change the host's device node. */
		int fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
			close(fd);
			if (unlinkat(parent, name, 0) < 0)
				JR_DIE(JR_ST_DEVICES, "unlinkat", "%s", d->dest);
			fd = -1;
		}
		if (fd < 0) {
			int t = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
			if (t < 0)
				JR_DIE(JR_ST_DEVICES, "openat", "%s", d->dest);
			close(t);
			fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0)
				JR_DIE(JR_ST_DEVICES, "openat", "%s", d->dest);
		}
		int src = open(d->source, O_PATH | O_CLOEXEC);
		if (src < 0)
			JR_DIE(JR_ST_DEVICES, "open", "%s", d->source);
		if (mount(fdpath(sp, src), fdpath(tp, fd), NULL, MS_BIND, NULL) < 0)
			JR_DIE(JR_ST_DEVICES, "mount", "bind %s on %s", d->source, d->dest);
		close(src);
		close(fd);
	}
	close(parent);
}

static void do_symlink(const struct jr_symlink *s)
{
	char name[NAME_MAX + 1];
	int parent = jr_open_parent_in_root(jr.root_fd, s->link, name, sizeof name);
	if (parent < 0)
		jr_fail(JR_ST_DEVICES, -parent, "openat2", "parent of %s", s->link);
	if (symlinkat(s->target, parent, name) < 0 && errno != EEXIST)
		JR_DIE(JR_ST_DEVICES, "symlinkat", "%s -> %s", s->link, s->target);
	close(parent);
}

/* pivot_root(2) refuses a new root whose parent mount is shared. With a shared rootfs propagation,
 * make the mount that contains the rootfs private: walk up the path, the first mount(MS_PRIVATE)
 * that does not fail with EINVAL ("not a mount point") hit it. */
static void make_parent_mount_private(const char *rootfs)
{
	char p[PATH_MAX];
	if (snprintf(p, sizeof p, "%s", rootfs) >= (int)sizeof p)
		jr_fail(JR_ST_ROOTFS, ENAMETOOLONG, "mount", "%s", rootfs);
	for (;;) {
		if (mount(NULL, p, NULL, MS_PRIVATE, NULL) == 0)
			return;
		if (errno != EINVAL)
			JR_DIE(JR_ST_ROOTFS, "mount", "make %s private", p);
		char *s = strrchr(p, '/');
		if (!s || s == p) {
			if (mount(NULL, "/", NULL, MS_PRIVATE, NULL) < 0)
				JR_DIE(JR_ST_ROOTFS, "mount", "make / private");
			return;
		}
		*s = 0;
	}
}

/* A config without a "mount" namespace entry makes the container share the runtime's mount namespace
 * (config-linux.md "Namespaces": no entry means the runtime's namespace is inherited). Then every
 * process of that namespace would feel what we do to "/": a propagation change would rewrite the host's
 * and pivot_root(2) would move the root of every process whose root is the old one. So in that case
 * the rootfs is entered with chroot(2), and only our own rootfs bind mount gets a propagation. */
static int shares_caller_mount_ns(void)
{
	return !plan_has_ns(&jr.plan, CLONE_NEWNS);
}

/* An image's root (docs/images.md): the read-only layers as OverlayFS lower dirs, the container's changes in
 * an upper dir under ovl_base. By default ovl_base gets a tmpfs of its own first, mounted here in the
 * container's mount namespace: nothing of it is visible on the host, and the changes vanish with the last
 * process of the namespace. The upper and work dirs must be on one filesystem (overlayfs.rst). */
static void mount_image_overlay(const struct jr_plan *p)
{
	if (shares_caller_mount_ns())
		JR_DIE(JR_ST_MOUNTS, "mount", "an image's overlay root needs a mount namespace");
	if (p->ovl_tmpfs && mount("tmpfs", p->ovl_base, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0)
		JR_DIE(JR_ST_MOUNTS, "mount", "tmpfs on %s", p->ovl_base);
	char upper[PATH_MAX], work[PATH_MAX];
	if (snprintf(upper, sizeof upper, "%s/upper", p->ovl_base) >= (int)sizeof upper ||
	    snprintf(work, sizeof work, "%s/work", p->ovl_base) >= (int)sizeof work)
		jr_fail(JR_ST_MOUNTS, ENAMETOOLONG, "mount", "%s", p->ovl_base);
	if (mkdir(upper, 0755) < 0 && errno != EEXIST)
		JR_DIE(JR_ST_MOUNTS, "mkdir", "%s", upper);
	if (mkdir(work, 0700) < 0 && errno != EEXIST)
		JR_DIE(JR_ST_MOUNTS, "mkdir", "%s", work);
	/* the kernel takes one page of options; Java refuses a layer list that does not fit */
	size_t len = strlen(p->ovl_lower) + strlen(upper) + strlen(work) + 64;
	char *data = malloc(len);
	if (!data)
		jr_fail(JR_ST_MOUNTS, ENOMEM, "malloc", "overlay options");
	snprintf(data, len, "lowerdir=%s,upperdir=%s,workdir=%s", p->ovl_lower, upper, work);
	if (mount("overlay", p->rootfs, "overlay", 0, data) < 0)
		JR_DIE(JR_ST_MOUNTS, "mount", "overlay of the image's layers on %s", p->rootfs);
	free(data);
}

void jr_prepare_rootfs(void)
{
	struct jr_plan *p = &jr.plan;
	jr_set_stage(JR_ST_MOUNTS);
	/* Never let our mounts propagate back to the host (or the host's into us) unless asked to. */
	uint64_t prop = p->has_propagation ? p->rootfs_propagation : (MS_REC | MS_PRIVATE);
	int host_ns = shares_caller_mount_ns();
	if (!host_ns) {
		/* An unbindable "/" would make the rootfs bind below fail (EINVAL): until the pivot it is only
		 * private; jr_pivot_root makes the container's / unbindable afterwards. */
		uint64_t early = (prop & MS_UNBINDABLE) ? ((prop & MS_REC) | MS_PRIVATE) : prop;
		if (mount(NULL, "/", NULL, early, NULL) < 0)
			JR_DIE(JR_ST_MOUNTS, "mount", "/ propagation 0x%llx", (unsigned long long)early);
		if (prop & MS_SHARED)
			make_parent_mount_private(p->rootfs);
	}
	if (p->ovl_lower)
		mount_image_overlay(p);
	/* the rootfs must be a mount point of its own for pivot_root, and one we can detach later; in the
	 * caller's namespace it also keeps root.readonly's remount of "/" on our bind, off the host's mount */
	if (mount(p->rootfs, p->rootfs, "bind", MS_BIND | MS_REC, NULL) < 0)
		JR_DIE(JR_ST_MOUNTS, "mount", "bind %s onto itself", p->rootfs);
	if (host_ns && mount(NULL, p->rootfs, NULL, prop, NULL) < 0)
		JR_DIE(JR_ST_MOUNTS, "mount", "%s propagation 0x%llx", p->rootfs, (unsigned long long)prop);
	jr.root_fd = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (jr.root_fd < 0)
		JR_DIE(JR_ST_MOUNTS, "open", "%s", p->rootfs);
	for (size_t i = 0; i < p->n_mounts; i++)
		do_mount(&p->mounts[i]);
	jr_set_stage(JR_ST_DEVICES);
	for (size_t i = 0; i < p->n_devices; i++)
		do_device(&p->devices[i]);
	for (size_t i = 0; i < p->n_symlinks; i++)
		do_symlink(&p->symlinks[i]);
}

/* The mount point for the pty at /dev/console, made fresh: whatever the image put at dev/console is not
 * followed. A symlink there (resolved in the root, but anywhere in it) would put the pty over its target,
 * e.g. a file the container's programs trust; runc also replaces it rather than following it. */
static int fresh_console_mount_point(void)
{
	char name[NAME_MAX + 1];
	int dev = jr_open_parent_in_root(jr.root_fd, "dev/console", name, sizeof name);
	if (dev < 0)
		jr_fail(JR_ST_CONSOLE, -dev, "openat2", "/dev");
	struct stat st;
	if (fstatat(dev, "console", &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(st.st_mode))
			jr_fail(JR_ST_CONSOLE, EISDIR, "mount", "/dev/console is a directory in the rootfs");
		if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) && unlinkat(dev, "console", 0) < 0)
			JR_DIE(JR_ST_CONSOLE, "unlink", "/dev/console (not a file or device in the rootfs)");
	}
	int c = openat(dev, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (c >= 0)
		close(c);
	else if (errno != EEXIST)
		JR_DIE(JR_ST_CONSOLE, "open", "/dev/console");
	/* O_NOFOLLOW on O_PATH gives the link itself if one was swapped in since: checked below */
	int fd = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		JR_DIE(JR_ST_CONSOLE, "open", "/dev/console");
	close(dev);
	if (fstat(fd, &st) < 0)
		JR_DIE(JR_ST_CONSOLE, "fstat", "/dev/console");
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		jr_fail(JR_ST_CONSOLE, EINVAL, "mount", "/dev/console changed while being made a mount point");
	return fd;
}

void jr_bind_console(int slave_fd)
{
	char sp[FDPATH_LEN], tp[FDPATH_LEN];
	int fd = fresh_console_mount_point();
	/* bind the fd we hold, not a /dev/pts/N path the container could have swapped (CVE-2025-52565) */
	if (mount(fdpath(sp, slave_fd), fdpath(tp, fd), NULL, MS_BIND, NULL) < 0)
		JR_DIE(JR_ST_CONSOLE, "mount", "bind pty slave on /dev/console");
	close(fd);
}

void jr_pivot_root(void)
{
	struct jr_plan *p = &jr.plan;
	jr_set_stage(JR_ST_ROOTFS);
	if (fchdir(jr.root_fd) < 0)
		JR_DIE(JR_ST_ROOTFS, "fchdir", "%s", p->rootfs);
	if (shares_caller_mount_ns()) {
		/* neither pivot_root nor MS_MOVE over "/": both would change the root of the whole namespace */
		if (chroot(".") < 0)
			JR_DIE(JR_ST_ROOTFS, "chroot", "%s", p->rootfs);
	} else if (p->no_pivot) {
		/* for ramfs roots, where pivot_root is impossible: move the rootfs over / and chroot */
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			JR_DIE(JR_ST_ROOTFS, "mount", "MS_MOVE %s to /", p->rootfs);
		if (chroot(".") < 0)
			JR_DIE(JR_ST_ROOTFS, "chroot", "%s", p->rootfs);
	} else {
		/* an fd on the old root: after the pivot the only handle that names the old root mount itself */
		int old_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (old_root < 0)
			JR_DIE(JR_ST_ROOTFS, "open", "/");
		/* pivot_root(".", ".") stacks the old root on top of the new one (pivot_root(2) NOTES), so
		 * no directory inside the rootfs is needed to park it, and one detach removes it. */
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			JR_DIE(JR_ST_ROOTFS, "pivot_root", "%s", p->rootfs);
		/* Our cwd is still the new root's mount, which lies *under* the stacked old root: a plain
		 * mount(".") would hit the new root and turn every container mount rslave (dropping e.g. an
		 * "rshared" bind's peer group). Step onto the old root mount through the fd first. */
		if (fchdir(old_root) < 0)
			JR_DIE(JR_ST_ROOTFS, "fchdir", "old root");
		close(old_root);
		/* slave first, or the detach would propagate unmounts to the host's peer mounts */
		if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			JR_DIE(JR_ST_ROOTFS, "mount", "old root rslave");
		if (umount2(".", MNT_DETACH) < 0)
			JR_DIE(JR_ST_ROOTFS, "umount2", "old root");
	}
	if (chdir("/") < 0)
		JR_DIE(JR_ST_ROOTFS, "chdir", "/");
	/* The rootfs bind was made from a parent we had to make private (pivot_root(2) refuses shared
	 * parents), so it does not carry the requested shared propagation yet. Apply linux.rootfsPropagation
	 * to the container's / now (config-linux.md "Rootfs Mount Propagation"); private is already so. */
	if (p->has_propagation && (p->rootfs_propagation & (MS_SHARED | MS_SLAVE | MS_UNBINDABLE)) &&
	    mount(NULL, "/", NULL, p->rootfs_propagation, NULL) < 0)
		JR_DIE(JR_ST_ROOTFS, "mount", "/ propagation 0x%llx", (unsigned long long)p->rootfs_propagation);
	close(jr.root_fd);
	jr.root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (jr.root_fd < 0)
		JR_DIE(JR_ST_ROOTFS, "open", "/");
}

/* Masking and read-only paths happen after pivot_root, where a "/proc/self/fd/N" path would be resolved
 * by whatever the container has at /proc: a bind of a directory of symlinks there would send the mounts
 * anywhere in the root (CVE-2019-16884 class). So no path is used at all: each mount is a detached one
 * (fsmount, open_tree) moved onto the fd that was resolved in the root (move_mount, both ends by fd). */
static void move_onto(int tree, int dst, const char *what, const char *path)
{
	if (syscall(SYS_move_mount, tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		JR_DIE(JR_ST_MASK, "move_mount", "%s over %s", what, path);
	close(tree);
}

/* runtime-spec config-linux.md "Masked Paths": a directory gets an empty read-only tmpfs */
static void mask_dir(int dst, const char *path)
{
	int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		JR_DIE(JR_ST_MASK, "fsopen", "tmpfs for %s", path);
	const char *label = jr.plan.mount_label;
	if (label && *label && syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "context", label, 0) < 0)
		JR_DIE(JR_ST_MASK, "fsconfig", "context=%s for %s", label, path);
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		JR_DIE(JR_ST_MASK, "fsconfig", "create tmpfs for %s", path);
	int tree = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
	if (tree < 0)
		JR_DIE(JR_ST_MASK, "fsmount", "tmpfs for %s", path);
	close(fs);
	move_onto(tree, dst, "tmpfs", path);
}

/* CVE-2025-31133: the container's /dev/null could be a symlink or another file; bind only a verified
 * 1:3 character device. Returns an O_PATH fd of it. */
static int open_dev_null(void)
{
	int fd = jr_open_in_root(jr.root_fd, "/dev/null", 0, -1);
	if (fd < 0)
		jr_fail(JR_ST_MASK, -fd, "openat2", "/dev/null");
	struct stat st;
	if (fstat(fd, &st) < 0)
		JR_DIE(JR_ST_MASK, "fstat", "/dev/null");
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
		jr_fail(JR_ST_MASK, EPERM, "fstat", "/dev/null is not the 1:3 character device");
	return fd;
}

static int clone_tree(int fd, int recursive, const char *path)
{
	int tree = (int)syscall(SYS_open_tree, fd, "",
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0));
	if (tree < 0)
		JR_DIE(JR_ST_MASK, "open_tree", "%s", path);
	return tree;
}

static void mask_paths(void)
{
	struct jr_plan *p = &jr.plan;
	int null_fd = -1;
	for (size_t i = 0; i < p->n_masked; i++) {
		const char *path = p->masked[i];
		int fd = jr_open_in_root(jr.root_fd, path, 0, -1);
		if (fd == -ENOENT)
			continue;
		if (fd < 0)
			jr_fail(JR_ST_MASK, -fd, "openat2", "%s", path);
		struct stat st;
		if (fstat(fd, &st) < 0)
			JR_DIE(JR_ST_MASK, "fstat", "%s", path);
		if (S_ISDIR(st.st_mode)) {
			mask_dir(fd, path);
		} else {
			if (null_fd < 0)
				null_fd = open_dev_null();
			move_onto(clone_tree(null_fd, 0, "/dev/null"), fd, "/dev/null", path);
		}
		close(fd);
	}
	if (null_fd >= 0)
		close(null_fd);
}

/* A recursive clone made read-only before it is attached (mount_setattr on the detached tree), so
 * submounts (e.g. binfmt_misc under /proc/sys) are read-only too and nothing is writable in between;
 * only RDONLY is added, locked nosuid/nodev/noexec stay as they are. */
static void readonly_paths(void)
{
	struct jr_plan *p = &jr.plan;
	for (size_t i = 0; i < p->n_readonly; i++) {
		const char *path = p->readonly[i];
		int fd = jr_open_in_root(jr.root_fd, path, 0, -1);
		if (fd == -ENOENT)
			continue;
		if (fd < 0)
			jr_fail(JR_ST_MASK, -fd, "openat2", "%s", path);
		int tree = clone_tree(fd, 1, path);
		struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
		if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
			JR_DIE(JR_ST_MASK, "mount_setattr", "read-only %s", path);
		move_onto(tree, fd, "read-only bind", path);
		close(fd);
	}
}

void jr_mask_and_readonly_paths(void)
{
	struct jr_plan *p = &jr.plan;
	if (!p->n_masked && !p->n_readonly)
		return;
	jr_set_stage(JR_ST_MASK);
	mask_paths();
	readonly_paths();
}

void jr_root_readonly(void)
{
	if (!jr.plan.root_readonly)
		return;
	jr_set_stage(JR_ST_ROOTFS);
	/* not recursive: /proc, /dev, /sys and volumes keep their own flags (runtime-spec root.readonly) */
	if (remount_bind("/", MS_RDONLY) < 0)
		JR_DIE(JR_ST_ROOTFS, "mount", "remount / read-only");
}
