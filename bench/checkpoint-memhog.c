/* The checkpoint benchmark's workload (bench/checkpoint.sh): touches MB megabytes of anonymous memory, then keeps
 * rewriting one byte per page of the first DIRTY megabytes every 100 ms, so a pre-dump round has something to skip
 * and something to copy again. usage: memhog MB DIRTY */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    size_t mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 128;
    size_t dirty = argc > 2 ? strtoul(argv[2], NULL, 10) : 8;
    char *p = malloc(mb << 20);
    if (!p) return 1;
    for (size_t i = 0; i < mb << 20; i++) p[i] = (char)(i * 31 + 7); /* non-zero: no page can be deduplicated as zero */
    for (unsigned n = 0;; n++) {
        for (size_t i = 0; i < dirty << 20; i += 4096) p[i] = (char)n;
        usleep(100000);
    }
}
