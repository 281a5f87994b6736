package io.jrun.core;

import io.jrun.core.spec.Spec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes uid_map and gid_map of a process in a new user namespace (config-linux.md "User namespace mappings").
 *
 * <p>Root writes both files itself. An unprivileged caller may write a map itself only when it maps its own
 * effective id alone, with a size of 1 (user_namespaces(7) "Defining user and group ID mappings"), and gid_map
 * only after setgroups is denied. Any other mapping (more ids, from /etc/subuid and /etc/subgid) goes through
 * the setuid helpers newuidmap/newgidmap (Debian's uidmap package), as runc does: they check the ranges against
 * /etc/subuid and /etc/subgid, and leave setgroups allowed, so additionalGids keep working.
 */
final class IdMaps {
    private IdMaps() {}

    /** Where the helpers are looked for: the caller's PATH is not trusted to name a setuid program. */
    private static final List<String> TOOL_DIRS = List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin");

    static void write(int pid, Spec.Linux linux) {
        Path proc = Path.of("/proc", Integer.toString(pid));
        boolean root = Rootless.euidIsRoot();
        boolean ownUid = root || ownIdOnly(linux.uidMappings(), Rootless.euid());
        boolean ownGid = root || ownIdOnly(linux.gidMappings(), Rootless.egid());
        try {
            // As root setgroups stays "allow", so additionalGids work in the container (runc too). A caller
            // without CAP_SETGID in the parent namespace may only write gid_map itself once it is denied.
            if (!root && ownGid && !linux.gidMappings().isEmpty()) Files.writeString(proc.resolve("setgroups"), "deny");
            if (ownUid) Files.writeString(proc.resolve("uid_map"), text(linux.uidMappings()));
            else tool("newuidmap", "linux.uidMappings", pid, linux.uidMappings());
            if (ownGid) Files.writeString(proc.resolve("gid_map"), text(linux.gidMappings()));
            else tool("newgidmap", "linux.gidMappings", pid, linux.gidMappings());
        } catch (IOException e) {
            throw new JrunException("write id mappings of " + pid + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code maps} is the one mapping an unprivileged process may write itself: its own id, size 1. */
    static boolean ownIdOnly(List<Spec.IdMapping> maps, long id) {
        return maps.isEmpty() || (maps.size() == 1 && maps.getFirst().hostID() == id && maps.getFirst().size() == 1);
    }

    static String text(List<Spec.IdMapping> maps) {
        StringBuilder sb = new StringBuilder();
        for (Spec.IdMapping m : maps) {
            sb.append(m.containerID()).append(' ').append(m.hostID()).append(' ').append(m.size()).append('\n');
        }
        return sb.toString();
    }

    /** The arguments of newuidmap/newgidmap(1): the pid, then each mapping's three numbers. */
    static List<String> toolArgs(String toolPath, int pid, List<Spec.IdMapping> maps) {
        List<String> cmd = new ArrayList<>();
        cmd.add(toolPath);
        cmd.add(Integer.toString(pid));
        for (Spec.IdMapping m : maps) {
            cmd.add(Long.toString(m.containerID()));
            cmd.add(Long.toString(m.hostID()));
            cmd.add(Long.toString(m.size()));
        }
        return cmd;
    }

    private static void tool(String name, String field, int pid, List<Spec.IdMapping> maps) {
        String path = null;
        for (String d : TOOL_DIRS) {
            if (Files.isExecutable(Path.of(d, name))) {
                path = d + "/" + name;
                break;
            }
        }
        if (path == null) {
            throw new JrunException(field + ": mapping more than the caller's own id needs " + name
                    + " (Debian package uidmap) and a range in /etc/sub" + (name.contains("uid") ? "uid" : "gid"));
        }
        try {
            Process p = new ProcessBuilder(toolArgs(path, pid, maps)).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new JrunException(field + ": " + name + " " + pid + " did not finish in 10 s");
            }
            if (p.exitValue() != 0) {
                String msg = new String(out, StandardCharsets.UTF_8).strip().replace('\n', ' ');
                throw new JrunException(field + ": " + name + " " + pid + " failed (exit " + p.exitValue() + "): " + msg);
            }
        } catch (IOException e) {
            throw new JrunException(field + ": run " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JrunException(field + ": interrupted waiting for " + name, e);
        }
    }
}
