package io.jrun.core.spec;

import static io.jrun.core.spec.SpecTestSupport.config;
import static io.jrun.core.spec.SpecTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpecWriterTest {

    @ParameterizedTest
    @FieldSource("io.jrun.core.spec.SpecTestSupport#CREATE_CONFIGS")
    void clientConfigsRoundTrip(String name) {
        Spec s = config(name);
        assertEquals(s, SpecReader.parseConfig(SpecWriter.write(s)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"spec/all-fields.json", "spec/runc-1.1.5-spec.json", "spec/runc-1.1.5-spec-rootless.json"})
    void otherFixturesRoundTrip(String name) {
        Spec s = config(name);
        String out = SpecWriter.write(s);
        assertEquals(s, SpecReader.parseConfig(out));
        // and writing is stable
        assertEquals(out, SpecWriter.write(SpecReader.parseConfig(out)));
    }

    @ParameterizedTest
    @FieldSource("io.jrun.core.spec.SpecTestSupport#EXEC_PROCESSES")
    void execProcessesRoundTrip(String name) {
        Spec.Process p = SpecReader.parseProcess(resource(name));
        assertEquals(p, SpecReader.parseProcess(SpecWriter.writeProcess(p)));
    }

    @Test
    void defaultSpecsRoundTrip() {
        Spec d = DefaultSpec.create();
        assertEquals(d, SpecReader.parseConfig(SpecWriter.write(d)));
        Spec r = DefaultSpec.rootless(1000, 1000);
        assertEquals(r, SpecReader.parseConfig(SpecWriter.write(r)));
    }

    @Test
    void layoutMatchesRuncSpecOutput() {
        // runc's own output parsed and re-written is byte-identical: same member order, tabs, "key": value.
        String runc = resource("spec/runc-1.1.5-spec.json");
        assertEquals(runc.strip(), SpecWriter.write(SpecReader.parseConfig(runc)));
        String rootless = resource("spec/runc-1.1.5-spec-rootless.json");
        assertEquals(rootless.strip(), SpecWriter.write(SpecReader.parseConfig(rootless)));
    }

    @Test
    void uint64IsWrittenUnsigned() {
        String out = SpecWriter.write(config("spec/all-fields.json"));
        assertTrue(out.contains("\"hard\": 18446744073709551615"), out);
        assertTrue(out.contains("\"value\": 18446744073709551615"), out);
        // int64 -1 stays -1
        assertTrue(out.contains("\"limit\": -1"), out);
        assertTrue(out.contains("\"idle\": 1"), out);
    }

    @Test
    void nullsAndEmptyOptionalsAreOmittedButEmptyCapabilitySetsKept() {
        Spec s = SpecReader.parseConfig("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
                + "\"capabilities\":{\"bounding\":[]}},\"linux\":{}}");
        String out = SpecWriter.write(s);
        assertFalse(out.contains("null"), out);
        assertFalse(out.contains("mounts"), out);
        assertFalse(out.contains("annotations"), out);
        assertFalse(out.contains("effective"), out);
        assertTrue(out.contains("\"bounding\": []"), out);
        assertTrue(out.contains("\"linux\": {}"), out);
        assertEquals(s, SpecReader.parseConfig(out));
    }

    @Test
    void unsupportedSectionsSurviveRoundTrip() {
        Spec s = SpecReader.parseConfig("{\"ociVersion\":\"1.2.0\",\"solaris\":{\"milestone\":\"x\"}}");
        assertEquals(List.of("solaris"), SpecReader.parseConfig(SpecWriter.write(s)).unsupportedSections());
    }

    @Test
    void specialKeysAreWrittenWithSpecNames() {
        String out = SpecWriter.write(config("spec/all-fields.json"));
        assertTrue(out.contains("\"class\": \"IOPRIO_CLASS_BE\""), out);
        assertTrue(out.contains("\"final\": \"2\""), out);
    }
}
