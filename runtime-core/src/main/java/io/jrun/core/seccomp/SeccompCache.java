package io.jrun.core.seccomp;

import io.jrun.core.spec.Spec;
import io.jrun.seccomp.Arch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Compiled programs on disk, keyed by (canonical profile, arch, kernel release, compiler version). The file
 * name is a 64-bit FNV-1a hash of that key and the file stores the whole key beside the program, so an entry is
 * used only when its key matches byte for byte: a hash collision is a miss, never another profile's filter.
 * No cryptographic hash is needed for that, and MessageDigest's provider set-up cost ~10 ms of every create in
 * a cold JVM (docs/performance.md). Best effort: any I/O problem or a damaged file just means compiling again;
 * the cache never fails a container start.
 *
 * <p>Bounded: each distinct profile (every docker capability set, every kernel upgrade) adds an entry, so
 * storing one beyond {@link #MAX_ENTRIES} removes the oldest (by modification time: first stored, first out;
 * a hit does not touch the file, which would cost a write on every create). An evicted profile that is still
 * in use is compiled and stored again once.
 */
public final class SeccompCache {
    /** Bump when the compiler's output for the same input changes, so stale programs are never reused. */
    static final int COMPILER_VERSION = 1;
    private static final int MAGIC = 0x4a534331; // "JSC1": header, key, program
    private static final int HEADER = 16; // magic, flags, instruction count, key length
    /** Entries kept: ~20 KB each for docker's profile (key and program), so about 1.3 MB at most. */
    static final int MAX_ENTRIES = 64;
    /** A temp file this old was left by a writer that died between write and rename. */
    private static final long STALE_TMP_MS = 60_000;

    private final Path dir;
    private final int maxEntries;

    /** {@code dir} is typically {@code <root>/seccomp-cache/}; it is created on first store. */
    public SeccompCache(Path dir) {
        this(dir, MAX_ENTRIES);
    }

    SeccompCache(Path dir, int maxEntries) {
        this.dir = dir;
        this.maxEntries = maxEntries;
    }

    /** The host's filter for {@code s}, from the cache or compiled (and then stored). */
    public CompiledFilter getOrCompile(Spec.Seccomp s) {
        return getOrCompile(s, SeccompCompiler.nativeArch(), kernelRelease());
    }

    public CompiledFilter getOrCompile(Spec.Seccomp s, Arch arch, String kernelRelease) {
        byte[] key = key(s, arch, kernelRelease);
        Path file = dir.resolve(fileName(key));
        CompiledFilter cached = read(file, key);
        if (cached != null) return cached;
        CompiledFilter f = SeccompCompiler.compile(s, arch);
        if (write(file, key, f)) evict(file);
        return f;
    }

