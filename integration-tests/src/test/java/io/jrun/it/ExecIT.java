package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** jrun exec: namespaces, cgroup, exit status, runc's flags and error wording. */
class ExecIT extends ItBase {
    private int startSleeper(String id) throws Exception {
        Path b = bundle(id, List.of("sleep", "1000"));
        ok("create", "--bundle", b.toString(), id);
        ok("start", id);
        return statePid(id);
    }

    private static String ns(int pid, String name) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + name)).toString();
    }

    @Test
    void execJoinsTheContainersPidNamespaceAndReturnsItsExitStatus() throws Exception {
        int init = startSleeper("ex1");
        Jrun.Result r = jrun.run("exec", "ex1", "sh", "-c", "readlink /proc/1/ns/pid; hostname; exit 5");
        assertEquals(5, r.code(), r::toString);
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(ns(init, "pid"), lines.get(0));
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString(), lines.get(0));
        assertEquals("jrun-it", lines.get(1), "uts namespace joined");
    }

    @Test
    void detachedExecWritesPidFileAndRunsInTheContainersCgroupAndNamespaces() throws Exception {
        int init = startSleeper("ex2");
        Path pidFile = work.resolve("exec.pid");
        ok("exec", "--detach", "--pid-file", pidFile.toString(), "ex2", "sleep", "1000");
        int pid = Integer.parseInt(Files.readString(pidFile).trim());
        assertNotEquals(init, pid);
        assertTrue(Files.exists(Path.of("/proc/" + pid)), "exec'd process is running");
        for (String n : List.of("pid", "mnt", "net", "ipc", "uts")) assertEquals(ns(init, n), ns(pid, n), n);
        String procs = Files.readString(Path.of("/sys/fs/cgroup/pids" + cgroupParent + "/ex2/cgroup.procs"));
        assertTrue(procs.lines().anyMatch(l -> l.equals(Integer.toString(pid))), procs);
    }

    @Test
    void envUserAndCwdFlagsApply() throws Exception {
        startSleeper("ex3");
        Jrun.Result r = ok("exec", "-e", "FOO=bar", "-e", "TERM=dumb", "-u", "1000:1001", "--cwd", "/tmp", "ex3",
                "sh", "-c", "echo $FOO $TERM; id -u; id -g; pwd");
        assertEquals(List.of("bar dumb", "1000", "1001", "/tmp"), r.out().strip().lines().toList());
    }

    @Test
    void additionalGidsAndCapsApply() throws Exception {
        startSleeper("ex3b");
        Jrun.Result r = ok("exec", "-g", "7", "-g", "8", "--cap", "CAP_SYS_ADMIN", "ex3b", "sh", "-c",
                "id -G; grep CapEff /proc/self/status");
        List<String> l = r.out().strip().lines().toList();
        assertEquals("0 7 8", l.get(0));
        // CAP_SYS_ADMIN is bit 21: the container's own set (AUDIT_WRITE, KILL, NET_BIND_SERVICE) lacks it
        long eff = Long.parseLong(l.get(1).split("\\s+")[1], 16);
        assertTrue((eff & (1L << 21)) != 0, l.get(1));
    }

    @Test
    void processJsonAsContainerdSendsIt() throws Exception {
        startSleeper("ex4");
        // recorded from containerd; surefire's cwd is this module, the recordings are runtime-core's test resources
        String json = Files.readString(Path.of("../runtime-core/src/test/resources/client-specs/containerd-exec-tty-process.json"))
                .replace("\"terminal\":true", "\"terminal\":false")
                .replace("tty; stty size", "echo from-process-json; id -G");
        Path p = work.resolve("process.json");
        Files.writeString(p, json);
        Jrun.Result r = ok("exec", "--process", p.toString(), "ex4");
        assertEquals(List.of("from-process-json", "0"), r.out().strip().lines().toList());
    }

    @Test
    void execIntoStoppedContainerFails() throws Exception {
        Path b = bundle("ex5", List.of("true"));
        ok("create", "--bundle", b.toString(), "ex5");
        int pid = statePid("ex5");
        ok("start", "ex5");
        assertTrue(waitGone(pid));
        Jrun.Result r = jrun.run("exec", "ex5", "true");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("cannot exec in a stopped container"), r::toString);
    }

    @Test
    void missingBinaryUsesRuncWording() throws Exception {
        startSleeper("ex6");
        Jrun.Result r = jrun.run("exec", "ex6", "nope");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("exec: \"nope\": executable file not found in $PATH"), r::toString);
    }
}
