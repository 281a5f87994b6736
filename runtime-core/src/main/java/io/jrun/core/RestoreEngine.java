package io.jrun.core;

import io.jrun.core.cgroup.CgroupManager;
import io.jrun.core.cgroup.Cgroups;
import io.jrun.core.criu.Criu;
import io.jrun.core.criu.CriuArgs;
import io.jrun.core.criu.Manifest;
import io.jrun.core.spec.Spec;
import io.jrun.core.spec.SpecReader;
import io.jrun.core.spec.SpecValidator;
import io.jrun.core.state.ContainerState;
import io.jrun.core.state.StateStore;
import io.jrun.sys.Syscalls;
import io.jrun.sys.WaitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * restore: a container from a checkpoint's images, under any id and state root (a migration target's). The
 * state store and cgroup are set up as create sets them; criu, not jrun-init, creates the processes, so the
 * launch plan is not used: criu rebuilds the namespaces and mounts from its images, under the bundle's rootfs.
 * A failure leaves nothing behind: criu kills what it restored, and the cgroup and state directory are removed.
 */
public final class RestoreEngine {
    /** runc's restore flags. */
    public record Options(String id, Path bundle, boolean detach, Path pidFile, String consoleSocket,
                          boolean noSubreaper, Path imagePath, Path workPath, boolean tcpEstablished,
                          boolean extUnixSk, boolean shellJob, boolean fileLocks, String manageCgroupsMode,
                          String emptyNs, boolean autoDedup, boolean lazyPages, String lsmProfile,
                          String lsmMountContext) {}

    private static final String PID_FILE = "criu-restore.pid";
    private static final String CRIU_ROOT = "criu-root";

    private final ContainerEngine engine;
    private final StateStore store;
    private final Syscalls sys;

    public RestoreEngine(ContainerEngine engine) {
        this.engine = engine;
        this.store = engine.store();
        this.sys = Syscalls.get();
    }

    /** Returns the exit code for the CLI: 0 detached, else the restored init's status as the shell reports it. */
    public int restore(Options o, String criuPath) {
        SpecValidator.validateId(o.id());
        Path bundle = CallerPaths.absolute(o.bundle()).normalize();
        Spec spec = SpecReader.readConfig(bundle.resolve("config.json"));
        SpecValidator.validate(spec, bundle);
        if (spec.process() == null) throw new JrunException("config.json: process: required for restore");
        if (spec.process().terminal() || o.consoleSocket() != null) {
            throw new JrunException("restore of a container with a terminal (process.terminal) is not supported");
        }
        Path rootfs = Path.of(spec.root().path());
        if (!rootfs.isAbsolute()) rootfs = bundle.resolve(rootfs);
        rootfs = rootfs.normalize();
        if (!Files.isDirectory(rootfs)) throw new JrunException("rootfs (" + rootfs + ") does not exist");
        // criu builds the restored mount tree inside the root and needs a directory of its own there: in a
        // read-only root it uses /tmp (measured: without one, criu 4.2 fails with "mnt: Can't create a
        // temporary directory: Read-only file system" after the processes were half restored).
        if (spec.root().readonly() && !Files.isDirectory(rootfs.resolve("tmp"))) {
            throw new JrunException("root.readonly: criu cannot restore into a read-only rootfs without a /tmp "
                    + "directory (" + rootfs.resolve("tmp") + " does not exist)");
        }
        Path images = CallerPaths.absolute(o.imagePath());
        if (!Files.isDirectory(images)) throw new JrunException("image path " + images + " does not exist");
        Manifest manifest = Manifest.read(images);
        CriuArgs.checkManageCgroupsMode(o.manageCgroupsMode());
        Criu criu = Criu.locate(criuPath);
        CgroupManager cg = Cgroups.open(spec.linux().cgroupsPath(), o.id(), engine.options().systemdCgroup())
                .withLinuxDevices(spec.linux().devices());
        // A foreground restore reaps what the restored tree orphans, as `run` does, unless told not to (runc's flag);
        // the init itself is jrun's child either way (--restore-sibling).
        if (!o.detach() && !o.noSubreaper()) sys.setChildSubreaper();

        Trace.mark("restore: config read");
        Deque<Runnable> undo = new ArrayDeque<>();
        Path dir = store.claim(o.id());
        undo.push(() -> store.remove(o.id()));
        int pid;
        try (StateStore.Lock lock = store.lock(o.id())) {
            ContainerState st = new ContainerState(spec.ociVersion(), o.id(), 0, 0, bundle.toString(),
                    rootfs.toString(), Timestamps.nowNanos(), "", spec.annotations(), cg.paths(), true,
                    Version.version(), ContainerEngine.newPidNs(spec));
            store.save(st); // as create: `delete --force` can clean up after a jrun killed from here on
            ContainerEngine.refuseOccupied(cg);
            Spec.Resources resources = spec.linux().resources() != null ? spec.linux().resources()
                    : ContainerControl.NO_RESOURCES;
            cg.create(-1, resources);
            undo.push(() -> destroyCgroup(cg));
            cg.apply(resources);
            Trace.mark("restore: cgroup set up");
            pid = runCriu(criu, o, spec, rootfs, dir, cg, manifest, images);
            st = st.withPid(pid, ContainerEngine.startTime(pid));
            store.save(st);
            hooks(spec, dir, st, pid);
            if (o.pidFile() != null) ContainerEngine.writePidFile(CallerPaths.absolute(o.pidFile()), pid);
            undo.clear();
            Trace.mark("restore: state saved");
        } catch (RuntimeException e) {
            rollback(undo);
            throw e;
        }
        if (o.detach()) return 0;
        return waitForeground(o.id(), pid);
    }

