package io.jrun.core.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Semantic checks of a parsed spec, run before jrun changes anything on the host, so that a bad config fails with
 * one clear line ({@code config.json: <path>: <problem>}) instead of half-created state. The rules are the
 * runtime-spec 1.2 MUSTs (config.md, config-linux.md) plus the few runc adds where the spec leaves an error to the
 * runtime. Checks stop at the first problem.
 */
public final class SpecValidator {
    private SpecValidator() {}

    private static final String CONFIG = "config.json";

    private static final Set<String> NAMESPACE_TYPES =
            Set.of("pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time");

    private static final Set<String> PROPAGATIONS = Set.of(
            "shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable");

    /** config-linux.md "Seccomp": valid values of defaultAction and syscalls[].action. */
    private static final Set<String> SECCOMP_ACTIONS = Set.of(
            "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
            "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY");

    private static final Set<String> SECCOMP_OPS = Set.of(
            "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
            "SCMP_CMP_MASKED_EQ");

    private static final Set<String> SECCOMP_FLAGS = Set.of(
            "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
            "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");

    /** config-linux.md "Seccomp" architectures, plus the newer ones libseccomp names the same way. */
    private static final Set<String> SECCOMP_ARCHES = Set.of(
            "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
            "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
            "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",
            "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
            "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB");

    private static final Set<String> SCHED_POLICIES = Set.of(
            "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE");

    private static final Set<String> SCHED_FLAGS = Set.of(
            "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
            "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX");

    private static final Set<String> IO_CLASSES = Set.of("IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE");

    private static final Set<String> PERSONALITY_DOMAINS = Set.of("LINUX", "LINUX32");

    private static final Set<String> TIME_CLOCKS = Set.of("monotonic", "boottime");

    private static final int MAX_ID_LENGTH = 1024;

    // ---------------------------------------------------------------- entry points

