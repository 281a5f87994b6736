package io.jrun.core.launch;

import io.jrun.core.JrunException;
import io.jrun.sys.Errno;
import io.jrun.sys.SyscallException;
import io.jrun.sys.Syscalls;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * One conversation with a {@code jrun-init} helper over its SOCK_SEQPACKET control socket
 * (docs/helper-protocol.md "Messages").
 */
public final class HelperSession implements AutoCloseable {
    static final int MAGIC = 0x4a52554e;
    static final int VERSION = 1;
    static final int HEADER = 12;
    static final int CHUNK = 60 * 1024;

    public static final int PLAN_CHUNK = 1, IDMAP_DONE = 2, CONTINUE = 3;
    public static final int NEED_IDMAP = 100, PID = 101, READY = 102, ERROR = 103, EXITED = 104;

    private static final String[] STAGES = {"", "plan", "namespaces", "idmap", "fork", "mounts", "rootfs",
        "devices", "masked paths", "sysctl", "hostname", "rlimits", "user", "capabilities", "seccomp", "console",
        "fds", "exec fifo", "exec", "cwd", "process attributes", "cgroup"};

    private final Syscalls sys;
    private int fd;
    private final int helperPid;
    /** Whether the helper is our child (we reap it) or the caller's front door's (it does). */
    private final boolean ourChild;

    private HelperSession(Syscalls sys, int fd, int helperPid, boolean ourChild) {
        this.sys = sys;
        this.fd = fd;
        this.helperPid = helperPid;
        this.ourChild = ourChild;
    }

    /** Spawns the helper with the fd layout of the protocol: 0-2 stdio, 3..3+n-1 preserved, then the socket. */
    public static HelperSession spawn(Syscalls sys, Path helper, int preserveFds) {
        // In the resident engine the caller's front door spawns it: the container must be in the caller's tree.
        CallerSide caller = CallerSide.current();
        if (caller != null) {
            int[] spawned = caller.spawnHelper(preserveFds);
            return new HelperSession(sys, spawned[1], spawned[0], false);
        }
        return start(sys, helper, ctl -> sys.spawnHelper(helper.toString(), new String[] {"jrun-init"},
                new String[] {"_JRUN_CTL_FD=" + (3 + preserveFds)}, preserveFds, ctl));
    }

    /**
     * As {@link #spawn} without preserved fds, but with the helper's (and so the exec'd process's) stdin
     * replaced by {@code stdinFd}: hooks run inside the container read the state JSON there.
     */
    public static HelperSession spawnWithStdin(Syscalls sys, Path helper, int stdinFd) {
        return start(sys, helper, ctl -> sys.spawnProcess(helper.toString(), new String[] {"jrun-init"},
                new String[] {"_JRUN_CTL_FD=3"}, stdinFd, ctl));
    }

    /** Makes the socketpair, spawns with the helper's end, and keeps ours; no fd leaks if the spawn fails. */
    private static HelperSession start(Syscalls sys, Path helper, IntUnaryOperator spawnWithControlFd) {
        int[] pair = sys.socketpairSeqpacket();
        int pid;
        try {
            pid = spawnWithControlFd.applyAsInt(pair[1]);
        } catch (RuntimeException e) {
            sys.close(pair[0]);
            sys.close(pair[1]);
            throw new JrunException("start " + helper + ": " + e.getMessage(), e);
        }
        sys.close(pair[1]);
        return new HelperSession(sys, pair[0], pid, true);
    }

    public int helperPid() { return helperPid; }

    /** Waits for the helper to exit when it is our child (gone already is fine); the front door reaps its own. */
    public void reap() {
        if (!ourChild) return;
        try {
            sys.waitpid(helperPid, 0);
        } catch (SyscallException e) {
            if (e.errno() != Errno.ECHILD) throw e;
        }
    }

