package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * `jrun spec --sandbox` with `jrun sandbox-agent` (docs/sandbox.md): a program that only computes runs
 * untouched; each one that tries something outside the allowlist is frozen, leaves a complete evidence
 * directory and one audit record, and is killed and deleted (`run` exits 159) with nothing left behind; the
 * log-only mode answers EPERM and lets it go on.
 */
class SandboxIT extends ItBase {
    private static Path probe;
    private Process agent;
    private Path agentDir;

    /** The probe (src/test/resources/sandbox/probe.c), built static once for the class. */
    @BeforeAll
    static void buildProbe() throws Exception {
        Path dir = Files.createTempDirectory("jrun-sandbox-probe");
        Path src = dir.resolve("probe.c");
        try (var in = SandboxIT.class.getResourceAsStream("/sandbox/probe.c")) {
            Files.copy(in, src);
        }
        probe = dir.resolve("probe");
        Jrun.Result r = Jrun.exec(dir, List.of("gcc", "-static", "-O2", "-o", probe.toString(), src.toString()));
        assertEquals(0, r.code(), r::toString);
    }

    @AfterAll
    static void removeProbe() throws IOException {
        if (probe != null) deleteTree(probe.getParent());
    }

    @AfterEach
    void stopAgent() throws Exception {
        if (agent != null) {
            agent.destroy(); // SIGTERM: the agent removes its socket
            if (!agent.waitFor(10, TimeUnit.SECONDS)) agent.destroyForcibly().waitFor();
        }
    }

