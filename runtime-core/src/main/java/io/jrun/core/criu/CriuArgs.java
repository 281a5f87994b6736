package io.jrun.core.criu;

import io.jrun.core.JrunException;
import io.jrun.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** criu's command line, built option by option, and the rules runc's flags follow on their way to it. */
public final class CriuArgs {
    /** The fd criu gets for --status-fd (and restore's network namespace comes as fd 4): see the preludes. */
    public static final int STATUS_FD = 3;
    public static final int NETNS_FD = 4;
    /** runc's key for an external network namespace (criu --external net[INODE]:KEY, --inherit-fd fd[N]:KEY). */
    public static final String EXT_NETNS = "extRootNetNS";

    private final List<String> args = new ArrayList<>();

    public CriuArgs(String command) {
        args.add(command);
    }

    public CriuArgs add(String... a) {
        args.addAll(List.of(a));
        return this;
    }

    public CriuArgs flag(boolean on, String name) {
        if (on) args.add(name);
        return this;
    }

    public List<String> list() { return List.copyOf(args); }

    /** runc's --manage-cgroups-mode values, which are criu's. */
    public static void checkManageCgroupsMode(String mode) {
        if (mode == null) return;
        if (!List.of("soft", "full", "strict", "ignore").contains(mode)) {
            throw new JrunException("Invalid manage cgroups mode: " + mode);
        }
    }

    /** runc's --empty-ns takes a namespace name; criu's only such namespace is the network's. */
    public static String emptyNs(String ns) {
        if (ns.equals("network") || ns.equals("net")) return "net";
        throw new JrunException("namespace \"" + ns + "\" is not supported by --empty-ns (only \"network\")");
    }

    /**
     * --tcp-established needs the network locked while the tasks are frozen. criu's default lock runs
     * iptables-restore, which a Debian 12 host without the iptables package lacks; the nftables lock goes through
     * libnftables, which jrun's criu carries (docs/checkpoint.md).
     */
    public static void networkLock(CriuArgs a) {
        a.add("--network-lock", "nftables");
    }

    /** runc: the parent image directory, relative to the image path as criu wants it ("../pre1"). */
    public static String parentPath(Path imagePath, String parent) {
        Path p = Path.of(parent);
        Path abs = p.isAbsolute() ? p : imagePath.resolve(p).normalize();
        if (!Files.isDirectory(abs)) throw new JrunException("invalid --parent-path: " + parent + " is not a directory");
        return p.isAbsolute() ? imagePath.toAbsolutePath().relativize(p).toString() : parent;
    }

    /** runc's --page-server ADDRESS:PORT. */
    public static void pageServer(CriuArgs a, String spec) {
        int colon = spec.lastIndexOf(':');
        if (colon <= 0 || colon == spec.length() - 1) {
            throw new JrunException("Use --page-server=address:port to specify page server");
        }
        String port = spec.substring(colon + 1);
        try {
            Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new JrunException("Invalid port number: " + port);
        }
        a.add("--page-server", "--address", spec.substring(0, colon), "--port", port);
    }

    /** A mount criu sees as a bind of a host path (config.md "Mounts": type bind, or a bind/rbind option). */
    public static boolean isBind(Spec.Mount m) {
        if ("bind".equals(m.type())) return true;
        return m.options() != null && (m.options().contains("bind") || m.options().contains("rbind"));
    }

    /**
     * A network namespace the config joins by path is not the container's to dump: criu leaves it out and
     * restore puts the tasks back into the namespace the restoring config names (runc's rule).
     */
    public static void externalNamespaces(Spec spec, CriuArgs a) {
        String path = netnsPath(spec);
        if (path == null) return;
        try {
            long ino = ((Number) Files.getAttribute(Path.of(path), "unix:ino")).longValue();
            a.add("--external", "net[" + ino + "]:" + EXT_NETNS);
        } catch (IOException e) {
            throw new JrunException("linux.namespaces: network path " + path + ": " + e.getMessage(), e);
        }
    }

    /** linux.namespaces' network entry's path, or null when the container has a network namespace of its own. */
    public static String netnsPath(Spec spec) {
        for (Spec.Namespace n : spec.linux().namespaces()) {
            if ("network".equals(n.type()) && n.path() != null && !n.path().isEmpty()) return n.path();
        }
        return null;
    }

    /**
     * criu runs as a child that Java gives only fds 0-2; a --status-fd (a pipe the caller waits on) is reopened
     * through /proc in a shell that then execs criu, as fd {@link #STATUS_FD}.
     */
    public static List<String> statusFdPrelude(int statusFd) {
        if (statusFd < 0) return List.of();
        long self = ProcessHandle.current().pid();
        return List.of("/bin/sh", "-c", "exec " + STATUS_FD + ">/proc/" + self + "/fd/" + statusFd + " && exec \"$@\"", "sh");
    }
}
