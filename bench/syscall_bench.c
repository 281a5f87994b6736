/*
 * bench/syscall_bench.c: the cost of one cheap system call, run inside a container to measure what its seccomp
 * filter adds (docs/performance.md). Built static (gcc -static -O2) so it runs in the busybox rootfs.
 *
 *   syscall_bench [ITERATIONS]   prints "getppid <ns per call>" and "clock_gettime <ns per call>"
 *
 * Both go through syscall(2): clock_gettime would otherwise be answered by the vDSO without entering the
 * kernel, and seccomp filters only calls that enter it. Each figure is the best of 5 rounds, so a round that
 * was preempted by another process on a loaded machine does not count.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t); /* vDSO: not part of what is measured */
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    if (n <= 0) n = 1000000;
    double best_ppid = 1e18, best_clock = 1e18;
    struct timespec ts;
    for (int round = 0; round < 5; round++) {
        double t0 = now_ns();
        for (long i = 0; i < n; i++) syscall(SYS_getppid);
        double t1 = now_ns();
        for (long i = 0; i < n; i++) syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
        double t2 = now_ns();
        if ((t1 - t0) / n < best_ppid) best_ppid = (t1 - t0) / n;
        if ((t2 - t1) / n < best_clock) best_clock = (t2 - t1) / n;
    }
    printf("getppid %.1f\nclock_gettime %.1f\n", best_ppid, best_clock);
    return 0;
}
