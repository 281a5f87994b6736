package io.jrun.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The resident engine's request decoder (EngineFrame): a valid frame round-trips, and malformed ones, hand-made
 * and randomly mutated, are refused with a FrameException (the engine's REFUSED reply), never another exception.
 * EngineIT sends malformed frames to a running engine and checks that it serves on.
 */
class EngineFrameTest {
    private static final byte[] VALID = EngineFrame.encode(List.of("--root", "/run/x", "state", "c1"), 022,
            List.of("XDG_RUNTIME_DIR=/run/user/0", "JRUN_DAEMON=on"));

    @Test
    void roundTrip() throws Exception {
        EngineFrame.Request r = EngineFrame.decode(VALID);
        assertEquals(List.of("--root", "/run/x", "state", "c1"), r.argv());
        assertEquals(022, r.umask());
        assertEquals("/run/user/0", r.env("XDG_RUNTIME_DIR"));
        assertEquals(null, r.env("NOTIFY_SOCKET"));
    }

    @Test
    void handMadeMalformedFrames() {
        refused(new byte[0]);
        refused(Arrays.copyOf(VALID, 10));
        refused(Arrays.copyOf(VALID, VALID.length - 1)); // length field no longer matches
        refused(Arrays.copyOf(VALID, VALID.length + 1)); // trailing byte
        refused(with(VALID, 0, (byte) 'X')); // magic
        refused(with(VALID, 5, (byte) 2)); // version
        refused(with(VALID, 7, (byte) 1)); // reserved
        refused(with(VALID, 14, (byte) 0x10)); // umask over 0777
        refused(EngineFrame.encode(List.of(), 0, List.of())); // no argv
        refused(EngineFrame.encode(List.of("state", "c\u0001"), 0, List.of()));
        refused(EngineFrame.encode(List.of("state"), 0, List.of("=x")));
        refused(EngineFrame.encode(List.of("state"), 0, List.of("NOEQUALS")));
        refused(EngineFrame.encode(java.util.Collections.nCopies(EngineFrame.MAX_ARGS + 1, "a"), 0, List.of()));
        refused(EngineFrame.encode(List.of("state"), 0, java.util.Collections.nCopies(EngineFrame.MAX_ENV + 1, "A=b")));
        refused(EngineFrame.encode(List.of("x".repeat(EngineFrame.MAX_FRAME)), 0, List.of()));
        byte[] hugeCount = VALID.clone();
        ByteBuffer.wrap(hugeCount).putInt(16, Integer.MAX_VALUE);
        refused(hugeCount);
        byte[] hugeString = VALID.clone();
        ByteBuffer.wrap(hugeString).putInt(20, Integer.MAX_VALUE);
        refused(hugeString);
        byte[] negative = VALID.clone();
        ByteBuffer.wrap(negative).putInt(20, -1);
        refused(negative);
    }

    /** Random byte flips, truncations and garbage: every outcome is a Request or a FrameException. */
    @Test
    void fuzzedFramesNeverThrowAnythingElse() {
        Random rnd = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            byte[] f;
            switch (i % 4) {
                case 0 -> {
                    f = VALID.clone();
                    for (int k = rnd.nextInt(4); k >= 0; k--) f[rnd.nextInt(f.length)] = (byte) rnd.nextInt();
                }
                case 1 -> f = Arrays.copyOf(VALID, rnd.nextInt(VALID.length * 2));
                case 2 -> {
                    f = new byte[rnd.nextInt(200)];
                    rnd.nextBytes(f);
                }
                default -> {
                    f = VALID.clone();
                    ByteBuffer.wrap(f).putInt(rnd.nextInt(f.length - 3), rnd.nextInt());
                }
            }
            try {
                EngineFrame.decode(f);
            } catch (EngineFrame.FrameException expected) {
                // refused: what the engine replies
            }
        }
    }

    @Test
    void replyShape() {
        byte[] r = EngineFrame.reply(EngineFrame.REFUSED, 0, "x".repeat(2000));
        assertEquals(12 + EngineFrame.MAX_REASON, r.length);
        assertArrayEquals(new byte[] {'J', 'R', 'U', 'N', 0, 1, 0, 3, 0, 0, 0, 0}, Arrays.copyOf(r, 12));
        assertEquals(7, ByteBuffer.wrap(EngineFrame.reply(EngineFrame.EXIT, 7, null)).getInt(8));
    }

    private static byte[] with(byte[] f, int at, byte b) {
        byte[] c = f.clone();
        c[at] = b;
        return c;
    }

    private static void refused(byte[] frame) {
        assertThrows(EngineFrame.FrameException.class, () -> EngineFrame.decode(frame));
    }
}
