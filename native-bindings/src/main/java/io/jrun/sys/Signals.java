package io.jrun.sys;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Linux (x86_64) signal numbers and names, as accepted on the command line ({@code jrun kill ID SIGNAL}).
 *
 * <p>{@link #parse} takes a number, or a name with or without the {@code SIG} prefix in any case ({@code KILL},
 * {@code sigkill}, {@code SIGKILL}), including the aliases {@code IOT}, {@code CLD}, {@code POLL} and the
 * real-time names {@code RTMIN}, {@code RTMIN+1} .. {@code RTMIN+15}, {@code RTMAX-14} .. {@code RTMAX-1},
 * {@code RTMAX}. As with glibc, {@code SIGRTMIN} is 34: 32 and 33 are reserved by the C library for its own
 * threading and have no name. Anything else fails with {@code IllegalArgumentException("invalid signal: X")}.
 */
public final class Signals {
    private Signals() {}

    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGABRT = 6;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGUSR2 = 12;
    public static final int SIGPIPE = 13;
    public static final int SIGALRM = 14;
    public static final int SIGTERM = 15;
    public static final int SIGCHLD = 17;
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;
    public static final int SIGTSTP = 20;
    public static final int SIGWINCH = 28;
    public static final int SIGRTMIN = 34;
    public static final int SIGRTMAX = 64;

    /** Primary names of the standard signals 1..31, without the SIG prefix; index = number. */
    private static final String[] STANDARD = {
        null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
        "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
        "PROF", "WINCH", "IO", "PWR", "SYS",
    };

    /** Every accepted name (without SIG) to its number. */
    private static final Map<String, Integer> BY_NAME = new HashMap<>(128);

    static {
        for (int n = 1; n < STANDARD.length; n++) {
            BY_NAME.put(STANDARD[n], n);
        }
        BY_NAME.put("IOT", SIGABRT);
        BY_NAME.put("CLD", SIGCHLD);
        BY_NAME.put("POLL", 29);
        for (int n = SIGRTMIN; n <= SIGRTMAX; n++) {
            BY_NAME.put(rtName(n), n);
        }
    }

    /** RT signal names split at the middle, the way glibc's and Go's tables name them. */
    private static String rtName(int n) {
        if (n == SIGRTMIN) return "RTMIN";
        if (n == SIGRTMAX) return "RTMAX";
        int offset = n - SIGRTMIN;
        return offset <= 15 ? "RTMIN+" + offset : "RTMAX-" + (SIGRTMAX - n);
    }

    /**
     * The signal number for {@code raw}: a decimal number 1..64, or a name (see the class comment).
     *
     * @throws IllegalArgumentException {@code invalid signal: <raw>}
     */
    public static int parse(String raw) {
        Integer n = number(raw);
        if (n == null) {
            String upper = raw.toUpperCase(Locale.ROOT);
            n = BY_NAME.get(upper.startsWith("SIG") ? upper.substring(3) : upper);
        }
        if (n == null || n < 1 || n > SIGRTMAX) {
            throw new IllegalArgumentException("invalid signal: " + raw);
        }
        return n;
    }

    /**
     * The canonical name of {@code signal} with the SIG prefix ({@code SIGKILL}, {@code SIGRTMIN+3}), or
     * {@code "signal N"} for a number without a name (0, 32, 33, out of range), as Go prints those.
     */
    public static String name(int signal) {
        if (signal > 0 && signal < STANDARD.length) {
            return "SIG" + STANDARD[signal];
        }
        if (signal >= SIGRTMIN && signal <= SIGRTMAX) {
            return "SIG" + rtName(signal);
        }
        return "signal " + signal;
    }

    /**
     * An optionally signed run of ASCII digits as an int, else null. Integer.parseInt alone would also take
     * non-ASCII digits, which no other runtime accepts as a signal number.
     */
    private static Integer number(String s) {
        int start = !s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-') ? 1 : 0;
        if (s.length() == start || s.length() - start > 9) {
            return null; // nothing after the sign, or too long to fit an int without overflow checks
        }
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        return Integer.parseInt(s);
    }
}
