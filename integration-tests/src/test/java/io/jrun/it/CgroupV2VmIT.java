package io.jrun.it;


import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * cgroup v2 for real: the host has hybrid cgroups, so one boot of the pure-v2 guest (packaging/vm) runs
 * {@code vm/cgroup-v2-check.sh} against the installed runtime: limits in memory.max / pids.max / cpu.max, the
 * init in cgroup.procs, the eBPF device program (the container's own process fails to write /dev/null),
 * pause/resume through cgroup.freeze, update, events --stats, delete --force. Every check prints PASS/FAIL;
 * any FAIL fails this test.
 *
 * <p>The VM script is the repository's {@code packaging/vm/run-in-vm.sh} (`make vm-test`), or the one
 * {@code -Djrun.vm.script} names; without QEMU on the machine the test is skipped. Its work dir lies under
 * target/ (the guest sees only the shared cwd read-write; its /tmp is its own), and a runtime installed under
 * /tmp is shared into the guest with --rw.
 */
class CgroupV2VmIT {
    /** Guest time limit: boot ~10 s plus ~10 jrun calls at several seconds each under software emulation. */
    private static final int VM_TIMEOUT_S = 900;

    static Path vmScript() {
        String prop = System.getProperty("jrun.vm.script");
        if (prop != null) return Path.of(prop);
        // surefire's cwd is the module directory; the repository root is its parent
        return Path.of("").toAbsolutePath().getParent().resolve("packaging/vm/run-in-vm.sh");
    }

    /** QEMU, or what installs it (run-in-vm.sh apt-gets qemu-system-x86 when missing). */
    static boolean qemuAvailable() {
        return Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")) || Files.isExecutable(Path.of("/usr/bin/apt-get"));
    }

    @Test
    void cgroupV2InAVm() throws Exception {
        Path script = vmScript();
        Path bin = VmGuest.runtimeOrSkip(script, "cgroup v2 VM test");

        Path work = VmGuest.workDir("vm");
        try {
            String cgPath = "/jrun-test/vm-" + work.getFileName().toString().substring(3) + "/c1";
            Path bundle = work.resolve("bundle");
            Files.createDirectories(bundle);
            Bundles.rootfs(bundle);
            Files.writeString(bundle.resolve("config.json"), VmGuest.deviceRuleConfig(work, cgPath,
                    "\"memory\": {\"limit\": 67108864}, \"pids\": {\"limit\": 20}, "
                            + "\"cpu\": {\"quota\": 50000, \"period\": 100000}"));
            VmGuest.writeCheck(work, "cgroup-v2-check.sh", "check.sh");
            VmGuest.Boot boot = VmGuest.boot(script, List.of(), work, bin, Map.of("CGPATH", cgPath),
                    List.of("bash", "check.sh"), VM_TIMEOUT_S);
            VmGuest.assertPassed(boot, "cgroup v2 VM test");
        } finally {
            ItBase.deleteTree(work);
        }
    }
}
