package io.jrun.core;

import io.jrun.core.criu.Criu;
import io.jrun.core.criu.CriuArgs;
import io.jrun.core.criu.Manifest;
import io.jrun.core.spec.Spec;
import io.jrun.core.spec.SpecReader;
import io.jrun.core.spec.SpecValidator;
import io.jrun.core.state.ContainerState;
import io.jrun.core.state.StateStore;
import io.jrun.core.state.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * checkpoint: criu dumps a running container's process tree into an image directory (runc's checkpoint, its
 * flags and defaults). Without --leave-running the container is gone afterwards, state and cgroup, as with runc;
 * a failed dump leaves it running (criu resumes the tasks it froze). docs/checkpoint.md.
 */
public final class CheckpointEngine {
    /** runc's checkpoint flags. */
    public record Options(Path imagePath, Path workPath, String parentPath, boolean leaveRunning,
                          boolean tcpEstablished, boolean tcpSkipInFlight, boolean linkRemap, boolean extUnixSk,
                          boolean shellJob, boolean lazyPages, int statusFd, String pageServer, boolean fileLocks,
                          boolean preDump, String manageCgroupsMode, String emptyNs, boolean autoDedup) {}

    private final ContainerEngine engine;
    private final StateStore store;

    public CheckpointEngine(ContainerEngine engine) {
        this.engine = engine;
        this.store = engine.store();
    }

    public void checkpoint(String id, Options o, String criuPath) {
        SpecValidator.validateId(id);
        if (!store.exists(id)) throw StateStore.notExist();
        Criu criu = Criu.locate(criuPath);
        CriuArgs.checkManageCgroupsMode(o.manageCgroupsMode());
        // Iterative dumps copy only the pages written since the last round, which the kernel tracks with the
        // soft-dirty bit (CONFIG_MEM_SOFT_DIRTY); without it criu 4.2 aborts in pre-dump (runc checks the same
        // MemTrack feature first). The bit is read from jrun's own page map, not through a second criu run.
        if ((o.preDump() || o.parentPath() != null) && !criu.memDirtyTracking()) {
            throw new JrunException("--pre-dump and --parent-path need memory dirty tracking, which this kernel "
                    + "does not have (CONFIG_MEM_SOFT_DIRTY: /proc/self/pagemap shows no soft-dirty bit)");
        }
        boolean remove;
        Trace.mark("checkpoint: criu located");
        try (StateStore.Lock lock = store.lock(id)) {
            ContainerState st = store.load(id);
            Status s = engine.status(st);
            Trace.mark("checkpoint: state loaded");
            if (s != Status.RUNNING && s != Status.PAUSED) throw new JrunException("container not running");
            mkdirs(o.imagePath());
            if (o.workPath() != null) mkdirs(o.workPath());
            Path logDir = o.workPath() != null ? o.workPath() : o.imagePath();
            String log = o.preDump() ? "pre-dump.log" : "dump.log";
            List<String> args = o.preDump() ? preDumpArgs(st, o, log) : dumpArgs(st, o, log);
            List<String> prelude = CriuArgs.statusFdPrelude(o.statusFd());
            Trace.mark("checkpoint: criu arguments built");
            Debug.log(() -> "checkpoint " + id + ": " + criu.binary() + " " + String.join(" ", args));
            long t0 = System.nanoTime();
            criu.run("checkpoint", prelude, args, logDir.resolve(log));
            Debug.log(() -> "checkpoint " + id + ": criu took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            Trace.mark("checkpoint: criu done");
            remove = !o.preDump() && !o.leaveRunning();
        }
        // runc destroys a container it checkpointed without --leave-running: its processes are gone (criu killed
        // them after the dump), so its state and cgroup go too, and its id is free for the restore.
        if (remove) engine.delete(id, true);
        Trace.mark("checkpoint: done");
    }

    private static List<String> preDumpArgs(ContainerState st, Options o, String log) {
        CriuArgs a = common("pre-dump", st, o, log);
        a.add("--track-mem");
        return a.list();
    }

    private List<String> dumpArgs(ContainerState st, Options o, String log) {
        CriuArgs a = common("dump", st, o, log);
        if (o.parentPath() != null) a.add("--track-mem");
        a.flag(o.leaveRunning(), "--leave-running").flag(o.tcpEstablished(), "--tcp-established")
                .flag(o.tcpSkipInFlight(), "--skip-in-flight").flag(o.linkRemap(), "--link-remap")
                .flag(o.extUnixSk(), "--ext-unix-sk").flag(o.shellJob(), "--shell-job")
                .flag(o.fileLocks(), "--file-locks").flag(o.autoDedup(), "--auto-dedup")
                .flag(o.lazyPages(), "--lazy-pages");
        if (o.lazyPages() && o.statusFd() >= 0) a.add("--status-fd", String.valueOf(CriuArgs.STATUS_FD));
        if (o.emptyNs() != null) a.add("--empty-ns", CriuArgs.emptyNs(o.emptyNs()));
        Spec spec = bundleSpec(st);
        Manifest m = externals(st, spec, a);
        m.write(o.imagePath());
        writeDescriptors(st.pid(), o.imagePath());
        if (spec != null) CriuArgs.externalNamespaces(spec, a);
        return a.list();
    }

    /** What dump and pre-dump share: the tree, the images, the log, cgroups, the freezer, page server. */
    private static CriuArgs common(String command, ContainerState st, Options o, String log) {
        CriuArgs a = new CriuArgs(command);
        a.add("-t", String.valueOf(st.pid())).add("-D", o.imagePath().toString());
        if (o.workPath() != null) a.add("-W", o.workPath().toString());
        a.add("-o", log).add("-v4");
        a.add("--manage-cgroups=" + (o.manageCgroupsMode() == null ? "soft" : o.manageCgroupsMode()));
        // The cgroup freezer stops every task at once, where ptrace would stop them one by one while the rest
        // run on (runc does the same); on a v2 host criu uses cgroup.freeze.
        Map<String, String> cg = st.cgroupPaths();
        String freezer = cg.containsKey("freezer") ? cg.get("freezer") : cg.get("unified");
        if (freezer != null && Files.isDirectory(Path.of(freezer))) a.add("--freeze-cgroup", freezer);
        CriuArgs.networkLock(a);
        if (o.parentPath() != null) a.add("--prev-images-dir", CriuArgs.parentPath(o.imagePath(), o.parentPath()));
        if (o.pageServer() != null && !o.pageServer().isEmpty()) CriuArgs.pageServer(a, o.pageServer());
        return a;
    }

    /**
     * The init's stdio that lives outside the container (a host /dev/null, a log file: the mount it is on is not
     * in the dumped mount namespace, which criu cannot dump), cgroup v1 mounts (binds of the host's cgroup
     * directories) and the config's bind mounts are described to criu as external, so restore can reconnect
     * them to its own stdio, the new container's cgroups and the bundle's sources (runc does the same).
     */
    private static Manifest externals(ContainerState st, Spec spec, CriuArgs a) {
        int pid = st.pid();
        List<String[]> mounts = mountinfo(pid);
        Set<String> ids = new HashSet<>();
        for (String[] m : mounts) ids.add(m[0]);
        Map<Integer, String> stdio = new LinkedHashMap<>();
        for (int fd = 0; fd <= 2; fd++) {
            String key = externalFile(pid, fd, ids);
            if (key != null) {
                stdio.put(fd, key);
                a.add("--external", key.split("\t")[0]);
            }
        }
        Map<String, String> cgroups = new LinkedHashMap<>();
        for (String[] m : mounts) {
            String controller = cgroupController(m, st.cgroupPaths());
            if (controller == null) continue;
            cgroups.put(m[4], controller);
            a.add("--external", "mnt[" + m[4] + "]:" + m[4]);
        }
        List<String> binds = new ArrayList<>();
        if (spec != null) {
            for (Spec.Mount m : spec.mounts()) {
                if (!CriuArgs.isBind(m)) continue;
                String dest = Path.of("/").resolve(m.destination()).normalize().toString();
                binds.add(dest);
                a.add("--external", "mnt[" + dest + "]:" + dest);
            }
        }
        return new Manifest(stdio, cgroups, binds);
    }

    /** criu's key for fd's file when it is a regular file or device on a mount outside the container, else null. */
    private static String externalFile(int pid, int fd, Set<String> containerMounts) {
        Path link = Path.of("/proc/" + pid + "/fd/" + fd);
        try {
            String target = Files.readSymbolicLink(link).toString();
            if (!target.startsWith("/")) return null; // pipe:[…], socket:[…], anon_inode: criu handles those
            String mntId = null;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/fdinfo/" + fd))) {
                if (line.startsWith("mnt_id:")) mntId = line.substring(7).trim();
            }
            if (mntId == null || containerMounts.contains(mntId)) return null;
            long ino = ((Number) Files.getAttribute(link, "unix:ino")).longValue();
            int mode = ((Number) Files.getAttribute(link, "unix:mode")).intValue();
            // the mode goes with the key: restore needs it for a FIFO (see RestoreEngine.stdio)
            return "file[" + Integer.toHexString(Integer.parseInt(mntId)) + ":" + Long.toHexString(ino) + "]"
                    + "\t" + Integer.toOctalString(mode);
        } catch (IOException | RuntimeException e) {
            return null; // no such fd (closed by the program): nothing to describe
        }
    }

