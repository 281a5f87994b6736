package io.jrun.core.cgroup;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A minimal D-Bus client: the few method calls and the one signal the systemd cgroup driver needs, over the
 * system bus's unix socket, with nothing but java.nio (UnixDomainSocketAddress, JDK 16+).
 *
 * <p>Why not dbus-java: measured on this host against a private dbus-daemon with the launcher's flags (-Xint, the
 * JVM jrun runs in), dbus-java 5.2.2 (core + native-unixsocket transport) took ~50x longer for connect + one call
 * than this class (docs/cgroups.md "D-Bus client" has the numbers): it builds its marshalling from reflection and
 * proxies and starts threads, and every one of those classes runs interpreted. The wire format below is the D-Bus
 * specification's ("Message Format", "Authentication Protocol"): little- or big-endian messages, version 1,
 * EXTERNAL authentication with the caller's uid, no fd passing.
 *
 * <p>Values: s/o/g are String, y Byte, b Boolean, i Integer, u Long (unsigned 32), x/t Long (t unsigned), ay
 * byte[], other arrays List, structs and dict entries List, variants {@link Variant} (read back as their value).
 */
final class DBus implements AutoCloseable {
    /** A variant to send: its signature and value. */
    record Variant(String signature, Object value) {}

    /** An error reply (the D-Bus error name and its message). */
    static final class Error extends RuntimeException {
        final String name;

        Error(String name, String message) {
            super(name + (message == null ? "" : ": " + message));
            this.name = name;
        }
    }

    record Message(int type, long serial, long replySerial, String path, String iface, String member,
                   String errorName, List<Object> body) {}

    static final int METHOD_CALL = 1, METHOD_RETURN = 2, ERROR = 3, SIGNAL = 4;
    static final String SYSTEM_BUS = "/run/dbus/system_bus_socket";

    private final SocketChannel ch;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private final Deque<Message> signals = new ArrayDeque<>();
    private long serial;

    private DBus(SocketChannel ch, Selector selector) {
        this.ch = ch;
        this.selector = selector;
        in.flip();
    }

    /** Connects to the system bus (DBUS_SYSTEM_BUS_ADDRESS when it names a unix:path, else the standard socket). */
    static DBus system() throws IOException {
        String addr = io.jrun.core.CallEnv.get("DBUS_SYSTEM_BUS_ADDRESS");
        String path = SYSTEM_BUS;
        if (addr != null && addr.startsWith("unix:path=")) {
            int comma = addr.indexOf(',');
            path = addr.substring("unix:path=".length(), comma < 0 ? addr.length() : comma);
        }
        return connect(Path.of(path));
    }

    static DBus connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            auth(ch);
            ch.configureBlocking(false);
            Selector sel = Selector.open();
            ch.register(sel, SelectionKey.OP_READ);
            DBus bus = new DBus(ch, sel);
            bus.call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello", "");
            return bus;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** SASL EXTERNAL: the bus checks the uid against SO_PEERCRED (spec "Authentication Protocol"). */
    private static void auth(SocketChannel ch) throws IOException {
        // the digits of the uid, hex-encoded (no String.format: its Formatter costs milliseconds interpreted)
        StringBuilder hex = new StringBuilder();
        for (char c : uid().toCharArray()) hex.append('3').append(c);
        writeAll(ch, ByteBuffer.wrap(("\0AUTH EXTERNAL " + hex + "\r\n").getBytes(StandardCharsets.US_ASCII)));
        String reply = readLine(ch);
        if (!reply.startsWith("OK ")) throw new IOException("D-Bus authentication refused: " + reply);
        writeAll(ch, ByteBuffer.wrap("BEGIN\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    /** The effective uid, from /proc/self/status ("Uid:\treal\teffective..."): the bus compares it with SO_PEERCRED. */
    private static String uid() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) return line.substring(4).trim().split("\t")[1]; // the effective uid
        }
        throw new IOException("no Uid line in /proc/self/status");
    }

    /** One line of the auth exchange, byte by byte: the server sends nothing after it until BEGIN. */
    private static String readLine(SocketChannel ch) throws IOException {
        StringBuilder sb = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (sb.length() < 512) {
            one.clear();
            if (ch.read(one) < 0) throw new IOException("D-Bus: connection closed during authentication");
            char c = (char) one.get(0);
            if (c == '\n') return sb.toString().trim();
            sb.append(c);
        }
        throw new IOException("D-Bus: authentication line too long");
    }

