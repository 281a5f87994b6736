package io.jrun.core.launch;

import static io.jrun.core.launch.MountOptions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jrun.core.JrunException;
import io.jrun.core.spec.SpecReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mount planning of {@link PlanBuilder}: the MOUNT/DEVICE/SYMLINK/… attributes decoded from the plan bytes. */
class PlanBuilderMountsTest {
    @TempDir
    Path bundle;

    private static final String RUNC_MOUNTS = """
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
            {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
            {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev"]}""";

    private static String config(String mounts, String namespaces, String linuxExtra, boolean readonly) {
        return """
                {"ociVersion": "1.2.0",
                 "process": {"args": ["sh"], "cwd": "/", "user": {"uid": 0, "gid": 0}},
                 "root": {"path": "rootfs", "readonly": %s},
                 "mounts": [%s],
                 "linux": {"namespaces": [%s]%s}}
                """.formatted(readonly, mounts, namespaces, linuxExtra.isEmpty() ? "" : ", " + linuxExtra);
    }

    private static final String OWN_NS = "{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"mount\"}";

    private PlanBuilder.Context ctx(boolean noPivot, boolean v2, Map<String, String> cgroupPaths) {
        return new PlanBuilder.Context("c1", bundle, bundle.resolve("rootfs"), bundle.resolve("fifo"), null, 0,
                noPivot, false, v2, cgroupPaths, null);
    }

    private PlanDecoder plan(String json) {
        return plan(json, ctx(false, false, Map.of()));
    }

    private PlanDecoder plan(String json, PlanBuilder.Context ctx) {
        return new PlanDecoder(PlanBuilder.create(SpecReader.parseConfig(json), ctx));
    }

    @Test
    void runcDefaultMountsInOrderWithFlagsAndData() {
        List<PlanDecoder.Mount> m = plan(config(RUNC_MOUNTS, OWN_NS, "", false)).mounts();
        assertEquals(List.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys"),
                m.stream().map(PlanDecoder.Mount::dest).toList());
        assertEquals(new PlanDecoder.Mount(PlanBuilder.MOUNT_NORMAL, MS_NOSUID | MS_STRICTATIME, 0, 0, 0,
                PlanBuilder.MKDIR_DIR, "tmpfs", "/dev", "tmpfs", "mode=755,size=65536k"), m.get(1));
        assertEquals("newinstance,ptmxmode=0666,mode=0620,gid=5", m.get(2).data());
        assertEquals("devpts", m.get(2).fstype());
        assertEquals("mqueue", m.get(4).fstype());
        assertEquals(MS_NOSUID | MS_NOEXEC | MS_NODEV, m.get(5).flags(), "own netns: sysfs as asked");
    }

    @Test
    void sysfsIsReadOnlyUnlessTheNetworkNamespaceIsOwned() {
        String noNet = "{\"type\": \"pid\"}, {\"type\": \"mount\"}";
        assertEquals(MS_RDONLY, plan(config(RUNC_MOUNTS, noNet, "", false)).mounts().get(5).flags() & MS_RDONLY);
        String joined = "{\"type\": \"mount\"}, {\"type\": \"network\", \"path\": \"/proc/1/ns/net\"}";
        assertEquals(MS_RDONLY, plan(config(RUNC_MOUNTS, joined, "", false)).mounts().get(5).flags() & MS_RDONLY,
                "a joined netns is not the container's own");
    }

