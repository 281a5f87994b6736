package io.jrun.core.sandbox;

import io.jrun.core.seccomp.SeccompCompiler;
import io.jrun.core.spec.DefaultSpec;
import io.jrun.core.spec.Spec;
import io.jrun.seccomp.Arch;
import io.jrun.seccomp.SyscallTable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code jrun spec --sandbox} writes (docs/sandbox.md): a config for a program that must only compute.
 * runc's default config, then: no capabilities, noNewPrivileges, a new (empty) network namespace, a read-only
 * root, a size-limited tmpfs /tmp, pids/memory/CPU limits, rlimits (core 0, nofile, fsize), and a seccomp
 * allowlist whose every other syscall is sent to the sandbox agent's listener (SCMP_ACT_NOTIFY).
 */
public final class SandboxConfig {
    private SandboxConfig() {}

    /** Where {@code jrun sandbox-agent} listens by default, and the config's linux.seccomp.listenerPath. */
    public static final String DEFAULT_SOCKET = "/run/jrun-sandbox/agent.sock";

    /**
     * The allowlist: read/write on fds already open, memory, time, exit, futex and threads' bookkeeping, signals
     * (inside the container's own pid namespace, so only to itself), identity queries, randomness, and what
     * glibc's start-up does. {@code sendmsg} is on it because the helper sends the listener fd with it after the
     * filter is loaded (without fork or socket the program can only reach a socket it was given).
     */
    public static final List<String> ALLOWED = List.of(
            "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2",
            "lseek", "close", "fstat", "dup", "dup3", "fcntl", "poll", "ppoll", "select", "pselect6", "sendmsg",
            "brk", "mmap", "munmap", "mremap", "mprotect", "madvise",
            "clock_gettime", "clock_getres", "clock_nanosleep", "gettimeofday", "time", "nanosleep",
            "exit", "exit_group", "futex", "set_robust_list", "get_robust_list", "set_tid_address", "rseq",
            "arch_prctl", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigsuspend",
            "rt_sigtimedwait", "sigaltstack", "kill", "tgkill", "tkill",
            "getpid", "gettid", "getppid", "getuid", "geteuid", "getgid", "getegid",
            "getrandom", "sched_yield", "sched_getaffinity", "readlink");

    private static final long AT_EMPTY_PATH = 0x1000, TCGETS = 0x5401, TIOCGWINSZ = 0x5413, PR_SET_NAME = 15;

    /**
     * Allowed only with these arguments: stat of an open fd (glibc's fstat is newfstatat(fd, "", AT_EMPTY_PATH)),
     * reading (not setting) a resource limit, and the two terminal queries stdio makes (isatty, the window size).
     * Each comes with its complement as a NOTIFY rule: an unconditional rule for a name would override its
     * conditional ones (libseccomp's semantics, which SeccompCompiler follows).
     */
    static List<Spec.SyscallRule> conditional() {
        String allow = "SCMP_ACT_ALLOW", notify = "SCMP_ACT_NOTIFY";
        return List.of(
                rule(List.of("newfstatat"), allow, arg(3, AT_EMPTY_PATH, AT_EMPTY_PATH, "SCMP_CMP_MASKED_EQ")),
                rule(List.of("newfstatat"), notify, arg(3, AT_EMPTY_PATH, 0, "SCMP_CMP_MASKED_EQ")),
                rule(List.of("statx"), allow, arg(2, AT_EMPTY_PATH, AT_EMPTY_PATH, "SCMP_CMP_MASKED_EQ")),
                rule(List.of("statx"), notify, arg(2, AT_EMPTY_PATH, 0, "SCMP_CMP_MASKED_EQ")),
                rule(List.of("prlimit64"), allow, arg(2, 0, 0, "SCMP_CMP_EQ")),
                rule(List.of("prlimit64"), notify, arg(2, 0, 0, "SCMP_CMP_NE")),
                rule(List.of("prctl"), allow, arg(0, PR_SET_NAME, 0, "SCMP_CMP_EQ")),
                rule(List.of("prctl"), notify, arg(0, PR_SET_NAME, 0, "SCMP_CMP_NE")),
                rule(List.of("ioctl"), allow, arg(1, TCGETS, 0, "SCMP_CMP_EQ")),
                rule(List.of("ioctl"), allow, arg(1, TIOCGWINSZ, 0, "SCMP_CMP_EQ")),
                rule(List.of("ioctl"), notify, arg(1, TCGETS, 0, "SCMP_CMP_NE"), arg(1, TIOCGWINSZ, 0, "SCMP_CMP_NE")));
    }

