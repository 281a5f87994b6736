package io.jrun.core.launch;

import io.jrun.core.JrunException;
import io.jrun.core.spec.Capabilities;
import io.jrun.core.spec.Rlimits;
import io.jrun.core.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a validated {@link Spec} into the helper's launch plan (docs/helper-protocol.md). Every decision is
 * made here, in Java, where it can be unit-tested; the helper only executes. Fields the spec defines that jrun
 * does not implement yet are rejected by name ({@link #rejectUnsupported}), never silently dropped.
 */
public final class PlanBuilder {
    /** What the launcher knows beyond config.json. */
    public record Context(
            String containerId,
            Path bundle,
            Path rootfs,
            Path execFifo,
            String consoleSocket,
            int preserveFds,
            boolean noPivot,
            boolean noNewKeyring,
            boolean cgroupV2,
            Map<String, String> cgroupPaths,
            Seccomp seccomp,
            boolean init) {
        /** Without jrun's init (the process is the container's PID 1 itself, the default). */
        public Context(String containerId, Path bundle, Path rootfs, Path execFifo, String consoleSocket,
                       int preserveFds, boolean noPivot, boolean noNewKeyring, boolean cgroupV2,
                       Map<String, String> cgroupPaths, Seccomp seccomp) {
            this(containerId, bundle, rootfs, execFifo, consoleSocket, preserveFds, noPivot, noNewKeyring, cgroupV2,
                    cgroupPaths, seccomp, false);
        }
    }

    /** A compiled seccomp filter: flags and the classic BPF program (8-byte sock_filter entries). */
    public record Seccomp(int flags, byte[] program, String listenerPath, String listenerPayload) {}

    private static final long MS_REMOUNT = MountOptions.MS_REMOUNT, MS_RDONLY = MountOptions.MS_RDONLY,
            MS_NOSUID = MountOptions.MS_NOSUID, MS_NODEV = MountOptions.MS_NODEV, MS_NOEXEC = MountOptions.MS_NOEXEC,
            MS_REC = MountOptions.MS_REC, MS_PRIVATE = MountOptions.MS_PRIVATE;

    static final int MOUNT_NORMAL = 1, MOUNT_BIND = 2, MOUNT_CGROUP_TMPFS = 3, MOUNT_TMPFS_COPYUP = 4;
    static final int MKDIR_DIR = 0, MKDIR_FILE = 1;
    static final int DEVICE_MKNOD = 1, DEVICE_BIND = 2;
    static final int S_IFIFO = 0010000, S_IFCHR = 0020000, S_IFBLK = 0060000;

    /** runc's default devices (config-linux.md "Default Devices"), created in every container's /dev. */
    public static final List<Spec.Device> DEFAULT_DEVICES = List.of(
            new Spec.Device("c", "/dev/null", 1L, 3L, 0666, 0L, 0L),
            new Spec.Device("c", "/dev/zero", 1L, 5L, 0666, 0L, 0L),
            new Spec.Device("c", "/dev/full", 1L, 7L, 0666, 0L, 0L),
            new Spec.Device("c", "/dev/random", 1L, 8L, 0666, 0L, 0L),
            new Spec.Device("c", "/dev/urandom", 1L, 9L, 0666, 0L, 0L),
            new Spec.Device("c", "/dev/tty", 5L, 0L, 0666, 0L, 0L));

    private PlanBuilder() {}

    /**
     * Which Linux security modules the host has enabled: AppArmor's securityfs directory, SELinux's selinuxfs
     * mount point (where runc and libselinux look). Unit tests pass their own.
     */
    public record Lsm(boolean apparmor, boolean selinux) {
        public static Lsm host() {
            return new Lsm(Files.isDirectory(Path.of("/sys/kernel/security/apparmor")),
                    Files.isDirectory(Path.of("/sys/fs/selinux")));
        }
    }

    /** The plan for {@code create}: a new container init. */
    public static byte[] create(Spec spec, Context ctx) {
        return create(spec, ctx, Lsm.host());
    }

    static byte[] create(Spec spec, Context ctx, Lsm lsm) {
        rejectUnsupported(spec, lsm);
        Spec.Linux linux = spec.linux();
        PlanWriter w = new PlanWriter();
        w.int32(PlanWriter.MODE, PlanWriter.MODE_CREATE);
        w.string(PlanWriter.CONTAINER_ID, ctx.containerId());

        long newNs = 0;
        boolean ownNet = false;
        boolean userNs = false;
        List<Spec.Namespace> joins = new ArrayList<>();
        for (Spec.Namespace ns : linux.namespaces()) {
            if (ns.path() == null || ns.path().isEmpty()) {
                newNs |= Namespaces.FLAGS.get(ns.type());
                if (ns.type().equals("network")) ownNet = true;
            } else {
                joins.add(ns);
            }
            if (ns.type().equals("user")) userNs = true;
        }
        for (String type : Namespaces.JOIN_ORDER) {
            for (Spec.Namespace ns : joins) {
                if (ns.type().equals(type)) {
                    w.begin(PlanWriter.NS_JOIN).u32(Namespaces.FLAGS.get(type)).str(ns.path()).end();
                }
            }
        }
        w.int64(PlanWriter.NS_NEW, newNs);
        if (!linux.timeOffsets().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, Spec.TimeOffset> e : linux.timeOffsets().entrySet()) {
                sb.append(e.getKey()).append(' ').append(e.getValue().secs()).append(' ')
                        .append(e.getValue().nanosecs()).append('\n');
            }
            w.string(PlanWriter.TIMENS_OFFSETS, sb.toString());
        }

        w.string(PlanWriter.ROOTFS, ctx.rootfs().toString());
        w.int64(PlanWriter.ROOTFS_PROPAGATION, propagation(linux.rootfsPropagation()));
        boolean devMounted = false;
        boolean devptsMounted = false;
        for (int i = 0; i < spec.mounts().size(); i++) {
            Spec.Mount m = spec.mounts().get(i);
            if (clean(m.destination()).equals("/dev")) devMounted = true;
            if ("devpts".equals(m.type())) devptsMounted = true;
            addMount(w, m, i, ctx, ownNet, linux);
        }
        // Default devices and the /dev symlinks (config-linux.md "Default Devices", "Devices"): made in the
        // container's own /dev unless /dev is the host's (a bind mount of /dev brings its own nodes).
        boolean hostDev = false; // a loop, not a stream (see DefaultDevices.listed)
        for (Spec.Mount m : spec.mounts()) {
            if (clean(m.destination()).equals("/dev") && MountOptions.parse(m.options()).bind()) {
                hostDev = true;
                break;
            }
        }
        List<Spec.Device> devices = new ArrayList<>();
        if (!hostDev) devices.addAll(DEFAULT_DEVICES);
        for (Spec.Device d : linux.devices()) {
            devices.removeIf(x -> x.path().equals(d.path()));
            devices.add(d);
        }
        // mknod needs CAP_MKNOD in the initial user namespace: in a new user namespace, or when jrun itself runs in
        // one (rootless podman), the devices are binds of the host's nodes (runc: RunningInUserNS || NEWUSER).
        boolean bindDevices = userNs || io.jrun.core.Rootless.inUserNamespace();
        for (Spec.Device d : devices) addDevice(w, d, bindDevices);
        if (!hostDev && devMounted) {
            symlink(w, "/proc/self/fd", "/dev/fd");
            symlink(w, "/proc/self/fd/0", "/dev/stdin");
            symlink(w, "/proc/self/fd/1", "/dev/stdout");
            symlink(w, "/proc/self/fd/2", "/dev/stderr");
            symlink(w, "/proc/kcore", "/dev/core");
            if (devptsMounted) symlink(w, "pts/ptmx", "/dev/ptmx");
        }
        if (ctx.noPivot()) w.flag(PlanWriter.NO_PIVOT);
        if (spec.hostname() != null) w.string(PlanWriter.HOSTNAME, spec.hostname());
        if (spec.domainname() != null) w.string(PlanWriter.DOMAINNAME, spec.domainname());
        for (Map.Entry<String, String> e : linux.sysctl().entrySet()) {
            w.begin(PlanWriter.SYSCTL).str(e.getKey()).str(e.getValue()).end();
        }
        for (String p : linux.maskedPaths()) w.string(PlanWriter.MASK_PATH, p);
        for (String p : linux.readonlyPaths()) w.string(PlanWriter.READONLY_PATH, p);
        if (spec.root().readonly()) w.flag(PlanWriter.ROOT_READONLY);
        if (ctx.noNewKeyring()) w.flag(PlanWriter.NO_NEW_KEYRING);
        // jrun's minimal init as PID 1, the process as its child (--init; docs/init.md)
        if (ctx.init()) w.flag(PlanWriter.INIT);
        if (linux.personality() != null) w.int64(PlanWriter.PERSONALITY, personality(linux.personality()));
        w.string(PlanWriter.EXEC_FIFO, ctx.execFifo().toString());
        // linux.mountLabel: the helper adds it as context="…" to the mounts that take one (selinux(8))
        if (linux.mountLabel() != null && !linux.mountLabel().isEmpty()) {
            w.string(PlanWriter.MOUNT_LABEL, linux.mountLabel());
        }
        String label = processLabel(spec.process(), lsm, "config.json: process.");
        if (label != null) w.string(PlanWriter.PROCESS_LABEL, label);
        addProcess(w, spec.process(), ctx, true);
        return w.toBytes();
    }

    /**
     * The plan for {@code exec} (docs/helper-protocol.md "Helper sequence (exec)"): join every namespace of
     * the running init {@code initPid} that differs from jrun's own, in {@link Namespaces#JOIN_ORDER}, then
     * the process attributes. A namespace the container shares with the host is skipped: setns(2) into one's
     * own user namespace fails with EINVAL, and re-joining the others would be a no-op.
     */
    public static byte[] exec(Spec.Process p, int initPid, Context ctx) {
        return exec(p, initPid, ctx, Lsm.host());
    }

    static byte[] exec(Spec.Process p, int initPid, Context ctx, Lsm lsm) {
        PlanWriter w = new PlanWriter();
        w.int32(PlanWriter.MODE, PlanWriter.MODE_EXEC);
        w.string(PlanWriter.CONTAINER_ID, ctx.containerId());
        for (String type : Namespaces.JOIN_ORDER) {
            String name = Namespaces.PROC_NAMES.get(type);
            Path theirs = Path.of("/proc", Integer.toString(initPid), "ns", name);
            String target = initNsLink(theirs);
            if (target == null) continue; // namespace type unknown to this kernel (e.g. time before 5.6)
            if (target.equals(nsLink(Path.of("/proc/self/ns", name)))) continue;
            w.begin(PlanWriter.NS_JOIN).u32(Namespaces.FLAGS.get(type)).str(theirs.toString()).end();
        }
        if (ctx.noNewKeyring()) w.flag(PlanWriter.NO_NEW_KEYRING);
        String label = processLabel(p, lsm, "process.json: ");
        if (label != null) w.string(PlanWriter.PROCESS_LABEL, label);
        addProcess(w, p, ctx, false);
        return w.toBytes();
    }

    /**
     * What goes to /proc/thread-self/attr/exec for the process: AppArmor wants "exec <profile>"
     * (apparmor(7), change_onexec), SELinux the bare context. Rejected where the LSM is not enabled: a label
     * silently not applied would leave the process unconfined. {@code where} prefixes the field in errors.
     */
    static String processLabel(Spec.Process p, Lsm lsm, String where) {
        if (p == null) return null;
        boolean aa = p.apparmorProfile() != null && !p.apparmorProfile().isEmpty();
        boolean se = p.selinuxLabel() != null && !p.selinuxLabel().isEmpty();
        // one attr/exec write per execve: the two would overwrite each other on a host with both (stacking)
        if (aa && se) throw new JrunException(where + "apparmorProfile: cannot be combined with selinuxLabel");
        if (aa) {
            if (!lsm.apparmor()) throw new JrunException(where + "apparmorProfile: AppArmor is not enabled on this host");
            // a newline would let the profile name smuggle a second command into the attr write
            if (p.apparmorProfile().indexOf('\n') >= 0 || p.apparmorProfile().indexOf('\0') >= 0) {
                throw new JrunException(where + "apparmorProfile: invalid profile name");
            }
            return "exec " + p.apparmorProfile();
        }
        if (se) {
            if (!lsm.selinux()) throw new JrunException(where + "selinuxLabel: SELinux is not enabled on this host");
            return p.selinuxLabel();
        }
        return null;
    }

    /**
     * The init's namespace link, or null when it cannot be read for want of it (a type this kernel lacks, an
     * init already gone: the helper's open then fails). Denied access is an error: a namespace skipped because
     * its link could not be read (ptrace access to the init refused, proc(5) "/proc/pid/ns/") would run the
     * process outside the container.
     */
    private static String initNsLink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (java.nio.file.AccessDeniedException e) {
            throw new JrunException("exec: cannot read " + p + ": permission denied (no ptrace access to the "
                    + "container's init)", e);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String nsLink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Process attributes shared by create and exec (config.md "Process"). */
    static void addProcess(PlanWriter w, Spec.Process p, Context ctx, boolean create) {
        w.begin(PlanWriter.ARGS).strings(p.args()).end();
        w.begin(PlanWriter.ENV).strings(p.env()).end();
        w.string(PlanWriter.CWD, p.cwd());
        Spec.User u = p.user();
        if (u != null) {
            w.begin(PlanWriter.USER).u32(u.uid()).u32(u.gid()).u32(u.umask() == null ? 0xffffffffL : u.umask())
                    .u32(u.additionalGids().size());
            for (long g : u.additionalGids()) w.u32(g);
            w.end();
        }
        if (p.capabilities() != null) {
            Spec.Capabilities c = p.capabilities();
            w.begin(PlanWriter.CAPS).u64(Capabilities.mask(c.bounding())).u64(Capabilities.mask(c.effective()))
                    .u64(Capabilities.mask(c.permitted())).u64(Capabilities.mask(c.inheritable()))
                    .u64(Capabilities.mask(c.ambient())).end();
        }
        for (Spec.Rlimit r : p.rlimits()) {
            w.begin(PlanWriter.RLIMIT).u32(Rlimits.resource(r.type())).u64(r.soft()).u64(r.hard()).end();
        }
        if (p.oomScoreAdj() != null) w.int32(PlanWriter.OOM_SCORE_ADJ, p.oomScoreAdj());
        if (p.noNewPrivileges()) w.flag(PlanWriter.NO_NEW_PRIVS);
        if (p.terminal()) {
            w.flag(PlanWriter.TERMINAL);
            if (ctx.consoleSocket() != null) w.string(PlanWriter.CONSOLE_SOCKET, ctx.consoleSocket());
            if (p.consoleSize() != null) {
                w.begin(PlanWriter.CONSOLE_SIZE).u32(p.consoleSize().height()).u32(p.consoleSize().width()).end();
            }
        }
        if (ctx.preserveFds() > 0) w.int32(PlanWriter.PRESERVE_FDS, ctx.preserveFds());
        if (ctx.seccomp() != null) {
            Seccomp s = ctx.seccomp();
            w.begin(PlanWriter.SECCOMP).u32(s.flags()).u32(s.program().length / 8).bytes(s.program())
                    .str(s.listenerPath() == null ? "" : s.listenerPath())
                    .str(s.listenerPayload() == null ? "" : s.listenerPayload()).end();
        }
        if (p.ioPriority() != null) {
            int cls = switch (p.ioPriority().ioClass()) {
                case "IOPRIO_CLASS_RT" -> 1;
                case "IOPRIO_CLASS_BE" -> 2;
                case "IOPRIO_CLASS_IDLE" -> 3;
                default -> throw new JrunException("config.json: process.ioPriority.class: unknown class "
                        + p.ioPriority().ioClass());
            };
            w.begin(PlanWriter.IOPRIO).u32(cls).u32(p.ioPriority().priority()).end();
        }
        if (p.scheduler() != null) addScheduler(w, p.scheduler());
    }

    private static void addScheduler(PlanWriter w, Spec.Scheduler s) {
        int policy = switch (s.policy()) {
            case "SCHED_OTHER" -> 0;
            case "SCHED_FIFO" -> 1;
            case "SCHED_RR" -> 2;
            case "SCHED_BATCH" -> 3;
            case "SCHED_ISO" -> 4;
            case "SCHED_IDLE" -> 5;
            case "SCHED_DEADLINE" -> 6;
            default -> throw new JrunException("config.json: process.scheduler.policy: unknown policy " + s.policy());
        };
        long flags = 0;
        for (String f : s.flags()) {
            flags |= switch (f) {
                case "SCHED_FLAG_RESET_ON_FORK" -> 0x01;
                case "SCHED_FLAG_RECLAIM" -> 0x02;
                case "SCHED_FLAG_DL_OVERRUN" -> 0x04;
                case "SCHED_FLAG_KEEP_POLICY" -> 0x08;
                case "SCHED_FLAG_KEEP_PARAMS" -> 0x10;
                case "SCHED_FLAG_UTIL_CLAMP_MIN" -> 0x20;
                case "SCHED_FLAG_UTIL_CLAMP_MAX" -> 0x40;
                default -> throw new JrunException("config.json: process.scheduler.flags: unknown flag " + f);
            };
        }
        w.begin(PlanWriter.SCHEDULER).u32(policy).u32(s.nice() == null ? 0 : s.nice())
                .u32(s.priority() == null ? 0 : s.priority()).u64(flags)
                .u64(s.runtime() == null ? 0 : s.runtime()).u64(s.deadline() == null ? 0 : s.deadline())
                .u64(s.period() == null ? 0 : s.period()).end();
    }

    private static void addMount(PlanWriter w, Spec.Mount m, int index, Context ctx, boolean ownNet, Spec.Linux linux) {
        String where = "config.json: mounts[" + index + "]";
        MountOptions o = MountOptions.parse(m.options());
        String dest = clean(m.destination());
        String type = m.type() == null ? "" : m.type();
        List<List<Spec.IdMapping>> idmap = idmap(m, o, linux, where, type);
        if (o.copyUp() && (o.bind() || !type.equals("tmpfs"))) {
            throw new JrunException(where + ".options: tmpcopyup is only valid for a mount of type tmpfs, not "
                    + (o.bind() || type.equals("bind") ? "a bind mount" : type.isEmpty() ? "an untyped mount" : type));
        }
        if (o.bind() || type.equals("bind")) {
            String source = m.source() == null ? "" : m.source();
            Path src = Path.of(source);
            if (!src.isAbsolute()) src = ctx.bundle().resolve(src);
            int mkdir = Files.isDirectory(src) ? MKDIR_DIR : MKDIR_FILE;
            long flags = MountOptions.MS_BIND | (o.recursiveBind() ? MS_REC : 0) | o.flags();
            mount(w, MOUNT_BIND, flags, o.propagation(), o.attrSet(), o.attrClr(), mkdir, src.toString(), dest, "", o.data());
            if (idmap != null) {
                // MOUNT_IDMAP right after its MOUNT: the helper idmaps that bind (docs/helper-protocol.md)
                w.begin(PlanWriter.MOUNT_IDMAP);
                idmapEntries(w, idmap.get(0));
                idmapEntries(w, idmap.get(1));
                w.u32(o.recursiveIdmap() ? 1 : 0).end();
            }
            return;
        }
        if (type.equals("cgroup") || type.equals("cgroup2")) {
            addCgroupMount(w, o, dest, ctx);
            return;
        }
        long flags = o.flags();
        // A sysfs the container's own network namespace does not own would expose the host's network devices
        // read-write; runc mounts it read-only then, and so does jrun.
        if (type.equals("sysfs") && !ownNet) flags |= MS_RDONLY;
        String source = m.source() == null ? type : m.source();
        String data = o.data();
        if (type.equals("overlay")) data = overlayData(data, ctx.bundle());
        mount(w, o.copyUp() ? MOUNT_TMPFS_COPYUP : MOUNT_NORMAL, flags, o.propagation(), o.attrSet(), o.attrClr(), MKDIR_DIR, source, dest, type, data);
    }

    /** The kernel's limit on lines of a uid_map/gid_map (user_namespaces(7)). */
    static final int MAX_IDMAP_ENTRIES = 340;

    /**
     * The uid and gid mappings of an idmapped mount, or null for a plain one (config.md "Mounts": uidMappings and
     * gidMappings, the idmap/ridmap options). Mappings on the mount imply idmap; idmap without mappings takes
     * the container's user namespace mappings. As runc, only bind mounts can be idmapped.
     */
    private static List<List<Spec.IdMapping>> idmap(Spec.Mount m, MountOptions o, Spec.Linux linux, String where, String type) {
        boolean mapped = !m.uidMappings().isEmpty() || !m.gidMappings().isEmpty();
        if (!mapped && !o.idmap()) return null;
        String field = mapped ? (m.uidMappings().isEmpty() ? ".gidMappings" : ".uidMappings")
                : ".options: " + (o.recursiveIdmap() ? "ridmap" : "idmap");
        if (!o.bind() && !type.equals("bind")) {
            throw new JrunException(where + field + ": idmapped mounts are only supported for bind mounts, not "
                    + (type.isEmpty() ? "an untyped mount" : type));
        }
        if (mapped && (m.uidMappings().isEmpty() || m.gidMappings().isEmpty())) {
            throw new JrunException(where + field + ": uidMappings and gidMappings must be given together");
        }
        List<Spec.IdMapping> uids = mapped ? m.uidMappings() : linux.uidMappings();
        List<Spec.IdMapping> gids = mapped ? m.gidMappings() : linux.gidMappings();
        if (uids.isEmpty() || gids.isEmpty()) {
            throw new JrunException(where + field + ": no uidMappings/gidMappings on the mount and none in "
                    + "linux.uidMappings/gidMappings to take");
        }
        for (List<Spec.IdMapping> l : List.of(uids, gids)) {
            if (l.size() > MAX_IDMAP_ENTRIES) {
                throw new JrunException(where + field + ": at most " + MAX_IDMAP_ENTRIES + " mappings");
            }
            for (Spec.IdMapping e : l) {
                if (e.size() <= 0 || e.containerID() < 0 || e.hostID() < 0
                        || e.containerID() + e.size() > 0xffffffffL || e.hostID() + e.size() > 0xffffffffL) {
                    throw new JrunException(where + field + ": invalid mapping containerID " + e.containerID()
                            + " hostID " + e.hostID() + " size " + e.size());
                }
            }
        }
        return List.of(uids, gids);
    }

    private static void idmapEntries(PlanWriter w, List<Spec.IdMapping> l) {
        w.u32(l.size());
        for (Spec.IdMapping e : l) w.u32(e.containerID()).u32(e.hostID()).u32(e.size());
    }

    /**
     * OverlayFS: relative lowerdir/upperdir/workdir are resolved against the bundle directory, so a bundle can
     * carry its own layers (config.md: relative mount sources are relative to the bundle).
     */
    static String overlayData(String data, Path bundle) {
        if (data.isEmpty()) return data;
        List<String> out = new ArrayList<>();
        for (String opt : data.split(",")) {
            int eq = opt.indexOf('=');
            String key = eq < 0 ? opt : opt.substring(0, eq);
            if (eq > 0 && (key.equals("lowerdir") || key.equals("upperdir") || key.equals("workdir"))) {
                List<String> dirs = new ArrayList<>();
                for (String d : opt.substring(eq + 1).split(":")) {
                    dirs.add(d.startsWith("/") || d.isEmpty() ? d : bundle.resolve(d).toString());
                }
                out.add(key + "=" + String.join(":", dirs));
            } else {
                out.add(opt);
            }
        }
        return String.join(",", out);
    }

    /**
     * A "cgroup" mount. On cgroup v2 hosts it is a cgroup2 mount (scoped by the container's cgroup namespace).
     * On v1 hosts runc's emulation: a tmpfs with one read-only bind per hierarchy of the container's own cgroup,
     * so the container sees its limits at the usual paths and nothing of its siblings.
     */
    private static void addCgroupMount(PlanWriter w, MountOptions o, String dest, Context ctx) {
        long flags = o.flags() | MS_NOSUID | MS_NODEV | MS_NOEXEC;
        if (ctx.cgroupV2()) {
            mount(w, MOUNT_NORMAL, flags, o.propagation(), 0, 0, MKDIR_DIR, "cgroup", dest, "cgroup2", "");
            return;
        }
        mount(w, MOUNT_CGROUP_TMPFS, (flags & ~MS_RDONLY), 0, 0, 0, MKDIR_DIR, "tmpfs", dest, "tmpfs", "mode=755");
        for (Map.Entry<String, String> e : ctx.cgroupPaths().entrySet()) {
            String name = e.getKey();
            if (name.equals("unified")) continue;
            String sub = name.startsWith("name=") ? name.substring(5) : name;
            mount(w, MOUNT_BIND, MountOptions.MS_BIND | MS_REC | (flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)),
                    0, 0, 0, MKDIR_DIR, e.getValue(), dest + "/" + sub, "", "");
        }
        if ((o.flags() & MS_RDONLY) != 0) {
            mount(w, MOUNT_NORMAL, MS_REMOUNT | flags, 0, 0, 0, MKDIR_DIR, "tmpfs", dest, "tmpfs", "mode=755");
        }
    }

    private static void mount(PlanWriter w, int kind, long flags, long prop, long attrSet, long attrClr, int mkdir,
                              String source, String dest, String fstype, String data) {
        w.begin(PlanWriter.MOUNT).u32(kind).u64(flags).u64(prop).u64(attrSet).u64(attrClr).u32(mkdir)
                .str(source).str(dest).str(fstype).str(data).end();
    }

    private static void addDevice(PlanWriter w, Spec.Device d, boolean userNs) {
        int fmt = switch (d.type()) {
            case "c", "u" -> S_IFCHR;
            case "b" -> S_IFBLK;
            case "p" -> S_IFIFO;
            default -> throw new JrunException("config.json: linux.devices: unknown device type " + d.type());
        };
        int perm = d.fileMode() == null ? 0666 : d.fileMode() & 07777;
        // Inside a user namespace mknod(2) of devices is refused; bind-mount the host's node instead.
        int kind = userNs ? DEVICE_BIND : DEVICE_MKNOD;
        w.begin(PlanWriter.DEVICE).u32(kind).u32(fmt | perm)
                .u64(d.major() == null ? 0 : d.major()).u64(d.minor() == null ? 0 : d.minor())
                .u32(d.uid() == null ? 0 : d.uid()).u32(d.gid() == null ? 0 : d.gid())
                .str(d.path().substring(1)).str(d.path()).end();
    }

    private static void symlink(PlanWriter w, String target, String link) {
        w.begin(PlanWriter.SYMLINK).str(target).str(link.substring(1)).end();
    }

    static long propagation(String p) {
        if (p == null || p.isEmpty()) return MS_REC | MS_PRIVATE;
        Long v = switch (p) {
            case "shared" -> MountOptions.MS_SHARED;
            case "rshared" -> MountOptions.MS_SHARED | MS_REC;
            case "slave" -> MountOptions.MS_SLAVE;
            case "rslave" -> MountOptions.MS_SLAVE | MS_REC;
            case "private" -> MS_PRIVATE;
            case "rprivate" -> MS_PRIVATE | MS_REC;
            case "unbindable" -> MountOptions.MS_UNBINDABLE;
            case "runbindable" -> MountOptions.MS_UNBINDABLE | MS_REC;
            default -> null;
        };
        if (v == null) throw new JrunException("config.json: linux.rootfsPropagation: unknown value " + p);
        return v;
    }

    /** personality(2) persona for linux.personality: PER_LINUX (0) or PER_LINUX32 (8). */
    static long personality(Spec.Personality p) {
        if (!p.flags().isEmpty()) {
            throw new JrunException("config.json: linux.personality.flags: no personality flags are defined by the spec");
        }
        return switch (p.domain()) {
            case "LINUX" -> 0;
            case "LINUX32" -> 8;
            default -> throw new JrunException("config.json: linux.personality.domain: unknown domain " + p.domain());
        };
    }

    /** Normalises a container path: no trailing slash, no duplicate slashes. */
    static String clean(String p) {
        String s = Path.of(p).normalize().toString();
        return s.isEmpty() ? "/" : s;
    }

    /**
     * Fields of runtime-spec 1.2 that jrun does not implement yet: rejected by name, never silently dropped.
     */
    public static void rejectUnsupported(Spec spec) {
        rejectUnsupported(spec, Lsm.host());
    }

    static void rejectUnsupported(Spec spec, Lsm lsm) {
        Spec.Linux l = spec.linux();
        if (l.intelRdt() != null) throw unsupported("linux.intelRdt", "Intel RDT (resctrl)");
        if (!l.netDevices().isEmpty()) throw unsupported("linux.netDevices", "moving network devices");
        Spec.Process p = spec.process();
        if (p != null && p.execCPUAffinity() != null) throw unsupported("process.execCPUAffinity", "exec CPU affinity");
        processLabel(p, lsm, "config.json: process.");
        if (l.mountLabel() != null && !l.mountLabel().isEmpty()) {
            if (!lsm.selinux()) throw new JrunException("config.json: linux.mountLabel: SELinux is not enabled on this host");
            // quoted into mount(2) data (MLS labels hold commas): a quote inside would end it and start another option
            if (l.mountLabel().indexOf('"') >= 0 || l.mountLabel().indexOf('\0') >= 0) {
                throw new JrunException("config.json: linux.mountLabel: invalid SELinux context");
            }
        }
    }

    private static JrunException unsupported(String field, String what) {
        return new JrunException("config.json: " + field + ": " + what + " is not supported by jrun yet");
    }
}
