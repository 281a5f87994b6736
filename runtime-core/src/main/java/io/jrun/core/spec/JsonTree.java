package io.jrun.core.spec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON tree in which every value remembers the line and column where it starts, so binding errors can
 * say where the bad value is. The reader is hand-written (RFC 8259), not jackson-core's parser: every Jackson
 * parser initialises java.math.BigDecimal, whose static initialiser alone took ~8 ms of each call in a cold
 * JDK 25 JVM, and config.json and state.json are read by every container command (docs/performance.md).
 * Databind was never an option: ~300 ms to start (architecture brief section 2).
 */
public final class JsonTree {
    private JsonTree() {}

    /** Nesting deeper than this is refused, as jackson-core's default StreamReadConstraints did. */
    static final int MAX_DEPTH = 1000;

    public sealed interface Node permits Obj, Arr, Str, Num, Bool, Null {
        int line();

        int col();
    }

    /** Members in document order; a repeated key keeps its last value, as Go's encoding/json (runc) does. */
    public record Obj(Map<String, Node> members, int line, int col) implements Node {}

    public record Arr(List<Node> items, int line, int col) implements Node {}

    public record Str(String value, int line, int col) implements Node {}

    /** The number as written; {@code integral} is false for fractions and exponents. */
    public record Num(String text, boolean integral, int line, int col) implements Node {}

    public record Bool(boolean value, int line, int col) implements Node {}

    public record Null(int line, int col) implements Node {}

    /**
     * Parses one JSON document. Malformed input becomes {@code <file>: invalid JSON: <what> (line L, col C)}.
     * Bytes that are not UTF-8 read as U+FFFD, as Go's encoding/json (runc) reads them.
     */
    public static Node parse(byte[] data, String file) {
        return new Reader(data, file).document();
    }

    public static String at(int line, int col) {
        return " (line " + line + ", col " + col + ")";
    }

    /**
     * A recursive-descent reader over the UTF-8 bytes; {@code pos} is the next byte to read. It reads bytes, not a
     * decoded String: interpreted (jrun runs with -Xint), each {@code String.charAt} is four calls, and reading
     * config.json's ~16 KB that way took ~4.7 ms of create; an array element is one bytecode. JSON's syntax is
     * ASCII, so only the contents of strings (and the characters named in error messages) are decoded, and
     * every position stays what it was when the reader walked the decoded text: the column counts UTF-16 units,
     * so {@link #lineExtra} keeps how many more bytes than characters the current line has before {@code pos}.
     */
    private static final class Reader {
        private final byte[] b;
        private final int n;
        private final String file;
        private int pos;
        private int line = 1;
        private int lineStart;
        /** Bytes minus UTF-16 units on the current line before {@code pos} (multi-byte UTF-8 in strings, a BOM). */
        private int lineExtra;
        private int depth;

        Reader(byte[] data, String file) {
            this.b = data;
            this.n = data.length;
            this.file = file;
            if (n >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF) {
                pos = 3; // a byte order mark before the document is skipped (one character of three bytes)
                lineExtra = 2;
            }
        }

        Node document() {
            skipSpace();
            if (pos >= n) throw new SpecException(file + ": invalid JSON: empty document" + at(1, 1));
            Node root = value();
            skipSpace();
            if (pos < n) throw error("unexpected data after the top-level value");
            return root;
        }

        private Node value() {
            int l = line;
            int c = col();
            int ch = peekOrEnd("expected a value");
            switch (ch) {
                case '{':
                    return object(l, c);
                case '[':
                    return array(l, c);
                case '"':
                    return new Str(string(), l, c);
                case 't':
                    literal("true");
                    return new Bool(true, l, c);
                case 'f':
                    literal("false");
                    return new Bool(false, l, c);
                case 'n':
                    literal("null");
                    return new Null(l, c);
                default:
                    if (ch == '-' || (ch >= '0' && ch <= '9')) return number(l, c);
                    throw unexpected("expected a value");
            }
        }

