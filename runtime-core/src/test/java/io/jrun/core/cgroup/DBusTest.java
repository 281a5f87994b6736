package io.jrun.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The D-Bus client's marshalling, and a real exchange with a private dbus-daemon when the host has one. */
class DBusTest {
    @Test
    void marshalsAndReadsBackTheSystemdSignature() {
        DBus.Out out = new DBus.Out();
        List<Object> props = List.of(
                List.of("Description", new DBus.Variant("s", "jrun container c1")),
                List.of("PIDs", new DBus.Variant("au", List.of(42L))),
                List.of("Delegate", new DBus.Variant("b", true)),
                List.of("MemoryMax", new DBus.Variant("t", -1L)),
                List.of("AllowedCPUs", new DBus.Variant("ay", new byte[] {3})),
                List.of("DeviceAllow", new DBus.Variant("a(ss)", List.of(List.of("char-pts", "rwm")))));
        out.write("s", "jrun-c1.scope");
        out.write("a(sv)", props);
        out.write("a(sa(sv))", List.of());
        DBus.In in = new DBus.In(java.util.Arrays.copyOf(out.b, out.n), false);
        assertEquals("jrun-c1.scope", in.read("s"));
        List<?> back = (List<?>) in.read("a(sv)");
        assertEquals(6, back.size());
        assertEquals(List.of("Description", "jrun container c1"), back.get(0));
        assertEquals(List.of("PIDs", List.of(42L)), back.get(1));
        assertEquals(List.of("Delegate", true), back.get(2));
        assertEquals(List.of("MemoryMax", -1L), back.get(3));
        assertArrayEquals(new byte[] {3}, (byte[]) ((List<?>) back.get(4)).get(1));
        assertEquals(List.of("DeviceAllow", List.of(List.of("char-pts", "rwm"))), back.get(5));
        assertEquals(List.of(), in.read("a(sa(sv))"));
    }

    @Test
    void signatureEnds() {
        assertEquals(5, DBus.end("a(sv)s", 0));
        assertEquals(9, DBus.end("a(sa(sv))", 0));
        assertEquals(1, DBus.end("sb", 0));
    }

    @Test
    void talksToARealBus(@TempDir Path dir) throws Exception {
        Path daemon = Path.of("/usr/bin/dbus-daemon");
        assumeTrue(Files.isExecutable(daemon), "no dbus-daemon on this host");
        Path sock = dir.resolve("bus");
        Process p = new ProcessBuilder(daemon.toString(), "--session", "--nofork",
                "--address=unix:path=" + sock).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile())
                .start();
        try {
            for (int i = 0; i < 200 && !Files.exists(sock); i++) Thread.sleep(10);
            try (DBus bus = DBus.connect(sock)) {
                String id = (String) bus.call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                        "GetId", "").getFirst();
                assertEquals(32, id.length());
                List<?> names = (List<?>) bus.call("org.freedesktop.DBus", "/org/freedesktop/DBus",
                        "org.freedesktop.DBus", "ListNames", "").getFirst();
                assertTrue(names.contains("org.freedesktop.DBus"), names.toString());
                DBus.Error e = assertThrows(DBus.Error.class, () -> bus.call("org.freedesktop.systemd1",
                        "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "StopUnit", "ss", "x.scope",
                        "replace"));
                assertTrue(e.name.startsWith("org.freedesktop.DBus.Error."), e.name);
            }
        } finally {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
