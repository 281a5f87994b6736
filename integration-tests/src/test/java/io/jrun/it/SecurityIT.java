package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Security issue (docs/security.md): capabilities by name in all five sets, LSM labels on a host without an LSM,
 * and one attack per CVE the runtime defends against, each reproduced through the installed binary and shown to
 * fail. Containers (and so every process they hold) are force-deleted by ItBase.
 */
class SecurityIT extends ItBase {
    private static String caps(String... names) {
        return Bundles.arr(List.of(names));
    }

    private static String capsObject(String bounding, String effective, String permitted, String inheritable, String ambient) {
        return "{\"bounding\": " + bounding + ", \"effective\": " + effective + ", \"permitted\": " + permitted
                + ", \"inheritable\": " + inheritable + ", \"ambient\": " + ambient + "}";
    }

    /** The "CapXxx:" values of `grep ^Cap /proc/self/status` output, as longs keyed by name. */
    private static Map<String, Long> capLines(String out) {
        java.util.HashMap<String, Long> m = new java.util.HashMap<>();
        for (String l : out.strip().lines().toList()) {
            if (!l.startsWith("Cap")) continue;
            String[] kv = l.split(":\\s*");
            m.put(kv[0], Long.parseUnsignedLong(kv[1].trim(), 16));
        }
        return m;
    }

    private static long hostCapBnd() throws IOException {
        return capLines(Files.readString(Path.of("/proc/self/status"))).get("CapBnd");
    }