        private Obj object(int l, int c) {
            enter();
            pos++; // '{'
            Map<String, Node> members = new LinkedHashMap<>();
            skipSpace();
            if (peekOrEnd("expected a field name or '}'") == '}') {
                pos++;
                depth--;
                return new Obj(Collections.unmodifiableMap(members), l, c);
            }
            while (true) {
                int ch = peekOrEnd("expected a field name");
                if (ch != '"') throw unexpected("was expecting double-quote to start field name");
                String name = string();
                skipSpace();
                ch = peekOrEnd("expected ':'");
                if (ch != ':') throw unexpected("was expecting a colon to separate field name and value");
                pos++;
                skipSpace();
                members.put(name, value());
                skipSpace();
                ch = peekOrEnd("expected ',' or '}'");
                if (ch == '}') {
                    pos++;
                    break;
                }
                if (ch != ',') throw unexpected("was expecting comma to separate Object entries");
                pos++;
                skipSpace();
            }
            depth--;
            return new Obj(Collections.unmodifiableMap(members), l, c);
        }

        private Arr array(int l, int c) {
            enter();
            pos++; // '['
            List<Node> items = new ArrayList<>();
            skipSpace();
            if (peekOrEnd("expected a value or ']'") == ']') {
                pos++;
                depth--;
                return new Arr(Collections.unmodifiableList(items), l, c);
            }
            while (true) {
                items.add(value());
                skipSpace();
                int ch = peekOrEnd("expected ',' or ']'");
                if (ch == ']') {
                    pos++;
                    break;
                }
                if (ch != ',') throw unexpected("was expecting comma to separate Array entries");
                pos++;
                skipSpace();
            }
            depth--;
            return new Arr(Collections.unmodifiableList(items), l, c);
        }

        private void enter() {
            if (++depth > MAX_DEPTH) {
                throw error("document nesting depth exceeds the maximum allowed (" + MAX_DEPTH + ")");
            }
        }

