package io.jrun.core.cgroup;

/**
 * The unit conversions between linux.resources (written with cgroup v1 in mind) and cgroup v2 files. The
 * formulas are runc's, so a container gets the same kernel values under jrun as under runc.
 */
public final class CgroupConversions {
    private CgroupConversions() {}

    /**
     * cpu.shares [2, 262144] → cpu.weight [1, 10000] (cgroup-v2.rst "CPU Interface Files": weight in
     * [1, 10000], default 100). Linear map of the two ranges; 0 means unset and stays 0.
     */
    public static long cpuSharesToWeight(long shares) {
        if (shares == 0) {
            return 0;
        }
        return 1 + ((shares - 2) * 9999) / 262142;
    }

    /** blkio.weight [10, 1000] → io.weight [1, 10000] (cgroup-v2.rst "IO Interface Files"); 0 stays 0. */
    public static long blkioWeightToIoWeight(long weight) {
        if (weight == 0) {
            return 0;
        }
        return 1 + (weight - 10) * 9999 / 990;
    }

    /**
     * linux.resources.memory.swap is memory+swap (v1 memsw); cgroup v2's memory.swap.max is swap alone
     * (cgroup-v2.rst "memory.swap.max"). Returns the v2 value: -1 = "max", 0 = leave unset.
     *
     * @throws IllegalArgumentException with runc's reason when the pair is inconsistent
     */
    public static long memorySwapToV2(long swap, long limit) {
        // v1 compatibility: unlimited memory with no explicit swap means unlimited swap too
        if (limit == -1 && swap == 0) {
            return -1;
        }
        if (swap == -1 || swap == 0) {
            return swap;
        }
        if (limit == 0 || limit == -1) {
            throw new IllegalArgumentException("unable to set swap limit without memory limit");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("invalid memory value: " + limit);
        }
        if (swap < limit) {
            throw new IllegalArgumentException("memory+swap limit should be >= memory limit");
        }
        return swap - limit;
    }

    /** runc's numToStr for v2 files: 0 → null (leave alone), -1 → "max", else the decimal value. */
    public static String v2Value(long v) {
        if (v == 0) {
            return null;
        }
        return v == -1 ? "max" : Long.toString(v);
    }
}
