package io.jrun.core.cgroup;

import io.jrun.core.spec.Spec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * linux.resources as systemd unit properties (systemd.resource-control(5)), mapped as runc's systemd driver maps
 * them (libcontainer/cgroups/systemd, v2: genV2ResourcesProperties, addCpuQuota, addCpuset,
 * unifiedResToSystemdProps, generateDeviceProperties), so systemd's view of the scope matches the files the
 * cgroupfs code writes after it: systemd rewrites a unit's cgroup files from its properties whenever it
 * re-realizes the unit (daemon-reload, a later SetUnitProperties), and a limit given only as a file would be lost.
 *
 * <p>Pure functions of their arguments; {@code systemdVersion} and {@code procDevices} are passed in.
 */
final class SystemdProperties {
    private SystemdProperties() {}

    /** A property for StartTransientUnit / SetUnitProperties: a(sv). */
    record Prop(String name, String sig, Object value) {
        List<Object> wire() {
            return List.of(name, new DBus.Variant(sig, value));
        }
    }

    /** systemd's USEC_INFINITY / CGROUP_LIMIT_MAX: uint64 max, which a Java long -1 marshals to. */
    static final long INFINITY = -1L;
    /** runc's defCPUQuotaPeriod: the kernel's default cfs period, assumed when only a quota is given. */
    static final long DEFAULT_PERIOD_US = 100_000;

    /**
     * The resource properties for {@code r}. {@code update}: runc's update semantics (zero = unchanged) and no
     * device properties (jrun update never rewrites device rules). {@code deviceRules}: the full rule list
     * (client's plus defaults) at create, ignored on update.
     */
    static List<Prop> resources(Spec.Resources r, boolean update, List<Spec.DeviceRule> deviceRules,
                                int systemdVersion, String procDevices) {
        List<Prop> out = new ArrayList<>();
        if (!update && deviceRules != null) out.addAll(devices(deviceRules, procDevices));
        if (r == null) return out;
        Spec.Memory m = r.memory();
        if (m != null) {
            long limit = m.limit() == null ? 0 : m.limit();
            if (limit != 0) out.add(u64("MemoryMax", limit));
            if (m.reservation() != null && m.reservation() != 0) out.add(u64("MemoryLow", m.reservation()));
            long swap = m.swap() == null ? 0 : m.swap();
            long v2swap = CgroupV2Manager.swapToV2(swap, limit);
            // swap == limit means "no swap": memory.swap.max 0, as the file code writes it (runc leaves it out)
            if (v2swap != 0 || swap > 0) out.add(u64("MemorySwapMax", v2swap));
        }
        Spec.Cpu c = r.cpu();
        if (c != null) {
            if (c.shares() != null && c.shares() != 0) {
                out.add(u64("CPUWeight", CgroupConversions.cpuSharesToWeight(c.shares())));
            }
            cpuQuota(out, c.quota() == null ? 0 : c.quota(), c.period() == null ? 0 : c.period(), systemdVersion);
            cpuset(out, c.cpus(), c.mems(), systemdVersion);
        }
        if (r.pids() != null && (r.pids().limit() > 0 || r.pids().limit() == -1)) {
            out.add(u64("TasksMax", r.pids().limit()));
        }
        if (r.blockIO() != null && r.blockIO().weight() != null && r.blockIO().weight() != 0) {
            // Not in runc's v2 mapping; jrun adds it so systemd's IOWeight= agrees with io.weight (same conversion).
            out.add(u64("IOWeight", CgroupConversions.blkioWeightToIoWeight(r.blockIO().weight())));
        }
        out.addAll(unified(r.unified(), systemdVersion));
        return out;
    }

    static Prop u64(String name, long v) {
        return new Prop(name, "t", v);
    }