    private static void writeAll(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /** Calls a method and waits for its reply; an error reply is thrown as {@link Error}. */
    List<Object> call(String dest, String path, String iface, String member, String sig, Object... args)
            throws IOException {
        long s = send(dest, path, iface, member, sig, args);
        long deadline = System.nanoTime() + 30_000_000_000L; // systemd answers at once; its jobs are waited for apart
        while (true) {
            Message m = receive(deadline);
            if (m == null) throw new IOException("D-Bus: no reply to " + iface + "." + member + " within 30 s");
            if (m.replySerial() == s && m.type() == METHOD_RETURN) return m.body();
            if (m.replySerial() == s && m.type() == ERROR) {
                Object text = m.body().isEmpty() ? null : m.body().getFirst();
                throw new Error(m.errorName(), text instanceof String t ? t : null);
            }
            if (m.type() == SIGNAL) signals.add(m);
        }
    }

    /** The next signal (queued while waiting for replies, or read now), or null when none comes by the deadline. */
    Message signal(long deadlineNanos) throws IOException {
        if (!signals.isEmpty()) return signals.poll();
        while (true) {
            Message m = receive(deadlineNanos);
            if (m == null || m.type() == SIGNAL) return m;
        }
    }

    private long send(String dest, String path, String iface, String member, String sig, Object... args)
            throws IOException {
        Out body = new Out();
        int i = 0;
        for (Object a : args) {
            int e = end(sig, i);
            body.write(sig.substring(i, e), a);
            i = e;
        }
        List<Object> fields = new ArrayList<>();
        fields.add(List.of((byte) 1, new Variant("o", path)));
        fields.add(List.of((byte) 2, new Variant("s", iface)));
        fields.add(List.of((byte) 3, new Variant("s", member)));
        fields.add(List.of((byte) 6, new Variant("s", dest)));
        if (!sig.isEmpty()) fields.add(List.of((byte) 8, new Variant("g", sig)));
        Out msg = new Out();
        msg.put('l');
        msg.put(METHOD_CALL);
        msg.put(0);
        msg.put(1);
        msg.u32(body.n);
        msg.u32(++serial);
        msg.write("a(yv)", fields);
        msg.align(8);
        msg.raw(body.b, body.n);
        writeAll(ch, ByteBuffer.wrap(msg.b, 0, msg.n));
        return serial;
    }

    /** Reads one whole message, or null at the deadline. */
    private Message receive(long deadlineNanos) throws IOException {
        byte[] fixed = readBytes(16, deadlineNanos);
        if (fixed == null) return null;
        boolean big = fixed[0] == 'B';
        long bodyLen = new In(fixed, big).at(4).u32();
        long fieldsLen = new In(fixed, big).at(12).u32();
        int headerLen = (int) ((16 + fieldsLen + 7) & ~7L);
        byte[] rest = readBytes((int) (headerLen - 16 + bodyLen), System.nanoTime() + 30_000_000_000L);
        if (rest == null) throw new IOException("D-Bus: a message stopped short");
        byte[] all = Arrays.copyOf(fixed, 16 + rest.length);
        System.arraycopy(rest, 0, all, 16, rest.length);
        In r = new In(all, big);
        long serial = r.at(8).u32();
        String path = null, iface = null, member = null, error = null, sig = "";
        long replySerial = -1;
        @SuppressWarnings("unchecked")
        List<Object> fields = (List<Object>) r.at(12).read("a(yv)");
        for (Object f : fields) {
            List<?> kv = (List<?>) f;
            Object v = kv.get(1);
            switch ((Byte) kv.get(0)) {
                case 1 -> path = (String) v;
                case 2 -> iface = (String) v;
                case 3 -> member = (String) v;
                case 4 -> error = (String) v;
                case 5 -> replySerial = (Long) v;
                case 8 -> sig = (String) v;
                default -> { }
            }
        }
        r.at(headerLen);
        List<Object> body = new ArrayList<>();
        for (int i = 0; i < sig.length(); ) {
            int e = end(sig, i);
            body.add(r.read(sig.substring(i, e)));
            i = e;
        }
        return new Message(fixed[1], serial, replySerial, path, iface, member, error, body);
    }

    private byte[] readBytes(int n, long deadlineNanos) throws IOException {
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            if (!in.hasRemaining()) {
                in.clear();
                int r = ch.read(in);
                in.flip();
                if (r < 0) throw new IOException("D-Bus: the bus closed the connection");
                if (r == 0) {
                    long left = (deadlineNanos - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        if (got == 0) return null;
                        throw new IOException("D-Bus: a message stopped short");
                    }
                    selector.select(Math.max(1, Math.min(left, 1000)));
                    continue;
                }
            }
            int k = Math.min(n - got, in.remaining());
            in.get(out, got, k);
            got += k;
        }
        return out;
    }

    @Override
    public void close() {
        try {
            selector.close();
            ch.close();
        } catch (IOException ignored) {
            // nothing to do about a failing close of a socket we are done with
        }
    }

    /** The end (exclusive) of the single complete type that starts at {@code i} of {@code sig}. */
    static int end(String sig, int i) {
        char c = sig.charAt(i);
        if (c == 'a') return end(sig, i + 1);
        if (c != '(' && c != '{') return i + 1;
        int depth = 0;
        for (int j = i; j < sig.length(); j++) {
            char d = sig.charAt(j);
            if (d == '(' || d == '{') depth++;
            if ((d == ')' || d == '}') && --depth == 0) return j + 1;
        }
        throw new IllegalArgumentException("bad D-Bus signature " + sig);
    }

