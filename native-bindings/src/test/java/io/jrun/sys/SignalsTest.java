package io.jrun.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SignalsTest {

    @ParameterizedTest
    @CsvSource({
        "9, 9", "KILL, 9", "kill, 9", "SIGKILL, 9", "sigkill, 9", "SigTerm, 15", "TERM, 15", "15, 15",
        "HUP, 1", "SIGSYS, 31", "STKFLT, 16", "IOT, 6", "CLD, 17", "POLL, 29", "IO, 29", "PWR, 30", "WINCH, 28",
        "RTMIN, 34", "SIGRTMIN, 34", "rtmin+3, 37", "RTMIN+15, 49", "RTMAX-14, 50", "RTMAX-2, 62",
        "sigrtmax-1, 63", "RTMAX, 64", "64, 64", "1, 1", "+9, 9", "32, 32", "33, 33",
    })
    void parses(String raw, int expected) {
        assertEquals(expected, Signals.parse(raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "FOO", "", "SIG", "0", "65", "-9", "SIG32", "RTMIN+16", "RTMAX-15", "RTMIN+0", "RTMAX+1", "SIGSIGKILL",
        " KILL", "KILL ", "9x", "99999999999", "\u0669", "SIGRTMIN+", "+",
    })
    void rejects(String raw) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Signals.parse(raw));
        assertEquals("invalid signal: " + raw, e.getMessage());
    }

    @Test
    void messageNamesTheInputVerbatim() {
        assertEquals("invalid signal: FOO",
                assertThrows(IllegalArgumentException.class, () -> Signals.parse("FOO")).getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "1, SIGHUP", "6, SIGABRT", "9, SIGKILL", "17, SIGCHLD", "29, SIGIO", "31, SIGSYS", "34, SIGRTMIN",
        "37, SIGRTMIN+3", "49, SIGRTMIN+15", "50, SIGRTMAX-14", "62, SIGRTMAX-2", "64, SIGRTMAX",
        "0, signal 0", "32, signal 32", "33, signal 33", "65, signal 65", "-1, signal -1",
    })
    void names(int signal, String expected) {
        assertEquals(expected, Signals.name(signal));
    }

    @Test
    void everyNamedSignalRoundTrips() {
        for (int n = 1; n <= 64; n++) {
            if (n == 32 || n == 33) {
                continue;
            }
            assertEquals(n, Signals.parse(Signals.name(n)), Signals.name(n));
            assertEquals(n, Signals.parse(Signals.name(n).substring(3).toLowerCase()), Signals.name(n));
        }
    }
}