    private void assertNothingLeftBehind(String id) throws IOException {
        assertEquals("", ok("list", "-q").out().strip(), "no container left in the state root");
        try (Stream<Path> s = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : s.toList()) {
                assertFalse(Files.exists(Path.of(h + cgroupParent + "/" + id)), "cgroup left behind in " + h);
            }
        }
    }

    // ------------------------------------------------------------------ capabilities

    @Test
    void ambientCapabilityReachesANonRootProcessAfterExec() throws Exception {
        // uid 1000 and an ordinary binary (no file capabilities): after execve the permitted and effective
        // sets are exactly the ambient set (capabilities(7)); bounding and inheritable stay as configured.
        String nbs = caps("CAP_NET_BIND_SERVICE");
        Path b = bundle("amb", List.of("grep", "^Cap", "/proc/self/status"),
                Map.of("user", "{\"uid\": 1000, \"gid\": 1000}",
                        "capabilities", capsObject(caps("CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"), nbs, nbs,
                                caps("CAP_KILL", "CAP_NET_BIND_SERVICE"), nbs)),
                Map.of(), null);
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "amb");
        assertEquals(0, r.code(), r::toString);
        Map<String, Long> c = capLines(r.out());
        assertEquals(0x421L, c.get("CapBnd"), r.out());
        assertEquals(0x420L, c.get("CapInh"), r.out());
        assertEquals(0x400L, c.get("CapAmb"), r.out());
        assertEquals(0x400L, c.get("CapPrm"), r.out());
        assertEquals(0x400L, c.get("CapEff"), r.out());

        // without it in permitted the ambient raise is impossible and skipped (as runc does): nothing survives
        Path b2 = bundle("amb2", List.of("grep", "^Cap", "/proc/self/status"),
                Map.of("user", "{\"uid\": 1000, \"gid\": 1000}",
                        "capabilities", capsObject(nbs, "[]", "[]", nbs, nbs)),
                Map.of(), null);
        r = jrun.run("run", "--bundle", b2.toString(), "amb2");
        assertEquals(0, r.code(), r::toString);
        c = capLines(r.out());
        assertEquals(0L, c.get("CapAmb"), r.out());
        assertEquals(0L, c.get("CapEff"), r.out());
        assertEquals(0x400L, c.get("CapInh"), r.out());
    }

    @Test
    void nonRootWithAmbientNetBindServiceCanBindPort80() throws Exception {
        String nbs = caps("CAP_NET_BIND_SERVICE");
        String script = "nc -l -p 80 & sleep 0.3; netstat -ltn | grep -q ':80 ' && echo bound || echo not-bound; kill $!";
        Path b = bundle("bind80", List.of("sh", "-c", script),
                Map.of("user", "{\"uid\": 1000, \"gid\": 1000}", "capabilities", capsObject(nbs, nbs, nbs, nbs, nbs)),
                Map.of(), null);
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "bind80");
        assertEquals("bound", r.out().strip(), r::toString);
        Path b2 = bundle("nobind80", List.of("sh", "-c", script),
                Map.of("user", "{\"uid\": 1000, \"gid\": 1000}", "capabilities", capsObject(nbs, nbs, nbs, nbs, "[]")),
                Map.of(), null);
        r = jrun.run("run", "--bundle", b2.toString(), "nobind80");
        assertEquals("not-bound", r.out().strip(), r::toString);
    }

    @Test
    void everyCapabilityTheKernelKnowsIsAcceptedByName() throws Exception {
        long host = hostCapBnd();
        List<String> all = new ArrayList<>();
        List<String> names = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
                "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
                "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
                "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
                "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
                "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
                "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
                "CAP_CHECKPOINT_RESTORE");
        // everything this host's bounding set still has (this machine lacks CAP_SYS_RESOURCE)
        for (int i = 0; i < names.size(); i++) if ((host & (1L << i)) != 0) all.add(names.get(i));
        String set = Bundles.arr(all);
        Path b = bundle("all", List.of("grep", "^Cap", "/proc/self/status"),
                Map.of("capabilities", capsObject(Bundles.arr(names), set, set, set, set)), Map.of(), null);
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "all");
        assertEquals(0, r.code(), r::toString);
        Map<String, Long> c = capLines(r.out());
        for (String k : List.of("CapBnd", "CapEff", "CapPrm", "CapInh", "CapAmb")) assertEquals(host, c.get(k), k + "\n" + r.out());
    }

    @Test
    void capabilityMissingFromTheHostBoundingSetBehavesLikeRunc() throws Exception {
        assumeTrue((hostCapBnd() & (1L << 24)) == 0, "this host's bounding set has CAP_SYS_RESOURCE");
        String kill = caps("CAP_KILL");
        String killRes = caps("CAP_KILL", "CAP_SYS_RESOURCE");
        // bounding and ambient: tolerated (nothing to drop; an impossible ambient raise is skipped), as runc 1.1
        Path b = bundle("resok", List.of("grep", "^Cap", "/proc/self/status"),
                Map.of("capabilities", capsObject(killRes, kill, kill, kill, killRes)), Map.of(), null);
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "resok");
        assertEquals(0, r.code(), r::toString);
        assertEquals(0x20L, capLines(r.out()).get("CapBnd"), r.out());
        assertEquals(0x20L, capLines(r.out()).get("CapAmb"), r.out());
        // effective/permitted/inheritable: runc fails with "unable to apply caps: operation not permitted"; so do
        // we, naming the capability, and nothing is left behind
        for (String set : List.of("effective", "permitted", "inheritable")) {
            String id = "res" + set;
            Path bb = bundle(id, List.of("true"), Map.of("capabilities", capsObject(killRes,
                    set.equals("effective") ? killRes : kill, set.equals("permitted") ? killRes : kill,
                    set.equals("inheritable") ? killRes : kill, kill)), Map.of(), null);
            r = jrun.run("create", "--bundle", bb.toString(), id);
            assertNotEquals(0, r.code(), r::toString);
            assertEquals("jrun: unable to apply caps: CAP_SYS_RESOURCE is not in the runtime's bounding set: "
                    + "operation not permitted", r.err().strip(), set);
            assertNothingLeftBehind(id);
        }
    }

    @Test
    void unknownCapabilityIsRejectedAtCreateNamingTheField() throws Exception {
        Path b = bundle("unk", List.of("true"), Map.of("capabilities",
                capsObject(caps("CAP_KILL", "CAP_BOGUS"), "[]", "[]", "[]", "[]")), Map.of(), null);
        Jrun.Result r = jrun.run("create", "--bundle", b.toString(), "unk");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("process.capabilities.bounding[1]") && r.err().contains("CAP_BOGUS"), r::toString);
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertNothingLeftBehind("unk");
        // lower case is not a capability name (runc is case-sensitive too)
        Path b2 = bundle("unk2", List.of("true"), Map.of("capabilities",
                capsObject("[]", "[]", "[]", "[]", caps("cap_kill"))), Map.of(), null);
        r = jrun.run("create", "--bundle", b2.toString(), "unk2");
        assertTrue(r.err().contains("process.capabilities.ambient[0]"), r::toString);
    }

    // ------------------------------------------------------------------ LSM

    @Test
    void lsmLabelsOnAHostWithoutTheLsmAreRejectedByField() throws Exception {
        assumeFalse(Files.isDirectory(Path.of("/sys/kernel/security/apparmor")), "host has AppArmor");
        assumeFalse(Files.isDirectory(Path.of("/sys/fs/selinux")), "host has SELinux");
        record Case(String id, Map<String, String> process, Map<String, String> linux, String field, String lsm) {}
        for (Case c : List.of(
                new Case("aa", Map.of("apparmorProfile", "\"jrun-default\""), Map.of(), "process.apparmorProfile", "AppArmor"),
                new Case("se", Map.of("selinuxLabel", "\"system_u:system_r:container_t:s0\""), Map.of(),
                        "process.selinuxLabel", "SELinux"),
                new Case("ml", Map.of(), Map.of("mountLabel", "\"system_u:object_r:container_file_t:s0\""),
                        "linux.mountLabel", "SELinux"))) {
            Path b = bundle(c.id(), List.of("true"), c.process(), c.linux(), null);
            Jrun.Result r = jrun.run("run", "--bundle", b.toString(), c.id());
            assertNotEquals(0, r.code(), r::toString);
            assertEquals("jrun: config.json: " + c.field() + ": " + c.lsm() + " is not enabled on this host", r.err().strip());
            assertNothingLeftBehind(c.id());
        }
        // exec's --apparmor / --process-label: refused, the container keeps running
        Path b = bundle("lsmexec", List.of("sleep", "1000"));
        ok("create", "--bundle", b.toString(), "lsmexec");
        ok("start", "lsmexec");
        Jrun.Result r = jrun.run("exec", "--apparmor", "p", "lsmexec", "true");
        assertTrue(r.code() != 0 && r.err().contains("apparmorProfile: AppArmor is not enabled"), r::toString);
        r = jrun.run("exec", "--process-label", "a:b:c:s0", "lsmexec", "true");
        assertTrue(r.code() != 0 && r.err().contains("selinuxLabel: SELinux is not enabled"), r::toString);
        assertEquals("running", status("lsmexec"));
    }

    // ------------------------------------------------------------------ CVE-2019-5736

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    /** The installed helper next to the jrun launcher: {@code <prefix>/bin/jrun} → {@code <prefix>/lib/jrun/jrun-init}. */
    private static Path installedHelper() {
        Path bin = Path.of(Jrun.BIN).toAbsolutePath();
        return bin.getParent().getParent().resolve("lib/jrun/jrun-init");
    }

    @Test
    void cve20195736HelperRunsFromASealedMemfdThatCannotBeWritten() throws Exception {
        Path helper = installedHelper();
        assumeTrue(Files.isRegularFile(helper), "helper not at " + helper);
        String before = sha256(helper);

        // the init of a created container is the helper, parked on the exec fifo
        Path a = bundle("victim", List.of("sleep", "1000"));
        ok("create", "--bundle", a.toString(), "victim");
        int init = statePid("victim");
        String exe = Files.readSymbolicLink(Path.of("/proc/" + init + "/exe")).toString();
        assertTrue(exe.startsWith("/memfd:jrun-init"), "init runs from " + exe);
        // even host root cannot write it: sealed (F_SEAL_WRITE) and being executed (ETXTBSY)
        assertThrows(IOException.class, () -> {
            try (FileChannel ch = FileChannel.open(Path.of("/proc/" + init + "/exe"), StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] {0x7f}), 0); // same byte as the ELF magic: harmless if it got through
            }
        });

        // the attack from inside: a second container in the victim's pid namespace, with CAP_SYS_PTRACE so that
        // non-dumpability alone would not stop it, opens /proc/1/exe (the parked helper) for writing
        String script = "readlink /proc/1/exe; echo pwned >> /proc/1/exe && echo WROTE || echo refused";
        String all = caps("CAP_SYS_PTRACE", "CAP_KILL", "CAP_DAC_OVERRIDE");
        Path b = bundle("attacker", List.of("sh", "-c", script), Map.of("capabilities", capsObject(all, all, all, "[]", "[]")),
                Map.of(), null);
        Path cfg = b.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("[{\"type\": \"pid\"}",
                "[{\"type\": \"pid\", \"path\": \"/proc/" + init + "/ns/pid\"}"));
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "attacker");
        assertEquals(0, r.code(), r::toString);
        List<String> out = r.out().strip().lines().toList();
        assertTrue(out.get(0).startsWith("/memfd:jrun-init"), r::toString);
        assertEquals("refused", out.get(out.size() - 1), r::toString);

        // and while `jrun exec` helpers come and go, a container process keeps trying every /proc/<pid>/exe
        ok("start", "victim");
        Path b2 = bundle("racer", List.of("sh", "-c",
                "while :; do for e in /proc/[0-9]*/exe; do case $(readlink $e 2>/dev/null) in *busybox) ;; "
                        + "*) echo pwned 2>/dev/null >> $e && echo WROTE $e >> /tmp/log;; esac; done; done"),
                Map.of("capabilities", capsObject(all, all, all, "[]", "[]")), Map.of(), null);
        ok("create", "--bundle", b2.toString(), "racer");
        ok("start", "racer");
        for (int i = 0; i < 8; i++) ok("exec", "racer", "true");
        Jrun.Result log = jrun.run("exec", "racer", "cat", "/tmp/log");
        assertFalse(log.out().contains("WROTE"), log::toString);
        assertEquals(before, sha256(helper), "installed helper unchanged");
    }

    // ------------------------------------------------------------------ CVE-2024-21626

    @Test
    void cve202421626NoHostFdOrCwdReachesTheContainer() throws Exception {
        // Only a process whose cwd is outside the container's root gets anywhere by walking up with "..": to the
        // host's / (the marker, a path relative to it), or to the root of the host's procfs, where this test's
        // own host pid is listed (the helper holds the host's /proc/<pid>/fd open while it sets up).
        Path marker = Files.writeString(work.resolve("escape-marker"), "host\n");
        String rel = marker.toString().substring(1);
        long hostPid = ProcessHandle.current().pid();
        String probe = "cd ../../../../../../../../../..; (test -e " + rel + " || test -e " + hostPid + "/cmdline) && "
                + "echo ESCAPED $(ls | head -5); echo cwd=$(readlink /proc/self/cwd)";

        Path b = bundle("fds", List.of("sh", "-c", "ls /proc/self/fd | tr '\\n' ' '; echo; readlink /proc/self/cwd"));
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "fds");
        assertEquals(0, r.code(), r::toString);
        // 0, 1, 2 and the fd ls has open on the directory
        assertEquals(List.of("0 1 2 3", "/"), r.out().strip().lines().map(String::strip).toList());

        // process.cwd through /proc/self/fd/<n>: the helper's own fds at that point must never be a way out
        for (int n = 3; n <= 12; n++) {
            String id = "cwd" + n;
            Path bb = bundle(id, List.of("sh", "-c", probe), Map.of("cwd", Bundles.q("/proc/self/fd/" + n)), Map.of(), null);
            Jrun.Result rr = jrun.run("run", "--bundle", bb.toString(), id);
            assertFalse(rr.out().contains("ESCAPED"), () -> id + ": " + rr);
            if (rr.code() != 0) jrun.run("delete", "--force", id);
        }

        // exec --cwd /proc/self/fd/<n> must not land on a host directory either
        Path s = bundle("execcwd", List.of("sleep", "1000"));
        ok("create", "--bundle", s.toString(), "execcwd");
        ok("start", "execcwd");
        r = jrun.run("exec", "execcwd", "sh", "-c", "ls /proc/self/fd | tr '\\n' ' '; echo; readlink /proc/self/cwd");
        assertEquals(List.of("0 1 2 3", "/"), r.out().strip().lines().map(String::strip).toList(), r::toString);
        for (int n = 3; n <= 12; n++) {
            Jrun.Result rr = jrun.run("exec", "--cwd", "/proc/self/fd/" + n, "execcwd", "sh", "-c", probe);
            int fd = n;
            assertFalse(rr.out().contains("ESCAPED"), () -> "fd " + fd + ": " + rr);
        }
    }

    // ------------------------------------------------------------------ CVE-2021-30465

    @Test
    void cve202130465SymlinkExchangeRaceNeverMountsOnTheHost() throws Exception {
        Path vol = Files.createDirectories(work.resolve("volume"));
        Path hostTarget = Files.createDirectories(work.resolve("hosttarget"));
        Files.writeString(hostTarget.resolve("sentinel"), "host\n");
        Path payload = Files.createDirectories(work.resolve("payload"));
        Files.writeString(payload.resolve("payload"), "payload\n");
        String volMount = "{\"destination\": \"/vol\", \"type\": \"bind\", \"source\": " + Bundles.q(vol.toString())
                + ", \"options\": [\"rbind\", \"rw\"]}";
        String last = "{\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"nodev\", \"mode=1777\"]}";

        // first container: keeps swapping /vol/d between a directory and a symlink to the host path, about half
        // the time each, so that the second container's create meets both and the swap in between
        Path a = bundle("swapper", List.of("sh", "-c", "cd /vol; while :; do mkdir d 2>/dev/null; usleep 700; rm -rf d; "
                + "ln -s " + hostTarget + " d 2>/dev/null; usleep 700; rm -f d; done"));
        Files.writeString(a.resolve("config.json"), Files.readString(a.resolve("config.json")).replace(last, last + ",\n" + volMount));
        ok("create", "--bundle", a.toString(), "swapper");
        ok("start", "swapper");

        // second container: mounts the shared volume, then a bind at /vol/d/mnt, i.e. through the swapped path
        Path b = bundle("victim", List.of("sh", "-c", "grep -c ' /vol/d/mnt \\| " + hostTarget + "/mnt ' /proc/self/mountinfo"));
        String payloadMount = "{\"destination\": \"/vol/d/mnt\", \"type\": \"bind\", \"source\": "
                + Bundles.q(payload.toString()) + ", \"options\": [\"rbind\"]}";
        Files.writeString(b.resolve("config.json"), Files.readString(b.resolve("config.json"))
                .replace(last, last + ",\n" + volMount + ",\n" + payloadMount));
        int started = 0;
        for (int i = 0; i < 20; i++) {
            String id = "victim" + i;
            Jrun.Result r = jrun.run("run", "--bundle", b.toString(), id);
            if (r.code() == 0) {
                started++;
                // the bind is inside the container (wherever the symlink pointed, resolved in its root)
                assertEquals("1", r.out().strip(), r::toString);
            } else {
                jrun.run("delete", "--force", id);
            }
            try (Stream<Path> s = Files.list(hostTarget)) {
                assertEquals(List.of(hostTarget.resolve("sentinel")), s.toList(), "host target touched at run " + i);
            }
            assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(hostTarget.toString()));
        }
        // (only our own paths: other test runs on this machine mount and unmount things meanwhile)
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(work.toString()), "no mount leaked to the host");
        assertTrue(started > 0, "no run started at all");
        ok("delete", "--force", "swapper");
    }

    // ------------------------------------------------------------------ CVE-2025-31133

    @Test
    void cve202531133MaskingNeverBindsAnythingButTheRealDevNull() throws Exception {
        String core = Files.readString(Path.of("/proc/sys/kernel/core_pattern"));
        // /dev comes from the bundle (a bind), so the rootfs decides what /dev/null is: a symlink to
        // core_pattern, or a regular file
        for (String kind : List.of("symlink", "file")) {
            String id = "null" + kind;
            Path devdir = Files.createDirectories(work.resolve("dev-" + kind));
            if (kind.equals("symlink")) {
                Files.createSymbolicLink(devdir.resolve("null"), Path.of("/proc/sys/kernel/core_pattern"));
            } else {
                Files.writeString(devdir.resolve("null"), "");
            }
            Path b = bundle(id, List.of("true"));
            Path cfg = b.resolve("config.json");
            Files.writeString(cfg, Files.readString(cfg).replace(
                    "{\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]}",
                    "{\"destination\": \"/dev\", \"type\": \"bind\", \"source\": " + Bundles.q(devdir.toString())
                            + ", \"options\": [\"rbind\"]}"));
            Jrun.Result r = jrun.run("run", "--bundle", b.toString(), id);
            assertNotEquals(0, r.code(), r::toString);
            assertTrue(r.err().contains("/dev/null is not the 1:3 character device"), r::toString);
            assertNothingLeftBehind(id);
        }
        assertEquals(core, Files.readString(Path.of("/proc/sys/kernel/core_pattern")));
    }

    // ------------------------------------------------------------------ /proc, /sys, read-only root

    @Test
    void procAndSysWritesFailThroughMaskedAndReadOnlyPaths() throws Exception {
        // read-only paths (runc's defaults) and the ro sysfs: `: >` opens for writing and writes nothing, so the
        // open itself is what must fail (and nothing happens if it did not). Files this kernel lacks
        // (/proc/sysrq-trigger and /proc/kcore here) are skipped.
        List<String> readonly = List.of("/proc/sysrq-trigger", "/proc/sys/kernel/core_pattern", "/proc/sys/vm/drop_caches",
                "/proc/sys/kernel/modprobe", "/proc/irq/default_smp_affinity", "/proc/bus/pci/devices",
                "/proc/fs/nfsd/threads", "/sys/kernel/uevent_helper", "/sys/kernel/profiling", "/sys/power/state");
        // masked files: /dev/null is bound over them, so they read empty and writes go nowhere
        List<String> masked = List.of("/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
                "/proc/latency_stats", "/proc/timer_stats");
        StringBuilder script = new StringBuilder();
        for (String t : readonly) script.append("if [ -e ").append(t).append(" ]; then (: > ").append(t)
                .append(") 2>/dev/null && echo ").append(t).append("=writable || echo ").append(t).append("=refused; fi; ");
        for (String t : masked) script.append("if [ -e ").append(t).append(" ]; then echo ").append(t)
                .append("=$(stat -c %t:%T ").append(t).append(")/$(wc -c < ").append(t).append("); fi; ");
        script.append("echo firmware=$(ls -A /sys/firmware | wc -l); ");
        script.append("(: > /sys/firmware/x) 2>/dev/null && echo firmwarefile=created || echo firmwarefile=refused");
        Path b = bundle("procsys", List.of("sh", "-c", script.toString()));
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "procsys");
        assertEquals(0, r.code(), r::toString);
        List<String> lines = r.out().strip().lines().toList();
        assertTrue(lines.contains("/proc/sys/kernel/core_pattern=refused"), r::toString);
        assertTrue(lines.contains("/proc/sys/vm/drop_caches=refused"), r::toString);
        assertTrue(lines.contains("/sys/kernel/profiling=refused") || lines.contains("/sys/kernel/uevent_helper=refused"), r::toString);
        if (Files.exists(Path.of("/proc/sysrq-trigger"))) assertTrue(lines.contains("/proc/sysrq-trigger=refused"), r::toString);
        for (String l : lines) assertFalse(l.endsWith("=writable"), r::toString);
        long maskedSeen = 0;
        for (String t : masked) {
            for (String l : lines) {
                if (!l.startsWith(t + "=")) continue;
                maskedSeen++;
                assertEquals(t + "=1:3/0", l, "masked by /dev/null: " + r.out());
            }
        }
        assertTrue(maskedSeen >= 2, r::toString);
        assertTrue(lines.contains("firmware=0"), "masked: empty tmpfs over /sys/firmware\n" + r.out());
        assertTrue(lines.contains("firmwarefile=refused"), "the masking tmpfs is read-only\n" + r.out());
    }

    @Test
    void readOnlyRootCannotBeRemountedWithoutCapSysAdmin() throws Exception {
        Path b = bundle("roroot", List.of("sh", "-c",
                "mount -o remount,rw / 2>/dev/null && echo remounted || echo refused; "
                        + "mount -o remount,bind,rw / 2>/dev/null && echo remounted || echo refused; "
                        + "touch /x 2>/dev/null && echo writable || echo readonly; grep CapEff /proc/self/status"));
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "roroot");
        assertEquals(0, r.code(), r::toString);
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(List.of("refused", "refused", "readonly"), lines.subList(0, 3), r::toString);
        long eff = Long.parseLong(lines.get(3).split("\\s+")[1], 16);
        assertEquals(0L, eff & (1L << 21), "no CAP_SYS_ADMIN");
        assertFalse(Files.exists(b.resolve("rootfs/x")));
    }
}