    @Test
    void bindMountsResolveRelativeSourcesAndPickTheMountPointType() throws IOException {
        Files.createDirectories(bundle.resolve("vol"));
        Files.writeString(bundle.resolve("file"), "x");
        String mounts = """
                {"destination": "/v", "type": "bind", "source": "vol", "options": ["rbind", "ro", "nosuid", "rshared", "rro"]},
                {"destination": "/etc/f", "source": "file", "options": ["bind"]},
                {"destination": "/abs", "type": "none", "source": "/", "options": ["bind", "noexec", "relatime"]}""";
        List<PlanDecoder.Mount> m = plan(config(mounts, OWN_NS, "", false)).mounts();
        assertEquals(new PlanDecoder.Mount(PlanBuilder.MOUNT_BIND, MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID,
                MS_SHARED | MS_REC, ATTR_RDONLY, 0, PlanBuilder.MKDIR_DIR, bundle.resolve("vol").toString(), "/v", "", ""),
                m.get(0));
        assertEquals(PlanBuilder.MKDIR_FILE, m.get(1).mkdir(), "a file source gets a file mount point");
        assertEquals(MS_BIND, m.get(1).flags(), "bind without rbind is not recursive");
        assertEquals(bundle.resolve("file").toString(), m.get(1).source());
        assertEquals(MS_BIND | MS_NOEXEC | MS_RELATIME, m.get(2).flags());
        assertEquals("/", m.get(2).source());
    }

    @Test
    void tmpcopyupMakesACopyUpTmpfsAndIsNotPassedAsData() {
        // podman --read-only: /run, /tmp, /var/tmp are tmpfs with tmpcopyup
        String mounts = """
                {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["rw", "rprivate", "nosuid", "nodev", "tmpcopyup"]},
                {"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "tmpcopyup", "mode=755"]},
                {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]}""";
        List<PlanDecoder.Mount> m = plan(config(mounts, OWN_NS, "", true)).mounts();
        assertEquals(new PlanDecoder.Mount(PlanBuilder.MOUNT_TMPFS_COPYUP, MS_NOSUID | MS_NODEV, MS_PRIVATE | MS_REC,
                0, 0, PlanBuilder.MKDIR_DIR, "tmpfs", "/tmp", "tmpfs", ""), m.get(0));
        assertEquals(PlanBuilder.MOUNT_TMPFS_COPYUP, m.get(1).kind());
        assertEquals(MS_RDONLY, m.get(1).flags() & MS_RDONLY, "ro stays a flag; the helper copies before it");
        assertEquals("mode=755", m.get(1).data());
        assertEquals(PlanBuilder.MOUNT_NORMAL, m.get(2).kind(), "no tmpcopyup, no copy");
    }

    @Test
    void tmpcopyupOnAnythingButTmpfsIsRejectedNamingTheField() {
        String bind = "{\"destination\": \"/b\", \"type\": \"bind\", \"source\": \"/\", \"options\": [\"rbind\", \"tmpcopyup\"]}";
        JrunException e = assertThrows(JrunException.class, () -> plan(config(bind, OWN_NS, "", false)));
        assertEquals("config.json: mounts[0].options: tmpcopyup is only valid for a mount of type tmpfs, not a bind mount",
                e.getMessage());
        String proc = "{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
                + "{\"destination\": \"/p\", \"type\": \"proc\", \"source\": \"proc\", \"options\": [\"tmpcopyup\"]}";
        e = assertThrows(JrunException.class, () -> plan(config(proc, OWN_NS, "", false)));
        assertEquals("config.json: mounts[1].options: tmpcopyup is only valid for a mount of type tmpfs, not proc",
                e.getMessage());
    }

    @Test
    void destinationsAreNormalised() {
        String mounts = "{\"destination\": \"/../../a//b/./\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}";
        assertEquals("/a/b", plan(config(mounts, OWN_NS, "", false)).mounts().get(0).dest());
    }

    @Test
    void tmpfsSizeModeOwnerAreData() {
        String mounts = "{\"destination\": \"/t\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"size=1m\", \"mode=0710\", \"uid=1\", \"gid=2\", \"noexec\"]}";
        PlanDecoder.Mount m = plan(config(mounts, OWN_NS, "", false)).mounts().get(0);
        assertEquals("size=1m,mode=0710,uid=1,gid=2", m.data());
        assertEquals(MS_NOEXEC, m.flags());
    }

