package io.jrun.core.cgroup;

import io.jrun.core.spec.Spec;
import io.jrun.sys.NativeBpf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end check of {@link CgroupV2Manager} on a pure cgroup v2 host (the host here is hybrid, so it runs
 * in the VM). Creates /sys/fs/cgroup/jrun-test/x, applies limits, moves a sleep in, freezes and thaws,
 * installs device programs and checks EPERM from a process inside, cgroup.kill, destroy. Prints one line per
 * check; exit status = number of failed checks.
 *
 * <p>Run from /work/main after {@code mvn -pl runtime-core -am test-compile -Dexec.skip=true}:
 * <pre>
 * make -C native-bindings/src/main/c OUT=$PWD/runtime-core/target/smoke-native $PWD/runtime-core/target/smoke-native/libjrun.so
 * /work/shared/vm/run-in-vm.sh --timeout 600 -- /usr/lib/jvm/temurin-25-jdk-amd64/bin/java \
 *   -Djrun.native.dir=$PWD/runtime-core/target/smoke-native \
 *   -cp runtime-core/target/classes:runtime-core/target/test-classes:native-bindings/target/classes \
 *   io.jrun.core.cgroup.V2SmokeMain
 * </pre>
 */
public final class V2SmokeMain {
    private static int failures;

    private static void check(String what, boolean ok, Object detail) {
        System.out.println((ok ? "PASS " : "FAIL ") + what + (detail == null ? "" : " [" + detail + "]"));
        if (!ok) {
            failures++;
        }
    }

    private static String read(Path dir, String f) {
        try {
            return Files.readString(dir.resolve(f)).trim();
        } catch (Exception e) {
            return "<" + e + ">";
        }
    }

    /** Runs {@code script} in sh after moving that sh into the cgroup; returns exit status and stderr. */
    private static String inCgroup(Path dir, String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "echo $$ > " + dir + "/cgroup.procs && " + script)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String err = new String(p.getErrorStream().readAllBytes()).trim();
        p.waitFor(30, TimeUnit.SECONDS);
        return p.exitValue() + " " + err;
    }

    public static void main(String[] args) throws Exception {
        CgroupManager m = Cgroups.open("/jrun-test/x", "x", false);
        check("v2 host detected", m.version() == 2, m.paths());
        Path dir = Path.of(m.paths().get("unified"));
        Process sleeper = null;
        try {
            m.create();
            check("created", Files.isDirectory(dir), dir);
            check("controllers enabled in parent", read(dir.getParent(), "cgroup.subtree_control").contains("memory"),
                    read(dir.getParent(), "cgroup.subtree_control"));
            m.apply(new Spec.Resources(List.of(new Spec.DeviceRule(false, null, null, null, "rwm")),
                    new Spec.Memory(67108864L, null, 134217728L, null, null, null, null, null, null),
                    new Spec.Cpu(1024L, 50000L, null, 100000L, null, null, null, null, null),
                    new Spec.Pids(20), null, List.of(), null, Map.of(), Map.of()));
            check("memory.max", read(dir, "memory.max").equals("67108864"), read(dir, "memory.max"));
            check("memory.swap.max = swap - limit", read(dir, "memory.swap.max").equals("67108864"),
                    read(dir, "memory.swap.max"));
            check("pids.max", read(dir, "pids.max").equals("20"), read(dir, "pids.max"));
            check("cpu.max", read(dir, "cpu.max").equals("50000 100000"), read(dir, "cpu.max"));
            check("cpu.weight from shares 1024", read(dir, "cpu.weight").equals("39"), read(dir, "cpu.weight"));

            // default program (podman's deny-all + runc's defaults): /dev/null writable, /dev/kmsg (1:11) not
            String r = inCgroup(dir, "echo hi > /dev/null");
            check("defaults: write /dev/null allowed", r.startsWith("0"), r);
            r = inCgroup(dir, "head -c1 /dev/kmsg > /dev/null");
            check("defaults: read /dev/kmsg denied", !r.startsWith("0") && r.contains("not permitted"), r);

            // replace with rules that deny writes to /dev/null (c 1:3 w) but allow reading it
            byte[] prog = DeviceFilterCompiler.compile(List.of(new Spec.DeviceRule(false, null, null, null, "rwm"),
                    new Spec.DeviceRule(true, "c", 1L, 3L, "rwm"), new Spec.DeviceRule(false, "c", 1L, 3L, "w")));
            BpfDeviceInstaller.INSTANCE.install(dir, prog);
            int[] attached = NativeBpf.queryDevicePrograms(dir.toString());
            check("exactly one device program attached after replace", attached.length == 1, attached.length);
            r = inCgroup(dir, "echo hi > /dev/null");
            check("deny c 1:3 w: write /dev/null fails with EPERM", !r.startsWith("0") && r.contains("not permitted"), r);
            r = inCgroup(dir, "head -c1 /dev/null");
            check("deny c 1:3 w: read /dev/null still allowed", r.startsWith("0"), r);

            sleeper = new ProcessBuilder("sleep", "1000").start();
            int pid = (int) sleeper.pid();
            m.addProcess(pid);
            check("sleep in cgroup.procs", m.pids().contains(pid), m.pids());
            m.freeze();
            check("frozen 1 in cgroup.events", read(dir, "cgroup.events").contains("frozen 1"), read(dir, "cgroup.events"));
            check("isFrozen", m.isFrozen(), null);
            m.thaw();
            check("thawed: frozen 0", read(dir, "cgroup.events").contains("frozen 0"), read(dir, "cgroup.events"));
            CgroupStats st = m.stats();
            System.out.println("stats " + st.toJson());
            check("stats pids.current >= 1", st.pids().current() >= 1, st.pids());
            m.killAll(9, (p, s) -> { throw new AssertionError("cgroup.kill expected, not per-pid kill"); });
            check("cgroup.kill killed the sleep", sleeper.waitFor(10, TimeUnit.SECONDS) && sleeper.exitValue() == 137,
                    sleeper.isAlive() ? "alive" : sleeper.exitValue());
            check("no pids left", CgroupManagerBase.waitUntil(() -> m.pids().isEmpty(), 5000), m.pids());
        } catch (RuntimeException e) {
            e.printStackTrace(System.out);
            check("no exception", false, e);
        } finally {
            if (sleeper != null) {
                sleeper.destroyForcibly();
            }
            m.destroy();
            check("destroyed", !m.exists(), dir);
            Files.deleteIfExists(dir.getParent());
        }
        System.out.println(failures == 0 ? "ALL PASS" : failures + " FAILED");
        System.exit(failures);
    }
}
