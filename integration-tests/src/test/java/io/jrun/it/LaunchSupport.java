package io.jrun.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Helpers for the launch-engine tests (NamespacesIT, ProcessIT, RollbackIT, LifecycleCommandsIT). */
final class LaunchSupport {
    static final String DEFAULT_NAMESPACES =
            "[{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}]";

    private LaunchSupport() {}

    /** A busybox bundle like ItBase's, with {@code namespaces} (a JSON array) instead of the default five. */
    static Path bundleWithNamespaces(Path work, String cgroupParent, String name, List<String> args, String namespaces,
                                     Map<String, String> processExtra, Map<String, String> linuxExtra,
                                     String topExtra) throws IOException {
        Path b = work.resolve(name);
        Files.createDirectories(b);
        Bundles.rootfs(b);
        String config = Bundles.config(args, cgroupParent + "/" + name, processExtra, linuxExtra, topExtra);
        if (!config.contains(DEFAULT_NAMESPACES)) throw new AssertionError("Bundles.config changed its namespaces");
        Files.writeString(b.resolve("config.json"), config.replace(DEFAULT_NAMESPACES, namespaces));
        return b;
    }

    /** The target of /proc/PID/ns/NAME, e.g. "net:[4026531840]". */
    static String nsLink(String pid, String name) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", pid, "ns", name)).toString();
    }

    /** Every cgroup directory of {@code cgroupPath} that exists in any mounted hierarchy. */
    static List<Path> cgroupDirs(String cgroupPath) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> hier = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hier.toList()) {
                Path d = Path.of(h + cgroupPath);
                if (Files.isDirectory(d)) found.add(d);
            }
        }
        Path v2 = Path.of("/sys/fs/cgroup" + cgroupPath);
        if (Files.isDirectory(v2) && !found.contains(v2)) found.add(v2);
        return found;
    }

    /** Pids of processes whose /proc/PID/cgroup names {@code cgroupPath} in any hierarchy. */
    static List<Integer> processesInCgroup(String cgroupPath) throws IOException {
        List<Integer> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String n = p.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) continue;
                try {
                    for (String line : Files.readAllLines(p.resolve("cgroup"))) {
                        String path = line.substring(line.indexOf(':', line.indexOf(':') + 1) + 1);
                        if (path.equals(cgroupPath) || path.startsWith(cgroupPath + "/")) {
                            pids.add(Integer.parseInt(n));
                            break;
                        }
                    }
                } catch (IOException e) {
                    // exited while we looked
                }
            }
        }
        return pids;
    }

    /** Host mount points under {@code dir} (the bundle): a container's mounts must never show up here. */
    static List<String> hostMountsUnder(Path dir) throws IOException {
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && f[4].startsWith(dir.toString())) found.add(f[4]);
        }
        return found;
    }
}
