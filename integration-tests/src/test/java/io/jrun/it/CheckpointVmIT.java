package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * checkpoint and restore where the host cannot have them whole: one boot of the pure cgroup v2 guest
 * (packaging/vm, Debian's stock kernel, which has CONFIG_MEM_SOFT_DIRTY where this host's lacks it) runs
 * {@code vm/checkpoint-check.sh} against the installed runtime and its criu: a counting container checkpointed
 * and restored under a new id into another cgroup v2 group (the restored init there, with the config's limits,
 * counting on with no number lost); and iterative migration: a container with 128 MB touched, two
 * {@code --pre-dump} rounds, the final dump with {@code --parent-path ../p2} holding only the dirty pages, and
 * the restored memory checked byte by byte (bench/checkpoint-memhog.c). Every check prints PASS/FAIL; any FAIL
 * fails this test. docs/checkpoint.md.
 */
class CheckpointVmIT {
    /** Guest time limit: boot plus ~10 jrun calls and criu moving 128 MB several times, under software emulation. */
    private static final int VM_TIMEOUT_S = 1200;

    @Test
    void checkpointAndPreDumpInAVm() throws Exception {
        Path script = CgroupV2VmIT.vmScript();
        Path bin = VmGuest.runtimeOrSkip(script, "checkpoint VM test");
        Path memhog = script.getParent().getParent().getParent().resolve("bench/checkpoint-memhog.c");

        Path work = VmGuest.workDir("vmck");
        try {
            String cgParent = "/jrun-test/vmck-" + work.getFileName().toString().substring(5);
            Path bundle = work.resolve("bundle");
            Files.createDirectories(bundle);
            Path rootfs = Bundles.rootfs(bundle);
            // built here: gcc under emulation would take the guest's time
            Jrun.Result cc = Jrun.exec(null, List.of("gcc", "-O2", "-static", "-o",
                    rootfs.resolve("bin/memhog").toString(), memhog.toString()));
            assertEquals(0, cc.code(), cc::toString);
            String limits = "{\"memory\": {\"limit\": 268435456}, \"pids\": {\"limit\": 30}, "
                    + "\"cpu\": {\"quota\": 50000, \"period\": 100000}}";
            for (String name : List.of("count", "moved")) {
                Files.writeString(bundle.resolve(name + ".json"), Bundles.config(CheckpointIT.COUNTER,
                        cgParent + "/" + name, Map.of(), Map.of("resources", limits), null));
            }
            Files.writeString(bundle.resolve("mem.json"), Bundles.config(List.of("/bin/memhog", "128", "8"),
                    cgParent + "/mem", Map.of(), Map.of(), null));
            VmGuest.writeCheck(work, "checkpoint-check.sh", "check.sh");
            VmGuest.Boot boot = VmGuest.boot(script, List.of("--mem", "2G"), work, bin, Map.of("CGPATH", cgParent),
                    List.of("bash", "check.sh"), VM_TIMEOUT_S);
            VmGuest.assertPassed(boot, "checkpoint VM test");
        } finally {
            ItBase.deleteTree(work);
        }
    }
}
