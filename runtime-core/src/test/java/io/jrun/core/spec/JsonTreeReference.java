package io.jrun.core.spec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.jrun.core.spec.JsonTree.Arr;
import io.jrun.core.spec.JsonTree.Bool;
import io.jrun.core.spec.JsonTree.Node;
import io.jrun.core.spec.JsonTree.Null;
import io.jrun.core.spec.JsonTree.Num;
import io.jrun.core.spec.JsonTree.Obj;
import io.jrun.core.spec.JsonTree.Str;

/**
 * The String-based reader JsonTree had until it read bytes: kept as the reference that JsonTreeDifferentialTest
 * compares the byte reader with (trees with their positions, and error messages, must be the same).
 */
final class JsonTreeReference {
    private JsonTreeReference() {}

    static final int MAX_DEPTH = JsonTree.MAX_DEPTH;

    /**
     * Parses one JSON document. Malformed input becomes {@code <file>: invalid JSON: <what> (line L, col C)}.
     * Bytes that are not UTF-8 read as U+FFFD, as Go's encoding/json (runc) reads them.
     */
    public static Node parse(byte[] data, String file) {
        return new Reader(new String(data, StandardCharsets.UTF_8), file).document();
    }

    public static String at(int line, int col) {
        return " (line " + line + ", col " + col + ")";
    }

    /** A recursive-descent reader over the decoded text; {@code pos} is the next character to read. */
    private static final class Reader {
        private final String text;
        private final String file;
        private int pos;
        private int line = 1;
        private int lineStart;
        private int depth;

        Reader(String text, String file) {
            this.text = text;
            this.file = file;
            if (text.startsWith("\uFEFF")) pos = 1; // a byte order mark before the document is skipped
        }

        Node document() {
            skipSpace();
            if (pos >= text.length()) throw new SpecException(file + ": invalid JSON: empty document" + at(1, 1));
            Node root = value();
            skipSpace();
            if (pos < text.length()) throw error("unexpected data after the top-level value");
            return root;
        }

        private Node value() {
            int l = line;
            int c = col();
            char ch = peekOrEnd("expected a value");
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
                    throw unexpected(ch, "expected a value");
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
                char ch = peekOrEnd("expected a field name");
                if (ch != '"') throw unexpected(ch, "was expecting double-quote to start field name");
                String name = string();
                skipSpace();
                ch = peekOrEnd("expected ':'");
                if (ch != ':') throw unexpected(ch, "was expecting a colon to separate field name and value");
                pos++;
                skipSpace();
                members.put(name, value());
                skipSpace();
                ch = peekOrEnd("expected ',' or '}'");
                pos++;
                if (ch == '}') break;
                if (ch != ',') {
                    pos--;
                    throw unexpected(ch, "was expecting comma to separate Object entries");
                }
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
                char ch = peekOrEnd("expected ',' or ']'");
                pos++;
                if (ch == ']') break;
                if (ch != ',') {
                    pos--;
                    throw unexpected(ch, "was expecting comma to separate Array entries");
                }
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
            while (true) {
                if (pos >= text.length()) throw error("Unexpected end-of-input in a string value");
                char ch = text.charAt(pos);
                if (ch == '"') {
                    String run = text.substring(runStart, pos);
                    pos++;
                    return sb == null ? run : sb.append(run).toString();
                }
                if (ch < 0x20) {
                    throw error("Illegal unquoted character (code " + (int) ch
                            + "): has to be escaped using backslash to be included in string value");
                }
                if (ch != '\\') {
                    pos++;
                    continue;
                }
                if (sb == null) sb = new StringBuilder();
                sb.append(text, runStart, pos);
                pos++;
                if (pos >= text.length()) throw error("Unexpected end-of-input in a string value");
                char e = text.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> sb.append(hex4());
                    default -> {
                        pos--;
                        throw error("Unrecognized character escape " + describe(e));
                    }
                }
                runStart = pos;
            }
        }

        private char hex4() {
            if (pos + 4 > text.length()) throw error("Unexpected end-of-input in a \\u escape");
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(text.charAt(pos), 16);
                if (d < 0) throw error("expected a hex-digit for character escape sequence");
                v = v * 16 + d;
                pos++;
            }
            return (char) v; // a surrogate pair is two escapes, and two chars in Java too
        }

        /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, kept as written. */
        private Num number(int l, int c) {
            int start = pos;
            boolean integral = true;
            if (text.charAt(pos) == '-') pos++;
            if (pos < text.length() && text.charAt(pos) == '0') {
                pos++;
                if (pos < text.length() && isDigit(text.charAt(pos))) {
                    throw error("Invalid numeric value: Leading zeroes not allowed");
                }
            } else {
                digits("Invalid numeric value: expected a digit");
            }
            if (pos < text.length() && text.charAt(pos) == '.') {
                integral = false;
                pos++;
                digits("Invalid numeric value: expected a digit after the decimal point");
            }
            if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
                integral = false;
                pos++;
                if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) pos++;
                digits("Invalid numeric value: expected a digit in the exponent");
            }
            if (pos < text.length() && Character.isLetter(text.charAt(pos))) {
                throw error("Unrecognized token '" + token(start) + "': was expecting a number");
            }
            return new Num(text.substring(start, pos), integral, l, c);
        }

        private void digits(String missing) {
            int start = pos;
            while (pos < text.length() && isDigit(text.charAt(pos))) pos++;
            if (pos == start) {
                if (pos >= text.length()) throw error("Unexpected end-of-input in a number");
                throw error(missing);
            }
        }

        private static boolean isDigit(char ch) {
            return ch >= '0' && ch <= '9';
        }

        private void literal(String word) {
            int start = pos;
            if (text.startsWith(word, pos)) {
                pos += word.length();
                if (pos >= text.length() || !Character.isLetterOrDigit(text.charAt(pos))) return;
            }
            pos = start;
            throw error("Unrecognized token '" + token(start)
                    + "': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
        }

        /** The word starting at {@code start}, for messages: its first character and the letters or digits after it. */
        private String token(int start) {
            int end = Math.min(start + 1, text.length());
            while (end < text.length() && end - start < 32 && Character.isLetterOrDigit(text.charAt(end))) end++;
            return text.substring(start, end);
        }

        private void skipSpace() {
            while (pos < text.length()) {
                char ch = text.charAt(pos);
                if (ch == '\n') {
                    line++;
                    lineStart = pos + 1;
                } else if (ch != ' ' && ch != '\t' && ch != '\r') {
                    return;
                }
                pos++;
            }
        }

        private char peekOrEnd(String expected) {
            if (pos >= text.length()) throw error("Unexpected end-of-input: " + expected);
            return text.charAt(pos);
        }

        private int col() {
            return pos - lineStart + 1;
        }

        private SpecException unexpected(char ch, String expected) {
            return error("Unexpected character (" + describe(ch) + "): " + expected);
        }

        private static String describe(char ch) {
            return (ch < 0x20 ? "CTRL-CHAR" : "'" + ch + "'") + " (code " + (int) ch + ")";
        }

        private SpecException error(String what) {
            return new SpecException(file + ": invalid JSON: " + what + at(line, col()));
        }
    }
}
