package io.jrun.core.cgroup;

import io.jrun.core.spec.Spec;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles device rules to a {@code BPF_PROG_TYPE_CGROUP_DEVICE} eBPF program, the cgroup v2 replacement for
 * v1's devices.allow/devices.deny (cgroup-v2.rst "Device controller": "Device controller manages access to
 * device files ... implemented on top of cgroup BPF"). The kernel runs the program with a
 * {@code struct bpf_cgroup_dev_ctx {u32 access_type; u32 major; u32 minor;}} whose access_type holds the
 * device type (BPF_DEVCG_DEV_BLOCK 1, _CHAR 2) in its low 16 bits and the requested access
 * (BPF_DEVCG_ACC_MKNOD 1, _READ 2, _WRITE 4; an open for read and write asks for both) in its high 16 bits;
 * a return of 1 allows, 0 denies with EPERM.
 *
 * <p>Semantics, the same as the v1 controller when the rules are written in order after "deny a": the last
 * rule that matches a device decides each access bit, and what no rule covers is denied. A rule of type "a"
 * matches every device with every access (as "a" does in devices.allow/deny). The program walks the rules
 * from last to first, keeping the still-undecided requested bits in r3: a matching deny rule that covers an
 * undecided bit denies; a matching allow rule clears the bits it covers and allows once none is left.
 *
 * <p>Only these opcodes are emitted (the test interpreter implements exactly them): LDX_MEM_W (0x61),
 * ALU32 AND_K (0x54), ALU32 RSH_K (0x74), ALU64 MOV_X (0xbf), ALU64 MOV_K (0xb7), JMP32 JEQ_K (0x16),
 * JMP32 JNE_K (0x56), EXIT (0x95). JMP32 needs Linux 5.1.
 */
public final class DeviceFilterCompiler {
    private DeviceFilterCompiler() {}

    public static final int DEV_BLOCK = 1;
    public static final int DEV_CHAR = 2;
    public static final int ACC_MKNOD = 1;
    public static final int ACC_READ = 2;
    public static final int ACC_WRITE = 4;

    static final int LDX_MEM_W = 0x61;
    static final int ALU32_AND_K = 0x54;
    static final int ALU32_RSH_K = 0x74;
    static final int ALU64_MOV_X = 0xbf;
    static final int ALU64_MOV_K = 0xb7;
    static final int JMP32_JEQ_K = 0x16;
    static final int JMP32_JNE_K = 0x56;
    static final int EXIT = 0x95;

    /** Registers: r1 ctx, r2 type, r3 undecided access, r4 major, r5 minor, r6 scratch, r0 result. */
    private record Insn(int op, int dst, int src, int off, int imm) {}

    /**
     * The program for {@code rules} (already including {@link DefaultDevices#RULES} if wanted), as the
     * little-endian bytes of {@code struct bpf_insn[]}.
     *
     * @throws CgroupException naming linux.resources.devices[i] when a rule is malformed
     */
    public static byte[] compile(List<Spec.DeviceRule> rules) {
        List<Insn> prog = new ArrayList<>();
        prog.add(new Insn(LDX_MEM_W, 2, 1, 0, 0));
        prog.add(new Insn(ALU32_AND_K, 2, 0, 0, 0xffff));
        prog.add(new Insn(LDX_MEM_W, 3, 1, 0, 0));
        prog.add(new Insn(ALU32_RSH_K, 3, 0, 0, 16));
        prog.add(new Insn(LDX_MEM_W, 4, 1, 4, 0));
        prog.add(new Insn(LDX_MEM_W, 5, 1, 8, 0));
        for (int i = rules.size() - 1; i >= 0; i--) {
            prog.addAll(block(rules.get(i), i));
        }
        prog.add(new Insn(ALU64_MOV_K, 0, 0, 0, 0)); // nothing allowed every requested bit: deny
        prog.add(new Insn(EXIT, 0, 0, 0, 0));
        ByteArrayOutputStream out = new ByteArrayOutputStream(prog.size() * 8);
        for (Insn in : prog) {
            out.write(in.op());
            out.write((in.dst() & 0xf) | (in.src() & 0xf) << 4);
            out.write(in.off() & 0xff);
            out.write((in.off() >> 8) & 0xff);
            out.write(in.imm() & 0xff);
            out.write((in.imm() >> 8) & 0xff);
            out.write((in.imm() >> 16) & 0xff);
            out.write((in.imm() >>> 24) & 0xff);
        }
        return out.toByteArray();
    }

