package io.jrun.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

    @Test
    void numbersFollowLinuxCapabilityH() {
        assertEquals(0, Capabilities.number("CAP_CHOWN"));
        assertEquals(5, Capabilities.number("CAP_KILL"));
        assertEquals(21, Capabilities.number("CAP_SYS_ADMIN"));
        assertEquals(29, Capabilities.number("CAP_AUDIT_WRITE"));
        assertEquals(37, Capabilities.number("CAP_AUDIT_READ"));
        assertEquals(40, Capabilities.number("CAP_CHECKPOINT_RESTORE"));
        assertEquals(41, Capabilities.names().size());
        assertEquals("CAP_BPF", Capabilities.name(39));
        assertEquals(-1, Capabilities.number("CAP_FOO"));
        assertFalse(Capabilities.isKnown("cap_chown"));
        assertThrows(IllegalArgumentException.class, () -> Capabilities.name(41));
    }

    @Test
    void masks() {
        assertEquals((1L << 29) | (1L << 5) | (1L << 10),
                Capabilities.mask(List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE")));
        assertEquals(0, Capabilities.mask(null));
        assertEquals(0x1ffffffffffL, Capabilities.ALL_MASK);
        assertEquals(Capabilities.ALL_MASK, Capabilities.mask(Capabilities.names()));
        assertThrows(IllegalArgumentException.class, () -> Capabilities.mask(List.of("CAP_NOPE")));
    }

    @Test
    void rlimitResources() {
        assertEquals(0, Rlimits.resource("RLIMIT_CPU"));
        assertEquals(6, Rlimits.resource("RLIMIT_NPROC"));
        assertEquals(7, Rlimits.resource("RLIMIT_NOFILE"));
        assertEquals(15, Rlimits.resource("RLIMIT_RTTIME"));
        assertEquals(-1, Rlimits.resource("RLIMIT_FOO"));
        assertEquals("RLIMIT_MEMLOCK", Rlimits.name(8));
        assertEquals(16, Rlimits.names().size());
    }
}
