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
import io.jrun.core.state.ProcStat;
import io.jrun.core.state.StateStore;
import io.jrun.core.state.Status;
import io.jrun.sys.Errno;
import io.jrun.sys.SyscallException;
import io.jrun.sys.Syscalls;
import io.jrun.sys.WaitStatus;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The container lifecycle (runtime-spec runtime.md "Lifecycle" and "Operations"), usable without any CLI:
 * create, start, state, kill, delete, run. One instance per jrun invocation.
 */
public final class ContainerEngine {
    /** How long to wait for the helper at each step before giving up (a stuck mount, say). */
    private static final int HELPER_TIMEOUT_MS = 60_000;

    public record Options(Path root, boolean systemdCgroup, boolean rootless) {}

    /** {@code image}: create/run --image (docs/images.md), null for a bundle. */
    public record CreateRequest(String id, Path bundle, Path pidFile, String consoleSocket, int preserveFds,
                                boolean noPivot, boolean noNewKeyring, boolean init, io.jrun.core.image.ImageRequest image) {
        public CreateRequest(String id, Path bundle, Path pidFile, String consoleSocket, int preserveFds,
                             boolean noPivot, boolean noNewKeyring) {
            this(id, bundle, pidFile, consoleSocket, preserveFds, noPivot, noNewKeyring, false, null);
        }
    }

    /** A container's recorded state with its derived status. */
    public record View(ContainerState state, Status status) {
        public int livePid() {
            return status == Status.STOPPED ? 0 : state.pid();
        }
    }

    private final Options options;
    private final StateStore store;
    private Syscalls sys;

    public ContainerEngine(Options options) {
        this.options = options;
        this.store = new StateStore(options.root());
    }

    public StateStore store() { return store; }

    public Options options() { return options; }

    private Syscalls sys() {
        if (sys == null) sys = Syscalls.get();
        return sys;
    }

    // ---------------------------------------------------------------- create

    /** create: everything up to the init blocked on the exec fifo. Returns the init's host pid. */
    public int create(CreateRequest r) {
        return create(r, false);
    }

    /** The console jrun serves for a foreground `run` with process.terminal and no --console-socket. */
    private Console console;

