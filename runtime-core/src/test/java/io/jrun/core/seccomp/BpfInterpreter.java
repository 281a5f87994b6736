package io.jrun.core.seccomp;

/**
 * A classic-BPF interpreter for seccomp programs (test scope), written from linux/filter.h semantics: it
 * runs a program over one struct seccomp_data and returns the SECCOMP_RET value. Like the kernel's checker
 * it refuses jumps out of the program and running off its end.
 */
final class BpfInterpreter {
    private final int[] code, jt, jf, k;
    private final boolean bigEndian;
    /** Instructions executed by the last {@link #run} call. */
    int steps;

    BpfInterpreter(byte[] program, boolean bigEndian) {
        int n = program.length / 8;
        code = new int[n];
        jt = new int[n];
        jf = new int[n];
        k = new int[n];
        for (int i = 0; i < n; i++) {
            int o = i * 8;
            code[i] = (program[o] & 0xff) | (program[o + 1] & 0xff) << 8;
            jt[i] = program[o + 2] & 0xff;
            jf[i] = program[o + 3] & 0xff;
            k[i] = (program[o + 4] & 0xff) | (program[o + 5] & 0xff) << 8 | (program[o + 6] & 0xff) << 16 | (program[o + 7] & 0xff) << 24;
        }
        this.bigEndian = bigEndian;
    }

    static BpfInterpreter of(CompiledFilter f, boolean bigEndian) {
        return new BpfInterpreter(f.program(), bigEndian);
    }

    int length() { return code.length; }

    /** struct seccomp_data { int nr; u32 arch; u64 instruction_pointer; u64 args[6]; } in the given byte order. */
    private int word(int off, int nr, int arch, long ip, long[] args) {
        if (off < 0 || off > 60 || (off & 3) != 0) throw new IllegalStateException("bad seccomp_data offset " + off);
        if (off == 0) return nr;
        if (off == 4) return arch;
        long v = off < 16 ? ip : args[(off - 16) / 8];
        boolean lowHalf = ((off & 4) == 0) != bigEndian;
        return lowHalf ? (int) v : (int) (v >>> 32);
    }

    int run(int nr, int arch, long ip, long[] args) {
        int a = 0, x = 0;
        int[] mem = new int[16];
        int pc = 0;
        steps = 0;
        while (true) {
            if (pc >= code.length) throw new IllegalStateException("ran off the end of the program");
            steps++;
            int c = code[pc], kk = k[pc];
            int cls = c & 0x07;
            switch (cls) {
                case 0x00 -> { // LD
                    int mode = c & 0xe0, size = c & 0x18;
                    if (size != 0x00) throw new IllegalStateException("only 32-bit loads exist in seccomp: " + Integer.toHexString(c));
                    a = switch (mode) {
                        case 0x20 -> word(kk, nr, arch, ip, args);
                        case 0x00 -> kk; // IMM
                        case 0x60 -> mem[kk];
                        case 0x80 -> 64; // LEN: sizeof(struct seccomp_data)
                        default -> throw new IllegalStateException("bad ld mode " + Integer.toHexString(c));
                    };
                    pc++;
                }
                case 0x01 -> { // LDX
                    int mode = c & 0xe0;
                    x = switch (mode) {
                        case 0x00 -> kk;
                        case 0x60 -> mem[kk];
                        case 0x80 -> 64;
                        default -> throw new IllegalStateException("bad ldx " + Integer.toHexString(c));
                    };
                    pc++;
                }
                case 0x02 -> { mem[kk] = a; pc++; }
                case 0x03 -> { mem[kk] = x; pc++; }
                case 0x04 -> { // ALU
                    int src = (c & 0x08) != 0 ? x : kk;
                    a = switch (c & 0xf0) {
                        case 0x00 -> a + src;
                        case 0x10 -> a - src;
                        case 0x20 -> a * src;
                        case 0x30 -> Integer.divideUnsigned(a, src);
                        case 0x40 -> a | src;
                        case 0x50 -> a & src;
                        case 0x60 -> a << src;
                        case 0x70 -> a >>> src;
                        case 0x80 -> -a;
                        case 0x90 -> Integer.remainderUnsigned(a, src);
                        case 0xa0 -> a ^ src;
                        default -> throw new IllegalStateException("bad alu " + Integer.toHexString(c));
                    };
                    pc++;
                }
                case 0x05 -> { // JMP
                    int op = c & 0xf0;
                    if (op == 0x00) {
                        pc = target(pc, Integer.toUnsignedLong(kk));
                        continue;
                    }
                    int src = (c & 0x08) != 0 ? x : kk;
                    boolean cond = switch (op) {
                        case 0x10 -> a == src;
                        case 0x20 -> Integer.compareUnsigned(a, src) > 0;
                        case 0x30 -> Integer.compareUnsigned(a, src) >= 0;
                        case 0x40 -> (a & src) != 0;
                        default -> throw new IllegalStateException("bad jmp " + Integer.toHexString(c));
                    };
                    pc = target(pc, cond ? jt[pc] : jf[pc]);
                }
                case 0x06 -> { // RET
                    return (c & 0x18) == 0x10 ? a : kk;
                }
                case 0x07 -> { // MISC
                    if ((c & 0xf8) == 0x00) x = a; // TAX
                    else a = x; // TXA
                    pc++;
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    private int target(int pc, long off) {
        long t = pc + 1 + off;
        if (t >= code.length) throw new IllegalStateException("jump out of the program at " + pc);
        return (int) t;
    }
}
