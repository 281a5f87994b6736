package io.jrun.core;

/** JSON string escaping (RFC 8259 §7), the one implementation every hand-written JSON output uses. */
public final class Json {
    private Json() {}

    /** The escaped body of a JSON string (no surrounding quotes). */
    public static String escape(String s) {
        return appendEscaped(new StringBuilder(s.length() + 8), s).toString();
    }

    /** {@code "s"} with escapes: also safe inside one-line messages and logrus' quoted text values. */
    public static String quote(String s) {
        return appendEscaped(new StringBuilder(s.length() + 10).append('"'), s).append('"').toString();
    }

    /** The most characters of a value an error message quotes (hardening issue: values of 1-4 KB were echoed). */
    public static final int MAX_QUOTED = 100;

    /**
     * How every error message quotes a value from the user: {@link #quote}d, and cut after {@link #MAX_QUOTED}
     * characters with "..." (ASCII: stderr's encoding follows the locale, and "…" reads "?" under LANG=C), so
     * that a message stays one short line whatever the value holds.
     */
    public static String quoteValue(String s) {
        if (s.length() <= MAX_QUOTED) return quote(s);
        int end = Character.isHighSurrogate(s.charAt(MAX_QUOTED - 1)) ? MAX_QUOTED - 1 : MAX_QUOTED;
        return appendEscaped(new StringBuilder(MAX_QUOTED + 16).append('"'), s.substring(0, end)).append("...\"").toString();
    }

    public static StringBuilder appendQuoted(StringBuilder b, String s) {
        return appendEscaped(b.append('"'), s).append('"');
    }

    private static StringBuilder appendEscaped(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b;
    }
}
