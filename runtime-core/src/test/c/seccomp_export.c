/*
 * Test helper: builds a libseccomp filter from a simple line format on stdin and writes
 * libseccomp's own BPF (seccomp_export_bpf) to argv[1], so the tests can compare jrun's compiler
 * with libseccomp decision by decision. Never part of jrun itself.
 *
 *   default <ret>              filter default action (SECCOMP_RET_* value, hex)
 *   badarch <ret>              action for architectures not in the filter
 *   optimize <level>           SCMP_FLTATR_CTL_OPTIMIZE (2 = binary tree, as runc uses)
 *   arch <x86_64|x86|x32|...>  add an architecture
 *   rule <ret> <name> <n> [<index> <op> <value> <valueTwo>]*n   (op: libseccomp's enum scmp_compare)
 *   resolve <name>             print "<arch> <name> <nr>" for every architecture added so far
 *
 * usage: seccomp_export <out.bpf> < profile.txt
 */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint32_t arches[8];
static const char *arch_names[8];
static int n_arches;

static uint32_t arch_token(const char *name)
{
	if (!strcmp(name, "x86_64")) return SCMP_ARCH_X86_64;
	if (!strcmp(name, "x86")) return SCMP_ARCH_X86;
	if (!strcmp(name, "x32")) return SCMP_ARCH_X32;
	if (!strcmp(name, "aarch64")) return SCMP_ARCH_AARCH64;
	if (!strcmp(name, "arm")) return SCMP_ARCH_ARM;
	return 0;
}

int main(int argc, char **argv)
{
	char line[4096];
	scmp_filter_ctx ctx = NULL;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <out.bpf> < profile.txt\n", argv[0]);
		return 2;
	}
	while (fgets(line, sizeof(line), stdin)) {
		char *save = NULL, *cmd = strtok_r(line, " \n", &save);
		if (!cmd) continue;
		if (!strcmp(cmd, "default")) {
			uint32_t act = strtoul(strtok_r(NULL, " \n", &save), NULL, 16);
			ctx = seccomp_init(act);
			if (!ctx) { fprintf(stderr, "seccomp_init failed\n"); return 1; }
			/* the runtime sets no_new_privs itself; keep the exported program free of it */
			seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
		} else if (!strcmp(cmd, "badarch")) {
			seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, strtoul(strtok_r(NULL, " \n", &save), NULL, 16));
		} else if (!strcmp(cmd, "optimize")) {
			int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, atoi(strtok_r(NULL, " \n", &save)));
			if (rc) fprintf(stderr, "optimize: %s\n", strerror(-rc));
		} else if (!strcmp(cmd, "arch")) {
			char *name = strtok_r(NULL, " \n", &save);
			uint32_t tok = arch_token(name);
			int rc = seccomp_arch_add(ctx, tok);
			if (rc && rc != -EEXIST) { fprintf(stderr, "arch %s: %s\n", name, strerror(-rc)); return 1; }
			arches[n_arches] = tok;
			arch_names[n_arches++] = strdup(name);
		} else if (!strcmp(cmd, "rule")) {
			uint32_t act = strtoul(strtok_r(NULL, " \n", &save), NULL, 16);
			char *name = strtok_r(NULL, " \n", &save);
			int n = atoi(strtok_r(NULL, " \n", &save)), i, rc, nr;
			struct scmp_arg_cmp cmp[6];
			for (i = 0; i < n && i < 6; i++) {
				cmp[i].arg = atoi(strtok_r(NULL, " \n", &save));
				cmp[i].op = atoi(strtok_r(NULL, " \n", &save));
				cmp[i].datum_a = strtoull(strtok_r(NULL, " \n", &save), NULL, 16);
				cmp[i].datum_b = strtoull(strtok_r(NULL, " \n", &save), NULL, 16);
			}
			nr = seccomp_syscall_resolve_name(name);
			if (nr == __NR_SCMP_ERROR) continue; /* unknown name: ignored, as runc does */
			rc = seccomp_rule_add_array(ctx, act, nr, n, cmp);
			if (rc) fprintf(stderr, "rule %s: %s\n", name, strerror(-rc));
		} else if (!strcmp(cmd, "resolve")) {
			char *name = strtok_r(NULL, " \n", &save);
			for (int a = 0; a < n_arches; a++) {
				int nr = seccomp_syscall_resolve_name_arch(arches[a], name);
				if (nr >= 0) printf("%s %s %d\n", arch_names[a], name, nr);
			}
		}
	}
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || seccomp_export_bpf(ctx, fd) != 0) { fprintf(stderr, "export failed\n"); return 1; }
	close(fd);
	seccomp_release(ctx);
	return 0;
}
