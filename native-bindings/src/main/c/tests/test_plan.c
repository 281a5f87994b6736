/* Plan parsing: a hand-built buffer laid out as docs/helper-protocol.md says, plus truncated and
 * malformed variants that must be rejected without reading past the buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <linux/filter.h>

#include "check.h"
#include "jrun_init.h"

static uint8_t buf[8192];
static size_t len;
static size_t attr_start;
static size_t bounds[256];
static size_t n_bounds;

static void u16(uint16_t v) { buf[len++] = v; buf[len++] = v >> 8; }
static void u32(uint32_t v) { for (int i = 0; i < 4; i++) buf[len++] = v >> (8 * i); }
static void u64(uint64_t v) { u32((uint32_t)v); u32((uint32_t)(v >> 32)); }
static void str(const char *s) { size_t n = strlen(s) + 1; memcpy(buf + len, s, n); len += n; }
static void begin(uint16_t type) { u16(type); u16(0); u32(0); attr_start = len; }
static void end(void)
{
	uint32_t l = (uint32_t)(len - attr_start);
	for (int i = 0; i < 4; i++) buf[attr_start - 4 + i] = l >> (8 * i);
	size_t unpadded = len;
	while (len % 4) buf[len++] = 0;
	/* a cut in the padding after an attribute is a legitimate shorter plan */
	for (size_t l = unpadded; l <= len && n_bounds < 256; l++) bounds[n_bounds++] = l;
}
static void finish(void) { for (int i = 0; i < 4; i++) buf[i] = (uint8_t)(len >> (8 * i)); }

static void build(void)
{
	len = 4;
	n_bounds = 0;
	begin(JA_MODE); u32(JR_MODE_CREATE); end();
	begin(JA_NS_NEW); u64(CLONE_NEWNS | CLONE_NEWPID); end();
	begin(JA_NS_JOIN); u32(CLONE_NEWNET); str("/proc/1/ns/net"); end();
	begin(JA_ROOTFS); str("/var/lib/rootfs"); end();
	begin(JA_MOUNT); u32(JR_MOUNT_BIND); u64(MS_BIND | MS_REC | MS_RDONLY); u64(MS_PRIVATE | MS_REC);
	u64(0); u64(0); u32(JR_MKDIR_FILE); str("/etc/hosts"); str("/etc/hosts"); str(""); str(""); end();
	begin(JA_MOUNT); u32(JR_MOUNT_NORMAL); u64(MS_NOSUID); u64(0); u64(0); u64(0); u32(JR_MKDIR_DIR);
	str("tmpfs"); str("/dev"); str("tmpfs"); str("mode=755"); end();
	begin(JA_DEVICE); u32(JR_DEV_MKNOD); u32(020666); u64(1); u64(3); u32(0); u32(5); str("dev/null"); str(""); end();
	begin(JA_SYMLINK); str("/proc/self/fd"); str("dev/fd"); end();
	begin(JA_MASK_PATH); str("/proc/kcore"); end();
	begin(JA_READONLY_PATH); str("/proc/sys"); end();
	begin(JA_HOSTNAME); str("box"); end();
	begin(JA_SYSCTL); str("net.ipv4.ip_forward"); str("1"); end();
	begin(JA_RLIMIT); u32(7); u64(1024); u64(4096); end();
	begin(JA_OOM_SCORE_ADJ); u32((uint32_t)-500); end();
	begin(JA_USER); u32(1000); u32(1001); u32(022); u32(2); u32(10); u32(20); end();
	begin(JA_CAPS); u64(0xff); u64(0x1); u64(0x3); u64(0x4); u64(0x8); end();
	begin(JA_NO_NEW_PRIVS); end();
	begin(JA_SECCOMP); u32(0); u32(2);
	u16(BPF_LD | BPF_W | BPF_ABS); buf[len++] = 0; buf[len++] = 0; u32(0);
	u16(BPF_RET | BPF_K); buf[len++] = 1; buf[len++] = 2; u32(0x7fff0000);
	str(""); str("{}"); end();
	begin(JA_ARGS); u32(2); str("sh"); str("-c"); end();
	begin(JA_ENV); u32(1); str("PATH=/bin"); end();
	begin(JA_CWD); str("/work"); end();
	begin(JA_TERMINAL); end();
	begin(JA_CONSOLE_SOCKET); str("/tmp/c.sock"); end();
	begin(JA_CONSOLE_SIZE); u32(24); u32(80); end();
	begin(JA_EXEC_FIFO); str("/run/jrun/x/exec.fifo"); end();
	begin(JA_PRESERVE_FDS); u32(2); end();
	begin(JA_SCHEDULER); u32(0); u32((uint32_t)-5); u32(0); u64(0); u64(0); u64(0); u64(0); end();
	begin(JA_CONTAINER_ID); str("abc"); end();
	finish();
}