    /**
     * runc's addCpuQuota: CPUQuotaPeriodUSec (systemd 242+) and CPUQuotaPerSecUSec, the quota per second of
     * wall time, rounded up to 10 ms: systemd keeps CPUQuota= as a whole percentage, and rounding down would give
     * the container less than cpu.max says.
     */
    static void cpuQuota(List<Prop> out, long quota, long period, int systemdVersion) {
        if (period != 0 && systemdVersion >= 242) out.add(u64("CPUQuotaPeriodUSec", period));
        if (quota == 0 && period == 0) return;
        long perSec = INFINITY;
        if (quota > 0) {
            long p = period == 0 ? DEFAULT_PERIOD_US : period;
            perSec = quota * 1_000_000L / p;
            if (perSec % 10_000 != 0) perSec = (perSec / 10_000 + 1) * 10_000;
        }
        out.add(u64("CPUQuotaPerSecUSec", perSec));
    }

    /** runc's addCpuset: AllowedCPUs / AllowedMemoryNodes (systemd 244+) as bit masks. */
    static void cpuset(List<Prop> out, String cpus, String mems, int systemdVersion) {
        if (systemdVersion < 244) return;
        if (cpus != null && !cpus.isEmpty()) out.add(new Prop("AllowedCPUs", "ay", rangeToBits(cpus, "cpu.cpus")));
        if (mems != null && !mems.isEmpty()) {
            out.add(new Prop("AllowedMemoryNodes", "ay", rangeToBits(mems, "cpu.mems")));
        }
    }

