package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hardening of the helper (docs/security.md): what the parked init holds, masking that no /proc can redirect,
 * a fresh /dev/console, RLIMIT_NOFILE below the set-up's need, and poststart after execve. Each test was run
 * against the helper before the fix and failed.
 */
class HardeningHelperIT extends ItBase {
    private static final String PTRACE_CAPS = Bundles.arr(List.of("CAP_SYS_PTRACE", "CAP_KILL", "CAP_DAC_OVERRIDE"));

    private static String capsAll(String set) {
        return "{\"bounding\": " + set + ", \"effective\": " + set + ", \"permitted\": " + set + "}";
    }

    /**
     * CVE-2024-21626 class: while the container is "created" its init is parked on the exec fifo. A process of
     * its pid namespace with CAP_SYS_PTRACE follows /proc/1/fd/N/../.. : that must never be the host's procfs
     * (where this test's own host pid is listed) nor lead to the host's "/" (a marker file).
     */
    @Test
    void parkedInitHoldsNothingThatWalksOutOfTheContainer() throws Exception {
        Path marker = Files.writeString(work.resolve("escape-marker"), "host\n");
        String rel = marker.toString().substring(1);
        long hostPid = ProcessHandle.current().pid();
        Path b = bundle("parked", List.of("sleep", "1000"), Map.of("capabilities", capsAll(PTRACE_CAPS)), Map.of(), null);
        ok("create", "--bundle", b.toString(), "parked");
        String probe = "for f in /proc/1/fd/*; do n=${f##*/}; echo fd $n $(readlink $f); "
                + "for up in .. ../.. ../../..; do d=$f/$up; "
                + "if [ -e $d/" + hostPid + "/cmdline ] || [ -e $d/" + hostPid + "/root/" + rel + " ] || [ -e $d/" + rel
                + " ]; then echo ESCAPED $d; fi; done; done";
        Jrun.Result r = jrun.run("exec", "parked", "sh", "-c", probe);
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("fd 0"), r::toString);
        assertFalse(r.out().contains("ESCAPED"), r::toString);
        // and the container still starts normally afterwards
        ok("start", "parked");
        assertEquals("running", status("parked"));
    }

    /**
     * CVE-2019-16884 class: masking after pivot_root must not go through whatever is at /proc. Here the image
     * has no proc mount but a /proc/self/fd full of symlinks to a decoy; /sys/firmware must still be masked
     * and the decoy must get nothing mounted on it.
     */
    @Test
    void maskingIsNotRedirectedByAFakeProcSelfFd() throws Exception {
        Path b = bundle("fakeproc", List.of("sh", "-c",
                "ls /sys/firmware | wc -l; grep -c ' /decoy' /proc/mounts; mount -t proc proc /proc 2>/dev/null; echo ok"),
                Map.of(), Map.of(), null);
        Path rootfs = b.resolve("rootfs");
        Path fd = Files.createDirectories(rootfs.resolve("proc/self/fd"));
        Files.createDirectories(rootfs.resolve("decoy"));
        for (int n = 0; n < 64; n++) Files.createSymbolicLink(fd.resolve(Integer.toString(n)), Path.of("/decoy"));
        Path cfg = b.resolve("config.json");
        String config = Files.readString(cfg)
                .replace("{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n", "")
                .replace("\"readonly\": true", "\"readonly\": false");
        Files.writeString(cfg, config);
        ok("create", "--bundle", b.toString(), "fakeproc");
        int pid = statePid("fakeproc");
        String mounts = Files.readString(Path.of("/proc/" + pid + "/mountinfo"));
        assertFalse(mounts.contains(" /decoy "), mounts);
        assertTrue(mounts.contains(" /sys/firmware "), mounts);
        // no /proc in the container: the exec fifo was still reopened (through the helper's private procfs)
        ok("start", "fakeproc");
    }

    /** And the config cannot put anything but a procfs at /proc (runc's checkProcMount). */
    @Test
    void aBindAtProcIsRefusedNamingTheField() throws Exception {
        Path fake = Files.createDirectories(work.resolve("fakeproc"));
        Path b = bundle("bindproc", List.of("true"));
        Path cfg = b.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace(
                "{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}",
                "{\"destination\": \"/proc\", \"type\": \"bind\", \"source\": " + Bundles.q(fake.toString())
                        + ", \"options\": [\"rbind\"]}"));
        Jrun.Result r = jrun.run("create", "--bundle", b.toString(), "bindproc");
        assertNotEquals(0, r.code(), r::toString);
        assertEquals("jrun: config.json: mounts[0].type: /proc must be mounted with type proc, found \"bind\"",
                r.err().strip(), r::toString);
        assertEquals("", ok("list", "-q").out().strip());
    }

    /** An image's /dev/console symlink is replaced by a fresh mount point, never followed. */
    @Test
    void devConsoleSymlinkInTheImageIsNotFollowed() throws Exception {
        Path b = bundle("console", List.of("sh", "-c", "stat -c %F /etc/target; stat -Lc %F /dev/console"),
                Map.of("terminal", "true"), Map.of(), null);
        Path rootfs = b.resolve("rootfs");
        Files.writeString(rootfs.resolve("etc/target"), "trusted\n");
        Files.createSymbolicLink(rootfs.resolve("dev/console"), Path.of("/etc/target"));
        // the image's own /dev (no tmpfs over it), so the default /dev/ptmx link is the image's too
        Files.createSymbolicLink(rootfs.resolve("dev/ptmx"), Path.of("pts/ptmx"));
        Path cfg = b.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replaceFirst(
                "\\{\"destination\": \"/dev\", \"type\": \"tmpfs\"[^}]*\\},\n", "").replace("\"readonly\": true", "\"readonly\": false"));
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "console");
        assertEquals(0, r.code(), r::toString);
        List<String> lines = r.out().strip().lines().map(String::strip).toList();
        assertEquals(List.of("regular file", "character special file"), lines, r::toString);
        assertEquals("trusted\n", Files.readString(rootfs.resolve("etc/target")));
    }

    /** A soft RLIMIT_NOFILE of 0-3 runs the container (it used to leave `create` successful with a dead init). */
    @Test
    void tinySoftNofileLimitStillStartsTheContainer() throws Exception {
        for (int soft = 0; soft <= 3; soft++) {
            String id = "nofile" + soft;
            Path b = bundle(id, List.of("sh", "-c", "ulimit -n"), Map.of(), Map.of(), null);
            Path cfg = b.resolve("config.json");
            Files.writeString(cfg, Files.readString(cfg).replace("\"hard\": 1024, \"soft\": 1024",
                    "\"hard\": 1024, \"soft\": " + soft));
            ok("create", "--bundle", b.toString(), id);
            assertEquals("created", status(id));
            Jrun.Result r = jrun.run("start", id);
            assertEquals(0, r.code(), r::toString);
            ok("delete", "--force", id);
            Jrun.Result run = jrun.run("run", "--bundle", b.toString(), id);
            assertEquals(0, run.code(), run::toString);
            assertEquals(Integer.toString(soft), run.out().strip(), run::toString);
        }
    }

    /** A hard limit that leaves the set-up no fd fails create before READY, and leaves nothing behind. */
    @Test
    void nofileLimitWithNoRoomForTheSetUpFailsCreate() throws Exception {
        Path b = bundle("nofilehard", List.of("true"), Map.of(), Map.of(), null);
        Path cfg = b.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"hard\": 1024, \"soft\": 1024", "\"hard\": 2, \"soft\": 2"));
        Jrun.Result r = jrun.run("create", "--bundle", b.toString(), "nofilehard");
        assertNotEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("RLIMIT_NOFILE"), r::toString);
        assertEquals(1, r.err().strip().lines().count(), r::toString);
        assertEquals("", ok("list", "-q").out().strip());
    }

    /**
     * A seccomp agent (OCI seccomp notify protocol: state JSON plus the notify fd over a unix socket) that holds
     * the first notified syscall for a second, then lets it continue (SECCOMP_USER_NOTIF_FLAG_CONTINUE).
     */
    private static final String SLOW_AGENT = """
            import fcntl, socket, struct, sys, time
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(sys.argv[1]); s.listen(1)
            print("listening", flush=True)
            c, _ = s.accept()
            _, fds, _, _ = socket.recv_fds(c, 65536, 1)
            notif = bytearray(80)  # struct seccomp_notif
            fcntl.ioctl(fds[0], 0xc0502100, notif)  # SECCOMP_IOCTL_NOTIF_RECV
            time.sleep(1)
            resp = bytearray(struct.pack("QqiI", struct.unpack_from("Q", notif)[0], 0, 0, 1))
            fcntl.ioctl(fds[0], 0xc0182101, resp)  # SECCOMP_IOCTL_NOTIF_SEND, FLAG_CONTINUE
            """;

    /**
     * poststart hooks run after the user's program replaced the init (config.md: "after the user-specified
     * process is executed"). The container's execve is held for a second by a seccomp agent, so a `start` that
     * returned at the fifo (before the execve) runs the hook while the init is still the helper.
     */
    @Test
    void poststartRunsOnlyAfterTheUserProgramWasExecuted() throws Exception {
        Path out = work.resolve("comm");
        Path sock = work.resolve("agent.sock");
        Path agent = Files.writeString(work.resolve("agent.py"), SLOW_AGENT);
        Process p = new ProcessBuilder("python3", agent.toString(), sock.toString()).redirectErrorStream(true).start();
        try {
            assertEquals("listening", new String(p.getInputStream().readNBytes(9)));
            String hook = "{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", "
                    + Bundles.q("pid=$(sed 's/.*\"pid\": *\\([0-9]*\\).*/\\1/'); cat /proc/$pid/comm > " + out) + "]}";
            String seccomp = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": " + Bundles.q(sock.toString())
                    + ", \"syscalls\": [{\"names\": [\"execve\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}";
            Path b = bundle("poststart", List.of("sleep", "1000"), Map.of(), Map.of("seccomp", seccomp),
                    "\"hooks\": {\"poststart\": [" + hook + "]}");
            ok("create", "--bundle", b.toString(), "poststart");
            ok("start", "poststart");
            assertEquals("sleep", Files.readString(out).strip());
        } finally {
            p.destroyForcibly();
        }
    }
}
