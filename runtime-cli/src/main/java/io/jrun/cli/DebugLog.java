package io.jrun.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

/**
 * --debug: Logback configured in code, only when asked for. Without --debug no logging framework is
 * touched at all (the brief measured Logback's auto-configuration at +45% of a call's time).
 */
final class DebugLog {
    private DebugLog() {}

    static void enable(String logFile, String format) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("json".equals(format)
                ? "{\"level\":\"%level{}\",\"msg\":\"%replace(%msg){'\"','\\\\\"'}\",\"time\":\"%d{yyyy-MM-dd'T'HH:mm:ssXXX}\"}%n"
                : "time=\"%d{yyyy-MM-dd'T'HH:mm:ssXXX}\" level=%level msg=\"%msg\"%n");
        enc.start();
        OutputStreamAppender<ILoggingEvent> app;
        if (logFile != null && !logFile.isEmpty()) {
            FileAppender<ILoggingEvent> f = new FileAppender<>();
            f.setFile(logFile);
            f.setAppend(true);
            app = f;
        } else {
            ch.qos.logback.core.ConsoleAppender<ILoggingEvent> c = new ch.qos.logback.core.ConsoleAppender<>();
            c.setTarget("System.err");
            app = c;
        }
        app.setContext(ctx);
        app.setEncoder(enc);
        app.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.DEBUG);
        root.addAppender(app);
        io.jrun.core.Debug.enable();
    }

    /** Back to no logging (the resident engine, after a --debug call). */
    static void disable() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).reset();
        io.jrun.core.Debug.disable();
    }
}
