package io.jrun.core.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Temporary trees that look like cgroup mounts, and a {@link CgroupFs} that records every write in order
 * (cgroupfs files keep only the last write, so order checks need the log).
 */
final class CgroupTestTree {
    private CgroupTestTree() {}

    /** Records "relative/path=value" for every write; optional hooks run after a write to a file name. */
    static class RecordingFs implements CgroupFs {
        final Path base;
        final List<String> writes = new ArrayList<>();
        final Map<String, BiConsumer<Path, String>> hooks = new LinkedHashMap<>();

        RecordingFs(Path base) {
            this.base = base;
        }

        @Override
        public String read(Path file) throws IOException {
            return REAL.read(file);
        }

        @Override
        public void write(Path file, String value) throws IOException {
            REAL.write(file, value);
            writes.add(base.relativize(file) + "=" + value);
            BiConsumer<Path, String> h = hooks.get(file.getFileName().toString());
            if (h != null) {
                h.accept(file, value);
            }
        }

        @Override
        public boolean exists(Path p) {
            return REAL.exists(p);
        }

        @Override
        public void mkdirs(Path dir) throws IOException {
            REAL.mkdirs(dir);
        }

        @Override
        public void rmdir(Path dir) throws IOException {
            // cgroupfs removes a directory with its control files; a real tree needs them gone first
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    if (!Files.isDirectory(p)) {
                        Files.delete(p);
                    }
                }
            } catch (java.nio.file.NoSuchFileException e) {
                throw e;
            }
            REAL.rmdir(dir);
        }

        @Override
        public List<Path> subdirs(Path dir) throws IOException {
            return REAL.subdirs(dir);
        }

        /** The writes to files with this name, values only, in order. */
        List<String> writesTo(String fileName) {
            List<String> out = new ArrayList<>();
            for (String w : writes) {
                int eq = w.indexOf('=');
                String path = w.substring(0, eq);
                if (path.equals(fileName) || path.endsWith("/" + fileName)) {
                    out.add(w.substring(eq + 1));
                }
            }
            return out;
        }
    }

    static void file(Path dir, String name, String content) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String content(Path dir, String name) {
        try {
            return Files.readString(dir.resolve(name)).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A v1 layout under {@code root}: one hierarchy per controller (cpu, cpuacct, cpuset, memory, devices,
     * freezer, blkio, pids, name=systemd, as on the hybrid host) plus a cgroup2 "unified" mount owning
     * hugetlb, and the leaf {@code cg} created with the files this kernel has (no blkio.weight, no net_cls).
     */
    static Map<String, Path> v1Layout(Path root, String cg) {
        Map<String, Path> dirs = new LinkedHashMap<>();
        String[] ctrls = {"cpuset", "devices", "memory", "cpu", "cpuacct", "pids", "blkio", "freezer", "name=systemd"};
        for (String c : ctrls) {
            Path mount = root.resolve(c.equals("name=systemd") ? "systemd" : c);
            Path leaf = mount.resolve(cg.substring(1));
            file(mount, "cgroup.procs", "");
            file(leaf, "cgroup.procs", "");
            dirs.put(c, leaf);
        }
        Path mem = dirs.get("memory");
        file(mem, "memory.limit_in_bytes", "9223372036854771712");
        file(mem, "memory.memsw.limit_in_bytes", "9223372036854771712");
        file(mem, "memory.soft_limit_in_bytes", "9223372036854771712");
        file(mem, "memory.usage_in_bytes", "1048576");
        file(mem, "memory.swappiness", "60");
        file(mem, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\n");
        file(mem, "memory.use_hierarchy", "1");
        file(mem, "memory.kmem.tcp.limit_in_bytes", "9223372036854771712");
        Path cpu = dirs.get("cpu");
        for (String f : new String[] {"cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.cfs_burst_us",
                "cpu.rt_period_us", "cpu.rt_runtime_us", "cpu.idle"}) {
            file(cpu, f, "0");
        }
        Path cpuset = dirs.get("cpuset");
        file(root.resolve("cpuset"), "cpuset.cpus", "0-3");
        file(root.resolve("cpuset"), "cpuset.mems", "0");
        Path p = root.resolve("cpuset");
        for (Path part : root.resolve("cpuset").relativize(cpuset)) {
            p = p.resolve(part);
            file(p, "cpuset.cpus", "");
            file(p, "cpuset.mems", "");
        }
        file(dirs.get("devices"), "devices.allow", "");
        file(dirs.get("devices"), "devices.deny", "");
        file(dirs.get("freezer"), "freezer.state", "THAWED");
        file(dirs.get("pids"), "pids.max", "max");
        for (String f : new String[] {"blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
                "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"}) {
            file(dirs.get("blkio"), f, "");
        }
        Path unified = root.resolve("unified");
        file(unified, "cgroup.controllers", "hugetlb");
        file(unified, "cgroup.subtree_control", "");
        file(unified, "cgroup.procs", "");
        Path u = unified;
        for (Path part : Path.of(cg.substring(1))) {
            u = u.resolve(part.toString());
            file(u, "cgroup.controllers", "hugetlb");
            file(u, "cgroup.subtree_control", "");
            file(u, "cgroup.procs", "");
        }
        dirs.put("unified", u);
        return dirs;
    }

    /** A cgroup2 mount at {@code root} with all controllers; the leaf {@code cg} with its files, parents bare. */
    static Path v2Layout(Path root, String cg, boolean withBfq) {
        file(root, "cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc");
        file(root, "cgroup.subtree_control", "");
        file(root, "cgroup.procs", "");
        Path leaf = root.resolve(cg.substring(1));
        Path p = root;
        for (Path part : root.relativize(leaf)) {
            p = p.resolve(part);
            file(p, "cgroup.controllers", p.equals(leaf) ? "cpuset cpu io memory hugetlb pids rdma misc"
                    : "cpuset cpu io memory hugetlb pids rdma misc");
            file(p, "cgroup.subtree_control", "");
            file(p, "cgroup.procs", "");
        }
        for (String f : new String[] {"cpu.weight", "cpu.max", "cpu.max.burst", "cpu.idle", "cpuset.cpus",
                "cpuset.mems", "memory.max", "memory.low", "memory.swap.max", "pids.max", "io.weight", "io.max",
                "hugetlb.2MB.max", "hugetlb.2MB.rsvd.max", "rdma.max", "memory.high", "cgroup.kill"}) {
            file(leaf, f, "");
        }
        file(leaf, "cpu.max", "max 100000");
        file(leaf, "memory.current", "4096");
        file(leaf, "cgroup.freeze", "0");
        file(leaf, "cgroup.events", "populated 1\nfrozen 0\n");
        if (withBfq) {
            file(leaf, "io.bfq.weight", "");
        }
        return leaf;
    }
}