    /**
     * A container ID: 1..1024 of {@code [A-Za-z0-9_+.-]}, not "." or "..", since it names a directory under
     * --root. The message is runc's, which clients may show verbatim.
     */
    public static void validateId(String id) {
        boolean ok = id != null && !id.isEmpty() && id.length() <= MAX_ID_LENGTH && !id.equals(".") && !id.equals("..");
        if (ok) {
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '_' || c == '+' || c == '.' || c == '-';
                if (!allowed) {
                    ok = false;
                    break;
                }
            }
        }
        if (!ok) {
            throw new SpecException("invalid container ID format");
        }
    }

    /**
     * Everything create needs from config.json. {@code bundle} (absolute) resolves a relative root.path; when it is
     * null the root filesystem's existence is not checked.
     */
    public static void validate(Spec spec, Path bundle) {
        if (!nn(spec.unsupportedSections()).isEmpty()) {
            fail(nn(spec.unsupportedSections()).getFirst(), "not supported on Linux");
        }
        if (spec.ociVersion() == null || spec.ociVersion().isEmpty()) {
            fail("ociVersion", "required");
        }
        // config.md "Specification version": a runtime supports the major version it implements.
        if (!spec.ociVersion().startsWith("1.")) {
            fail("ociVersion", "unsupported version " + quote(spec.ociVersion()) + " (jrun implements 1.x)");
        }
        root(spec.root(), bundle);
        if (spec.process() == null) {
            fail("process", "required for create");
        }
        process(CONFIG, "process.", spec.process());
        mounts(nn(spec.mounts()));
        if (spec.hooks() != null) {
            hooks(spec.hooks());
        }
        // config.md makes "linux" optional for the document, but a Linux container without it would share every
        // namespace of the host by omission; refused like youki does (found by the config fuzzer).
        if (spec.linux() == null) {
            fail("linux", "required: jrun runs Linux containers (an empty object shares every host namespace)");
        }
        linux(spec.linux(), spec, bundle != null);
    }

    /** exec's process.json (or the Process built from exec's arguments). */
    public static void validateProcess(Spec.Process process) {
        validateProcess(process, "process.json");
    }

    /** As {@link #validateProcess(Spec.Process)}, messages starting with {@code source}. */
    public static void validateProcess(Spec.Process process, String source) {
        process(source, "", process);
    }

    // ---------------------------------------------------------------- root, mounts, hooks

    private static void root(Spec.Root root, Path bundle) {
        if (root == null || root.path() == null || root.path().isEmpty()) {
            fail("root.path", "required");
        }
        encodable("root.path", root.path());
        if (bundle != null) {
            Path rootfs = bundle.resolve(root.path());
            if (!Files.exists(rootfs)) {
                fail("root.path", "invalid rootfs: stat " + rootfs + ": no such file or directory");
            }
            if (!Files.isDirectory(rootfs)) {
                fail("root.path", "invalid rootfs: " + rootfs + ": not a directory");
            }
        }
    }

    private static void mounts(List<Spec.Mount> mounts) {
        for (int i = 0; i < mounts.size(); i++) {
            Spec.Mount m = mounts.get(i);
            String p = "mounts[" + i + "]";
            if (m.destination() == null || m.destination().isEmpty()) {
                fail(p + ".destination", "required");
            }
            // config.md "Mounts": destination MUST be absolute since 1.2 (runc still takes relative for old
            // configs; jrun rejects it rather than guess what it is relative to).
            if (!m.destination().startsWith("/")) {
                fail(p + ".destination", "must be an absolute path, found " + quote(m.destination())
                        + " (" + describeMount(m) + ")");
            }
            if (!nn(m.uidMappings()).isEmpty() != !nn(m.gidMappings()).isEmpty()) {
                fail(p, "uidMappings and gidMappings must be given together (idmapped mount)");
            }
            idMappings(p + ".uidMappings", nn(m.uidMappings()));
            idMappings(p + ".gidMappings", nn(m.gidMappings()));
            encodable(p + ".destination", m.destination());
            encodable(p + ".source", m.source());
            procMount(p, m);
        }
    }

    /** The files under /proc that tools such as lxcfs replace with their own (runc's list, checkProcMount). */
    private static final Set<String> PROC_REPLACEABLE = Set.of("/proc/cpuinfo",
            "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps", "/proc/uptime", "/proc/loadavg",
            "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid");

    /**
     * CVE-2019-16884 class, runc's checkProcMount: every process in the container (and the helper's sysctl and
     * label writes) trusts what it finds at /proc, so /proc itself must be a procfs, and inside it only a procfs
     * or one of the files lxcfs-style tools replace may be mounted.
     */
    private static void procMount(String p, Spec.Mount m) {
        String dest = Path.of(m.destination()).normalize().toString();
        if (dest.equals("/proc")) {
            if (!"proc".equals(m.type())) {
                fail(p + ".type", "/proc must be mounted with type proc, found " + quote(m.type()));
            }
        } else if (dest.startsWith("/proc/") && !"proc".equals(m.type()) && !PROC_REPLACEABLE.contains(dest)
                && !onProcfs(m.source())) {
            fail(p + ".destination", quote(m.destination()) + " cannot be mounted because it is inside /proc");
        }
    }

    private static boolean onProcfs(String source) {
        if (source == null || !source.startsWith("/")) return false;
        try {
            return "proc".equals(Files.getFileStore(Path.of(source)).type());
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private static String describeMount(Spec.Mount m) {
        String type = m.type() == null ? "mount" : m.type() + " mount";
        return m.source() == null ? type : type + " of " + quote(m.source());
    }

    private static void hooks(Spec.Hooks h) {
        hookList("hooks.prestart", nn(h.prestart()));
        hookList("hooks.createRuntime", nn(h.createRuntime()));
        hookList("hooks.createContainer", nn(h.createContainer()));
        hookList("hooks.startContainer", nn(h.startContainer()));
        hookList("hooks.poststart", nn(h.poststart()));
        hookList("hooks.poststop", nn(h.poststop()));
    }

    private static void hookList(String path, List<Spec.Hook> hooks) {
        for (int i = 0; i < hooks.size(); i++) {
            Spec.Hook h = hooks.get(i);
            String p = path + "[" + i + "]";
            absolute(p + ".path", h.path());
            // config.md "POSIX-platform Hooks": timeout, if set, MUST be greater than zero.
            if (h.timeout() != null && h.timeout() <= 0) {
                fail(p + ".timeout", "must be greater than zero, found " + h.timeout());
            }
        }
    }

    // ---------------------------------------------------------------- process

    private static void process(String file, String prefix, Spec.Process p) {
        if (nn(p.args()).isEmpty()) {
            fail(file, prefix + "args", "must not be empty");
        }
        if (p.cwd() == null || p.cwd().isEmpty()) {
            fail(file, prefix + "cwd", "required");
        }
        if (!p.cwd().startsWith("/")) {
            fail(file, prefix + "cwd", "must be an absolute path, found " + quote(p.cwd()));
        }
        encodable(file, prefix + "cwd", p.cwd());
        Spec.User u = p.user();
        if (u != null && u.umask() != null && u.umask() > 0777) {
            fail(file, prefix + "user.umask", "must be at most 0777 (511), found " + u.umask());
        }
        if (u != null) {
            user(file, prefix + "user", u);
        }
        if (p.capabilities() != null) {
            Spec.Capabilities c = p.capabilities();
            capSet(file, prefix + "capabilities.bounding", c.bounding());
            capSet(file, prefix + "capabilities.effective", c.effective());
            capSet(file, prefix + "capabilities.inheritable", c.inheritable());
            capSet(file, prefix + "capabilities.permitted", c.permitted());
            capSet(file, prefix + "capabilities.ambient", c.ambient());
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < nn(p.rlimits()).size(); i++) {
            Spec.Rlimit r = nn(p.rlimits()).get(i);
            String rp = prefix + "rlimits[" + i + "]";
            if (!Rlimits.isKnown(r.type())) {
                fail(file, rp + ".type", "unknown rlimit " + quote(r.type()));
            }
            // config.md "rlimits": duplicate types MUST be an error.
            if (!seen.add(r.type())) {
                fail(file, rp + ".type", "duplicate rlimit " + r.type());
            }
            if (Long.compareUnsigned(r.soft(), r.hard()) > 0) {
                fail(file, rp, "soft limit " + Long.toUnsignedString(r.soft()) + " is above hard limit "
                        + Long.toUnsignedString(r.hard()));
            }
        }
        if (p.oomScoreAdj() != null && (p.oomScoreAdj() < -1000 || p.oomScoreAdj() > 1000)) {
            fail(file, prefix + "oomScoreAdj", "must be between -1000 and 1000, found " + p.oomScoreAdj());
        }
        if (p.scheduler() != null) {
            scheduler(file, prefix + "scheduler", p.scheduler());
        }
        if (p.ioPriority() != null) {
            if (!in(IO_CLASSES, p.ioPriority().ioClass())) {
                fail(file, prefix + "ioPriority.class", "unknown class " + quote(p.ioPriority().ioClass())
                        + " (want IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE)");
            }
            int prio = p.ioPriority().priority();
            if (prio < 0 || prio > 7) {
                fail(file, prefix + "ioPriority.priority", "must be between 0 and 7, found " + prio);
            }
        }
    }

    /**
     * uid_t is unsigned, but 4294967295 is (uid_t) -1, which setresuid(2) and setresgid(2) read as "leave this
     * id unchanged": a process configured to run as that id kept the root it started with. runc refuses ids
     * above the signed range with these words; so does jrun.
     */
    private static void user(String file, String path, Spec.User u) {
        id(file, path + ".uid", u.uid());
        id(file, path + ".gid", u.gid());
        for (int i = 0; i < nn(u.additionalGids()).size(); i++) {
            Long g = nn(u.additionalGids()).get(i);
            id(file, path + ".additionalGids[" + i + "]", g == null ? 0 : g);
        }
    }

    static final long MAX_ID = Integer.MAX_VALUE;

    private static void id(String file, String path, long id) {
        if (id < 0 || id > MAX_ID) {
            fail(file, path, "uids and gids must be in range 0-" + MAX_ID);
        }
    }

    /**
     * User namespace and idmapped-mount mappings: each end of a range must stay inside 0..2^31-1, so that no
     * id of the container maps to, or from, (uid_t) -1 (see {@link #user}).
     */
    private static void idMappings(String path, List<Spec.IdMapping> maps) {
        for (int i = 0; i < maps.size(); i++) {
            Spec.IdMapping m = maps.get(i);
            String p = path + "[" + i + "]";
            id(CONFIG, p + ".containerID", m.containerID());
            id(CONFIG, p + ".hostID", m.hostID());
            if (m.size() > 0 && Math.max(m.containerID(), m.hostID()) + m.size() - 1 > MAX_ID) {
                fail(p + ".size", "uids and gids must be in range 0-" + MAX_ID);
            }
        }
    }

    private static void capSet(String file, String path, List<String> caps) {
        if (caps == null) {
            return;
        }
        for (int i = 0; i < caps.size(); i++) {
            if (!Capabilities.isKnown(caps.get(i))) {
                fail(file, path + "[" + i + "]", "unknown capability " + quote(caps.get(i)));
            }
        }
    }

    private static void scheduler(String file, String path, Spec.Scheduler s) {
        if (!in(SCHED_POLICIES, s.policy())) {
            fail(file, path + ".policy", "unknown policy " + quote(s.policy()));
        }
        for (int i = 0; i < nn(s.flags()).size(); i++) {
            if (!in(SCHED_FLAGS, nn(s.flags()).get(i))) {
                fail(file, path + ".flags[" + i + "]", "unknown flag " + quote(nn(s.flags()).get(i)));
            }
        }
        if (s.nice() != null && (s.nice() < -20 || s.nice() > 19)) {
            fail(file, path + ".nice", "must be between -20 and 19, found " + s.nice());
        }
        // sched_setattr(2): a static priority exists only for the real-time policies (1..99).
        boolean realtime = s.policy().equals("SCHED_FIFO") || s.policy().equals("SCHED_RR");
        if (s.priority() != null && s.priority() != 0) {
            if (!realtime) {
                fail(file, path + ".priority", "can only be set for SCHED_FIFO or SCHED_RR");
            }
            if (s.priority() < 1 || s.priority() > 99) {
                fail(file, path + ".priority", "must be between 1 and 99, found " + s.priority());
            }
        }
    }

    // ---------------------------------------------------------------- linux

    /** {@code checkHost}: also check what the host must provide (namespace paths exist). */
    private static void linux(Spec.Linux l, Spec spec, boolean checkHost) {
        Set<String> types = new HashSet<>();
        for (int i = 0; i < nn(l.namespaces()).size(); i++) {
            Spec.Namespace ns = nn(l.namespaces()).get(i);
            String p = "linux.namespaces[" + i + "]";
            if (!in(NAMESPACE_TYPES, ns.type())) {
                fail(p + ".type", "unknown namespace type " + quote(ns.type()));
            }
            // config-linux.md "Namespaces": a type listed twice MUST be an error.
            if (!types.add(ns.type())) {
                fail(p + ".type", "duplicate namespace " + quote(ns.type()));
            }
            if (ns.path() != null && !ns.path().isEmpty() && !ns.path().startsWith("/")) {
                fail(p + ".path", "must be an absolute path, found " + quote(ns.path()));
            }
            // Checked here, before anything exists on the host, rather than by the helper's open(2): the
            // error then names the field instead of a bare path from deep inside create.
            if (checkHost && ns.path() != null && !ns.path().isEmpty() && !Files.exists(Path.of(ns.path()))) {
                fail(p + ".path", "open " + ns.path() + ": no such file or directory");
            }
        }
        // config-linux.md "User namespace mappings" / "Offset for Time Namespace": without the namespace the
        // values would be ignored silently, so they are an error.
        if (!types.contains("user")) {
            if (!nn(l.uidMappings()).isEmpty()) {
                fail("linux.uidMappings", "requires a user namespace in linux.namespaces");
            }
            if (!nn(l.gidMappings()).isEmpty()) {
                fail("linux.gidMappings", "requires a user namespace in linux.namespaces");
            }
        }
        idMappings("linux.uidMappings", nn(l.uidMappings()));
        idMappings("linux.gidMappings", nn(l.gidMappings()));
        if (!nn(l.timeOffsets()).isEmpty() && !types.contains("time")) {
            fail("linux.timeOffsets", "requires a time namespace in linux.namespaces");
        }
        for (Map.Entry<String, Spec.TimeOffset> e : nn(l.timeOffsets()).entrySet()) {
            String p = "linux.timeOffsets[" + quote(e.getKey()) + "]";
            if (!in(TIME_CLOCKS, e.getKey())) {
                fail(p, "unknown clock (want monotonic or boottime)");
            }
            if (e.getValue().nanosecs() >= 1_000_000_000L) {
                fail(p + ".nanosecs", "must be below 1000000000, found " + e.getValue().nanosecs());
            }
        }
        // runc refuses a hostname it could only set on the host's UTS namespace.
        if (spec.hostname() != null && !spec.hostname().isEmpty() && !types.contains("uts")) {
            fail("hostname", "requires a new uts namespace");
        }
        if (spec.domainname() != null && !spec.domainname().isEmpty() && !types.contains("uts")) {
            fail("domainname", "requires a new uts namespace");
        }
        for (Map.Entry<String, String> e : nn(l.sysctl()).entrySet()) {
            if (e.getKey().isBlank()) {
                fail("linux.sysctl", "empty key");
            }
            sysctl(e.getKey(), types);
        }
        if (l.rootfsPropagation() != null && !l.rootfsPropagation().isEmpty()
                && !in(PROPAGATIONS, l.rootfsPropagation())) {
            fail("linux.rootfsPropagation", "unknown propagation " + quote(l.rootfsPropagation())
                    + " (want shared, slave, private, unbindable or their r-prefixed forms)");
        }
        devices(nn(l.devices()));
        if (l.resources() != null) {
            deviceRules(nn(l.resources().devices()));
        }
        if (l.seccomp() != null) {
            seccomp(l.seccomp());
        }
        pathList("linux.maskedPaths", nn(l.maskedPaths()));
        pathList("linux.readonlyPaths", nn(l.readonlyPaths()));
        if (l.personality() != null && !in(PERSONALITY_DOMAINS, l.personality().domain())) {
            fail("linux.personality.domain", "unknown domain " + quote(l.personality().domain())
                    + " (want LINUX or LINUX32)");
        }
    }

    /**
     * The helper writes sysctls into the container's /proc/sys, which is the host's for every key that no
     * namespace of the container owns: such a key would change the host (kernel.panic, say). Only keys of a
     * namespace the config lists are accepted, as runc does, with runc's messages.
     */
    static void sysctl(String key, Set<String> namespaceTypes) {
        if (IPC_SYSCTLS.contains(key) || key.startsWith("fs.mqueue.")) {
            if (!namespaceTypes.contains("ipc")) {
                fail("linux.sysctl", "sysctl " + quote(key) + " is not allowed in the hosts ipc namespace");
            }
            return;
        }
        if (key.startsWith("net.")) {
            if (!namespaceTypes.contains("network")) {
                fail("linux.sysctl", "sysctl " + quote(key) + " is not allowed in the hosts network namespace");
            }
            return;
        }
        if (namespaceTypes.contains("uts")) {
            // kernel.domainname has no config field of its own; kernel.hostname has one (hostname), and two
            // sources for one value would leave the result to the order they are applied in.
            if (key.equals("kernel.domainname")) {
                return;
            }
            if (key.equals("kernel.hostname")) {
                fail("linux.sysctl", "sysctl " + quote(key) + " is not allowed as it conflicts with the OCI \"hostname\" field");
            }
        }
        fail("linux.sysctl", "sysctl " + quote(key) + " is not in a separate kernel namespace");
    }

    /** The System V IPC sysctls an IPC namespace owns (ipc_namespaces(7)). */
    private static final Set<String> IPC_SYSCTLS = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
            "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");

    private static void devices(List<Spec.Device> devices) {
        for (int i = 0; i < devices.size(); i++) {
            Spec.Device d = devices.get(i);
            String p = "linux.devices[" + i + "]";
            String t = d.type();
            if (t == null || !(t.equals("c") || t.equals("b") || t.equals("u") || t.equals("p"))) {
                fail(p + ".type", "unknown device type " + quote(t) + " (want c, b, u or p)");
            }
            if (d.path() == null || !d.path().startsWith("/dev/")) {
                fail(p + ".path", "must be an absolute path under /dev, found " + quote(d.path()));
            }
            // config-linux.md "Devices": major and minor are required for c, b and u, meaningless for p.
            if (!t.equals("p") && (d.major() == null || d.minor() == null)) {
                fail(p, "major and minor are required for a device of type " + t);
            }
            deviceNumber(p + ".major", d.major(), false);
            deviceNumber(p + ".minor", d.minor(), false);
            if (d.uid() != null) {
                id(CONFIG, p + ".uid", d.uid());
            }
            if (d.gid() != null) {
                id(CONFIG, p + ".gid", d.gid());
            }
        }
    }

    private static void deviceRules(List<Spec.DeviceRule> rules) {
        for (int i = 0; i < rules.size(); i++) {
            Spec.DeviceRule r = rules.get(i);
            String p = "linux.resources.devices[" + i + "]";
            String t = r.type();
            if (t != null && !(t.equals("a") || t.equals("c") || t.equals("b"))) {
                fail(p + ".type", "unknown device type " + quote(t) + " (want a, c or b)");
            }
            deviceNumber(p + ".major", r.major(), true);
            deviceNumber(p + ".minor", r.minor(), true);
            String access = r.access();
            if (access != null) {
                for (int k = 0; k < access.length(); k++) {
                    char c = access.charAt(k);
                    if (c != 'r' && c != 'w' && c != 'm') {
                        fail(p + ".access", "must be a combination of r, w and m, found " + quote(access));
                    }
                }
            }
        }
    }

    /**
     * A device number is a u32 (makedev(3), the eBPF device program's context). In a device rule, absent or -1
     * means "all", runc's reading; any other negative number used to become the wildcard too ("c *:* rwm" in
     * devices.allow, no check in the eBPF program), widening a rule meant for one device to every device of
     * its type.
     */
    private static void deviceNumber(String path, Long v, boolean wildcard) {
        if (v == null || (wildcard && v == -1)) {
            return;
        }
        if (v < 0 || v > 0xFFFF_FFFFL) {
            fail(path, (wildcard ? "must be -1 (all) or a device number" : "must be a device number")
                    + " from 0 to 4294967295, found " + v);
        }
    }

    private static void seccomp(Spec.Seccomp s) {
        String p = "linux.seccomp";
        if (s.defaultAction() == null || s.defaultAction().isEmpty()) {
            fail(p + ".defaultAction", "required");
        }
        if (!in(SECCOMP_ACTIONS, s.defaultAction())) {
            fail(p + ".defaultAction", "unknown action " + quote(s.defaultAction()));
        }
        boolean notify = s.defaultAction().equals("SCMP_ACT_NOTIFY");
        for (int i = 0; i < nn(s.architectures()).size(); i++) {
            if (!in(SECCOMP_ARCHES, nn(s.architectures()).get(i))) {
                fail(p + ".architectures[" + i + "]", "unknown architecture " + quote(nn(s.architectures()).get(i)));
            }
        }
        for (int i = 0; i < nn(s.flags()).size(); i++) {
            if (!in(SECCOMP_FLAGS, nn(s.flags()).get(i))) {
                fail(p + ".flags[" + i + "]", "unknown flag " + quote(nn(s.flags()).get(i)));
            }
        }
        for (int i = 0; i < nn(s.syscalls()).size(); i++) {
            Spec.SyscallRule r = nn(s.syscalls()).get(i);
            String rp = p + ".syscalls[" + i + "]";
            if (nn(r.names()).isEmpty()) {
                fail(rp + ".names", "must not be empty");
            }
            if (r.action() == null || !in(SECCOMP_ACTIONS, r.action())) {
                fail(rp + ".action", "unknown action " + quote(r.action()));
            }
            notify |= r.action().equals("SCMP_ACT_NOTIFY");
            for (int k = 0; k < nn(r.args()).size(); k++) {
                Spec.SyscallArg a = nn(r.args()).get(k);
                String ap = rp + ".args[" + k + "]";
                // A system call has at most six arguments (seccomp_data.args[6]).
                if (a.index() < 0 || a.index() > 5) {
                    fail(ap + ".index", "must be between 0 and 5, found " + a.index());
                }
                if (a.op() == null || !in(SECCOMP_OPS, a.op())) {
                    fail(ap + ".op", "unknown operator " + quote(a.op()));
                }
            }
        }
        // config-linux.md "Seccomp": listenerPath MUST be set when SCMP_ACT_NOTIFY is used.
        if (notify && (s.listenerPath() == null || s.listenerPath().isEmpty())) {
            fail(p + ".listenerPath", "required when SCMP_ACT_NOTIFY is used");
        }
    }

    private static void pathList(String path, List<String> paths) {
        for (int i = 0; i < paths.size(); i++) {
            absolute(path + "[" + i + "]", paths.get(i));
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void absolute(String path, String value) {
        if (value == null || value.isEmpty()) {
            fail(path, "required");
        }
        if (!value.startsWith("/")) {
            fail(path, "must be an absolute path, found " + quote(value));
        }
        encodable(path, value);
    }

    private static void encodable(String path, String value) {
        encodable(CONFIG, path, value);
    }

    /**
     * java.nio cannot name a path that the platform encoding cannot encode (a lone surrogate, or any non-ASCII
     * character when jrun runs in the C locale, as under a service manager): refused here by field, before
     * anything reaches Path.of (found by the config fuzzer, docs/fuzzing.md).
     */
    private static void encodable(String file, String path, String value) {
        if (value == null) return;
        try {
            Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            fail(file, path, "cannot be used as a path in this locale, found " + quote(value));
        }
    }

    /** Records built in code (exec's command-line process) may hold null where the reader gives empty. */
    private static <T> List<T> nn(List<T> l) {
        return l == null ? List.of() : l;
    }

    private static <K, V> Map<K, V> nn(Map<K, V> m) {
        return m == null ? Map.of() : m;
    }

    /** Set.of(...).contains(null) throws; a missing value is simply not in the set. */
    private static boolean in(Set<String> set, String value) {
        return value != null && set.contains(value);
    }

    /** Values are quoted bounded ({@link io.jrun.core.Json#quoteValue}): some are kilobytes long. */
    private static String quote(String s) {
        return s == null ? "nothing" : io.jrun.core.Json.quoteValue(s);
    }

    private static void fail(String path, String problem) {
        fail(CONFIG, path, problem);
    }

    private static void fail(String file, String path, String problem) {
        throw new SpecException(file + ": " + path + ": " + problem);
    }
}