    private int runCriu(Criu criu, Options o, Spec spec, Path rootfs, Path dir, CgroupManager cg,
                        Manifest manifest, Path images) {
        Path criuRoot = dir.resolve(CRIU_ROOT);
        CheckpointEngine.mkdirs(criuRoot);
        mountpoints(spec, rootfs);
        if (o.workPath() != null) CheckpointEngine.mkdirs(o.workPath());
        Path logDir = o.workPath() != null ? o.workPath() : images;
        String netns = CriuArgs.netnsPath(spec);
        CriuArgs a = new CriuArgs("restore").add("-D", images.toString());
        if (o.workPath() != null) a.add("-W", o.workPath().toString());
        a.add("-o", "restore.log", "-v4", "--root", criuRoot.toString());
        // --restore-sibling: the restored init becomes jrun's child (criu's parent), as runc has it, so a
        // foreground restore waits for it and a detached one leaves it to the caller's subreaper.
        a.add("--restore-detached", "--restore-sibling", "--pidfile", dir.resolve(PID_FILE).toString());
        a.add("--manage-cgroups=" + (o.manageCgroupsMode() == null ? "soft" : o.manageCgroupsMode()));
        for (String root : cgroupRoots(cg)) a.add("--cgroup-root", root);
        CriuArgs.networkLock(a);
        a.flag(o.tcpEstablished(), "--tcp-established").flag(o.extUnixSk(), "--ext-unix-sk")
                .flag(o.shellJob(), "--shell-job").flag(o.fileLocks(), "--file-locks")
                .flag(o.autoDedup(), "--auto-dedup").flag(o.lazyPages(), "--lazy-pages");
        if (o.emptyNs() != null) a.add("--empty-ns", CriuArgs.emptyNs(o.emptyNs()));
        if (o.lsmProfile() != null) a.add("--lsm-profile", o.lsmProfile());
        if (o.lsmMountContext() != null) a.add("--lsm-mount-context", o.lsmMountContext());
        stdio(a, manifest, images);
        mounts(a, manifest, spec, cg);
        if (netns != null) a.add("--inherit-fd", "fd[" + CriuArgs.NETNS_FD + "]:" + CriuArgs.EXT_NETNS);
        try {
            Debug.log(() -> "restore " + o.id() + ": " + criu.binary() + " " + String.join(" ", a.list()));
            long t0 = System.nanoTime();
            Trace.mark("restore: criu arguments built");
            criu.run("restore", prelude(rootfs, criuRoot, netns), a.list(), logDir.resolve("restore.log"));
            Debug.log(() -> "restore " + o.id() + ": criu took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            Trace.mark("restore: criu done");
            return readPid(dir.resolve(PID_FILE));
        } finally {
            try {
                Files.deleteIfExists(criuRoot);
                Files.deleteIfExists(dir.resolve(PID_FILE));
            } catch (IOException ignored) {
                // the state dir's removal takes it with it
            }
        }
    }

    /**
     * criu wants --root to be a mount point whose parent is not overmounted: the rootfs is bound onto
     * STATE_DIR/criu-root in a mount namespace of criu's own (unshare -m), so the bind never exists on the host and
     * goes away with criu whatever happens. An external network namespace is opened there as fd 4.
     */
    private static List<String> prelude(Path rootfs, Path criuRoot, String netns) {
        String script = "mount --rbind -- \"$1\" \"$2\" || exit 1; "
                + (netns != null ? "exec " + CriuArgs.NETNS_FD + "<\"$3\" || exit 1; shift; " : "")
                + "shift 2; exec \"$@\"";
        List<String> p = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                script, "sh", rootfs.toString(), criuRoot.toString()));
        if (netns != null) p.add(netns);
        return p;
    }

    /** The restored init's stdio is restore's own (runc's rule): files as criu's external keys, pipes by inode. */
    private static void stdio(CriuArgs a, Manifest m, Path images) {
        m.stdio().forEach((fd, entry) -> {
            String[] keyMode = entry.split("\t");
            if (keyMode.length > 1) matchFifoMode(fd, Integer.parseInt(keyMode[1], 8));
            a.add("--inherit-fd", "fd[" + fd + "]:" + keyMode[0]);
        });
        Path desc = images.resolve("descriptors.json");
        if (!Files.exists(desc)) return;
        try {
            Matcher mt = Pattern.compile("\"([^\"]*)\"").matcher(Files.readString(desc));
            for (int fd = 0; mt.find() && fd <= 2; fd++) {
                if (mt.group(1).startsWith("pipe:[") && !m.stdio().containsKey(fd)) {
                    a.add("--inherit-fd", "fd[" + fd + "]:" + mt.group(1));
                }
            }
        } catch (IOException e) {
            throw new JrunException("read " + desc + ": " + e.getMessage(), e);
        }
    }

    /**
     * containerd's shim gives the container FIFOs at create and pipes at restore; criu checks that an inherited
     * file has the dumped file's mode, and a pipe's (0600) is not the FIFO's (0644 here). A pipe's permission
     * bits only govern reopening it through /proc, so restore gives jrun's own pipe the FIFO's bits.
     */
    private static void matchFifoMode(int fd, int dumped) {
        final int fifo = 0010000;
        Path self = Path.of("/proc/self/fd/" + fd);
        try {
            int mode = ((Number) Files.getAttribute(self, "unix:mode")).intValue();
            if ((mode & 0170000) != fifo || (dumped & 0170000) != fifo || (mode & 07777) == (dumped & 07777)) return;
            Files.setPosixFilePermissions(self, java.nio.file.attribute.PosixFilePermissions.fromString(
                    rwx(dumped & 0777)));
        } catch (IOException | RuntimeException e) {
            // criu names the mismatch if it matters
        }
    }

    private static String rwx(int bits) {
        String all = "rwxrwxrwx";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 9; i++) sb.append((bits & (0400 >> i)) != 0 ? all.charAt(i) : '-');
        return sb.toString();
    }

    /** External mounts of the checkpoint: cgroup mounts onto the new cgroup's directories, binds onto the bundle's sources. */
    private static void mounts(CriuArgs a, Manifest m, Spec spec, CgroupManager cg) {
        Map<String, String> paths = cg.paths();
        m.cgroupMounts().forEach((mp, controller) -> {
            String dir = paths.get(controller);
            if (dir == null) throw new JrunException("the checkpoint has a cgroup mount " + mp + " of the " + controller
                    + " hierarchy, which this host's cgroup " + paths.keySet() + " does not have");
            a.add("--external", "mnt[" + mp + "]:" + dir);
        });
        for (String dest : m.binds()) {
            String source = null;
            for (Spec.Mount mount : spec.mounts()) {
                String d = Path.of("/").resolve(mount.destination()).normalize().toString();
                if (d.equals(dest) && CriuArgs.isBind(mount)) source = mount.source();
            }
            if (source == null) throw new JrunException("mounts: the checkpoint has a bind mount on " + dest
                    + " that config.json does not have");
            a.add("--external", "mnt[" + dest + "]:" + source);
        }
    }

    /**
     * criu mounts the config's mounts (the external binds too) onto mount points it expects in the rootfs. A restore into the container's
     * own rootfs finds them (jrun-init made them at create); a new one (podman's `restore --import`, another
     * host) may lack them, so they are made as create makes them: a directory, or an empty file for a file
     * source. Every existing component must be a real directory, never a symlink: a link planted in the rootfs
     * would otherwise send the mkdir outside it (CVE-2021-30465's pattern). Mount points under a tmpfs are not
     * made: criu restores the tmpfs's contents itself (runc's rule).
     */
    static void mountpoints(Spec spec, Path rootfs) {
        List<String> tmpfs = new ArrayList<>();
        for (Spec.Mount mount : spec.mounts()) {
            if ("tmpfs".equals(mount.type())) tmpfs.add(Path.of("/").resolve(mount.destination()).normalize().toString());
        }
        for (Spec.Mount mount : spec.mounts()) {
            // cgroup mounts sit on /sys (sysfs) or a tmpfs criu restores: no mount point to make (runc's rule)
            if ("cgroup".equals(mount.type()) || "cgroup2".equals(mount.type())) continue;
            String dest = Path.of("/").resolve(mount.destination()).normalize().toString();
            if (dest.equals("/") || tmpfs.stream().anyMatch(t -> dest.startsWith(t + "/"))) continue;
            boolean file = CriuArgs.isBind(mount) && mount.source() != null && Files.isRegularFile(Path.of(mount.source()));
            makeMountpoint(rootfs, dest, file);
        }
    }

    private static void makeMountpoint(Path rootfs, String dest, boolean file) {
        Path p = rootfs;
        String[] parts = dest.substring(1).split("/");
        try {
            for (int i = 0; i < parts.length; i++) {
                p = p.resolve(parts[i]);
                if (Files.isSymbolicLink(p)) {
                    throw new JrunException("mounts: " + dest + ": " + p + " is a symlink; restore makes mount points "
                            + "only through real directories");
                }
                boolean last = i == parts.length - 1;
                if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
                if (last && file) Files.createFile(p);
                else Files.createDirectory(p);
            }
        } catch (IOException e) {
            throw new JrunException("mounts: " + dest + ": cannot make its mount point " + p + ": " + e.getMessage(), e);
        }
    }

    /** criu --cgroup-root: where the dumped tree's cgroups go, one path when all hierarchies agree. */
    static List<String> cgroupRoots(CgroupManager cg) {
        Cgroups.Host host = Cgroups.host();
        Set<String> rel = new LinkedHashSet<>();
        List<String> perController = new ArrayList<>();
        cg.paths().forEach((k, p) -> {
            Path point = k.equals("unified") ? host.unifiedMount()
                    : host.v1Mounts().get(k) == null ? null : host.v1Mounts().get(k).point();
            if (point == null || !Path.of(p).startsWith(point)) return;
            String r = "/" + point.relativize(Path.of(p));
            rel.add(r);
            if (!k.equals("unified")) perController.add(k + ":" + r);
        });
        if (rel.size() == 1) return List.of(rel.iterator().next());
        return perController;
    }

    private static int readPid(Path f) {
        try {
            return Integer.parseInt(Files.readString(f).trim());
        } catch (IOException | NumberFormatException e) {
            throw new JrunException("restore failed: criu wrote no pid file " + f, e);
        }
    }

    /**
     * The config's hooks: saved for delete's poststop, as create saves them. The restored processes already run
     * when criu returns, so prestart and createRuntime run then, poststart after (docs/checkpoint.md).
     */
    private void hooks(Spec spec, Path dir, ContainerState st, int pid) {
        if (spec.hooks() == null) return;
        try {
            Files.writeString(dir.resolve(ContainerEngine.HOOKS_FILE), io.jrun.core.spec.SpecWriter.write(spec));
        } catch (IOException e) {
            throw new JrunException("save hooks: " + e.getMessage(), e);
        }
        String state = Hooks.stateJson(st, "running", pid);
        Hooks.run(sys, "prestart", Hooks.of(spec.hooks().prestart()), state);
        Hooks.run(sys, "createRuntime", Hooks.of(spec.hooks().createRuntime()), state);
        Hooks.runLogged(sys, "poststart", Hooks.of(spec.hooks().poststart()), state);
    }

    private int waitForeground(String id, int pid) {
        SignalForwarder fwd = SignalForwarder.install(sig -> Processes.signalQuietly(sys, pid, sig));
        int status;
        try {
            status = Processes.waitFor(sys, pid, "container init");
        } finally {
            fwd.uninstall();
        }
        try {
            engine.delete(id, true);
        } catch (RuntimeException ignored) {
            // best effort after the container ran, as run does
        }
        return WaitStatus.shellCode(status);
    }

    private void destroyCgroup(CgroupManager cg) {
        if (!cg.exists()) return;
        cg.killAll(9, (p, sig) -> Processes.signalQuietly(sys, p, sig));
        for (int i = 0; i < 500 && !cg.pids().isEmpty(); i++) {
            if (!Pause.millis(10)) break;
        }
        cg.destroy();
    }

    private static void rollback(Deque<Runnable> undo) {
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException ignored) {
                // the first error is the one to report
            }
        }
    }
}
