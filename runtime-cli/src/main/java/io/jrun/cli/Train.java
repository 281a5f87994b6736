package io.jrun.cli;

import io.jrun.sys.Syscalls;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The AOT training run (packaging/train-aot.sh): runs the commands users run, in one JVM started with
 * -XX:AOTCacheOutput, so the cache holds every class a real call loads. Arguments: a busybox bundle dir, a
 * scratch --root and, optionally, a bundle whose process runs for a while (busybox sleep) and which holds a
 * process.json and a resources.json: the commands that act on a running container (ps, exec, update, events,
 * pause, resume) run on it, and it is deleted whatever happens. Output is discarded; a failing step does not stop
 * the training.
 *
 * <p>Every class in a cache is loaded at start-up, so the launcher also has three smaller caches, each without the
 * classes its calls never use (docs/performance.md):
 * <ul>
 *   <li>{@code Train --launch BUNDLE ROOT SLEEPER} trains jrun-launch.aot, for the calls that start a process:
 *       create, run and exec (create ~10 ms sooner than with the full cache);
 *   <li>{@code Train --control ROOT SLEEPER} trains jrun-control.aot, for the operators' calls on a running
 *       container (ps, events, pause, resume, update), on {@code trunning} (below);
 *   <li>{@code Train --short ROOT} trains jrun-short.aot, for the calls that act on an existing container
 *       (state, start, kill, delete, list; --version): the calls a shim makes for every container.
 *       train-aot.sh creates its
 *       containers beforehand with the installed jrun: {@code tcreated} (runs true), {@code thooks} (the same
 *       with poststart and poststop hooks, as docker's containers have) and {@code trunning} (runs sleep,
 *       started).
 * </ul>
 */
public final class Train {
    private Train() {}

