package io.jrun.core.cgroup;

import io.jrun.core.spec.Spec;
import java.util.ArrayList;
import java.util.List;

/**
 * The devices every container gets, in one place for the cgroup device rules and for the launcher that
 * creates the nodes in /dev. The list is runc's (libcontainer/specconv AllowedDevices), because clients are
 * written against runc: podman sends only "deny all" and relies on these being appended.
 *
 * <p>Decision: like runc, the default rules are appended after the client's rules on every create, not only
 * when a client sends deny-all alone. docker and containerd send the same allows themselves, so for them it
 * changes nothing, and a client that denies a default device by an explicit rule (docker's
 * {@code c 10:229 rwm} deny for fuse) keeps it denied because fuse is not in this list. A default that has a
 * node path is dropped when linux.devices lists the same path (the spec's entry wins), as runc does.
 */
public final class DefaultDevices {
    private DefaultDevices() {}

    /** A device node to create in the container's /dev. type 'c' or 'b'. */
    public record Node(String path, char type, long major, long minor, int fileMode) {}

    /** The nodes runc creates in every container (mode 0666, owned by the container's root). */
    public static final List<Node> NODES = List.of(
            new Node("/dev/null", 'c', 1, 3, 0666),
            new Node("/dev/random", 'c', 1, 8, 0666),
            new Node("/dev/full", 'c', 1, 7, 0666),
            new Node("/dev/tty", 'c', 5, 0, 0666),
            new Node("/dev/zero", 'c', 1, 5, 0666),
            new Node("/dev/urandom", 'c', 1, 9, 0666));

    /** The allow rules appended after the client's rules; see the class comment. */
    public static final List<Spec.DeviceRule> RULES;

    static {
        List<Spec.DeviceRule> r = new ArrayList<>();
        r.add(new Spec.DeviceRule(true, "c", null, null, "m")); // mknod of any device (the node still needs rw)
        r.add(new Spec.DeviceRule(true, "b", null, null, "m"));
        for (Node n : NODES) {
            r.add(new Spec.DeviceRule(true, String.valueOf(n.type()), n.major(), n.minor(), "rwm"));
        }
        r.add(new Spec.DeviceRule(true, "c", 136L, null, "rwm")); // /dev/pts/*
        r.add(new Spec.DeviceRule(true, "c", 5L, 2L, "rwm"));     // /dev/ptmx
        r.add(new Spec.DeviceRule(true, "c", 10L, 200L, "rwm"));  // /dev/net/tun (kept by runc for compatibility)
        RULES = List.copyOf(r);
    }

    /**
     * The rules to enforce: the client's {@code linux.resources.devices}, then {@link #RULES}, minus the
     * defaults whose node path {@code linuxDevices} (linux.devices) also lists.
     */
    public static List<Spec.DeviceRule> withDefaults(List<Spec.DeviceRule> specRules, List<Spec.Device> linuxDevices) {
        List<Spec.DeviceRule> out = new ArrayList<>(specRules == null ? List.of() : specRules);
        for (Spec.DeviceRule d : RULES) {
            Node node = nodeFor(d);
            if (node != null && linuxDevices != null && listed(linuxDevices, node.path())) {
                continue;
            }
            out.add(d);
        }
        return out;
    }

    /** A loop, not a stream: create runs this interpreted, and a first stream initialises ~25 classes. */
    private static boolean listed(List<Spec.Device> linuxDevices, String path) {
        for (Spec.Device ld : linuxDevices) {
            if (path.equals(ld.path())) return true;
        }
        return false;
    }

    private static Node nodeFor(Spec.DeviceRule d) {
        for (Node n : NODES) {
            if (d.major() != null && d.minor() != null && d.major() == n.major() && d.minor() == n.minor()
                    && d.type().charAt(0) == n.type()) {
                return n;
            }
        }
        return null;
    }

    /** The v1 devices.allow / devices.deny line: {@code "c 1:3 rwm"}, {@code "c 136:* rwm"}, or {@code "a"}. */
    public static String v1Line(Spec.DeviceRule r) {
        String type = r.type() == null ? "a" : r.type();
        if (type.equals("a")) {
            // cgroup-v1/devices.rst: "a" applies to all devices and all access; the rest is ignored
            return "a";
        }
        // only absent or -1 is "all": another negative number is written as is, for the kernel to refuse
        return type + ' ' + (r.major() == null || r.major() == -1 ? "*" : r.major().toString()) + ':'
                + (r.minor() == null || r.minor() == -1 ? "*" : r.minor().toString()) + ' ' + r.access();
    }
}
