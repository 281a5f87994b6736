package io.jrun.core.launch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes a launch plan in the attribute format of docs/helper-protocol.md ("The plan buffer"):
 * {@code u16 type, u16 0, u32 len, value, pad to 4}, little-endian, strings NUL-terminated.
 */
public final class PlanWriter {
    // Attribute types: keep in sync with docs/helper-protocol.md and init/proto.h.
    public static final int MODE = 1, NS_JOIN = 2, NS_NEW = 3, TIMENS_OFFSETS = 4, ROOTFS = 5,
            ROOTFS_PROPAGATION = 6, MOUNT = 7, DEVICE = 8, SYMLINK = 9, MASK_PATH = 10, READONLY_PATH = 11,
            ROOT_READONLY = 12, NO_PIVOT = 13, HOSTNAME = 14, DOMAINNAME = 15, SYSCTL = 16, RLIMIT = 17,
            OOM_SCORE_ADJ = 18, USER = 19, CAPS = 20, NO_NEW_PRIVS = 21, SECCOMP = 22, ARGS = 23, ENV = 24,
            CWD = 25, EXEC_PATH = 26, TERMINAL = 27, CONSOLE_SOCKET = 28, CONSOLE_SIZE = 29, EXEC_FIFO = 30,
            PRESERVE_FDS = 31, PERSONALITY = 32, SCHEDULER = 33, IOPRIO = 34, NO_NEW_KEYRING = 35,
            CONTAINER_ID = 36, SETSID = 37, MOUNT_LABEL = 38, PROCESS_LABEL = 39,
            MOUNT_IDMAP = 40, INIT = 41, ROOTFS_OVERLAY = 42;

    public static final int MODE_CREATE = 1, MODE_EXEC = 2;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    private final ByteArrayOutputStream value = new ByteArrayOutputStream(256);

    /** Starts an attribute; add its value with the put* methods, then {@link #end()}. */
    public PlanWriter begin(int type) {
        value.reset();
        pendingType = type;
        return this;
    }

    private int pendingType = -1;

    public PlanWriter u32(long v) {
        for (int i = 0; i < 4; i++) value.write((int) (v >>> (8 * i)));
        return this;
    }

    public PlanWriter u64(long v) {
        for (int i = 0; i < 8; i++) value.write((int) (v >>> (8 * i)));
        return this;
    }

    public PlanWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        value.writeBytes(b);
        value.write(0);
        return this;
    }

    public PlanWriter bytes(byte[] b) {
        value.writeBytes(b);
        return this;
    }

    public PlanWriter strings(List<String> list) {
        u32(list.size());
        for (String s : list) str(s);
        return this;
    }

    public PlanWriter end() {
        byte[] v = value.toByteArray();
        le16(pendingType);
        le16(0);
        le32(v.length);
        out.writeBytes(v);
        for (int pad = (4 - (v.length & 3)) & 3; pad > 0; pad--) out.write(0);
        pendingType = -1;
        return this;
    }

    /** Shorthands for single-valued attributes. */
    public PlanWriter flag(int type) { return begin(type).end(); }

    public PlanWriter string(int type, String s) { return begin(type).str(s).end(); }

    public PlanWriter int32(int type, long v) { return begin(type).u32(v).end(); }

    public PlanWriter int64(int type, long v) { return begin(type).u64(v).end(); }

    /** The plan: {@code u32 total_len} (of everything, including itself) followed by the attributes. */
    public byte[] toBytes() {
        byte[] attrs = out.toByteArray();
        byte[] all = new byte[attrs.length + 4];
        int total = all.length;
        all[0] = (byte) total;
        all[1] = (byte) (total >>> 8);
        all[2] = (byte) (total >>> 16);
        all[3] = (byte) (total >>> 24);
        System.arraycopy(attrs, 0, all, 4, attrs.length);
        return all;
    }

    private void le16(int v) {
        out.write(v);
        out.write(v >>> 8);
    }

    private void le32(int v) {
        for (int i = 0; i < 4; i++) out.write(v >>> (8 * i));
    }
}
