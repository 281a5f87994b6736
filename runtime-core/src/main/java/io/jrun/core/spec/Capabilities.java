package io.jrun.core.spec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Linux capability names (as config.md "capabilities" writes them, e.g. "CAP_CHOWN") and their numbers from
 * linux/capability.h, 0 (CAP_CHOWN) to 40 (CAP_CHECKPOINT_RESTORE). The launcher turns the five sets into the
 * 64-bit masks capset(2) and PR_CAPBSET_DROP / PR_CAP_AMBIENT need.
 *
 * <p>Not to be confused with {@link Spec.Capabilities}, the five name lists of a process.
 */
public final class Capabilities {
    private Capabilities() {}

    /** Highest capability number jrun knows (CAP_CHECKPOINT_RESTORE, Linux 5.9). */
    public static final int LAST = 40;

    /** Index = capability number. */
    private static final String[] NAMES = {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE",
    };

    private static final Map<String, Integer> NUMBERS = new HashMap<>();

    static {
        for (int i = 0; i < NAMES.length; i++) {
            NUMBERS.put(NAMES[i], i);
        }
    }

    /** Mask of every capability 0..LAST. */
    public static final long ALL_MASK = (1L << (LAST + 1)) - 1;

    /** The number of a name like "CAP_SYS_ADMIN", or -1 if unknown. Names are case-sensitive, as in runc. */
    public static int number(String name) {
        Integer n = name == null ? null : NUMBERS.get(name);
        return n == null ? -1 : n;
    }

    public static boolean isKnown(String name) {
        return number(name) >= 0;
    }

    /** The name of capability {@code number}; IllegalArgumentException outside 0..LAST. */
    public static String name(int number) {
        if (number < 0 || number > LAST) {
            throw new IllegalArgumentException("unknown capability number " + number);
        }
        return NAMES[number];
    }

    /** All names in number order. */
    public static List<String> names() {
        return List.of(NAMES);
    }

    /**
     * Bit mask (bit n = capability n) of a set; null or empty gives 0. Unknown names are an
     * IllegalArgumentException: SpecValidator rejects them before anything gets here.
     */
    public static long mask(List<String> names) {
        long m = 0;
        if (names != null) {
            for (String s : names) {
                int n = number(s);
                if (n < 0) {
                    throw new IllegalArgumentException("unknown capability " + s);
                }
                m |= 1L << n;
            }
        }
        return m;
    }
}
