package io.jrun.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jrun.core.spec.Spec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** runc's exec defaults: the container's process, adjusted by exec's flags. */
class ExecEngineTest {
    private static final Spec.Process BASE = new Spec.Process(false, null,
            new Spec.User(0, 0, 022L, List.of(10L), null), List.of("sleep", "1"), null,
            List.of("PATH=/bin", "TERM=xterm"), "/", new Spec.Capabilities(List.of("CAP_KILL"), List.of("CAP_KILL"),
            List.of(), List.of("CAP_KILL"), List.of()), List.of(), false, null, null, null, null, null, null);

    private static ExecEngine.Overrides o(List<String> env, String user, List<Long> gids, String cwd, List<String> caps) {
        return new ExecEngine.Overrides(List.of("sh"), env, user, gids, cwd, caps, false, null, null, true);
    }

    @Test
    void flagsAdjustTheContainersProcess() {
        Spec.Process p = ExecEngine.fromArgs(BASE, o(List.of("TERM=dumb", "A=1"), "1000:1001", List.of(7L), "/tmp",
                List.of("CAP_SYS_ADMIN")));
        assertEquals(List.of("sh"), p.args());
        assertEquals(List.of("PATH=/bin", "TERM=dumb", "A=1"), p.env());
        assertEquals(1000, p.user().uid());
        assertEquals(1001, p.user().gid());
        assertEquals(022L, p.user().umask());
        assertEquals(List.of(7L), p.user().additionalGids());
        assertEquals("/tmp", p.cwd());
        assertEquals(List.of("CAP_KILL", "CAP_SYS_ADMIN"), p.capabilities().bounding());
        assertEquals(List.of("CAP_KILL", "CAP_SYS_ADMIN"), p.capabilities().permitted());
        assertTrue(p.noNewPrivileges());
    }

    @Test
    void uidAloneKeepsTheContainersGidAndDefaultsStay() {
        Spec.Process p = ExecEngine.fromArgs(BASE, o(List.of(), "5", List.of(), null, List.of()));
        assertEquals(5, p.user().uid());
        assertEquals(0, p.user().gid());
        assertEquals(List.of(10L), p.user().additionalGids());
        assertEquals("/", p.cwd());
        assertEquals(List.of("CAP_KILL"), p.capabilities().effective());
    }

    @Test
    void badUserIsRejected() {
        assertThrows(JrunException.class, () -> ExecEngine.fromArgs(BASE, o(List.of(), "bob", List.of(), null, List.of())));
    }
}
