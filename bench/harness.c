/*
 * bench/harness.c: times one benchmark sample precisely, without a shell between the clock and the command.
 *
 *   harness [-s] [-o FILE] [-e FILE] -- STEP [--- STEP ...]
 *
 * A STEP is either a command line (fork + execvp, then wait4 for it) or "@wait PIDFILE", which waits until the
 * process whose pid is in PIDFILE exits. "@wait" needs -s: the harness becomes a child subreaper
 * (PR_SET_CHILD_SUBREAPER) so a container init that its runtime leaves behind is reparented to the harness and
 * can be reaped here, as containerd-shim does. The steps run in order; the first one that fails stops the
 * sample. Output, one line on stdout:
 *
 *   <wall microseconds for all steps> <peak RSS in KiB of the largest step> <exit status> <CPU microseconds>
 *
 * CPU time (user + system of the steps' processes and the children they waited for) is reported beside wall
 * time because on a shared, loaded machine it is much less disturbed by other processes than wall time. Peak RSS is wait4's ru_maxrss of each step's process (the largest of it and the children it waited for), so
 * it is per call, not the harness's own. The children's stdout goes to -o (default /dev/null) and stderr to
 * -e (default: inherited), so the benchmark reads no output on the timed path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

static int status_code(int st) {
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return 255;
}

/* Waits for the pid written in a pid file; 0 when it exited, -1 when it could not be waited for. */
static int wait_pidfile(const char *path, long *maxrss) {
    char buf[32] = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) { fprintf(stderr, "harness: %s: %s\n", path, strerror(errno)); return -1; }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    pid_t pid = n > 0 ? (pid_t)atol(buf) : 0;
    if (pid <= 0) { fprintf(stderr, "harness: no pid in %s\n", path); return -1; }
    for (;;) {
        int st;
        struct rusage ru;
        pid_t r = wait4(pid, &st, 0, &ru);
        if (r == pid) {
            /* the container's own process is not a runtime call: its RSS is not counted */
            (void)maxrss;
            return 0;
        }
        if (r < 0 && errno == EINTR) continue;
        /* not our child (no -s, or reparented elsewhere): poll until it is gone or a zombie */
        char p[64], stat[256];
        snprintf(p, sizeof p, "/proc/%d/stat", pid);
        for (;;) {
            int f = open(p, O_RDONLY | O_CLOEXEC);
            if (f < 0) return 0;
            ssize_t k = read(f, stat, sizeof stat - 1);
            close(f);
            if (k <= 0) return 0;
            stat[k] = 0;
            char *rp = strrchr(stat, ')');
            if (rp && rp[1] == ' ' && rp[2] == 'Z') return 0;
            struct timespec ts = {0, 200000};
            nanosleep(&ts, NULL);
        }
    }
}

int main(int argc, char **argv) {
    const char *out = "/dev/null", *errf = NULL;
    int subreaper = 0, i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "-s") == 0) subreaper = 1;
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) out = argv[++i];
        else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc) errf = argv[++i];
        else { fprintf(stderr, "usage: harness [-s] [-o FILE] [-e FILE] -- STEP [--- STEP ...]\n"); return 2; }
    }
    if (i >= argc - 1) { fprintf(stderr, "harness: no command\n"); return 2; }
    if (subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) { perror("harness: PR_SET_CHILD_SUBREAPER"); return 2; }
    int outfd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int errfd = errf ? open(errf, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644) : 2;
    if (outfd < 0 || errfd < 0) { perror("harness: output file"); return 2; }

    long maxrss = 0;
    long long cpu = 0;
    int code = 0;
    long long t0 = now_us();
    char **step = argv + i + 1;
    while (*step && code == 0) {
        char **end = step;
        while (*end && strcmp(*end, "---") != 0) end++;
        char *saved = *end;
        *end = NULL;
        if (strcmp(step[0], "@wait") == 0 && step[1]) {
            if (wait_pidfile(step[1], &maxrss) != 0) code = 254;
        } else {
            pid_t pid = fork();
            if (pid < 0) { perror("harness: fork"); return 2; }
            if (pid == 0) {
                dup2(outfd, 1);
                if (errfd != 2) dup2(errfd, 2);
                execvp(step[0], step);
                fprintf(stderr, "harness: exec %s: %s\n", step[0], strerror(errno));
                _exit(127);
            }
            int st;
            struct rusage ru;
            while (wait4(pid, &st, 0, &ru) < 0) {
                if (errno != EINTR) { perror("harness: wait4"); return 2; }
            }
            if (ru.ru_maxrss > maxrss) maxrss = ru.ru_maxrss;
            cpu += (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
            code = status_code(st);
        }
        *end = saved;
        step = saved ? end + 1 : end;
    }
    long long wall = now_us() - t0;
    printf("%lld %ld %d %lld\n", wall, maxrss, code, cpu);
    return 0;
}
