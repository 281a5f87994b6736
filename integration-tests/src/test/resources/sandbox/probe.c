/*
 * sandbox probe (SandboxIT, docs/sandbox.md): one static program that either only computes or tries one thing
 * a sandboxed program must not do. Built with gcc -static by the test and copied into the bundle's rootfs.
 *
 *   probe good        read stdin to EOF, write a checksum of it per line read, then "done <sum>"
 *   probe socket      socket(AF_INET, SOCK_STREAM)
 *   probe ptrace      ptrace(PTRACE_TRACEME)
 *   probe mount       mount("none", "/tmp", "tmpfs")
 *   probe exec-shell  execve("/bin/sh")
 *   probe forkbomb    fork() in a loop
 *   probe fill-tmp    create /tmp/fill and write to it until it fails
 * Each bad mode prints "survived <what> <errno>" if the call returned (log-only mode answers EPERM).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <unistd.h>

static int survived(const char *what, long r)
{
	printf("survived %s %ld %d\n", what, r, r < 0 ? errno : 0);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "good";
	if (!strcmp(m, "good")) {
		char buf[4096];
		unsigned long sum = 14695981039346656037UL; /* 64-bit FNV-1a */
		ssize_t n;
		while ((n = read(0, buf, sizeof buf)) > 0) {
			for (ssize_t i = 0; i < n; i++)
				sum = (sum ^ (unsigned char)buf[i]) * 1099511628211UL;
			printf("%016lx\n", sum);
		}
		printf("done %016lx\n", sum);
		return 0;
	}
	if (!strcmp(m, "socket"))
		return survived(m, socket(AF_INET, SOCK_STREAM, 0));
	if (!strcmp(m, "ptrace"))
		return survived(m, ptrace(PTRACE_TRACEME, 0, 0, 0));
	if (!strcmp(m, "mount"))
		return survived(m, mount("none", "/tmp", "tmpfs", 0, NULL));
	if (!strcmp(m, "exec-shell")) {
		char *sh[] = { "sh", "-c", "echo shell ran", NULL };
		return survived(m, execve("/bin/sh", sh, NULL));
	}
	if (!strcmp(m, "forkbomb")) {
		for (int i = 0; i < 100000; i++)
			if (fork() < 0)
				return survived(m, -1);
		return 0;
	}
	if (!strcmp(m, "fill-tmp")) {
		int fd = open("/tmp/fill", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			return survived(m, fd);
		static char block[65536];
		memset(block, 'x', sizeof block);
		while (write(fd, block, sizeof block) > 0)
			;
		return survived(m, -1);
	}
	fprintf(stderr, "probe: unknown mode %s\n", m);
	return 2;
}
