package io.jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void subcommandNameSkipsGlobalOptionsAndTheirValues() {
        assertEquals("state", PicocliArgv.subcommandName(Main.globalParams(), new String[] {"--root", "/x", "--debug", "state", "id"}));
        assertEquals("kill", PicocliArgv.subcommandName(Main.globalParams(), new String[] {"--root=/x", "--log", "f", "--log-format", "json", "kill"}));
        assertEquals("list", PicocliArgv.subcommandName(Main.globalParams(), new String[] {"--rootless", "true", "--criu", "c", "list"}));
        assertNull(PicocliArgv.subcommandName(Main.globalParams(), new String[] {"--root", "state"}));
        assertNull(PicocliArgv.subcommandName(Main.globalParams(), new String[] {"--version"}));
    }

    @Test
    void helpListsEveryCommandAndSubcommandHelpWorksWithOnlyThatModelBuilt() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true);
        assertEquals(0, Main.execute(new String[] {"--help"}, ps, ps));
        for (Subcommand c : Main.COMMANDS) assertTrue(out.toString().contains(c.name()), c.name());
        out.reset();
        assertEquals(0, Main.execute(new String[] {"kill", "--help"}, ps, ps));
        assertTrue(out.toString().contains("--all"), out.toString());
    }

    @Test
    void checkpointAndRestoreHelpListRuncsFlags() {
        // podman probes `checkpoint --help` and takes exit 0 for support: it is real now (docs/checkpoint.md)
        String[][] flags = {{"checkpoint", "--tcp-established", "--pre-dump", "--parent-path", "--manage-cgroups-mode"},
                {"restore", "--bundle", "--detach", "--tcp-established", "--lsm-mount-context"}};
        for (String[] f : flags) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream ps = new PrintStream(out, true);
            assertEquals(0, Main.execute(new String[] {"--root", "/nonexistent", f[0], "--help"}, ps, ps));
            for (int i = 1; i < f.length; i++) assertTrue(out.toString().contains(f[i]), f[0] + ": " + f[i]);
        }
    }

    @Test
    void unknownSubcommandIsStillAnError() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true);
        assertEquals(1, Main.execute(new String[] {"--root", "/nonexistent", "frobnicate"}, ps, ps));
        assertTrue(out.toString().contains("frobnicate"), out.toString());
    }
}
