package io.jrun.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which cgroup.procs the warm-up writes "0" to: only a hierarchy root that jrun's own process is in already. */
class CgroupWarmupTest {
    private static Path target(String mountinfo, String self) {
        return CgroupWarmup.target(mountinfo, self);
    }

    @Test
    void hybridHostUsesTheCgroup2RootWhenJrunIsInIt() {
        assertEquals(Path.of("/sys/fs/cgroup/unified/cgroup.procs"),
                target(CgroupsOpenTest.HYBRID_MOUNTINFO, CgroupsOpenTest.HYBRID_SELF));
    }

    @Test
    void hybridHostFallsBackToAV1RootJrunIsIn() {
        // cgroup2 and most controllers are not at the root; pids is
        String self = "9:name=systemd:/user.slice\n8:pids:/\n4:memory:/process_api/c9ed\n3:cpuset:/x\n"
                + "1:cpu:/x\n2:cpuacct:/x\n5:devices:/x\n0::/user.slice\n";
        assertEquals(Path.of("/sys/fs/cgroup/pids/cgroup.procs"), target(CgroupsOpenTest.HYBRID_MOUNTINFO, self));
    }

    @Test
    void neverASupervisorsCgroupOrANonRootOne() {
        String self = "9:name=systemd:/a\n8:pids:/a\n7:blkio:/a\n6:freezer:/a\n5:devices:/a\n"
                + "4:memory:/process_api/c9ed\n3:cpuset:/a\n2:cpuacct:/a\n1:cpu:/a\n0::/a\n";
        assertNull(target(CgroupsOpenTest.HYBRID_MOUNTINFO, self));
    }

    @Test
    void unifiedHost() {
        assertEquals(Path.of("/sys/fs/cgroup/cgroup.procs"), target(CgroupsOpenTest.V2_MOUNTINFO, "0::/\n"));
        assertNull(target(CgroupsOpenTest.V2_MOUNTINFO, "0::/system.slice/containerd.service\n"));
    }

    @Test
    void aMountOfASubtreeIsNotTheRoot() {
        // a mount that shows only the subtree /docker/outer (mountinfo root): its cgroup.procs is not that of the
        // cgroup /proc/self/cgroup names, so it is not written
        String mi = "35 31 0:32 /docker/outer /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
        assertNull(target(mi, "4:memory:/\n"));
    }

    @Test
    void noCgroupsMounted() {
        assertNull(target("", ""));
        assertNull(target("", "0::/\n"));
        assertNull(target(null, "0::/\n"));
    }

    @Test
    void coMountedControllersAndEscapedMountPoints() {
        String mi = "40 31 0:37 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
                + "41 31 0:38 / /mnt/my\\040cg rw shared:9 - cgroup cgroup rw,pids\n";
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct/cgroup.procs"), target(mi, "3:cpu,cpuacct:/\n"));
        assertEquals(Path.of("/mnt/my cg/cgroup.procs"), target(mi, "3:cpu,cpuacct:/x\n2:pids:/"));
        assertNull(target(mi, "3:cpu,cpuacct:/x\n2:pids:/y\n"));
    }

    @Test
    void stopOnTheNoOpWarmupDoesNothing() {
        CgroupWarmup.NONE.stop();
    }

    @Test
    void aRunningWarmupIsSharedAndAStoppedOneReplaced() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Runnable body = () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        CgroupWarmup first = CgroupWarmup.start(body);
        assertSame(first, CgroupWarmup.start(body)); // e.g. the CLI started it, then the engine asks
        first.stop();
        CgroupWarmup second = CgroupWarmup.start(body);
        assertNotSame(first, second);
        second.stop();
        release.countDown();
    }
}
