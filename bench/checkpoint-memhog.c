/* The checkpoint workload (bench/checkpoint.sh, CheckpointVmIT): touches MB megabytes of anonymous memory, then
 * keeps rewriting one byte per page of the first DIRTY megabytes every 100 ms, so a pre-dump round has something
 * to skip and something to copy again. On SIGUSR1 it checks every byte against what it wrote and prints
 * "verify ok ROUND" or "verify BAD at OFFSET" on stdout (a restore from pre-dump images must bring back both the
 * pages of the parent images and the dirty ones of the last dump). It prints "touched MB" once the memory is
 * written. usage: memhog MB DIRTY */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t check;

static void on_usr1(int sig) { (void)sig; check = 1; }

static char expected(size_t i, size_t dirty, unsigned round) {
    return i < dirty && i % 4096 == 0 ? (char)round : (char)(i * 31 + 7);
}

int main(int argc, char **argv) {
    size_t mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 128;
    size_t dirty = (argc > 2 ? strtoul(argv[2], NULL, 10) : 8) << 20;
    char *p = malloc(mb << 20);
    if (!p) return 1;
    signal(SIGUSR1, on_usr1);
    for (size_t i = 0; i < mb << 20; i++) p[i] = (char)(i * 31 + 7); /* non-zero: no page can be deduplicated as zero */
    dprintf(1, "touched %zu\n", mb);
    for (unsigned n = 0;; n++) {
        for (size_t i = 0; i < dirty; i += 4096) p[i] = (char)n;
        if (check) {
            check = 0;
            size_t bad = (size_t)-1;
            for (size_t i = 0; i < mb << 20 && bad == (size_t)-1; i++) {
                if (p[i] != expected(i, dirty, n)) bad = i;
            }
            if (bad == (size_t)-1) dprintf(1, "verify ok %u\n", n);
            else dprintf(1, "verify BAD at %zu\n", bad);
        }
        usleep(100000);
    }
}
