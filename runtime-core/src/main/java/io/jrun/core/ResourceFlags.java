package io.jrun.core;

import io.jrun.core.spec.Spec;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * runc's individual {@code update} flags, laid over the LinuxResources object from {@code --resources} (or an
 * empty one): each flag that was given replaces its field. Flag names are given without the leading dashes.
 */
public final class ResourceFlags {
    /** Every flag, in runc's order; the value-less ones are the two Intel RDT schemata jrun cannot apply. */
    public static final List<String> NAMES = List.of("blkio-weight", "cpu-period", "cpu-quota", "cpu-burst",
            "cpu-rt-period", "cpu-rt-runtime", "cpu-share", "cpuset-cpus", "cpuset-mems", "kernel-memory",
            "kernel-memory-tcp", "memory", "memory-reservation", "memory-swap", "pids-limit", "l3-cache-schema",
            "mem-bw-schema");

    /**
     * docker/go-units RAMInBytes, which runc uses for the memory flags: a decimal number, optional space, an
     * optional k/m/g/t/p prefix with optional "i" and "b"; binary multiples (1k = 1024).
     */
    private static final Pattern RAM = Pattern.compile("^(\\d+(?:\\.\\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$");

    private ResourceFlags() {}

    public static Spec.Resources merge(Spec.Resources base, Map<String, String> flags) {
        Spec.Resources r = base == null ? ContainerControl.NO_RESOURCES : base;
        for (String rdt : List.of("l3-cache-schema", "mem-bw-schema")) {
            if (flags.containsKey(rdt)) {
                // linux.intelRdt is rejected at create too: there is no resctrl group to update.
                throw new JrunException("--" + rdt + ": Intel RDT is not supported by jrun");
            }
        }
        Spec.Memory m = r.memory() != null ? r.memory()
                : new Spec.Memory(null, null, null, null, null, null, null, null, null);
        Spec.Cpu c = r.cpu() != null ? r.cpu() : new Spec.Cpu(null, null, null, null, null, null, null, null, null);
        Spec.BlockIO b = r.blockIO() != null ? r.blockIO()
                : new Spec.BlockIO(null, null, List.of(), List.of(), List.of(), List.of(), List.of());
        Spec.Pids p = r.pids();
        boolean mem = false, cpu = false, blk = false;

        if (flags.containsKey("blkio-weight")) {
            long w = unsigned("blkio-weight", flags.get("blkio-weight"), 0xffff);
            b = new Spec.BlockIO((int) w, b.leafWeight(), b.weightDevice(), b.throttleReadBpsDevice(),
                    b.throttleWriteBpsDevice(), b.throttleReadIOPSDevice(), b.throttleWriteIOPSDevice());
            blk = true;
        }
        Long shares = c.shares(), quota = c.quota(), burst = c.burst(), period = c.period();
        Long rtRuntime = c.realtimeRuntime(), rtPeriod = c.realtimePeriod();
        String cpus = c.cpus(), mems = c.mems();
        if (flags.containsKey("cpu-period")) { period = unsigned("cpu-period", flags.get("cpu-period"), -1); cpu = true; }
        if (flags.containsKey("cpu-quota")) { quota = signed("cpu-quota", flags.get("cpu-quota")); cpu = true; }
        if (flags.containsKey("cpu-burst")) { burst = unsigned("cpu-burst", flags.get("cpu-burst"), -1); cpu = true; }
        if (flags.containsKey("cpu-rt-period")) { rtPeriod = unsigned("cpu-rt-period", flags.get("cpu-rt-period"), -1); cpu = true; }
        if (flags.containsKey("cpu-rt-runtime")) { rtRuntime = signed("cpu-rt-runtime", flags.get("cpu-rt-runtime")); cpu = true; }
        if (flags.containsKey("cpu-share")) { shares = unsigned("cpu-share", flags.get("cpu-share"), -1); cpu = true; }
        if (flags.containsKey("cpuset-cpus")) { cpus = flags.get("cpuset-cpus"); cpu = true; }
        if (flags.containsKey("cpuset-mems")) { mems = flags.get("cpuset-mems"); cpu = true; }
        if (cpu) c = new Spec.Cpu(shares, quota, burst, period, rtRuntime, rtPeriod, cpus, mems, c.idle());

        Long limit = m.limit(), reservation = m.reservation(), swap = m.swap(), kernel = m.kernel(), tcp = m.kernelTCP();
        if (flags.containsKey("memory")) { limit = ram("memory", flags.get("memory")); mem = true; }
        if (flags.containsKey("memory-reservation")) { reservation = ram("memory-reservation", flags.get("memory-reservation")); mem = true; }
        if (flags.containsKey("memory-swap")) { swap = ram("memory-swap", flags.get("memory-swap")); mem = true; }
        if (flags.containsKey("kernel-memory")) { kernel = ram("kernel-memory", flags.get("kernel-memory")); mem = true; }
        if (flags.containsKey("kernel-memory-tcp")) { tcp = ram("kernel-memory-tcp", flags.get("kernel-memory-tcp")); mem = true; }
        if (mem) {
            m = new Spec.Memory(limit, reservation, swap, kernel, tcp, m.swappiness(), m.disableOOMKiller(),
                    m.useHierarchy(), m.checkBeforeUpdate());
        }
        if (flags.containsKey("pids-limit")) p = new Spec.Pids(signed("pids-limit", flags.get("pids-limit")));

        return new Spec.Resources(r.devices(), mem || r.memory() != null ? m : null, cpu || r.cpu() != null ? c : null,
                p, blk || r.blockIO() != null ? b : null, r.hugepageLimits(), r.network(), r.rdma(), r.unified());
    }

    /** A memory size: "-1" (unlimited), or RAMInBytes ("32m", "1G", "512KiB", "1048576"). */
    public static long ram(String flag, String v) {
        if (v.equals("-1")) return -1;
        Matcher mt = RAM.matcher(v);
        if (!mt.matches()) throw invalid(flag, v, "invalid size: '" + v + "'");
        double n;
        try {
            n = Double.parseDouble(mt.group(1));
        } catch (NumberFormatException e) {
            throw invalid(flag, v, "invalid size: '" + v + "'");
        }
        long mul = 1;
        if (mt.group(2) != null) {
            mul = switch (Character.toLowerCase(mt.group(2).charAt(0))) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                case 't' -> 1L << 40;
                default -> 1L << 50;
            };
        }
        double bytes = n * mul;
        if (bytes >= 0x1p63) throw invalid(flag, v, "value out of range");
        return (long) bytes;
    }

    private static long signed(String flag, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw invalid(flag, v, "invalid syntax");
        }
    }

    /** An unsigned value up to {@code max} (-1: uint64, kept as the same 64 bits). */
    private static long unsigned(String flag, String v, long max) {
        long n;
        try {
            n = Long.parseUnsignedLong(v);
        } catch (NumberFormatException e) {
            throw invalid(flag, v, "invalid syntax");
        }
        if (max >= 0 && Long.compareUnsigned(n, max) > 0) throw invalid(flag, v, "value out of range");
        return n;
    }

    private static JrunException invalid(String flag, String v, String why) {
        return new JrunException("invalid value for " + flag + ": " + why);
    }
}
