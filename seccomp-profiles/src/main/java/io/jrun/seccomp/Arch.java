package io.jrun.seccomp;

import io.jrun.seccomp.gen.SyscallsAarch64;
import io.jrun.seccomp.gen.SyscallsArm;
import io.jrun.seccomp.gen.SyscallsPpc64le;
import io.jrun.seccomp.gen.SyscallsRiscv64;
import io.jrun.seccomp.gen.SyscallsS390x;
import io.jrun.seccomp.gen.SyscallsX32;
import io.jrun.seccomp.gen.SyscallsX86;
import io.jrun.seccomp.gen.SyscallsX8664;
import java.util.List;

/**
 * The syscall ABIs jrun knows, with the facts a seccomp filter needs about each.
 *
 * <p>AUDIT_ARCH_* = ELF machine | __AUDIT_ARCH_64BIT (0x80000000) | __AUDIT_ARCH_LE (0x40000000), from
 * linux/audit.h and linux/elf-em.h. x32 has no audit arch of its own: the kernel reports AUDIT_ARCH_X86_64
 * and marks x32 calls with bit 30 of the syscall number (__X32_SYSCALL_BIT), so x86_64 owns numbers
 * [0, 0x40000000) and x32 owns [0x40000000, 2^32) of the same audit arch.
 */
public enum Arch {
    X86_64("SCMP_ARCH_X86_64", 0xc000003e, 0L, 0x4000_0000L, 0x4000_0000L, false, 64),
    X86("SCMP_ARCH_X86", 0x40000003, 0L, 1L << 32, 1L << 32, false, 32),
    X32("SCMP_ARCH_X32", 0xc000003e, 0x4000_0000L, 1L << 32, 1L << 32, false, 32),
    AARCH64("SCMP_ARCH_AARCH64", 0xc00000b7, 0L, 1L << 32, 1L << 32, false, 64),
    // ARM-private calls (cacheflush, set_tls, ...) live at 0x0f0000+; they must not raise the "newest known
    // syscall" mark used for ENOSYS, so the ordinary numbering ends there.
    ARM("SCMP_ARCH_ARM", 0x40000028, 0L, 1L << 32, 0x000f_0000L, false, 32),
    RISCV64("SCMP_ARCH_RISCV64", 0xc00000f3, 0L, 1L << 32, 1L << 32, false, 64),
    S390X("SCMP_ARCH_S390X", 0x80000016, 0L, 1L << 32, 1L << 32, true, 64),
    PPC64LE("SCMP_ARCH_PPC64LE", 0xc0000015, 0L, 1L << 32, 1L << 32, false, 64);

    private final String scmpName;
    private final int auditArch;
    private final long nrStart;
    private final long nrEnd;
    private final long ordinaryEnd;
    private final boolean bigEndian;
    private final int bits;
    private volatile SyscallTable table;

    Arch(String scmpName, int auditArch, long nrStart, long nrEnd, long ordinaryEnd, boolean bigEndian, int bits) {
        this.scmpName = scmpName;
        this.auditArch = auditArch;
        this.nrStart = nrStart;
        this.nrEnd = nrEnd;
        this.ordinaryEnd = ordinaryEnd;
        this.bigEndian = bigEndian;
        this.bits = bits;
    }

    /** The OCI / libseccomp name, e.g. {@code SCMP_ARCH_X86_64}. */
    public String scmpName() { return scmpName; }

    /** seccomp_data.arch for calls made through this ABI. */
    public int auditArch() { return auditArch; }

    /** First syscall number (unsigned, inclusive) this ABI owns within its audit arch. */
    public long nrStart() { return nrStart; }

    /** End (unsigned, exclusive) of the syscall numbers this ABI owns within its audit arch. */
    public long nrEnd() { return nrEnd; }

    /** End (exclusive) of the ordinary, growing syscall numbering (ARM-private calls sit above it). */
    public long ordinaryEnd() { return ordinaryEnd; }

    /** Byte order of seccomp_data when this is the kernel's native ABI. */
    public boolean bigEndian() { return bigEndian; }

    public int bits() { return bits; }

    /** ABIs a process on a kernel of this native arch can use (this one first). */
    public List<Arch> compatible() {
        return switch (this) {
            case X86_64 -> List.of(X86_64, X86, X32);
            case AARCH64 -> List.of(AARCH64, ARM);
            default -> List.of(this);
        };
    }

    /** Syscall table; each arch's generated class is loaded only when first asked for. */
    public SyscallTable table() {
        SyscallTable t = table;
        if (t == null) {
            t = switch (this) {
                case X86_64 -> new SyscallTable(this, SyscallsX8664.NAMES, SyscallsX8664.NUMBERS);
                case X86 -> new SyscallTable(this, SyscallsX86.NAMES, SyscallsX86.NUMBERS);
                case X32 -> new SyscallTable(this, SyscallsX32.NAMES, SyscallsX32.NUMBERS);
                case AARCH64 -> new SyscallTable(this, SyscallsAarch64.NAMES, SyscallsAarch64.NUMBERS);
                case ARM -> new SyscallTable(this, SyscallsArm.NAMES, SyscallsArm.NUMBERS);
                case RISCV64 -> new SyscallTable(this, SyscallsRiscv64.NAMES, SyscallsRiscv64.NUMBERS);
                case S390X -> new SyscallTable(this, SyscallsS390x.NAMES, SyscallsS390x.NUMBERS);
                case PPC64LE -> new SyscallTable(this, SyscallsPpc64le.NAMES, SyscallsPpc64le.NUMBERS);
            };
            table = t;
        }
        return t;
    }

    /** The arch for an OCI name, or null when jrun has no table for it. */
    public static Arch fromScmpName(String name) {
        for (Arch a : values()) {
            if (a.scmpName.equals(name)) return a;
        }
        return null;
    }

    /** The kernel ABI of the running JVM (os.arch), or null when jrun does not know it. */
    public static Arch nativeArch() {
        return fromOsArch(System.getProperty("os.arch", ""));
    }

    static Arch fromOsArch(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> X86_64;
            case "x86", "i386", "i486", "i586", "i686" -> X86;
            case "aarch64", "arm64" -> AARCH64;
            case "arm", "armv7l", "armhf" -> ARM;
            case "riscv64" -> RISCV64;
            case "s390x" -> S390X;
            case "ppc64le" -> PPC64LE;
            default -> null;
        };
    }
}