    private int create(CreateRequest r, boolean ownConsole) {
        // First, so that the kernel's grace period for the first cgroup.procs write is over by the time the helper
        // joins the container's cgroup (~20 ms later); see CgroupWarmup.
        CgroupWarmup warmup = CgroupWarmup.start();
        SpecValidator.validateId(r.id());
        // An image: its layers verified and in the store, the bundle generated into the state dir (after the claim).
        io.jrun.core.image.ImageRootfs image = r.image() == null ? null
                : io.jrun.core.image.ImageRootfs.prepare(r.image(), r.id(), CallerPaths.absolute(store.root()).resolve(r.id()), sys());
        Path bundle = image != null ? image.bundle() : CallerPaths.absolute(r.bundle()).normalize();
        Spec spec = image != null ? image.spec() : SpecReader.readConfig(bundle.resolve("config.json"));
        Trace.mark("config read");
        SpecValidator.validate(image != null ? image.specToValidate() : spec, bundle);
        PlanBuilder.rejectUnsupported(spec);
        boolean init = InitOption.wanted(r.init(), spec);
        if (options.rootless()) spec = Rootless.recursiveReadOnlyBinds(spec); // CVE-2023-25809
        if (spec.process() == null) throw new JrunException("config.json: process: required for create");
        String consoleSocket = r.consoleSocket();
        if (spec.process().terminal() && consoleSocket == null && ownConsole) {
            console = Console.listen(sys());
            consoleSocket = console.socketPath();
        } else if (spec.process().terminal() && consoleSocket == null) {
            throw new JrunException("cannot allocate tty if runc will detach without setting console socket"
                    .replace("runc", "jrun"));
        }
        if (!spec.process().terminal() && r.consoleSocket() != null) {
            throw new JrunException("cannot use console socket if jrun will not detach or allocate tty");
        }
        Path rootfs = Path.of(spec.root().path());
        if (!rootfs.isAbsolute()) rootfs = bundle.resolve(rootfs);
        rootfs = rootfs.normalize();
        if (image == null && !Files.isDirectory(rootfs)) {
            throw new JrunException("rootfs (" + rootfs + ") does not exist");
        }

        // Only computes paths: nothing exists yet, so a bad cgroupsPath fails before the id is claimed.
        Trace.mark("config validated");
        CgroupManager cg = RootlessCgroups.choose(Cgroups.open(spec.linux().cgroupsPath(), r.id(),
                options.systemdCgroup(), options.rootless()).withLinuxDevices(spec.linux().devices()), spec, options.rootless(),
                options.systemdCgroup());
        Deque<Runnable> undo = new ArrayDeque<>();
        Path dir = store.claim(r.id());
        undo.push(() -> store.remove(r.id()));
        try (StateStore.Lock lock = store.lock(r.id())) {
            if (image != null) image.materialize();
            ContainerState st = new ContainerState(spec.ociVersion(), r.id(), 0, 0, bundle.toString(),
                    rootfs.toString(), Timestamps.nowNanos(), "", spec.annotations(), cg.paths(), true,
                    Version.version(), newPidNs(spec));
            // Recorded right after the claim, before anything exists outside the state dir, so that `state`
            // and `list` show a half-created container as "creating" and `delete --force` can clean up after
            // a jrun killed at any later point of create (it knows the cgroup paths from here on).
            store.save(st);
            Trace.mark("state claimed");
            TestPause.at("claimed");
            Path fifo = dir.resolve(StateStore.EXEC_FIFO);
            sys().mkfifo(fifo.toString(), 0622);
            // mkfifo(3) is cut by the umask; the init opens the fifo as the container user, so it must be 0622.
            try {
                Files.setPosixFilePermissions(fifo, StateStore.permissions("rw--w--w-"));
            } catch (IOException e) {
                throw new JrunException("chmod " + fifo + ": " + e.getMessage(), e);
            }

            // Seccomp and the plan first, though they come after the cgroup: the cgroup's first mkdir waits while
            // the warm-up's cgroup.procs write holds cgroup_mutex through an RCU grace period (CgroupWarmup), so
            // what needs no cgroup is done before it. Their errors are reported where they were, after the
            // cgroup's and the resources' (below).
            byte[] plan = null;
            RuntimeException planError = null;
            try {
                PlanBuilder.Seccomp seccomp = Seccomps.compile(spec, store.root(), r.id(), bundle.toString());
                Trace.mark("seccomp compiled");
                PlanBuilder.Context ctx = new PlanBuilder.Context(r.id(), bundle, rootfs, fifo, consoleSocket,
                        r.preserveFds(), r.noPivot(), r.noNewKeyring(), cg.version() == 2, cg.paths(), seccomp, init);
                byte[] built = image == null ? PlanBuilder.create(spec, ctx) : image.addTo(PlanBuilder.create(spec, ctx));
                Trace.mark("plan built");
                Debug.log(() -> "create " + r.id() + ": plan of " + built.length + " bytes, cgroup v" + cg.version()
                        + " " + cg.paths() + (ctx.seccomp() == null ? "" : ", seccomp " + ctx.seccomp().program().length / 8 + " insns"));
                plan = built;
            } catch (RuntimeException e) {
                planError = e;
            }

            // The helper too, for the same reason (it joins the cgroup only once it exists). A failure to spawn it
            // is reported after the cgroup's, as before; a helper spawned for a create that fails at the cgroup
            // is closed and reaped (it exits at EOF on its socket).
            HelperSession spawned = null;
            RuntimeException spawnError = null;
            try {
                spawned = HelperSession.spawn(sys(), LibDir.helper(), r.preserveFds());
                Trace.mark("helper spawned");
            } catch (RuntimeException e) {
                spawnError = e;
            }
            Spec.Resources resources = spec.linux().resources() != null ? spec.linux().resources()
                    : ContainerControl.NO_RESOURCES;
            // Device rules need privilege a rootless caller lacks (RootlessCgroups.withoutDevices); root passing
            // --rootless true keeps them.
            if (options.rootless() && (!Rootless.euidIsRoot() || Rootless.inUserNamespace())) {
                resources = RootlessCgroups.withoutDevices(resources);
            }
            try {
                // The systemd driver starts its scope with the helper in it: without a helper there is nothing to
                // start it with, so the spawn's error comes first there.
                if (spawnError != null && options.systemdCgroup()) throw spawnError;
                refuseOccupied(cg);
                cg.create(spawned == null ? -1 : spawned.helperPid(), resources);
            } catch (RuntimeException e) {
                if (spawned != null) {
                    spawned.close();
                    try {
                        spawned.reap();
                    } catch (RuntimeException ignored) {
                        // the cgroup's error is the one to report
                    }
                }
                throw e;
            }
            undo.push(() -> destroyCgroup(cg));
            if (spawnError != null) throw spawnError;

            int pid;
            try (HelperSession h = spawned) {
                undo.push(() -> h.reap());
                Trace.mark("cgroup created");
                // The helper joins the cgroup before it reads the plan: nothing of the container's runs outside
                // it. The join runs beside the resources: the first write to a cgroup.procs in a while waits for an
                // RCU grace period (~10 ms here, docs/performance.md) unless the warm-up has it over already.
                CgroupJoin join = new CgroupJoin(cg, h.helperPid());
                try {
                    // Applied even without linux.resources: the device cgroup's default rules (deny all, allow
                    // the standard nodes) are not optional (config-linux.md "Allowed Device Nodes"). A value the
                    // kernel refuses fails create here, naming the field; the undo stack removes the cgroup and
                    // the state dir.
                    cg.apply(resources);
                    TestPause.at("cgroup");
                    Trace.mark("cgroup set up");
                    if (planError != null) throw planError;
                } catch (RuntimeException e) {
                    join.awaitQuietly(); // the rollback must not race the join; the first error is the one to report
                    throw e;
                }
                join.await();
                warmup.stop();
                Trace.mark("helper in cgroup");
                pid = launch(h, plan, cg, spec);
                Trace.mark("init pid received");
                Debug.log(() -> "create " + r.id() + ": helper " + h.helperPid() + ", container init " + pid);
                undo.push(() -> killQuietly(pid));
                st = st.withPid(pid, startTime(pid));
                store.save(st);
                TestPause.at("pid");
                // prestart (deprecated, still sent by docker) and createRuntime: runtime namespace, after the
                // container's namespaces exist and before its process is set up (docs/hooks.md).
                if (spec.hooks() != null) {
                    Path saved = dir.resolve(HOOKS_FILE);
                    Files.writeString(saved, io.jrun.core.spec.SpecWriter.write(spec));
                    // The status `state` reports now: "created" (runtime.md "State": the create operation's
                    // environment exists, the init has not run the user's program; the lifecycle's hooks come
                    // after it), and what a hook that runs `jrun state` sees. runc passes "creating" here;
                    // runtime-tools' hooks_stdin expects "created" for prestart.
                    String state = Hooks.stateJson(st, status(st).json(), pid);
                    Hooks.run(sys(), "prestart", Hooks.of(spec.hooks().prestart()), state);
                    Hooks.run(sys(), "createRuntime", Hooks.of(spec.hooks().createRuntime()), state);
                }
                h.send(HelperSession.CONTINUE);
                TestPause.at("ready");
                try {
                    h.expect(HelperSession.READY, HELPER_TIMEOUT_MS);
                } catch (RuntimeException e) {
                    throw explainOom(e, cg, spec);
                }
                Trace.mark("init ready");
                Debug.log(() -> "create " + r.id() + ": init ready, blocked on " + fifo);
                h.reap();
            }
            if (spec.hooks() != null && !Hooks.of(spec.hooks().createContainer()).isEmpty()) {
                // createContainer: in the container's namespaces; jrun-init runs it as an exec'd process, so
                // after pivot_root rather than before (docs/hooks.md "Deviations").
                new ExecEngine(this).runHookInContainer(st, "createContainer", spec.hooks().createContainer(),
                        Hooks.stateJson(st, status(st).json(), pid));
            }
            if (r.pidFile() != null) writePidFile(r.pidFile(), pid);
            undo.clear();
            return pid;
        } catch (IOException e) {
            rollback(undo);
            throw new JrunException("save hooks: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            rollback(undo);
            throw e;
        }
    }

    /**
     * A jrun-init or init that the OOM killer takes during create (a memory limit below what they need) dies
     * without a word: create would only say that jrun-init exited unexpectedly. The cgroup's OOM-kill counter
     * (v1 memory.oom_control, v2 memory.events "oom_kill") tells why. It starts at 0 in a cgroup jrun created;
     * an existing empty cgroup joined at create keeps its count, which could only mislabel a helper that also
     * died without a word. A limit the kernel refuses outright (v1 EBUSY) is a CgroupException naming the field
     * already; runc reports both cases as "unable to set memory limit".
     */
    private static RuntimeException explainOom(RuntimeException e, CgroupManager cg, Spec spec) {
        if (e instanceof io.jrun.core.cgroup.CgroupException) return e;
        Spec.Resources r = spec.linux().resources();
        Long limit = r == null || r.memory() == null ? null : r.memory().limit();
        if (limit == null || limit <= 0 || ContainerControl.oomKills(cg.paths()) == 0) return e;
        return new JrunException("linux.resources.memory.limit: " + limit + " is below what the container's init "
                + "needs to start (killed by the OOM killer)", e);
    }

    /** Whether linux.namespaces asks for a new pid namespace (a "pid" entry without a path to join). */
    static boolean newPidNs(Spec spec) {
        for (Spec.Namespace n : spec.linux().namespaces()) {
            if ("pid".equals(n.type()) && (n.path() == null || n.path().isEmpty())) return true;
        }
        return false;
    }

    /**
     * runc 1.2's rule (libcontainer Create) and wording: an existing cgroup that already has processes, or is
     * frozen, is refused. Joining it would make another container's processes this one's: its `kill --all` and
     * `delete --force` would signal them, and a frozen cgroup would hang create. Checked before anything exists,
     * so the refusal leaves nothing behind and never removes the other container's cgroup. An existing empty
     * cgroup (a stopped container's, a parent set up by an engine) is joined, as with runc.
     */
    static void refuseOccupied(CgroupManager cg) {
        if (!cg.exists()) return;
        int n = cg.pids().size();
        if (n > 0) throw new JrunException("container's cgroup is not empty: " + n + " process(es) found");
        if (cg.isFrozen()) throw new JrunException("container's cgroup unexpectedly frozen");
    }

    /** {@code cg.addProcess(pid)} on a thread of its own; {@link #await} waits for it and rethrows its failure. */
    private static final class CgroupJoin {
        private final Thread thread;
        private volatile RuntimeException failure;

        CgroupJoin(CgroupManager cg, int pid) {
            thread = Thread.ofPlatform().name("cgroup-join").start(() -> {
                try {
                    cg.addProcess(pid);
                } catch (RuntimeException e) {
                    failure = e;
                }
            });
        }

        void await() {
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            if (failure != null) throw failure;
        }

        void awaitQuietly() {
            try {
                await();
            } catch (RuntimeException ignored) {
                // the caller is already failing with an earlier error
            }
        }
    }

    /** Sends the plan and answers the helper until it reports the init's pid; explains a death by OOM. */
    private int launch(HelperSession h, byte[] plan, CgroupManager cg, Spec spec) {
        try {
            h.sendPlan(plan);
            return converse(h, spec);
        } catch (RuntimeException e) {
            throw explainOom(e, cg, spec);
        }
    }

    /** Answers the helper's requests until it reports the container's pid. */
    private int converse(HelperSession h, Spec spec) {
        while (true) {
            HelperSession.Message m = h.receive(HELPER_TIMEOUT_MS);
            switch (m.type()) {
                case HelperSession.NEED_IDMAP -> {
                    IdMaps.write(m.int32(0), spec.linux());
                    h.send(HelperSession.IDMAP_DONE);
                }
                case HelperSession.PID -> {
                    return m.int32(0);
                }
                default -> throw new JrunException("jrun-init: unexpected message " + m.type());
            }
        }
    }

    static void writePidFile(Path pidFile, int pid) {
        // Written to a temp file and renamed, so a client polling for it never reads a partial number.
        Path tmp = pidFile.resolveSibling("." + pidFile.getFileName() + ".jrun-tmp");
        try {
            Files.writeString(tmp, Integer.toString(pid));
            Files.move(tmp, pidFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new JrunException("write pid file " + pidFile + ": " + e.getMessage(), e);
        }
    }

    /** The config (for its hooks) saved at create when it has hooks; null when it has none. */
    private Spec.Hooks savedHooks(String id) {
        Path f = store.dir(id).resolve(HOOKS_FILE);
        if (!Files.exists(f)) return null;
        return SpecReader.readConfig(f).hooks();
    }

    static final String HOOKS_FILE = "hooks-config.json";

    static long startTime(int pid) {
        ProcStat.Info info = ProcStat.read(pid);
        if (info == null) throw new JrunException("container init " + pid + " exited during create");
        return info.startTime();
    }

    private void killQuietly(int pid) {
        if (pid <= 0) return;
        try {
            sys().kill(pid, 9);
        } catch (SyscallException ignored) {
            // already gone
        }
        waitGone(pid, null);
    }

    private static void rollback(Deque<Runnable> undo) {
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException ignored) {
                // best effort: the original error is the one to report
            }
        }
    }

