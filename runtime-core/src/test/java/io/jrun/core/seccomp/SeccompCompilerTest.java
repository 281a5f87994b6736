package io.jrun.core.seccomp;

import static io.jrun.core.seccomp.IntendedDecision.ALLOW;
import static io.jrun.core.seccomp.IntendedDecision.ERRNO;
import static io.jrun.core.seccomp.IntendedDecision.KILL_PROCESS;
import static io.jrun.core.seccomp.SeccompTestSupport.AUDIT_AARCH64;
import static io.jrun.core.seccomp.SeccompTestSupport.AUDIT_ARM;
import static io.jrun.core.seccomp.SeccompTestSupport.AUDIT_I386;
import static io.jrun.core.seccomp.SeccompTestSupport.AUDIT_X86_64;
import static io.jrun.core.seccomp.SeccompTestSupport.assertAgrees;
import static io.jrun.core.seccomp.SeccompTestSupport.profile;
import static io.jrun.core.seccomp.SeccompTestSupport.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jrun.core.spec.Spec;
import io.jrun.seccomp.Arch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeccompCompilerTest {
    private static final List<String> X86_ALL = List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
    private static final long[] NO_ARGS = new long[6];

    private static int nr(Arch a, String name) {
        int n = a.table().number(name);
        assertTrue(n >= 0, name + " unknown on " + a);
        return n;
    }

    private static int run(CompiledFilter f, int audit, int nr, long... args) {
        long[] a = new long[6];
        System.arraycopy(args, 0, a, 0, args.length);
        return BpfInterpreter.of(f, false).run(nr, audit, 0, a);
    }

    @Test
    void dockerProfileMatchesItsIntent() throws Exception {
        assumeTrue(Fixtures.present("docker-create-config-memory.json"), "docker fixture missing");
        Spec.Seccomp s = Fixtures.seccomp("docker-create-config-memory.json");
        CompiledFilter f = assertAgrees(s, Arch.X86_64, 1);
        // spot checks that do not rely on the oracle
        assertEquals(ALLOW, run(f, AUDIT_X86_64, nr(Arch.X86_64, "read")));
        assertEquals(ERRNO | 38, run(f, AUDIT_X86_64, nr(Arch.X86_64, "clone3")));
        assertEquals(ERRNO | 1, run(f, AUDIT_X86_64, nr(Arch.X86_64, "mount")));
        assertEquals(ALLOW, run(f, AUDIT_X86_64, nr(Arch.X86_64, "clone"), 0x11L /* SIGCHLD|... */));
        assertEquals(ERRNO | 1, run(f, AUDIT_X86_64, nr(Arch.X86_64, "clone"), 0x10000000L /* CLONE_NEWUSER */));
        assertEquals(ALLOW, run(f, AUDIT_X86_64, nr(Arch.X86_64, "personality"), 0xffffffffL));
        assertEquals(ERRNO | 1, run(f, AUDIT_X86_64, nr(Arch.X86_64, "personality"), 0x1_ffffffffL));
        assertEquals(ALLOW, run(f, AUDIT_I386, nr(Arch.X86, "read")));
        assertEquals(ALLOW, run(f, AUDIT_X86_64, nr(Arch.X32, "read")));
        assertTrue(f.instructionCount() < 400, "docker profile: " + f.instructionCount() + " instructions");
    }

    @Test
    void podmanProfileMatchesItsIntent() throws Exception {
        assumeTrue(Fixtures.present("podman-create-config-memory.json"), "podman fixture missing");
        Spec.Seccomp s = Fixtures.seccomp("podman-create-config-memory.json");
        CompiledFilter f = assertAgrees(s, Arch.X86_64, 2);
        // default ERRNO(ENOSYS): no separate ENOSYS region, unknown syscalls get the default
        assertEquals(ERRNO | 38, run(f, AUDIT_X86_64, 1000));
        assertEquals(ERRNO | 1, run(f, AUDIT_X86_64, nr(Arch.X86_64, "kexec_load")));
    }

    @Test
    void defaultProfileMatchesItsIntentOnEveryArch() {
        Set<String> none = Set.of();
        Set<String> docker = Set.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
                "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD",
                "CAP_AUDIT_WRITE", "CAP_SETFCAP");
        Set<String> admin = Set.of("CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_SYS_TIME", "CAP_BPF");
        long seed = 10;
        for (Arch host : List.of(Arch.X86_64, Arch.AARCH64, Arch.S390X, Arch.PPC64LE, Arch.RISCV64, Arch.ARM, Arch.X86)) {
            for (Set<String> caps : List.of(none, docker, admin)) {
                assertAgrees(SeccompProfiles.defaultFor(caps, host), host, seed++);
            }
        }
    }

    @Test
    void defaultProfileDependsOnCapabilities() {
        Spec.Seccomp plain = SeccompProfiles.defaultFor(Set.of(), Arch.X86_64);
        Spec.Seccomp admin = SeccompProfiles.defaultFor(Set.of("CAP_SYS_ADMIN"), Arch.X86_64);
        CompiledFilter p = SeccompCompiler.compile(plain, Arch.X86_64), a = SeccompCompiler.compile(admin, Arch.X86_64);
        int clone = nr(Arch.X86_64, "clone"), clone3 = nr(Arch.X86_64, "clone3"), mount = nr(Arch.X86_64, "mount");
        assertEquals(ERRNO | 1, run(p, AUDIT_X86_64, clone, 0x20000000L /* CLONE_NEWPID */));
        assertEquals(ALLOW, run(p, AUDIT_X86_64, clone, 0x01200011L /* fork(): CHILD_SETTID|CHILD_CLEARTID|SIGCHLD */));
        assertEquals(ERRNO | 38, run(p, AUDIT_X86_64, clone3));
        assertEquals(ERRNO | 1, run(p, AUDIT_X86_64, mount));
        assertEquals(ALLOW, run(a, AUDIT_X86_64, clone, 0x20000000L));
        assertEquals(ALLOW, run(a, AUDIT_X86_64, clone3));
        assertEquals(ALLOW, run(a, AUDIT_X86_64, mount));
        assertEquals(ERRNO | 1, run(p, AUDIT_X86_64, nr(Arch.X86_64, "personality"), 0x0400000L /* READ_IMPLIES_EXEC */));
        // s390x: clone's flags are argument 1
        CompiledFilter s390 = SeccompCompiler.compile(SeccompProfiles.defaultFor(Set.of(), Arch.S390X), Arch.S390X);
        BpfInterpreter be = BpfInterpreter.of(s390, true);
        assertEquals(ERRNO | 1, be.run(nr(Arch.S390X, "clone"), 0x80000016, 0, new long[] {0, 0x20000000L, 0, 0, 0, 0}));
        assertEquals(ALLOW, be.run(nr(Arch.S390X, "clone"), 0x80000016, 0, new long[] {0x20000000L, 0x11, 0, 0, 0, 0}));
    }

    @Test
    void syscallsNewerThanTheProfileGetEnosys() {
        Spec.Seccomp s = profile("SCMP_ACT_ERRNO", null, X86_ALL,
                rule("SCMP_ACT_ALLOW", null, List.of("read", "write", "openat")));
        CompiledFilter f = SeccompCompiler.compile(s, Arch.X86_64);
        int openat = nr(Arch.X86_64, "openat");
        assertEquals(ERRNO | 1, run(f, AUDIT_X86_64, openat - 1), "below the newest named syscall: default");
        assertEquals(ERRNO | 38, run(f, AUDIT_X86_64, openat + 1), "above it: ENOSYS");
        assertEquals(ERRNO | 38, run(f, AUDIT_X86_64, 451));
        assertEquals(ERRNO | 38, run(f, AUDIT_X86_64, 0x3fffffff));
        // x32 has its own mark
        assertEquals(ERRNO | 1, run(f, AUDIT_X86_64, nr(Arch.X32, "openat") - 1));
        assertEquals(ERRNO | 38, run(f, AUDIT_X86_64, nr(Arch.X32, "openat") + 1));
        // i386 too
        assertEquals(ERRNO | 38, run(f, AUDIT_I386, nr(Arch.X86, "openat") + 1));
        // a KILL default gets the stub as well
        CompiledFilter k = SeccompCompiler.compile(profile("SCMP_ACT_KILL_PROCESS", null, X86_ALL,
                rule("SCMP_ACT_ALLOW", null, List.of("read", "openat"))), Arch.X86_64);
        assertEquals(ERRNO | 38, run(k, AUDIT_X86_64, 440));
        assertEquals(KILL_PROCESS, run(k, AUDIT_X86_64, nr(Arch.X86_64, "write")));
        // permissive defaults never get it
        CompiledFilter a = SeccompCompiler.compile(profile("SCMP_ACT_ALLOW", null, X86_ALL,
                rule("SCMP_ACT_ERRNO", null, List.of("read"))), Arch.X86_64);
        assertEquals(ALLOW, run(a, AUDIT_X86_64, 440));
        CompiledFilter l = SeccompCompiler.compile(profile("SCMP_ACT_LOG", null, X86_ALL,
                rule("SCMP_ACT_ERRNO", null, List.of("read"))), Arch.X86_64);
        assertEquals(IntendedDecision.LOG, run(l, AUDIT_X86_64, 440));
    }

    @Test
    void x32CallsAreTheirOwnAbi() {
        // x86_64 listed, x32 not: x32 calls (bit 30) are a foreign ABI
        Spec.Seccomp s = profile("SCMP_ACT_ERRNO", null, List.of("SCMP_ARCH_X86_64"),
                rule("SCMP_ACT_ALLOW", null, List.of("read", "getpid")));
        CompiledFilter f = SeccompCompiler.compile(s, Arch.X86_64);
        assertEquals(ALLOW, run(f, AUDIT_X86_64, 0));
        assertEquals(KILL_PROCESS, run(f, AUDIT_X86_64, 0x40000000)); // x32 read
        assertEquals(KILL_PROCESS, run(f, AUDIT_I386, 3));            // i386 read
        // only x32 rules for a name x32 places elsewhere: rt_sigaction is 13 on x86_64 and 0x40000200 on x32
        Spec.Seccomp t = profile("SCMP_ACT_ERRNO", null, X86_ALL, rule("SCMP_ACT_ALLOW", null, List.of("rt_sigaction")));
        CompiledFilter g = assertAgrees(t, Arch.X86_64, 3);
        assertEquals(ALLOW, run(g, AUDIT_X86_64, 13));
        assertEquals(ALLOW, run(g, AUDIT_X86_64, 0x40000000 + 512));
        assertEquals(ERRNO | 1, run(g, AUDIT_X86_64, 0x40000000 + 13), "x32 has no syscall 13");
    }

    @Test
    void unknownArchitectureIsKilled() {
        Spec.Seccomp s = profile("SCMP_ACT_ALLOW", null, X86_ALL);
        CompiledFilter f = SeccompCompiler.compile(s, Arch.X86_64);
        assertEquals(KILL_PROCESS, run(f, AUDIT_AARCH64, 0));
        assertEquals(KILL_PROCESS, run(f, AUDIT_ARM, 0));
        assertEquals(ALLOW, run(f, AUDIT_X86_64, 0));
        // foreign ABIs in the list are ignored, but the native one is always there (as libseccomp does)
        CompiledFilter g = SeccompCompiler.compile(profile("SCMP_ACT_ALLOW", null, List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS")), Arch.X86_64);
        assertEquals(ALLOW, run(g, AUDIT_X86_64, 0));
        assertEquals(KILL_PROCESS, run(g, AUDIT_AARCH64, 0));
        assertThrows(SeccompException.class, () -> SeccompCompiler.compile(profile("SCMP_ACT_ALLOW", null, List.of("SCMP_ARCH_VAX")), Arch.X86_64));
    }

    @Test
    void unknownNamesAreIgnoredPerArch() {
        Spec.Seccomp s = profile("SCMP_ACT_ERRNO", null, X86_ALL,
                rule("SCMP_ACT_ALLOW", null, List.of("no_such_syscall", "read", "arm_fadvise64_64", "mmap2")));
        CompiledFilter f = assertAgrees(s, Arch.X86_64, 4);
        assertEquals(ALLOW, run(f, AUDIT_X86_64, 0));
        assertEquals(ALLOW, run(f, AUDIT_I386, nr(Arch.X86, "mmap2")), "mmap2 exists on i386");
    }

    @Test
    void errnoRetAndActions() {
        Spec.Seccomp s = profile("SCMP_ACT_ERRNO", 13L, X86_ALL,
                rule("SCMP_ACT_ERRNO", 95L, List.of("read")),
                rule("SCMP_ACT_ERRNO", null, List.of("write")),
                rule("SCMP_ACT_KILL", null, List.of("open")),
                rule("SCMP_ACT_KILL_THREAD", null, List.of("close")),
                rule("SCMP_ACT_KILL_PROCESS", null, List.of("stat")),
                rule("SCMP_ACT_TRAP", null, List.of("fstat")),
                rule("SCMP_ACT_TRACE", 7L, List.of("lstat")),
                rule("SCMP_ACT_TRACE", null, List.of("poll")),
                rule("SCMP_ACT_LOG", null, List.of("lseek")),
                rule("SCMP_ACT_NOTIFY", null, List.of("mmap")),
                rule("SCMP_ACT_ALLOW", null, List.of("mprotect")),
                rule("SCMP_ACT_ALLOW", null, List.of("exit_group"))); // raises the ENOSYS mark above brk (12)
        CompiledFilter f = assertAgrees(s, Arch.X86_64, 5);
        int[] want = {ERRNO | 95, ERRNO | 1, 0, 0, 0x80000000, 0x30000, 0x7ff00007, 0x7ff00001, 0x7ffc0000, 0x7fc00000, ALLOW};
        for (int i = 0; i < want.length; i++) assertEquals(want[i], run(f, AUDIT_X86_64, i), "syscall " + i);
        assertEquals(ERRNO | 13, run(f, AUDIT_X86_64, 12), "defaultErrnoRet");
        assertThrows(SeccompException.class, () -> SeccompCompiler.compile(profile("SCMP_ACT_ERRNO", null, null,
                rule("SCMP_ACT_ALLOW", 1L, List.of("read"))), Arch.X86_64), "errnoRet on ALLOW must fail (config-linux.md)");
        assertThrows(SeccompException.class, () -> SeccompCompiler.compile(profile("SCMP_ACT_BOGUS", null, null), Arch.X86_64));
    }

    @Test
    void flags() {
        Spec.Seccomp notify = new Spec.Seccomp("SCMP_ACT_ALLOW", null, null, List.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG"),
                "/run/agent.sock", null, List.of(rule("SCMP_ACT_NOTIFY", null, List.of("mkdir"))));
        CompiledFilter f = SeccompCompiler.compile(notify, Arch.X86_64);
        assertEquals(1 | 2 | 8 | 16, f.flags(), "TSYNC + LOG + NEW_LISTENER (+ TSYNC_ESRCH, required with a listener)");
        assertTrue(f.needsListener());
        Spec.Seccomp plain = new Spec.Seccomp("SCMP_ACT_ALLOW", null, null, List.of("SECCOMP_FILTER_FLAG_SPEC_ALLOW"), null, null, List.of());
        assertEquals(4, SeccompCompiler.compile(plain, Arch.X86_64).flags());
        Spec.Seccomp killable = new Spec.Seccomp("SCMP_ACT_ALLOW", null, null, List.of("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"),
                null, null, List.of(rule("SCMP_ACT_NOTIFY", null, List.of("mkdir"))));
        assertEquals(8 | 32, SeccompCompiler.compile(killable, Arch.X86_64).flags());
        assertThrows(SeccompException.class, () -> SeccompCompiler.compile(new Spec.Seccomp("SCMP_ACT_ALLOW", null, null,
                List.of("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"), null, null, List.of()), Arch.X86_64));
        assertThrows(SeccompException.class, () -> SeccompCompiler.compile(new Spec.Seccomp("SCMP_ACT_ALLOW", null, null,
                List.of("SECCOMP_FILTER_FLAG_BOGUS"), null, null, List.of()), Arch.X86_64));
        assertThrows(SeccompException.class, () -> SeccompCompiler.compile(profile("SCMP_ACT_NOTIFY", null, null), Arch.X86_64));
    }

    @Test
    void sixtyFourBitComparisonsAcrossHalves() {
        long v = 0x0000_0001_8000_0000L; // high 1, low 0x80000000
        List<Spec.SyscallRule> rules = new ArrayList<>();
        String[] ops = {"SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_GT", "SCMP_CMP_GE"};
        String[] names = {"read", "write", "open", "close", "stat", "fstat"};
        for (int i = 0; i < ops.length; i++) rules.add(rule("SCMP_ACT_ALLOW", null, List.of(names[i]), new Spec.SyscallArg(2, v, 0, ops[i])));
        rules.add(rule("SCMP_ACT_ALLOW", null, List.of("lstat"), new Spec.SyscallArg(1, 0xff00_0000_0000_00f0L, 0x1200_0000_0000_0030L, "SCMP_CMP_MASKED_EQ")));
        Spec.Seccomp s = new Spec.Seccomp("SCMP_ACT_ERRNO", null, X86_ALL, null, null, null, rules);
        CompiledFilter f = assertAgrees(s, Arch.X86_64, 6);
        long[] probes = {v, v - 1, v + 1, 0x0000_0000_ffff_ffffL, 0x0000_0002_0000_0000L, 0x0000_0001_0000_0000L, 0x0000_0001_ffff_ffffL,
                0xffff_ffff_0000_0000L, 0};
        for (int i = 0; i < ops.length; i++) {
            for (long a : probes) {
                boolean holds = IntendedDecision.allMatch(List.of(new Spec.SyscallArg(2, v, 0, ops[i])), new long[] {0, 0, a, 0, 0, 0});
                assertEquals(holds ? ALLOW : ERRNO | 1, run(f, AUDIT_X86_64, i, 0, 0, a), ops[i] + " " + Long.toHexString(a));
            }
        }
        assertEquals(ALLOW, run(f, AUDIT_X86_64, nr(Arch.X86_64, "lstat"), 0, 0x1234_0000_0000_ff3fL));
        assertEquals(ERRNO | 1, run(f, AUDIT_X86_64, nr(Arch.X86_64, "lstat"), 0, 0x1334_0000_0000_ff3fL));
    }

    @Test
    void severalRulesForOneSyscall() {
        // conditional rules: first match in spec order
        Spec.Seccomp s = profile("SCMP_ACT_ALLOW", null, X86_ALL,
                rule("SCMP_ACT_ERRNO", 5L, List.of("read"), new Spec.SyscallArg(0, 3, 0, "SCMP_CMP_EQ")),
                rule("SCMP_ACT_KILL_PROCESS", null, List.of("read"), new Spec.SyscallArg(0, 3, 0, "SCMP_CMP_GE"), new Spec.SyscallArg(1, 10, 0, "SCMP_CMP_LT")),
                rule("SCMP_ACT_ALLOW", null, List.of("read")), // repeats the default: dropped
                rule("SCMP_ACT_TRAP", null, List.of("write"), new Spec.SyscallArg(0, 1, 0, "SCMP_CMP_EQ")),
                rule("SCMP_ACT_LOG", null, List.of("write")),
                rule("SCMP_ACT_ERRNO", 9L, List.of("write")));
        CompiledFilter f = assertAgrees(s, Arch.X86_64, 7);
        assertEquals(ERRNO | 5, run(f, AUDIT_X86_64, 0, 3, 9));
        assertEquals(KILL_PROCESS, run(f, AUDIT_X86_64, 0, 4, 9));
        assertEquals(ALLOW, run(f, AUDIT_X86_64, 0, 4, 10));
        // an unconditional rule decides, whatever the conditional ones say; the first of them wins
        assertEquals(IntendedDecision.LOG, run(f, AUDIT_X86_64, 1, 1));
        assertEquals(IntendedDecision.LOG, run(f, AUDIT_X86_64, 1, 2));
    }

    @Test
    void randomProfilesMatchTheirIntent() {
        Random rnd = new Random(42);
        String[] actions = {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP", "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_KILL"};
        String[] ops = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};
        for (int iter = 0; iter < 60; iter++) {
            Arch host = iter % 3 == 0 ? Arch.AARCH64 : Arch.X86_64;
            SyscallPool pool = new SyscallPool(host, rnd);
            List<Spec.SyscallRule> rules = new ArrayList<>();
            int n = 1 + rnd.nextInt(12);
            for (int r = 0; r < n; r++) {
                String action = actions[rnd.nextInt(actions.length)];
                Long errno = action.equals("SCMP_ACT_ERRNO") || action.equals("SCMP_ACT_TRACE") ? (rnd.nextBoolean() ? null : (long) rnd.nextInt(200)) : null;
                List<Spec.SyscallArg> args = new ArrayList<>();
                int na = rnd.nextInt(4);
                for (int a = 0; a < na; a++) {
                    long value = switch (rnd.nextInt(4)) {
                        case 0 -> rnd.nextInt(16);
                        case 1 -> rnd.nextLong();
                        case 2 -> (rnd.nextLong() & 0xffffffff00000000L) | 0x80000000L; // halves differ in sign bit
                        default -> 0xffffffffL + rnd.nextInt(3) - 1;
                    };
                    long two = rnd.nextBoolean() ? value & rnd.nextLong() : rnd.nextLong();
                    args.add(new Spec.SyscallArg(rnd.nextInt(6), value, two, ops[rnd.nextInt(ops.length)]));
                }
                rules.add(new Spec.SyscallRule(pool.names(1 + rnd.nextInt(3)), action, errno, args));
            }
            String def = actions[rnd.nextInt(actions.length)];
            Long defErrno = def.equals("SCMP_ACT_ERRNO") && rnd.nextBoolean() ? 38L : null;
            List<String> arches = new ArrayList<>(host.compatible().stream().map(Arch::scmpName).toList());
            if (rnd.nextBoolean() && arches.size() > 1) arches.remove(1 + rnd.nextInt(arches.size() - 1));
            assertAgrees(new Spec.Seccomp(def, defErrno, arches, null, null, null, rules), host, iter);
        }
    }

    /** Names drawn from a small window of the table so that rules collide on the same syscalls. */
    private record SyscallPool(Arch host, Random rnd) {
        List<String> names(int k) {
            List<String> out = new ArrayList<>();
            int base = rnd.nextInt(Math.max(1, host.table().size() - 20));
            for (int i = 0; i < k; i++) out.add(host.table().nameAt(base + rnd.nextInt(20)));
            if (rnd.nextInt(5) == 0) out.add("not_a_syscall");
            return out;
        }
    }

    @Test
    void manyRulesNeedLongJumps() {
        // 400 rules with conditions over every x86_64 syscall (some syscalls get two rules)
        List<Spec.SyscallRule> rules = new ArrayList<>();
        Arch t = Arch.X86_64;
        for (int i = 0; i < 400; i++) {
            String name = t.table().nameAt(i % t.table().size());
            rules.add(rule(i % 2 == 0 ? "SCMP_ACT_ALLOW" : "SCMP_ACT_TRAP", null, List.of(name),
                    new Spec.SyscallArg(i % 6, i * 0x1_0000_0001L, 0, i % 3 == 0 ? "SCMP_CMP_LE" : "SCMP_CMP_NE")));
        }
        Spec.Seccomp s = new Spec.Seccomp("SCMP_ACT_ERRNO", null, List.of("SCMP_ARCH_X86_64"), null, null, null, rules);
        CompiledFilter f = assertAgrees(s, Arch.X86_64, 8);
        assertTrue(f.instructionCount() > 1000, "stress profile should be large: " + f.instructionCount());
        boolean longJump = false;
        for (int i = 0; i < f.instructionCount(); i++) {
            if (f.code(i) == SeccompCompiler.JMP_JA && f.k(i) > 255) longJump = true;
        }
        assertTrue(longJump, "expected BPF_JA long jumps in a program of " + f.instructionCount());
    }

    @Test
    void tooLargeProgramsFailClearly() {
        List<Spec.SyscallRule> rules = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            List<Spec.SyscallArg> args = new ArrayList<>();
            for (int a = 0; a < 6; a++) args.add(new Spec.SyscallArg(a, i + a, 0, "SCMP_CMP_GT"));
            rules.add(rule("SCMP_ACT_ALLOW", null, List.of(Arch.X86_64.table().nameAt(i)), args.toArray(Spec.SyscallArg[]::new)));
        }
        SeccompException e = assertThrows(SeccompException.class,
                () -> SeccompCompiler.compile(new Spec.Seccomp("SCMP_ACT_ERRNO", null, X86_ALL, null, null, null, rules), Arch.X86_64));
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
    }

    @Test
    void dispatchIsABinarySearch() throws Exception {
        assumeTrue(Fixtures.present("docker-create-config-memory.json"), "docker fixture missing");
        Spec.Seccomp s = Fixtures.seccomp("docker-create-config-memory.json");
        CompiledFilter f = SeccompCompiler.compile(s, Arch.X86_64);
        BpfInterpreter bpf = BpfInterpreter.of(f, false);
        int worst = 0;
        for (int nr = 0; nr < 600; nr++) {
            if (nr == nr(Arch.X86_64, "clone") || nr == nr(Arch.X86_64, "personality")) continue;
            bpf.run(nr, AUDIT_X86_64, 0, NO_ARGS);
            worst = Math.max(worst, bpf.steps);
        }
        System.out.printf("docker profile: worst case %d instructions per syscall (x86_64)%n", worst);
        // ~100 ranges: a linear chain would need ~100 tests, a balanced tree ~7 plus arch check and loads
        assertTrue(worst <= 16, "worst case " + worst + " instructions per syscall");
    }

    @Test
    void nativeArchAndHostCompile() {
        assumeTrue(Arch.nativeArch() != null, "unknown host arch");
        assertEquals(Arch.nativeArch(), SeccompCompiler.nativeArch());
        CompiledFilter f = SeccompCompiler.compileForHost(SeccompProfiles.defaultFor(Set.of()));
        assertTrue(f.instructionCount() > 10);
    }
}
