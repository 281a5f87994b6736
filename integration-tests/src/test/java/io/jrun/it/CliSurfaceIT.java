package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Foundation issue: the CLI surface, error reporting, state store, spec and features. */
class CliSurfaceIT extends ItBase {

    static void assertValidJson(String json) throws Exception {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            while (p.nextToken() != null) {
                // reads every token: throws on malformed JSON
            }
        }
    }

    @Test
    void versionPrintsThreeLines() {
        String[] lines = ok("--version").out().split("\n");
        assertTrue(lines[0].startsWith("jrun version "), lines[0]);
        assertTrue(lines[1].startsWith("commit: "), lines[1]);
        assertTrue(lines[2].startsWith("spec: 1.2."), lines[2]);
        assertEquals(ok("-v").out(), ok("--version").out());
    }

    @Test
    void stateOfUnknownContainerFailsWithRuncWording() throws Exception {
        Path log = work.resolve("log.json");
        Jrun.Result r = jrun.run("--log", log.toString(), "--log-format", "json", "state", "nope");
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("container does not exist"), r::toString);
        assertEquals(1, r.err().strip().lines().count(), "one line on stderr: " + r.err());
        List<String> lines = Files.readAllLines(log);
        String last = lines.get(lines.size() - 1);
        assertValidJson(last);
        assertTrue(last.startsWith("{\"level\":\"error\",\"msg\":\"container does not exist\",\"time\":\""), last);
    }

    @Test
    void logFlagAcceptsEqualsForm() throws Exception {
        Path log = work.resolve("log.json");
        Jrun.Result r = jrun.run("--log=" + log, "--log-format=json", "state", "nope");
        assertEquals(1, r.code());
        assertTrue(Files.readString(log).contains("\"level\":\"error\""));
    }

    @Test
    void forceDeleteOfUnknownIdSucceedsTwice() {
        ok("delete", "--force", "nope");
        ok("delete", "--force", "nope");
        assertNotEquals(0, jrun.run("delete", "nope").code());
    }

    @Test
    void invalidIdsAreRejected() {
        for (String id : List.of("../evil", "a/b", "..")) {
            Jrun.Result r = jrun.run("state", id);
            assertNotEquals(0, r.code(), id);
        }
    }

    @Test
    void specWritesAParsableConfigAndRefusesToOverwrite() throws Exception {
        Path dir = Files.createDirectories(work.resolve("spec"));
        ok("spec", "--bundle", dir.toString());
        String json = Files.readString(dir.resolve("config.json"));
        assertValidJson(json);
        assertTrue(json.contains("\"ociVersion\""));
        assertTrue(json.contains("\"maskedPaths\""));
        Jrun.Result again = jrun.run("spec", "--bundle", dir.toString());
        assertNotEquals(0, again.code());
        assertTrue(again.err().contains("exists"), again::toString);
    }

    @Test
    void featuresIsValidJsonAndTruthful() throws Exception {
        String json = ok("features").out();
        assertValidJson(json);
        assertTrue(json.contains("\"ociVersionMax\": \"1.2"));
        assertTrue(json.contains("CAP_CHECKPOINT_RESTORE"));
    }

    @Test
    void listIsEmptyThenShowsContainers() throws Exception {
        assertEquals("[]", ok("list", "--format", "json").out().strip());
        assertTrue(ok("list").out().startsWith("ID"));
        assertEquals("", ok("list", "-q").out().strip());
    }

    @Test
    void malformedConfigFailsAndLeavesNothingBehind() throws Exception {
        Path b = bundle("bad", List.of("true"));
        Files.writeString(b.resolve("config.json"), "{\"ociVersion\": \"1.2.0\", \"process\": {\"args\": [\"true\"], \"cwd\": 5}");
        Jrun.Result r = jrun.run("create", "--bundle", b.toString(), "bad");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("config.json"), r::toString);
        assertFalse(Files.exists(jrun.root.resolve("bad")), "state dir left behind");
    }

    @Test
    void wrongTypeNamesThePathAndPosition() throws Exception {
        Path b = bundle("badtype", List.of("true"));
        String cfg = Files.readString(b.resolve("config.json")).replace("\"hostname\": \"jrun-it\"", "\"hostname\": 42");
        Files.writeString(b.resolve("config.json"), cfg);
        Jrun.Result r = jrun.run("create", "--bundle", b.toString(), "badtype");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("config.json: hostname: expected a string, found 42 (line"), r::toString);
        assertFalse(Files.exists(jrun.root.resolve("badtype")));
    }

    @Test
    void badSignalIsRejected() {
        Jrun.Result r = jrun.run("kill", "nope", "SIGFOO");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("invalid signal") || r.err().contains("does not exist"), r::toString);
    }

    @Test
    void unknownSubcommandAndFlagFail() {
        assertNotEquals(0, jrun.run("frobnicate").code());
        assertNotEquals(0, jrun.run("state", "--bogus", "x").code());
    }

    @Test
    void debugWritesDiagnosticsToTheLogFile() throws Exception {
        Path b = bundle("dbg", List.of("true"));
        Path log = work.resolve("debug.log");
        Jrun.Result r = jrun.run("--debug", "--log", log.toString(), "--log-format", "json", "create", "--bundle", b.toString(), "dbg");
        assertEquals(0, r.code(), r::toString);
        String text = Files.readString(log);
        assertTrue(text.contains("\"level\":\"DEBUG\"") && text.contains("container init"), text);
        for (String line : text.strip().split("\n")) assertValidJson(line);
        ok("delete", "--force", "dbg");
    }
}
