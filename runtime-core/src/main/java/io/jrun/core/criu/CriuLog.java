package io.jrun.core.criu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a criu log into the one sentence jrun prints: the first error that made the dump or restore fail. criu
 * logs errors it recovers from too (the rlimit it cannot raise for itself, iptables programs the host does not
 * have when it saves a network namespace's rules), so those are passed over.
 */
final class CriuLog {
    private CriuLog() {}

    /** "(00.094364) Error (criu/files-reg.c:1790): Can't lookup mount=23 ..." and "  1: Error (...): ..." */
    private static final Pattern ERROR = Pattern.compile("Error \\([^)]*\\):\\s*(.*)$");

    /** Errors criu logs and goes on after: not why a dump or restore failed. */
    private static final List<String> BENIGN = List.of(
            "rlimit: Can't setup RLIMIT_NOFILE for self",
            "iptables", "ip6tables", "exited, status=1", "Can't keep kdat cache");

    static String reason(Path log, String fallback) {
        try {
            return firstError(Files.readAllLines(log, StandardCharsets.UTF_8), fallback);
        } catch (IOException e) {
            return fallback;
        }
    }

    static String firstError(List<String> lines, String fallback) {
        for (String line : lines) {
            Matcher m = ERROR.matcher(line);
            if (!m.find()) continue;
            String msg = m.group(1).trim();
            if (msg.isEmpty() || BENIGN.stream().anyMatch(msg::contains)) continue;
            return msg;
        }
        for (String line : lines) {
            if (line.contains("Error") || line.contains("FAILED")) return line.trim();
        }
        return fallback;
    }
}
