package io.jrun.core;

import io.jrun.core.cgroup.Cgroups;
import io.jrun.core.cgroup.SystemdCgroupManager;
import io.jrun.core.launch.MountOptions;
import io.jrun.core.spec.Capabilities;
import java.util.List;

/**
 * The runtime-spec features document (features.md) for {@code jrun features}. It must stay truthful: each
 * list names only what this build implements, and grows as features land.
 */
public final class Features {
    /** Hooks jrun runs. */
    public static final List<String> HOOKS = List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop");
    public static final boolean SECCOMP = true;
    public static final List<String> SECCOMP_ACTIONS = List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
            "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
            "SCMP_ACT_TRAP");
    public static final List<String> SECCOMP_OPERATORS = List.of("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
            "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE");
    public static final List<String> SECCOMP_ARCHS = List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_PPC64LE",
            "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390X", "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64");
    public static final List<String> SECCOMP_FLAGS = List.of("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
            "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
    public static final boolean CGROUP_V1 = true, CGROUP_V2 = true;

    private Features() {}

    /**
     * Why the systemd cgroup driver cannot work on this host, or null when it can: features.md's
     * linux.cgroup.systemd says whether the driver is usable, so it is the host's answer, not the build's.
     */
    static String systemdUnavailable() {
        try {
            return SystemdCgroupManager.unavailable(Cgroups.host());
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    public static String json() {
        return json(null);
    }

    /** With {@code criuPath} (--criu, or null for jrun's own): whether checkpoint/restore works here. */
    public static String json(String criuPath) {
        String noSystemd = systemdUnavailable();
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"ociVersionMin\": \"1.0.0\",\n  \"ociVersionMax\": \"").append(Version.SPEC).append("\",\n");
        sb.append("  \"hooks\": ").append(list(HOOKS, "  ")).append(",\n");
        sb.append("  \"mountOptions\": ").append(list(MountOptions.names(), "  ")).append(",\n");
        sb.append("  \"linux\": {\n");
        sb.append("    \"namespaces\": ").append(list(List.of("cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"), "    ")).append(",\n");
        sb.append("    \"capabilities\": ").append(list(Capabilities.names(), "    ")).append(",\n");
        sb.append("    \"cgroup\": {\n      \"v1\": ").append(CGROUP_V1).append(",\n      \"v2\": ").append(CGROUP_V2)
                .append(",\n      \"systemd\": ").append(noSystemd == null).append(",\n      \"systemdUser\": false,\n      \"rdma\": true\n    },\n");
        sb.append("    \"seccomp\": {\n      \"enabled\": ").append(SECCOMP).append(",\n")
                .append("      \"actions\": ").append(list(SECCOMP_ACTIONS, "      ")).append(",\n")
                .append("      \"operators\": ").append(list(SECCOMP_OPERATORS, "      ")).append(",\n")
                .append("      \"archs\": ").append(list(SECCOMP_ARCHS, "      ")).append(",\n")
                .append("      \"knownFlags\": ").append(list(SECCOMP_FLAGS, "      ")).append(",\n")
                .append("      \"supportedFlags\": ").append(list(SECCOMP_FLAGS, "      ")).append("\n    },\n");
        sb.append("    \"apparmor\": {\n      \"enabled\": false\n    },\n");
        sb.append("    \"selinux\": {\n      \"enabled\": false\n    },\n");
        sb.append("    \"intelRdt\": {\n      \"enabled\": false\n    },\n");
        sb.append("    \"mountExtensions\": {\n      \"idmap\": {\n        \"enabled\": true\n      }\n    }\n");
        // Which cgroup drivers work here, and why systemd's does not (a plain sentence, no JSON escaping needed)
        sb.append("  },\n  \"annotations\": {\n    \"io.github.jrun.cgroupDrivers\": \"")
                .append(noSystemd == null ? "cgroupfs, systemd" : "cgroupfs (systemd: " + noSystemd + ")")
                .append("\",\n").append(rootlessAnnotations())
                .append("    \"io.github.jrun.checkpoint\": \"").append(Json.escape(checkpoint(criuPath)))
                .append("\",\n    \"io.github.jrun.version\": \"").append(Version.version()).append("\"\n  }\n}");
        return sb.toString();
    }

    /**
     * What rootless jrun can do on this host for this caller (docs/rootless.md): whether the caller is rootless
     * (--rootless auto), whether unprivileged user namespaces are allowed, whether newuidmap/newgidmap are there
     * for mappings beyond the caller's own id, and whether the caller can create containers' cgroups (without,
     * containers run in no cgroup of their own and linux.resources fails).
     */
    static String rootlessAnnotations() {
        StringBuilder sb = new StringBuilder();
        sb.append("    \"io.github.jrun.rootless\": \"").append(Rootless.resolve("auto")).append("\",\n");
        sb.append("    \"io.github.jrun.rootless.userns\": \"").append(unprivilegedUserns()).append("\",\n");
        sb.append("    \"io.github.jrun.rootless.newuidmap\": \"")
                .append(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/newuidmap"))
                        && java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/newgidmap"))).append("\",\n");
        String cg;
        try {
            java.nio.file.Path denied = RootlessCgroups.firstUnwritable(
                    Cgroups.open(null, "features", false, Rootless.resolve("auto")).paths().values());
            cg = denied == null ? "writable" : "none (" + denied.getParent() + " is not writable)";
        } catch (RuntimeException e) {
            cg = "none (" + e.getMessage().replace('"', '\'') + ")";
        }
        sb.append("    \"io.github.jrun.rootless.cgroup\": \"").append(cg).append("\",\n");
        return sb.toString();
    }

    /** Debian's kernel.unprivileged_userns_clone (absent upstream) and user.max_user_namespaces. */
    private static boolean unprivilegedUserns() {
        return !"0".equals(sysctl("kernel/unprivileged_userns_clone")) && !"0".equals(sysctl("user/max_user_namespaces"));
    }

    private static String sysctl(String name) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys", name)).trim();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * runc reports org.opencontainers.runc.checkpoint.enabled; jrun says which criu and whether `criu check` passes
     * on this kernel (docs/checkpoint.md "Which CRIU").
     */
    private static String checkpoint(String criuPath) {
        String why = io.jrun.core.criu.Criu.unavailable(criuPath);
        if (why != null) return "disabled: " + why;
        return "enabled (" + io.jrun.core.criu.Criu.locate(criuPath).binary() + ")";
    }

    private static String list(List<String> items, String indent) {
        if (items.isEmpty()) return "[]";
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < items.size(); i++) {
            sb.append(indent).append("  \"").append(items.get(i)).append('"').append(i + 1 < items.size() ? ",\n" : "\n");
        }
        return sb.append(indent).append(']').toString();
    }
}
