package io.jrun.core;

import io.jrun.core.state.ContainerState;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The processes of a container that has no cgroup (a rootless container whose creator could not write one,
 * docs/rootless.md): with a pid namespace of its own, every process whose /proc/PID/ns/pid is the init's (those
 * in a pid namespace nested inside it are not listed); without one, the init alone.
 */
final class NsProcesses {
    private NsProcesses() {}

    static List<Integer> of(ContainerState st, boolean alive) {
        if (!alive || st.pid() <= 0) return List.of();
        if (!st.privatePidNs()) return List.of(st.pid());
        String ns = link(Path.of("/proc", Integer.toString(st.pid()), "ns", "pid"));
        // Unreadable when the init is non-dumpable (root's /proc/PID/ns then): a rootless caller's parked init is
        // dumpable (docs/rootless.md "Exec into a created container"), so this is only a fallback.
        if (ns == null) return List.of(st.pid());
        List<Integer> pids = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : procs) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
                // Another user's process cannot be read (ptrace access mode): it is not this container's either,
                // since the container's processes all run as its creator outside.
                if (ns.equals(link(p.resolve("ns").resolve("pid")))) pids.add(Integer.parseInt(name));
            }
        } catch (IOException e) {
            throw new JrunException("list /proc: " + e.getMessage(), e);
        }
        pids.sort(null);
        return pids;
    }

    private static String link(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
