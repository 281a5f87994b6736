package io.jrun.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jrun.core.JrunException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    @TempDir
    Path tmp;

    private static ContainerState sample(String id) {
        return new ContainerState("1.2.0", id, 42, 12345L, "/b", "/b/rootfs", "2026-11-22T00:00:00Z", "",
                Map.of("k", "v \"quoted\""), Map.of("memory", "/sys/fs/cgroup/memory/x"), true, "0.1.0", true);
    }

    @Test
    void rootIsCreatedPrivate() throws Exception {
        StateStore s = new StateStore(tmp.resolve("a/root"));
        s.ensureRoot();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.root())));
    }

    @Test
    void claimIsExclusive() {
        StateStore s = new StateStore(tmp.resolve("root"));
        s.claim("c1");
        JrunException e = assertThrows(JrunException.class, () -> s.claim("c1"));
        assertEquals("container with id c1 already exists", e.getMessage());
    }

    @Test
    void saveLoadRoundTrip() {
        StateStore s = new StateStore(tmp.resolve("root"));
        s.claim("c1");
        ContainerState st = sample("c1");
        s.save(st);
        assertEquals(st, s.load("c1"));
        assertTrue(s.exists("c1"));
        assertFalse(Files.exists(s.dir("c1").resolve("state.json.tmp")), "temp file renamed away");
    }

    @Test
    void awkwardStringsAndNullsSurviveTheHandWrittenJson() {
        StateStore s = new StateStore(tmp.resolve("root"));
        s.claim("c2");
        java.util.Map<String, String> ann = new java.util.LinkedHashMap<>();
        ann.put("q\"uote", "back\\slash\nnew line\ttab \u0001 \u00e9 \ud83d\ude00 </script>");
        ann.put("empty", "");
        ContainerState st = new ContainerState(null, "c2", 42, Long.MAX_VALUE, "/b\"x", "/r", "2026-01-01T00:00:00Z", "",
                ann, java.util.Map.of("memory", "/sys/fs/cgroup/memory/a b"), false, "0.1.0", false);
        s.save(st);
        assertEquals(st, s.load("c2"));
    }

    @Test
    void missingContainerHasRuncWording() {
        StateStore s = new StateStore(tmp.resolve("root"));
        assertEquals("container does not exist", assertThrows(JrunException.class, () -> s.load("nope")).getMessage());
        assertEquals("container does not exist", assertThrows(JrunException.class, () -> s.lock("nope")).getMessage());
    }

    @Test
    void idsListsOnlyContainersWithState() throws Exception {
        StateStore s = new StateStore(tmp.resolve("root"));
        s.claim("b");
        s.save(sample("b"));
        s.claim("a");
        s.save(sample("a"));
        s.claim("half"); // claimed, never saved: not a container yet
        Files.createDirectories(s.root().resolve("junk"));
        assertEquals(List.of("a", "b"), s.ids());
    }

    @Test
    void removeDeletesEverythingAndToleratesMissing() throws Exception {
        StateStore s = new StateStore(tmp.resolve("root"));
        s.claim("c1");
        s.save(sample("c1"));
        Files.writeString(s.dir("c1").resolve("exec.fifo"), "");
        try (StateStore.Lock l = s.lock("c1")) {
            assertTrue(l.lock().isValid());
        }
        s.remove("c1");
        assertFalse(Files.exists(s.dir("c1")));
        s.remove("c1");
    }

    @Test
    void aStateLargerThanLoadReadsIsNeverWritten() throws Exception {
        StateStore s = new StateStore(tmp.resolve("root"));
        s.claim("big");
        // 2 M backspaces: ~4 MB in config.json ("\\b"), 12 MB as state.json writes them ("\\u0008")
        ContainerState st = new ContainerState("1.2.0", "big", 0, 0, "/b", "/r", "t", "",
                Map.of("x", "\b".repeat(2_000_000)), Map.of(), true, "0.1.0", true);
        JrunException e = assertThrows(JrunException.class, () -> s.save(st));
        assertTrue(e.getMessage().startsWith("config.json: annotations: too large: the container's state would be "
                + "12000"), e.getMessage());
        assertFalse(Files.exists(s.dir("big").resolve("state.json")));
        // and a state.json above the bound (written by hand) is an error, not an OutOfMemoryError
        Files.write(s.dir("big").resolve("state.json"), new byte[(8 << 20) + 1]);
        e = assertThrows(JrunException.class, () -> s.load("big"));
        assertTrue(e.getMessage().endsWith("state.json: corrupt state file: is larger than the limit of 8388608 bytes"),
                e.getMessage());
    }

    @Test
    void corruptStateIsReportedWithThePath() throws Exception {
        StateStore s = new StateStore(tmp.resolve("root"));
        s.claim("c1");
        Files.writeString(s.dir("c1").resolve("state.json"), "{not json");
        JrunException e = assertThrows(JrunException.class, () -> s.load("c1"));
        assertTrue(e.getMessage().contains("state.json: corrupt state file"), e.getMessage());
    }

    @Test
    void permissionsParseAsPosixFilePermissionsDoes() {
        for (int mode = 0; mode < 512; mode++) {
            StringBuilder rwx = new StringBuilder();
            for (int bit = 8; bit >= 0; bit--) rwx.append((mode >> bit & 1) == 0 ? '-' : "rwx".charAt((8 - bit) % 3));
            String s = rwx.toString();
            assertEquals(PosixFilePermissions.fromString(s), StateStore.permissions(s), s);
        }
        for (String bad : new String[] {"", "rwx", "rwxrwxrwxr", "wrxrwxrwx", "rwxrwxrw?"}) {
            assertThrows(IllegalArgumentException.class, () -> PosixFilePermissions.fromString(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> StateStore.permissions(bad), bad);
        }
    }

    @Test
    void claimCreatesTheDirectoryOnce() throws Exception {
        StateStore s = new StateStore(tmp.resolve("root"));
        Path d = s.claim("c1");
        assertTrue(Files.isDirectory(d));
        assertThrows(JrunException.class, () -> s.claim("c1"));
    }
}
