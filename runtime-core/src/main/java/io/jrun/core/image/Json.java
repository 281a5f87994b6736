package io.jrun.core.image;

import io.jrun.core.spec.JsonTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Typed access to the image's JSON documents; every error names the document and the field. */
final class Json {
    private Json() {}

    static JsonTree.Obj obj(JsonTree.Node n, String where) {
        if (n instanceof JsonTree.Obj o) return o;
        throw new ImageException(where + ": must be an object");
    }

    static JsonTree.Obj objOrNull(JsonTree.Obj o, String key, String where) {
        JsonTree.Node n = o.members().get(key);
        return n == null || n instanceof JsonTree.Null ? null : obj(n, where + "." + key);
    }

    static String str(JsonTree.Obj o, String key, String where, boolean required) {
        JsonTree.Node n = o.members().get(key);
        if (n == null || n instanceof JsonTree.Null) {
            if (required) throw new ImageException(where + "." + key + ": required");
            return null;
        }
        if (n instanceof JsonTree.Str s) return s.value();
        throw new ImageException(where + "." + key + ": must be a string");
    }

    static long size(JsonTree.Obj o, String key, String where) {
        JsonTree.Node n = o.members().get(key);
        if (n instanceof JsonTree.Num num && num.integral()) {
            try {
                long v = Long.parseLong(num.text());
                if (v >= 0) return v;
            } catch (NumberFormatException ignored) {
                // falls through to the error
            }
        }
        throw new ImageException(where + "." + key + ": must be a non-negative integer");
    }

    /** A list of strings; null when absent or null (Cmd and Entrypoint tell absent from empty). */
    static List<String> strList(JsonTree.Obj o, String key, String where) {
        JsonTree.Node n = o.members().get(key);
        if (n == null || n instanceof JsonTree.Null) return null;
        if (!(n instanceof JsonTree.Arr a)) throw new ImageException(where + "." + key + ": must be an array of strings");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.items().size(); i++) {
            if (!(a.items().get(i) instanceof JsonTree.Str s)) {
                throw new ImageException(where + "." + key + "[" + i + "]: must be a string");
            }
            out.add(s.value());
        }
        return out;
    }

    static List<JsonTree.Node> arr(JsonTree.Obj o, String key, String where) {
        JsonTree.Node n = o.members().get(key);
        if (n == null || n instanceof JsonTree.Null) return List.of();
        if (n instanceof JsonTree.Arr a) return a.items();
        throw new ImageException(where + "." + key + ": must be an array");
    }

    static Map<String, String> strMap(JsonTree.Obj o, String key, String where) {
        JsonTree.Node n = o.members().get(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null || n instanceof JsonTree.Null) return out;
        for (Map.Entry<String, JsonTree.Node> e : obj(n, where + "." + key).members().entrySet()) {
            if (!(e.getValue() instanceof JsonTree.Str s)) {
                throw new ImageException(where + "." + key + "." + e.getKey() + ": must be a string");
            }
            out.put(e.getKey(), s.value());
        }
        return out;
    }
}