    /** "0-3,5" → the little-endian bit mask systemd takes for AllowedCPUs= (byte k holds CPUs 8k..8k+7). */
    static byte[] rangeToBits(String list, String field) {
        List<Integer> bits = new ArrayList<>();
        int max = -1;
        try {
            for (String part : list.trim().split(",")) {
                String t = part.trim();
                if (t.isEmpty()) continue;
                int dash = t.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? t : t.substring(0, dash).trim());
                int hi = dash < 0 ? lo : Integer.parseInt(t.substring(dash + 1).trim());
                if (lo < 0 || hi < lo || hi > 8191) throw new NumberFormatException();
                for (int i = lo; i <= hi; i++) bits.add(i);
                max = Math.max(max, hi);
            }
        } catch (NumberFormatException e) {
            throw new CgroupException("linux.resources." + field + ": \"" + list + "\": not a list of ranges");
        }
        if (max < 0) throw new CgroupException("linux.resources." + field + ": \"" + list + "\": empty");
        byte[] out = new byte[max / 8 + 1];
        for (int b : bits) out[b / 8] |= (byte) (1 << (b % 8));
        return out;
    }

    /**
     * runc's unifiedResToSystemdProps: the linux.resources.unified keys systemd has a property for. The others
     * are only written to their files. "max" is infinity.
     */
    static List<Prop> unified(Map<String, String> unified, int systemdVersion) {
        List<Prop> out = new ArrayList<>();
        if (unified == null) return out;
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(unified).entrySet()) {
            String k = e.getKey();
            String v = e.getValue().trim();
            String field = "linux.resources.unified[\"" + k + "\"]";
            switch (k) {
                case "cpu.weight" -> out.add(u64("CPUWeight", number(v, field)));
                case "cpu.max" -> {
                    String[] qp = v.split("\\s+");
                    long quota = qp[0].equals("max") ? -1 : number(qp[0], field);
                    long period = qp.length > 1 ? number(qp[1], field) : 0;
                    cpuQuota(out, quota, period, systemdVersion);
                }
                case "cpuset.cpus", "cpuset.mems" -> cpuset(out, k.equals("cpuset.cpus") ? v : null,
                        k.equals("cpuset.mems") ? v : null, systemdVersion);
                case "memory.min", "memory.low", "memory.high", "memory.max", "memory.swap.max" -> {
                    String name = switch (k) {
                        case "memory.min" -> "MemoryMin";
                        case "memory.low" -> "MemoryLow";
                        case "memory.high" -> "MemoryHigh";
                        case "memory.max" -> "MemoryMax";
                        default -> "MemorySwapMax";
                    };
                    out.add(u64(name, v.equals("max") ? INFINITY : number(v, field)));
                }
                case "pids.max" -> out.add(u64("TasksMax", v.equals("max") ? INFINITY : number(v, field)));
                default -> { } // written to its file only
            }
        }
        return out;
    }

    private static long number(String v, String field) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new CgroupException(field + ": \"" + v + "\": not a number");
        }
    }

    /**
     * runc's generateDeviceProperties: DevicePolicy=strict and a DeviceAllow= list computed from the rules as the
     * v1 devices cgroup would (runc's devices emulator: an "a" rule resets to allow-all or deny-all, then each
     * rule adds or removes access bits of one (type, major, minor) entry). systemd has no deny rules, so a list
     * that ends in allow-all mode is DevicePolicy=auto when nothing is denied, else strict with nothing allowed
     * (runc's fallback). The exact rules are enforced by the eBPF program the file code attaches after systemd's
     * (CgroupV2Manager); systemd's list must not be narrower, or a re-realized unit would lose access.
     */
    static List<Prop> devices(List<Spec.DeviceRule> rules, String procDevices) {
        boolean allowAll = false;
        Map<String, String> entries = new LinkedHashMap<>(); // "c 1 3" (-1 = any) → access bits
        for (Spec.DeviceRule d : rules) {
            String type = d.type() == null ? "a" : d.type();
            if (type.equals("a")) {
                allowAll = d.allow();
                entries.clear();
                continue;
            }
            String key = type + " " + wild(d.major()) + " " + wild(d.minor());
            String access = d.access() == null ? "rwm" : d.access();
            if (d.allow() != allowAll) {
                entries.put(key, merge(entries.getOrDefault(key, ""), access));
            } else {
                String left = remove(entries.getOrDefault(key, ""), access);
                if (left.isEmpty()) entries.remove(key); else entries.put(key, left);
            }
        }
        List<Prop> out = new ArrayList<>();
        if (allowAll) {
            out.add(new Prop("DevicePolicy", "s", entries.isEmpty() ? "auto" : "strict"));
            out.add(new Prop("DeviceAllow", "a(ss)", List.of()));
            return out;
        }
        List<Object> allow = new ArrayList<>();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String[] t = e.getKey().split(" ");
            String path = devicePath(t[0], Long.parseLong(t[1]), Long.parseLong(t[2]), procDevices);
            if (path != null) allow.add(List.of(path, e.getValue()));
        }
        out.add(new Prop("DevicePolicy", "s", "strict"));
        out.add(new Prop("DeviceAllow", "a(ss)", allow));
        return out;
    }

    private static long wild(Long v) {
        return v == null || v < 0 ? -1 : v;
    }

    private static String merge(String a, String b) {
        StringBuilder sb = new StringBuilder();
        for (char c : "rwm".toCharArray()) if (a.indexOf(c) >= 0 || b.indexOf(c) >= 0) sb.append(c);
        return sb.toString();
    }

    private static String remove(String a, String b) {
        StringBuilder sb = new StringBuilder();
        for (char c : "rwm".toCharArray()) if (a.indexOf(c) >= 0 && b.indexOf(c) < 0) sb.append(c);
        return sb.toString();
    }

    /**
     * systemd's DeviceAllow= names (systemd.resource-control(5)): "char-*" / "block-*" for any device of a type,
     * "char-&lt;group&gt;" from /proc/devices for any minor of a major, /dev/char/M:m or /dev/block/M:m for one
     * device. A rule for any major with one minor has no form (runc skips it with a warning; so does jrun,
     * silently: the eBPF program still applies it), nor has a major missing from /proc/devices.
     */
    static String devicePath(String type, long major, long minor, String procDevices) {
        String kind = type.equals("b") ? "block" : "char";
        if (major < 0) return minor < 0 ? kind + "-*" : null;
        if (minor >= 0) return "/dev/" + kind + "/" + major + ":" + minor;
        String group = deviceGroup(procDevices, type.equals("b"), major);
        return group == null ? null : kind + "-" + group;
    }

    /** The name /proc/devices gives a major ("136 pts" under "Character devices:"). */
    static String deviceGroup(String procDevices, boolean block, long major) {
        if (procDevices == null) return null;
        boolean inSection = false;
        for (String line : procDevices.split("\n")) {
            String t = line.trim();
            if (t.endsWith("devices:")) {
                inSection = t.startsWith(block ? "Block" : "Character");
                continue;
            }
            if (!inSection || t.isEmpty()) continue;
            int sp = t.indexOf(' ');
            if (sp > 0 && t.substring(0, sp).equals(Long.toString(major))) return t.substring(sp + 1).trim();
        }
        return null;
    }
}
