package io.jrun.core.cgroup;

import io.jrun.core.Debug;
import io.jrun.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The systemd cgroup driver ({@code --systemd-cgroup}) on a cgroup v2 host: each container is a transient scope
 * unit that systemd creates over D-Bus (org.freedesktop.systemd1.Manager.StartTransientUnit) with the helper's
 * pid in it, in the slice that {@code linux.cgroupsPath} ("slice:prefix:name") names, as runc's systemd driver
 * does (libcontainer/cgroups/systemd/v2.go). systemd owns the scope; with Delegate=yes the cgroup below it is
 * the container's, and every file write, freeze, kill and stats read goes through {@link CgroupV2Manager} on the
 * scope's directory, exactly as with the cgroupfs driver (runc's unifiedManager does the same through fs2).
 *
 * <p>The resources are given twice, as runc gives them: as unit properties ({@link SystemdProperties}), so
 * systemd's view matches and a re-realized unit keeps them, and then as files, which is what the kernel enforces
 * and what covers the fields systemd has no property for.
 *
 * <p>D-Bus is only touched by {@link #create}, {@link #update} and {@link #destroy}: the other commands load
 * this manager from state.json and never connect.
 */
public final class SystemdCgroupManager implements CgroupManager {
    /** The state.json key (in {@link #paths()}) of the unit's name, beside "unified" (its cgroup directory). */
    static final String UNIT_KEY = "systemd-unit";
    /** runc's default slice for system (non-rootless) containers. */
    static final String DEFAULT_SLICE = "system.slice";
    /** The prefix of an empty cgroupsPath's unit; runc uses "runc", see {@link #open}. */
    static final String DEFAULT_PREFIX = "jrun";
    /** How long systemd's jobs may take (runc's startUnit / stopUnit timeout). */
    static final long JOB_TIMEOUT_MS = 30_000;

    private static final String SYSTEMD = "org.freedesktop.systemd1";
    private static final String SYSTEMD_PATH = "/org/freedesktop/systemd1";
    private static final String MANAGER = "org.freedesktop.systemd1.Manager";

    private final String unit;
    private final String slice;
    private final String description;
    private final CgroupV2Manager files;
    private final List<Spec.Device> linuxDevices;
    private int startedWith;

    private SystemdCgroupManager(String unit, String slice, String description, CgroupV2Manager files,
                                 List<Spec.Device> linuxDevices) {
        this.unit = unit;
        this.slice = slice;
        this.description = description;
        this.files = files;
        this.linuxDevices = linuxDevices == null ? List.of() : linuxDevices;
    }

    /**
     * The manager for a new container. Refuses, with the reason, a host the driver cannot work on: systemd's
     * cgroup v1 layout (hybrid or legacy) is not supported, and without /run/systemd/system (sd_booted(3)) there
     * is no systemd to ask. {@code cgroupsPath}: "slice:prefix:name" gives unit "prefix-name.scope" in "slice"
     * (an empty slice is system.slice); empty gives "jrun-&lt;id&gt;.scope" in system.slice. runc names the latter
     * "runc-&lt;id&gt;.scope": jrun uses its own prefix so a runc and a jrun container with the same id (two
     * --root directories) do not claim the same unit.
     */
    static SystemdCgroupManager open(Cgroups.Host h, String cgroupsPath, String id) {
        String why = unavailable(h);
        if (why != null) throw new CgroupException("--systemd-cgroup: " + why);
        String[] parts = parsePath(cgroupsPath, id);
        String slice = parts[0].isEmpty() ? DEFAULT_SLICE : parts[0];
        String unit = unitName(parts[1], parts[2]);
        String dirPath = expandSlice(slice) + "/" + unit;
        Path dir = Cgroups.dirIn(h.unifiedMount(), h.unifiedMountRoot(), "/", dirPath);
        return new SystemdCgroupManager(unit, slice, "jrun container " + parts[2],
                new CgroupV2Manager(h.unifiedMount(), dir), List.of());
    }

    /** Why the driver cannot work on host {@code h}, or null when it can (also for {@code jrun features}). */
    public static String unavailable(Cgroups.Host h) {
        if (!h.unified()) {
            return "the systemd cgroup driver needs a cgroup v2 host (this host has "
                    + (h.unifiedMount() != null ? "hybrid" : "v1") + " cgroups)";
        }
        if (!h.systemdRunning()) return "systemd is not running (no /run/systemd/system)";
        return null;
    }

    /** From state.json: the unit's name and its cgroup directory. Reads nothing. */
    static SystemdCgroupManager load(Map<String, String> paths) {
        return new SystemdCgroupManager(paths.get(UNIT_KEY), null, null,
                new CgroupV2Manager(null, Path.of(paths.get("unified"))), List.of());
    }

    /** runc's specconv: "slice:prefix:name", or empty for (system.slice, jrun, id). */
    static String[] parsePath(String cgroupsPath, String id) {
        if (cgroupsPath == null || cgroupsPath.isEmpty()) {
            if (id == null || id.isEmpty()) throw new CgroupException("invalid container id: " + id);
            return new String[] {"", DEFAULT_PREFIX, id};
        }
        String[] parts = cgroupsPath.split(":", -1);
        if (parts.length != 3) {
            throw new CgroupException("linux.cgroupsPath \"" + cgroupsPath + "\": expected the form slice:prefix:name "
                    + "for the systemd cgroup driver");
        }
        if (parts[2].isEmpty() || parts[2].contains("/") || parts[1].contains("/")) {
            throw new CgroupException("linux.cgroupsPath \"" + cgroupsPath + "\": invalid unit name");
        }
        if (parts[2].endsWith(".slice")) {
            throw new CgroupException("linux.cgroupsPath \"" + cgroupsPath + "\": a slice as the container's own unit "
                    + "is not supported by jrun (runc creates a slice unit for it)");
        }
        return parts;
    }

    /** runc's getUnitName: "prefix-name.scope" ("name.scope" without a prefix). */
    static String unitName(String prefix, String name) {
        return (prefix.isEmpty() ? "" : prefix + "-") + name + ".scope";
    }

    /**
     * runc's ExpandSlice: "a-b-c.slice" lives at /a.slice/a-b.slice/a-b-c.slice (systemd.slice(5): a dash in a
     * slice's name is its parent's boundary); "-.slice" is the root.
     */
    static String expandSlice(String slice) {
        if (!slice.endsWith(".slice") || slice.length() == ".slice".length() || slice.contains("/")) {
            throw new CgroupException("linux.cgroupsPath: invalid slice name: " + slice);
        }
        String name = slice.substring(0, slice.length() - ".slice".length());
        if (name.equals("-")) return "";
        StringBuilder path = new StringBuilder();
        StringBuilder prefix = new StringBuilder();
        for (String part : name.split("-", -1)) {
            if (part.isEmpty()) throw new CgroupException("linux.cgroupsPath: invalid slice name: " + slice);
            path.append('/').append(prefix).append(part).append(".slice");
            prefix.append(part).append('-');
        }
        return path.toString();
    }

    public String unit() {
        return unit;
    }

    @Override
    public int version() {
        return 2;
    }

    @Override
    public Map<String, String> paths() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("unified", files.dir().toString());
        m.put(UNIT_KEY, unit);
        return m;
    }

    @Override
    public boolean exists() {
        return files.exists();
    }

    @Override
    public CgroupManager withLinuxDevices(List<Spec.Device> devices) {
        return new SystemdCgroupManager(unit, slice, description, files.withLinuxDevices(devices), devices);
    }

    @Override
    public void create() {
        throw new CgroupException("the systemd cgroup driver starts its scope with a process (create(pid, …))");
    }

    /**
     * StartTransientUnit with {@code pid} in the scope and the resources as properties (runc's Apply), waits for
     * the job, then enables the controllers on the way down as the cgroupfs driver does (runc calls
     * fs2.CreateCgroupPath after startUnit too). A failure after the unit started stops it again, so a failed
     * create leaves no unit.
     */
    @Override
    public void create(int pid, Spec.Resources resources) {
        try (DBus bus = connect()) {
            int version = needsVersion(resources) ? systemdVersion(bus) : 0;
            List<SystemdProperties.Prop> props = new ArrayList<>();
            props.add(new SystemdProperties.Prop("Description", "s", description));
            props.add(new SystemdProperties.Prop("Slice", "s", slice));
            props.add(new SystemdProperties.Prop("Delegate", "b", true));
            props.add(new SystemdProperties.Prop("PIDs", "au", List.of((long) pid)));
            // Accounting on for every controller, as runc: the same files as the cgroupfs driver gets
            for (String a : List.of("MemoryAccounting", "CPUAccounting", "IOAccounting", "TasksAccounting")) {
                props.add(new SystemdProperties.Prop(a, "b", true));
            }
            // no ordering dependencies on shutdown.target and friends (runc sets it too)
            props.add(new SystemdProperties.Prop("DefaultDependencies", "b", false));
            props.addAll(SystemdProperties.resources(resources, false,
                    DefaultDevices.withDefaults(resources == null ? null : resources.devices(), linuxDevices),
                    version, procDevices()));
            startUnit(bus, props);
            startedWith = pid;
            try {
                files.create();
            } catch (RuntimeException e) {
                stopUnit(bus);
                throw e;
            }
        } catch (IOException e) {
            throw new CgroupException("--systemd-cgroup: " + unit + ": " + e.getMessage(), e);
        }
    }

    private static boolean needsVersion(Spec.Resources r) {
        return r != null && (r.cpu() != null || (r.unified() != null && !r.unified().isEmpty()));
    }

    private void startUnit(DBus bus, List<SystemdProperties.Prop> props) throws IOException {
        List<Object> wire = new ArrayList<>();
        for (SystemdProperties.Prop p : props) wire.add(p.wire());
        subscribeJobs(bus);
        String job;
        try {
            job = (String) bus.call(SYSTEMD, SYSTEMD_PATH, MANAGER, "StartTransientUnit", "ssa(sv)a(sa(sv))",
                    unit, "replace", wire, List.of()).getFirst();
        } catch (DBus.Error e) {
            if (!e.name.equals("org.freedesktop.systemd1.UnitExists")) throw unitError("start", e);
            // A failed unit of the same name that systemd keeps loaded (runc resets it and retries once); a
            // running one is another container's.
            resetFailed(bus);
            try {
                job = (String) bus.call(SYSTEMD, SYSTEMD_PATH, MANAGER, "StartTransientUnit", "ssa(sv)a(sa(sv))",
                        unit, "replace", wire, List.of()).getFirst();
            } catch (DBus.Error again) {
                throw unitError("start", again);
            }
        }
        String result = awaitJob(bus, job);
        if (!result.equals("done")) {
            stopUnit(bus);
            throw new CgroupException("--systemd-cgroup: error creating systemd unit " + unit + ": job " + result);
        }
    }

    private CgroupException unitError(String what, DBus.Error e) {
        return new CgroupException("--systemd-cgroup: cannot " + what + " systemd unit " + unit + ": "
                + e.getMessage(), e);
    }

    /** JobRemoved is sent to the job's requester; the match rule lets the bus deliver it to us. */
    private static void subscribeJobs(DBus bus) throws IOException {
        bus.call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "AddMatch", "s",
                "type='signal',sender='" + SYSTEMD + "',path='" + SYSTEMD_PATH + "',interface='" + MANAGER
                        + "',member='JobRemoved'");
    }

    /**
     * Waits for JobRemoved(id, job, unit, result) of {@code job} and returns its result ("done", "failed",
     * "canceled", "timeout", "dependency", "skipped"; org.freedesktop.systemd1(5)). Every 200 ms without the
     * signal the job object is asked for directly: once it is gone the unit's ActiveState tells the outcome.
     */
    private String awaitJob(DBus bus, String job) throws IOException {
        long deadline = System.nanoTime() + JOB_TIMEOUT_MS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            DBus.Message m = bus.signal(Math.min(deadline, System.nanoTime() + 200_000_000L));
            if (m != null) {
                if ("JobRemoved".equals(m.member()) && m.body().size() == 4 && job.equals(m.body().get(1))) {
                    return (String) m.body().get(3);
                }
                continue;
            }
            try {
                bus.call(SYSTEMD, job, "org.freedesktop.DBus.Properties", "Get", "ss",
                        "org.freedesktop.systemd1.Job", "State");
            } catch (DBus.Error gone) {
                return activeState(bus).equals("active") ? "done" : "failed";
            }
        }
        return "timeout";
    }

    private String activeState(DBus bus) throws IOException {
        try {
            String path = (String) bus.call(SYSTEMD, SYSTEMD_PATH, MANAGER, "GetUnit", "s", unit).getFirst();
            return (String) bus.call(SYSTEMD, path, "org.freedesktop.DBus.Properties", "Get", "ss",
                    "org.freedesktop.systemd1.Unit", "ActiveState").getFirst();
        } catch (DBus.Error e) {
            return "inactive";
        }
    }

    /** StopUnit and wait (runc's stopUnit); a unit already gone (an exited container's scope) is fine. */
    private void stopUnit(DBus bus) throws IOException {
        try {
            subscribeJobs(bus);
            String job = (String) bus.call(SYSTEMD, SYSTEMD_PATH, MANAGER, "StopUnit", "ss", unit, "replace")
                    .getFirst();
            String result = awaitJob(bus, job);
            if (!result.equals("done")) Debug.log(() -> "stop " + unit + ": job " + result);
        } catch (DBus.Error e) {
            if (!e.name.equals("org.freedesktop.systemd1.NoSuchUnit")) throw unitError("stop", e);
        }
        resetFailed(bus);
    }

    /** A failed unit stays loaded until reset (systemctl reset-failed); runc resets after every stop. */
    private void resetFailed(DBus bus) throws IOException {
        try {
            bus.call(SYSTEMD, SYSTEMD_PATH, MANAGER, "ResetFailedUnit", "s", unit);
        } catch (DBus.Error e) {
            // not loaded or not failed: nothing to reset
        }
    }

    /** The leading number of systemd's Version property ("252.39-1~deb12u1" → 252), as runc's systemdVersion. */
    static int systemdVersion(DBus bus) throws IOException {
        Object v = bus.call(SYSTEMD, SYSTEMD_PATH, "org.freedesktop.DBus.Properties", "Get", "ss", MANAGER,
                "Version").getFirst();
        return parseVersion(String.valueOf(v));
    }

    static int parseVersion(String v) {
        int i = 0;
        String s = v.startsWith("v") ? v.substring(1) : v;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        return i == 0 ? 0 : Integer.parseInt(s.substring(0, i));
    }

    private static String procDevices() {
        try {
            return Files.readString(Path.of("/proc/devices"));
        } catch (IOException e) {
            return null;
        }
    }

    private static DBus connect() throws IOException {
        try {
            return DBus.system();
        } catch (IOException e) {
            throw new IOException("cannot connect to the system bus (" + DBus.SYSTEM_BUS + "): " + e.getMessage(), e);
        }
    }

    @Override
    public void apply(Spec.Resources r) {
        files.apply(r); // the properties went with StartTransientUnit
    }

    /** runc's Set: SetUnitProperties (runtime) with the changed fields, then the files. */
    @Override
    public void update(Spec.Resources r) {
        List<SystemdProperties.Prop> props;
        try (DBus bus = connect()) {
            props = SystemdProperties.resources(r, true, null, needsVersion(r) ? systemdVersion(bus) : 0, null);
            if (!props.isEmpty()) {
                List<Object> wire = new ArrayList<>();
                for (SystemdProperties.Prop p : props) wire.add(p.wire());
                bus.call(SYSTEMD, SYSTEMD_PATH, MANAGER, "SetUnitProperties", "sba(sv)", unit, true, wire);
            }
        } catch (DBus.Error e) {
            throw unitError("update", e);
        } catch (IOException e) {
            throw new CgroupException("--systemd-cgroup: " + unit + ": " + e.getMessage(), e);
        }
        files.update(r);
    }

    /** The process the scope was started with is in it already; any other (exec) joins through cgroup.procs. */
    @Override
    public void addProcess(int pid) {
        if (pid != startedWith) files.addProcess(pid);
    }

    @Override
    public void freeze() {
        files.freeze();
    }

    @Override
    public void thaw() {
        files.thaw();
    }

    @Override
    public boolean isFrozen() {
        return files.isFrozen();
    }

    @Override
    public List<Integer> pids() {
        return files.pids();
    }

    @Override
    public void killAll(int signal, Signaller kill) {
        files.killAll(signal, kill);
    }

    /** StopUnit (systemd removes the scope's cgroup), then whatever directory is left, as runc's Destroy. */
    @Override
    public void destroy() {
        try (DBus bus = connect()) {
            stopUnit(bus);
        } catch (IOException e) {
            throw new CgroupException("--systemd-cgroup: " + unit + ": " + e.getMessage(), e);
        }
        files.destroy();
    }

    @Override
    public CgroupStats stats() {
        return files.stats();
    }
}
