/* LSM exec labels: jr_write_exec_label against a fake /proc/thread-self directory (this host has no
 * AppArmor or SELinux, so the real files cannot be exercised here). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "check.h"
#include "jrun_init.h"

static char dir[64];

static void put(const char *rel)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	close(fd);
}

static const char *get(const char *rel)
{
	static char buf[256];
	char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	int fd = open(p, O_RDONLY);
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = 0;
	return buf;
}

int main(void)
{
	char p[256];
	strcpy(dir, "/tmp/jrun-label-XXXXXX");
	if (!mkdtemp(dir))
		return 2;
	snprintf(p, sizeof p, "%s/attr", dir);
	mkdir(p, 0755);

	/* no attr files at all: the error comes back, nothing is created */
	CHECK(jr_write_exec_label(AT_FDCWD, dir, "exec my-profile") == -ENOENT, "missing attr/exec is ENOENT");
	CHECK(get("attr/exec") == NULL, "no file created when attr/exec is missing");

	/* old kernel (no LSM stacking): AppArmor falls back to the shared attr/exec */
	put("attr/exec");
	CHECK(jr_write_exec_label(AT_FDCWD, dir, "exec my-profile") == 0, "apparmor label written");
	CHECK_STR(get("attr/exec"), "exec my-profile", "apparmor falls back to attr/exec");

	/* stacking kernel: attr/apparmor/exec wins, attr/exec is left alone */
	put("attr/exec");
	snprintf(p, sizeof p, "%s/attr/apparmor", dir);
	mkdir(p, 0755);
	put("attr/apparmor/exec");
	CHECK(jr_write_exec_label(AT_FDCWD, dir, "exec other") == 0, "apparmor label written (stacking)");
	CHECK_STR(get("attr/apparmor/exec"), "exec other", "apparmor uses attr/apparmor/exec");
	CHECK_STR(get("attr/exec"), "", "attr/exec untouched for apparmor on a stacking kernel");

	/* SELinux: the bare context, always to attr/exec */
	put("attr/apparmor/exec");
	CHECK(jr_write_exec_label(AT_FDCWD, dir, "system_u:system_r:container_t:s0:c1,c2") == 0, "selinux label written");
	CHECK_STR(get("attr/exec"), "system_u:system_r:container_t:s0:c1,c2", "selinux context to attr/exec");
	CHECK_STR(get("attr/apparmor/exec"), "", "selinux never writes the apparmor file");

	/* a write the LSM refuses is reported, not ignored: a directory stands in for an unwritable file */
	snprintf(p, sizeof p, "%s/attr/exec", dir);
	unlink(p);
	mkdir(p, 0755);
	CHECK(jr_write_exec_label(AT_FDCWD, dir, "system_u:system_r:container_t:s0") == -EISDIR, "open error returned");
	rmdir(p);

	CHECK_STR(jr_cap_name(24), "CAP_SYS_RESOURCE", "cap name 24");
	CHECK_STR(jr_cap_name(40), "CAP_CHECKPOINT_RESTORE", "cap name 40");
	CHECK_STR(jr_cap_name(41), "capability 41", "unknown cap number");

	snprintf(p, sizeof p, "rm -rf %s", dir);
	if (system(p) != 0)
		return 2;
	CHECK_DONE();
}
