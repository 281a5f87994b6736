/* jrun-init: executable lookup (Go's exec.LookPath semantics with runc's error wording, since docker
 * and podman grep those words to pick exit codes 126/127), the exec fifo, and execve. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "jrun_init.h"

/* strconv.Quote for the ASCII that matters */
static void quote(char *out, size_t cap, const char *s)
{
	size_t o = 0;
	if (cap < 3)
		return;
	out[o++] = '"';
	for (; *s && o + 5 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o++] = '"';
	out[o] = 0;
}

/* Go's findExecutable: stat (following symlinks), directories are EISDIR, any x bit will do. */
static int find_executable(const char *path, char *why, size_t cap)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		int e = errno;
		snprintf(why, cap, "stat %s: %s", path, e == ENOENT ? "no such file or directory" :
			 e == ENOTDIR ? "not a directory" : e == EACCES ? "permission denied" : strerror(e));
		return e;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(why, cap, "is a directory");
		return EISDIR;
	}
	if (st.st_mode & 0111)
		return 0;
	snprintf(why, cap, "permission denied");
	return EACCES;
}

int jr_lookpath(const char *file, const char *path_env, char *out, size_t outcap, char *msg, size_t msgcap)
{
	char q[512], why[4200];
	quote(q, sizeof q, file);
	if (!*file) {
		snprintf(msg, msgcap, "exec: %s: executable file not found in $PATH", q);
		return ENOENT;
	}
	if (strchr(file, '/')) {
		int e = find_executable(file, why, sizeof why);
		if (e) {
			snprintf(msg, msgcap, "exec: %s: %s", q, why);
			return e;
		}
		if (strlen(file) >= outcap)
			return ENAMETOOLONG;
		strcpy(out, file);
		return 0;
	}
	const char *p = path_env ? path_env : "";
	while (path_env) {
		const char *e = strchrnul(p, ':');
		char cand[4096];
		int n = e == p ? snprintf(cand, sizeof cand, "./%s", file) /* empty element = cwd */
			       : snprintf(cand, sizeof cand, "%.*s/%s", (int)(e - p), p, file);
		if (n > 0 && (size_t)n < sizeof cand && find_executable(cand, why, sizeof why) == 0) {
			if ((size_t)n >= outcap)
				return ENAMETOOLONG;
			strcpy(out, cand);
			return 0;
		}
		if (!*e)
			break;
		p = e + 1;
	}
	snprintf(msg, msgcap, "exec: %s: executable file not found in $PATH", q);
	return ENOENT;
}

static const char *env_path(void)
{
	struct jr_plan *p = &jr.plan;
	for (size_t i = 0; i < p->envc; i++)
		if (strncmp(p->envp[i], "PATH=", 5) == 0)
			return p->envp[i] + 5;
	return NULL;
}

/* Before READY, so that `create` fails (and clients map the words to 127/126) rather than `start`. */
void jr_check_exec(char *resolved, size_t cap)
{
	struct jr_plan *p = &jr.plan;
	char msg[4600];
	jr_set_stage(JR_ST_EXEC);
	const char *file = p->exec_path && *p->exec_path ? p->exec_path : p->argv[0];
	int e = jr_lookpath(file, env_path(), resolved, cap, msg, sizeof msg);
	if (e)
		/* empty syscall name: the detail is a complete sentence Java passes on verbatim */
		jr_fail(JR_ST_EXEC, e, NULL, "%s", msg);
}

void jr_wait_fifo(void)
{
	if (jr.fifo_fd < 0)
		return;
	jr_set_stage(JR_ST_FIFO);
	char name[16];
	snprintf(name, sizeof name, "%d", jr.fifo_fd);
	/* Reopen the O_PATH fd taken on the host for writing, through our private procfs (ns.c), so neither
	 * the container's /proc (or its absence) nor its mount tree has a say. Blocks until `jrun start`
	 * opens the fifo for reading. */
	int fd;
	do
		fd = openat(jr.procfd_dir, name, O_WRONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		JR_DIE(JR_ST_FIFO, "open", "exec fifo");
	/* nothing of the set-up may be reachable once the container runs: the procfs instance goes now */
	close(jr.procfd_dir);
	jr.procfd_dir = -1;
	close(jr.fifo_fd);
	jr.fifo_fd = -1;
	if (write(fd, "0", 1) != 1)
		JR_DIE(JR_ST_FIFO, "write", "exec fifo");
	/* Kept open (CLOEXEC) until execve: `start` reads to EOF, so it returns, and runs the poststart
	 * hooks, only once the user's program has replaced us (runtime-spec config.md, poststart: "after
	 * the user-specified process is executed"), or once we died trying. */
	jr.fifo_w = fd;
}

void jr_exec(const char *path)
{
	static char *empty[] = { NULL };
	struct jr_plan *p = &jr.plan;
	jr_set_stage(JR_ST_EXEC);
	execve(path, p->argv, p->envp ? p->envp : empty);
	JR_DIE(JR_ST_EXEC, "execve", "%s", path);
}
