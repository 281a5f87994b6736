package io.jrun.core.spec;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * JsonTree reads UTF-8 bytes; until then it read the decoded String ({@link JsonTreeReference}). Both must give
 * the same tree, with the same line and column on every value, or the same error message, for any input: the
 * client specs, generated documents full of multi-byte characters, escapes and byte order marks, and those
 * documents truncated and with bytes changed or inserted (malformed UTF-8 included).
 */
class JsonTreeDifferentialTest {
    private static final String[] RESOURCES = {"/spec/runc-1.1.5-spec.json", "/spec/runc-1.1.5-spec-rootless.json",
            "/spec/all-fields.json", "/client-specs/docker-create-config-memory.json",
            "/client-specs/podman-create-config-memory.json", "/client-specs/containerd-create-config.json",
            "/client-specs/docker-exec-tty-process.json"};

    /** Characters of every UTF-8 length, digits of other scripts (Character.digit takes them), a surrogate pair. */
    private static final String[] PIECES = {"a", "Z", "0", "7", " ", "é", "ß", "\u0663", "\u06f5", "\u07c2", "€",
            "\uff11", "\uff21", "\uff41", "中", "\ud83d\ude00", "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\uD83D\\uDE00",
            "\\u\u0661\u0662\u0663\u0664", "\\u\uff10\uff10\uff41\uff11", "\\u12", "\\x", "\t", "\u007f"};

    private interface Parser {
        JsonTree.Node parse(byte[] doc, String file);
    }

    /** The tree a parser makes of doc, or its error message. */
    private static String outcome(Parser p, byte[] doc) {
        try {
            return "ok " + p.parse(doc, "f.json");
        } catch (SpecException e) {
            return "error " + e.getMessage();
        }
    }

    private static void same(byte[] doc) {
        String want = outcome(JsonTreeReference::parse, doc);
        String got = outcome(JsonTree::parse, doc);
        if (!want.equals(got)) {
            fail("input " + Arrays.toString(doc) + "\n" + new String(doc, StandardCharsets.UTF_8)
                    + "\nwant: " + want + "\ngot:  " + got);
        }
    }

    private static List<byte[]> resources() throws IOException {
        List<byte[]> docs = new ArrayList<>();
        for (String r : RESOURCES) {
            try (InputStream in = JsonTreeDifferentialTest.class.getResourceAsStream(r)) {
                if (in == null) fail("missing test resource " + r);
                docs.add(in.readAllBytes());
            }
        }
        return docs;
    }

    private static String str(Random r) {
        StringBuilder sb = new StringBuilder("\"");
        int k = r.nextInt(6);
        for (int i = 0; i < k; i++) sb.append(PIECES[r.nextInt(PIECES.length)]);
        return sb.append('"').toString();
    }

    private static void space(Random r, StringBuilder sb) {
        int k = r.nextInt(3);
        for (int i = 0; i < k; i++) sb.append(" \n\t\r\n".charAt(r.nextInt(5)));
    }

    private static void value(Random r, StringBuilder sb, int depth) {
        space(r, sb);
        switch (depth > 3 ? 2 + r.nextInt(4) : r.nextInt(6)) {
            case 0 -> {
                sb.append('{');
                int k = r.nextInt(4);
                for (int i = 0; i < k; i++) {
                    if (i > 0) sb.append(',');
                    space(r, sb);
                    sb.append(str(r)).append(':');
                    value(r, sb, depth + 1);
                }
                space(r, sb);
                sb.append('}');
            }
            case 1 -> {
                sb.append('[');
                int k = r.nextInt(4);
                for (int i = 0; i < k; i++) {
                    if (i > 0) sb.append(',');
                    value(r, sb, depth + 1);
                }
                space(r, sb);
                sb.append(']');
            }
            case 2, 3 -> sb.append(str(r));
            case 4 -> sb.append(new String[] {"0", "-12", "3.25", "1e9", "-0.5E-3", "42"}[r.nextInt(6)]);
            default -> sb.append(new String[] {"true", "false", "null"}[r.nextInt(3)]);
        }
        space(r, sb);
    }

    private static byte[] mutate(Random r, byte[] doc) {
        byte[] d = doc.clone();
        switch (r.nextInt(4)) {
            case 0 -> {
                return Arrays.copyOf(d, r.nextInt(d.length + 1));
            }
            case 1 -> {
                for (int i = 1 + r.nextInt(3); i > 0 && d.length > 0; i--) d[r.nextInt(d.length)] = (byte) r.nextInt(256);
                return d;
            }
            case 2 -> {
                int at = r.nextInt(d.length + 1);
                byte[] ins = {(byte) (0x80 + r.nextInt(0x80)), (byte) r.nextInt(256), '"', '\\', (byte) 0xE9}; // odd bytes
                int k = 1 + r.nextInt(ins.length);
                byte[] out = new byte[d.length + k];
                System.arraycopy(d, 0, out, 0, at);
                System.arraycopy(ins, 0, out, at, k);
                System.arraycopy(d, at, out, at + k, d.length - at);
                return out;
            }
            default -> {
                byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
                byte[] out = new byte[d.length + 3];
                System.arraycopy(bom, 0, out, 0, 3);
                System.arraycopy(d, 0, out, 3, d.length);
                return out;
            }
        }
    }

    @Test
    void clientSpecsAndTheirMutations() throws IOException {
        Random r = new Random(20261123);
        for (byte[] doc : resources()) {
            same(doc);
            for (int i = 0; i < 300; i++) same(mutate(r, doc));
        }
    }

    @Test
    void generatedDocumentsAndTheirMutations() {
        Random r = new Random(9);
        for (int i = 0; i < 4000; i++) {
            StringBuilder sb = new StringBuilder();
            value(r, sb, 0);
            byte[] doc = sb.toString().getBytes(StandardCharsets.UTF_8);
            same(doc);
            for (int j = 0; j < 5; j++) same(mutate(r, doc));
        }
    }

    @Test
    void edgeCases() {
        String[] docs = {"", "\ufeff", "\ufeff\"é\" x", "\"\\u", "\"\\u1", "\"\\u12é\"", "\"\\u\u0661\u0662\u0663\"",
                "\"é\u0001\"", "[\"中\", tru\u00e9]", "[1é]", "é", "{\"a\"é}", "[\"\ud83d\ude00\" 1]", "\"ab\\é\"",
                "truex", "nul", "-", "01", "1.", "1e", "[1,]", "{\"a\":1,}", "\"\\uD83D\\uDE00\"", "[\"é\"\n, é]",
                "\"" + "é".repeat(40) + "\" " + "ü".repeat(40)};
        for (String d : docs) same(d.getBytes(StandardCharsets.UTF_8));
        same(new byte[] {'"', (byte) 0xE2, (byte) 0x82, '"', ' ', 'x'});
        same(new byte[] {'"', (byte) 0xF0, '"', ' ', 'x'});
        same(new byte[] {'"', (byte) 0xC3});
        same(new byte[] {'[', (byte) 0xFF, ']'});
        same(new byte[] {'"', '\\', 'u', (byte) 0xEF, (byte) 0xBC, (byte) 0x91, '1', '1', '1', '"'});
    }
}
