package io.jrun.core;

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
    public static final boolean SECCOMP = false;
    public static final boolean CGROUP_V1 = true, CGROUP_V2 = true, CGROUP_SYSTEMD = false;

    private Features() {}

    public static String json() {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"ociVersionMin\": \"1.0.0\",\n  \"ociVersionMax\": \"").append(Version.SPEC).append("\",\n");
        sb.append("  \"hooks\": ").append(list(HOOKS, "  ")).append(",\n");
        sb.append("  \"mountOptions\": ").append(list(MountOptions.names(), "  ")).append(",\n");
        sb.append("  \"linux\": {\n");
        sb.append("    \"namespaces\": ").append(list(List.of("cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"), "    ")).append(",\n");
        sb.append("    \"capabilities\": ").append(list(Capabilities.names(), "    ")).append(",\n");
        sb.append("    \"cgroup\": {\n      \"v1\": ").append(CGROUP_V1).append(",\n      \"v2\": ").append(CGROUP_V2)
                .append(",\n      \"systemd\": ").append(CGROUP_SYSTEMD).append(",\n      \"systemdUser\": false,\n      \"rdma\": true\n    },\n");
        sb.append("    \"seccomp\": {\n      \"enabled\": ").append(SECCOMP).append("\n    },\n");
        sb.append("    \"apparmor\": {\n      \"enabled\": false\n    },\n");
        sb.append("    \"selinux\": {\n      \"enabled\": false\n    },\n");
        sb.append("    \"intelRdt\": {\n      \"enabled\": false\n    },\n");
        sb.append("    \"mountExtensions\": {\n      \"idmap\": {\n        \"enabled\": false\n      }\n    }\n");
        sb.append("  },\n  \"annotations\": {\n    \"io.github.jrun.version\": \"").append(Version.version()).append("\"\n  }\n}");
        return sb.toString();
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