    static int alignOf(char c) {
        return switch (c) {
            case 'y', 'g', 'v' -> 1;
            case 'n', 'q' -> 2;
            case 'x', 't', 'd', '(', '{' -> 8;
            default -> 4;
        };
    }

    /** Marshalling into a growing little-endian buffer; alignment is relative to its start (the message's). */
    static final class Out {
        byte[] b = new byte[512];
        int n;

        void put(int v) {
            if (n == b.length) b = Arrays.copyOf(b, n * 2);
            b[n++] = (byte) v;
        }

        void raw(byte[] bytes, int len) {
            for (int i = 0; i < len; i++) put(bytes[i]);
        }

        void align(int a) {
            while (n % a != 0) put(0);
        }

        void u32(long v) {
            align(4);
            for (int i = 0; i < 4; i++) put((int) (v >>> (8 * i)));
        }

        void u64(long v) {
            align(8);
            for (int i = 0; i < 8; i++) put((int) (v >>> (8 * i)));
        }

        void str(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            u32(u.length);
            raw(u, u.length);
            put(0);
        }

        void write(String t, Object v) {
            switch (t.charAt(0)) {
                case 'y' -> put(((Number) v).intValue());
                case 'b' -> u32((Boolean) v ? 1 : 0);
                case 'i', 'u' -> u32(((Number) v).longValue());
                case 'x', 't' -> u64(((Number) v).longValue());
                case 's', 'o' -> str((String) v);
                case 'g' -> {
                    byte[] u = ((String) v).getBytes(StandardCharsets.US_ASCII);
                    put(u.length);
                    raw(u, u.length);
                    put(0);
                }
                case 'v' -> {
                    Variant var = (Variant) v;
                    write("g", var.signature());
                    write(var.signature(), var.value());
                }
                case 'a' -> array(t.substring(1), v);
                case '(', '{' -> {
                    align(8);
                    List<?> fields = (List<?>) v;
                    int k = 0;
                    for (int i = 1; i < t.length() - 1; ) {
                        int e = end(t, i);
                        write(t.substring(i, e), fields.get(k++));
                        i = e;
                    }
                }
                default -> throw new IllegalArgumentException("D-Bus type " + t + " not supported");
            }
        }

        private void array(String elem, Object v) {
            u32(0);
            int lenAt = n - 4;
            align(alignOf(elem.charAt(0))); // the padding to the first element is not part of the length
            int start = n;
            if (v instanceof byte[] bytes) {
                raw(bytes, bytes.length);
            } else {
                for (Object e : (List<?>) v) write(elem, e);
            }
            int len = n - start;
            for (int i = 0; i < 4; i++) b[lenAt + i] = (byte) (len >>> (8 * i));
        }
    }

    /** Unmarshalling from one whole message. */
    static final class In {
        private final byte[] b;
        private final boolean big;
        private int p;

        In(byte[] b, boolean big) {
            this.b = b;
            this.big = big;
        }

        In at(int pos) {
            p = pos;
            return this;
        }

        private void align(int a) {
            p = (p + a - 1) / a * a;
        }

        private long num(int size) {
            align(size);
            long v = 0;
            for (int i = 0; i < size; i++) {
                int shift = big ? 8 * (size - 1 - i) : 8 * i;
                v |= (b[p + i] & 0xffL) << shift;
            }
            p += size;
            return v;
        }

        long u32() {
            return num(4);
        }

        Object read(String t) {
            switch (t.charAt(0)) {
                case 'y': return b[p++];
                case 'b': return num(4) != 0;
                case 'n', 'q': return (int) num(2);
                case 'i': return (int) num(4);
                case 'u': return num(4);
                case 'h': return num(4);
                case 'x', 't': return num(8);
                case 'd': return Double.longBitsToDouble(num(8));
                case 's', 'o': {
                    int len = (int) num(4);
                    String s = new String(b, p, len, StandardCharsets.UTF_8);
                    p += len + 1;
                    return s;
                }
                case 'g': {
                    int len = b[p++] & 0xff;
                    String s = new String(b, p, len, StandardCharsets.US_ASCII);
                    p += len + 1;
                    return s;
                }
                case 'v': return read((String) read("g"));
                case 'a': {
                    int len = (int) num(4);
                    String elem = t.substring(1);
                    align(alignOf(elem.charAt(0)));
                    int stop = p + len;
                    if (elem.equals("y")) {
                        byte[] out = Arrays.copyOfRange(b, p, stop);
                        p = stop;
                        return out;
                    }
                    List<Object> out = new ArrayList<>();
                    while (p < stop) out.add(read(elem));
                    return out;
                }
                case '(', '{': {
                    align(8);
                    List<Object> out = new ArrayList<>();
                    for (int i = 1; i < t.length() - 1; ) {
                        int e = end(t, i);
                        out.add(read(t.substring(i, e)));
                        i = e;
                    }
                    return out;
                }
                default: throw new IllegalArgumentException("D-Bus type " + t + " not supported");
            }
        }
    }
}
