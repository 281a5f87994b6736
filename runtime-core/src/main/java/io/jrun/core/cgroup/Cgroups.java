package io.jrun.core.cgroup;

import io.jrun.core.launch.CallerSide;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses and builds the {@link CgroupManager} for a container.
 *
 * <p>Host detection reads /proc/self/mountinfo once: cgroup2 mounted at /sys/fs/cgroup means a unified (v2)
 * host; otherwise every mounted v1 hierarchy is used through the fs driver, and a cgroup2 mount elsewhere
 * (hybrid hosts: /sys/fs/cgroup/unified) gets the container's path too, as runc does.
 *
 * <p>{@code linux.cgroupsPath} is resolved as follows:
 * <ul>
 *   <li>absolute: from each hierarchy's root;</li>
 *   <li>relative: under the caller's own cgroup in each v1 hierarchy (from /proc/self/cgroup), and on a v2 host
 *       under the parent of the caller's own cgroup, as runc does (fs2/defaultpath.go: the caller's own cgroup
 *       has processes in it, so the "no internal process" rule of cgroup-v2.rst would keep its children from
 *       getting any controller; its parent, a delegated user@UID.service or a shell's delegated subtree, has
 *       none);</li>
 *   <li>empty: {@code /jrun/<id>} from the root. Decision: runc nests an empty path under the caller's cgroup,
 *       which here is a process supervisor's cgroup (memory:/process_api/…); a container must not land in, or
 *       be limited by, the cgroup of whatever started jrun, so jrun uses a fixed absolute parent instead.
 *       Except for a rootless jrun on a v2 host: there, as with runc, the relative path {@code <id>}, so that a
 *       subtree delegated to the user (which the root's /jrun never is) holds its containers;</li>
 *   <li>with {@code --systemd-cgroup}: {@code slice:prefix:name} or empty, a transient scope unit
 *       ({@link SystemdCgroupManager}; cgroup v2 hosts running systemd only). Without it a path containing ':'
 *       is an error naming linux.cgroupsPath, since the fs driver would otherwise create a directory literally
 *       named "system.slice:docker:abc".</li>
 * </ul>
 */
public final class Cgroups {
    private Cgroups() {}

    /** v1 controllers the fs driver joins (runc's subsystem list), plus the named systemd hierarchy. */
    static final List<String> V1_CONTROLLERS = List.of("cpuset", "devices", "memory", "cpu", "cpuacct", "pids",
            "blkio", "hugetlb", "net_cls", "net_prio", "perf_event", "freezer", "rdma", "name=systemd");

    /**
     * What the host offers. {@code v1Mounts}: controller → mount point and its mount root; {@code unifiedMount}:
     * the cgroup2 mount point (the whole hierarchy on a v2 host, the extra one on hybrid hosts), or null;
     * {@code ownCgroups}: controller (or "" for cgroup2) → the caller's cgroup path.
     */
    public record Host(boolean unified, Map<String, Mount> v1Mounts, Path unifiedMount, String unifiedMountRoot,
                       Map<String, String> ownCgroups, boolean systemdRunning) {}

    /** A hierarchy's mount point and the cgroup its root shows (mountinfo field 4, "/" unless in a cgroupns). */
    public record Mount(Path point, String root) {}

    private static volatile Host host;

    /** The running host, read once per JVM. */
    public static Host host() {
        Host h = host;
        if (h == null) {
            try {
                h = parseHost(Files.readString(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8),
                        Files.readString(Path.of("/proc/self/cgroup"), StandardCharsets.UTF_8),
                        Files.isDirectory(Path.of("/run/systemd/system")));
            } catch (IOException e) {
                throw new CgroupException("cannot read the cgroup mounts: " + CgroupFs.describe(e), e);
            }
            host = h;
        }
        return h;
    }

    /** Builds the manager for a new container on this host (nothing is created yet; see {@link CgroupManager#create}). */
    public static CgroupManager open(String cgroupsPath, String containerId, boolean systemd) {
        return open(callersHost(), cgroupsPath, containerId, systemd);
    }

    /** The manager for a new container of a jrun run with {@code --rootless} {@code rootless} (see the class comment). */
    public static CgroupManager open(String cgroupsPath, String containerId, boolean systemd, boolean rootless) {
        return open(callersHost(), cgroupsPath, containerId, systemd, rootless);
    }

    /**
     * The host with the caller's own cgroups: a relative linux.cgroupsPath goes under the cgroup of whoever called
     * jrun. A JVM of its own is in its caller's cgroups; the resident engine is not (root's left them when it
     * started, a user's stays in the cgroup of the call that started it), so there they are read from the caller's
     * front door.
     */
    static Host callersHost() {
        Host h = host();
        CallerSide side = CallerSide.current();
        if (side == null) return h;
        Path file = Path.of("/proc", Integer.toString(side.pid()), "cgroup");
        try {
            return new Host(h.unified(), h.v1Mounts(), h.unifiedMount(), h.unifiedMountRoot(),
                    parseOwnCgroups(Files.readString(file, StandardCharsets.UTF_8)), h.systemdRunning());
        } catch (IOException e) {
            throw new CgroupException("cannot read the caller's cgroups: " + file + ": " + CgroupFs.describe(e), e);
        }
    }

    /** {@link #open(String, String, boolean)} on a given host description (tests use a temporary tree). */
    public static CgroupManager open(Host h, String cgroupsPath, String containerId, boolean systemd) {
        return open(h, cgroupsPath, containerId, systemd, false);
    }

    /** {@link #open(String, String, boolean, boolean)} on a given host description. */
    public static CgroupManager open(Host h, String cgroupsPath, String containerId, boolean systemd, boolean rootless) {
        String p = cgroupsPath == null ? "" : cgroupsPath;
        if (p.isEmpty() && rootless && h.unified() && !systemd && containerId != null && !containerId.isEmpty()
                && !containerId.contains("/") && !containerId.equals(".") && !containerId.equals("..")) {
            p = containerId; // runc: Name=<id>, no Path: relative to the parent of the caller's cgroup
        }
        if (systemd) {
            return SystemdCgroupManager.open(h, p, containerId);
        }
        if (p.indexOf(':') >= 0) {
            throw new CgroupException("linux.cgroupsPath \"" + p + "\": a path of the form slice:prefix:name needs "
                    + "the systemd cgroup driver (--systemd-cgroup), which is not in use");
        }
        if (p.isEmpty()) {
            if (containerId == null || containerId.isEmpty() || containerId.contains("/")) {
                throw new CgroupException("invalid container id for the default cgroup path: " + containerId);
            }
            p = "/jrun/" + containerId;
        }
        if (h.unified()) {
            return new CgroupV2Manager(h.unifiedMount(), dirIn(h.unifiedMount(), h.unifiedMountRoot(),
                    parentOf(h.ownCgroups().get("")), p));
        }
        Map<String, Path> dirs = new LinkedHashMap<>();
        for (String c : V1_CONTROLLERS) {
            Mount m = h.v1Mounts().get(c);
            if (m != null) {
                dirs.put(c, dirIn(m.point(), m.root(), h.ownCgroups().get(c), p));
            }
        }
        if (h.unifiedMount() != null) {
            dirs.put("unified", dirIn(h.unifiedMount(), h.unifiedMountRoot(), h.ownCgroups().get(""), p));
        }
        if (dirs.isEmpty()) {
            throw new CgroupException("no cgroup hierarchy is mounted on this host");
        }
        return new CgroupV1Manager(dirs);
    }

    /** The parent of cgroup path {@code own} ("/" for "/" and for null), as Go's filepath.Dir. */
    static String parentOf(String own) {
        if (own == null) return null;
        int slash = own.lastIndexOf('/');
        return slash <= 0 ? "/" : own.substring(0, slash);
    }

    /**
     * The directory of cgroup {@code path} in a hierarchy mounted at {@code point} whose mount shows cgroup
     * {@code mountRoot}; a relative path nests under {@code own} (the caller's cgroup there).
     */
    static Path dirIn(Path point, String mountRoot, String own, String path) {
        String abs = path.startsWith("/") ? path : (own == null ? "/" : own) + "/" + path;
        String clean = Path.of("/").resolve(abs).normalize().toString();
        String root = mountRoot == null ? "/" : mountRoot;
        if (!root.equals("/") && (clean.equals(root) || clean.startsWith(root + "/"))) {
            clean = clean.substring(root.length()); // the mount shows only the subtree from its root
        }
        Path dir = point;
        for (String part : clean.split("/")) {
            if (!part.isEmpty()) {
                dir = dir.resolve(part);
            }
        }
        if (!dir.normalize().startsWith(point)) {
            throw new CgroupException("linux.cgroupsPath \"" + path + "\": escapes the cgroup hierarchy");
        }
        return dir;
    }

    /**
     * Rebuilds the manager of an existing container from its saved {@link CgroupManager#paths()}: a map whose
     * only key is "unified" is a v2 cgroup; any other is v1 (with "unified" on hybrid hosts). Reads nothing.
     */
    public static CgroupManager load(Map<String, String> paths) {
        if (paths == null || paths.isEmpty()) {
            throw new CgroupException("the container has no cgroup paths in its state");
        }
        if (paths.containsKey(SystemdCgroupManager.UNIT_KEY)) {
            return SystemdCgroupManager.load(paths);
        }
        if (paths.size() == 1 && paths.containsKey("unified")) {
            return new CgroupV2Manager(null, Path.of(paths.get("unified")));
        }
        Map<String, Path> dirs = new LinkedHashMap<>();
        paths.forEach((k, v) -> dirs.put(k, Path.of(v)));
        return new CgroupV1Manager(dirs);
    }

    /** Parses /proc/self/mountinfo and /proc/self/cgroup (proc(5)). */
    public static Host parseHost(String mountinfo, String procSelfCgroup, boolean systemdRunning) {
        Map<String, Mount> v1 = new LinkedHashMap<>();
        Path unifiedMount = null;
        String unifiedRoot = "/";
        boolean unified = false;
        for (String line : mountinfo.split("\n")) {
            // "36 25 0:31 / /sys/fs/cgroup/memory rw,... shared:15 - cgroup cgroup rw,memory"
            int dash = line.indexOf(" - ");
            if (dash < 0 || !line.startsWith("cgroup", dash + 3)) {
                continue; // not a cgroup mount: most lines, left before any splitting (create runs this interpreted)
            }
            String[] pre = line.substring(0, dash).split(" ");
            String[] post = line.substring(dash + 3).split(" ");
            if (pre.length < 5 || post.length < 3) {
                continue;
            }
            String fstype = post[0];
            String root = unescape(pre[3]);
            Path point = Path.of(unescape(pre[4]));
            if (fstype.equals("cgroup2")) {
                if (point.equals(Path.of("/sys/fs/cgroup"))) {
                    unified = true;
                    unifiedMount = point;
                    unifiedRoot = root;
                } else if (!unified && unifiedMount == null) {
                    unifiedMount = point;
                    unifiedRoot = root;
                }
            } else if (fstype.equals("cgroup")) {
                for (String opt : post[2].split(",")) {
                    if (V1_CONTROLLERS.contains(opt) && !v1.containsKey(opt)) {
                        v1.put(opt, new Mount(point, root));
                    }
                }
            }
        }
        return new Host(unified, unified ? Map.of() : v1, unifiedMount, unifiedRoot, parseOwnCgroups(procSelfCgroup),
                systemdRunning);
    }

    /** A process's cgroups from /proc/PID/cgroup: controller (or "" for cgroup2) → path. */
    static Map<String, String> parseOwnCgroups(String procCgroup) {
        Map<String, String> own = new LinkedHashMap<>();
        for (String line : procCgroup.split("\n")) {
            // "4:memory:/process_api/x", "0::/", "1:name=systemd:/"
            int a = line.indexOf(':');
            int b = a < 0 ? -1 : line.indexOf(':', a + 1);
            if (b < 0) {
                continue;
            }
            String path = line.substring(b + 1);
            String ctrls = line.substring(a + 1, b);
            if (ctrls.isEmpty()) {
                own.put("", path);
            } else {
                for (String c : ctrls.split(",")) {
                    own.put(c, path);
                }
            }
        }
        return own;
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape
                }
            }
            b.append(c);
        }
        return b.toString();
    }
}
