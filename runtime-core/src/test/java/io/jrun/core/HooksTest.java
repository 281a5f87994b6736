package io.jrun.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jrun.core.state.ContainerState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** runtime.md "State" as hooks get it on stdin. */
class HooksTest {
    @Test
    void stateJsonHasTheSpecFieldsEscaped() {
        ContainerState st = new ContainerState("1.2.0", "c1", 42, 1, "/b\"x", "/b/rootfs", "t", "", Map.of("k", "v\n"),
                Map.of(), true, "0", true);
        assertEquals("{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":42,"
                + "\"bundle\":\"/b\\\"x\",\"annotations\":{\"k\":\"v\\n\"}}", Hooks.stateJson(st, "creating", 42));
        assertEquals("{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"stopped\",\"bundle\":\"/b\\\"x\","
                + "\"annotations\":{\"k\":\"v\\n\"}}", Hooks.stateJson(st, "stopped", 0));
    }
}
