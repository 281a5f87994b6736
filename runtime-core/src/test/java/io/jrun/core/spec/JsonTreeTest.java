package io.jrun.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jrun.core.spec.JsonTree.Arr;
import io.jrun.core.spec.JsonTree.Bool;
import io.jrun.core.spec.JsonTree.Node;
import io.jrun.core.spec.JsonTree.Null;
import io.jrun.core.spec.JsonTree.Num;
import io.jrun.core.spec.JsonTree.Obj;
import io.jrun.core.spec.JsonTree.Str;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written JSON reader behind config.json, process.json and state.json (RFC 8259). */
class JsonTreeTest {
    private static Node parse(String json) {
        return JsonTree.parse(json.getBytes(StandardCharsets.UTF_8), "t.json");
    }

    private static String error(String json) {
        return assertThrows(SpecException.class, () -> parse(json)).getMessage();
    }

    @Test
    void readsEveryKindOfValueWithItsPosition() {
        Obj o = assertInstanceOf(Obj.class, parse("{\"a\": [1, -2.5e3, \"x\"],\n  \"b\": true, \"c\": false, \"d\": null}"));
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(o.members().keySet()));
        Arr a = assertInstanceOf(Arr.class, o.members().get("a"));
        assertEquals(new Num("1", true, 1, 8), a.items().get(0));
        assertEquals(new Num("-2.5e3", false, 1, 11), a.items().get(1));
        assertEquals(new Str("x", 1, 19), a.items().get(2));
        assertEquals(new Bool(true, 2, 8), o.members().get("b"));
        assertEquals(new Bool(false, 2, 19), o.members().get("c"));
        assertEquals(new Null(2, 31), o.members().get("d"));
        assertEquals(1, o.line());
        assertEquals(1, o.col());
    }

    @Test
    void decodesEscapesAndSurrogatePairs() {
        Str s = assertInstanceOf(Str.class, parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00\""));
        assertEquals("q\" b\\ s/ \b\f\n\r\t \u00e9 \ud83d\ude00", s.value());
        assertEquals("h\u00e9", assertInstanceOf(Str.class, parse("\"h\u00e9\"")).value());
    }

    @Test
    void repeatedKeyKeepsTheLastValueAsGoDoes() {
        Obj o = assertInstanceOf(Obj.class, parse("{\"k\": 1, \"k\": 2}"));
        assertEquals("2", assertInstanceOf(Num.class, o.members().get("k")).text());
    }

    @Test
    void skipsAByteOrderMarkAndSurroundingSpace() {
        assertInstanceOf(Obj.class, parse("\ufeff \r\n\t{ } \n"));
    }

    @Test
    void malformedInputNamesWhatAndWhere() {
        assertEquals("t.json: invalid JSON: Unexpected character (']' (code 93)): expected a value (line 1, col 5)",
                error("[1, ]"));
        assertEquals("t.json: invalid JSON: Unexpected character ('}' (code 125)): was expecting double-quote to start"
                + " field name (line 1, col 8)", error("{\"a\":1,}"));
        assertEquals("t.json: invalid JSON: Unexpected character ('1' (code 49)): was expecting a colon to separate"
                + " field name and value (line 2, col 5)", error("{\n\"a\" 1}"));
        assertEquals("t.json: invalid JSON: Unexpected character ('2' (code 50)): was expecting comma to separate"
                + " Array entries (line 1, col 4)", error("[1 2]"));
        assertEquals("t.json: invalid JSON: Unexpected character ('\"' (code 34)): was expecting comma to separate"
                + " Object entries (line 1, col 8)", error("{\"a\":1 \"b\":2}"));
        assertTrue(error("{\"a\": ").startsWith("t.json: invalid JSON: Unexpected end-of-input"));
        assertTrue(error("\"abc").startsWith("t.json: invalid JSON: Unexpected end-of-input in a string value"));
        assertEquals("t.json: invalid JSON: Invalid numeric value: Leading zeroes not allowed (line 1, col 2)", error("01"));
        assertTrue(error("1.").contains("Unexpected end-of-input in a number"));
        assertTrue(error("-x").contains("expected a digit"));
        assertTrue(error("[tru]").contains("Unrecognized token 'tru'"));
        assertTrue(error("[nullx]").contains("Unrecognized token 'nullx'"));
        assertTrue(error("12abc").contains("Unrecognized token '12abc'"));
        assertTrue(error("\"a\\qb\"").contains("Unrecognized character escape 'q' (code 113)"));
        assertTrue(error("\"\\u12g4\"").contains("hex-digit"));
        assertTrue(error("\"a\nb\"").contains("Illegal unquoted character (code 10)"));
        assertTrue(error("[1] [2]").startsWith("t.json: invalid JSON: unexpected data after the top-level value (line 1, col 5)"));
        assertEquals("t.json: invalid JSON: empty document (line 1, col 1)", error(" \n "));
        for (String bad : List.of("{", "[", "{\"a\"", "[1,", "{\"a\":1,", "nul", "'a'", "{a:1}", "[1,]", "+1", "1e", ".5")) {
            String m = error(bad);
            assertFalse(m.contains("\n"), m);
            assertTrue(m.matches("t\\.json: invalid JSON: .* \\(line \\d+, col \\d+\\)"), m);
        }
    }

    @Test
    void nestingIsBounded() {
        String deep = "[".repeat(JsonTree.MAX_DEPTH + 1) + "]".repeat(JsonTree.MAX_DEPTH + 1);
        assertTrue(error(deep).contains("nesting depth exceeds the maximum allowed (1000)"));
        String ok = "[".repeat(JsonTree.MAX_DEPTH) + "]".repeat(JsonTree.MAX_DEPTH);
        assertInstanceOf(Arr.class, parse(ok));
    }

    @Test
    void invalidUtf8ReadsAsReplacementCharacterAsGoDoes() {
        byte[] b = {'"', 'a', (byte) 0xff, 'b', '"'};
        assertEquals("a\ufffdb", assertInstanceOf(Str.class, JsonTree.parse(b, "t.json")).value());
    }
}
