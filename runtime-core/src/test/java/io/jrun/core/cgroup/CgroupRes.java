package io.jrun.core.cgroup;

import io.jrun.core.spec.Spec;
import java.util.List;
import java.util.Map;

/** Builds Spec.Resources for tests, one field at a time. */
final class CgroupRes {
    List<Spec.DeviceRule> devices = List.of();
    Spec.Memory memory;
    Spec.Cpu cpu;
    Spec.Pids pids;
    Spec.BlockIO blockIO;
    List<Spec.HugepageLimit> huge = List.of();
    Spec.Network network;
    Map<String, Spec.Rdma> rdma = Map.of();
    Map<String, String> unified = Map.of();

    static CgroupRes res() {
        return new CgroupRes();
    }

    CgroupRes devices(Spec.DeviceRule... d) { devices = List.of(d); return this; }
    CgroupRes memory(Spec.Memory m) { memory = m; return this; }
    CgroupRes cpu(Spec.Cpu c) { cpu = c; return this; }
    CgroupRes pids(long l) { pids = new Spec.Pids(l); return this; }
    CgroupRes blockIO(Spec.BlockIO b) { blockIO = b; return this; }
    CgroupRes huge(String size, long limit) { huge = List.of(new Spec.HugepageLimit(size, limit)); return this; }
    CgroupRes network(Spec.Network n) { network = n; return this; }
    CgroupRes rdma(Map<String, Spec.Rdma> r) { rdma = r; return this; }
    CgroupRes unified(Map<String, String> u) { unified = u; return this; }

    Spec.Resources build() {
        return new Spec.Resources(devices, memory, cpu, pids, blockIO, huge, network, rdma, unified);
    }

    static Spec.Memory mem(Long limit, Long swap) {
        return new Spec.Memory(limit, null, swap, null, null, null, null, null, null);
    }

    static Spec.Cpu cpu(Long shares, Long quota, Long period) {
        return new Spec.Cpu(shares, quota, null, period, null, null, null, null, null);
    }

    static Spec.BlockIO weight(Integer w) {
        return new Spec.BlockIO(w, null, List.of(), List.of(), List.of(), List.of(), List.of());
    }

    static Spec.DeviceRule rule(boolean allow, String type, Long major, Long minor, String access) {
        return new Spec.DeviceRule(allow, type, major, minor, access);
    }
}
