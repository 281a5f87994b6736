package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rootless jrun on cgroup v2 with a delegated subtree (docs/rootless.md "Cgroups"): the host has hybrid cgroups and
 * no user owns a cgroup there, so one boot of the pure-v2 guest (packaging/vm) runs {@code vm/rootless-v2-check.sh}
 * as root, which creates a user, delegates a subtree to it as systemd does and runs the installed jrun as that user:
 * the container's own cgroup beside the caller's (runc's rootless default), its limits, exec into the created
 * container, pause/resume through cgroup.freeze, update, delete removing the cgroup; and, from a cgroup not
 * delegated, a one-line error naming the limit or a run without a cgroup. Every check prints PASS/FAIL; any FAIL
 * fails this test. Skipped where the machine cannot have the guest (as {@link CgroupV2VmIT}).
 */
class RootlessCgroupV2VmIT {
    /** Guest time limit: boot plus ~25 jrun calls, each a JVM of the user's own under software emulation. */
    private static final int VM_TIMEOUT_S = 900;
    private static final int VM_UNAVAILABLE = 77;

    @Test
    void rootlessWithADelegatedSubtreeInAVm() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "integration tests need root");
        Path script = CgroupV2VmIT.vmScript();
        assumeTrue(Files.isExecutable(script), "rootless cgroup v2 VM test skipped: no " + script);
        assumeTrue(CgroupV2VmIT.qemuAvailable(), "rootless cgroup v2 VM test skipped: no qemu-system-x86_64 and no "
                + "apt-get to install it");
        Path bin = Path.of(Jrun.BIN).toAbsolutePath();
        assumeTrue(Files.isExecutable(bin), "runtime not installed: " + bin);

        Path work = VmGuest.workDir("vm-rootless");
        try {
            VmGuest.writeCheck(work, "rootless-v2-check.sh", "check.sh");
            VmGuest.Boot boot = VmGuest.boot(script, List.of(), work, bin, Map.of(), List.of("bash", "check.sh"),
                    VM_TIMEOUT_S);
            String out = boot.out();
            assumeTrue(boot.status() != VM_UNAVAILABLE, "rootless cgroup v2 VM test skipped: " + out.strip());
            assertTrue(out.contains("RESULT 0 failure(s)"), out);
            assertFalse(out.lines().anyMatch(l -> l.startsWith("FAIL")), out);
            assertTrue(out.lines().filter(l -> l.startsWith("PASS")).count() >= 33, "every check ran: " + out);
            assertEquals(0, boot.status(), out);
        } finally {
            ItBase.deleteTree(work);
        }
    }
}