    // ---------------------------------------------------------------- state

    public View view(String id) {
        SpecValidator.validateId(id);
        ContainerState st = store.load(id);
        return new View(st, status(st));
    }

    public List<View> list() {
        List<View> views = new ArrayList<>();
        for (String id : store.ids()) {
            ContainerState st = store.load(id);
            views.add(new View(st, status(st)));
        }
        return views;
    }

    /** Status is derived, never stored (brief §5): the init's liveness, the exec fifo, the freezer. */
    Status status(ContainerState st) {
        if (st.pid() <= 0) return Status.CREATING;
        ProcStat.Info info = ProcStat.read(st.pid());
        if (info == null || info.startTime() != st.pidStartTime() || info.zombieOrDead()) return Status.STOPPED;
        if (Files.exists(store.dir(st.id()).resolve(StateStore.EXEC_FIFO))) return Status.CREATED;
        if (!st.cgroupPaths().isEmpty() && Cgroups.load(st.cgroupPaths()).isFrozen()) return Status.PAUSED;
        return Status.RUNNING;
    }

    // ---------------------------------------------------------------- start

    /** start: unblock the init by opening the exec fifo for reading (runtime.md "start"). */
    public void start(String id) {
        SpecValidator.validateId(id);
        if (!store.exists(id)) throw StateStore.notExist();
        try (StateStore.Lock lock = store.lock(id)) {
            ContainerState st = store.load(id);
            Status s = status(st);
            switch (s) {
                case CREATED -> { }
                case STOPPED -> throw new JrunException("cannot start a container that has stopped");
                case RUNNING, PAUSED -> throw new JrunException("cannot start an already running container");
                default -> throw new JrunException("cannot start a container in the " + s.json() + " state");
            }
            Path fifo = store.dir(id).resolve(StateStore.EXEC_FIFO);
            Spec.Hooks hooks = savedHooks(id);
            if (hooks != null && !Hooks.of(hooks.startContainer()).isEmpty()) {
                // startContainer: inside the container, before the user's process runs (config.md); on
                // failure the container is killed and start fails.
                try {
                    new ExecEngine(this).runHookInContainer(st, "startContainer", hooks.startContainer(),
                            Hooks.stateJson(st, "created", st.pid()));
                } catch (RuntimeException e) {
                    try {
                        signalInit(st, 9);
                    } catch (RuntimeException ignored) {
                        // already gone
                    }
                    throw e;
                }
            }
            openFifo(fifo, st);
            try {
                Files.deleteIfExists(fifo);
            } catch (IOException e) {
                throw new JrunException("remove " + fifo + ": " + e.getMessage(), e);
            }
            if (hooks != null) {
                Hooks.runLogged(sys(), "poststart", Hooks.of(hooks.poststart()), Hooks.stateJson(st, "running", st.pid()));
            }
        }
    }

