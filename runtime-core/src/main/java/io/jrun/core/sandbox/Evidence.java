package io.jrun.core.sandbox;

import io.jrun.core.ContainerControl;
import io.jrun.core.ContainerEngine;
import io.jrun.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The evidence directory of one violation, written while the container is frozen (so nothing in it can change
 * or race the copy): {@code <evidence-dir>/<id>-<epoch ms>/} with
 * <ul>
 *   <li>{@code violation.json}: the audit record (pid, syscall name and number, arguments);
 *   <li>{@code status}: {@code /proc/<pid>/status} of the offending process, {@code cmdline} its argv;
 *   <li>{@code processes}: the container's process tree, one line per process: pid, ppid, state, comm, argv;
 *   <li>{@code mountinfo}: the offender's mounts;
 *   <li>{@code changed/<mount point>/...}: a copy of every writable tmpfs of the container (its writable layer:
 *       jrun's sandbox config has a read-only root), at most {@link #MAX_BYTES} in all.
 * </ul>
 * Paths inside the container are never followed: the walk does not follow symlinks and copies them as links
 * (an absolute link resolved from here would name a host file), and only regular files' bytes are read.
 */
final class Evidence {
    static final long MAX_BYTES = 64L << 20;

    private final ContainerEngine engine;
    private final Path root;

    Evidence(ContainerEngine engine, Path root) {
        this.engine = engine;
        this.root = root;
    }

    Path write(String id, SandboxAgent.Notification n) throws IOException {
        Files.createDirectories(root);
        Path dir = root.resolve(id + "-" + System.currentTimeMillis());
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(dir.resolve("violation.json"), Violations.record(id, n, "killed", dir, null) + "\n");
        Path proc = Path.of("/proc", Integer.toString(n.pid()));
        copyText(proc.resolve("status"), dir.resolve("status"));
        copyText(proc.resolve("mountinfo"), dir.resolve("mountinfo"));
        Files.writeString(dir.resolve("cmdline"), argv(proc) + "\n");
        Files.writeString(dir.resolve("processes"), processes(id));
        copyWritableLayer(n.pid(), Files.readAllLines(dir.resolve("mountinfo")), dir.resolve("changed"));
        return dir;
    }

    private static void copyText(Path from, Path to) throws IOException {
        try {
            Files.write(to, Files.readAllBytes(from));
        } catch (IOException e) {
            Files.writeString(to, "unreadable: " + e.getMessage() + "\n");
        }
    }

    private static String argv(Path proc) {
        try {
            byte[] b = Files.readAllBytes(proc.resolve("cmdline"));
            return Json.quote(new String(b, StandardCharsets.UTF_8).replace('\0', ' ').strip());
        } catch (IOException e) {
            return "?";
        }
    }

    /** pid ppid state comm argv, for every process of the container's cgroup. */
    private String processes(String id) {
        StringBuilder b = new StringBuilder("PID PPID STATE COMM ARGV\n");
        List<Integer> pids;
        try {
            pids = new ContainerControl(engine).pids(id);
        } catch (RuntimeException e) {
            return b.append("unreadable: ").append(e.getMessage()).append('\n').toString();
        }
        for (int pid : pids) {
            Path proc = Path.of("/proc", Integer.toString(pid));
            try {
                String stat = Files.readString(proc.resolve("stat"));
                int close = stat.lastIndexOf(')');
                String comm = stat.substring(stat.indexOf('(') + 1, close);
                String[] f = stat.substring(close + 2).split(" ");
                b.append(pid).append(' ').append(f[1]).append(' ').append(f[0]).append(' ').append(comm).append(' ')
                        .append(argv(proc)).append('\n');
            } catch (IOException | RuntimeException e) {
                b.append(pid).append(" gone\n");
            }
        }
        return b.toString();
    }

    /** Mount points (as the container sees them) of its read-write tmpfs mounts, except /dev (device nodes). */
    static List<String> writableTmpfs(List<String> mountinfo) {
        List<String> out = new ArrayList<>();
        for (String l : mountinfo) {
            // proc_pid_mountinfo(5): id parent maj:min root mountpoint options ... - fstype source superoptions
            String[] f = l.split(" ");
            int dash = List.of(f).indexOf("-");
            if (f.length < 6 || dash < 0 || dash + 1 >= f.length) continue;
            boolean rw = List.of(f[5].split(",")).contains("rw");
            String mp = f[4].replace("\\040", " ");
            // /dev holds device nodes, and the masked paths under /proc and /sys are /dev/null binds (tmpfs too)
            boolean kernel = mp.equals("/dev") || mp.startsWith("/proc/") || mp.startsWith("/sys/");
            if (rw && f[dash + 1].equals("tmpfs") && !kernel && mp.startsWith("/") && !mp.contains("/..")) {
                out.add(mp);
            }
        }
        return out;
    }

    private static void copyWritableLayer(int pid, List<String> mountinfo, Path into) throws IOException {
        Files.createDirectories(into);
        long[] budget = {MAX_BYTES};
        for (String mp : writableTmpfs(mountinfo)) {
            Path src = Path.of("/proc/" + pid + "/root" + mp);
            if (!Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) continue;
            Path dst = into.resolve(mp.substring(1));
            Files.createDirectories(dst);
            try (Stream<Path> w = Files.walk(src)) { // no FOLLOW_LINKS: a link is never entered
                for (Path p : w.toList()) copyOne(p, dst.resolve(src.relativize(p).toString()), budget);
            }
        }
    }

    private static void copyOne(Path p, Path to, long[] budget) throws IOException {
        if (Files.isSymbolicLink(p)) {
            Files.createSymbolicLink(to, Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(to);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            long size = Files.size(p);
            if (size > budget[0]) {
                Files.writeString(Path.of(to + ".truncated"), size + " bytes, over the evidence limit\n");
                return;
            }
            budget[0] -= size;
            Files.copy(p, to, LinkOption.NOFOLLOW_LINKS);
        }
    }
}
