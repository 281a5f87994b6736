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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Compiled programs on disk, keyed by SHA-256 of (canonical profile, arch, kernel release, compiler
 * version). Best effort: any I/O problem or a damaged file just means compiling again; the cache never fails
 * a container start.
 */
public final class SeccompCache {
    /** Bump when the compiler's output for the same input changes, so stale programs are never reused. */
    static final int COMPILER_VERSION = 1;
    private static final int MAGIC = 0x4a534330; // "JSC0"

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
        String key = key(s, arch, kernelRelease);
        Path file = dir.resolve(key + ".bpf");
        CompiledFilter cached = read(file);
        if (cached != null) return cached;
        CompiledFilter f = SeccompCompiler.compile(s, arch);
        write(file, f);
        return f;
    }

    static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.version", "");
        }
    }

    static String key(Spec.Seccomp s, Arch arch, String kernelRelease) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(canonical(s));
            md.update(("\narch=" + arch.scmpName() + "\nkernel=" + kernelRelease + "\ncompiler=" + COMPILER_VERSION)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A byte form in which every field of the profile has one fixed place, so equal profiles hash equally
     * whatever JSON formatting or key order they came from. Strings are length-prefixed: no two profiles
     * share an encoding.
     */
    static byte[] canonical(Spec.Seccomp s) {
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
        return b.toString().getBytes(StandardCharsets.UTF_8);
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

    private static CompiledFilter read(Path file) {
        try {
            byte[] data = Files.readAllBytes(file);
            if (data.length < 12) return null;
            ByteBuffer bb = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            if (bb.getInt() != MAGIC) return null;
            int flags = bb.getInt();
            int n = bb.getInt();
            if (n <= 0 || n > SeccompCompiler.BPF_MAXINSNS || data.length != 12 + 8 * n) return null;
            byte[] prog = new byte[8 * n];
            bb.get(prog);
            return new CompiledFilter(prog, n, flags);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void write(Path file, CompiledFilter f) {
        Path tmp = null;
        try {
            Files.createDirectories(dir(file));
            ByteBuffer bb = ByteBuffer.allocate(12 + f.program().length).order(ByteOrder.LITTLE_ENDIAN);
            bb.putInt(MAGIC).putInt(f.flags()).putInt(f.instructionCount()).put(f.program());
            tmp = Files.createTempFile(dir(file), ".tmp-", ".bpf");
            Files.write(tmp, bb.array());
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
