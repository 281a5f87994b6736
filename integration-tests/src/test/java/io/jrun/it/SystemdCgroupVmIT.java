package io.jrun.it;


import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The systemd cgroup driver for real: one boot of the systemd guest ({@code run-in-vm.sh --systemd}: systemd as
 * PID 1, pure cgroup v2, dbus) running {@code vm/systemd-cgroup-check.sh} against the installed runtime with
 * {@code --systemd-cgroup}: the scope unit and its properties (systemctl show), the same values in the scope's
 * files as the cgroupfs driver writes, the device rule, pause/resume, update (unit and files), ps, events,
 * delete removing the unit, a failed create leaving no unit, cgroup or state, and the default unit name of an
 * empty cgroupsPath. The script uses only runc's CLI, so JRUN=/usr/sbin/runc runs it against runc 1.1.5 (whose
 * empty-path unit is runc-&lt;id&gt;.scope).
 *
 * <p>In the same boot, where containerd, ctr and podman are installed (the guest runs the host's binaries),
 * {@code vm/systemd-clients-check.sh}: the clients with their systemd defaults (containerd's runc v2 shim with
 * {@code SystemdCgroup = true} and BinaryName = the runtime, through {@code ctr run}; podman with
 * {@code cgroup_manager = "systemd"}) each run a busybox container (the e2e suite's image, built here on the host);
 * the scope unit jrun made while it runs, and nothing left after.
 *
 * <p>The VM script is the repository's {@code packaging/vm/run-in-vm.sh} (CgroupV2VmIT's, `make vm-test`), or the
 * one {@code -Djrun.vm.systemd.script} names (it must take {@code --systemd}); without it, or without QEMU or the
 * host's systemd (the script's status 77), the test is skipped.
 */
class SystemdCgroupVmIT {
    /**
     * Guest time limit: boot ~20 s plus ~20 runtime calls at several seconds each under software emulation, plus
     * ~2.5 min for the clients (containerd's start and a ctr run ~55 s, podman's load and run ~90 s).
     */
    private static final int VM_TIMEOUT_S = 900;


    /** A guest with systemd as PID 1 (--systemd): -Djrun.vm.systemd.script, else CgroupV2VmIT's script. */
    static Path systemdVmScript() {
        String prop = System.getProperty("jrun.vm.systemd.script");
        if (prop != null) return Path.of(prop);
        return CgroupV2VmIT.vmScript();
    }

    @Test
    void systemdDriverInAVm() throws Exception {
        Path script = systemdVmScript();
        Path bin = VmGuest.runtimeOrSkip(script, "systemd VM test");

        Path work = VmGuest.workDir("vm-sd");
        try {
            Path bundle = work.resolve("bundle");
            Files.createDirectories(bundle);
            Bundles.rootfs(bundle);
            String rootfs = Bundles.q(bundle.resolve("rootfs").toString());
            Files.writeString(bundle.resolve("config.json"), VmGuest.deviceRuleConfig(work, "system.slice:jrunit:c1",
                    "\"memory\": {\"limit\": 67108864, \"reservation\": 33554432}, \"pids\": {\"limit\": 20}, "
                            + "\"cpu\": {\"shares\": 1024, \"quota\": 50000, \"period\": 100000, \"cpus\": \"0\"}, "
                            + "\"unified\": {\"memory.high\": \"62914560\"}"));
            // the other bundles share c1's rootfs
            bundle(work, "bundle-bad", "system.slice:jrunit:bad1", "{\"unified\": {\"no.such.file\": \"1\"}}", rootfs);
            bundle(work, "bundle-plain", "", "{\"pids\": {\"limit\": 20}}", rootfs);
            bundle(work, "bundle-fs", "/jrun-test/fs1", "{\"pids\": {\"limit\": 20}}", rootfs);
            VmGuest.writeCheck(work, "systemd-cgroup-check.sh", "check.sh");
            boolean clients = clientsAvailable(work);
            if (clients) {
                VmGuest.writeCheck(work, "systemd-clients-check.sh", "clients.sh");
            }

            long t0 = System.nanoTime();
            // one boot: the driver's checks, then the clients'; the exit status is the sum of their FAILs
            VmGuest.Boot boot = VmGuest.boot(script, List.of("--systemd"), work, bin, Map.of(), clients
                    ? List.of("bash", "-c", "bash check.sh; a=$?; bash clients.sh; exit $((a + $?))")
                    : List.of("bash", "check.sh"), VM_TIMEOUT_S);
            System.out.println("systemd VM test: " + (System.nanoTime() - t0) / 1_000_000_000L + " s");
            if (!clients) System.out.println("systemd VM test: clients skipped (containerd, ctr, podman or busybox missing)");
            if (clients) VmGuest.assertPassed(boot, "systemd VM test", "RESULT 0 failure(s)", "RESULT 0 failure(s) (clients)");
            else VmGuest.assertPassed(boot, "systemd VM test");
        } finally {
            ItBase.deleteTree(work);
        }
    }

    /**
     * Whether the clients' check can run: containerd, ctr, podman and conmon installed (make deps / the e2e suite
     * install them), and the e2e suite's busybox image built into work/busybox.tar (e2e/lib/env.sh build_image).
     */
    private static boolean clientsAvailable(Path work) throws Exception {
        for (String b : List.of("/usr/bin/containerd", "/usr/bin/ctr", "/usr/bin/containerd-shim-runc-v2",
                "/usr/bin/podman", "/usr/bin/conmon")) {
            if (!Files.isExecutable(Path.of(b))) return false;
        }
        Path env = Path.of("e2e/lib/env.sh").toAbsolutePath();
        if (!Files.isRegularFile(env)) return false;
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "command -v busybox >/dev/null && source \"$1\" && build_image", "bash", env.toString())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("E2E_ROOT", work.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            System.out.println("systemd VM test: building the busybox image failed: " + out);
            return false;
        }
        return Files.isRegularFile(work.resolve("busybox.tar"));
    }

    /** A bundle whose process sleeps, with c1's rootfs (by absolute path). */
    private static void bundle(Path work, String name, String cgroupsPath, String resources, String rootfs)
            throws Exception {
        Path b = Files.createDirectories(work.resolve(name));
        String c = Bundles.config(List.of("sleep", "300"), cgroupsPath, Map.of(), Map.of("resources", resources), null);
        String replaced = c.replace("\"path\": \"rootfs\"", "\"path\": " + rootfs);
        if (replaced.equals(c)) throw new AssertionError("config without root.path \"rootfs\": " + c);
        Files.writeString(b.resolve("config.json"), replaced);
    }
}