    /** Access bits of a rule ("rwm" letters); malformed access is an error naming the rule. */
    static int accessBits(Spec.DeviceRule r, int index) {
        String a = r.access();
        if (a == null || a.isEmpty()) {
            throw new CgroupException("linux.resources.devices[" + index + "].access: must not be empty");
        }
        int bits = 0;
        for (int i = 0; i < a.length(); i++) {
            switch (a.charAt(i)) {
                case 'r' -> bits |= ACC_READ;
                case 'w' -> bits |= ACC_WRITE;
                case 'm' -> bits |= ACC_MKNOD;
                default -> throw new CgroupException("linux.resources.devices[" + index + "].access: invalid \""
                        + a + "\" (letters r, w, m)");
            }
        }
        return bits;
    }

    /** 0 for "a" (any), else DEV_BLOCK / DEV_CHAR. */
    static int typeOf(Spec.DeviceRule r, int index) {
        String t = r.type();
        if (t == null || t.equals("a")) {
            return 0;
        }
        return switch (t) {
            case "b" -> DEV_BLOCK;
            case "c" -> DEV_CHAR;
            default -> throw new CgroupException("linux.resources.devices[" + index + "].type: invalid \"" + t
                    + "\" (a, b or c)");
        };
    }

    private static List<Insn> block(Spec.DeviceRule r, int index) {
        int type = typeOf(r, index);
        int access = type == 0 ? (ACC_MKNOD | ACC_READ | ACC_WRITE) : accessBits(r, index);
        if (type != 0) {
            checkNumber(r.major(), index, "major");
            checkNumber(r.minor(), index, "minor");
        }
        // Built with jump offsets counted to the end of the block (fixed up below).
        List<Insn> b = new ArrayList<>();
        List<Integer> jumps = new ArrayList<>();
        if (type != 0) {
            jumps.add(b.size());
            b.add(new Insn(JMP32_JNE_K, 2, 0, 0, type));
            if (r.major() != null && r.major() != -1) {
                jumps.add(b.size());
                b.add(new Insn(JMP32_JNE_K, 4, 0, 0, (int) (long) r.major()));
            }
            if (r.minor() != null && r.minor() != -1) {
                jumps.add(b.size());
                b.add(new Insn(JMP32_JNE_K, 5, 0, 0, (int) (long) r.minor()));
            }
        }
        b.add(new Insn(ALU64_MOV_X, 6, 3, 0, 0));
        b.add(new Insn(ALU32_AND_K, 6, 0, 0, access));
        jumps.add(b.size());
        b.add(new Insn(JMP32_JEQ_K, 6, 0, 0, 0)); // covers none of the undecided bits: not this rule
        if (r.allow()) {
            b.add(new Insn(ALU32_AND_K, 3, 0, 0, ~access));
            jumps.add(b.size());
            b.add(new Insn(JMP32_JNE_K, 3, 0, 0, 0)); // bits left for earlier rules to decide
            b.add(new Insn(ALU64_MOV_K, 0, 0, 0, 1));
        } else {
            b.add(new Insn(ALU64_MOV_K, 0, 0, 0, 0));
        }
        b.add(new Insn(EXIT, 0, 0, 0, 0));
        for (int j : jumps) {
            Insn in = b.get(j);
            b.set(j, new Insn(in.op(), in.dst(), in.src(), b.size() - (j + 1), in.imm()));
        }
        return b;
    }

    /** Only absent or -1 is the wildcard (runc's reading); SpecValidator refuses the rest first. */
    private static void checkNumber(Long v, int index, String field) {
        if (v != null && (v > 0xffffffffL || v < -1)) {
            throw new CgroupException("linux.resources.devices[" + index + "]." + field + ": " + v
                    + " out of range");
        }
    }
}