    public void sendPlan(byte[] plan) {
        for (int off = 0; off < plan.length; off += CHUNK) {
            int n = Math.min(CHUNK, plan.length - off);
            send(PLAN_CHUNK, Arrays.copyOfRange(plan, off, off + n));
        }
    }

    public void send(int type) {
        send(type, new byte[0]);
    }

    public void send(int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putShort((short) VERSION).putShort((short) type).putInt(payload.length).put(payload);
        sys.sendPacket(fd, b.array(), null);
    }

    /** The next message; EOF before the expected message is a failure of the helper. */
    public Message receive(int timeoutMillis) {
        Message m = next(timeoutMillis);
        if (m == null) throw new JrunException("jrun-init exited unexpectedly (no error reported)");
        return m;
    }

    /** One packet, decoded; null on EOF. An ERROR message is thrown as the helper's one-line error. */
    private Message next(int timeoutMillis) {
        byte[] raw;
        try {
            raw = sys.recvPacket(fd, 65536, timeoutMillis, null);
        } catch (SyscallException e) {
            if (e.errno() == Errno.ETIMEDOUT) throw new JrunException("timed out waiting for jrun-init");
            throw new JrunException("read from jrun-init: " + e.getMessage(), e);
        }
        if (raw == null) return null;
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (raw.length < HEADER || b.getInt() != MAGIC || b.getShort() != VERSION) {
            throw new JrunException("jrun-init: malformed message (protocol mismatch?)");
        }
        int type = b.getShort() & 0xffff;
        int len = b.getInt();
        byte[] payload = Arrays.copyOfRange(raw, HEADER, HEADER + Math.min(len, raw.length - HEADER));
        Message m = new Message(type, payload);
        if (type == ERROR) throw new JrunException(m.errorText(sys));
        return m;
    }

    /** Waits for a message of the given type, failing on anything else. */
    public Message expect(int type, int timeoutMillis) {
        Message m = receive(timeoutMillis);
        if (m.type() != type) {
            throw new JrunException("jrun-init: unexpected message " + m.type() + " (wanted " + type + ")");
        }
        return m;
    }

    /**
     * Exec mode after READY: the control socket is CLOEXEC in the process, so EOF means its execve
     * succeeded; an ERROR (thrown as {@link JrunException}) means execve or a late step failed.
     */
    public void awaitExecve(int timeoutMillis) {
        Message m = next(timeoutMillis);
        if (m != null) throw new JrunException("jrun-init: unexpected message " + m.type() + " after READY");
    }

    @Override
    public void close() {
        if (fd >= 0) {
            sys.close(fd);
            fd = -1;
        }
    }

    /** A message from the helper. */
    public record Message(int type, byte[] payload) {
        public int int32(int offset) {
            return ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
        }

        /** ERROR payload: u32 stage, i32 errno, char syscall[32], detail string. */
        String errorText(Syscalls sys) {
            ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
            int stage = b.getInt();
            int errno = b.getInt();
            String syscall = cstr(payload, 8, 32);
            String detail = payload.length > 40 ? cstr(payload, 40, payload.length - 40) : "";
            // A complete sentence from the helper (e.g. runc's `exec: "x": executable file not found in $PATH`)
            // comes with an empty syscall name and is passed on as it is.
            if (syscall.isEmpty()) return detail;
            String where = stage > 0 && stage < STAGES.length ? STAGES[stage] : "stage " + stage;
            StringBuilder sb = new StringBuilder(where).append(": ").append(syscall);
            if (!detail.isEmpty()) sb.append(' ').append(detail);
            if (errno != 0) sb.append(": ").append(sys.strerror(errno).toLowerCase(java.util.Locale.ROOT));
            return sb.toString();
        }

        private static String cstr(byte[] a, int off, int max) {
            int end = off;
            while (end < off + max && end < a.length && a[end] != 0) end++;
            return new String(a, off, end - off, StandardCharsets.UTF_8);
        }
    }
}
