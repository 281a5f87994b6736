package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A throw-away unprivileged user for the rootless tests (RootlessIT, RootlessEngineIT), made and removed by the
 * test running as root: a home, subordinate ids and a runtime dir /run/user/UID (0700, the user's, as logind
 * makes it). {@link #jrun} runs the installed jrun as the user (setpriv, a clean environment), so its calls go
 * to the user's resident engine unless JRUN_DAEMON=off. {@link #remove} stops the user's engine and every process
 * the user still has, and removes the user, its files, and the subordinate-id lines.
 */
final class RootlessUser {
    final String name;
    final int uid;
    final int gid;
    final Path home;
    final Path xdg;

    private RootlessUser(String name, int uid, int gid, Path home, Path xdg) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
        this.home = home;
        this.xdg = xdg;
    }

    /** A new user named {@code prefix} plus a random tag (useradd's 32-character limit: keep prefix short). */
    static RootlessUser create(String prefix) throws IOException {
        String name = prefix + UUID.randomUUID().toString().substring(0, 6);
        Jrun.Result r = Jrun.exec(null, List.of("useradd", "--create-home", "--shell", "/bin/sh", name));
        assertEquals(0, r.code(), r.toString());
        int uid = Integer.parseInt(Jrun.exec(null, List.of("id", "-u", name)).out().trim());
        int gid = Integer.parseInt(Jrun.exec(null, List.of("id", "-g", name)).out().trim());
        Path home = Path.of(Jrun.exec(null, List.of("sh", "-c", "getent passwd " + name + " | cut -d: -f6")).out().trim());
        RootlessUser u = new RootlessUser(name, uid, gid, home, Path.of("/run/user", Integer.toString(uid)));
        for (String f : List.of("/etc/subuid", "/etc/subgid")) u.ensureSubIds(Path.of(f));
        Files.createDirectories(u.xdg);
        u.chown(u.xdg);
        Files.setPosixFilePermissions(u.xdg, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return u;
    }

    /** Stops the user's engine (as the user, as an operator would), then kills what is left by pid; removes all. */
    void remove() throws IOException {
        jrun(home, Map.of(), "daemon", "--stop");
        for (int i = 0; i < 50 && !pids().isEmpty(); i++) {
            for (int pid : pids()) Jrun.exec(null, List.of("kill", "-9", Integer.toString(pid)));
            sleep(100);
        }
        Jrun.exec(null, List.of("userdel", "--remove", name));
        ItBase.deleteTree(xdg);
        ItBase.deleteTree(home);
        for (String f : List.of("/etc/subuid", "/etc/subgid")) {
            // useradd allocated the user a range; userdel keeps older shadow versions' entries: drop ours
            Path p = Path.of(f);
            if (Files.exists(p)) {
                List<String> keep = Files.readAllLines(p).stream().filter(l -> !l.startsWith(name + ":")).toList();
                Files.write(p, keep);
            }
        }
    }

    /** useradd allocates subordinate ids where login.defs and /etc/subuid exist; elsewhere the test adds a range. */
    private void ensureSubIds(Path f) throws IOException {
        if (Files.exists(f) && Files.readAllLines(f).stream().anyMatch(l -> l.startsWith(name + ":"))) return;
        long start = 2_000_000_000L + (uid % 1000) * 65536L;
        Files.writeString(f, name + ":" + start + ":65536\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    void chown(Path p) {
        Jrun.Result r = Jrun.exec(null, List.of("chown", "-R", uid + ":" + gid, p.toString()));
        assertEquals(0, r.code(), r.toString());
    }

    /**
     * The installed jrun as the user, in {@code cwd}, with only PATH, HOME and XDG_RUNTIME_DIR set, and the
     * suite's JRUN_DAEMON (-Djrun.daemon=off: a JVM per call).
     */
    Jrun.Result jrun(Path cwd, String... args) {
        Map<String, String> env = new HashMap<>();
        String daemon = System.getenv("JRUN_DAEMON");
        if (daemon != null && !daemon.isEmpty()) env.put("JRUN_DAEMON", daemon);
        return jrun(cwd, env, args);
    }

    /** The same with exactly {@code env} beside PATH, HOME and XDG_RUNTIME_DIR (a null value drops the variable). */
    Jrun.Result jrun(Path cwd, Map<String, String> env, String... args) {
        Map<String, String> all = new HashMap<>();
        all.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        all.put("HOME", home.toString());
        all.put("XDG_RUNTIME_DIR", xdg.toString());
        all.putAll(env);
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "env", "-i"));
        all.forEach((k, v) -> {
            if (v != null) cmd.add(k + "=" + v);
        });
        cmd.add(Jrun.BIN);
        cmd.addAll(List.of(args));
        return Jrun.exec(cwd, cmd);
    }

    /** Every process of the user's uid. */
    List<Integer> pids() {
        List<Integer> pids = new ArrayList<>();
        try (var s = Files.list(Path.of("/proc"))) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) continue;
                try {
                    if (Files.getAttribute(p, "unix:uid").equals(uid)) pids.add(Integer.parseInt(n));
                } catch (IOException e) {
                    // gone
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return pids;
    }

    /** The pids of the user's resident engines (SOCKET.pid under $XDG_RUNTIME_DIR/jrun-engine), running or not. */
    Set<Integer> enginePids() {
        Path dir = xdg.resolve("jrun-engine");
        if (!Files.isDirectory(dir)) return Set.of();
        try (var s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".sock.pid")).map(f -> {
                try {
                    String pid = Files.readString(f).trim();
                    return pid.matches("[0-9]{1,9}") ? Integer.parseInt(pid) : -1;
                } catch (IOException e) {
                    return -1;
                }
            }).filter(p -> p > 0).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * No process of the user's is left but its resident engine, which lives on between calls (a killed init's
     * orphans are reaped by pid 1: up to a few seconds).
     */
    void assertNoProcessLeft() {
        for (int i = 0; i < 100 && !leftOver().isEmpty(); i++) sleep(50);
        List<String> left = new ArrayList<>();
        for (int pid : leftOver()) {
            try {
                left.add(pid + " " + Files.readString(Path.of("/proc", Integer.toString(pid), "stat")));
            } catch (IOException e) {
                // gone meanwhile
            }
        }
        assertEquals(List.of(), left, "no process of the user left");
    }

    private List<Integer> leftOver() {
        Set<Integer> engines = enginePids();
        return pids().stream().filter(p -> !engines.contains(p)).toList();
    }

    /**
     * A bundle the user owns under its home: busybox rootfs, config.json from `jrun spec --rootless` run as the
     * user, then {@code edit} (a python3 statement on dict {@code c}) and the process's args.
     */
    Path bundle(String dir, String edit, String... args) throws IOException {
        Path b = home.resolve(dir);
        Files.createDirectories(b);
        Bundles.rootfs(b);
        chown(b);
        Jrun.Result spec = jrun(b, "spec", "--rootless");
        assertEquals(0, spec.code(), spec.toString());
        StringBuilder a = new StringBuilder("[");
        for (String s : args) a.append(a.length() > 1 ? "," : "").append(Bundles.q(s));
        a.append(']');
        String py = "import json,sys\nf=sys.argv[1]\nc=json.load(open(f))\nc['process']['terminal']=False\n"
                + "c['process']['args']=json.loads(sys.argv[2])\n" + edit + "\njson.dump(c,open(f,'w'),indent=1)\n";
        Jrun.Result r = Jrun.exec(null, List.of("python3", "-c", py, b.resolve("config.json").toString(), a.toString()));
        assertEquals(0, r.code(), r.toString());
        return b;
    }

    String status(Path b, String id) {
        Jrun.Result r = jrun(b, "state", id);
        Matcher m = Pattern.compile("\"status\": \"(\\w+)\"").matcher(r.out());
        return m.find() ? m.group(1) : r.toString();
    }

    /** The effective uid of a process, as the host sees it. */
    static int statusUid(int pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
            if (l.startsWith("Uid:")) return Integer.parseInt(l.substring(4).trim().split("\\s+")[1]);
        }
        throw new AssertionError("no Uid line for " + pid);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
