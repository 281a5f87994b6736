package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `run/create --image` through the installed jrun (docs/images.md), on an OCI layout the test builds from
 * Debian's busybox-static for amd64 and arm64 (integration-tests/images): native and emulated runs, changes
 * vanishing with the container, a shared and unchanged layer store, image ls/rm/prune, hostile layers.
 */
class ImageIT extends ItBase {
    static final Path IMAGES = Path.of(System.getProperty("user.dir")).resolveSibling("integration-tests").resolve("images");
    static Path dir;
    static Path layout;
    static String amd64Busybox;

    @BeforeAll
    static void buildLayout() throws Exception {
        dir = Files.createTempDirectory("jrun-image-it");
        Jrun.Result bb = Jrun.exec(null, List.of("sh", IMAGES.resolve("get-busybox.sh").toString()));
        assertEquals(0, bb.code(), () -> "get-busybox.sh: " + bb);
        String[] paths = bb.out().trim().split(" ");
        amd64Busybox = paths[0];
        layout = dir.resolve("busybox");
        py("busybox", layout.toString(), paths[0], paths[1]);
        // binfmt_misc handlers as Debian registers them (F flag); harmless when already enabled or unavailable
        Jrun.exec(null, List.of("sh", "-c", "command -v update-binfmts >/dev/null && update-binfmts --enable qemu-aarch64"));
    }

    @AfterAll
    static void removeLayout() throws IOException {
        deleteTree(dir);
    }

    @AfterEach
    void removeDefaultCgroupParent() throws IOException {
        // image containers take jrun's default cgroupsPath, /jrun/<id>; the parent goes once empty
        removeIfEmpty("jrun");
    }

    static void py(String... args) {
        List<String> cmd = new ArrayList<>(List.of("python3", IMAGES.resolve("mk-layout.py").toString()));
        cmd.addAll(List.of(args));
        Jrun.Result r = Jrun.exec(null, cmd);
        assertEquals(0, r.code(), () -> "mk-layout.py " + String.join(" ", args) + ": " + r);
    }

    /** Container ids unique to this run: an image's default cgroupsPath, /jrun/ID, is host-wide. */
    final String run = java.util.UUID.randomUUID().toString().substring(0, 8);

    String id(String name) {
        return "img-" + name + "-" + run;
    }

    Path store() {
        return work.resolve("store");
    }

    Jrun.Result image(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add(1, "--store");
        a.add(2, store().toString());
        return jrun.run(a.toArray(new String[0]));
    }

    /** Every path, type, mode, owner and content hash under layers/: what the store holds. */
    String snapshot() throws Exception {
        StringBuilder b = new StringBuilder();
        Path layers = store().resolve("layers");
        try (Stream<Path> s = Files.walk(layers)) {
            for (Path p : s.sorted().toList()) {
                if (p.toString().contains("/users")) continue; // who uses a layer, not its content
                b.append(layers.relativize(p)).append(' ')
                        .append(Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS)).append(' ')
                        .append(Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS));
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    b.append(' ').append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    @Test
    void runsTheImageNativelyWithItsLayersAndConfigAndChangesVanish() throws Exception {
        String script = "uname -m; cat /etc/motd; test -e /etc/removed-later || echo whiteout-ok; ls /etc/opaque;"
                + " echo var=$IMAGE_VAR; echo written > /written; cat /written; grep ' / / ' /proc/self/mountinfo";
        Jrun.Result r = image("run", "--image", layout + ":latest", id("c1"), "--", "sh", "-c", script);
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("x86_64"), r::toString);
        assertTrue(r.out().contains("from layer 2"), r::toString);
        assertTrue(r.out().contains("whiteout-ok"), r::toString);
        assertTrue(r.out().contains("new") && !r.out().contains("old"), () -> "opaque dir: " + r);
        assertTrue(r.out().contains("var=from-the-image"), r::toString);
        assertTrue(r.out().contains("overlay overlay"), () -> "root is not an overlay: " + r);
        String before = snapshot();
        assertFalse(before.contains("written"), "the container's file is in the layer store");
        // the image's own Cmd, a second container of the same image: the store is reused and unchanged
        Jrun.Result again = image("run", "--image", layout + ":latest", id("c2"));
        assertEquals(0, again.code(), again::toString);
        assertEquals("hello from the image", again.out().trim());
        assertEquals(before, snapshot());
        Jrun.Result gone = image("run", "--image", layout + ":latest", id("c3"), "--", "cat", "/written");
        assertNotEquals(0, gone.code(), "a file written in a deleted container is still there: " + gone);
        assertFalse(Files.exists(jrun.root.resolve(id("c1"))), "state dir left behind");
    }