    /** For a cgroup or cgroup2 mount: the hierarchy's key in state.json's cgroupPaths; else null. */
    private static String cgroupController(String[] m, Map<String, String> paths) {
        if (m[m.length - 3].equals("cgroup2")) return "unified";
        if (!m[m.length - 3].equals("cgroup")) return null;
        for (String opt : m[m.length - 1].split(",")) {
            if (paths.containsKey(opt)) return opt;
        }
        return null;
    }

    /** /proc/PID/mountinfo, each line split on spaces, with the optional fields and the "-" kept. */
    static List<String[]> mountinfo(int pid) {
        try {
            List<String[]> out = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/mountinfo"), StandardCharsets.UTF_8)) {
                out.add(line.split(" "));
            }
            return out;
        } catch (IOException e) {
            throw new JrunException("read mounts of container init " + pid + ": " + e.getMessage(), e);
        }
    }

    /** runc's descriptors.json: the targets of the init's fds 0-2. */
    private static void writeDescriptors(int pid, Path imageDir) {
        StringBuilder sb = new StringBuilder("[");
        for (int fd = 0; fd <= 2; fd++) {
            String target;
            try {
                target = Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd)).toString();
            } catch (IOException e) {
                target = "/dev/null";
            }
            sb.append(fd == 0 ? "" : ",").append(Json.quote(target));
        }
        try {
            Files.writeString(imageDir.resolve("descriptors.json"), sb.append(']').toString());
        } catch (IOException e) {
            throw new JrunException("write descriptors.json: " + e.getMessage(), e);
        }
    }

    private static Spec bundleSpec(ContainerState st) {
        try {
            return SpecReader.readConfig(Path.of(st.bundle()).resolve("config.json"));
        } catch (RuntimeException e) {
            return null; // a bundle gone since create: no bind mounts or namespace paths to describe
        }
    }

    static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new JrunException("create " + dir + ": " + e.getMessage(), e);
        }
    }
}
