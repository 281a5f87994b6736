package io.jrun.core.criu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jrun.core.JrunException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** criu's log to one sentence, runc's checkpoint flags to criu's options, and the checkpoint manifest. */
class CriuTest {
    @TempDir Path tmp;

    @Test
    void firstRealErrorOfADumpLog() {
        List<String> log = List.of(
                "(00.078765) Error (criu/util.c:1534): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted",
                "Error (criu/util.c:642): execvp(\"iptables-restore\", ...) failed: No such file or directory",
                "(00.334201) Error (criu/util.c:657): exited, status=1",
                "(00.094364) Error (criu/files-reg.c:1790): Can't lookup mount=23 for fd=0 path=/dev/null",
                "(00.094382) Error (criu/cr-dump.c:1545): Dump files (pid: 13301) failed with -1",
                "(00.098940) Error (criu/cr-dump.c:1975): Dumping FAILED.");
        assertEquals("Can't lookup mount=23 for fd=0 path=/dev/null", CriuLog.firstError(log, "exit status 1"));
    }

    @Test
    void restoreLogErrorWithPidPrefix() {
        List<String> log = List.of(
                "(00.437365)      1: Error (criu/mount.c:2955): mnt: Can't create a temporary directory: Read-only file system",
                "(00.447417) Error (criu/cr-restore.c:2331): Restoring FAILED.");
        assertEquals("mnt: Can't create a temporary directory: Read-only file system", CriuLog.firstError(log, "x"));
    }

    @Test
    void noErrorLineFallsBack() {
        assertEquals("exit status 134", CriuLog.firstError(List.of("(00.1) Dumping started"), "exit status 134"));
        assertEquals("exit status 1", CriuLog.reason(tmp.resolve("missing.log"), "exit status 1"));
    }

    @Test
    void runcFlagsToCriuOptions() {
        CriuArgs a = new CriuArgs("dump");
        CriuArgs.pageServer(a, "10.0.0.2:27");
        assertEquals(List.of("dump", "--page-server", "--address", "10.0.0.2", "--port", "27"), a.list());
        assertThrows(JrunException.class, () -> CriuArgs.pageServer(new CriuArgs("dump"), "10.0.0.2"));
        assertThrows(JrunException.class, () -> CriuArgs.pageServer(new CriuArgs("dump"), "host:http"));
        assertEquals("net", CriuArgs.emptyNs("network"));
        JrunException e = assertThrows(JrunException.class, () -> CriuArgs.emptyNs("pid"));
        assertTrue(e.getMessage().contains("--empty-ns"), e.getMessage());
        CriuArgs.checkManageCgroupsMode("strict");
        assertEquals("Invalid manage cgroups mode: bogus",
                assertThrows(JrunException.class, () -> CriuArgs.checkManageCgroupsMode("bogus")).getMessage());
    }

    @Test
    void parentPathIsRelativeToTheImages() throws IOException {
        Files.createDirectories(tmp.resolve("pre1"));
        Path images = tmp.resolve("final");
        assertEquals("../pre1", CriuArgs.parentPath(images, "../pre1"));
        assertEquals("../pre1", CriuArgs.parentPath(images, tmp.resolve("pre1").toString()));
        assertThrows(JrunException.class, () -> CriuArgs.parentPath(images, "../nope"));
    }

    @Test
    void manifestRoundTrip() {
        Manifest m = new Manifest(Map.of(0, "file[17:3]"), Map.of("/sys/fs/cgroup/cpu", "cpu",
                "/sys/fs/cgroup/systemd", "name=systemd"), List.of("/data"));
        m.write(tmp);
        Manifest back = Manifest.read(tmp);
        assertEquals(m.stdio(), back.stdio());
        assertEquals(m.cgroupMounts(), back.cgroupMounts());
        assertEquals(m.binds(), back.binds());
        JrunException e = assertThrows(JrunException.class, () -> Manifest.read(tmp.resolve("elsewhere")));
        assertTrue(e.getMessage().contains("has no jrun checkpoint"), e.getMessage());
    }

    @Test
    void explicitCriuThatDoesNotExist() {
        JrunException e = assertThrows(JrunException.class, () -> Criu.locate(tmp.resolve("criu").toString()));
        assertEquals("criu not found: " + tmp.resolve("criu") + " is not an executable file", e.getMessage());
        assertTrue(Criu.unavailable(tmp.resolve("criu").toString()).startsWith("no criu"));
    }
}
