package io.jrun.core.seccomp;

/**
 * A classic-BPF seccomp program ready for the helper's SECCOMP attribute.
 *
 * @param program          instructionCount × 8-byte struct sock_filter, little-endian (u16 code, u8 jt, u8 jf, u32 k),
 *                         as docs/helper-protocol.md fixes it
 * @param instructionCount number of instructions (≤ BPF_MAXINSNS)
 * @param flags            SECCOMP_FILTER_FLAG_* for seccomp(SECCOMP_SET_MODE_FILTER, flags, ...)
 */
public record CompiledFilter(byte[] program, int instructionCount, int flags) {
    public static final int FLAG_TSYNC = 1;
    public static final int FLAG_LOG = 2;
    public static final int FLAG_SPEC_ALLOW = 4;
    public static final int FLAG_NEW_LISTENER = 8;
    public static final int FLAG_TSYNC_ESRCH = 16;
    public static final int FLAG_WAIT_KILLABLE_RECV = 32;

    public CompiledFilter {
        if (program.length != instructionCount * 8) {
            throw new IllegalArgumentException("program is " + program.length + " bytes for " + instructionCount + " instructions");
        }
    }

    /** Whether loading returns a user-notification listener fd (some rule uses SCMP_ACT_NOTIFY). */
    public boolean needsListener() {
        return (flags & FLAG_NEW_LISTENER) != 0;
    }

    public int code(int i) { return (program[i * 8] & 0xff) | (program[i * 8 + 1] & 0xff) << 8; }

    public int jt(int i) { return program[i * 8 + 2] & 0xff; }

    public int jf(int i) { return program[i * 8 + 3] & 0xff; }

    public int k(int i) {
        int o = i * 8 + 4;
        return (program[o] & 0xff) | (program[o + 1] & 0xff) << 8 | (program[o + 2] & 0xff) << 16 | (program[o + 3] & 0xff) << 24;
    }
}
