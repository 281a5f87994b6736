package io.jrun.core.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a mount's option strings (config.md "Mounts", mount(8) names) into mount(2) flags, propagation
 * flags, recursive attributes for mount_setattr(2) and the filesystem-specific data string.
 */
public record MountOptions(long flags, long clearFlags, long propagation, long attrSet, long attrClr,
                           boolean bind, boolean recursiveBind, boolean idmap, boolean recursiveIdmap,
                           boolean copyUp, String data) {

    // <sys/mount.h>
    public static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16,
            MS_REMOUNT = 32, MS_MANDLOCK = 64, MS_DIRSYNC = 128, MS_NOSYMFOLLOW = 256, MS_NOATIME = 1024,
            MS_NODIRATIME = 2048, MS_BIND = 4096, MS_MOVE = 8192, MS_REC = 16384, MS_SILENT = 32768,
            MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20,
            MS_RELATIME = 1 << 21, MS_I_VERSION = 1 << 23, MS_STRICTATIME = 1 << 24, MS_LAZYTIME = 1 << 25;

    // <linux/mount.h> MOUNT_ATTR_*
    public static final long ATTR_RDONLY = 1, ATTR_NOSUID = 2, ATTR_NODEV = 4, ATTR_NOEXEC = 8,
            ATTR_RELATIME = 0, ATTR_NOATIME = 0x10, ATTR_STRICTATIME = 0x20, ATTR__ATIME = 0x70,
            ATTR_NODIRATIME = 0x80, ATTR_NOSYMFOLLOW = 0x200000;

    /** option → {flag to set, flag to clear}. */
    private static final Map<String, long[]> FLAGS = Map.ofEntries(
            Map.entry("ro", new long[] {MS_RDONLY, 0}), Map.entry("rw", new long[] {0, MS_RDONLY}),
            Map.entry("nosuid", new long[] {MS_NOSUID, 0}), Map.entry("suid", new long[] {0, MS_NOSUID}),
            Map.entry("nodev", new long[] {MS_NODEV, 0}), Map.entry("dev", new long[] {0, MS_NODEV}),
            Map.entry("noexec", new long[] {MS_NOEXEC, 0}), Map.entry("exec", new long[] {0, MS_NOEXEC}),
            Map.entry("sync", new long[] {MS_SYNCHRONOUS, 0}), Map.entry("async", new long[] {0, MS_SYNCHRONOUS}),
            Map.entry("dirsync", new long[] {MS_DIRSYNC, 0}), Map.entry("remount", new long[] {MS_REMOUNT, 0}),
            Map.entry("mand", new long[] {MS_MANDLOCK, 0}), Map.entry("nomand", new long[] {0, MS_MANDLOCK}),
            Map.entry("atime", new long[] {0, MS_NOATIME}), Map.entry("noatime", new long[] {MS_NOATIME, 0}),
            Map.entry("diratime", new long[] {0, MS_NODIRATIME}),
            Map.entry("nodiratime", new long[] {MS_NODIRATIME, 0}),
            Map.entry("relatime", new long[] {MS_RELATIME, 0}), Map.entry("norelatime", new long[] {0, MS_RELATIME}),
            Map.entry("strictatime", new long[] {MS_STRICTATIME, 0}),
            Map.entry("nostrictatime", new long[] {0, MS_STRICTATIME}),
            Map.entry("lazytime", new long[] {MS_LAZYTIME, 0}), Map.entry("nolazytime", new long[] {0, MS_LAZYTIME}),
            Map.entry("silent", new long[] {MS_SILENT, 0}), Map.entry("loud", new long[] {0, MS_SILENT}),
            Map.entry("iversion", new long[] {MS_I_VERSION, 0}), Map.entry("noiversion", new long[] {0, MS_I_VERSION}),
            Map.entry("nosymfollow", new long[] {MS_NOSYMFOLLOW, 0}),
            Map.entry("symfollow", new long[] {0, MS_NOSYMFOLLOW}));

    private static final Map<String, Long> PROPAGATION = Map.of(
            "private", MS_PRIVATE, "rprivate", MS_PRIVATE | MS_REC,
            "shared", MS_SHARED, "rshared", MS_SHARED | MS_REC,
            "slave", MS_SLAVE, "rslave", MS_SLAVE | MS_REC,
            "unbindable", MS_UNBINDABLE, "runbindable", MS_UNBINDABLE | MS_REC);

    /** Recursive attributes (mount_setattr(2) with AT_RECURSIVE): option → {set, clear}. */
    private static final Map<String, long[]> RECURSIVE = Map.ofEntries(
            Map.entry("rro", new long[] {ATTR_RDONLY, 0}), Map.entry("rrw", new long[] {0, ATTR_RDONLY}),
            Map.entry("rnosuid", new long[] {ATTR_NOSUID, 0}), Map.entry("rsuid", new long[] {0, ATTR_NOSUID}),
            Map.entry("rnodev", new long[] {ATTR_NODEV, 0}), Map.entry("rdev", new long[] {0, ATTR_NODEV}),
            Map.entry("rnoexec", new long[] {ATTR_NOEXEC, 0}), Map.entry("rexec", new long[] {0, ATTR_NOEXEC}),
            Map.entry("rnodiratime", new long[] {ATTR_NODIRATIME, 0}),
            Map.entry("rdiratime", new long[] {0, ATTR_NODIRATIME}),
            Map.entry("rrelatime", new long[] {ATTR_RELATIME, ATTR__ATIME}),
            Map.entry("rnorelatime", new long[] {0, 0}),
            Map.entry("rnoatime", new long[] {ATTR_NOATIME, ATTR__ATIME}),
            Map.entry("ratime", new long[] {0, ATTR_NOATIME}),
            Map.entry("rstrictatime", new long[] {ATTR_STRICTATIME, ATTR__ATIME}),
            Map.entry("rnostrictatime", new long[] {0, ATTR_STRICTATIME}),
            Map.entry("rnosymfollow", new long[] {ATTR_NOSYMFOLLOW, 0}),
            Map.entry("rsymfollow", new long[] {0, ATTR_NOSYMFOLLOW}));

    public static MountOptions parse(List<String> options) {
        long flags = 0, clear = 0, prop = 0, attrSet = 0, attrClr = 0;
        boolean bind = false, rbind = false, idmap = false, ridmap = false, copyUp = false;
        List<String> data = new ArrayList<>();
        for (String o : options) {
            long[] f = FLAGS.get(o);
            if (f != null) {
                flags = (flags & ~f[1]) | f[0];
                clear = (clear & ~f[0]) | f[1];
                continue;
            }
            Long p = PROPAGATION.get(o);
            if (p != null) {
                prop |= p;
                continue;
            }
            long[] r = RECURSIVE.get(o);
            if (r != null) {
                attrSet = (attrSet & ~r[1]) | r[0];
                attrClr |= r[1];
                continue;
            }
            switch (o) {
                case "bind" -> bind = true;
                case "rbind" -> {
                    bind = true;
                    rbind = true;
                }
                case "idmap" -> idmap = true;
                case "ridmap" -> {
                    idmap = true;
                    ridmap = true;
                }
                // runc extension: copy the image's files into a tmpfs mounted over a directory (never a
                // data option: tmpfs would reject it)
                case "tmpcopyup" -> copyUp = true;
                default -> data.add(o);
            }
        }
        return new MountOptions(flags, clear, prop, attrSet, attrClr, bind, rbind, idmap, ridmap, copyUp, String.join(",", data));
    }

    /** Every option name jrun understands, for the features document. */
    public static java.util.List<String> names() {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(FLAGS.keySet());
        all.addAll(PROPAGATION.keySet());
        all.addAll(RECURSIVE.keySet());
        all.add("bind");
        all.add("rbind");
        all.add("idmap");
        all.add("ridmap");
        all.add("tmpcopyup");
        return java.util.List.copyOf(all);
    }

    public boolean readOnly() {
        return (flags & MS_RDONLY) != 0;
    }
}