    @Test
    void containersShareLayersAndInUseLayersAreKept() throws Exception {
        assertEquals(0, image("create", "--image", layout + ":latest", id("a")).code());
        assertEquals(0, image("create", "--image", layout + ":latest", id("b"), "--", "sleep", "1").code());
        // the generated bundle is the state dir: config.json with the image's process and annotations
        String cfg = Files.readString(jrun.root.resolve(id("b")).resolve("config.json"));
        assertTrue(cfg.contains("\"sleep\"") && cfg.contains("org.opencontainers.image.stopSignal")
                && cfg.contains("org.example.test") && cfg.contains("IMAGE_VAR=from-the-image"), cfg);
        assertTrue(ok("state", id("b")).out().contains(jrun.root.resolve(id("b")).toString()));
        List<String> ls = image("image", "ls").out().lines().skip(1).toList();
        assertEquals(2, ls.size(), () -> "layers: " + ls);
        for (String l : ls) assertTrue(l.trim().endsWith(" 2"), () -> "not shared by both containers: " + ls);
        String digest = ls.get(0).split("\\s+")[0];
        Jrun.Result rm = image("image", "rm", digest);
        assertNotEquals(0, rm.code());
        assertTrue(rm.err().contains("is in use"), rm::toString);
        assertEquals(0, image("image", "prune").out().length(), "prune removed layers in use");
        ok("delete", id("a"));
        ok("delete", id("b"));
        assertEquals(0, image("image", "rm", digest).code());
        assertEquals(1, image("image", "prune").out().lines().count());
        assertEquals(0, image("image", "ls", "-q").out().length());
    }

    @Test
    void arm64RunsUnderEmulationOrSaysWhatIsMissing() {
        Jrun.Result r = image("run", "--image", layout + ":latest", "--platform", "linux/arm64", id("e"), "--", "uname", "-m");
        if (Files.exists(Path.of("/proc/sys/fs/binfmt_misc/qemu-aarch64"))) {
            assertEquals(0, r.code(), r::toString);
            assertEquals("aarch64", r.out().trim());
        } else {
            assertEquals(1, r.code(), r::toString);
            assertTrue(r.err().contains("binfmt_misc"), r::toString);
        }
        Jrun.Result none = image("run", "--image", layout + ":latest", "--platform", "linux/s390x", id("f"));
        assertEquals(1, none.code());
        assertTrue(none.err().contains("no image for linux/s390x (the index offers linux/amd64, linux/arm64)"), none::toString);
    }

    @Test
    void theImagesUserIsResolvedInItsPasswdAndGroup() {
        Jrun.Result r = image("run", "--image", layout + ":builder", id("u"), "--", "sh", "-c", "id; pwd; echo $HOME");
        assertEquals(0, r.code(), r::toString);
        assertEquals(List.of("uid=1000(builder) gid=1000(builder) groups=100(users)", "/home/builder",
                "/home/builder"), r.out().lines().toList());
    }

    @Test
    void ociArchiveRuns() {
        Path tar = work.resolve("busybox.tar");
        py("archive", layout.toString(), tar.toString());
        Jrun.Result r = image("run", "--image", tar + ":amd64-only", id("x"), "--", "cat", "/etc/motd");
        assertEquals(0, r.code(), r::toString);
        assertEquals("from layer 2", r.out().trim());
    }

