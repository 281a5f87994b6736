package io.jrun.cli;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The resident engine's wire format (docs/architecture.md, "Resident engine"): one SOCK_SEQPACKET packet per
 * request from the front door (native-bindings/src/main/c/door/door.c builds it; keep the two alike), carrying the
 * caller's stdin, stdout, stderr and cwd as SCM_RIGHTS, and the replies: ACCEPTED when the engine commits
 * to running the call, then EXIT with its status; or REFUSED with a reason, and the front door runs the call in
 * its own JVM. Between ACCEPTED and EXIT, a create, run or exec asks SPAWN (status: the number of fds to pass
 * through), and the front door spawns jrun-init itself and answers SPAWNED (status: its pid, or -errno and a
 * reason) with the helper's control socket as SCM_RIGHTS. A foreground run or exec also sends SUBREAPER (the front
 * door becomes a child subreaper) before its SPAWN and WAIT (status: the pid) once the process runs; the front
 * door waits for it, forwarding signals, and answers EXITED (status: the wait status). Big-endian throughout.
 *
 * <pre>
 * request: u32 magic "JRUN" | u16 version 1 | u16 0 | u32 total length (= the packet's) | u32 umask
 *          | u32 argc, argc x (u32 len, bytes) | u32 envc, envc x (u32 len, "NAME=value" bytes)
 * reply:   u32 magic "JRUN" | u16 version 1 | u16 kind | u32 status | reason bytes (REFUSED only)
 * </pre>
 *
 * Everything is bounded, and a frame that breaks any rule is refused whole: the engine parses bytes from any
 * process of its own uid, and a frame it does not fully understand must not run half a call.
 */
final class EngineFrame {
    static final int MAGIC = 0x4A52554E; // "JRUN"
    static final int VERSION = 1;
    static final int MAX_FRAME = 64 * 1024;
    static final int MAX_ARGS = 256;
    static final int MAX_ENV = 32;
    static final int HEADER = 16;
    static final int ACCEPTED = 1;
    static final int EXIT = 2;
    static final int REFUSED = 3;
    /** Engine to front door during a call: spawn jrun-init with {@code status} preserved fds. */
    static final int SPAWN = 4;
    /** Front door to engine: the helper's pid in {@code status} (or -errno, the reason) and its control socket. */
    static final int SPAWNED = 5;
    /** Engine to front door: become a child subreaper (a foreground run or exec; no answer). */
    static final int SUBREAPER = 6;
    /** Engine to front door: wait for pid {@code status}, forwarding signals to it, and answer EXITED. */
    static final int WAIT = 7;
    /** Front door to engine: the wait status of the process in {@code status}. */
    static final int EXITED = 8;
    static final int MAX_REASON = 512;

    private EngineFrame() {}

    /** A decoded request: the caller's argv (without argv[0]), umask and the environment values it passed. */
    record Request(List<String> argv, int umask, List<String> env) {
        String[] args() {
            return argv.toArray(new String[0]);
        }

        /** The passed environment as a map (the first of a repeated name wins, as getenv's would). */
        java.util.Map<String, String> envMap() {
            java.util.Map<String, String> m = new java.util.HashMap<>();
            for (String e : env) m.putIfAbsent(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
            return m;
        }

        /** The value of {@code name} in the passed environment, or null. */
        String env(String name) {
            for (String e : env) {
                if (e.startsWith(name + "=")) return e.substring(name.length() + 1);
            }
            return null;
        }
    }

    /** A frame the engine does not accept; the message is the reason the front door prints with --debug. */
    static final class FrameException extends Exception {
        FrameException(String reason) {
            super(reason);
        }
    }

    static Request decode(byte[] packet) throws FrameException {
        if (packet.length < HEADER + 8) throw new FrameException("short frame");
        if (packet.length > MAX_FRAME) throw new FrameException("frame over " + MAX_FRAME + " bytes");
        ByteBuffer b = ByteBuffer.wrap(packet);
        if (b.getInt() != MAGIC) throw new FrameException("bad magic");
        int version = Short.toUnsignedInt(b.getShort());
        if (version != VERSION) throw new FrameException("protocol version " + version + ", engine speaks " + VERSION);
        if (b.getShort() != 0) throw new FrameException("reserved bits set");
        if (b.getInt() != packet.length) throw new FrameException("length field does not match the frame");
        int umask = b.getInt();
        if ((umask & ~0777) != 0) throw new FrameException("bad umask");
        List<String> argv = strings(b, MAX_ARGS, "argument");
        if (argv.isEmpty()) throw new FrameException("no arguments");
        List<String> env = strings(b, MAX_ENV, "environment entry");
        for (String e : env) {
            if (e.indexOf('=') < 1) throw new FrameException("environment entry without a name");
        }
        if (b.hasRemaining()) throw new FrameException("trailing bytes");
        return new Request(argv, umask, env);
    }

    /** A count then that many length-prefixed strings of printable ASCII (the front door sends nothing else). */
    private static List<String> strings(ByteBuffer b, int max, String what) throws FrameException {
        if (b.remaining() < 4) throw new FrameException("truncated " + what + " count");
        int n = b.getInt();
        if (n < 0 || n > max) throw new FrameException("too many " + what + "s");
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (b.remaining() < 4) throw new FrameException("truncated " + what);
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) throw new FrameException(what + " longer than the frame");
            byte[] s = new byte[len];
            b.get(s);
            for (byte c : s) {
                if (c < 0x20 || c > 0x7e) throw new FrameException(what + " not printable ASCII");
            }
            out.add(new String(s, StandardCharsets.US_ASCII));
        }
        return out;
    }

    /** Encodes a request (tests, and the shape door.c must produce). */
    static byte[] encode(List<String> argv, int umask, List<String> env) {
        int len = HEADER + 8;
        for (String s : argv) len += 4 + s.length();
        for (String s : env) len += 4 + s.length();
        ByteBuffer b = ByteBuffer.allocate(len);
        b.putInt(MAGIC).putShort((short) VERSION).putShort((short) 0).putInt(len).putInt(umask);
        b.putInt(argv.size());
        for (String s : argv) b.putInt(s.length()).put(s.getBytes(StandardCharsets.US_ASCII));
        b.putInt(env.size());
        for (String s : env) b.putInt(s.length()).put(s.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** A reply-shaped packet (the front door's SPAWNED). */
    record Reply(int kind, int status, String reason) {}

    static Reply decodeReply(byte[] packet) throws FrameException {
        if (packet == null) throw new FrameException("hung up");
        if (packet.length < 12 || packet.length > 12 + MAX_REASON) throw new FrameException("bad reply length");
        ByteBuffer b = ByteBuffer.wrap(packet);
        if (b.getInt() != MAGIC || Short.toUnsignedInt(b.getShort()) != VERSION) throw new FrameException("bad reply header");
        int kind = Short.toUnsignedInt(b.getShort());
        int status = b.getInt();
        byte[] reason = new byte[b.remaining()];
        b.get(reason);
        for (byte c : reason) {
            if (c < 0x20 || c > 0x7e) throw new FrameException("reason not printable ASCII");
        }
        return new Reply(kind, status, new String(reason, StandardCharsets.US_ASCII));
    }

    static byte[] reply(int kind, int status, String reason) {
        byte[] r = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.US_ASCII);
        int n = Math.min(r.length, MAX_REASON);
        ByteBuffer b = ByteBuffer.allocate(12 + n);
        b.putInt(MAGIC).putShort((short) VERSION).putShort((short) kind).putInt(status).put(r, 0, n);
        return b.array();
    }
}
