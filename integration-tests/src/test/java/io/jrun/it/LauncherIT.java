package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher (packaging/jrun.in) picks one of four AOT caches by subcommand: jrun-short.aot for state, start,
 * kill, delete and list, jrun-launch.aot for create, run and exec, jrun-control.aot for ps, events, pause,
 * resume and update, jrun.aot for the rest (docs/architecture.md
 * "Start-up"). Checked on the template with a
 * stand-in for java that prints the cache it was given, and on the installed files.
 */
class LauncherIT {
    @TempDir
    Path tmp;

    /** The -XX:AOTCache= file the launcher passes for {@code args}, or "none". */
    private String cacheFor(Path launcher, String... args) throws Exception {
        String out = output(launcher, null, args);
        for (String word : out.split("\\s+")) {
            if (word.startsWith("-XX:AOTCache=")) return Path.of(word.substring("-XX:AOTCache=".length())).getFileName().toString();
        }
        return "none";
    }

    /** What the launcher's command line prints (the fake java and jrun-door echo theirs), JRUN_DAEMON as given. */
    private String output(Path launcher, String daemon, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JRUN_DAEMON");
        if (daemon != null) pb.environment().put("JRUN_DAEMON", daemon);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private Path launcher(boolean withSmallCaches) throws IOException {
        Path lib = Files.createDirectories(tmp.resolve(withSmallCaches ? "lib-all" : "lib-full"));
        Files.writeString(lib.resolve("jrun.aot"), "");
        if (withSmallCaches) {
            Files.writeString(lib.resolve("jrun-short.aot"), "");
            Files.writeString(lib.resolve("jrun-launch.aot"), "");
            Files.writeString(lib.resolve("jrun-control.aot"), "");
        }
        Path java = tmp.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        String text = Files.readString(Path.of("../packaging/jrun.in"))
                .replace("@JAVA@", java.toString()).replace("@LIBDIR@", lib.toString()).replace("@CLASSPATH@", "x.jar");
        Path door = lib.resolve("jrun-door");
        Files.writeString(door, "#!/bin/sh\necho door \"$@\"\n");
        Files.setPosixFilePermissions(door, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path l = lib.resolve("jrun");
        Files.writeString(l, text);
        return l;
    }

    @Test
    void callsOnAnExistingContainerGetTheShortCache() throws Exception {
        Path l = launcher(true);
        for (String[] args : List.of(
                new String[] {"state", "c"}, new String[] {"start", "c"}, new String[] {"kill", "c", "KILL"},
                new String[] {"delete", "--force", "c"}, new String[] {"list"},
                new String[] {"--version"}, new String[] {},
                // containerd's shim and podman put global options first, with values
                new String[] {"--root", "/run/x", "--log", "/l.json", "--log-format", "json", "delete", "c"},
                new String[] {"--root=/run/x", "--debug", "state", "c"},
                new String[] {"--root", "create", "state", "c"})) { // "create" is --root's value here
            assertEquals("jrun-short.aot", cacheFor(l, args), String.join(" ", args));
        }
    }

    @Test
    void callsThatStartAProcessGetTheLaunchCache() throws Exception {
        Path l = launcher(true);
        for (String[] args : List.of(
                new String[] {"create", "--bundle", "b", "c"}, new String[] {"run", "c"}, new String[] {"exec", "c", "true"},
                new String[] {"--root", "/r", "--log", "/l", "--log-format=json", "create", "c"},
                new String[] {"--root", "state", "exec", "c", "ps"})) { // "state" is --root's value here
            assertEquals("jrun-launch.aot", cacheFor(l, args), String.join(" ", args));
        }
    }

    @Test
    void operatorsCallsOnARunningContainerGetTheControlCache() throws Exception {
        Path l = launcher(true);
        for (String[] args : List.of(
                new String[] {"ps", "c"}, new String[] {"events", "--stats", "c"}, new String[] {"pause", "c"},
                new String[] {"resume", "c"}, new String[] {"update", "-r", "-", "c"},
                new String[] {"--root", "/r", "--log", "/l", "update", "c"})) {
            assertEquals("jrun-control.aot", cacheFor(l, args), String.join(" ", args));
        }
    }

    @Test
    void everythingElseGetsTheFullCache() throws Exception {
        Path l = launcher(true);
        for (String[] args : List.of(
                new String[] {"spec"}, new String[] {"features"}, new String[] {"--help"},
                new String[] {"no-such-command"})) {
            assertEquals("jrun.aot", cacheFor(l, args), String.join(" ", args));
        }
    }

    /** The launcher is the one-JVM path only: whatever JRUN_DAEMON says, it runs the JVM (the front door chose). */
    @Test
    void theLauncherAlwaysRunsTheJvm() throws Exception {
        Path l = launcher(true);
        for (String mode : new String[] {null, "on", "off", ""}) {
            String out = output(l, mode, "state", "c");
            assertTrue(out.contains("-Xint") && out.endsWith("io.jrun.cli.Main state c\n"), mode + ": " + out);
        }
    }

    /** The installed jrun is the front door (a link to LIBDIR/jrun-door); the launcher lives on as jrun-jvm. */
    @Test
    void theInstalledJrunIsTheFrontDoor() throws Exception {
        Path bin = Path.of(System.getProperty("jrun.bin", "/usr/local/bin/jrun"));
        Path target = bin.toRealPath();
        assertEquals("jrun-door", target.getFileName().toString(), bin + " -> " + target);
        assertTrue(Files.readString(target.resolveSibling("jrun-jvm")).contains("io.jrun.cli.Main"));
        ProcessBuilder pb = new ProcessBuilder(bin.toString(), "--debug", "--version").redirectErrorStream(true);
        pb.environment().put("JRUN_DAEMON", "off");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("jrun-door: fallback (own JVM): JRUN_DAEMON=off") && out.contains("jrun version"), out);
    }

    /** The engine's JVM lives long: it JIT-compiles, and the interpreted calls' caches are not for it. */
    @Test
    void theDaemonJitCompilesWithoutACache() throws Exception {
        String out = output(launcher(true), null, "daemon", "--socket", "/x");
        assertFalse(out.contains("-Xint"), out);
        assertFalse(out.contains("AOTCache"), out);
        assertTrue(out.endsWith("io.jrun.cli.Main daemon --socket /x\n"), out);
    }

    @Test
    void missingSmallCachesFallBackToTheFullOne() throws Exception {
        assertEquals("jrun.aot", cacheFor(launcher(false), "state", "c"));
        assertEquals("jrun.aot", cacheFor(launcher(false), "create", "c"));
        assertEquals("jrun.aot", cacheFor(launcher(false), "pause", "c"));
    }

    @Test
    void installBuiltEveryCache() {
        Path lib = Path.of(System.getProperty("jrun.bin", "/usr/local/bin/jrun")).toAbsolutePath().getParent()
                .resolveSibling("lib").resolve("jrun");
        assertTrue(Files.isRegularFile(lib.resolve("jrun.aot")), lib + "/jrun.aot");
        assertTrue(Files.isRegularFile(lib.resolve("jrun-short.aot")), lib + "/jrun-short.aot");
        assertTrue(Files.isRegularFile(lib.resolve("jrun-launch.aot")), lib + "/jrun-launch.aot");
        assertTrue(Files.isRegularFile(lib.resolve("jrun-control.aot")), lib + "/jrun-control.aot");
        assertTrue(Files.isExecutable(lib.resolve("runtime/bin/java")), lib + "/runtime/bin/java");
    }
}
