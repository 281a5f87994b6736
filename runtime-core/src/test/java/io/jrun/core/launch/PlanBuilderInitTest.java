package io.jrun.core.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jrun.core.InitOption;
import io.jrun.core.JrunException;
import io.jrun.core.spec.Spec;
import io.jrun.core.spec.SpecReader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** jrun's init: the INIT plan attribute only when asked for, by flag or annotation (docs/init.md). */
class PlanBuilderInitTest {
    private static final Path BUNDLE = Path.of("/b");

    private static Spec spec(String annotations) {
        return SpecReader.parseConfig("""
                {"ociVersion": "1.2.0", "process": {"args": ["sh"], "cwd": "/", "user": {"uid": 0, "gid": 0}},
                 "root": {"path": "rootfs"}, "linux": {"namespaces": [{"type": "mount"}, {"type": "pid"}]}%s}
                """.formatted(annotations == null ? "" : ", \"annotations\": " + annotations));
    }

    private static PlanDecoder plan(boolean init) {
        PlanBuilder.Context ctx = new PlanBuilder.Context("c1", BUNDLE, BUNDLE.resolve("rootfs"), BUNDLE.resolve("fifo"),
                null, 0, false, false, true, Map.of(), null, init);
        return new PlanDecoder(PlanBuilder.create(spec(null), ctx, new PlanBuilder.Lsm(false, false)));
    }

    @Test
    void initAttributeOnlyWhenAskedFor() {
        assertTrue(plan(true).types().contains(PlanWriter.INIT));
        assertFalse(plan(false).types().contains(PlanWriter.INIT), "nothing added without --init");
    }

    @Test
    void flagOrAnnotation() {
        assertFalse(InitOption.wanted(false, spec(null)));
        assertTrue(InitOption.wanted(true, spec(null)));
        assertTrue(InitOption.wanted(false, spec("{\"run.oci.jrun.init\": \"true\"}")));
        assertFalse(InitOption.wanted(false, spec("{\"run.oci.jrun.init\": \"false\"}")));
        assertTrue(InitOption.wanted(true, spec("{\"run.oci.jrun.init\": \"false\"}")), "the flag wins");
        JrunException e = assertThrows(JrunException.class,
                () -> InitOption.wanted(false, spec("{\"run.oci.jrun.init\": \"1\"}")));
        assertEquals("config.json: annotations[\"run.oci.jrun.init\"]: must be \"true\" or \"false\", not \"1\"",
                e.getMessage());
    }
}
