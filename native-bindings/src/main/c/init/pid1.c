/* jrun-init: the optional minimal init (`jrun run --init`, `create --init`, annotation run.oci.jrun.init=true;
 * plan attribute INIT). A program run as PID 1 of a pid namespace gets no default signal actions (the kernel
 * drops a signal sent to it from inside its namespace unless it has a handler; pid_namespaces(7)), so a
 * program without its own SIGTERM handler ignores `jrun kill`/`docker stop`, and orphans reparented to it stay
 * zombies unless it waits for them. With INIT the helper, which already is PID 1 once `start` opened the exec
 * fifo, forks once more: the child goes on to exec the user's process (PID 2 in a fresh namespace), and this
 * process stays behind as PID 1 holding no fd, forwarding every catchable signal to the child, reaping every
 * zombie, and exiting with the child's status (128+N when signal N killed it, as a shell reports it). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "jrun_init.h"

/* A handler that does nothing: a signal with a handler is never discarded on the way to PID 1 (and a blocked
 * one is queued anyway); sigwaitinfo below takes it off the queue, so this never runs. */
static void noop(int sig) { (void)sig; }

/* The exit status a shell would report for the child's wait status. */
int jr_pid1_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

/* Whether PID 1 passes this signal on: everything a process can catch, except SIGCHLD (ours: it means reap). */
int jr_pid1_forwards(int sig)
{
	return sig > 0 && sig < NSIG && sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD;
}

/* Reaps every zombie there is; returns 1 (status in *main_status) once the main child was among them. */
static int reap_all(pid_t child, int *main_status)
{
	int done = 0, st;
	pid_t p;
	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		if (p == child) {
			*main_status = st;
			done = 1;
		}
	return done;
}

__attribute__((noreturn)) static void pid1_loop(pid_t child, const sigset_t *all)
{
	/* Holds nothing of the container's or the set-up's: stdio, the exec fifo's write end, a listener socket
	 * all belong to the child now (the fifo's EOF, which `start` waits for, comes with the child's execve). */
	syscall(SYS_close_range, 0, ~0U, 0);
	prctl(PR_SET_NAME, "jrun-init", 0, 0, 0);
	int status = 0;
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(all, &si);
		if (sig < 0)
			continue; /* EINTR */
		if (sig != SIGCHLD) {
			if (jr_pid1_forwards(sig))
				kill(child, sig);
			/* a SIGCHLD can be merged with others: reap on every wake-up, not only on SIGCHLD */
		}
		if (reap_all(child, &status))
			break;
	}
	/* Processes still running die with us (the kernel kills a pid namespace whose init exits); the zombies
	 * among them were reaped above. */
	_exit(jr_pid1_exit_code(status));
}

void jr_pid1(void)
{
	sigset_t all, old;
	sigfillset(&all);
	struct sigaction sa = { .sa_handler = noop };
	sigfillset(&sa.sa_mask);
	/* blocked before the fork, so a signal sent in between waits for sigwaitinfo instead of being lost */
	sigprocmask(SIG_BLOCK, &all, &old);
	/* Not PID 1 when the container shares a pid namespace: orphans then come to us as its subreaper. */
	if (getpid() != 1)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	pid_t child = fork();
	if (child < 0)
		JR_DIE(JR_ST_EXEC, "fork", "init: the container's process");
	if (child == 0) {
		/* The user's process in a process group of its own, in the terminal's foreground when it has one:
		 * a ^C from the terminal then reaches it once, not once from the tty and once more through us. */
		setpgid(0, 0);
		if (jr.plan.terminal) {
			signal(SIGTTOU, SIG_IGN);
			tcsetpgrp(0, getpid());
			signal(SIGTTOU, SIG_DFL);
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		return;
	}
	for (int s = 1; s < NSIG; s++)
		if (jr_pid1_forwards(s) || s == SIGCHLD)
			sigaction(s, &sa, NULL); /* glibc's reserved ones fail with EINVAL: fine */
	pid1_loop(child, &all);
}
