package io.jrun.core.seccomp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.jrun.core.spec.Spec;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads linux.seccomp out of the client fixtures without depending on the (separately evolving) SpecReader. */
final class Fixtures {
    private Fixtures() {}

    static final Path CLIENT_SPECS = Path.of("/work/shared/reference/client-specs");

    static Path fixture(String name) {
        Path p = CLIENT_SPECS.resolve(name);
        if (Files.isRegularFile(p)) return p;
        // the repository's own copy when the shared tree is not mounted
        Path local = Path.of("src/test/resources/client-specs").resolve(name);
        return local;
    }

    static boolean present(String name) {
        return Files.isRegularFile(fixture(name));
    }

    @SuppressWarnings("unchecked")
    static Spec.Seccomp seccomp(String fixture) throws IOException {
        Map<String, Object> root = (Map<String, Object>) parse(Files.readString(fixture(fixture)));
        Map<String, Object> s = (Map<String, Object>) ((Map<String, Object>) root.get("linux")).get("seccomp");
        List<Spec.SyscallRule> rules = new ArrayList<>();
        for (Object o : (List<Object>) s.getOrDefault("syscalls", List.of())) {
            Map<String, Object> r = (Map<String, Object>) o;
            List<Spec.SyscallArg> args = new ArrayList<>();
            for (Object ao : (List<Object>) r.getOrDefault("args", List.of())) {
                Map<String, Object> a = (Map<String, Object>) ao;
                args.add(new Spec.SyscallArg(((Number) a.get("index")).intValue(), u64(a.get("value")), u64(a.get("valueTwo")), (String) a.get("op")));
            }
            rules.add(new Spec.SyscallRule((List<String>) r.get("names"), (String) r.get("action"),
                    r.get("errnoRet") == null ? null : ((Number) r.get("errnoRet")).longValue(), args));
        }
        return new Spec.Seccomp((String) s.get("defaultAction"),
                s.get("defaultErrnoRet") == null ? null : ((Number) s.get("defaultErrnoRet")).longValue(),
                (List<String>) s.get("architectures"), (List<String>) s.get("flags"), (String) s.get("listenerPath"),
                (String) s.get("listenerMetadata"), rules);
    }

    private static long u64(Object o) {
        if (o == null) return 0;
        return o instanceof BigInteger b ? b.longValue() : ((Number) o).longValue();
    }

    static Object parse(String json) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            p.nextToken();
            return value(p);
        }
    }

    private static Object value(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String k = p.currentName();
                    p.nextToken();
                    m.put(k, value(p));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) l.add(value(p));
                yield l;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getBigIntegerValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            default -> null;
        };
    }
}
