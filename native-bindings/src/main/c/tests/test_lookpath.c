/* PATH lookup with runc's wording, against a temp directory tree. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "check.h"
#include "jrun_init.h"

static char dir[] = "/tmp/jrun-lookpath-XXXXXX";

static void mkfile(const char *rel, mode_t mode)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, mode);
	close(fd);
	chmod(p, mode);
}

int main(void)
{
	char out[512], msg[512], path[1024], want[512], p[256];
	if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
	snprintf(p, sizeof p, "%s/a", dir); mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/b", dir); mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/b/isdir", dir); mkdir(p, 0755);
	mkfile("a/noexec", 0644);
	mkfile("b/noexec", 0755);
	mkfile("b/tool", 0700);
	snprintf(p, sizeof p, "%s/b/link", dir); symlink("tool", p);
	snprintf(path, sizeof path, "%s/missing:%s/a:%s/b", dir, dir, dir);

	CHECK(jr_lookpath("tool", path, out, sizeof out, msg, sizeof msg) == 0, "found in a later PATH entry");
	snprintf(want, sizeof want, "%s/b/tool", dir);
	CHECK_STR(out, want, "resolved path");
	CHECK(jr_lookpath("noexec", path, out, sizeof out, msg, sizeof msg) == 0, "non-executable entry skipped");
	snprintf(want, sizeof want, "%s/b/noexec", dir);
	CHECK_STR(out, want, "skips a/noexec for b/noexec");
	CHECK(jr_lookpath("link", path, out, sizeof out, msg, sizeof msg) == 0, "symlink to executable found");
	CHECK(jr_lookpath("isdir", path, out, sizeof out, msg, sizeof msg) == ENOENT, "directory in PATH not a match");

	CHECK(jr_lookpath("x", path, out, sizeof out, msg, sizeof msg) == ENOENT, "missing command: ENOENT");
	CHECK_STR(msg, "exec: \"x\": executable file not found in $PATH", "runc wording for PATH miss");
	CHECK(jr_lookpath("x", NULL, out, sizeof out, msg, sizeof msg) == ENOENT, "no PATH at all: not found");

	CHECK(jr_lookpath("/x", path, out, sizeof out, msg, sizeof msg) == ENOENT, "absolute missing: ENOENT");
	CHECK_STR(msg, "exec: \"/x\": stat /x: no such file or directory", "runc wording for absolute miss");

	snprintf(p, sizeof p, "%s/a/noexec", dir);
	CHECK(jr_lookpath(p, path, out, sizeof out, msg, sizeof msg) == EACCES, "absolute non-executable: EACCES");
	snprintf(want, sizeof want, "exec: \"%s\": permission denied", p);
	CHECK_STR(msg, want, "permission denied wording (docker maps to 126)");

	snprintf(p, sizeof p, "%s/b/isdir", dir);
	CHECK(jr_lookpath(p, path, out, sizeof out, msg, sizeof msg) == EISDIR, "absolute directory: EISDIR");

	snprintf(p, sizeof p, "%s/b/tool", dir);
	CHECK(jr_lookpath(p, NULL, out, sizeof out, msg, sizeof msg) == 0 && strcmp(out, p) == 0, "absolute executable");

	CHECK(jr_lookpath("", path, out, sizeof out, msg, sizeof msg) == ENOENT, "empty name not found");
	CHECK(jr_lookpath("a\"b", path, out, sizeof out, msg, sizeof msg) == ENOENT &&
	      strcmp(msg, "exec: \"a\\\"b\": executable file not found in $PATH") == 0, "name quoted like strconv.Quote");

	/* empty PATH element means the current directory */
	snprintf(p, sizeof p, "%s/b", dir);
	char old[512];
	if (getcwd(old, sizeof old) && chdir(p) == 0) {
		CHECK(jr_lookpath("tool", "/nonexistent::", out, sizeof out, msg, sizeof msg) == 0 &&
		      strcmp(out, "./tool") == 0, "empty PATH element searches cwd");
		if (chdir(old)) {}
	}

	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd)) {}
	CHECK_DONE();
}
