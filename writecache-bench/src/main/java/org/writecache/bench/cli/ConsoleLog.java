package org.writecache.bench.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The command line's log output: the library logs through {@link System.Logger}, whose backend is
 * java.util.logging; while a command runs, the root logger's handlers are replaced by one that writes each record as
 * one line on the command's error stream ({@code 12:00:01.234 WARNING WriteCache: message}), so that log lines never
 * break a progress display in two. Stack traces are printed only when asked for ({@code --debug}).
 */
public final class ConsoleLog implements AutoCloseable {
    private final Logger root = Logger.getLogger("");
    private final Handler[] saved;
    private final Level savedLevel;
    private final LineHandler handler;

    private ConsoleLog(final PrintWriter err) {
        saved = root.getHandlers();
        savedLevel = root.getLevel();
        for (final Handler h : saved) {
            root.removeHandler(h);
        }
        handler = new LineHandler(err);
        root.addHandler(handler);
        level(Level.WARNING, false);
    }

    /** Routes every log record to {@code err}, one line each, WARNING and above until {@link #level} says more. */
    public static ConsoleLog install(final PrintWriter err) {
        return new ConsoleLog(err);
    }

    /** Logs records of {@code level} and above; {@code traces}: with the stack trace of an exception they carry. */
    public void level(final Level level, final boolean traces) {
        root.setLevel(level);
        handler.setLevel(level);
        handler.traces = traces;
    }

    /** Puts back the handlers and level that were there before. */
    @Override
    public void close() {
        root.removeHandler(handler);
        for (final Handler h : saved) {
            root.addHandler(h);
        }
        root.setLevel(savedLevel);
    }

    /** Formats a record as one line: time, level, the logger's simple name, the message, the exception if any. */
    static final class OneLine extends Formatter {
        private final boolean traces;

        OneLine(final boolean traces) {
            this.traces = traces;
        }

        @Override
        public String format(final LogRecord r) {
            final String logger = r.getLoggerName() == null ? "" : r.getLoggerName()
                .substring(r.getLoggerName().lastIndexOf('.') + 1) + ": ";
            final StringBuilder b = new StringBuilder(String.format("%1$tT.%1$tL %2$s %3$s%4$s", r.getMillis(),
                r.getLevel().getName(), logger, formatMessage(r).replace('\n', ' ')));
            final Throwable t = r.getThrown();
            if (t != null && !traces) {
                b.append(": ").append(t);
            }
            b.append(System.lineSeparator());
            if (t != null && traces) {
                final StringWriter trace = new StringWriter();
                t.printStackTrace(new PrintWriter(trace));
                b.append(trace);
            }
            return b.toString();
        }
    }

    private static final class LineHandler extends Handler {
        private final PrintWriter out;
        private volatile boolean traces;

        LineHandler(final PrintWriter out) {
            this.out = out;
        }

        @Override
        public synchronized void publish(final LogRecord r) {
            if (isLoggable(r)) {
                out.print(new OneLine(traces).format(r));
                out.flush();
            }
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
