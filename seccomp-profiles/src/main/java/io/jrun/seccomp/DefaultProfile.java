package io.jrun.seccomp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * jrun's default seccomp profile ({@code jrun-default.json}), resolved for a capability set.
 *
 * <p>The OCI spec has no conditional rules, so the capability- and arch-dependent parts of the profile are
 * decided here and the result is a plain OCI-shaped profile. This module cannot see runtime-core's Spec, so
 * it returns its own small records; runtime-core converts them.
 */
public final class DefaultProfile {
    private DefaultProfile() {}

    public record Arg(int index, long value, long valueTwo, String op) {}

    public record Rule(List<String> names, String action, Long errnoRet, List<Arg> args) {}

    public record Profile(String defaultAction, Long defaultErrnoRet, List<String> architectures,
                          List<String> flags, List<Rule> syscalls) {}

    /** A rule of the resource with its conditions still attached. */
    private record Template(Rule rule, List<String> requiresCaps, List<String> unlessCaps,
                            List<String> arches, List<String> notArches) {}

    private record Parsed(String defaultAction, Long defaultErrnoRet, List<Template> rules) {}

    // Parsed once, on first use: the JSON is ~10 KB and most jrun commands (state, kill, ...) never need it.
    private static final class Holder {
        static final Parsed PARSED = parse();
    }

    /** The profile for a process with these (bounding-set) capabilities on the native arch. */
    public static Profile forCapabilities(Set<String> caps) {
        Arch a = Arch.nativeArch();
        if (a == null) throw new IllegalStateException("no seccomp support for os.arch " + System.getProperty("os.arch"));
        return forCapabilities(caps, a);
    }

    /** The profile for a process with these capabilities on a kernel whose native arch is {@code nativeArch}. */
    public static Profile forCapabilities(Set<String> caps, Arch nativeArch) {
        Parsed p = Holder.PARSED;
        List<Rule> rules = new ArrayList<>();
        for (Template t : p.rules()) {
            if (!caps.containsAll(t.requiresCaps())) continue;
            if (t.unlessCaps().stream().anyMatch(caps::contains)) continue;
            if (!t.arches().isEmpty() && !t.arches().contains(nativeArch.scmpName())) continue;
            if (t.notArches().contains(nativeArch.scmpName())) continue;
            rules.add(t.rule());
        }
        List<String> arches = nativeArch.compatible().stream().map(Arch::scmpName).toList();
        return new Profile(p.defaultAction(), p.defaultErrnoRet(), arches, List.of(), List.copyOf(rules));
    }

    private static Parsed parse() {
        try (InputStream in = DefaultProfile.class.getResourceAsStream("jrun-default.json")) {
            if (in == null) throw new IllegalStateException("jrun-default.json missing from seccomp-profiles");
            try (JsonParser jp = new JsonFactory().createParser(in)) {
                expect(jp.nextToken(), JsonToken.START_OBJECT, jp);
                String defaultAction = null;
                Long defaultErrnoRet = null;
                List<Template> rules = new ArrayList<>();
                while (jp.nextToken() == JsonToken.FIELD_NAME) {
                    String f = jp.currentName();
                    jp.nextToken();
                    switch (f) {
                        case "defaultAction" -> defaultAction = jp.getText();
                        case "defaultErrnoRet" -> defaultErrnoRet = jp.getLongValue();
                        case "syscalls" -> {
                            expect(jp.currentToken(), JsonToken.START_ARRAY, jp);
                            while (jp.nextToken() == JsonToken.START_OBJECT) rules.add(template(jp));
                        }
                        default -> jp.skipChildren();
                    }
                }
                return new Parsed(defaultAction, defaultErrnoRet, List.copyOf(rules));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading jrun-default.json", e);
        }
    }

    private static Template template(JsonParser jp) throws IOException {
        List<String> names = List.of(), req = List.of(), unless = List.of(), arches = List.of(), notArches = List.of();
        List<Arg> args = List.of();
        String action = null;
        Long errnoRet = null;
        while (jp.nextToken() == JsonToken.FIELD_NAME) {
            String f = jp.currentName();
            jp.nextToken();
            switch (f) {
                case "names" -> names = strings(jp);
                case "action" -> action = jp.getText();
                case "errnoRet" -> errnoRet = jp.getLongValue();
                case "requiresCaps" -> req = strings(jp);
                case "unlessCaps" -> unless = strings(jp);
                case "arches" -> arches = strings(jp);
                case "notArches" -> notArches = strings(jp);
                case "args" -> {
                    List<Arg> a = new ArrayList<>();
                    while (jp.nextToken() == JsonToken.START_OBJECT) {
                        int index = 0;
                        long value = 0, valueTwo = 0;
                        String op = null;
                        while (jp.nextToken() == JsonToken.FIELD_NAME) {
                            String g = jp.currentName();
                            jp.nextToken();
                            switch (g) {
                                case "index" -> index = jp.getIntValue();
                                // uint64 in JSON: parse via BigInteger so values >= 2^63 keep their bits
                                case "value" -> value = jp.getBigIntegerValue().longValue();
                                case "valueTwo" -> valueTwo = jp.getBigIntegerValue().longValue();
                                case "op" -> op = jp.getText();
                                default -> jp.skipChildren();
                            }
                        }
                        a.add(new Arg(index, value, valueTwo, op));
                    }
                    args = List.copyOf(a);
                }
                default -> jp.skipChildren();
            }
        }
        return new Template(new Rule(names, action, errnoRet, args), req, unless, arches, notArches);
    }

    private static List<String> strings(JsonParser jp) throws IOException {
        expect(jp.currentToken(), JsonToken.START_ARRAY, jp);
        List<String> out = new ArrayList<>();
        while (jp.nextToken() == JsonToken.VALUE_STRING) out.add(jp.getText());
        return List.copyOf(out);
    }

    private static void expect(JsonToken got, JsonToken want, JsonParser jp) {
        if (got != want) {
            throw new IllegalStateException("jrun-default.json: expected " + want + " but found " + got
                    + " at " + jp.currentLocation());
        }
    }
}
