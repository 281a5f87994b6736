package io.jrun.core;

import io.jrun.core.cgroup.CgroupManager;
import io.jrun.core.cgroup.Cgroups;
import io.jrun.core.spec.Spec;
import io.jrun.core.spec.SpecValidator;
import io.jrun.core.state.ContainerState;
import io.jrun.core.state.StateStore;
import io.jrun.core.state.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The commands that act on a live container's cgroup: pause, resume, update, ps, events. Kept apart from
 * {@link ContainerEngine} (the lifecycle) so each stays small; both share the state store and the status
 * derivation.
 */
public final class ContainerControl {
    /** linux.resources when config.json has none: only the default device rules get applied. */
    public static final Spec.Resources NO_RESOURCES =
            new Spec.Resources(List.of(), null, null, null, null, List.of(), null, Map.of(), Map.of());

    /** How often `events` checks the OOM counter, whatever the stats interval. */
    private static final long OOM_POLL_MS = 1000;

    private final ContainerEngine engine;
    private final StateStore store;

    public ContainerControl(ContainerEngine engine) {
        this.engine = engine;
        this.store = engine.store();
    }

    private record Live(ContainerState state, Status status, CgroupManager cgroup) {}

    private Live load(String id) {
        SpecValidator.validateId(id);
        ContainerState st = store.load(id);
        CgroupManager cg = st.cgroupPaths().isEmpty() ? null : Cgroups.load(st.cgroupPaths());
        return new Live(st, engine.status(st), cg);
    }

    private static CgroupManager need(Live l) {
        if (l.cgroup() == null || !l.cgroup().exists()) {
            throw new JrunException("container " + l.state().id() + " has no cgroup");
        }
        return l.cgroup();
    }

    // ---------------------------------------------------------------- pause / resume

    /**
     * pause: freezes every process of the container (v2 cgroup.freeze, v1 freezer.state). A created container
     * can be paused too, as with runc; a stopped or already paused one cannot ("container not running").
     */
    public void pause(String id) {
        if (!store.exists(id)) throw StateStore.notExist();
        try (StateStore.Lock lock = store.lock(id)) {
            Live l = load(id);
            if (l.status() != Status.RUNNING && l.status() != Status.CREATED) {
                throw new JrunException("container not running");
            }
            need(l).freeze();
        }
    }

    /** resume: thaws a paused container; anything else is "container not paused" (runc's wording). */
    public void resume(String id) {
        if (!store.exists(id)) throw StateStore.notExist();
        try (StateStore.Lock lock = store.lock(id)) {
            Live l = load(id);
            boolean paused = l.status() == Status.PAUSED
                    || (l.status() == Status.CREATED && l.cgroup() != null && l.cgroup().isFrozen());
            if (!paused) throw new JrunException("container not paused");
            need(l).thaw();
        }
    }

    // ---------------------------------------------------------------- update

    /**
     * update: writes the given resources with the managers' update semantics (absent or zero = unchanged;
     * device rules are not rewritten). A value the kernel refuses is an error naming the field; values
     * written before it stay written, as with runc.
     */
    public void update(String id, Spec.Resources resources) {
        if (!store.exists(id)) throw StateStore.notExist();
        try (StateStore.Lock lock = store.lock(id)) {
            Live l = load(id);
            if (l.status() == Status.STOPPED) throw new JrunException("container not running");
            need(l).update(resources);
        }
    }

    // ---------------------------------------------------------------- ps

    /** Host pids of every process in the container's cgroup (runc's `ps --format json`). */
    public List<Integer> pids(String id) {
        Live l = load(id);
        if (l.cgroup() == null) return NsProcesses.of(l.state(), l.status() != Status.STOPPED); // rootless
        return l.cgroup().pids();
    }

