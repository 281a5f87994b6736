package io.jrun.core.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jrun.core.sandbox.SandboxConfig;
import io.jrun.core.spec.Spec;
import io.jrun.core.spec.SpecValidator;
import io.jrun.core.spec.SpecWriter;
import io.jrun.core.spec.SpecReader;
import io.jrun.seccomp.Arch;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `jrun spec --sandbox` (docs/sandbox.md): what its filter decides, and the rest of the config. */
class SandboxProfileTest {
    private static final int ALLOW = 0x7fff_0000, NOTIFY = 0x7fc0_0000, KILL_PROCESS = 0x8000_0000;
    private static final int AUDIT_X86_64 = 0xc000003e, AUDIT_I386 = 0x40000003;

    private static final CompiledFilter F =
            SeccompCompiler.compile(SandboxConfig.seccomp(Arch.X86_64, "/run/agent.sock"), Arch.X86_64);

    private static int run(String name, long... args) {
        long[] a = new long[6];
        System.arraycopy(args, 0, a, 0, args.length);
        return BpfInterpreter.of(F, false).run(Arch.X86_64.table().number(name), AUDIT_X86_64, 0, a);
    }

    @Test
    void computingCallsAreAllowedEverythingElseGoesToTheListener() {
        assertTrue(F.needsListener());
        for (String s : SandboxConfig.ALLOWED) assertEquals(ALLOW, run(s), s);
        for (String s : new String[] {"socket", "ptrace", "mount", "execve", "clone", "clone3", "fork", "openat",
                "unshare", "setns", "bpf", "keyctl", "connect", "kill_doesnotexist"}) {
            if (Arch.X86_64.table().number(s) < 0) continue;
            assertEquals(NOTIFY, run(s), s);
        }
    }

    @Test
    void conditionalCallsNeedTheirArguments() {
        assertEquals(ALLOW, run("newfstatat", 1, 0, 0, 0x1000), "fstat of an open fd");
        assertEquals(NOTIFY, run("newfstatat", -100, 0, 0, 0), "stat of a path");
        assertEquals(ALLOW, run("prlimit64", 0, 3, 0, 0x7000), "reading a limit");
        assertEquals(NOTIFY, run("prlimit64", 0, 3, 0x7000, 0), "setting one");
        assertEquals(ALLOW, run("ioctl", 1, 0x5401), "isatty");
        assertEquals(NOTIFY, run("ioctl", 1, 0x5412), "TIOCSTI");
        assertEquals(NOTIFY, run("ioctl", 1, 0x1_0000_5401L), "upper bits the kernel drops are not TCGETS here");
        assertEquals(ALLOW, run("prctl", 15), "PR_SET_NAME");
        assertEquals(NOTIFY, run("prctl", 22), "PR_SET_SECCOMP");
    }

    @Test
    void otherAbisAreKilled() {
        assertEquals(KILL_PROCESS, BpfInterpreter.of(F, false).run(3, AUDIT_I386, 0, new long[6]));
    }

    @Test
    void configIsAValidSandbox(@TempDir Path bundle) throws Exception {
        java.nio.file.Files.createDirectory(bundle.resolve("rootfs"));
        Spec s = SandboxConfig.create(Arch.X86_64, "/run/agent.sock");
        Spec back = SpecReader.parseConfig(SpecWriter.write(s));
        SpecValidator.validate(back, bundle);
        assertTrue(back.root().readonly());
        assertTrue(back.process().noNewPrivileges());
        assertEquals(java.util.List.of(), back.process().capabilities().bounding());
        assertTrue(back.linux().namespaces().stream().anyMatch(n -> n.type().equals("network") && n.path() == null));
        assertEquals(32, back.linux().resources().pids().limit());
        assertEquals("/run/agent.sock", back.linux().seccomp().listenerPath());
        assertTrue(back.mounts().stream().anyMatch(m -> m.destination().equals("/tmp") && m.options().contains("size=16m")));
        assertTrue(back.process().rlimits().contains(new Spec.Rlimit("RLIMIT_CORE", 0, 0)));
    }

    /**
     * The cost of an allowed call, counted without a clock: BPF instructions the kernel runs for it, under the
     * sandbox's filter and under `jrun spec`'s default profile (docs/sandbox.md "Numbers"). Both are a binary
     * search on the syscall number, so an allowed call costs about the same; the sandbox's may not be dearer
     * by more than a few comparisons.
     */
    @Test
    void anAllowedCallCostsAboutWhatTheDefaultProfileCharges() {
        CompiledFilter def = SeccompCompiler.compile(
                SeccompProfiles.defaultFor(java.util.Set.copyOf(io.jrun.core.spec.DefaultSpec.create().process().capabilities().bounding()), Arch.X86_64),
                Arch.X86_64);
        StringBuilder report = new StringBuilder("BPF instructions per call (sandbox/default):");
        for (String name : new String[] {"read", "write", "getppid", "clock_gettime", "futex", "mmap", "exit_group"}) {
            int nr = Arch.X86_64.table().number(name);
            BpfInterpreter sb = BpfInterpreter.of(F, false), df = BpfInterpreter.of(def, false);
            sb.run(nr, AUDIT_X86_64, 0, new long[6]);
            df.run(nr, AUDIT_X86_64, 0, new long[6]);
            report.append(' ').append(name).append(' ').append(sb.steps).append('/').append(df.steps);
            assertTrue(sb.steps <= df.steps + 4, name + ": " + sb.steps + " vs " + df.steps);
        }
        System.out.println(report.append("; program ").append(F.instructionCount()).append('/')
                .append(def.instructionCount()).append(" instructions"));
    }
}
