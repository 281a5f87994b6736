package io.jrun.core.spec;

import java.util.List;

/**
 * rlimit type names (config.md "rlimits": the names of getrlimit(2)) and their resource numbers on Linux
 * (asm-generic/resource.h; x86, arm64, riscv and the other generic ABIs share these values).
 */
public final class Rlimits {
    private Rlimits() {}

    /** Index = resource number. */
    private static final String[] NAMES = {
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
        "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING",
        "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    };

    /** RLIM_INFINITY as the uint64 bits stored in {@link Spec.Rlimit}. */
    public static final long INFINITY = -1L;

    /** The resource number of a name like "RLIMIT_NOFILE", or -1 if unknown. */
    public static int resource(String name) {
        if (name != null) {
            for (int i = 0; i < NAMES.length; i++) {
                if (NAMES[i].equals(name)) {
                    return i;
                }
            }
        }
        return -1;
    }

    public static boolean isKnown(String name) {
        return resource(name) >= 0;
    }

    public static String name(int resource) {
        if (resource < 0 || resource >= NAMES.length) {
            throw new IllegalArgumentException("unknown rlimit resource " + resource);
        }
        return NAMES[resource];
    }

    public static List<String> names() {
        return List.of(NAMES);
    }
}
