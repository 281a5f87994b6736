package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * jrun's minimal init (`--init`, annotation run.oci.jrun.init; docs/init.md): PID 1 forwards signals to the
 * process (PID 2), reaps orphans, passes the exit status through, holds no fd; and nothing changes without it.
 */
class InitIT extends ItBase {
    /** A shell with no SIGTERM handler, kept alive in a loop (so it stays PID 1 / PID 2 rather than exec'ing). */
    private static final List<String> LOOP = List.of("sh", "-c", "while :; do sleep 1; done");

    private String started(String id, List<String> args, boolean init, String top) throws IOException {
        Path b = bundle(id, args, Map.of(), Map.of(), top);
        if (init) ok("create", "--init", "--bundle", b.toString(), id);
        else ok("create", "--bundle", b.toString(), id);
        ok("start", id);
        return id;
    }

    private boolean stoppedWithin(String id, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (status(id).equals("stopped")) return true;
            Thread.sleep(20);
        }
        return status(id).equals("stopped");
    }

    private String pid1Comm(String id) {
        return ok("exec", id, "cat", "/proc/1/comm").out().strip();
    }

    @Test
    void sigtermIsIgnoredByAShellAsPid1ButStopsItAtOnceUnderInit() throws Exception {
        String plain = started("plain", LOOP, false, null);
        assertEquals("sh", pid1Comm(plain), "without --init the process itself is PID 1");
        ok("kill", plain, "TERM");
        assertFalse(stoppedWithin(plain, 1500), "a shell as PID 1 has no SIGTERM action: it keeps running");
        ok("kill", plain, "KILL");
        assertTrue(stoppedWithin(plain, 5000), "SIGKILL stops it");

        String init = started("init", LOOP, true, null);
        assertEquals("jrun-init", pid1Comm(init));
        assertEquals("sh", ok("exec", init, "cat", "/proc/2/comm").out().strip(), "the process is PID 2");
        long t0 = System.nanoTime();
        ok("kill", init, "TERM");
        assertTrue(stoppedWithin(init, 3000), "SIGTERM reaches the shell through the init");
        System.out.printf("InitIT: SIGTERM to stopped under --init: %.0f ms%n", (System.nanoTime() - t0) / 1e6);
    }

    @Test
    void initHoldsNoFd() throws Exception {
        String id = started("fds", LOOP, true, null);
        int pid = statePid(id);
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            assertEquals(List.of(), s.toList(), "PID 1 keeps no fd of the set-up or the container's");
        }
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        String rss = status.lines().filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("?");
        System.out.println("InitIT: init " + rss.replaceAll("\\s+", " "));
    }

    /** Two orphans that exit after the process replaced its shell with `sleep`, which never waits for anyone. */
    private static final List<String> ORPHANS = List.of("sh", "-c", "(sleep 0.2 &); (sleep 0.2 &); exec sleep 100");

    private long zombies(String id) {
        String stats = ok("exec", id, "sh", "-c", "cat /proc/[0-9]*/stat").out();
        return stats.lines().filter(l -> l.substring(l.lastIndexOf(')') + 2).startsWith("Z")).count();
    }

    @Test
    void orphansLeaveZombiesWithoutInitAndNoneWithIt() throws Exception {
        String plain = started("zplain", ORPHANS, false, null);
        String init = started("zinit", ORPHANS, true, null);
        Thread.sleep(1000);
        assertEquals(2, zombies(plain), "without --init nobody reaps the orphans (the check can fail)");
        assertEquals(0, zombies(init), "the init reaps them");
    }

    private int runInit(String id, String script) throws IOException {
        Path b = bundle(id, List.of("sh", "-c", script));
        return jrun.run("run", "--init", "--bundle", b.toString(), id).code();
    }

    @Test
    void exitStatusesPassThrough() throws Exception {
        assertEquals(0, runInit("e0", "true"));
        assertEquals(3, runInit("e3", "exit 3"));
        assertEquals(128 + 10, runInit("eusr1", "kill -USR1 $$; sleep 5"), "killed by SIGUSR1: 128+10");
        assertEquals(128 + 9, runInit("ekill", "kill -9 $$; sleep 5"), "killed by SIGKILL: 128+9");
    }

    @Test
    void annotationAsksForTheInit() throws Exception {
        String id = started("annot", LOOP, false, "\"annotations\": {\"run.oci.jrun.init\": \"true\"}");
        assertEquals("jrun-init", pid1Comm(id));
        String off = started("annotoff", LOOP, false, "\"annotations\": {\"run.oci.jrun.init\": \"false\"}");
        assertEquals("sh", pid1Comm(off));
    }

    @Test
    void badAnnotationIsRefusedAndLeavesNothing() throws Exception {
        Path b = bundle("bad", LOOP, Map.of(), Map.of(), "\"annotations\": {\"run.oci.jrun.init\": \"yes\"}");
        Jrun.Result r = jrun.run("create", "--bundle", b.toString(), "bad");
        assertEquals(1, r.code(), r::toString);
        assertEquals("jrun: config.json: annotations[\"run.oci.jrun.init\"]: must be \"true\" or \"false\", not \"yes\"",
                r.err().strip());
        assertFalse(Files.exists(jrun.root.resolve("bad")), "no state dir left");
    }
}