    /**
     * Opening the fifo for reading pairs with the init's blocked open for writing. If the init dies before
     * that, a reader would block forever: a watchdog thread unblocks it by opening the write side itself.
     */
    private void openFifo(Path fifo, ContainerState st) {
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                ProcStat.Info info = ProcStat.read(st.pid());
                if (info == null || info.zombieOrDead() || info.startTime() != st.pidStartTime()) {
                    try (FileOutputStream ignored = new FileOutputStream(fifo.toFile())) {
                        return;
                    } catch (IOException e) {
                        return;
                    }
                }
                if (!Pause.millis(20)) return;
            }
        });
        byte[] got;
        try (FileInputStream in = new FileInputStream(fifo.toFile())) {
            got = in.readAllBytes();
        } catch (IOException e) {
            throw new JrunException("open exec fifo " + fifo + ": " + e.getMessage(), e);
        } finally {
            watchdog.interrupt();
        }
        if (got.length == 0) throw new JrunException("cannot start an already stopped container");
    }

    // ---------------------------------------------------------------- kill

    public void kill(String id, int signal, boolean all) {
        SpecValidator.validateId(id);
        ContainerState st = store.load(id);
        Status s = status(st);
        if (all && !st.cgroupPaths().isEmpty()) {
            CgroupManager cg = Cgroups.load(st.cgroupPaths());
            if (cg.exists()) {
                cg.killAll(signal, (pid, sig) -> Processes.signalQuietly(sys(), pid, sig));
                return;
            }
        }
        if (s == Status.STOPPED || s == Status.CREATING) throw new JrunException("container not running");
        signalInit(st, signal);
        if (signal == 9) thawAfterKill(st);
    }

    /**
     * A v1-frozen task does not act on SIGKILL until it is thawed (cgroup-v1/freezer-subsystem.rst): without a
     * thaw the init of a paused container stays in D state and `kill ID KILL` changes nothing. A v2 frozen
     * cgroup lets fatal signals through (cgroup-v2.rst "Core Interface Files", cgroup.freeze), but would stay
     * marked frozen. runc's Signal() thaws after SIGKILL on both, and only after SIGKILL: any other signal
     * leaves a paused container paused.
     */
    private void thawAfterKill(ContainerState st) {
        if (st.cgroupPaths().isEmpty()) return;
        CgroupManager cg = Cgroups.load(st.cgroupPaths());
        if (cg.isFrozen()) cg.thaw();
    }

    /**
     * Signals the recorded init only: through a pidfd opened for that pid and then checked against the start
     * time recorded at create, so that a recycled pid is never signalled.
     */
    private void signalInit(ContainerState st, int signal) {
        int pidfd;
        try {
            pidfd = sys().pidfdOpen(st.pid());
        } catch (SyscallException e) {
            if (e.errno() == Errno.ESRCH) throw new JrunException("container not running");
            throw new JrunException("pidfd_open " + st.pid() + ": " + e.getMessage(), e);
        }
        try {
            ProcStat.Info info = ProcStat.read(st.pid());
            if (info == null || info.startTime() != st.pidStartTime()) throw new JrunException("container not running");
            Debug.log(() -> "kill " + st.id() + ": signal " + signal + " to init " + st.pid() + " via pidfd");
            sys().pidfdSendSignal(pidfd, signal);
        } catch (SyscallException e) {
            if (e.errno() == Errno.ESRCH) throw new JrunException("container not running");
            throw new JrunException("kill " + st.pid() + ": " + e.getMessage(), e);
        } finally {
            sys().close(pidfd);
        }
    }

    // ---------------------------------------------------------------- delete

    /** delete: refuses a running container unless forced; an unknown id with --force is not an error. */
    public void delete(String id, boolean force) {
        SpecValidator.validateId(id);
        if (!store.exists(id)) {
            if (force) {
                store.remove(id);
                return;
            }
            throw StateStore.notExist();
        }
        Spec.Hooks hooks;
        ContainerState last;
        try (StateStore.Lock lock = store.lock(id)) {
            ContainerState st = store.load(id);
            Status s = status(st);
            Debug.log(() -> "delete " + id + ": status " + s.json() + (force ? ", forced" : ""));
            switch (s) {
                case STOPPED, CREATING, CREATED -> { }
                case RUNNING, PAUSED -> {
                    if (!force) {
                        throw new JrunException("cannot delete container " + id + " that is not stopped: " + s.json());
                    }
                }
            }
            CgroupManager cg = st.cgroupPaths().isEmpty() ? null : Cgroups.load(st.cgroupPaths());
            if (s != Status.STOPPED) {
                // A created init is killed too (runc does the same): it never ran user code.
                if (cg != null && cg.exists()) {
                    cg.killAll(9, (pid, sig) -> Processes.signalQuietly(sys(), pid, sig));
                } else if (st.pid() > 0) {
                    try {
                        signalInit(st, 9);
                    } catch (JrunException ignored) {
                        // already gone
                    }
                }
                if (st.pid() > 0) waitGone(st.pid(), st);
            } else if (cg != null && cg.exists() && st.cgroupCreated() && !st.privatePidNs()) {
                // The init is gone but stragglers may remain in the cgroup (runtime.md: delete "MUST" clean up).
                // Only without a pid namespace of its own: runc's destroy() rule, see sharedCgroup below.
                cg.killAll(9, (pid, sig) -> Processes.signalQuietly(sys(), pid, sig));
            }
            if (cg != null && st.cgroupCreated() && !sharedCgroup(st, s, cg)) destroyCgroup(cg);
            hooks = savedHooks(id);
            last = st;
        }
        store.remove(id);
        // poststop: after the container is deleted, before delete returns; failures only warn (config.md)
        if (hooks != null) Hooks.runLogged(sys(), "poststop", Hooks.of(hooks.poststop()), Hooks.stateJson(last, "stopped", 0));
    }

    /**
     * A stopped container with its own pid namespace has no process left: its init's death killed them all and
     * the init is not reported gone before they are (pid_namespaces(7); zap_pid_namespace waits for them). So a
     * process still in its cgroup is another container's, created into the same (then empty) cgroupsPath: it
     * is not signalled, and the cgroup, which is that container's now, stays for that container's delete.
     */
    private static boolean sharedCgroup(ContainerState st, Status s, CgroupManager cg) {
        if (s != Status.STOPPED || !st.privatePidNs() || !cg.exists() || cg.pids().isEmpty()) return false;
        Debug.log(() -> "delete " + st.id() + ": cgroup " + cg.paths() + " holds another container's processes: kept");
        return true;
    }

    private static void destroyCgroup(CgroupManager cg) {
        cg.destroy();
    }

    /** Polls until the process is gone or a zombie (its parent, a subreaper, reaps it), up to ~10 s. */
    private static void waitGone(int pid, ContainerState st) {
        for (int i = 0; i < 1000; i++) {
            ProcStat.Info info = ProcStat.read(pid);
            if (info == null || info.zombieOrDead() || (st != null && info.startTime() != st.pidStartTime())) return;
            if (!Pause.millis(i < 50 ? 1 : 10)) return;
        }
    }

    // ---------------------------------------------------------------- run

    /**
     * run: create + start in the foreground, stdio passed through, signals forwarded, and the exit status
     * returned as the shell does (128+signal when killed). jrun is a child subreaper so the init, orphaned
     * when the helper exits, becomes its child and can be waited for.
     */
    public int run(CreateRequest r, boolean detach, boolean keep) {
        if (!detach) Foreground.becomeSubreaper(sys());
        int pid;
        try {
            pid = create(r, !detach);
            if (console != null) console.receive();
        } catch (RuntimeException e) {
            closeConsole();
            throw e;
        }
        try {
            start(r.id());
        } catch (RuntimeException e) {
            closeConsole();
            safeDelete(r.id());
            throw e;
        }
        if (detach) return 0;
        if (console != null) console.relay();
        int status;
        try {
            // SIGWINCH resizes jrun's own console when it serves one (the kernel then signals the container)
            status = Foreground.waitFor(sys(), pid, "container init", console);
        } finally {
            closeConsole();
        }
        // `jrun sandbox-agent` stopped it for a syscall outside its allowlist (docs/sandbox.md)
        boolean violation = Files.exists(store.dir(r.id()).resolve(io.jrun.core.sandbox.SandboxAgent.MARKER));
        if (!keep) safeDelete(r.id());
        return violation ? io.jrun.core.sandbox.SandboxAgent.EXIT_VIOLATION : WaitStatus.shellCode(status);
    }

    private void closeConsole() {
        if (console != null) {
            console.close();
            console = null;
        }
    }

    private void safeDelete(String id) {
        try {
            delete(id, true);
        } catch (RuntimeException ignored) {
            // best effort after the container ran
        }
    }
}
