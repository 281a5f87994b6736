package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Launch engine, rollback: a create that fails at any step, or a jrun killed with SIGKILL at any step of
 * create followed by `delete --force`, leaves no state directory, no cgroup in any hierarchy, no process in
 * the container's cgroup and no mount.
 */
class RollbackIT extends ItBase {

    /** Rewrites the bundle's config.json. */
    private static void edit(Path bundle, String from, String to) throws Exception {
        Path c = bundle.resolve("config.json");
        String s = Files.readString(c);
        assertTrue(s.contains(from), "config template has " + from);
        Files.writeString(c, s.replace(from, to));
    }

    private void assertNothingLeft(String id) throws Exception {
        String cg = cgroupParent + "/" + id;
        assertTrue(LifecycleIT.waitFor(() -> LaunchSupport.processesInCgroup(cg).isEmpty()),
                () -> "processes left in " + cg + ": " + uncheck(() -> LaunchSupport.processesInCgroup(cg)));
        assertTrue(LifecycleIT.waitFor(() -> LaunchSupport.cgroupDirs(cg).isEmpty()),
                () -> "cgroups left: " + uncheck(() -> LaunchSupport.cgroupDirs(cg)));
        assertTrue(Files.notExists(jrun.root.resolve(id)), "state dir left");
        assertEquals(List.of(), LaunchSupport.hostMountsUnder(work), "mounts left");
        assertTrue(!jrun.run("list").out().contains(id), "list still shows " + id);
    }

    interface Io<T> {
        T get() throws Exception;
    }

    private static Object uncheck(Io<?> f) {
        try {
            return f.get();
        } catch (Exception e) {
            return e;
        }
    }

    private String createFails(Path bundle, String id) throws Exception {
        Jrun.Result r = jrun.run("create", "--bundle", bundle.toString(), id);
        assertNotEquals(0, r.code(), r::toString);
        assertNothingLeft(id);
        return r.err();
    }

    @Test
    void badRootfsPath() throws Exception {
        Path b = bundle("rbroot", List.of("true"));
        edit(b, "\"path\": \"rootfs\"", "\"path\": \"no-such-rootfs\"");
        assertTrue(createFails(b, "rbroot").contains("no-such-rootfs"));
    }

    @Test
    void mountOfAMissingSource() throws Exception {
        Path b = bundle("rbmount", List.of("true"));
        edit(b, "\"mounts\": [", "\"mounts\": [{\"destination\": \"/mnt\", \"type\": \"bind\", "
                + "\"source\": \"/nonexistent-jrun-source\", \"options\": [\"rbind\"]},");
        assertTrue(createFails(b, "rbmount").contains("/nonexistent-jrun-source"));
    }

    @Test
    void sysctlTheKernelRefuses() throws Exception {
        Path b = bundle("rbsysctl", List.of("true"), Map.of(), Map.of("sysctl", "{\"net.ipv4.no_such_key_jrun\": \"1\"}"), null);
        assertTrue(createFails(b, "rbsysctl").contains("no_such_key_jrun"));
    }

    @Test
    void namespacePathThatIsNotANamespace() throws Exception {
        // exists (so validation passes) but setns(2) refuses it: fails inside the helper
        Path b = LaunchSupport.bundleWithNamespaces(work, cgroupParent, "rbns", List.of("true"),
                "[{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"uts\"}, {\"type\": \"network\", \"path\": \"/dev/null\"}]",
                Map.of(), Map.of(), null);
        assertTrue(createFails(b, "rbns").contains("/dev/null"));
    }

    @Test
    void unknownNamespacePath() throws Exception {
        Path b = LaunchSupport.bundleWithNamespaces(work, cgroupParent, "rbnopath", List.of("true"),
                "[{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"uts\"}, {\"type\": \"ipc\", \"path\": \"/proc/999999999/ns/ipc\"}]",
                Map.of(), Map.of(), null);
        assertTrue(createFails(b, "rbnopath").contains("linux.namespaces[3].path"));
    }

    @Test
    void cgroupValueTheKernelRefuses() throws Exception {
        Path b = bundle("rbcg", List.of("true"), Map.of(), Map.of("resources", "{\"cpu\": {\"cpus\": \"4095\"}}"), null);
        createFails(b, "rbcg");
    }

    @Test
    void missingBinary() throws Exception {
        Path b = bundle("rbexe", List.of("no-such-binary"));
        assertTrue(createFails(b, "rbexe").contains("executable file not found"));
    }

    @Test
    void failedRunLeavesNothing() throws Exception {
        Path b = bundle("rbrun", List.of("/no/such/binary"));
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "rbrun");
        assertNotEquals(0, r.code(), r::toString);
        assertNothingLeft("rbrun");
    }

    /** SIGKILL of jrun at each step of create (JRUN_TEST_PAUSE_AT), then `delete --force`. */
    @ParameterizedTest
    @ValueSource(strings = {"claimed", "cgroup", "pid", "ready"})
    void deleteForceRecoversFromAKilledCreate(String step) throws Exception {
        String id = "k9" + step;
        Path b = bundle(id, List.of("sleep", "1000"));
        ProcessBuilder pb = new ProcessBuilder(Jrun.BIN, "--root", jrun.root.toString(), "create", "--bundle",
                b.toString(), id).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("JRUN_TEST_PAUSE_AT", step);
        Process p = pb.start();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line = err.readLine();
            assertEquals("jrun: JRUN_TEST_PAUSE_AT: paused at " + step, line);
            // the launcher execs the JVM: this SIGKILL hits jrun itself
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, p.exitValue());

        Jrun.Result list = jrun.run("list");
        assertEquals(0, list.code(), list::toString);
        assertTrue(list.out().contains(id), list::toString);
        String st = status(id);
        assertTrue(List.of("creating", "created", "stopped").contains(st), st);
        if (step.equals("claimed") || step.equals("cgroup")) assertEquals("creating", st);

        ok("delete", "--force", id);
        assertNothingLeft(id);
    }
}
