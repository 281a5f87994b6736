package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void rootlessWithADelegatedSubtreeInAVm() throws Exception {
        Path script = CgroupV2VmIT.vmScript();
        Path bin = VmGuest.runtimeOrSkip(script, "rootless cgroup v2 VM test");

        Path work = VmGuest.workDir("vm-rootless");
        try {
            VmGuest.writeCheck(work, "rootless-v2-check.sh", "check.sh");
            VmGuest.Boot boot = VmGuest.boot(script, List.of(), work, bin, Map.of(), List.of("bash", "check.sh"),
                    VM_TIMEOUT_S);
            VmGuest.assertPassed(boot, "rootless cgroup v2 VM test");
            assertTrue(boot.out().lines().filter(l -> l.startsWith("PASS")).count() >= 33, "every check ran: " + boot.out());
        } finally {
            ItBase.deleteTree(work);
        }
    }
}
