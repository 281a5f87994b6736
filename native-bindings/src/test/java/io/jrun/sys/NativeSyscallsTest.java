package io.jrun.sys;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real system calls through libjrun.so (built by the Makefile; Maven passes its directory in jrun.native.dir). */
class NativeSyscallsTest {

    private static final int O_CLOEXEC = 02000000;
    private static final int TIMEOUT = 10_000;

    private final Syscalls sys = Syscalls.get();
    /** fds and pids to clean up whatever a test did. */
    private final List<Integer> fds = new ArrayList<>();
    private final List<Integer> pids = new ArrayList<>();

    @BeforeEach
    void loaded() {
        assertTrue(sys instanceof NativeSyscalls);
    }

    @AfterEach
    void cleanUp() {
        for (int fd : fds) {
            try {
                sys.close(fd);
            } catch (SyscallException e) {
                assertEquals(Errno.EBADF, e.errno()); // closed by the test itself
            }
        }
        for (int pid : pids) {
            try {
                sys.kill(pid, Signals.SIGKILL);
            } catch (SyscallException ignored) {
                // already gone
            }
            try {
                sys.waitpid(pid, 0);
            } catch (SyscallException ignored) {
                // already reaped by the test
            }
        }
    }

    private int[] pair() {
        int[] p = sys.socketpairSeqpacket();
        fds.add(p[0]);
        fds.add(p[1]);
        return p;
    }

    private int spawn(String[] argv, String[] env, int preserveFds, int controlFd) {
        int pid = sys.spawnHelper(argv[0].startsWith("/") ? argv[0] : "/bin/" + argv[0], argv, env, preserveFds,
                controlFd);
        pids.add(pid);
        return pid;
    }

    private int waitExit(int pid) {
        int[] r = sys.waitpid(pid, 0);
        pids.remove(Integer.valueOf(pid));
        assertEquals(pid, r[0]);
        return r[1];
    }

