package io.jrun.sys;

import java.nio.charset.StandardCharsets;

/**
 * bpf(2) for cgroup v2 device programs ({@code BPF_PROG_TYPE_CGROUP_DEVICE}), implemented in
 * {@code src/main/c/jni/bpf_jni.c} inside libjrun.so. Every method loads the library first (through
 * {@link NativeSyscalls#instance()}), so only commands that manage v2 devices pay for it. Failures throw
 * {@link SyscallException}; a program the verifier rejects carries the verifier's log in the message.
 */
public final class NativeBpf {
    private NativeBpf() {}

    /** BPF_PROG_LOAD of {@code insns} (little-endian struct bpf_insn[]); returns the program fd (CLOEXEC). */
    public static int loadDeviceProgram(byte[] insns, String license) {
        NativeSyscalls.instance();
        return load0(insns, license.getBytes(StandardCharsets.US_ASCII));
    }

    /** BPF_PROG_ATTACH of {@code progFd} to the cgroup directory (BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI). */
    public static void attachDeviceProgram(String cgroupDir, int progFd) {
        NativeSyscalls.instance();
        attach0(path(cgroupDir), progFd);
    }

    /** BPF_PROG_QUERY: ids of the device programs attached to the cgroup itself (at most 64). */
    public static int[] queryDevicePrograms(String cgroupDir) {
        NativeSyscalls.instance();
        return query0(path(cgroupDir));
    }

    /** BPF_PROG_DETACH of the program with id {@code progId}; a program already gone is not an error. */
    public static void detachDeviceProgram(String cgroupDir, int progId) {
        NativeSyscalls.instance();
        detach0(path(cgroupDir), progId);
    }

    public static void close(int fd) {
        NativeSyscalls.instance();
        close0(fd);
    }

    private static byte[] path(String p) {
        if (p.indexOf('\0') >= 0) {
            throw new SyscallException("bpf", Errno.EINVAL, "bpf: Invalid argument (NUL character in path)");
        }
        return p.getBytes(StandardCharsets.UTF_8);
    }

    private static native int load0(byte[] insns, byte[] license);

    private static native void attach0(byte[] dir, int progFd);

    private static native int[] query0(byte[] dir);

    private static native void detach0(byte[] dir, int progId);

    private static native void close0(int fd);
}