    private static Spec.SyscallArg arg(int index, long value, long valueTwo, String op) {
        return new Spec.SyscallArg(index, value, valueTwo, op);
    }

    private static Spec.SyscallRule rule(List<String> names, String action, Spec.SyscallArg... args) {
        return new Spec.SyscallRule(names, action, null, List.of(args));
    }

    /** The seccomp profile for {@code host}: allowlist, conditional rules, then NOTIFY for every other name. */
    public static Spec.Seccomp seccomp(Arch host, String listenerPath) {
        Set<String> named = new LinkedHashSet<>(ALLOWED);
        List<Spec.SyscallRule> conditional = conditional();
        for (Spec.SyscallRule r : conditional) named.addAll(r.names());
        SyscallTable t = host.table();
        List<String> notify = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            if (!named.contains(t.nameAt(i))) notify.add(t.nameAt(i));
        }
        List<Spec.SyscallRule> rules = new ArrayList<>();
        rules.add(new Spec.SyscallRule(ALLOWED, "SCMP_ACT_ALLOW", null, List.of()));
        rules.addAll(conditional);
        rules.add(new Spec.SyscallRule(notify.stream().sorted().toList(), "SCMP_ACT_NOTIFY", null, List.of()));
        // Numbers no name covers (other ABIs, syscalls newer than the table) kill the process: the listener
        // cannot be the default (the helper's own sendmsg would wait on it; SeccompCompiler).
        return new Spec.Seccomp("SCMP_ACT_KILL_PROCESS", null, List.of(host.scmpName()), List.of(), listenerPath,
                "jrun-sandbox", rules);
    }

    /** The whole config. */
    public static Spec create() {
        return create(SeccompCompiler.nativeArch(), DEFAULT_SOCKET);
    }

    public static Spec create(Arch host, String listenerPath) {
        Spec d = DefaultSpec.create();
        Spec.Process p = d.process();
        List<String> none = List.of();
        Spec.Process process = new Spec.Process(false, null, p.user(), p.args(), null, p.env(), p.cwd(),
                new Spec.Capabilities(none, none, none, none, none),
                List.of(new Spec.Rlimit("RLIMIT_CORE", 0, 0), new Spec.Rlimit("RLIMIT_NOFILE", 64, 64),
                        new Spec.Rlimit("RLIMIT_FSIZE", 64L << 20, 64L << 20)),
                true, null, null, null, null, null, null);
        List<Spec.Mount> mounts = new ArrayList<>();
        for (Spec.Mount m : d.mounts()) {
            // no cgroupfs: a computing program has no use for the host's cgroup tree
            if (!m.destination().equals("/sys/fs/cgroup")) mounts.add(m);
        }
        mounts.add(new Spec.Mount("/tmp", "tmpfs", "tmpfs",
                List.of("nosuid", "nodev", "noexec", "mode=1777", "size=16m"), List.of(), List.of()));
        Spec.Linux l = d.linux();
        Spec.Resources r = new Spec.Resources(l.resources().devices(),
                new Spec.Memory(256L << 20, null, 256L << 20, null, null, null, null, null, null),
                new Spec.Cpu(null, 100_000L, null, 100_000L, null, null, null, null, null),
                new Spec.Pids(32), null, List.of(), null, Map.of(), Map.of());
        Spec.Linux linux = new Spec.Linux(l.namespaces(), l.uidMappings(), l.gidMappings(), l.timeOffsets(),
                l.devices(), l.netDevices(), l.cgroupsPath(), r, l.rootfsPropagation(), seccomp(host, listenerPath),
                l.sysctl(), l.maskedPaths(), l.readonlyPaths(), l.mountLabel(), l.intelRdt(), l.personality());
        return new Spec(d.ociVersion(), new Spec.Root(d.root().path(), true), List.copyOf(mounts), process,
                "sandbox", null, null, Map.of(), linux, List.of());
    }
}
