package io.jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** `run/create --image … ID -- CMD ARGS`: both parsers read it alike, the plain one without declining. */
class ImageArgsTest {
    static Invocation plain(String... argv) {
        return PlainArgv.parse(Main.globalParams(), Main.COMMANDS, argv);
    }

    static Invocation picocli(String... argv) {
        return PicocliArgv.parse(Main.globalParams(), Main.COMMANDS, argv);
    }

    @Test
    void theCommandAfterDashDashIsPositionalInBothParsers() {
        String[][] argvs = {
            {"run", "--image", "/l:latest", "c1", "--", "sh", "-c", "echo -n x --y"},
            {"create", "--image", "/l", "--platform", "linux/arm64", "--store", "/s", "c1", "--", "uname", "-m"},
            {"run", "--image", "/l", "--reproducible", "--source-date-epoch", "1", "c1", "--", "--", "-x"},
            {"run", "--image", "/l", "c1", "--"},
        };
        for (String[] argv : argvs) {
            Invocation p = plain(argv);
            assertNotNull(p, String.join(" ", argv));
            Invocation q = picocli(argv);
            assertEquals(q.args().positionals, p.args().positionals, String.join(" ", argv));
            for (String o : List.of("--image", "--platform", "--store", "--source-date-epoch")) {
                assertEquals(q.args().str(o, null), p.args().str(o, null), o);
            }
        }
        assertEquals(List.of("c1", "sh", "-c", "echo -n x --y"), plain(argvs[0]).args().positionals);
    }

    @Test
    void imageFlagsAreCheckedTogether() {
        assertThrows(UsageError.class, () -> Commands.createRequest(plain("run", "--platform", "linux/arm64", "c1").args(), "run"));
        assertThrows(UsageError.class, () -> Commands.createRequest(plain("run", "c1", "extra").args(), "run"));
        assertThrows(UsageError.class, () -> Commands.createRequest(plain("run", "--image", "/l", "-b", "/b", "c1").args(), "run"));
        assertThrows(UsageError.class, () -> Commands.createRequest(
                plain("run", "--image", "/l", "--source-date-epoch", "5", "c1").args(), "run"));
        assertEquals(List.of("true"), Commands.createRequest(plain("run", "--image", "/l", "c1", "--", "true").args(), "run")
                .image().command());
    }
}
