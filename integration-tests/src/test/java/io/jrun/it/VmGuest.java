package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What the VM tests share: their guards, work dir, check scripts, the device-rule container c1, one boot of the
 * guest, and the reading of its result.
 */
final class VmGuest {
    private VmGuest() {}

    /** The guest's output and run-in-vm.sh's exit status. */
    record Boot(int status, String out) {}

    /** target/PREFIX-RANDOM with an out/ dir: the guest sees only its cwd read-write, and its /tmp is its own. */
    static Path workDir(String prefix) throws IOException {
        Path work = Files.createDirectories(Path.of("target").toAbsolutePath())
                .resolve(prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(work.resolve("out"));
        return work;
    }

    /**
     * c1: writes whether it could write and read /dev/null to /out/res, then sleeps. linux.devices lists /dev/null,
     * so its default rule is left out; the spec's own rules allow it and then deny writing it (the last matching
     * rule decides, as in v1's devices.allow/deny).
     */
    static String deviceRuleConfig(Path work, String cgroupsPath, String otherResources) {
        return Bundles.config(List.of("sh", "-c",
                                "if echo x > /dev/null; then echo WROTE; else echo DENIED; fi > /out/res; "
                                        + "cat /dev/null && echo READ >> /out/res; exec sleep 300"),
                        cgroupsPath, Map.of(), Map.of(
                                "devices", "[{\"path\": \"/dev/null\", \"type\": \"c\", \"major\": 1, \"minor\": 3, "
                                        + "\"fileMode\": 438, \"uid\": 0, \"gid\": 0}]",
                                "resources", "{" + otherResources + ", \"devices\": ["
                                        + "{\"allow\": false, \"access\": \"rwm\"}, "
                                        + "{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rwm\"}, "
                                        + "{\"allow\": false, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"w\"}]}"),
                        null)
                .replace("\"mounts\": [", "\"mounts\": [\n    {\"destination\": \"/out\", \"type\": \"bind\", \"source\": "
                        + Bundles.q(work.resolve("out").toString()) + ", \"options\": [\"rbind\", \"rw\"]},");
    }

    /** run-in-vm.sh's status when the machine cannot have the guest at all (no QEMU, no Debian kernel package). */
    static final int VM_UNAVAILABLE = 77;

    /**
     * The runtime under test, or the test skipped ({@code what} names it) where no guest can run it: not root, no
     * {@code script}, no QEMU and no apt-get to install it, no installed runtime.
     */
    static Path runtimeOrSkip(Path script, String what) {
        assumeTrue("root".equals(System.getProperty("user.name")), "integration tests need root");
        assumeTrue(Files.isExecutable(script), what + " skipped: no " + script);
        assumeTrue(CgroupV2VmIT.qemuAvailable(), what + " skipped: no qemu-system-x86_64 and no apt-get to install it");
        Path bin = Path.of(Jrun.BIN).toAbsolutePath();
        assumeTrue(Files.isExecutable(bin), "runtime not installed: " + bin);
        return bin;
    }

    /**
     * The guest's check script passed: skipped when no guest could boot (status 77, not a failure of jrun), else
     * no FAIL line, each of {@code results} ("RESULT 0 failure(s)", ...) printed, and exit status 0.
     */
    static void assertPassed(Boot boot, String what, String... results) {
        String out = boot.out();
        assumeTrue(boot.status() != VM_UNAVAILABLE, what + " skipped: " + out.strip());
        for (String r : results.length == 0 ? new String[] {"RESULT 0 failure(s)"} : results) {
            assertTrue(out.lines().anyMatch(l -> l.equals(r)), r + " expected:\n" + out);
        }
        assertFalse(out.lines().anyMatch(l -> l.startsWith("FAIL")), out);
        assertEquals(0, boot.status(), out);
    }

    /** Writes the check script {@code /vm/RESOURCE} into WORK as {@code name}, with vm/check-lib.sh it sources. */
    static void writeCheck(Path work, String resource, String name) throws IOException {
        for (String[] f : new String[][] {{resource, name}, {"check-lib.sh", "check-lib.sh"}}) {
            try (java.io.InputStream in = VmGuest.class.getResourceAsStream("/vm/" + f[0])) {
                if (in == null) throw new IOException("no test resource /vm/" + f[0]);
                Files.write(work.resolve(f[1]), in.readAllBytes());
            }
        }
    }

    /** One boot of SCRIPT [FLAGS] -- COMMAND in WORK, with JRUN=bin and ENV; its output is also printed. */
    static Boot boot(Path script, List<String> flags, Path work, Path bin, Map<String, String> env, List<String> command,
                     int timeoutS) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(script.toString()));
        cmd.addAll(flags);
        cmd.addAll(List.of("--timeout", Integer.toString(timeoutS)));
        // the guest's /tmp is a fresh tmpfs: a runtime installed under /tmp must be shared explicitly
        if (bin.startsWith("/tmp")) cmd.addAll(List.of("--rw", bin.getParent().getParent().toString()));
        cmd.add("--");
        cmd.addAll(command);
        Path log = work.resolve("vm.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("JRUN", bin.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutS + 120L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("VM did not finish in time; output so far:\n" + Files.readString(log));
        }
        String out = Files.readString(log);
        System.out.println(out);
        return new Boot(p.exitValue(), out);
    }
}
