package io.jrun.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/**
 * The AOT training run (packaging/train-aot.sh): runs the commands users run, in one JVM started with
 * -XX:AOTCacheOutput, so the cache holds every class a real call loads. Arguments: a busybox bundle dir and a
 * scratch --root. Output is discarded; a failing step does not stop the training.
 */
public final class Train {
    private Train() {}

    public static void main(String[] a) {
        String bundle = a[0], root = a[1];
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        String[][] steps = {
            {"--version"}, {"--help"}, {"features"}, {"spec", "--bundle", root},
            {"--root", root, "state", "nope"}, {"--root", root, "list"}, {"--root", root, "list", "--format", "json"},
            {"--root", root, "create", "--bundle", bundle, "--pid-file", root + "/pid", "train"},
            {"--root", root, "state", "train"}, {"--root", root, "start", "train"},
            {"--root", root, "kill", "train", "KILL"}, {"--root", root, "delete", "--force", "train"},
            {"--root", root, "--log", root + "/log.json", "--log-format", "json", "delete", "nope"},
            {"--root", root, "run", "--bundle", bundle, "train2"},
            {"--root", root, "delete", "--force", "train2"},
        };
        for (String[] step : steps) {
            try {
                Main.execute(step, sink, sink);
            } catch (RuntimeException e) {
                // training only: keep going
            }
        }
    }
}
