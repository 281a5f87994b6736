package io.jrun.core.launch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The config fuzzer's findings as plain tests (docs/fuzzing.md "Findings"): one reproducer per pending invariant and
 * per known finding. Those still listed in {@link ConfigPath#AWAITING_VALIDATION} or {@link ConfigPath#KNOWN_FINDINGS}
 * are skipped, with a reason that says whether they still reproduce; the others must pass the oracles.
 */
class ConfigFindingsTest {
    @ParameterizedTest
    @EnumSource(ConfigPath.Invariant.class)
    void validationRefusesWhatBreaksAnInvariant(ConfigPath.Invariant i) {
        ConfigPath.Outcome o = ConfigPath.run(reproducer(i.reproducer));
        if (ConfigPath.AWAITING_VALIDATION.contains(i)) {
            abort("enable after h-validation merges (ConfigPath.AWAITING_VALIDATION); " + i.reproducer
                    + (o.accepted() ? " is still accepted" : " is refused now: " + o.error().getMessage()));
        }
        assertFalse(o.accepted(), i.reproducer + " was accepted");
        assertNull(ConfigPath.violation(o));
    }

    @ParameterizedTest
    @EnumSource(ConfigPath.KnownFinding.class)
    void findingIsFixed(ConfigPath.KnownFinding f) {
        ConfigPath.Outcome o = ConfigPath.run(reproducer(f.reproducer));
        if (ConfigPath.KNOWN_FINDINGS.contains(f)) {
            abort("known finding (ConfigPath.KNOWN_FINDINGS): " + (f.matches.test(o) ? "still reproduces"
                    : "FIXED, remove it from KNOWN_FINDINGS"));
        }
        assertNull(ConfigPath.violation(o));
    }

    /**
     * The reproducers themselves: refused with the project's own error (by the reader, as NUL now is, or by
     * validation), or break their invariant wherever they are accepted.
     */
    @ParameterizedTest
    @EnumSource(ConfigPath.Invariant.class)
    void reproducerBreaksItsInvariant(ConfigPath.Invariant i) {
        ConfigPath.Outcome o = ConfigPath.run(reproducer(i.reproducer));
        if (o.spec() == null) {
            assertTrue(o.error() instanceof io.jrun.core.JrunException, i.reproducer + " does not read: " + o.error());
            return;
        }
        assertTrue(!o.accepted() || ConfigPath.violated(o).contains(i), i.reproducer + " does not break " + i);
    }

    static byte[] reproducer(String name) {
        try (InputStream in = ConfigFindingsTest.class.getResourceAsStream("/fuzz/findings/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource fuzz/findings/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