    static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.version", "");
        }
    }

    static byte[] key(Spec.Seccomp s, Arch arch, String kernelRelease) {
        return (canonical(s) + "\narch=" + arch.scmpName() + "\nkernel=" + kernelRelease + "\ncompiler=" + COMPILER_VERSION)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** 16 hex digits of the key's FNV-1a 64-bit hash, then ".bpf". */
    static String fileName(byte[] key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        String hex = Long.toHexString(h);
        return "0".repeat(16 - hex.length()) + hex + ".bpf";
    }

    /**
     * A byte form in which every field of the profile has one fixed place, so equal profiles hash equally
     * whatever JSON formatting or key order they came from. Strings are length-prefixed: no two profiles
     * share an encoding.
     */
    static String canonical(Spec.Seccomp s) {
        StringBuilder b = new StringBuilder(4096);
        str(b, s.defaultAction());
        num(b, s.defaultErrnoRet());
        strs(b, s.architectures());
        strs(b, s.flags());
        str(b, s.listenerPath());
        str(b, s.listenerMetadata());
        List<Spec.SyscallRule> rules = s.syscalls() == null ? List.of() : s.syscalls();
        b.append('R').append(rules.size()).append(';');
        for (Spec.SyscallRule r : rules) {
            strs(b, r.names());
            str(b, r.action());
            num(b, r.errnoRet());
            List<Spec.SyscallArg> args = r.args() == null ? List.of() : r.args();
            b.append('A').append(args.size()).append(';');
            for (Spec.SyscallArg a : args) {
                b.append(a.index()).append(',').append(Long.toUnsignedString(a.value())).append(',')
                        .append(Long.toUnsignedString(a.valueTwo())).append(',');
                str(b, a.op());
            }
        }
        return b.toString();
    }

    private static void str(StringBuilder b, String s) {
        if (s == null) b.append("-;");
        else b.append(s.length()).append(':').append(s).append(';');
    }

    private static void num(StringBuilder b, Long n) {
        b.append(n == null ? "-" : n.toString()).append(';');
    }

    private static void strs(StringBuilder b, List<String> l) {
        if (l == null) {
            b.append("L-;");
            return;
        }
        b.append('L').append(l.size()).append(';');
        for (String s : l) str(b, s);
    }

    private static CompiledFilter read(Path file, byte[] key) {
        try {
            byte[] data = Files.readAllBytes(file);
            if (data.length < HEADER) return null;
            ByteBuffer bb = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            if (bb.getInt() != MAGIC) return null;
            int flags = bb.getInt();
            int n = bb.getInt();
            int keyLength = bb.getInt();
            if (keyLength != key.length || n <= 0 || n > SeccompCompiler.BPF_MAXINSNS
                    || data.length != HEADER + keyLength + 8 * n) {
                return null;
            }
            if (!Arrays.equals(data, HEADER, HEADER + keyLength, key, 0, keyLength)) return null;
            byte[] prog = Arrays.copyOfRange(data, HEADER + keyLength, data.length);
            return new CompiledFilter(prog, n, flags);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Stores the entry; false when it could not (best effort). */
    private static boolean write(Path file, byte[] key, CompiledFilter f) {
        Path tmp = null;
        try {
            Files.createDirectories(dir(file));
            ByteBuffer bb = ByteBuffer.allocate(HEADER + key.length + f.program().length).order(ByteOrder.LITTLE_ENDIAN);
            bb.putInt(MAGIC).putInt(f.flags()).putInt(f.instructionCount()).putInt(key.length).put(key).put(f.program());
            // A name of our own, not Files.createTempFile: that initialises SecureRandom (~30 JDK classes in
            // every call's AOT cache). CREATE_NEW: a concurrent writer with the same name just skips the store.
            Path name = dir(file).resolve(".tmp-" + file.getFileName() + "-" + System.nanoTime());
            Files.write(name, bb.array(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            tmp = name; // ours from here on: removed below if the rename fails
            // readers see the old file or the whole new one, never a partial write
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            return true;
        } catch (IOException | RuntimeException e) {
            // best effort: a read-only or full root only costs a recompile next time
            return false;
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
        }
    }

    /**
     * Removes the oldest entries beyond {@link #maxEntries}, never {@code keep} (just stored), and temp files
     * left by dead writers. Runs after a store only, so a hit costs no directory listing. Concurrent jruns may
     * evict the same files: a file already gone is fine, and a reader of a removed entry just compiles again.
     */
    private void evict(Path keep) {
        record Entry(Path path, long mtime) {}
        List<Entry> entries = new ArrayList<>();
        long now = System.currentTimeMillis();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir(keep))) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                long mtime = Files.getLastModifiedTime(p).toMillis();
                if (name.startsWith(".tmp-") && now - mtime > STALE_TMP_MS) Files.deleteIfExists(p);
                else if (name.endsWith(".bpf") && !p.equals(keep)) entries.add(new Entry(p, mtime));
            }
            int excess = entries.size() + 1 - maxEntries;
            if (excess <= 0) return;
            entries.sort(Comparator.comparingLong(Entry::mtime).thenComparing(e -> e.path().getFileName().toString()));
            for (int i = 0; i < excess; i++) Files.deleteIfExists(entries.get(i).path());
        } catch (IOException | RuntimeException e) {
            // best effort, like the store: another jrun removed a file while we listed, or the root is read-only
        }
    }

    private static Path dir(Path file) {
        return file.getParent();
    }
}
