package io.jrun.core.cgroup;

import java.util.List;
import java.util.Map;

/**
 * Counters for {@code jrun events --stats}, shaped like the "data" object of runc's stats event so tools that
 * read runc's output read ours. Byte and time values are unsigned; -1 stands for "max" (no limit) and is
 * printed as 2^64-1, as runc prints math.MaxUint64. Times are nanoseconds.
 */
public record CgroupStats(
        Cpu cpu,
        Memory memory,
        Pids pids,
        List<BlkioEntry> ioServiceBytesRecursive,
        List<BlkioEntry> ioServicedRecursive,
        Map<String, Hugetlb> hugetlb) {

    public record Cpu(long total, List<Long> percpu, long kernel, long user,
                      long periods, long throttledPeriods, long throttledTime) {}

    public record MemoryEntry(long limit, long usage, long max, long failcnt) {}

    public record Memory(long cache, MemoryEntry usage, MemoryEntry swap, MemoryEntry kernel, Map<String, Long> raw) {}

    public record Pids(long current, long limit) {}

    public record BlkioEntry(long major, long minor, String op, long value) {}

    public record Hugetlb(long usage, long max, long failcnt) {}

    /** The JSON object runc prints as "data" of a stats event. */
    public String toJson() {
        StringBuilder b = new StringBuilder(512);
        b.append("{\"cpu\":{\"usage\":{\"total\":").append(u(cpu.total())).append(",\"percpu\":[");
        for (int i = 0; i < cpu.percpu().size(); i++) {
            b.append(i == 0 ? "" : ",").append(u(cpu.percpu().get(i)));
        }
        b.append("],\"kernel\":").append(u(cpu.kernel())).append(",\"user\":").append(u(cpu.user()))
                .append("},\"throttling\":{\"periods\":").append(u(cpu.periods()))
                .append(",\"throttledPeriods\":").append(u(cpu.throttledPeriods()))
                .append(",\"throttledTime\":").append(u(cpu.throttledTime())).append("}}");
        b.append(",\"memory\":{\"cache\":").append(u(memory.cache()));
        entry(b, "usage", memory.usage());
        entry(b, "swap", memory.swap());
        entry(b, "kernel", memory.kernel());
        b.append(",\"raw\":{");
        boolean first = true;
        for (Map.Entry<String, Long> e : memory.raw().entrySet()) {
            b.append(first ? "" : ",");
            first = false;
            str(b, e.getKey()).append(':').append(u(e.getValue()));
        }
        b.append("}}");
        b.append(",\"pids\":{\"current\":").append(u(pids.current())).append(",\"limit\":").append(u(pids.limit()))
                .append('}');
        b.append(",\"blkio\":{");
        blkio(b, "ioServiceBytesRecursive", ioServiceBytesRecursive);
        b.append(',');
        blkio(b, "ioServicedRecursive", ioServicedRecursive);
        b.append("},\"hugetlb\":{");
        first = true;
        for (Map.Entry<String, Hugetlb> e : hugetlb.entrySet()) {
            b.append(first ? "" : ",");
            first = false;
            str(b, e.getKey()).append(":{\"usage\":").append(u(e.getValue().usage())).append(",\"max\":")
                    .append(u(e.getValue().max())).append(",\"failcnt\":").append(u(e.getValue().failcnt()))
                    .append('}');
        }
        b.append("}}");
        return b.toString();
    }

    private static void entry(StringBuilder b, String name, MemoryEntry e) {
        b.append(",\"").append(name).append("\":{\"limit\":").append(u(e.limit())).append(",\"usage\":")
                .append(u(e.usage())).append(",\"max\":").append(u(e.max())).append(",\"failcnt\":")
                .append(u(e.failcnt())).append('}');
    }

    private static void blkio(StringBuilder b, String name, List<BlkioEntry> list) {
        b.append('"').append(name).append("\":[");
        for (int i = 0; i < list.size(); i++) {
            BlkioEntry e = list.get(i);
            b.append(i == 0 ? "" : ",").append("{\"major\":").append(e.major()).append(",\"minor\":")
                    .append(e.minor()).append(",\"op\":");
            str(b, e.op()).append(",\"value\":").append(u(e.value())).append('}');
        }
        b.append(']');
    }

    private static String u(long v) {
        return Long.toUnsignedString(v);
    }

    private static StringBuilder str(StringBuilder b, String s) {
        return io.jrun.core.Json.appendQuoted(b, s);
    }
}
