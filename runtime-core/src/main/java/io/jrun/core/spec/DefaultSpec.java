package io.jrun.core.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code jrun spec} writes: the same content as {@code runc spec} (runc 1.1.5 checked on this host), with
 * hostname "jrun", ociVersion {@link #OCI_VERSION} and, as runc 1.2 does, a cgroup namespace. {@link #rootless}
 * applies the changes of {@code runc spec --rootless}.
 */
public final class DefaultSpec {
    private DefaultSpec() {}

    /** The runtime-spec version jrun implements and writes. */
    public static final String OCI_VERSION = "1.2.0";

    private static final List<String> DEFAULT_CAPS = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

    private static final List<String> MASKED_PATHS = List.of(
            "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
            "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi");

    private static final List<String> READONLY_PATHS = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    /** The default config.json, equivalent to {@code runc spec}. */
    public static Spec create() {
        Spec.Process process = new Spec.Process(
                true,
                null,
                new Spec.User(0, 0, null, List.of(), null),
                List.of("sh"),
                null,
                List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"),
                "/",
                // runc fills bounding, effective, permitted and ambient, not inheritable.
                new Spec.Capabilities(DEFAULT_CAPS, DEFAULT_CAPS, null, DEFAULT_CAPS, DEFAULT_CAPS),
                List.of(new Spec.Rlimit("RLIMIT_NOFILE", 1024, 1024)),
                true,
                null, null, null, null, null, null);
        List<Spec.Mount> mounts = List.of(
                mount("/proc", "proc", "proc"),
                mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
                mount("/dev/pts", "devpts", "devpts",
                        "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
                mount("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
                mount("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
                mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
                mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro"));
        Spec.Resources resources = new Spec.Resources(
                List.of(new Spec.DeviceRule(false, null, null, null, "rwm")),
                null, null, null, null, List.of(), null, Map.of(), Map.of());
        Spec.Linux linux = new Spec.Linux(
                namespaces("pid", "network", "ipc", "uts", "mount", "cgroup"),
                List.of(), List.of(), Map.of(), List.of(), Map.of(),
                null,
                resources,
                null, null, Map.of(),
                MASKED_PATHS,
                READONLY_PATHS,
                null, null, null);
        return new Spec(OCI_VERSION, new Spec.Root("rootfs", true), mounts, process, "jrun", null, null, Map.of(),
                linux, List.of());
    }

    /** {@code runc spec --rootless} for the calling user (uid/gid read from /proc/self/status). */
    public static Spec rootless() {
        long[] ids = currentIds();
        return rootless(ids[0], ids[1]);
    }

    /**
     * The rootless variant, mapping container root to {@code hostUid}/{@code hostGid}: a user namespace with
     * one-entry mappings, no network namespace (an unprivileged user cannot configure one), /sys as a read-only
     * rbind (sysfs cannot be mounted without owning the network namespace), no uid=/gid= mount options (those
     * ids are not mapped), and no cgroup resources (an unprivileged user usually cannot write them).
     */
    public static Spec rootless(long hostUid, long hostGid) {
        Spec s = create();
        List<Spec.Mount> mounts = new ArrayList<>();
        for (Spec.Mount m : s.mounts()) {
            switch (m.destination()) {
                case "/sys" -> mounts.add(new Spec.Mount("/sys", "/sys", "none",
                        List.of("rbind", "nosuid", "noexec", "nodev", "ro"), List.of(), List.of()));
                // uid=/gid= options name ids that are not mapped into the new user namespace.
                default -> mounts.add(new Spec.Mount(m.destination(), m.source(), m.type(),
                        m.options().stream().filter(o -> !o.startsWith("gid=") && !o.startsWith("uid=")).toList(),
                        m.uidMappings(), m.gidMappings()));
            }
        }
        List<Spec.Namespace> ns = new ArrayList<>();
        for (Spec.Namespace n : s.linux().namespaces()) {
            if (!n.type().equals("network") && !n.type().equals("user")) {
                ns.add(n);
            }
        }
        ns.add(new Spec.Namespace("user", null));
        Spec.Linux l = s.linux();
        Spec.Linux linux = new Spec.Linux(
                List.copyOf(ns),
                List.of(new Spec.IdMapping(0, hostUid, 1)),
                List.of(new Spec.IdMapping(0, hostGid, 1)),
                l.timeOffsets(), l.devices(), l.netDevices(), l.cgroupsPath(),
                null,
                l.rootfsPropagation(), l.seccomp(), l.sysctl(), l.maskedPaths(), l.readonlyPaths(),
                l.mountLabel(), l.intelRdt(), l.personality());
        return new Spec(s.ociVersion(), s.root(), List.copyOf(mounts), s.process(), s.hostname(), s.domainname(),
                s.hooks(), s.annotations(), linux, s.unsupportedSections());
    }

    private static Spec.Mount mount(String destination, String type, String source, String... options) {
        return new Spec.Mount(destination, source, type, List.of(options), List.of(), List.of());
    }

    private static List<Spec.Namespace> namespaces(String... types) {
        List<Spec.Namespace> l = new ArrayList<>();
        for (String t : types) {
            l.add(new Spec.Namespace(t, null));
        }
        return List.copyOf(l);
    }

    /** Effective uid and gid from /proc/self/status (second field of the Uid:/Gid: lines); no native call. */
    static long[] currentIds() {
        long uid = -1;
        long gid = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    uid = Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                } else if (line.startsWith("Gid:")) {
                    gid = Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new SpecException("spec --rootless: cannot read the current uid/gid from /proc/self/status: "
                    + e.getMessage(), e);
        }
        if (uid < 0 || gid < 0) {
            throw new SpecException("spec --rootless: no Uid/Gid line in /proc/self/status");
        }
        return new long[] {uid, gid};
    }
}
