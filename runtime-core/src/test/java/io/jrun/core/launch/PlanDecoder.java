package io.jrun.core.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-side decoder of the plan buffer (docs/helper-protocol.md "The plan buffer"), written from the document,
 * not from PlanWriter, so the tests check the wire format the helper reads.
 */
final class PlanDecoder {
    record Attr(int type, ByteBuffer value) {}

    /** A decoded MOUNT value. */
    record Mount(int kind, long flags, long propagation, long attrSet, long attrClr, int mkdir, String source,
                 String dest, String fstype, String data) {}

    /** A decoded DEVICE value. */
    record Device(int kind, int mode, long major, long minor, int uid, int gid, String dest, String source) {}

    final List<Attr> attrs = new ArrayList<>();

    PlanDecoder(byte[] plan) {
        ByteBuffer b = ByteBuffer.wrap(plan).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(plan.length, b.getInt(), "total_len counts the whole plan");
        while (b.hasRemaining()) {
            int type = Short.toUnsignedInt(b.getShort());
            assertEquals(0, b.getShort(), "reserved");
            int len = b.getInt();
            byte[] v = new byte[len];
            b.get(v);
            b.position(b.position() + ((4 - (len & 3)) & 3));
            attrs.add(new Attr(type, ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN)));
        }
    }

    List<Attr> all(int type) {
        return attrs.stream().filter(a -> a.type() == type).map(a -> new Attr(a.type(), a.value().duplicate()
                .order(ByteOrder.LITTLE_ENDIAN))).toList();
    }

    /** The attribute types in plan order. */
    List<Integer> types() {
        return attrs.stream().map(Attr::type).toList();
    }

    boolean has(int type) {
        return !all(type).isEmpty();
    }

    long u64(int type) {
        List<Attr> a = all(type);
        assertEquals(1, a.size(), "one attribute " + type);
        return a.get(0).value().getLong();
    }

    List<String> strings(int type) {
        return all(type).stream().map(a -> str(a.value())).toList();
    }

    List<Mount> mounts() {
        return all(PlanWriter.MOUNT).stream().map(a -> {
            ByteBuffer v = a.value();
            Mount m = new Mount(v.getInt(), v.getLong(), v.getLong(), v.getLong(), v.getLong(), v.getInt(), str(v),
                    str(v), str(v), str(v));
            assertEquals(0, v.remaining(), "nothing after the MOUNT strings");
            return m;
        }).toList();
    }

    List<Device> devices() {
        return all(PlanWriter.DEVICE).stream().map(a -> {
            ByteBuffer v = a.value();
            return new Device(v.getInt(), v.getInt(), v.getLong(), v.getLong(), v.getInt(), v.getInt(), str(v), str(v));
        }).toList();
    }

    /** SYMLINK values as "link -> target". */
    List<String> symlinks() {
        return all(PlanWriter.SYMLINK).stream().map(a -> {
            String target = str(a.value());
            return str(a.value()) + " -> " + target;
        }).toList();
    }

    static String str(ByteBuffer v) {
        int start = v.position();
        while (v.get() != 0) {
            // up to and including the NUL
        }
        return new String(v.array(), v.arrayOffset() + start, v.position() - start - 1, StandardCharsets.UTF_8);
    }
}
