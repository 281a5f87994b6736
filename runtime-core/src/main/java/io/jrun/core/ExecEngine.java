package io.jrun.core;

import io.jrun.core.cgroup.CgroupManager;
import io.jrun.core.cgroup.CgroupWarmup;
import io.jrun.core.cgroup.Cgroups;
import io.jrun.core.launch.HelperSession;
import io.jrun.core.launch.PlanBuilder;
import io.jrun.core.spec.Spec;
import io.jrun.core.spec.SpecReader;
import io.jrun.core.spec.SpecValidator;
import io.jrun.core.state.ContainerState;
import io.jrun.core.state.Status;
import io.jrun.sys.Errno;
import io.jrun.sys.SyscallException;
import io.jrun.sys.Syscalls;
import io.jrun.sys.WaitStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code exec}: a new process in a running container (runtime.md has no exec; runc's exec is the contract).
 * The helper joins the init's namespaces and the container's cgroup, then execs the process
 * (docs/helper-protocol.md "Helper sequence (exec)"). Also runs the hooks that must execute inside the
 * container (createContainer, startContainer) the same way.
 */
public final class ExecEngine {
    private static final int HELPER_TIMEOUT_MS = 60_000;

    /** exec's command-line adjustments to the container's process (runc exec's flags). */
    public record Overrides(List<String> args, List<String> env, String user, List<Long> additionalGids,
                            String cwd, List<String> caps, boolean tty, String apparmor, String processLabel,
                            boolean noNewPrivs) {}

    /** Either {@code processFile} (process.json) or {@code overrides} builds the process. */
    public record ExecRequest(String id, Path processFile, Overrides overrides, Path pidFile, String consoleSocket,
                              int preserveFds, boolean detach, boolean ignorePaused, String subCgroup) {}

    private final ContainerEngine engine;
    private Syscalls sys;

    public ExecEngine(ContainerEngine engine) {
        this.engine = engine;
    }

    private Syscalls sys() {
        if (sys == null) sys = Syscalls.get();
        return sys;
    }

    /** Runs the exec; returns 0 when detached, else the process's exit status (128+signal when killed). */
    public int exec(ExecRequest r) {
        // the grace period of the helper's cgroup join runs while the state, config and plan are read and built
        CgroupWarmup warmup = CgroupWarmup.start();
        ContainerEngine.View v = engine.view(r.id());
        ContainerState st = v.state();
        switch (v.status()) {
            case STOPPED, CREATING -> throw new JrunException("cannot exec in a stopped container");
            case PAUSED -> {
                if (!r.ignorePaused()) throw new JrunException("cannot exec in a paused container");
            }
            default -> { }
        }
        if (r.subCgroup() != null && !r.subCgroup().isEmpty()) {
            throw new JrunException("--cgroup: joining a sub-cgroup of the container is not supported by jrun yet");
        }
        Spec config = SpecReader.readConfig(Path.of(st.bundle(), "config.json"));
        Trace.mark("config read");
        Spec.Process p;
        String source;
        if (r.processFile() != null) {
            p = SpecReader.readProcess(r.processFile());
            source = "process.json";
        } else {
            if (config.process() == null) throw new JrunException("config.json: process: required for exec defaults");
            p = fromArgs(config.process(), r.overrides());
            source = "exec";
        }
        SpecValidator.validateProcess(p, source);
        if (p.execCPUAffinity() != null) {
            throw new JrunException(source + ": execCPUAffinity: exec CPU affinity is not supported by jrun yet");
        }
        String consoleSocket = r.consoleSocket();
        if (p.terminal() && r.detach() && consoleSocket == null) {
            throw new JrunException("cannot allocate tty if jrun will detach without setting console socket");
        }
        if (!p.terminal() && consoleSocket != null) {
            throw new JrunException("cannot use console socket if jrun will not detach or allocate tty");
        }

        if (!r.detach()) Foreground.becomeSubreaper(sys());
        Console console = null;
        if (p.terminal() && consoleSocket == null) {
            console = Console.listen(sys());
            consoleSocket = console.socketPath();
        }
        try {
            int pid;
            try {
                pid = launch(st, config, p, consoleSocket, r.preserveFds(), -1, warmup);
            } catch (JrunException e) {
                // the init may have died while we joined it (a dying pid namespace refuses fork with ENOMEM)
                if (engine.status(st) == Status.STOPPED) throw new JrunException("cannot exec in a stopped container");
                throw e;
            }
            if (r.pidFile() != null) ContainerEngine.writePidFile(r.pidFile(), pid);
            if (r.detach()) return 0;
            return foreground(pid, console);
        } finally {
            if (console != null) console.close();
        }
    }

    private int foreground(int pid, Console console) {
        if (console != null) {
            console.receive();
            console.relay();
        }
        return WaitStatus.shellCode(Foreground.waitFor(sys(), pid, "exec process", console));
    }

    /**
     * Spawns the helper in exec mode, puts it into the container's cgroup before it gets the plan, and
     * returns the host pid of the process once its execve succeeded. {@code warmup} is stopped once the helper
     * is in the cgroup (see CgroupWarmup).
     */
    private int launch(ContainerState st, Spec config, Spec.Process p, String consoleSocket, int preserveFds,
                       int stdinFd, CgroupWarmup warmup) {
        CgroupManager cg = st.cgroupPaths().isEmpty() ? null : Cgroups.load(st.cgroupPaths());
        // The container's linux.seccomp filter applies to exec'd processes too, as runc does: a process
        // entering the container must not escape the filter its init has (the cache makes this cheap).
        // Hooks (config == null) are the runtime's own programs, run like runc's: without the filter.
        PlanBuilder.Seccomp seccomp = config == null ? null
                : Seccomps.compile(config, engine.store().root(), st.id(), st.bundle());
        PlanBuilder.Context ctx = new PlanBuilder.Context(st.id(), Path.of(st.bundle()), Path.of(st.rootfs()), null,
                consoleSocket, preserveFds, false, false, cg != null && cg.version() == 2, st.cgroupPaths(), seccomp);
        byte[] plan = PlanBuilder.exec(p, st.pid(), ctx);
        Trace.mark("plan built");
        HelperSession h = stdinFd >= 0 ? HelperSession.spawnWithStdin(sys(), LibDir.helper(), stdinFd)
                : HelperSession.spawn(sys(), LibDir.helper(), preserveFds);
        Trace.mark("helper spawned");
        int pid = -1;
        try (h) {
            if (cg != null) cg.addProcess(h.helperPid());
            warmup.stop();
            Trace.mark("helper in cgroup");
            h.sendPlan(plan);
            pid = h.expect(HelperSession.PID, HELPER_TIMEOUT_MS).int32(0);
            Trace.mark("process pid received");
            h.send(HelperSession.CONTINUE);
            h.expect(HelperSession.READY, HELPER_TIMEOUT_MS);
            h.awaitExecve(HELPER_TIMEOUT_MS);
            Trace.mark("process started");
            h.reap();
            return pid;
        } catch (RuntimeException e) {
            h.reap();
            if (pid > 0) {
                Processes.signalQuietly(sys(), pid, 9);
                reapQuietly(pid);
            }
            throw e;
        }
    }

    /**
     * A hook that runs inside the container (createContainer, startContainer: config.md "POSIX-platform
     * Hooks"): as an exec'd process with the hook's args and env, root, all of the container's namespaces,
     * state JSON on stdin, killed after its timeout. The path is resolved in the container's mount namespace
     * (see docs/hooks.md for this deviation).
     */
    void runHookInContainer(ContainerState st, String kind, List<Spec.Hook> hooks, String state) {
        if (hooks.isEmpty()) return;
        // the hook process is orphaned when the helper exits: jrun must be its reaper to learn its exit status
        sys().setChildSubreaper();
        for (int i = 0; i < hooks.size(); i++) {
            Spec.Hook hk = hooks.get(i);
            List<String> args = hk.args() == null || hk.args().isEmpty() ? List.of(hk.path()) : hk.args();
            Spec.Process p = new Spec.Process(false, null, new Spec.User(0, 0, null, List.of(), null), args, null,
                    hk.env() == null ? List.of() : hk.env(), "/", null, List.of(), false, null, null, null, null,
                    null, null);
            int[] pipe = sys().pipe();
            try {
                int pid;
                try {
                    pid = launch(st, null, withExecPath(p, hk.path()), null, 0, pipe[0], CgroupWarmup.NONE);
                } finally {
                    sys().close(pipe[0]);
                }
                Hooks.feed(sys(), pipe[1], state);
                pipe[1] = -1;
                Hooks.waitHook(sys(), pid, hk.timeout());
            } catch (JrunException e) {
                throw new JrunException("error running " + kind + " hook #" + i + ": " + e.getMessage(), e);
            } finally {
                if (pipe[1] >= 0) sys().close(pipe[1]);
            }
        }
    }

    /**
     * The hook's path is what gets executed, its args[0] only names it: when they differ, run the path through
     * the args with args[0] replaced (the helper execs args[0] resolved in PATH otherwise).
     */
    private static Spec.Process withExecPath(Spec.Process p, String path) {
        if (p.args().get(0).equals(path)) return p;
        List<String> a = new ArrayList<>(p.args());
        a.set(0, path);
        return new Spec.Process(p.terminal(), p.consoleSize(), p.user(), a, p.commandLine(), p.env(), p.cwd(),
                p.capabilities(), p.rlimits(), p.noNewPrivileges(), p.apparmorProfile(), p.oomScoreAdj(),
                p.scheduler(), p.selinuxLabel(), p.ioPriority(), p.execCPUAffinity());
    }

    /**
     * runc's exec defaults: the container's process with args replaced, env extended (a later KEY= wins),
     * user/gids/cwd/apparmor/label replaced when given, --cap added to the bounding, effective and permitted
     * sets, --no-new-privs only turning it on.
     */
    static Spec.Process fromArgs(Spec.Process base, Overrides o) {
        if (o.args() == null || o.args().isEmpty()) {
            throw new JrunException("exec: no command specified");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String e : base.env()) env.put(key(e), e);
        for (String e : o.env()) env.put(key(e), e);
        Spec.User u = base.user() == null ? new Spec.User(0, 0, null, List.of(), null) : base.user();
        if (o.user() != null && !o.user().isEmpty()) {
            String[] ug = o.user().split(":", 2);
            long uid = parseId(ug[0], "--user");
            long gid = ug.length > 1 ? parseId(ug[1], "--user") : u.gid();
            u = new Spec.User(uid, gid, u.umask(), u.additionalGids(), null);
        }
        if (!o.additionalGids().isEmpty()) u = new Spec.User(u.uid(), u.gid(), u.umask(), o.additionalGids(), null);
        Spec.Capabilities caps = base.capabilities();
        if (!o.caps().isEmpty()) {
            Spec.Capabilities c = caps == null ? new Spec.Capabilities(List.of(), List.of(), List.of(), List.of(), List.of()) : caps;
            caps = new Spec.Capabilities(plus(c.bounding(), o.caps()), plus(c.effective(), o.caps()),
                    c.inheritable(), plus(c.permitted(), o.caps()), c.ambient());
        }
        return new Spec.Process(o.tty(), base.consoleSize(), u, o.args(), null, new ArrayList<>(env.values()),
                o.cwd() == null || o.cwd().isEmpty() ? base.cwd() : o.cwd(), caps, base.rlimits(),
                base.noNewPrivileges() || o.noNewPrivs(),
                o.apparmor() == null ? base.apparmorProfile() : o.apparmor(), base.oomScoreAdj(), base.scheduler(),
                o.processLabel() == null ? base.selinuxLabel() : o.processLabel(), base.ioPriority(), null);
    }

    private static List<String> plus(List<String> set, List<String> add) {
        List<String> out = new ArrayList<>(set == null ? List.of() : set);
        for (String c : add) {
            String name = c.toUpperCase(java.util.Locale.ROOT);
            if (!name.startsWith("CAP_")) name = "CAP_" + name;
            if (!out.contains(name)) out.add(name);
        }
        return out;
    }

    private static String key(String env) {
        int i = env.indexOf('=');
        return i < 0 ? env : env.substring(0, i);
    }

    private static long parseId(String s, String flag) {
        try {
            long v = Long.parseLong(s);
            if (v < 0 || v > 0xffffffffL) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new JrunException(flag + ": invalid id " + s + " (want uid[:gid], numeric)");
        }
    }

    private void reapQuietly(int pid) {
        try {
            sys().waitpid(pid, 0);
        } catch (SyscallException ignored) {
            // not our child (detached exec): its reaper collects it
        }
    }

}