    private static long fdFlags(int pid, int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Long.parseLong(line.substring(6).trim(), 8);
            }
        }
        throw new AssertionError("no flags for fd " + fd);
    }

    /** fd number to link target, for any process. */
    private static Map<Integer, String> fdTable(int pid) throws IOException {
        Map<Integer, String> table = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    table.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
                } catch (IOException ignored) {
                    // closed while listing (our own listing fd)
                }
            }
        }
        return table;
    }

    /**
     * posix_spawn returns once the child's execve has replaced its memory, slightly before the kernel has
     * closed its CLOEXEC fds and laid out argv/env; /proc/PID/cmdline turning into the new argv marks the end.
     */
    private static void awaitExec(int pid, String argv0) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT * 1_000_000L;
        while (!Files.readString(Path.of("/proc/" + pid + "/cmdline")).startsWith(argv0 + "\0")) {
            assertTrue(System.nanoTime() < deadline, "no exec of " + argv0);
            Thread.onSpinWait();
        }
    }

    private static String link(int fd) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    }

    private static String statusField(int pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        throw new AssertionError(field);
    }

    // ---- packets -----------------------------------------------------------------------------------------

    @Test
    void socketpairIsCloexecSeqpacket() throws IOException {
        int[] p = pair();
        assertNotEquals(p[0], p[1]);
        assertTrue((fdFlags(sys.getpid(), p[0]) & O_CLOEXEC) != 0);
        assertTrue(link(p[0]).startsWith("socket:"));
        sys.sendPacket(p[0], "one".getBytes(UTF_8), null);
        sys.sendPacket(p[0], "two".getBytes(UTF_8), new int[0]);
        // packet boundaries are kept
        assertArrayEquals("one".getBytes(UTF_8), sys.recvPacket(p[1], 100, TIMEOUT, null));
        assertArrayEquals("two".getBytes(UTF_8), sys.recvPacket(p[1], 100, TIMEOUT, null));
    }

    @Test
    void passesAnFdThatWorks() throws IOException {
        int[] ctl = pair();
        int[] other = pair();
        sys.sendPacket(ctl[0], "here".getBytes(UTF_8), new int[] {other[1]});

        int[] received = {7, 7, 7};
        byte[] data = sys.recvPacket(ctl[1], 100, TIMEOUT, received);
        assertArrayEquals("here".getBytes(UTF_8), data);
        int fd = received[0];
        fds.add(fd);
        assertEquals(-1, received[1]);
        assertEquals(-1, received[2]);
        assertNotEquals(other[1], fd);
        assertEquals(link(other[1]), link(fd), "same socket as the one sent");
        assertTrue((fdFlags(sys.getpid(), fd) & O_CLOEXEC) != 0, "received fds are CLOEXEC");

        // the received fd is a working end of the other pair
        sys.sendPacket(fd, "through".getBytes(UTF_8), null);
        assertArrayEquals("through".getBytes(UTF_8), sys.recvPacket(other[0], 100, TIMEOUT, null));
    }

    @Test
    void emptyPacketWithFdIsAPacket() {
        int[] ctl = pair();
        int[] other = pair();
        sys.sendPacket(ctl[0], new byte[0], new int[] {other[0]});
        int[] received = new int[1];
        assertArrayEquals(new byte[0], sys.recvPacket(ctl[1], 100, TIMEOUT, received));
        fds.add(received[0]);
        assertTrue(received[0] >= 0);
    }

    @Test
    void recvTimesOutWithEtimedout() {
        int[] p = pair();
        long start = System.nanoTime();
        SyscallException e = assertThrows(SyscallException.class, () -> sys.recvPacket(p[1], 100, 200, null));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Errno.ETIMEDOUT, e.errno());
        assertEquals("recvmsg", e.syscall());
        assertTrue(e.getMessage().startsWith("recvmsg: Connection timed out"), e.getMessage());
        assertTrue(elapsedMs >= 190, "waited " + elapsedMs);

        // nothing was consumed: a later packet still arrives; timeout 0 polls
        assertThrows(SyscallException.class, () -> sys.recvPacket(p[1], 100, 0, null));
        sys.sendPacket(p[0], "late".getBytes(UTF_8), null);
        assertArrayEquals("late".getBytes(UTF_8), sys.recvPacket(p[1], 100, 0, null));
    }

    @Test
    void eofIsNull() {
        int[] p = pair();
        sys.sendPacket(p[0], "last".getBytes(UTF_8), null);
        sys.close(p[0]);
        assertArrayEquals("last".getBytes(UTF_8), sys.recvPacket(p[1], 100, TIMEOUT, null));
        assertNull(sys.recvPacket(p[1], 100, TIMEOUT, null));
        assertNull(sys.recvPacket(p[1], 100, -1, null), "EOF does not block, even without timeout");
    }

    @Test
    void oversizedPacketIsAnErrorNotATruncation() {
        int[] p = pair();
        sys.sendPacket(p[0], new byte[100], null);
        SyscallException e = assertThrows(SyscallException.class, () -> sys.recvPacket(p[1], 10, TIMEOUT, null));
        assertEquals(Errno.EMSGSIZE, e.errno());
    }

    @Test
    void unexpectedFdsAreRefused() throws IOException {
        int[] ctl = pair();
        int[] other = pair();
        sys.sendPacket(ctl[0], "x".getBytes(UTF_8), new int[] {other[0]});
        int before = fdTable(sys.getpid()).size();
        SyscallException e = assertThrows(SyscallException.class, () -> sys.recvPacket(ctl[1], 10, TIMEOUT, null));
        assertEquals(Errno.EMSGSIZE, e.errno());
        assertEquals(before, fdTable(sys.getpid()).size(), "the received fd was closed, not leaked");
    }

    @Test
    void errorsCarrySyscallErrnoAndStrerror() {
        int[] p = pair();
        sys.close(p[0]);
        SyscallException e = assertThrows(SyscallException.class, () -> sys.close(p[0]));
        assertEquals("close", e.syscall());
        assertEquals(Errno.EBADF, e.errno());
        assertEquals("close: Bad file descriptor", e.getMessage());

        e = assertThrows(SyscallException.class, () -> sys.sendPacket(p[0], new byte[1], null));
        assertEquals("sendmsg: Bad file descriptor", e.getMessage());
        e = assertThrows(SyscallException.class, () -> sys.recvPacket(p[0], 1, TIMEOUT, null));
        assertEquals(Errno.EBADF, e.errno());
        assertEquals("recvmsg", e.syscall());

        // the peer is gone: EPIPE, and no SIGPIPE kills the JVM
        e = assertThrows(SyscallException.class, () -> sys.sendPacket(p[1], new byte[1], null));
        assertEquals(Errno.EPIPE, e.errno());
    }

    // ---- processes ---------------------------------------------------------------------------------------

    @Test
    void spawnedHelperSeesControlFdEnvAndNothingElse() throws IOException {
        int[] ctl = pair();
        int pid = spawn(new String[] {"sh", "-c", "echo \"hi $_JRUN_CTL_FD $#\" >&3; exec sleep 60"},
                new String[] {"_JRUN_CTL_FD=3"}, 0, ctl[1]);
        assertArrayEquals("hi 3 0\n".getBytes(UTF_8), sys.recvPacket(ctl[0], 100, TIMEOUT, null));
        awaitExec(pid, "sleep"); // the shell's own temporary fds (it saves fd 1 around `>&3`) are gone by then

        Map<Integer, String> table = fdTable(pid);
        assertEquals(List.of(0, 1, 2, 3), List.copyOf(table.keySet()), table.toString());
        assertEquals(link(ctl[1]), table.get(3));
        assertEquals(link(0), table.get(0));
        assertEquals("0000000000000000", statusField(pid, "SigBlk"));
        assertEquals("0000000000000000", statusField(pid, "SigIgn"));

        sys.kill(pid, Signals.SIGTERM);
        int status = waitExit(pid);
        assertTrue(WaitStatus.signaled(status));
        assertEquals(Signals.SIGTERM, WaitStatus.termSignal(status));
    }

    @Test
    void preservedFdsComeFirstAndControlFdFollows() throws IOException {
        int[] ctl = pair();
        // Make sure 3 and 4 hold known, inheritable things: the child must see them at the same numbers.
        Map<Integer, String> self = fdTable(sys.getpid());
        int pid = spawn(new String[] {"/bin/sleep", "60"}, new String[] {"_JRUN_CTL_FD=5"}, 2, ctl[1]);
        awaitExec(pid, "/bin/sleep");
        // exactly the given environment, nothing from the JVM's
        assertEquals("_JRUN_CTL_FD=5\0", Files.readString(Path.of("/proc/" + pid + "/environ")));
        // right after the exec, ld.so may still hold libc.so.6 open for a moment: wait for it to settle
        Map<Integer, String> child = fdTable(pid);
        for (int i = 0; i < 100 && !child.keySet().stream().allMatch(fd -> fd <= 5); i++) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            child = fdTable(pid);
        }
        assertTrue(child.keySet().stream().allMatch(fd -> fd <= 5), child.toString());
        assertEquals(link(ctl[1]), child.get(5));
        for (int fd = 3; fd <= 4; fd++) {
            if (child.containsKey(fd)) {
                assertEquals(self.get(fd), child.get(fd), "fd " + fd);
            }
        }
        assertEquals(0, fdFlags(pid, 5) & O_CLOEXEC);
    }

    @Test
    void controlFdAlreadyAtItsTargetLosesCloexec() throws IOException {
        int[] ctl = pair();
        int target = ctl[1];
        assertTrue(target > 3);
        int pid = spawn(new String[] {"/bin/sleep", "60"}, new String[0], target - 3, target);
        awaitExec(pid, "/bin/sleep");
        Map<Integer, String> child = fdTable(pid);
        assertEquals(link(target), child.get(target), child.toString());
        assertTrue(child.keySet().stream().allMatch(fd -> fd <= target), child.toString());
    }

    @Test
    void spawnFailureNamesThePath() {
        int[] ctl = pair();
        SyscallException e = assertThrows(SyscallException.class,
                () -> sys.spawnHelper("/nonexistent/jrun-init", new String[] {"jrun-init"}, new String[0], 0, ctl[1]));
        assertEquals("posix_spawn", e.syscall());
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("posix_spawn /nonexistent/jrun-init: No such file or directory", e.getMessage());

        e = assertThrows(SyscallException.class,
                () -> sys.spawnHelper("/bin/true", new String[] {"true"}, new String[0], 0, 100_000));
        assertEquals(Errno.EBADF, e.errno());

        e = assertThrows(SyscallException.class,
                () -> sys.spawnHelper("/bin/tr\0ue", new String[] {"true"}, new String[0], 0, ctl[1]));
        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void waitpidReportsExitCodesAndWnohang() {
        int[] ctl = pair();
        int pid = spawn(new String[] {"sh", "-c", "read x <&3; exit 7"}, new String[0], 0, ctl[1]);
        assertArrayEquals(new int[] {0, 0}, sys.waitpid(pid, WaitStatus.WNOHANG));
        // the shell's read takes one byte per read(2), and on SEQPACKET that consumes the whole packet
        sys.sendPacket(ctl[0], "\n".getBytes(UTF_8), null);
        int status = waitExit(pid);
        assertTrue(WaitStatus.exited(status));
        assertEquals(7, WaitStatus.exitStatus(status));

        SyscallException e = assertThrows(SyscallException.class, () -> sys.waitpid(pid, 0));
        assertEquals(Errno.ECHILD, e.errno());
        assertEquals("waitpid: No child processes", e.getMessage());
    }

    @Test
    void killErrors() {
        SyscallException e = assertThrows(SyscallException.class, () -> sys.kill(Integer.MAX_VALUE, 0));
        assertEquals("kill", e.syscall());
        assertEquals(Errno.ESRCH, e.errno());
        assertEquals("kill: No such process", e.getMessage());
        e = assertThrows(SyscallException.class, () -> sys.kill(sys.getpid(), 1000));
        assertEquals(Errno.EINVAL, e.errno());
        sys.kill(sys.getpid(), 0); // existence check on ourselves
    }

    @Test
    void pidfdSignalsItsProcess() throws IOException {
        int[] ctl = pair();
        int pid = spawn(new String[] {"/bin/sleep", "60"}, new String[0], 0, ctl[1]);
        int pidfd = sys.pidfdOpen(pid);
        fds.add(pidfd);
        assertTrue(link(pidfd).contains("pidfd"), link(pidfd));
        assertTrue((fdFlags(sys.getpid(), pidfd) & O_CLOEXEC) != 0);
        sys.pidfdSendSignal(pidfd, Signals.SIGKILL);
        int status = waitExit(pid);
        assertEquals(Signals.SIGKILL, WaitStatus.termSignal(status));

        // the pidfd outlives the pid: signalling a reaped process is ESRCH, never a recycled pid
        SyscallException e = assertThrows(SyscallException.class, () -> sys.pidfdSendSignal(pidfd, 0));
        assertEquals(Errno.ESRCH, e.errno());
        assertEquals("pidfd_send_signal", e.syscall());

        e = assertThrows(SyscallException.class, () -> sys.pidfdOpen(Integer.MAX_VALUE));
        assertEquals(Errno.ESRCH, e.errno());
        assertEquals("pidfd_open", e.syscall());
    }

    @Test
    void subreaperAdoptsOrphans() {
        sys.setChildSubreaper();
        int[] ctl = pair();
        // the shell exits at once, leaving its background sleep orphaned: it must be re-parented to us
        int sh = spawn(new String[] {"sh", "-c", "sleep 0.3 & echo $! >&3"}, new String[0], 0, ctl[1]);
        String grandchild = new String(sys.recvPacket(ctl[0], 100, TIMEOUT, null), UTF_8).trim();
        waitExit(sh);
        int orphan = Integer.parseInt(grandchild);
        pids.add(orphan);
        int status = waitExit(orphan);
        assertTrue(WaitStatus.exited(status));
    }

    @Test
    void mkfifo(@TempDir Path dir) throws IOException {
        Path fifo = dir.resolve("exec.fifo");
        sys.mkfifo(fifo.toString(), 0622);
        BasicFileAttributes attrs = Files.readAttributes(fifo, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertTrue(attrs.isOther());
        SyscallException e = assertThrows(SyscallException.class, () -> sys.mkfifo(fifo.toString(), 0622));
        assertEquals("mkfifo", e.syscall());
        assertEquals(Errno.EEXIST, e.errno());
        assertEquals("mkfifo " + fifo + ": File exists", e.getMessage());

        Path nonAscii = dir.resolve("f\u00efl\u00e9");
        sys.mkfifo(nonAscii.toString(), 0600);
        assertTrue(Files.exists(nonAscii, LinkOption.NOFOLLOW_LINKS), "UTF-8 path");
    }

    @Test
    void getpidAndStrerror() {
        assertEquals(ProcessHandle.current().pid(), sys.getpid());
        assertEquals("No such file or directory", sys.strerror(Errno.ENOENT));
        assertEquals("Connection timed out", sys.strerror(Errno.ETIMEDOUT));
    }

    @Test
    void libraryPathPrefersTheProperty() {
        assertEquals(Path.of(System.getProperty("jrun.native.dir"), "libjrun.so").toAbsolutePath().toString(),
                NativeSyscalls.libraryPath());
    }
}
