package io.jrun.core;

import io.jrun.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * jrun run by an unprivileged user (docs/rootless.md): runc's rules for {@code --rootless} and for the default
 * {@code --root}. Everything here reads /proc/self files only; the environment is read only for a non-root
 * caller (System.getenv costs every call ~0.6 ms, docs/architecture.md "Start-up").
 */
public final class Rootless {
    private Rootless() {}

    /** The default state root when jrun runs as root (runc's /run/runc). */
    public static final Path ROOT_DEFAULT = Path.of("/run/jrun");

    /**
     * {@code --rootless auto|true|false} as runc reads it (utils_linux.go shouldUseRootlessCgroupManager): an
     * empty value or "auto" means rootless when the effective uid is not 0, or when jrun runs as uid 0 inside a
     * user namespace (rootlesskit, a rootless podman's own namespace); anything else is a Go boolean.
     */
    public static boolean resolve(String value) {
        if (value == null || value.isEmpty() || value.equalsIgnoreCase("auto")) {
            return !euidIsRoot() || inUserNamespace();
        }
        return switch (value) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new JrunException("invalid --rootless value \"" + value + "\": must be true, false or auto");
        };
    }

    /**
     * runc's default root (main.go, shouldHonorXDGRuntimeDir): {@code $XDG_RUNTIME_DIR/jrun} when XDG_RUNTIME_DIR
     * is set and jrun is not root, or is uid 0 in a user namespace (rootless podman runs its runtime so) with
     * USER unset or not "root"; otherwise /run/jrun. Created 0700 with the sticky bit so that the session
     * manager's periodic clean-up of the runtime dir leaves it alone (XDG Base Directory spec). Real root reads
     * no environment here.
     */
    public static Path defaultRoot() {
        if (euidIsRoot() && !inUserNamespace()) return ROOT_DEFAULT;
        if (euidIsRoot() && "root".equals(CallEnv.get("USER"))) return ROOT_DEFAULT;
        String xdg = CallEnv.get("XDG_RUNTIME_DIR");
        if (xdg == null || xdg.isEmpty() || !xdg.startsWith("/")) return ROOT_DEFAULT;
        Path root = Path.of(xdg, "jrun");
        if (!Files.isDirectory(root)) {
            try {
                Files.createDirectories(root);
                Files.setAttribute(root, "unix:mode", 01700);
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                throw new JrunException("create root directory " + root + ": " + e.getMessage(), e);
            }
        }
        return root;
    }

    private static volatile int euid = -1;

    /** Whether the effective uid (the second field of /proc/self/status's Uid: line) is 0. */
    public static boolean euidIsRoot() {
        return euid() == 0;
    }

    public static int euid() {
        int e = euid;
        if (e < 0) {
            e = statusId("Uid:");
            euid = e;
        }
        return e;
    }

    /** The effective gid (the second field of /proc/self/status's Gid: line). */
    public static int egid() {
        return statusId("Gid:");
    }

    private static int statusId(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) return Integer.parseInt(line.substring(key.length()).trim().split("\\s+")[1]);
            }
        } catch (IOException | RuntimeException e) {
            throw new JrunException("cannot read the effective ids from /proc/self/status: " + e.getMessage(), e);
        }
        throw new JrunException("no " + key + " line in /proc/self/status");
    }

    /**
     * Whether jrun runs in a user namespace other than the initial one: the initial namespace's uid_map is the
     * identity over the whole range ("0 0 4294967295", user_namespaces(7)).
     */
    public static boolean inUserNamespace() {
        Boolean in = inUserNs;
        if (in == null) {
            try {
                String[] f = Files.readString(Path.of("/proc/self/uid_map")).trim().split("\\s+");
                in = !(f.length == 3 && f[0].equals("0") && f[1].equals("0") && f[2].equals("4294967295"));
            } catch (IOException e) {
                in = false; // no user namespaces in this kernel
            }
            inUserNs = in;
        }
        return in;
    }

    private static volatile Boolean inUserNs;

    /**
     * CVE-2023-25809: {@code runc spec --rootless} bind-mounts the host's /sys with "rbind" and "ro", but a
     * read-only remount of a bind applies to its top mount only, so the submounts (every cgroup hierarchy under
     * /sys/fs/cgroup among them) stay writable: a rootless container whose creator owns a cgroup could write it,
     * and escape its limits, wherever no cgroup mount covers /sys/fs/cgroup (cgroupns=host). For a rootless
     * container every "rbind" that asks for "ro" is made recursively read-only ("rro", mount_setattr(2)
     * AT_RECURSIVE), which closes the whole class (any writable submount of a read-only bind).
     */
    public static Spec recursiveReadOnlyBinds(Spec spec) {
        List<Spec.Mount> mounts = new ArrayList<>(spec.mounts().size());
        boolean changed = false;
        for (Spec.Mount m : spec.mounts()) {
            List<String> o = m.options();
            if (o.contains("rbind") && o.contains("ro") && !o.contains("rro") && !o.contains("rrw")) {
                List<String> opts = new ArrayList<>(o);
                opts.add("rro");
                m = new Spec.Mount(m.destination(), m.source(), m.type(), List.copyOf(opts), m.uidMappings(),
                        m.gidMappings());
                changed = true;
            }
            mounts.add(m);
        }
        if (!changed) return spec;
        return new Spec(spec.ociVersion(), spec.root(), List.copyOf(mounts), spec.process(), spec.hostname(),
                spec.domainname(), spec.hooks(), spec.annotations(), spec.linux(), spec.unsupportedSections());
    }
}
