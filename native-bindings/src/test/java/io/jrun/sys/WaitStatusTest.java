package io.jrun.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WaitStatusTest {

    @Test
    void exited() {
        int status = 7 << 8;
        assertTrue(WaitStatus.exited(status));
        assertFalse(WaitStatus.signaled(status));
        assertEquals(7, WaitStatus.exitStatus(status));
        assertEquals(7, WaitStatus.shellCode(status));
    }

    @Test
    void killed() {
        int status = 9 | 0x80; // SIGKILL, core flag
        assertFalse(WaitStatus.exited(status));
        assertTrue(WaitStatus.signaled(status));
        assertTrue(WaitStatus.coreDumped(status));
        assertEquals(9, WaitStatus.termSignal(status));
        assertEquals(137, WaitStatus.shellCode(status));
    }

    @Test
    void stopped() {
        int status = (19 << 8) | 0x7f;
        assertTrue(WaitStatus.stopped(status));
        assertFalse(WaitStatus.signaled(status));
        assertFalse(WaitStatus.exited(status));
    }
}