    @Test
    void hostileLayersAreRefusedAndLeaveNothing() throws Exception {
        List<String> kinds = List.of("dotdot", "absolute", "symlink", "hardlink", "huge");
        py("hostile", String.join(",", kinds), work.resolve("hostile").toString(), amd64Busybox);
        for (String kind : kinds) {
            Path l = work.resolve("hostile").resolve(kind);
            Jrun.Result r = image("run", "--image", l.toString(), id("h"), "--", "true");
            assertEquals(1, r.code(), () -> kind + ": " + r);
            String want = kind.equals("huge") ? "free in the layer store" : "layer refused";
            assertTrue(r.err().contains(want), () -> kind + ": " + r);
            assertFalse(Files.exists(jrun.root.resolve(id("h"))), kind + ": state dir left");
            try (Stream<Path> s = Files.list(store().resolve("tmp"))) {
                assertEquals(0, s.count(), kind + ": half-unpacked layer left in tmp/");
            }
            // only the good base layer made it into the store
            assertEquals(1, image("image", "ls", "-q").out().lines().count(), kind);
        }
        assertFalse(Files.exists(Path.of("/escaped")) || Files.exists(Path.of("/tmp/escaped")), "a file escaped");
    }

    @Test
    void corruptBlobsAreRefusedByDigest() throws Exception {
        Path l = work.resolve("corrupt");
        Jrun.exec(null, List.of("cp", "-a", layout.toString(), l.toString()));
        // flip the last byte of the largest blob (the amd64 busybox layer), keeping its size
        Path big;
        try (Stream<Path> s = Files.list(l.resolve("blobs/sha256"))) {
            big = s.max((x, y) -> Long.compare(x.toFile().length(), y.toFile().length())).orElseThrow();
        }
        byte[] b = Files.readAllBytes(big);
        b[b.length / 2] ^= 1;
        Files.write(big, b);
        Jrun.Result r = image("run", "--image", l + ":amd64-only", id("d"), "--", "true");
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("does not match its digest") || r.err().contains("unpack layer"), r::toString);
        assertEquals(0, image("image", "ls", "-q").out().lines().filter(x -> big.getFileName().toString().equals(x.substring(7))).count());
    }

    @Test
    void concurrentRunsUnpackOneLayerOnce() throws Exception {
        CompletableFuture<Jrun.Result> a = CompletableFuture.supplyAsync(() -> image("run", "--image", layout + ":latest", id("p1")));
        CompletableFuture<Jrun.Result> b = CompletableFuture.supplyAsync(() -> image("run", "--image", layout + ":latest", id("p2")));
        assertEquals(0, a.get().code(), () -> a.join().toString());
        assertEquals(0, b.get().code(), () -> b.join().toString());
        assertEquals(2, image("image", "ls", "-q").out().lines().count());
        try (Stream<Path> s = Files.list(store().resolve("tmp"))) {
            assertEquals(0, s.count(), "the losing unpack was not cleaned up");
        }
    }

    @Test
    void reproDemoBuildsBitIdenticalInJrunAndDifferentOnTheHost() {
        Jrun.Result r = Jrun.exec(null, List.of("sh", IMAGES.resolve("repro-demo.sh").toString(), Jrun.BIN));
        assertEquals(0, r.code(), r::toString);
        List<String> hashes = r.out().lines().filter(l -> l.matches(".*run [12]: [0-9a-f]{64}")).map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
        assertEquals(4, hashes.size(), r::toString);
        assertEquals(hashes.get(0), hashes.get(1), "jrun's two builds differ");
        assertNotEquals(hashes.get(2), hashes.get(3), "the host's two builds are equal: the demo shows nothing");
        assertTrue(r.out().contains("host: jrun-build") && r.out().contains("built: 2024-01-02 03:04:05 UTC"), r::toString);
    }
}
