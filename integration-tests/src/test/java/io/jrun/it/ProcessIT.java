package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Launch engine: config.json process attributes (config.md "Process", config-linux.md "Personality"). */
class ProcessIT extends ItBase {

    private Jrun.Result run(String id, List<String> args, Map<String, String> process, Map<String, String> linux,
                            String top) throws Exception {
        Path b = bundle(id, args, process, linux, top);
        return jrun.run("run", "--bundle", b.toString(), id);
    }

    private List<String> runOk(String id, List<String> args, Map<String, String> process, Map<String, String> linux,
                               String top) throws Exception {
        Jrun.Result r = run(id, args, process, linux, top);
        assertEquals(0, r.code(), r::toString);
        return r.out().strip().lines().toList();
    }

    @Test
    void domainname() throws Exception {
        assertEquals(List.of("jrun-it", "example.org"),
                runOk("dom", List.of("sh", "-c", "hostname; cat /proc/sys/kernel/domainname"), Map.of(), Map.of(),
                        "\"domainname\": \"example.org\""));
    }

    @Test
    void personalityLinux32() throws Exception {
        assumeTrue("amd64".equals(System.getProperty("os.arch")), "LINUX32 is checked on x86_64");
        assertEquals(List.of("i686"), runOk("pers", List.of("uname", "-m"), Map.of(),
                Map.of("personality", "{\"domain\": \"LINUX32\"}"), null));
        assertEquals(List.of("x86_64"), runOk("pers64", List.of("uname", "-m"), Map.of(),
                Map.of("personality", "{\"domain\": \"LINUX\"}"), null));
    }

    @Test
    void schedulerPolicyAndNice() throws Exception {
        List<String> out = runOk("sched", List.of("cat", "/proc/self/stat"),
                Map.of("scheduler", "{\"policy\": \"SCHED_BATCH\", \"nice\": 7}"), Map.of(), null);
        // fields after "(comm) ": state is field 3, nice field 19, policy field 41 (proc_pid_stat(5))
        String[] f = out.getFirst().substring(out.getFirst().lastIndexOf(')') + 2).split(" ");
        assertEquals("7", f[19 - 3], "nice");
        assertEquals("3", f[41 - 3], "policy SCHED_BATCH");
    }

    @Test
    void schedulerIdle() throws Exception {
        List<String> out = runOk("schedidle", List.of("cat", "/proc/self/stat"),
                Map.of("scheduler", "{\"policy\": \"SCHED_IDLE\"}"), Map.of(), null);
        String[] f = out.getFirst().substring(out.getFirst().lastIndexOf(')') + 2).split(" ");
        assertEquals("5", f[41 - 3], "policy SCHED_IDLE");
    }

    @Test
    void ioPriorityIdle() throws Exception {
        List<String> out = runOk("ioprio", List.of("sh", "-c", "ionice -p $$"),
                Map.of("ioPriority", "{\"class\": \"IOPRIO_CLASS_IDLE\", \"priority\": 0}"), Map.of(), null);
        assertTrue(out.getFirst().contains("idle"), out::toString);
        List<String> be = runOk("ioprio2", List.of("sh", "-c", "ionice -p $$"),
                Map.of("ioPriority", "{\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 6}"), Map.of(), null);
        assertTrue(be.getFirst().contains("best-effort") && be.getFirst().contains("6"), be::toString);
    }

    @Test
    void oomScoreAdj() throws Exception {
        assertEquals(List.of("321"), runOk("oom", List.of("cat", "/proc/self/oom_score_adj"),
                Map.of("oomScoreAdj", "321"), Map.of(), null));
    }

    @Test
    void rlimitAboveJrunsOwnHardLimitFailsClearly() throws Exception {
        long hard = Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max open files")).map(l -> l.substring(26).trim().split("\\s+")[1])
                .mapToLong(Long::parseLong).findFirst().orElseThrow();
        // without CAP_SYS_RESOURCE (or above fs.nr_open) raising the hard limit is refused
        Jrun.Result r = run("rlim", List.of("true"),
                Map.of("rlimits", "[{\"type\": \"RLIMIT_NOFILE\", \"hard\": " + (Math.max(hard, 1048576) + 1) + ", \"soft\": 1024}]"),
                Map.of(), null);
        assertNotEquals(0, r.code(), r::toString);
        // by field and name, not runc's "error setting rlimit type 7" (hardening issue, item 15)
        assertTrue(r.err().contains("process.rlimits[0]: RLIMIT_NOFILE soft 1024 hard "), r::toString);
        assertTrue(r.err().strip().endsWith(": operation not permitted"), r::toString);
        assertTrue(Files.notExists(jrun.root.resolve("rlim")));
    }

    @Test
    void pathLookupUsesTheContainersPath() throws Exception {
        Path b = bundle("path", List.of("myprog"), Map.of("env",
                "[\"PATH=/usr/local/bin:/bin\", \"FOO=bar baz\"]"), Map.of(), null);
        Path bin = b.resolve("rootfs/usr/local/bin");
        Files.createDirectories(bin);
        Files.writeString(bin.resolve("myprog"), "#!/bin/sh\necho \"found $FOO\"\n");
        bin.resolve("myprog").toFile().setExecutable(true, false);
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "path");
        assertEquals(0, r.code(), r::toString);
        assertEquals("found bar baz", r.out().strip());
    }

    @Test
    void notOnPathIsNotFound() throws Exception {
        // myprog exists, but not on the container's PATH
        Path b = bundle("nopath", List.of("myprog"), Map.of("env", "[\"PATH=/bin\"]"), Map.of(), null);
        Path bin = b.resolve("rootfs/usr/local/bin");
        Files.createDirectories(bin);
        Files.writeString(bin.resolve("myprog"), "#!/bin/sh\necho found\n");
        bin.resolve("myprog").toFile().setExecutable(true, false);
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "nopath");
        assertNotEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("exec: \"myprog\": executable file not found in $PATH"), r::toString);
    }

    @Test
    void relativePathWithASlashIsResolvedAgainstCwd() throws Exception {
        assertEquals(List.of("relative ok"), runOk("rel", List.of("../bin/echo", "relative ok"),
                Map.of("cwd", "\"/tmp\""), Map.of(), null));
    }

    @Test
    void envIsExactlyTheConfiguredOne() throws Exception {
        List<String> out = runOk("env", List.of("env"), Map.of("env", "[\"PATH=/bin\", \"A=1\", \"B=two words\"]"),
                Map.of(), null);
        assertEquals(List.of("A=1", "B=two words", "PATH=/bin"), out.stream().filter(l -> !l.startsWith("HOME=")
                && !l.startsWith("PWD=") && !l.startsWith("SHLVL=")).sorted().toList());
    }

    @Test
    void umaskDefaultsTo0022AndCwdIsCreated() throws Exception {
        assertEquals(List.of("0022", "/does/not/exist/yet"), runOk("umask", List.of("sh", "-c", "umask; pwd"),
                Map.of("cwd", "\"/does/not/exist/yet\""), Map.of(), null));
    }

    @Test
    void additionalGids() throws Exception {
        assertEquals(List.of("1000", "1000 10 20"), runOk("gids", List.of("sh", "-c", "id -u; id -G"),
                Map.of("user", "{\"uid\": 1000, \"gid\": 1000, \"additionalGids\": [10, 20]}"), Map.of(), null));
    }
}
