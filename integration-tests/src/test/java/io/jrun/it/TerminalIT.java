package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Terminals: the pty master reaches a --console-socket listener (recvtty.c, built here with gcc, plays
 * containerd-shim), and `run` without one serves the console itself.
 */
class TerminalIT extends ItBase {
    private static Path recvtty;

    @BeforeAll
    static void buildRecvtty() throws Exception {
        recvtty = Files.createTempDirectory("recvtty").resolve("recvtty");
        Process p = new ProcessBuilder("gcc", "-O2", "-o", recvtty.toString(), "src/test/c/recvtty.c")
                .inheritIO().start();
        assertEquals(0, p.waitFor(), "gcc recvtty.c");
    }

    /** Starts recvtty on a socket with the given input; returns it once it listens. */
    private Process listen(Path sock, String input) throws Exception {
        Path in = work.resolve("input-" + sock.getFileName());
        Files.writeString(in, input);
        Process p = new ProcessBuilder(recvtty.toString(), sock.toString(), in.toString()).start();
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        assertEquals("listening", err.readLine());
        return p;
    }

    private static String finish(Process p) throws Exception {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "recvtty finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(err.contains("name=/dev/pts/"), err);
        return out;
    }

    @Test
    void createWithConsoleSocketGivesTheInitAWorkingPty() throws Exception {
        Path b = bundle("tty1", List.of("sh"), Map.of("terminal", "true"), Map.of(), null);
        Path sock = work.resolve("c1.sock");
        Process rt = listen(sock, "echo hi-$((40+2))\ntty\nexit\n");
        ok("create", "--bundle", b.toString(), "--console-socket", sock.toString(), "tty1");
        ok("start", "tty1");
        String out = finish(rt);
        assertTrue(out.contains("hi-42"), out);
        assertTrue(out.contains("/dev/pts/0"), out);
    }

    @Test
    void execTtyWithConsoleSocket() throws Exception {
        Path b = bundle("tty2", List.of("sleep", "1000"));
        ok("create", "--bundle", b.toString(), "tty2");
        ok("start", "tty2");
        Path sock = work.resolve("c2.sock");
        Process rt = listen(sock, "");
        ok("exec", "-t", "-d", "--console-socket", sock.toString(), "tty2", "sh", "-c", "tty; echo done");
        String out = finish(rt);
        assertTrue(out.contains("/dev/pts/0"), out);
        assertTrue(out.contains("done"), out);
    }

    @Test
    void runWithTerminalAndNoConsoleSocketServesTheConsoleItself() throws Exception {
        Path b = bundle("tty3", List.of("sh", "-c", "tty; echo out-$((6*7)); exit 4"), Map.of("terminal", "true"),
                Map.of(), null);
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "tty3");
        assertEquals(4, r.code(), r::toString);
        assertTrue(r.out().contains("/dev/pts/0"), r::toString);
        assertTrue(r.out().contains("out-42"), r::toString);
    }

    @Test
    void foregroundExecTtyServesTheConsoleItself() throws Exception {
        Path b = bundle("tty4", List.of("sleep", "1000"));
        ok("create", "--bundle", b.toString(), "tty4");
        ok("start", "tty4");
        Jrun.Result r = jrun.run("exec", "-t", "tty4", "sh", "-c", "tty; exit 6");
        assertEquals(6, r.code(), r::toString);
        assertTrue(r.out().contains("/dev/pts/0"), r::toString);
    }
}
