package io.jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The argvs containerd's shim sends to checkpoint and restore (docs/checkpoint.md): go-runc's single-dash
 * "-no-subreaper" is the flag runc reads, and an argv that does not parse still reports in the --log file, the
 * only place the shim reads an error from.
 */
class ClientRestoreArgvTest {
    @Test
    void goRuncsRestoreArgvParsesWithNoSubreaperSet() {
        String[] argv = {"--root", "/r", "--log", "/b/log.json", "--log-format", "json", "restore", "--image-path", "/i",
            "--work-path", "/w", "--detach", "--pid-file", "/b/init.pid", "-no-subreaper", "--bundle", "/b", "ck1"};
        Invocation plain = PlainArgv.parse(Main.globalParams(), Main.COMMANDS, argv);
        assertNotNull(plain, "the shim's restore argv takes the plain path");
        assertTrue(plain.args().has("--no-subreaper"));
        assertTrue(plain.args().has("--detach"));
        assertEquals("ck1", plain.args().positionals.get(0));
        Invocation pico = PicocliArgv.parse(Main.globalParams(), Main.COMMANDS, argv);
        assertTrue(pico.args().has("--no-subreaper"));
        assertEquals("/b", pico.args().str("--bundle", null));
    }

    @Test
    void everyRecordedCheckpointAndRestoreCallParses() throws IOException {
        for (String line : Files.readAllLines(Path.of("src/test/resources/runtime-calls/containerd-ctr-checkpoint.argv"))) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] argv = line.strip().split("\\s+");
            assertNotNull(PlainArgv.parse(Main.globalParams(), Main.COMMANDS, argv), line);
        }
    }

    @Test
    void anArgvThatDoesNotParseStillWritesItsErrorToTheLog(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("log.json");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.execute(new String[] {"--root", dir.toString(), "--log", log.toString(), "--log-format=json",
            "restore", "--frobnicate", "ck1"}, new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, rc);
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertTrue(stderr.startsWith("jrun: ") && stderr.contains("--frobnicate"), stderr);
        String logged = Files.readString(log);
        assertTrue(logged.startsWith("{\"level\":\"error\",\"msg\":\"") && logged.contains("--frobnicate"), logged);
    }

    @Test
    void globalValueReadsOnlyTheOptionsBeforeTheSubcommand() {
        String[] argv = {"--debug", "--root=/r", "--log", "/l", "restore", "--log", "/x"};
        assertEquals("/l", Main.globalValue(argv, "--log"));
        assertEquals("/r", Main.globalValue(argv, "--root"));
        assertEquals(null, Main.globalValue(argv, "--log-format"));
        assertEquals("/m", Main.globalValue(new String[] {"--log=/m", "frob", "--x"}, "--log"));
    }
}
