package io.jrun.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jrun.core.spec.Spec;
import io.jrun.core.spec.SpecException;
import io.jrun.core.spec.SpecReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceFlagsTest {
    private static Spec.Resources json(String s) {
        return SpecReader.parseResources(s.getBytes(StandardCharsets.UTF_8), "stdin");
    }

    @Test
    void ramUnitsAreBinaryAsInGoUnits() {
        assertEquals(32L << 20, ResourceFlags.ram("memory", "32m"));
        assertEquals(1L << 30, ResourceFlags.ram("memory", "1G"));
        assertEquals(512L << 10, ResourceFlags.ram("memory", "512KiB"));
        assertEquals(1536L << 20, ResourceFlags.ram("memory", "1.5g"));
        assertEquals(1048576, ResourceFlags.ram("memory", "1048576"));
        assertEquals(-1, ResourceFlags.ram("memory-swap", "-1"));
        JrunException e = assertThrows(JrunException.class, () -> ResourceFlags.ram("memory", "12q"));
        assertEquals("invalid value for memory: invalid size: '12q'", e.getMessage());
    }

    @Test
    void dockersStdinJsonParsesWithZerosKept() {
        Spec.Resources r = json("{\"memory\":{\"limit\":33554432,\"reservation\":0,\"kernel\":0},"
                + "\"cpu\":{\"shares\":0,\"quota\":0,\"period\":0},\"blockIO\":{\"weight\":0}}");
        assertEquals(33554432L, r.memory().limit());
        assertEquals(0L, r.cpu().shares());
        assertNull(r.pids());
    }

    @Test
    void aBadFieldIsNamed() {
        SpecException e = assertThrows(SpecException.class, () -> json("{\"memory\":{\"limit\":\"x\"}}"));
        assertTrue(e.getMessage().contains("memory.limit"), e.getMessage());
        assertThrows(SpecException.class, () -> json("[1]"));
    }

    @Test
    void flagsOverrideTheJsonFieldByField() {
        Spec.Resources base = json("{\"memory\":{\"limit\":33554432,\"swap\":67108864},\"cpu\":{\"shares\":512}}");
        Spec.Resources r = ResourceFlags.merge(base, Map.of("memory", "64m", "pids-limit", "10",
                "cpu-quota", "-1", "cpuset-cpus", "0-1", "blkio-weight", "300"));
        assertEquals(64L << 20, r.memory().limit());
        assertEquals(67108864L, r.memory().swap());
        assertEquals(512L, r.cpu().shares());
        assertEquals(-1L, r.cpu().quota());
        assertEquals("0-1", r.cpu().cpus());
        assertEquals(10, r.pids().limit());
        assertEquals(300, r.blockIO().weight());
    }

    @Test
    void flagsAloneLeaveOtherSectionsAbsent() {
        Spec.Resources r = ResourceFlags.merge(null, Map.of("pids-limit", "5"));
        assertNull(r.memory());
        assertNull(r.cpu());
        assertEquals(5, r.pids().limit());
    }

    @Test
    void badFlagValuesAndIntelRdtAreErrors() {
        assertEquals("invalid value for blkio-weight: value out of range", assertThrows(JrunException.class,
                () -> ResourceFlags.merge(null, Map.of("blkio-weight", "70000"))).getMessage());
        assertEquals("invalid value for cpu-period: invalid syntax", assertThrows(JrunException.class,
                () -> ResourceFlags.merge(null, Map.of("cpu-period", "abc"))).getMessage());
        assertTrue(assertThrows(JrunException.class, () -> ResourceFlags.merge(null, Map.of("mem-bw-schema", "MB:0=20")))
                .getMessage().contains("not supported"));
    }

    @Test
    void oomCounterAndEventJson() {
        assertEquals(3, ContainerControl.parseKey("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", "oom_kill"));
        assertEquals(0, ContainerControl.parseKey("low 0\nhigh 0\n", "oom_kill"));
        assertEquals("{\"type\":\"oom\",\"id\":\"a\\\"b\"}", ContainerControl.event("oom", "a\"b", null));
        assertEquals("{\"type\":\"stats\",\"id\":\"c\",\"data\":{}}", ContainerControl.event("stats", "c", "{}"));
    }
}