static int parse(uint8_t *b, size_t l, struct jr_plan *p, char *err)
{
	return jr_plan_parse(b, l, p, err, 256);
}

int main(void)
{
	struct jr_plan p;
	char err[256];
	build();
	uint8_t copy[sizeof buf];
	memcpy(copy, buf, len);

	int r = parse(buf, len, &p, err);
	CHECK(r == 0, "well-formed plan parses");
	if (r) printf("     error: %s\n", err);
	CHECK(p.mode == JR_MODE_CREATE, "MODE create");
	CHECK(p.ns_new == (CLONE_NEWNS | CLONE_NEWPID), "NS_NEW flags");
	CHECK(p.n_nsjoin == 1 && p.nsjoin[0].flag == CLONE_NEWNET, "NS_JOIN flag");
	CHECK_STR(p.n_nsjoin ? p.nsjoin[0].path : NULL, "/proc/1/ns/net", "NS_JOIN path");
	CHECK_STR(p.rootfs, "/var/lib/rootfs", "ROOTFS");
	CHECK(p.n_mounts == 2, "two MOUNTs in order");
	if (p.n_mounts == 2) {
		CHECK(p.mounts[0].kind == JR_MOUNT_BIND && p.mounts[0].flags == (MS_BIND | MS_REC | MS_RDONLY) &&
		      p.mounts[0].propagation == (MS_PRIVATE | MS_REC) && p.mounts[0].mkdir_kind == JR_MKDIR_FILE,
		      "MOUNT 1 numeric fields");
		CHECK_STR(p.mounts[1].data, "mode=755", "MOUNT 2 data");
		CHECK_STR(p.mounts[1].dest, "/dev", "MOUNT 2 dest");
	}
	CHECK(p.n_devices == 1 && p.devices[0].major == 1 && p.devices[0].minor == 3 && p.devices[0].gid == 5 &&
	      p.devices[0].mode == 020666, "DEVICE fields");
	CHECK(p.n_symlinks == 1 && strcmp(p.symlinks[0].link, "dev/fd") == 0, "SYMLINK");
	CHECK(p.n_masked == 1 && p.n_readonly == 1, "MASK_PATH and READONLY_PATH");
	CHECK_STR(p.hostname, "box", "HOSTNAME");
	CHECK(p.n_sysctls == 1 && strcmp(p.sysctls[0].value, "1") == 0, "SYSCTL");
	CHECK(p.n_rlimits == 1 && p.rlimits[0].resource == 7 && p.rlimits[0].soft == 1024 && p.rlimits[0].hard == 4096, "RLIMIT");
	CHECK(p.has_oom && p.oom_score_adj == -500, "OOM_SCORE_ADJ negative");
	CHECK(p.has_user && p.uid == 1000 && p.gid == 1001 && p.umask == 022 && p.n_groups == 2 && p.groups[1] == 20, "USER");
	CHECK(p.has_caps && p.cap_bounding == 0xff && p.cap_effective == 1 && p.cap_ambient == 8, "CAPS");
	CHECK(p.no_new_privs, "NO_NEW_PRIVS");
	CHECK(p.has_seccomp && p.seccomp_len == 2, "SECCOMP count");
	if (p.has_seccomp) {
		struct sock_filter *f = p.seccomp_insns;
		CHECK(f[1].code == (BPF_RET | BPF_K) && f[1].jt == 1 && f[1].jf == 2 && f[1].k == 0x7fff0000, "SECCOMP insn decode");
		CHECK_STR(p.seccomp_payload, "{}", "SECCOMP payload");
	}
	CHECK(p.argc == 2 && strcmp(p.argv[1], "-c") == 0 && p.argv[2] == NULL, "ARGS NULL-terminated");
	CHECK(p.envc == 1 && p.envp[1] == NULL, "ENV");
	CHECK(p.terminal && p.has_console_size && p.rows == 24 && p.cols == 80, "TERMINAL + CONSOLE_SIZE");
	CHECK(p.preserve_fds == 2, "PRESERVE_FDS");
	CHECK(p.has_sched && p.sched_nice == -5, "SCHEDULER nice");
	CHECK_STR(p.container_id, "abc", "CONTAINER_ID");
	CHECK(!p.has_propagation && p.umask == 022, "absent singletons stay unset");
	jr_plan_free(&p);

	/* total_len not counting its own 4 bytes is tolerated */
	memcpy(buf, copy, len);
	for (int i = 0; i < 4; i++) buf[i] = (uint8_t)((len - 4) >> (8 * i));
	CHECK(parse(buf, len, &p, err) == 0, "total_len without its own field tolerated");
	jr_plan_free(&p);

	/* every truncation must fail cleanly (valgrind/ASan-clean: no read past l) */
	size_t nb = n_bounds;
	int all_rejected = 1;
	for (size_t l = 0; l < len; l++) {
		uint8_t *t = malloc(l ? l : 1);
		memcpy(t, copy, l);
		if (l >= 4)
			for (int i = 0; i < 4; i++) t[i] = (uint8_t)(l >> (8 * i));
		if (parse(t, l, &p, err) == 0) {
			/* cutting exactly at an attribute boundary after ARGS may legitimately parse */
			int at_boundary = 0;
			for (size_t b = 0; b < nb; b++)
				at_boundary |= bounds[b] == l;
			if (!at_boundary) {
				all_rejected = 0;
				printf("     truncation at %zu accepted\n", l);
			}
			jr_plan_free(&p);
		}
		free(t);
	}
	CHECK(all_rejected, "every truncation inside an attribute rejected");

	memcpy(buf, copy, len);
	CHECK(parse(buf, len - 1, &p, err) != 0, "total_len mismatch rejected");

	memcpy(buf, copy, len);
	buf[4 + 8 + 4 + 4] = 0xff; /* second attribute (NS_NEW): length byte made huge */
	buf[4 + 8 + 4 + 5] = 0xff;
	CHECK(parse(buf, len, &p, err) != 0, "attribute length past the end rejected");

	memcpy(buf, copy, len);
	buf[4] = JA_ROOTFS; /* first attribute is no longer MODE */
	CHECK(parse(buf, len, &p, err) != 0 && strstr(err, "MODE"), "MODE must come first");

	memcpy(buf, copy, len);
	buf[4 + 12 + 0] = 99; /* second attribute type unknown */
	CHECK(parse(buf, len, &p, err) != 0 && strstr(err, "unknown"), "unknown attribute type rejected");

	memcpy(buf, copy, len);
	buf[8 + 4] = 3; /* MODE = 3 */
	CHECK(parse(buf, len, &p, err) != 0, "invalid MODE value rejected");

	/* string without its NUL inside the attribute */
	len = 4;
	begin(JA_MODE); u32(JR_MODE_EXEC); end();
	size_t hs = len;
	begin(JA_HOSTNAME); buf[len++] = 'a'; buf[len++] = 'b'; end();
	(void)hs;
	begin(JA_ARGS); u32(1); str("x"); end();
	finish();
	CHECK(parse(buf, len, &p, err) != 0 && strstr(err, "HOSTNAME"), "unterminated string rejected");

	/* ARGS claiming more strings than bytes */
	len = 4;
	begin(JA_MODE); u32(JR_MODE_EXEC); end();
	begin(JA_ARGS); u32(1000000); str("x"); end();
	finish();
	CHECK(parse(buf, len, &p, err) != 0, "ARGS count larger than the attribute rejected");

	/* trailing bytes inside a fixed-size attribute */
	len = 4;
	begin(JA_MODE); u32(JR_MODE_EXEC); u32(0); end();
	begin(JA_ARGS); u32(1); str("x"); end();
	finish();
	CHECK(parse(buf, len, &p, err) != 0, "trailing bytes in an attribute rejected");

	/* a minimal exec plan */
	len = 4;
	begin(JA_MODE); u32(JR_MODE_EXEC); end();
	begin(JA_ARGS); u32(1); str("x"); end();
	finish();
	CHECK(parse(buf, len, &p, err) == 0 && p.mode == JR_MODE_EXEC && !p.rootfs, "minimal exec plan");
	CHECK(!p.init, "no INIT unless asked for");
	jr_plan_free(&p);

	len = 4;
	begin(JA_MODE); u32(JR_MODE_EXEC); end();
	begin(JA_INIT); end();
	begin(JA_ARGS); u32(1); str("x"); end();
	finish();
	CHECK(parse(buf, len, &p, err) == 0 && p.init, "INIT parsed");
	jr_plan_free(&p);

	/* MOUNT_IDMAP: belongs to the bind MOUNT right before it */
	len = 4;
	n_bounds = 0;
	begin(JA_MODE); u32(JR_MODE_CREATE); end();
	begin(JA_ROOTFS); str("/r"); end();
	begin(JA_MOUNT); u32(JR_MOUNT_BIND); u64(MS_BIND); u64(0); u64(0); u64(0); u32(JR_MKDIR_DIR);
	str("/src"); str("/id"); str(""); str(""); end();
	begin(JA_MOUNT_IDMAP); u32(2); u32(0); u32(1000); u32(1); u32(1); u32(100000); u32(65536);
	u32(1); u32(0); u32(1000); u32(1); u32(1); end();
	begin(JA_ARGS); u32(1); str("x"); end();
	finish();
	r = parse(buf, len, &p, err);
	CHECK(r == 0 && p.n_mounts == 1 && p.mounts[0].idmap && p.mounts[0].n_uid == 2 && p.mounts[0].n_gid == 1 &&
	      p.mounts[0].idmap_recursive == 1 && p.mounts[0].tree_fd == -1, "MOUNT_IDMAP parsed");
	if (r == 0) {
		const uint8_t *u = p.mounts[0].uid_map;
		CHECK(u[12 + 4] == (100000 & 0xff) && u[4] == (1000 & 0xff), "MOUNT_IDMAP triples kept in order");
		jr_plan_free(&p);
	}
	/* the same attribute after a non-bind MOUNT, or without a MOUNT before it, is refused */
	len = 4;
	begin(JA_MODE); u32(JR_MODE_CREATE); end();
	begin(JA_ROOTFS); str("/r"); end();
	begin(JA_MOUNT); u32(JR_MOUNT_NORMAL); u64(0); u64(0); u64(0); u64(0); u32(JR_MKDIR_DIR);
	str("tmpfs"); str("/t"); str("tmpfs"); str(""); end();
	begin(JA_MOUNT_IDMAP); u32(1); u32(0); u32(1000); u32(1); u32(1); u32(0); u32(1000); u32(1); u32(0); end();
	begin(JA_ARGS); u32(1); str("x"); end();
	finish();
	CHECK(parse(buf, len, &p, err) != 0 && strstr(err, "MOUNT_IDMAP"), "MOUNT_IDMAP after a non-bind MOUNT rejected");
	len = 4;
	begin(JA_MODE); u32(JR_MODE_CREATE); end();
	begin(JA_ROOTFS); str("/r"); end();
	begin(JA_MOUNT_IDMAP); u32(1); u32(0); u32(1000); u32(1); u32(1); u32(0); u32(1000); u32(1); u32(0); end();
	begin(JA_ARGS); u32(1); str("x"); end();
	finish();
	CHECK(parse(buf, len, &p, err) != 0, "MOUNT_IDMAP without its MOUNT rejected");

	/* create without ROOTFS */
	len = 4;
	n_bounds = 0;
	begin(JA_MODE); u32(JR_MODE_CREATE); end();
	begin(JA_ARGS); u32(1); str("x"); end();
	finish();
	CHECK(parse(buf, len, &p, err) != 0 && strstr(err, "ROOTFS"), "create without ROOTFS rejected");

	/* error payload layout */
	uint8_t ep[128];
	size_t en = jr_error_payload(ep, sizeof ep, JR_ST_MOUNTS, 2, "openat2", "/x");
	CHECK(en == 43 && ep[0] == 5 && ep[4] == 2 && strcmp((char *)ep + 8, "openat2") == 0 && ep[39] == 0 &&
	      strcmp((char *)ep + 40, "/x") == 0, "ERROR payload layout");
	CHECK_DONE();
}
