package io.jrun.cli;

import io.jrun.core.ContainerControl;

/**
 * {@code jrun events [--stats] [--interval 5s] ID}: one stats event with --stats, else a stream of stats
 * (every interval) and oom events until the container stops; one JSON object per line, as runc prints them.
 */
final class EventsCommand implements Subcommand {
    public String name() { return "events"; }

    public String description() {
        return "display container events such as OOM notifications, cpu, memory, and IO usage statistics";
    }

    public void define(Params p) {
        p.option("DURATION", "set the stats collection interval (default: 5s)", "--interval");
        p.flag("display the container's stats then exit", "--stats");
        p.containerId();
    }

    public int run(Parsed a, Cli cli) {
        String id = a.id(name());
        ContainerControl c = new ContainerControl(cli.engine());
        if (a.has("--stats")) {
            cli.out.println(c.statsEvent(id));
            cli.out.flush();
            return 0;
        }
        long ms = durationMs(a.str("--interval", "5s"));
        c.events(id, ms, line -> {
            cli.out.println(line);
            cli.out.flush();
        });
        return 0;
    }

    /** A Go time.Duration string as runc's --interval takes it: "5s", "500ms", "1m30s", "1.5h". */
    static long durationMs(String s) {
        if (s.isEmpty()) throw new UsageError("invalid value \"\" for flag -interval: parse error");
        double total = 0;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') i++;
            double scale = switch (s.substring(unitStart, i)) {
                case "ns" -> 1e-6;
                case "us", "µs" -> 1e-3;
                case "ms" -> 1;
                case "s" -> 1000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> Double.NaN;
            };
            double n;
            try {
                n = Double.parseDouble(s.substring(start, unitStart));
            } catch (NumberFormatException e) {
                n = Double.NaN;
            }
            if (Double.isNaN(scale) || Double.isNaN(n)) {
                throw new UsageError("invalid value \"" + s + "\" for flag -interval: parse error");
            }
            total += n * scale;
        }
        return (long) Math.ceil(total);
    }
}
