package io.jrun.core.launch;

import java.util.List;
import java.util.Map;

/** Namespace type names of config-linux.md "Namespaces" and their clone(2) flags. */
public final class Namespaces {
    public static final long CLONE_NEWTIME = 0x80, CLONE_NEWNS = 0x20000, CLONE_NEWCGROUP = 0x02000000,
            CLONE_NEWUTS = 0x04000000, CLONE_NEWIPC = 0x08000000, CLONE_NEWUSER = 0x10000000,
            CLONE_NEWPID = 0x20000000, CLONE_NEWNET = 0x40000000;

    public static final Map<String, Long> FLAGS = Map.of(
            "pid", CLONE_NEWPID, "network", CLONE_NEWNET, "mount", CLONE_NEWNS, "ipc", CLONE_NEWIPC,
            "uts", CLONE_NEWUTS, "user", CLONE_NEWUSER, "cgroup", CLONE_NEWCGROUP, "time", CLONE_NEWTIME);

    /** /proc/<pid>/ns/<name> for each type, used by exec to join a running container. */
    public static final Map<String, String> PROC_NAMES = Map.of(
            "pid", "pid", "network", "net", "mount", "mnt", "ipc", "ipc", "uts", "uts", "user", "user",
            "cgroup", "cgroup", "time", "time");

    /**
     * The order in which existing namespaces are joined: user first (it grants the capabilities needed to
     * join the others), mount late (joining it changes how later paths resolve), as runc's nsexec does.
     */
    public static final List<String> JOIN_ORDER = List.of("user", "ipc", "uts", "network", "pid", "cgroup", "time", "mount");

    private Namespaces() {}
}