    /**
     * runc's `ps --format table`: the host's ps(1) with {@code psArgs}, keeping the header and the lines whose
     * PID column is a process of the container. ProcessBuilder is fine here: ps is not on the create path.
     */
    public String psTable(String id, List<String> psArgs) {
        Set<Integer> mine = new HashSet<>(pids(id));
        List<String> cmd = new ArrayList<>();
        cmd.add("ps");
        cmd.addAll(psArgs.isEmpty() ? List.of("-ef") : psArgs);
        String out;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int rc = p.waitFor();
            if (rc != 0) throw new JrunException("ps: exit status " + rc + ": " + out.strip().replace('\n', ' '));
        } catch (IOException e) {
            throw new JrunException("exec ps: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JrunException("ps: interrupted", e);
        }
        String[] lines = out.split("\n");
        if (lines.length == 0 || lines[0].isBlank()) return "";
        int col = List.of(lines[0].trim().split("\\s+")).indexOf("PID");
        if (col < 0) throw new JrunException("couldn't find PID field in ps output");
        StringBuilder b = new StringBuilder(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length <= col) continue;
            try {
                if (mine.contains(Integer.parseInt(f[col]))) b.append(lines[i]).append('\n');
            } catch (NumberFormatException e) {
                throw new JrunException("unexpected pid '" + f[col] + "' in ps output");
            }
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- events

    /** One runc-style stats event: {@code {"type":"stats","id":"…","data":{…}}}. */
    public String statsEvent(String id) {
        Live l = load(id);
        if (l.status() == Status.STOPPED) throw new JrunException("container with id " + id + " is not running");
        return event("stats", id, need(l).stats().toJson());
    }

    /**
     * events without --stats: a stats event every {@code intervalMs}, and an {@code oom} event whenever the
     * cgroup's OOM-kill counter grows, until the container stops. OOM is detected by polling the counter
     * (v1 memory.oom_control "oom_kill", kernel 4.13+; v2 memory.events "oom_kill") once a second instead of
     * a memory.oom_control eventfd: it needs no native code, works the same on both hierarchies, and a
     * second's delay is well within what a consumer of this stream needs.
     */
    public void events(String id, long intervalMs, Consumer<String> out) {
        if (intervalMs <= 0) throw new JrunException("duration interval must be greater than 0");
        Live l = load(id);
        if (l.status() == Status.STOPPED) throw new JrunException("container with id " + id + " is not running");
        CgroupManager cg = need(l);
        long ooms = oomKills(l.state().cgroupPaths());
        long nextStats = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            long o = oomKills(l.state().cgroupPaths());
            if (o > ooms) out.accept(event("oom", id, null));
            ooms = Math.max(ooms, o);
            if (now - nextStats >= 0) {
                if (!cg.exists()) return;
                out.accept(event("stats", id, cg.stats().toJson()));
                nextStats = now + intervalMs * 1_000_000L;
            }
            if (!Pause.millis(Math.min(OOM_POLL_MS, Math.max(1, (nextStats - System.nanoTime()) / 1_000_000L)))) return;
            if (engine.status(store.load(id)) == Status.STOPPED) return;
        }
    }

    static String event(String type, String id, String dataJson) {
        StringBuilder b = new StringBuilder("{\"type\":\"").append(type).append("\",\"id\":\"");
        for (char c : id.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\');
            b.append(c);
        }
        b.append('"');
        if (dataJson != null) b.append(",\"data\":").append(dataJson);
        return b.append('}').toString();
    }

    /** The kernel's OOM-kill count for the cgroup, or 0 when the file or the key is absent. */
    static long oomKills(Map<String, String> paths) {
        String file = paths.containsKey("memory") ? paths.get("memory") + "/memory.oom_control"
                : paths.containsKey("unified") ? paths.get("unified") + "/memory.events" : null; // v2 (cgroupfs or systemd)
        if (file == null) return 0;
        try {
            return parseKey(Files.readString(Path.of(file)), "oom_kill");
        } catch (IOException e) {
            return 0;
        }
    }

    static long parseKey(String flatKeyed, String key) {
        for (String line : flatKeyed.split("\n")) {
            if (line.startsWith(key + " ")) {
                try {
                    return Long.parseLong(line.substring(key.length() + 1).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }
}
