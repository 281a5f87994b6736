package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Common set-up: a private state root, bundles in a temp dir, and containers' cgroups under
 * {@code /jrun-test/<run>}; after each test every container is force-deleted and every cgroup directory
 * the test created is removed.
 */
abstract class ItBase {
    protected Path work;
    protected Jrun jrun;
    protected String cgroupParent;

    @BeforeEach
    void setUpBase() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "integration tests need root");
        assumeTrue(Files.isExecutable(Path.of(Jrun.BIN)) || !Jrun.BIN.startsWith("/"), "runtime not installed: " + Jrun.BIN);
        work = Files.createTempDirectory("jrun-it");
        jrun = new Jrun(work.resolve("state"));
        cgroupParent = newTestCgroupParent();
    }

    @AfterEach
    void tearDownBase() throws IOException {
        if (jrun == null) return;
        Path state = jrun.root;
        if (Files.isDirectory(state)) {
            try (Stream<Path> s = Files.list(state)) {
                for (Path c : s.toList()) jrun.run("delete", "--force", c.getFileName().toString());
            }
        }
        removeTestCgroups(cgroupParent);
        deleteTree(work);
    }

    /** A fresh cgroup parent under the tests' own {@code /jrun-test}, for {@link #removeTestCgroups}. */
    static String newTestCgroupParent() {
        return "/jrun-test/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Removes {@code parent} (a {@link #newTestCgroupParent}) and everything below it in every hierarchy, then
     * the shared {@code /jrun-test} itself, only once empty: a concurrent run's cgroups below it stay.
     */
    static void removeTestCgroups(String parent) throws IOException {
        removeCgroups(parent);
        removeIfEmpty("jrun-test");
    }

    /** rmdir the top-level cgroup {@code name} in every hierarchy where it is empty; another run's stay. */
    static void removeIfEmpty(String name) throws IOException {
        for (Path h : hierarchies()) {
            try {
                Files.deleteIfExists(h.resolve(name));
            } catch (IOException e) {
                // not empty (another run's containers) or not a cgroup hierarchy
            }
        }
    }

    /**
     * Where a cgroup path may live: each v1 (or hybrid) hierarchy under /sys/fs/cgroup, and /sys/fs/cgroup itself
     * for a pure v2 host. Whatever else the listing holds (child cgroups on v2) simply lacks the test's path.
     */
    private static List<Path> hierarchies() throws IOException {
        Path top = Path.of("/sys/fs/cgroup");
        try (Stream<Path> hier = Files.list(top)) {
            return Stream.concat(Stream.of(top), hier.filter(Files::isDirectory)).toList();
        }
    }

    /** rmdir the cgroup directory (and everything below it) in every hierarchy; missing is fine. */
    static void removeCgroups(String path) throws IOException {
        for (Path h : hierarchies()) {
            Path dir = Path.of(h + path);
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> w = Files.walk(dir)) {
                for (Path d : w.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                    try {
                        Files.delete(d);
                    } catch (IOException e) {
                        // a directory with other tests' cgroups, or not empty yet: left as is
                    }
                }
            } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
                // another test run removed a cgroup under /jrun-test while we walked it: nothing to do
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (p == null || !Files.exists(p)) return;
        try (Stream<Path> w = Files.walk(p)) {
            for (Path f : w.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }

    /** A busybox bundle whose process runs {@code args}. */
    protected Path bundle(String name, List<String> args) throws IOException {
        return bundle(name, args, Map.of(), Map.of(), null);
    }

    protected Path bundle(String name, List<String> args, Map<String, String> processExtra,
                          Map<String, String> linuxExtra, String topExtra) throws IOException {
        Path b = work.resolve(name);
        Files.createDirectories(b);
        Bundles.rootfs(b);
        Files.writeString(b.resolve("config.json"),
                Bundles.config(args, cgroupParent + "/" + name, processExtra, linuxExtra, topExtra));
        return b;
    }

    protected Jrun.Result ok(String... args) {
        Jrun.Result r = jrun.run(args);
        assertEquals(0, r.code(), () -> String.join(" ", args) + " failed: " + r);
        return r;
    }

    /** The "status" of `state ID`. */
    protected String status(String id) {
        String json = ok("state", id).out();
        int i = json.indexOf("\"status\": \"");
        return json.substring(i + 11, json.indexOf('"', i + 11));
    }

    protected int statePid(String id) {
        String json = ok("state", id).out();
        int i = json.indexOf("\"pid\": ");
        int end = i + 7;
        while (Character.isDigit(json.charAt(end))) end++;
        return Integer.parseInt(json.substring(i + 7, end));
    }

    /** Waits until the process no longer exists or is a zombie. */
    static boolean waitGone(int pid) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) return true;
            } catch (IOException e) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }
}
