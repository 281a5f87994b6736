package io.jrun.core.seccomp;

import io.jrun.core.spec.Spec;
import io.jrun.seccomp.Arch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * Compiled programs on disk, keyed by (canonical profile, arch, kernel release, compiler version). The file
 * name is a 64-bit FNV-1a hash of that key and the file stores the whole key beside the program, so an entry is
 * used only when its key matches byte for byte: a hash collision is a miss, never another profile's filter.
 * No cryptographic hash is needed for that, and MessageDigest's provider set-up cost ~10 ms of every create in
 * a cold JVM (docs/performance.md). Best effort: any I/O problem or a damaged file just means compiling again;
 * the cache never fails a container start.
 */
public final class SeccompCache {
    /** Bump when the compiler's output for the same input changes, so stale programs are never reused. */
    static final int COMPILER_VERSION = 1;
    private static final int MAGIC = 0x4a534331; // "JSC1": header, key, program
    private static final int HEADER = 16; // magic, flags, instruction count, key length

    private final Path dir;

    /** {@code dir} is typically {@code <root>/seccomp-cache/}; it is created on first store. */
    public SeccompCache(Path dir) {
        this.dir = dir;
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
        write(file, key, f);
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

    private static void write(Path file, byte[] key, CompiledFilter f) {
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
        } catch (IOException | RuntimeException e) {
            // best effort: a read-only or full root only costs a recompile next time
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

    private static Path dir(Path file) {
        return file.getParent();
    }
}
