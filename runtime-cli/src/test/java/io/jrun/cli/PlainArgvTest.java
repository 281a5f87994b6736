package io.jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * PlainArgv against picocli: every argv PlainArgv accepts must mean exactly what it means to picocli, and the
 * argvs the clients send must be accepted (else every call pays for picocli again).
 */
class PlainArgvTest {
    /**
     * The argvs of the runtime calls recorded from containerd's shim, docker and podman, one per line
     * (src/test/resources/runtime-calls/*.argv; docs/integration.md).
     */
    static List<String[]> recordedArgvs() throws IOException {
        Path dir = Path.of("src/test/resources/runtime-calls");
        List<String[]> argvs = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path log : files.sorted().toList()) {
                for (String line : Files.readAllLines(log)) {
                    String t = line.strip();
                    if (!t.isEmpty() && !t.startsWith("#")) argvs.add(t.split("\\s+"));
                }
            }
        }
        assertTrue(argvs.size() > 100, "recorded argvs in " + dir + ": " + argvs.size());
        return argvs;
    }

    private static final Set<String> LIFECYCLE = Set.of("create", "start", "state", "kill", "delete", "exec", "pause",
            "resume", "ps", "update");

    @Test
    void everyRecordedClientCallTakesThePlainPathAndMeansWhatItMeansToPicocli() throws IOException {
        int plain = 0;
        for (String[] argv : recordedArgvs()) {
            String sub = PicocliArgv.subcommandName(Main.globalParams(), argv);
            Invocation p = PlainArgv.parse(Main.globalParams(), Main.COMMANDS, argv);
            if (sub != null && LIFECYCLE.contains(sub)) {
                assertNotNull(p, String.join(" ", argv));
                plain++;
            }
            if (p != null) assertEquals(viaPicocli(argv), describe(p), String.join(" ", argv));
        }
        assertTrue(plain > 100, "lifecycle calls parsed: " + plain);
    }

    @Test
    void agreesWithPicocliOnTheFormsItAccepts() {
        String[][] argvs = {
            {"--root", "/r", "state", "c1"},
            {"--root=/r", "--log-format=json", "--log", "/l.json", "kill", "--all", "c1", "9"},
            {"--debug", "--systemd-cgroup", "--rootless", "true", "--criu", "/c", "delete", "c1", "--force"},
            {"delete", "-f", "c1"},
            {"create", "-b", "/b", "--pid-file=/p", "--preserve-fds", "007", "--no-pivot", "--no-new-keyring", "c1"},
            {"run", "-d", "--keep", "--no-subreaper", "--bundle", "/b", "c1"},
            {"exec", "-e", "A=B", "--env=C=D", "--env", "E", "-t", "--user", "1:2", "-g", "5", "--cap", "CAP_KILL",
                "--cwd", "/w", "c1", "sh", "-c", "echo -e x", "--help"},
            {"exec", "--process", "/p.json", "--detach", "--pid-file", "/e.pid", "--console-socket", "/s", "c1"},
            {"ps", "c1", "-ef"}, {"ps", "--format", "json", "c1"},
            {"exec", "c1", "--", "ls"}, {"exec", "c1", "sh", "--", "x"}, {"ps", "c1", "--", "-ef"},
            {"list", "-q"}, {"list", "--format", "json"},
            {"update", "--memory", "64m", "--pids-limit", "10", "c1"}, {"update", "--resources=/r.json", "c1"}, {"update", "-r", "-", "c1"},
            {"events", "--stats", "--interval", "1s", "c1"},
            {"spec", "--rootless", "-b", "/b"}, {"features"},
            {"state"}, {"start", ""}, {"--version"}, {"-v"}, {"--version", "state", "c1"},
        };
        for (String[] argv : argvs) {
            Invocation p = PlainArgv.parse(Main.globalParams(), Main.COMMANDS, argv);
            assertNotNull(p, String.join(" ", argv));
            assertEquals(viaPicocli(argv), describe(p), String.join(" ", argv));
        }
    }

    @Test
    void leavesToPicocliWhatOnlyPicocliCanSay() {
        String[][] argvs = {
            {}, {"--help"}, {"--debug"}, {"kill", "--help"}, {"state", "-h", "c1"},
            {"--root", "/a", "--root", "/b", "state", "c1"}, {"delete", "-f", "--force", "c1"},
            {"--root"}, {"--root", "state"}, {"--root=", "state", "c1"}, {"--debug=true", "state", "c1"},
            {"frobnicate", "c1"}, {"--frobnicate", "state", "c1"}, {"state", "--frobnicate", "c1"},
            {"state", "c1", "c2"}, {"kill", "c1", "9", "x"}, {"kill", "c1", "-9"}, {"delete", "--", "c1"},
            {"delete", "-fq", "c1"}, {"create", "--bundle", "--pid-file", "/p", "c1"},
            {"create", "--preserve-fds", "x", "c1"}, {"create", "--preserve-fds", "-1", "c1"},
            {"create", "--preserve-fds", "99999999999", "c1"}, {"create", "--bundle"}, {"update", "-r", "-x", "c1"},
            {"state", "-", "c1"},
        };
        for (String[] argv : argvs) {
            assertNull(PlainArgv.parse(Main.globalParams(), Main.COMMANDS, argv), String.join(" ", argv));
        }
    }

    /** What picocli makes of argv, in {@link #describe}'s form, or its error. */
    private static String viaPicocli(String[] argv) {
        try {
            return describe(PicocliArgv.parse(Main.globalParams(), Main.COMMANDS, argv));
        } catch (UsageError e) {
            return "error: " + e.getMessage();
        }
    }

    private static String describe(Invocation inv) {
        StringBuilder sb = new StringBuilder();
        describe(sb, inv.global());
        if (inv.command() != null) {
            sb.append(inv.command().name()).append(' ');
            describe(sb, inv.args());
        }
        return sb.toString();
    }

    private static void describe(StringBuilder sb, Parsed p) {
        for (Params.Option o : p.params.options) {
            if (p.given(o)) sb.append(o.names[0]).append('=').append(List.of(p.strs(o.names[0]))).append(' ');
        }
        sb.append(p.positionals).append(' ');
    }
}