    @Test
    void overlayDirsAreResolvedAgainstTheBundle() {
        String mounts = """
                {"destination": "/o", "type": "overlay", "source": "overlay",
                 "options": ["lowerdir=l1:/abs/l2", "upperdir=up", "workdir=/w", "index=off", "nosuid"]}""";
        PlanDecoder.Mount m = plan(config(mounts, OWN_NS, "", false)).mounts().get(0);
        assertEquals("lowerdir=" + bundle.resolve("l1") + ":/abs/l2,upperdir=" + bundle.resolve("up")
                + ",workdir=/w,index=off", m.data());
        assertEquals("overlay", m.fstype());
        assertEquals(MS_NOSUID, m.flags());
    }

    @Test
    void cgroupOnV2IsCgroup2() {
        String mounts = "{\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\", \"options\": [\"ro\", \"relatime\"]}";
        List<PlanDecoder.Mount> m = plan(config(mounts, OWN_NS, "", false), ctx(false, true, Map.of("unified", "/x")))
                .mounts();
        assertEquals(1, m.size());
        assertEquals("cgroup2", m.get(0).fstype());
        assertEquals(MS_RDONLY | MS_RELATIME | MS_NOSUID | MS_NODEV | MS_NOEXEC, m.get(0).flags());
    }

    @Test
    void cgroupOnV1IsATmpfsWithOneBindPerHierarchyOfTheContainersCgroup() {
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("memory", "/sys/fs/cgroup/memory/jrun/c1");
        paths.put("name=systemd", "/sys/fs/cgroup/systemd/jrun/c1");
        paths.put("unified", "/sys/fs/cgroup/unified/jrun/c1");
        String mounts = "{\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\", \"options\": [\"ro\"]}";
        List<PlanDecoder.Mount> m = plan(config(mounts, OWN_NS, "", false), ctx(false, false, paths)).mounts();
        assertEquals(List.of("/sys/fs/cgroup", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/systemd", "/sys/fs/cgroup"),
                m.stream().map(PlanDecoder.Mount::dest).toList());
        assertEquals(PlanBuilder.MOUNT_CGROUP_TMPFS, m.get(0).kind());
        assertEquals(0, m.get(0).flags() & MS_RDONLY, "writable while the binds are made");
        assertEquals(new PlanDecoder.Mount(PlanBuilder.MOUNT_BIND, MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID | MS_NODEV
                | MS_NOEXEC, 0, 0, 0, PlanBuilder.MKDIR_DIR, "/sys/fs/cgroup/memory/jrun/c1", "/sys/fs/cgroup/memory",
                "", ""), m.get(1));
        assertEquals(MS_REMOUNT | MS_RDONLY, m.get(3).flags() & (MS_REMOUNT | MS_RDONLY), "then remounted ro");
    }

    /** MOUNT_IDMAP values as u32 words: n_uid, triples, n_gid, triples, recursive. */
    private static List<List<Long>> idmaps(PlanDecoder p) {
        return p.all(PlanWriter.MOUNT_IDMAP).stream().map(a -> {
            List<Long> words = new java.util.ArrayList<>();
            while (a.value().hasRemaining()) words.add(Integer.toUnsignedLong(a.value().getInt()));
            return words;
        }).toList();
    }

    @Test
    void idmappedBindMountFollowsItsMount() {
        String mounts = """
                {"destination": "/i", "type": "bind", "source": "/", "options": ["rbind"],
                 "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}, {"containerID": 1, "hostID": 100000, "size": 65536}],
                 "gidMappings": [{"containerID": 0, "hostID": 1001, "size": 2}]}""";
        PlanDecoder p = plan(config(mounts, OWN_NS, "", false));
        List<Integer> types = p.types();
        int at = types.indexOf(PlanWriter.MOUNT_IDMAP);
        assertEquals(PlanWriter.MOUNT, types.get(at - 1), "right after its MOUNT");
        assertEquals(List.of(List.of(2L, 0L, 1000L, 1L, 1L, 100000L, 65536L, 1L, 0L, 1001L, 2L, 0L)), idmaps(p));
        assertEquals(PlanBuilder.MOUNT_BIND, p.mounts().get(0).kind());

        // ridmap without mappings: the container's user namespace mappings, recursive
        String ridmap = "{\"destination\": \"/i\", \"type\": \"bind\", \"source\": \"/\", \"options\": [\"rbind\", \"ridmap\"]}";
        String userNs = OWN_NS + ", {\"type\": \"user\"}";
        String maps = "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 2000, \"size\": 10}], "
                + "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 3000, \"size\": 10}]";
        assertEquals(List.of(List.of(1L, 0L, 2000L, 10L, 1L, 0L, 3000L, 10L, 1L)),
                idmaps(plan(config(ridmap, userNs, maps, false))));
        assertFalse(plan(config(RUNC_MOUNTS, OWN_NS, "", false)).has(PlanWriter.MOUNT_IDMAP), "none without idmap");
    }

    @Test
    void idmappedMountValidationNamesTheField() {
        String tmpfs = """
                {"destination": "/t", "type": "tmpfs", "source": "tmpfs",
                 "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
                 "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}""";
        JrunException e = assertThrows(JrunException.class, () -> plan(config(tmpfs, OWN_NS, "", false)));
        assertEquals("config.json: mounts[0].uidMappings: idmapped mounts are only supported for bind mounts, not tmpfs",
                e.getMessage());
        String opt = "{\"destination\": \"/i\", \"type\": \"bind\", \"source\": \"/\", \"options\": [\"rbind\", \"idmap\"]}";
        e = assertThrows(JrunException.class, () -> plan(config(opt, OWN_NS, "", false)));
        assertTrue(e.getMessage().startsWith("config.json: mounts[0].options: idmap: no uidMappings"), e.getMessage());
        String proc = "{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\", \"options\": [\"ridmap\"]}";
        e = assertThrows(JrunException.class, () -> plan(config(proc, OWN_NS, "", false)));
        assertEquals("config.json: mounts[0].options: ridmap: idmapped mounts are only supported for bind mounts, not proc",
                e.getMessage());
        String zero = """
                {"destination": "/i", "type": "bind", "source": "/", "options": ["rbind"],
                 "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 0}],
                 "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}""";
        e = assertThrows(JrunException.class, () -> plan(config(zero, OWN_NS, "", false)));
        assertTrue(e.getMessage().startsWith("config.json: mounts[0].uidMappings: invalid mapping"), e.getMessage());
    }

    @Test
    void defaultDevicesSymlinksAndLinuxDevices() {
        String devices = """
                "devices": [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 432, "uid": 7, "gid": 8},
                            {"path": "/dev/sda", "type": "b", "major": 8, "minor": 0},
                            {"path": "/dev/fifo", "type": "p"}]""";
        PlanDecoder p = plan(config(RUNC_MOUNTS, OWN_NS, devices, false));
        List<PlanDecoder.Device> d = p.devices();
        assertEquals(List.of("dev/zero", "dev/full", "dev/random", "dev/urandom", "dev/tty", "dev/null", "dev/sda",
                "dev/fifo"), d.stream().map(PlanDecoder.Device::dest).toList());
        assertEquals(new PlanDecoder.Device(PlanBuilder.DEVICE_MKNOD, PlanBuilder.S_IFCHR | 0660, 1, 3, 7, 8,
                "dev/null", "/dev/null"), d.get(5), "linux.devices overrides the default entry");
        assertEquals(PlanBuilder.S_IFBLK | 0666, d.get(6).mode());
        assertEquals(PlanBuilder.S_IFIFO, d.get(7).mode() & 0170000);
        assertEquals(List.of("dev/fd -> /proc/self/fd", "dev/stdin -> /proc/self/fd/0", "dev/stdout -> /proc/self/fd/1",
                "dev/stderr -> /proc/self/fd/2", "dev/core -> /proc/kcore", "dev/ptmx -> pts/ptmx"), p.symlinks());
        // devices come after every mount: /dev must be the container's tmpfs first
        List<Integer> t = p.types();
        assertTrue(t.lastIndexOf(PlanWriter.MOUNT) < t.indexOf(PlanWriter.DEVICE));
    }

    @Test
    void inAUserNamespaceDevicesAreBoundFromTheHost() {
        String ns = OWN_NS + ", {\"type\": \"user\"}";
        String maps = "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}],"
                + " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]";
        List<PlanDecoder.Device> d = plan(config(RUNC_MOUNTS, ns, maps, false)).devices();
        assertEquals(6, d.size());
        assertTrue(d.stream().allMatch(x -> x.kind() == PlanBuilder.DEVICE_BIND && x.source().equals("/" + x.dest())));
    }

    @Test
    void hostDevBindBringsItsOwnNodes() {
        String mounts = "{\"destination\": \"/dev\", \"type\": \"bind\", \"source\": \"/dev\", \"options\": [\"rbind\"]}";
        PlanDecoder p = plan(config(mounts, OWN_NS, "", false));
        assertTrue(p.devices().isEmpty());
        assertTrue(p.symlinks().isEmpty());
    }

    @Test
    void maskedReadonlyAndRootReadonlyComeAfterMountsAndDevices() {
        String paths = "\"maskedPaths\": [\"/proc/kcore\", \"/sys/firmware\"], \"readonlyPaths\": [\"/proc/sys\"]";
        PlanDecoder p = plan(config(RUNC_MOUNTS, OWN_NS, paths, true));
        assertEquals(List.of("/proc/kcore", "/sys/firmware"), p.strings(PlanWriter.MASK_PATH));
        assertEquals(List.of("/proc/sys"), p.strings(PlanWriter.READONLY_PATH));
        List<Integer> t = p.types();
        assertTrue(t.lastIndexOf(PlanWriter.SYMLINK) < t.indexOf(PlanWriter.MASK_PATH));
        assertTrue(t.lastIndexOf(PlanWriter.MASK_PATH) < t.indexOf(PlanWriter.READONLY_PATH));
        assertTrue(t.indexOf(PlanWriter.READONLY_PATH) < t.indexOf(PlanWriter.ROOT_READONLY));
        assertFalse(plan(config(RUNC_MOUNTS, OWN_NS, "", false)).has(PlanWriter.ROOT_READONLY));
    }

    @Test
    void rootfsAndPropagationAndNoPivot() {
        PlanDecoder p = plan(config("", OWN_NS, "", false));
        assertEquals(List.of(bundle.resolve("rootfs").toString()), p.strings(PlanWriter.ROOTFS));
        assertEquals(MS_REC | MS_PRIVATE, p.u64(PlanWriter.ROOTFS_PROPAGATION), "default rprivate");
        assertFalse(p.has(PlanWriter.NO_PIVOT));
        assertEquals(MS_REC | MS_SLAVE, plan(config("", OWN_NS, "\"rootfsPropagation\": \"rslave\"", false))
                .u64(PlanWriter.ROOTFS_PROPAGATION));
        assertEquals(MS_SHARED, plan(config("", OWN_NS, "\"rootfsPropagation\": \"shared\"", false))
                .u64(PlanWriter.ROOTFS_PROPAGATION));
        JrunException e = assertThrows(JrunException.class,
                () -> plan(config("", OWN_NS, "\"rootfsPropagation\": \"bogus\"", false)));
        assertEquals("config.json: linux.rootfsPropagation: unknown value bogus", e.getMessage());
        assertTrue(plan(config("", OWN_NS, "", false), ctx(true, false, Map.of())).has(PlanWriter.NO_PIVOT));
    }
}
