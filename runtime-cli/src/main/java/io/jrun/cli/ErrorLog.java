package io.jrun.cli;

import io.jrun.core.Timestamps;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * runc-compatible error logging. containerd and conmon pass {@code --log F --log-format json} and, on a
 * non-zero exit, take the last {@code "level":"error"} line's msg as the error text; with
 * {@code --log-format text} the line is logrus' text form. Written directly (no logging framework): this is on
 * the path of every failing call, and a framework would cost more start-up than the call itself.
 */
final class ErrorLog {
    private ErrorLog() {}

    static void write(String logFile, String format, String level, String msg) {
        if (logFile == null || logFile.isEmpty()) return;
        String line = "json".equals(format)
                ? "{\"level\":\"" + level + "\",\"msg\":\"" + escape(msg) + "\",\"time\":\"" + Timestamps.nowSeconds() + "\"}\n"
                : "time=\"" + Timestamps.nowSeconds() + "\" level=" + level + " msg=\"" + escape(msg) + "\"\n";
        try (FileOutputStream out = new FileOutputStream(logFile, true)) {
            out.write(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            System.err.println("jrun: cannot write log file " + logFile + ": " + e.getMessage());
        }
    }

    static String escape(String s) {
        return io.jrun.core.Json.escape(s);
    }
}
