package io.jrun.core.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON tree built with jackson-core's streaming parser, in which every value remembers the line and
 * column where it starts. Binding errors can then say where the bad value is, which a streaming bind cannot do
 * once it has moved on, and databind is too slow to start (architecture brief section 2).
 */
final class JsonTree {
    private JsonTree() {}

    /** Created once: a JsonFactory is thread-safe and costly enough to build that it should not be per call. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    static JsonFactory factory() {
        return FACTORY;
    }

    sealed interface Node permits Obj, Arr, Str, Num, Bool, Null {
        int line();

        int col();
    }

    /** Members in document order; a repeated key keeps its last value, as Go's encoding/json (runc) does. */
    record Obj(Map<String, Node> members, int line, int col) implements Node {}

    record Arr(List<Node> items, int line, int col) implements Node {}

    record Str(String value, int line, int col) implements Node {}

    /** The number as written; {@code integral} is false for fractions and exponents. */
    record Num(String text, boolean integral, int line, int col) implements Node {}

    record Bool(boolean value, int line, int col) implements Node {}

    record Null(int line, int col) implements Node {}

    /**
     * Parses one JSON document. Malformed input becomes {@code <file>: invalid JSON: <what> (line L, col C)}.
     */
    static Node parse(byte[] data, String file) {
        try (JsonParser p = FACTORY.createParser(data)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new SpecException(file + ": invalid JSON: empty document (line 1, col 1)");
            }
            Node root = read(p, t);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                JsonLocation l = p.currentTokenLocation();
                throw new SpecException(file + ": invalid JSON: unexpected data after the top-level value"
                        + at(l.getLineNr(), l.getColumnNr()));
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            int line = l == null ? 0 : l.getLineNr();
            int col = l == null ? 0 : l.getColumnNr();
            throw new SpecException(file + ": invalid JSON: " + oneLine(e.getOriginalMessage()) + at(line, col), e);
        } catch (IOException e) {
            throw new SpecException(file + ": invalid JSON: " + oneLine(e.getMessage()), e);
        }
    }

    static String at(int line, int col) {
        return " (line " + line + ", col " + col + ")";
    }

    /** Jackson messages can span lines and repeat the location; the CLI contract wants one line. */
    private static String oneLine(String msg) {
        if (msg == null) {
            return "unknown error";
        }
        int nl = msg.indexOf('\n');
        String s = nl >= 0 ? msg.substring(0, nl) : msg;
        int src = s.indexOf(" (start marker at");
        if (src >= 0) {
            s = s.substring(0, src);
        }
        return s.strip();
    }

    private static Node read(JsonParser p, JsonToken t) throws IOException {
        JsonLocation l = p.currentTokenLocation();
        int line = l.getLineNr();
        int col = l.getColumnNr();
        switch (t) {
            case START_OBJECT: {
                Map<String, Node> m = new LinkedHashMap<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    m.put(name, read(p, p.nextToken()));
                }
                return new Obj(Collections.unmodifiableMap(m), line, col);
            }
            case START_ARRAY: {
                List<Node> items = new ArrayList<>();
                JsonToken v;
                while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(read(p, v));
                }
                return new Arr(Collections.unmodifiableList(items), line, col);
            }
            case VALUE_STRING:
                return new Str(p.getText(), line, col);
            case VALUE_NUMBER_INT:
                return new Num(p.getText(), true, line, col);
            case VALUE_NUMBER_FLOAT:
                return new Num(p.getText(), false, line, col);
            case VALUE_TRUE:
                return new Bool(true, line, col);
            case VALUE_FALSE:
                return new Bool(false, line, col);
            case VALUE_NULL:
                return new Null(line, col);
            default:
                // Jackson reports structural errors itself; anything else here is a parser state we did not expect.
                throw new SpecException("invalid JSON: unexpected token " + t + at(line, col));
        }
    }
}
