/* RESOLVE_IN_ROOT resolution: symlinks in the rootfs, absolute or "..", can never lead out of it,
 * and missing components are created inside it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "check.h"
#include "jrun_init.h"

static char base[] = "/tmp/jrun-resolve-XXXXXX";
static char root[300], host[300];

static int same(int fd, const char *path)
{
	struct stat a, b;
	return fd >= 0 && fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int main(void)
{
	char p[1024], q[1024], clean[256];
	if (!mkdtemp(base)) { perror("mkdtemp"); return 1; }
	snprintf(root, sizeof root, "%s/root", base);
	snprintf(host, sizeof host, "%s/host", base);
	mkdir(root, 0755);
	mkdir(host, 0755);
	snprintf(p, sizeof p, "%s/etc", root); mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/secret", host); close(open(p, O_CREAT | O_WRONLY, 0600));
	/* an absolute symlink to a host path, a relative one climbing out, and a dangling one */
	snprintf(p, sizeof p, "%s/abs", root); symlink(host, p);
	snprintf(p, sizeof p, "%s/up", root); symlink("../../../../..", p);
	snprintf(p, sizeof p, "%s/dangle", root); symlink("/made/by/symlink", p);

	CHECK(jr_clean_path("/a/./b//../c/", clean, sizeof clean) == 0 && strcmp(clean, "a/c") == 0, "clean path");
	CHECK(jr_clean_path("/../../x", clean, sizeof clean) == 0 && strcmp(clean, "x") == 0, "clean clamps .. at root");
	CHECK(jr_clean_path("/", clean, sizeof clean) == 0 && strcmp(clean, "") == 0, "clean of / is empty");

	int rfd = open(root, O_PATH | O_DIRECTORY);
	int fd = jr_open_in_root(rfd, "/abs/secret", 0, -1);
	snprintf(p, sizeof p, "%s/secret", host);
	CHECK(fd == -ENOENT, "absolute symlink to a host file does not reach it");
	if (fd >= 0) close(fd);

	fd = jr_open_in_root(rfd, "/abs/secret", 1, JR_MKDIR_FILE);
	snprintf(q, sizeof q, "%s%s/secret", root, host);
	CHECK(fd >= 0 && same(fd, q) && !same(fd, p), "creating through the absolute symlink stays inside the root");
	if (fd >= 0) close(fd);

	fd = jr_open_in_root(rfd, "/up/etc", 0, -1);
	snprintf(q, sizeof q, "%s/etc", root);
	CHECK(same(fd, q), "\"..\" symlink clamps at the root");
	if (fd >= 0) close(fd);

	fd = jr_open_in_root(rfd, "/up", 0, -1);
	CHECK(same(fd, root), "symlink climbing out resolves to the root itself");
	if (fd >= 0) close(fd);

	fd = jr_open_in_root(rfd, "/dangle/sub", 1, JR_MKDIR_DIR);
	snprintf(q, sizeof q, "%s/made/by/symlink/sub", root);
	CHECK(fd >= 0 && same(fd, q), "dangling absolute symlink target created inside the root");
	CHECK(access("/made", F_OK) != 0, "nothing created on the host");
	if (fd >= 0) close(fd);

	fd = jr_open_in_root(rfd, "/new/dir/x", 1, JR_MKDIR_DIR);
	snprintf(q, sizeof q, "%s/new/dir/x", root);
	struct stat st;
	CHECK(fd >= 0 && stat(q, &st) == 0 && S_ISDIR(st.st_mode), "missing dirs created (mkdir -p)");
	if (fd >= 0) close(fd);

	fd = jr_open_in_root(rfd, "/etc/hostname", 1, JR_MKDIR_FILE);
	snprintf(q, sizeof q, "%s/etc/hostname", root);
	CHECK(fd >= 0 && stat(q, &st) == 0 && S_ISREG(st.st_mode), "missing file created as an empty file");
	if (fd >= 0) close(fd);

	fd = jr_open_in_root(rfd, "/does/not/exist", 0, -1);
	CHECK(fd == -ENOENT, "no create: ENOENT");

	snprintf(p, sizeof p, "%s/proclink", root); symlink("/proc/self/root/etc", p);
	fd = jr_open_in_root(rfd, "/proclink", 0, -1);
	CHECK(fd < 0 || !same(fd, "/etc"), "no way out through /proc magic links");
	if (fd >= 0) close(fd);

	char name[256];
	fd = jr_open_parent_in_root(rfd, "/abs/dev/null", name, sizeof name);
	snprintf(q, sizeof q, "%s%s/dev", root, host);
	CHECK(fd >= 0 && same(fd, q) && strcmp(name, "null") == 0, "parent of a path resolved and created inside");
	if (fd >= 0) close(fd);

	close(rfd);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	if (system(cmd)) {}
	CHECK_DONE();
}
