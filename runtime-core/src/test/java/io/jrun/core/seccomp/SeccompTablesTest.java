package io.jrun.core.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jrun.seccomp.Arch;
import org.junit.jupiter.api.Test;

/** The generated tables and arch constants against numbers fixed by the kernel ABI. */
class SeccompTablesTest {
    @Test
    void knownNumbers() {
        assertEquals(0, Arch.X86_64.table().number("read"));
        assertEquals(435, Arch.X86_64.table().number("clone3"));
        assertEquals(3, Arch.X86.table().number("read"));
        assertEquals(192, Arch.X86.table().number("mmap2"));
        assertEquals(0x40000000, Arch.X32.table().number("read"));
        assertEquals(0x40000000 + 512, Arch.X32.table().number("rt_sigaction"));
        assertEquals(56, Arch.AARCH64.table().number("openat"));
        assertEquals(63, Arch.RISCV64.table().number("read"));
        assertEquals(259, Arch.RISCV64.table().number("riscv_flush_icache"));
        assertEquals(0x0f0002, Arch.ARM.table().number("cacheflush"));
        assertEquals(322, Arch.ARM.table().number("openat"));
        assertEquals(288, Arch.S390X.table().number("openat"));
        assertEquals(286, Arch.PPC64LE.table().number("openat"));
        assertEquals(-1, Arch.AARCH64.table().number("open"), "arm64 has no open(2)");
        assertEquals(-1, Arch.X86_64.table().number("no_such_syscall"));
        assertEquals("openat", Arch.X86_64.table().name(257));
        assertNull(Arch.X86_64.table().name(100000));
    }

    @Test
    void auditArchConstants() {
        assertEquals(0xc000003e, Arch.X86_64.auditArch());
        assertEquals(0x40000003, Arch.X86.auditArch());
        assertEquals(0xc000003e, Arch.X32.auditArch());
        assertEquals(0xc00000b7, Arch.AARCH64.auditArch());
        assertEquals(0x40000028, Arch.ARM.auditArch());
        assertEquals(0xc00000f3, Arch.RISCV64.auditArch());
        assertEquals(0x80000016, Arch.S390X.auditArch());
        assertEquals(0xc0000015, Arch.PPC64LE.auditArch());
    }

    @Test
    void tablesAreSortedAndDense() {
        for (Arch a : Arch.values()) {
            assertTrue(a.table().size() > 250, a + " has " + a.table().size());
            for (int i = 1; i < a.table().size(); i++) {
                assertTrue(a.table().nameAt(i - 1).compareTo(a.table().nameAt(i)) < 0, a + " not sorted at " + i);
            }
            for (int i = 0; i < a.table().size(); i++) {
                long n = Integer.toUnsignedLong(a.table().numberAt(i));
                assertTrue(n >= a.nrStart() && n < a.nrEnd(), a + " " + a.table().nameAt(i) + " = " + n);
            }
        }
    }
}
