package io.jrun.core.seccomp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jrun.core.spec.Spec;
import io.jrun.seccomp.Arch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeccompCacheTest {
    @TempDir
    Path tmp;

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void storesAndReusesPrograms() throws Exception {
        Path dir = tmp.resolve("seccomp-cache");
        SeccompCache cache = new SeccompCache(dir);
        Spec.Seccomp s = SeccompProfiles.defaultFor(Set.of(), Arch.X86_64);
        CompiledFilter a = cache.getOrCompile(s, Arch.X86_64, "6.18.0");
        List<Path> stored = files(dir);
        assertEquals(1, stored.size());
        assertTrue(stored.getFirst().getFileName().toString().matches("[0-9a-f]{16}\\.bpf"));
        // a planted program under the same key is what comes back: proof the cache is read
        CompiledFilter other = SeccompCompiler.compile(new Spec.Seccomp("SCMP_ACT_ALLOW", null, null, null, null, null, List.of()), Arch.X86_64);
        byte[] planted = Files.readAllBytes(stored.getFirst());
        int headerAndKey = 16 + SeccompCache.key(s, Arch.X86_64, "6.18.0").length;
        byte[] fake = new byte[headerAndKey + other.program().length];
        System.arraycopy(planted, 0, fake, 0, headerAndKey);
        fake[8] = (byte) other.instructionCount();
        fake[9] = 0;
        System.arraycopy(other.program(), 0, fake, headerAndKey, other.program().length);
        Files.write(stored.getFirst(), fake);
        assertArrayEquals(other.program(), cache.getOrCompile(s, Arch.X86_64, "6.18.0").program());
        // an entry found under another key's file name (a hash collision) is a miss: compiled, never reused
        Files.write(dir.resolve(SeccompCache.fileName(SeccompCache.key(s, Arch.X86_64, "6.18.1"))), fake);
        assertArrayEquals(a.program(), cache.getOrCompile(s, Arch.X86_64, "6.18.1").program());
        Files.delete(dir.resolve(SeccompCache.fileName(SeccompCache.key(s, Arch.X86_64, "6.18.1"))));
        // restore a real entry and check a round trip
        Files.delete(stored.getFirst());
        CompiledFilter b = cache.getOrCompile(s, Arch.X86_64, "6.18.0");
        CompiledFilter c = cache.getOrCompile(s, Arch.X86_64, "6.18.0");
        assertArrayEquals(a.program(), b.program());
        assertArrayEquals(a.program(), c.program());
        assertEquals(a.flags(), c.flags());
        assertEquals(0, files(dir).stream().filter(p -> p.getFileName().toString().startsWith(".tmp")).count(), "no temp files left");
    }

    @Test
    void storingBeyondTheBoundRemovesTheOldestEntries() throws Exception {
        Path dir = tmp.resolve("bounded");
        SeccompCache cache = new SeccompCache(dir, 3);
        Spec.Seccomp s = SeccompProfiles.defaultFor(Set.of(), Arch.X86_64);
        long t0 = System.currentTimeMillis() - 100_000;
        for (int i = 1; i <= 3; i++) {
            cache.getOrCompile(s, Arch.X86_64, "k" + i);
            // explicit ages: k1 oldest; file systems with coarse timestamps would otherwise tie
            Files.setLastModifiedTime(entry(dir, s, "k" + i), FileTime.fromMillis(t0 + i * 1000L));
        }
        Path deadWriters = dir.resolve(".tmp-x.bpf-1");
        Files.write(deadWriters, new byte[] {1});
        Files.setLastModifiedTime(deadWriters, FileTime.fromMillis(t0));
        assertEquals(4, files(dir).size());
        cache.getOrCompile(s, Arch.X86_64, "k4");
        assertEquals(List.of("k2", "k3", "k4"), present(dir, s, "k1", "k2", "k3", "k4"));
        assertFalse(Files.exists(deadWriters), "a stale temp file is removed");
        cache.getOrCompile(s, Arch.X86_64, "k3"); // a hit: no store, no eviction
        assertEquals(List.of("k2", "k3", "k4"), present(dir, s, "k1", "k2", "k3", "k4"));
        cache.getOrCompile(s, Arch.X86_64, "k1"); // stored again: k2 is now the oldest
        assertEquals(List.of("k1", "k3", "k4"), present(dir, s, "k1", "k2", "k3", "k4"));
        assertEquals(3, files(dir).size());
    }

    @Test
    void theDefaultBoundIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("../docs/seccomp.md"));
        assertTrue(doc.contains(SeccompCache.MAX_ENTRIES + " entries"), "docs/seccomp.md states the bound");
    }

    private static Path entry(Path dir, Spec.Seccomp s, String kernel) {
        return dir.resolve(SeccompCache.fileName(SeccompCache.key(s, Arch.X86_64, kernel)));
    }

    private static List<String> present(Path dir, Spec.Seccomp s, String... kernels) {
        return Stream.of(kernels).filter(k -> Files.exists(entry(dir, s, k))).toList();
    }

    @Test
    void damagedEntriesAreRecompiled() throws Exception {
        Path dir = tmp.resolve("c");
        SeccompCache cache = new SeccompCache(dir);
        Spec.Seccomp s = SeccompProfiles.defaultFor(Set.of(), Arch.X86_64);
        CompiledFilter a = cache.getOrCompile(s, Arch.X86_64, "k");
        Path f = files(dir).getFirst();
        Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
        assertArrayEquals(a.program(), cache.getOrCompile(s, Arch.X86_64, "k").program());
    }

    @Test
    void keyCoversProfileArchAndKernel() {
        Spec.Seccomp s = SeccompProfiles.defaultFor(Set.of(), Arch.X86_64);
        Spec.Seccomp t = SeccompProfiles.defaultFor(Set.of("CAP_SYS_ADMIN"), Arch.X86_64);
        String k = new String(SeccompCache.key(s, Arch.X86_64, "6.1"));
        assertEquals(k, new String(SeccompCache.key(SeccompProfiles.defaultFor(Set.of(), Arch.X86_64), Arch.X86_64, "6.1")));
        assertNotEquals(k, new String(SeccompCache.key(t, Arch.X86_64, "6.1")));
        assertNotEquals(k, new String(SeccompCache.key(s, Arch.AARCH64, "6.1")));
        assertNotEquals(k, new String(SeccompCache.key(s, Arch.X86_64, "6.2")));
        // length-prefixed strings: moving a character between fields changes the key
        Spec.Seccomp u = new Spec.Seccomp("SCMP_ACT_ALLOW", null, List.of("ab", "c"), null, null, null, List.of());
        Spec.Seccomp v = new Spec.Seccomp("SCMP_ACT_ALLOW", null, List.of("a", "bc"), null, null, null, List.of());
        assertNotEquals(SeccompCache.fileName(SeccompCache.key(u, Arch.X86_64, "")),
                SeccompCache.fileName(SeccompCache.key(v, Arch.X86_64, "")));
    }

    @Test
    void unwritableDirectoryStillCompiles() throws Exception {
        Path file = tmp.resolve("not-a-dir");
        Files.writeString(file, "x");
        CompiledFilter f = new SeccompCache(file.resolve("sub")).getOrCompile(SeccompProfiles.defaultFor(Set.of(), Arch.X86_64), Arch.X86_64, "k");
        assertTrue(f.instructionCount() > 0);
    }
}