    private void startAgent(String... extra) throws Exception {
        agentDir = work.resolve("agent");
        List<String> cmd = new ArrayList<>(List.of(Jrun.BIN, "--root", jrun.root.toString(), "sandbox-agent",
                "--socket", agentDir.resolve("agent.sock").toString(),
                "--evidence-dir", work.resolve("evidence").toString(),
                "--audit-log", work.resolve("audit.log").toString()));
        cmd.addAll(List.of(extra));
        agent = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve("agent.out").toFile()).start();
        for (int i = 0; i < 500 && !Files.exists(agentDir.resolve("agent.sock")); i++) Thread.sleep(20);
        assertTrue(Files.exists(agentDir.resolve("agent.sock")), () -> "agent did not start: " + agentOut());
    }

    private String agentOut() {
        try {
            return Files.readString(work.resolve("agent.out"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** A bundle from `jrun spec --sandbox`, running the probe in {@code mode}, under the test's cgroup parent. */
    private Path sandboxBundle(String id, String mode) throws IOException {
        Path b = work.resolve(id);
        Files.createDirectories(b);
        Jrun.Result r = Jrun.exec(b, List.of(Jrun.BIN, "spec", "--sandbox"));
        assertEquals(0, r.code(), r::toString);
        Bundles.rootfs(b);
        Path bin = b.resolve("rootfs/bin/probe");
        Files.copy(probe, bin);
        bin.toFile().setExecutable(true);
        String c = Files.readString(b.resolve("config.json"));
        String args = "\"args\": [\n\t\t\t\"sh\"\n\t\t]";
        assertTrue(c.contains(args) && c.contains("\"linux\": {"), c);
        c = c.replace(args, "\"args\": [\"/bin/probe\", \"" + mode + "\"]")
                .replace("/run/jrun-sandbox/agent.sock", agentDir.resolve("agent.sock").toString())
                .replace("\"linux\": {", "\"linux\": {\"cgroupsPath\": \"" + cgroupParent + "/" + id + "\",");
        Files.writeString(b.resolve("config.json"), c);
        return b;
    }

    private Jrun.Result run(String id, String mode, String stdin) throws IOException {
        Path b = sandboxBundle(id, mode);
        return jrun.runWithInput(stdin, "run", "--bundle", b.toString(), id);
    }

    private List<String> auditRecords() throws IOException {
        Path log = work.resolve("audit.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void aProgramThatOnlyComputesRunsUntouched() throws Exception {
        startAgent();
        String input = "line one\nline two\n".repeat(2000);
        Jrun.Result r = run("good", "good", input);
        assertEquals(0, r.code(), () -> r + "\nagent: " + agentOut());
        List<String> out = r.out().lines().toList();
        assertEquals("done " + fnv(input.getBytes(StandardCharsets.UTF_8)), out.getLast());
        assertEquals(List.of(), auditRecords(), "no violation");
        assertFalse(Files.exists(work.resolve("evidence")) && !isEmpty(work.resolve("evidence")), "no evidence");
    }

    /** The probe's checksum: 64-bit FNV-1a. */
    private static String fnv(byte[] b) {
        long h = 0xcbf29ce484222325L;
        for (byte x : b) h = (h ^ (x & 0xff)) * 0x100000001b3L;
        return String.format("%016x", h);
    }

    @ParameterizedTest
    @CsvSource({"socket,socket", "ptrace,ptrace", "mount,mount", "exec-shell,execve", "forkbomb,clone",
            "fill-tmp,openat"})
    void aViolationFreezesKeepsEvidenceAndDestroysTheContainer(String mode, String syscall) throws Exception {
        startAgent();
        String id = "bad-" + mode;
        Jrun.Result r = run(id, mode, "");
        assertEquals(159, r.code(), () -> r + "\nagent: " + agentOut());
        assertFalse(r.out().contains("survived"), r::toString);

        List<String> audit = auditRecords();
        assertEquals(1, audit.size(), audit::toString);
        String rec = audit.getFirst();
        assertTrue(rec.contains("\"container\":\"" + id + "\"") && rec.contains("\"action\":\"killed\"")
                && rec.contains("\"syscall\":\"" + syscall + "\""), rec);
        assertTrue(rec.contains("\"note\":\"frozen\""), "frozen before anything else: " + rec);

        Path ev;
        try (Stream<Path> s = Files.list(work.resolve("evidence"))) {
            ev = s.filter(p -> p.getFileName().toString().startsWith(id + "-")).findFirst().orElseThrow();
        }
        for (String f : List.of("violation.json", "status", "cmdline", "processes", "mountinfo")) {
            assertTrue(Files.size(ev.resolve(f)) > 0, f);
        }
        assertTrue(Files.readString(ev.resolve("violation.json")).contains("\"syscall\":\"" + syscall + "\""));
        assertTrue(Files.readString(ev.resolve("status")).contains("State:"));
        assertTrue(Files.readString(ev.resolve("cmdline")).contains("/bin/probe " + mode));
        assertTrue(Files.readString(ev.resolve("processes")).contains("probe"));
        assertTrue(Files.isDirectory(ev.resolve("changed/tmp")), "the writable tmpfs /tmp was copied");

        // nothing left: no state, no cgroup, no process
        assertFalse(Files.exists(jrun.root.resolve(id)), "state dir removed");
        assertEquals("[]", ok("list", "--format", "json").out().strip().replaceAll("\\s", "").replace("null", "[]"));
        for (String h : List.of("pids", "memory", "freezer", "cpu")) {
            assertFalse(Files.exists(Path.of("/sys/fs/cgroup", h, cgroupParent, id)), h + " cgroup removed");
        }
    }

    @Test
    void logOnlyAnswersEpermAndLetsTheProgramGoOn() throws Exception {
        startAgent("--log-only");
        Jrun.Result r = run("logonly", "socket", "");
        assertEquals(0, r.code(), () -> r + "\nagent: " + agentOut());
        assertTrue(r.out().contains("survived socket -1 1"), r::toString); // errno 1 = EPERM
        List<String> audit = auditRecords();
        assertEquals(1, audit.size(), audit::toString);
        assertTrue(audit.getFirst().contains("\"action\":\"logged\"") && audit.getFirst().contains("\"syscall\":\"socket\""));
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