    public static void main(String[] a) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        if (a[0].equals("--short")) {
            existing(a[1], sink);
            return;
        }
        if (a[0].equals("--control")) {
            control(a[1], a[2], "trunning", sink);
            return;
        }
        if (a[0].equals("--launch")) {
            launch(a[1], a[2], a[3], sink);
            return;
        }
        String bundle = a[0], root = a[1];
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
        steps(sink, steps);
        if (a.length > 2) running(a[2], root, sink, bundle);
    }

    /** The launch cache's calls: create and run (and the delete that cleans up after them), and exec. */
    private static void launch(String bundle, String root, String sleeper, PrintStream sink) {
        steps(sink, new String[][] {
            {"--root", root, "create", "--bundle", bundle, "--pid-file", root + "/pid", "train"},
            {"--root", root, "delete", "--force", "train"},
            {"--root", root, "run", "--bundle", bundle, "train2"},
            {"--root", root, "delete", "--force", "train2"},
        });
        String id = "train3";
        try {
            steps(sink, new String[][] {
                {"--root", root, "create", "--bundle", sleeper, "--pid-file", root + "/pid3", id},
                {"--root", root, "start", id},
            });
            steps(sink, execs(root, sleeper, id));
        } finally {
            reap(root + "/exec-d.pid");
            reap(root + "/exec.pid");
            steps(sink, new String[][] {{"--root", root, "delete", "--force", id}});
        }
    }

    /** exec as users and clients call it: with a command, detached, and as containerd's shim (--process). */
    private static String[][] execs(String root, String sleeper, String id) {
        return new String[][] {
            {"--root", root, "exec", id, "/bin/true"},
            {"--root", root, "exec", "-d", "--pid-file", root + "/exec-d.pid", id, "/bin/true"},
            {"--root", root, "exec", "--process", sleeper + "/process.json", "--detach", "--pid-file", root + "/exec.pid", id},
        };
    }

    /** The short cache's calls, on the containers train-aot.sh created (it deletes what is left). */
    private static void existing(String root, PrintStream sink) {
        steps(sink, new String[][] {
            {"--version"}, {"--root", root, "state", "nope"}, {"--root", root, "list"},
            {"--root", root, "list", "--format", "json"},
            {"--root", root, "--log", root + "/log.json", "--log-format", "json", "delete", "nope"},
            {"--root", root, "state", "tcreated"}, {"--root", root, "start", "tcreated"},
            {"--root", root, "start", "thooks"},
            // not ps, events, pause or resume (the control cache's): their ~40 classes made every call of this
            // cache ~1 ms slower (docs/performance.md)
            // a signal it survives, then delete --force of a running container (podman rm -f, docker rm -f)
            {"--root", root, "kill", "trunning", "CONT"}, {"--root", root, "delete", "--force", "trunning"},
        });
        try {
            Thread.sleep(300); // until the two inits have exited: delete of a stopped container
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        steps(sink, new String[][] {
            {"--root", root, "state", "tcreated"}, {"--root", root, "delete", "tcreated"},
            {"--root", root, "delete", "thooks"},
        });
    }

    /** The commands on a running container; the container is deleted (--force) even when a step throws. */
    private static void running(String sleeper, String root, PrintStream sink, String bundle) {
        String id = "train3";
        try {
            steps(sink, new String[][] {
                {"--root", root, "create", "--bundle", sleeper, "--pid-file", root + "/pid3", id},
                {"--root", root, "start", id},
            });
            control(root, sleeper, id, sink);
            steps(sink, new String[][] {{"--root", root, "ps", id}});
            steps(sink, execs(root, sleeper, id));
            checkpointRestore(root, bundle, id, sink);
        } finally {
            reap(root + "/exec-d.pid");
            reap(root + "/exec.pid");
            steps(sink, new String[][] {{"--root", root, "delete", "--force", id}});
        }
    }

    /**
     * checkpoint and restore up to criu, with {@code --criu /bin/false}: everything jrun does before and after
     * (the state, the external resources, the manifest, the cgroup, criu's process and its failure, the
     * rollback), without a real dump, which would need a kernel and a criu that work where jrun is built (and a
     * criu that hangs would hang the install). Without them in the cache, loading their ~20 classes from the
     * jars (the first class the cache lacks opens the jar) took ~23 ms of each call (docs/checkpoint.md).
     * The container keeps running (the failed dump leaves it so); the restore fails and removes what it made.
     */
    private static void checkpointRestore(String root, String bundle, String id, PrintStream sink) {
        String criu = Files.isExecutable(Path.of("/bin/false")) ? "/bin/false" : "/usr/bin/false";
        steps(sink, new String[][] {
            {"--root", root, "--criu", criu, "checkpoint", "--image-path", root + "/ckpt", "--leave-running", id},
            {"--root", root, "--criu", criu, "checkpoint", "--pre-dump", "--image-path", root + "/pre", id},
            {"--root", root, "--criu", criu, "restore", "-d", "--bundle", bundle, "--image-path", root + "/ckpt",
                "train4"},
        });
    }

    /**
     * The control cache's calls, on the running container {@code id}: ps --format json (as containerd's shim
     * calls it; not the table, which runs ps(1) through ProcessBuilder, ~140 classes for a human at a terminal),
     * update (the three ways clients pass resources), events --stats, pause and resume.
     */
    private static void control(String root, String sleeper, String id, PrintStream sink) {
        steps(sink, new String[][] {
            {"--root", root, "ps", "--format", "json", id},
            {"--root", root, "update", "--memory", "64m", "--pids-limit", "100", id},
            {"--root", root, "update", "--resources", sleeper + "/resources.json", id},
            {"--root", root, "events", "--stats", id},
            {"--root", root, "pause", id}, {"--root", root, "resume", id},
        });
        // docker pipes the resources on stdin: System.in as the JVM makes it (buffered, over a file)
        InputStream stdin = System.in;
        try (InputStream in = new BufferedInputStream(new FileInputStream(sleeper + "/resources.json"))) {
            System.setIn(in);
            steps(sink, new String[][] {{"--root", root, "update", "-r", "-", id}});
        } catch (IOException e) {
            // training only
        } finally {
            System.setIn(stdin);
        }
    }

    /**
     * Reaps a detached exec's process as containerd's shim does: it was reparented to this JVM (a child subreaper
     * since `run`), and until it is reaped the container's init cannot finish dying (its pid namespace waits
     * for every process in it), so `delete --force` would wait ~10 s for it.
     */
    private static void reap(String pidFile) {
        try {
            Syscalls.get().waitpid(Integer.parseInt(Files.readString(Path.of(pidFile)).trim()), 0);
        } catch (IOException | RuntimeException e) {
            // not written, or not our child: nothing to reap
        }
    }

    private static void steps(PrintStream sink, String[][] steps) {
        for (String[] step : steps) {
            try {
                Main.execute(step, sink, sink);
            } catch (RuntimeException e) {
                // training only: keep going
            }
        }
    }
}