        /** A string token starting at the opening quote; returns its decoded value. */
        private String string() {
            pos++; // opening quote
            StringBuilder sb = null;
            int runStart = pos;
            boolean wide = false; // the run has bytes of multi-byte characters
            while (true) {
                if (pos >= n) {
                    run(runStart, wide);
                    throw error("Unexpected end-of-input in a string value");
                }
                int ch = b[pos];
                if (ch == '"') {
                    String run = run(runStart, wide);
                    pos++;
                    return sb == null ? run : sb.append(run).toString();
                }
                if (ch >= 0 && ch < 0x20) {
                    run(runStart, wide);
                    throw error("Illegal unquoted character (code " + ch
                            + "): has to be escaped using backslash to be included in string value");
                }
                if (ch != '\\') {
                    if (ch < 0) wide = true;
                    pos++;
                    continue;
                }
                if (sb == null) sb = new StringBuilder();
                sb.append(run(runStart, wide));
                wide = false;
                pos++;
                if (pos >= n) throw error("Unexpected end-of-input in a string value");
                int e = b[pos++];
                switch (e) {
                    case '"', '\\', '/' -> sb.append((char) e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> sb.append(hex4());
                    default -> {
                        pos--;
                        throw error("Unrecognized character escape " + describe(charAt(pos)));
                    }
                }
                runStart = pos;
            }
        }

        /**
         * The text of bytes {@code runStart..pos} (no quote, backslash or control character among them); a run
         * with multi-byte characters also moves the column's {@link #lineExtra} on. A malformed sequence reads
         * as U+FFFD, as it did when the whole document was decoded at once: the run's ends are ASCII bytes,
         * which no UTF-8 sequence contains, so the decoder splits the bytes the same way.
         */
        private String run(int runStart, boolean wide) {
            if (!wide) return new String(b, runStart, pos - runStart, StandardCharsets.ISO_8859_1);
            String s = new String(b, runStart, pos - runStart, StandardCharsets.UTF_8);
            lineExtra += pos - runStart - s.length();
            return s;
        }

        private char hex4() {
            int v = 0;
            if (pos + 4 <= n && b[pos] >= 0 && b[pos + 1] >= 0 && b[pos + 2] >= 0 && b[pos + 3] >= 0) {
                for (int i = 0; i < 4; i++) {
                    int d = Character.digit((char) b[pos], 16);
                    if (d < 0) throw error("expected a hex-digit for character escape sequence");
                    v = v * 16 + d;
                    pos++;
                }
                return (char) v; // a surrogate pair is two escapes, and two chars in Java too
            }
            // Fewer than four bytes left, or non-ASCII among them: decode what follows, as the text reader saw it
            // (Character.digit takes other scripts' digits too). 16 bytes hold at least four characters.
            String s = new String(b, pos, Math.min(n - pos, 16), StandardCharsets.UTF_8);
            if (s.length() < 4) throw error("Unexpected end-of-input in a \\u escape");
            for (int i = 0; i < 4; i++) {
                char ch = s.charAt(i);
                int d = Character.digit(ch, 16);
                if (d < 0) throw error("expected a hex-digit for character escape sequence");
                v = v * 16 + d;
                int len = ch < 0x80 ? 1 : ch < 0x800 ? 2 : 3; // a digit is never a surrogate
                pos += len;
                lineExtra += len - 1;
            }
            return (char) v;
        }

        /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, kept as written. */
        private Num number(int l, int c) {
            int start = pos;
            boolean integral = true;
            if (b[pos] == '-') pos++;
            if (pos < n && b[pos] == '0') {
                pos++;
                if (pos < n && isDigit(b[pos])) {
                    throw error("Invalid numeric value: Leading zeroes not allowed");
                }
            } else {
                digits("Invalid numeric value: expected a digit");
            }
            if (pos < n && b[pos] == '.') {
                integral = false;
                pos++;
                digits("Invalid numeric value: expected a digit after the decimal point");
            }
            if (pos < n && (b[pos] == 'e' || b[pos] == 'E')) {
                integral = false;
                pos++;
                if (pos < n && (b[pos] == '+' || b[pos] == '-')) pos++;
                digits("Invalid numeric value: expected a digit in the exponent");
            }
            if (pos < n && Character.isLetter(charAt(pos))) {
                throw error("Unrecognized token '" + token(start) + "': was expecting a number");
            }
            return new Num(new String(b, start, pos - start, StandardCharsets.ISO_8859_1), integral, l, c);
        }

        private void digits(String missing) {
            int start = pos;
            while (pos < n && isDigit(b[pos])) pos++;
            if (pos == start) {
                if (pos >= n) throw error("Unexpected end-of-input in a number");
                throw error(missing);
            }
        }

        private static boolean isDigit(int ch) {
            return ch >= '0' && ch <= '9';
        }

        private void literal(String word) {
            int start = pos;
            int len = word.length();
            if (pos + len <= n) {
                int i = 0;
                while (i < len && b[pos + i] == word.charAt(i)) i++;
                if (i == len) {
                    pos += len;
                    if (pos >= n || !Character.isLetterOrDigit(charAt(pos))) return;
                }
            }
            pos = start;
            throw error("Unrecognized token '" + token(start)
                    + "': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
        }

        /**
         * The word starting at {@code start}, for messages: its first character and the letters or digits after
         * it, 32 characters at most (132 bytes hold at least 33).
         */
        private String token(int start) {
            String s = new String(b, start, Math.min(n - start, 132), StandardCharsets.UTF_8);
            int end = Math.min(1, s.length());
            while (end < s.length() && end < 32 && Character.isLetterOrDigit(s.charAt(end))) end++;
            return s.substring(0, end);
        }

        private void skipSpace() {
            while (pos < n) {
                int ch = b[pos];
                if (ch == '\n') {
                    line++;
                    lineStart = pos + 1;
                    lineExtra = 0;
                } else if (ch != ' ' && ch != '\t' && ch != '\r') {
                    return;
                }
                pos++;
            }
        }

        private int peekOrEnd(String expected) {
            if (pos >= n) throw error("Unexpected end-of-input: " + expected);
            return b[pos];
        }

        /** The character at byte {@code at}: the first UTF-16 unit of its UTF-8 sequence (U+FFFD if malformed). */
        private char charAt(int at) {
            int ch = b[at];
            if (ch >= 0) return (char) ch;
            return new String(b, at, Math.min(n - at, 4), StandardCharsets.UTF_8).charAt(0);
        }

        private int col() {
            return pos - lineStart - lineExtra + 1;
        }

        /** The character at {@code pos} is not what the grammar allows there. */
        private SpecException unexpected(String expected) {
            return error("Unexpected character (" + describe(charAt(pos)) + "): " + expected);
        }

        private static String describe(char ch) {
            return (ch < 0x20 ? "CTRL-CHAR" : "'" + ch + "'") + " (code " + (int) ch + ")";
        }

        private SpecException error(String what) {
            return new SpecException(file + ": invalid JSON: " + what + at(line, col()));
        }
    }
}
