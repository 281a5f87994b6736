/* The optional init (pid1.c): run in a forked process standing in for the container's PID 1 (not PID 1 here, so
 * it takes the subreaper role instead): a signal sent to it reaches the child, the child's status comes back
 * as a shell reports it, and the orphans it adopts are reaped. */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

#include "check.h"
#include "jrun_init.h"

/* Starts an init whose child runs body(ready_fd); returns the init's pid once the child is running. */
static pid_t start_init(void (*body)(int), int *orphan_pipe)
{
	int ready[2];
	if (pipe(ready) < 0 || (orphan_pipe && pipe(orphan_pipe) < 0))
		exit(2);
	pid_t init = fork();
	if (init == 0) {
		jr_pid1(); /* returns only in the child */
		close(ready[0]);
		body(orphan_pipe ? orphan_pipe[1] : -1);
		if (write(ready[1], "x", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	close(ready[1]);
	char c;
	if (read(ready[0], &c, 1) != 1)
		exit(2);
	close(ready[0]);
	return init;
}

static void nothing(int fd) { (void)fd; }

static void exits_7(int fd) { (void)fd; _exit(7); }

/* Leaves an orphan: a grandchild whose parent already exited, so it is re-parented to the init (its
 * subreaper here, its PID 1 in a container), and stays a zombie once it exits unless the init reaps it. */
static void leaves_orphan(int fd)
{
	pid_t m = fork();
	if (m == 0) {
		if (fork() == 0) {
			char pid[16];
			usleep(20000); /* after m exited */
			int n = snprintf(pid, sizeof pid, "%d\n", getpid());
			if (write(fd, pid, (size_t)n) != n)
				_exit(1);
			_exit(0);
		}
		_exit(0);
	}
	waitpid(m, NULL, 0);
}

int main(void)
{
	CHECK(jr_pid1_exit_code(0) == 0 && jr_pid1_exit_code(3 << 8) == 3, "an exit status passes through");
	CHECK(jr_pid1_exit_code(SIGKILL) == 137 && jr_pid1_exit_code(SIGTERM) == 143, "signal N is 128+N");
	CHECK(!jr_pid1_forwards(SIGCHLD) && !jr_pid1_forwards(SIGKILL) && jr_pid1_forwards(SIGTERM) &&
	      jr_pid1_forwards(SIGINT) && jr_pid1_forwards(SIGUSR1) && jr_pid1_forwards(SIGWINCH) &&
	      jr_pid1_forwards(SIGRTMIN), "every catchable signal but SIGCHLD is forwarded");

	int st;
	pid_t init = start_init(nothing, NULL);
	kill(init, SIGTERM);
	CHECK(waitpid(init, &st, 0) == init && WIFEXITED(st) && WEXITSTATUS(st) == 143,
	      "SIGTERM to the init reaches a child without a handler; the init exits 143");

	init = start_init(nothing, NULL);
	kill(init, SIGUSR1);
	CHECK(waitpid(init, &st, 0) == init && WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGUSR1, "SIGUSR1 too");

	init = fork();
	if (init == 0) {
		jr_pid1();
		exits_7(-1);
	}
	CHECK(waitpid(init, &st, 0) == init && WIFEXITED(st) && WEXITSTATUS(st) == 7, "exit status 7 passes through");

	int op[2];
	init = start_init(leaves_orphan, op);
	close(op[1]);
	char buf[16] = "";
	CHECK(read(op[0], buf, sizeof buf - 1) > 0, "orphan started");
	pid_t orphan = atoi(buf);
	/* a zombie still answers kill(pid, 0): gone means reaped */
	int gone = 0;
	for (int i = 0; i < 200 && !gone; i++, usleep(10000))
		gone = kill(orphan, 0) < 0;
	CHECK(orphan > 0 && gone, "the init reaps an orphan that exits");
	kill(init, SIGTERM);
	CHECK(waitpid(init, &st, 0) == init && WIFEXITED(st) && WEXITSTATUS(st) == 143, "and still forwards SIGTERM");
	CHECK_DONE();
}
