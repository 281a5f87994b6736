/* libFuzzer target: jr_plan_parse over arbitrary bytes, the plan buffer Java sends the helper
 * (docs/helper-protocol.md "The plan buffer"; docs/fuzzing.md). Built with -fsanitize=fuzzer,address,undefined
 * by `make fuzz-build`: ASan and UBSan catch reads past the buffer and undefined arithmetic, and the checks
 * below are what the helper's later stages take for granted of a plan that parsed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

static const uint8_t *lo, *hi;

/* Every string the helper uses must lie, NUL included, inside the plan buffer. */
static void in_plan(const char *s)
{
	if (!s)
		return;
	if ((const uint8_t *)s < lo || (const uint8_t *)s >= hi || !memchr(s, 0, (size_t)(hi - (const uint8_t *)s)))
		abort();
}

/* ARGS and ENV are handed to execve as they are: NULL-terminated, every entry a string in the plan. */
static void vec(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		in_plan(v[i]);
	if (v[n])
		abort();
}

static void check(const struct jr_plan *p)
{
	if (p->mode != JR_MODE_CREATE && p->mode != JR_MODE_EXEC)
		abort();
	if (!p->argv || !p->argc)
		abort();
	vec(p->argv, p->argc);
	vec(p->envp, p->envc);
	if (p->mode == JR_MODE_CREATE && (!p->rootfs || p->rootfs[0] != '/'))
		abort();
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct jr_mount *m = &p->mounts[i];
		if (m->kind < JR_MOUNT_NORMAL || m->kind > JR_MOUNT_TMPFS_COPYUP || m->mkdir_kind > JR_MKDIR_FILE)
			abort();
		in_plan(m->source); in_plan(m->dest); in_plan(m->fstype); in_plan(m->data);
		/* the idmap triples are read in place: they must end inside the buffer */
		if (m->idmap && (m->kind != JR_MOUNT_BIND || !m->n_uid || !m->n_gid || m->n_uid > JR_MAX_IDMAP ||
				 m->n_gid > JR_MAX_IDMAP || m->uid_map + 12 * (size_t)m->n_uid > hi ||
				 m->gid_map + 12 * (size_t)m->n_gid > hi))
			abort();
	}
	for (size_t i = 0; i < p->n_devices; i++) {
		in_plan(p->devices[i].dest); in_plan(p->devices[i].source);
	}
	for (size_t i = 0; i < p->n_nsjoin; i++) in_plan(p->nsjoin[i].path);
	for (size_t i = 0; i < p->n_symlinks; i++) { in_plan(p->symlinks[i].target); in_plan(p->symlinks[i].link); }
	for (size_t i = 0; i < p->n_masked; i++) in_plan(p->masked[i]);
	for (size_t i = 0; i < p->n_readonly; i++) in_plan(p->readonly[i]);
	for (size_t i = 0; i < p->n_sysctls; i++) { in_plan(p->sysctls[i].key); in_plan(p->sysctls[i].value); }
	volatile gid_t g = 0;
	for (size_t i = 0; i < p->n_groups; i++) g ^= p->groups[i];
	if (p->has_seccomp && (!p->seccomp_insns || !p->seccomp_len || p->seccomp_len > 0xffff))
		abort();
	if (p->terminal && !p->console_socket)
		abort();
	const char *strs[] = { p->timens_offsets, p->rootfs, p->hostname, p->domainname, p->seccomp_listener,
		p->seccomp_payload, p->cwd, p->exec_path, p->console_socket, p->exec_fifo, p->container_id,
		p->mount_label, p->process_label };
	for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
		in_plan(strs[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size heap copy, so that ASan sees any read past the plan's end */
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	lo = buf;
	hi = buf + size;
	struct jr_plan p;
	char err[256];
	err[0] = 0;
	if (jr_plan_parse(buf, size, &p, err, sizeof err) == 0) {
		check(&p);
		jr_plan_free(&p);
	} else if (!err[0] || strchr(err, '\n')) {
		/* the error goes to Java in an ERROR message and on to the user as one line */
		abort();
	}
	free(buf);
	return 0;
}
