package io.jrun.sys;

import java.io.File;
import java.nio.charset.StandardCharsets;

/**
 * The JNI implementation of {@link Syscalls}, backed by {@code libjrun.so} ({@code src/main/c/jni}).
 *
 * <p>The library is loaded on the first {@link #instance()} call, from the first of: system property
 * {@code jrun.native.dir}, environment variable {@code JRUN_LIB_DIR}, {@code /usr/local/lib/jrun}. Class
 * initialisation does nothing else, so commands that never reach native code pay nothing for it.
 *
 * <p>Strings are passed to the kernel as UTF-8 (OCI configs are JSON, hence UTF-8). A string containing a NUL
 * character cannot be represented and fails with {@link Errno#EINVAL}, as the kernel would for an overlong
 * or malformed argument, instead of being silently cut short.
 */
public final class NativeSyscalls implements Syscalls {

    static final String DIR_PROPERTY = "jrun.native.dir";
    static final String DIR_ENV = "JRUN_LIB_DIR";
    static final String DEFAULT_DIR = "/usr/local/lib/jrun";
    static final String LIBRARY = "libjrun.so";

    private static volatile NativeSyscalls instance;

    private NativeSyscalls() {}

    /** The process-wide instance; loads {@code libjrun.so} on first use (UnsatisfiedLinkError if it cannot). */
    public static NativeSyscalls instance() {
        NativeSyscalls i = instance;
        if (i != null) {
            return i;
        }
        synchronized (NativeSyscalls.class) {
            if (instance == null) {
                // A failed load throws here and leaves instance null: the next call retries and reports again,
                // rather than failing later with an opaque NoClassDefFoundError.
                System.load(libraryPath());
                instance = new NativeSyscalls();
            }
            return instance;
        }
    }

    /** Absolute path of the library {@link #instance()} loads. */
    static String libraryPath() {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir == null || dir.isEmpty()) {
            dir = System.getenv(DIR_ENV);
        }
        if (dir == null || dir.isEmpty()) {
            dir = DEFAULT_DIR;
        }
        return new File(dir, LIBRARY).getAbsolutePath(); // System.load insists on an absolute path
    }

    // ---- Syscalls ----------------------------------------------------------------------------------------

    @Override
    public int[] socketpairSeqpacket() {
        return socketpair0();
    }

    @Override
    public int spawnHelper(String path, String[] argv, String[] env, int preserveFds, int controlFd) {
        if (preserveFds < 0) {
            throw einval("posix_spawn", "preserveFds " + preserveFds);
        }
        if (argv.length == 0) {
            throw einval("posix_spawn", "empty argv");
        }
        int r = spawn0(cstring("posix_spawn", path), cstrings("posix_spawn", argv), cstrings("posix_spawn", env),
                preserveFds, controlFd);
        if (r < 0) {
            throw fail("posix_spawn", -r, path);
        }
        return r;
    }

    @Override
    public void sendPacket(int fd, byte[] data, int[] fds) {
        sendPacket0(fd, data, fds == null || fds.length == 0 ? null : fds);
    }

    @Override
    public byte[] recvPacket(int fd, int maxLen, int timeoutMillis, int[] receivedFds) {
        if (maxLen < 0) {
            throw einval("recvmsg", "maxLen " + maxLen);
        }
        return recvPacket0(fd, maxLen, timeoutMillis < 0 ? -1 : timeoutMillis, receivedFds);
    }

    @Override
    public void close(int fd) {
        close0(fd);
    }

    @Override
    public int[] waitpid(int pid, int flags) {
        return waitpid0(pid, flags);
    }

    @Override
    public void kill(int pid, int signal) {
        kill0(pid, signal);
    }

    @Override
    public int pidfdOpen(int pid) {
        return pidfdOpen0(pid);
    }

    @Override
    public void pidfdSendSignal(int pidfd, int signal) {
        pidfdSendSignal0(pidfd, signal);
    }

    @Override
    public void setChildSubreaper() {
        setChildSubreaper0();
    }

    @Override
    public void mkfifo(String path, int mode) {
        int r = mkfifo0(cstring("mkfifo", path), mode);
        if (r < 0) {
            throw fail("mkfifo", -r, path);
        }
    }

    @Override
    public void mknod(String path, int mode, int major, int minor) {
        int r = mknod0(cstring("mknod", path), mode, major, minor);
        if (r < 0) throw fail("mknod", -r, path);
    }

    @Override
    public void lsetxattr(String path, String name, byte[] value) {
        int r = lsetxattr0(cstring("lsetxattr", path), cstring("lsetxattr", name), value);
        if (r < 0) throw fail("lsetxattr", -r, path + " " + name);
    }

    @Override
    public int getpid() {
        return getpid0();
    }

    @Override
    public String strerror(int errno) {
        return strerror0(errno);
    }

    @Override
    public int spawnProcess(String path, String[] argv, String[] env, int stdinFd, int controlFd) {
        if (argv.length == 0) throw einval("posix_spawn", "empty argv");
        return spawnProcess0(cstring("posix_spawn", path), cstrings("posix_spawn", argv),
                cstrings("posix_spawn", env), stdinFd, controlFd);
    }

    @Override
    public int[] pipe() {
        return pipe0();
    }

    @Override
    public int read(int fd, byte[] buf) {
        return read0(fd, buf);
    }

    @Override
    public void write(int fd, byte[] buf, int off, int len) {
        if (off < 0 || len < 0 || off + len > buf.length) throw einval("write", "range");
        write0(fd, buf, off, len);
    }

    @Override
    public int unixListen(String path) {
        return unixListen0(cstring("bind", path));
    }

    @Override
    public int acceptFd(int listenFd, int timeoutMillis) {
        return acceptFd0(listenFd, timeoutMillis);
    }

    @Override
    public boolean isatty(int fd) {
        return isatty0(fd);
    }

    @Override
    public byte[] makeRaw(int fd) {
        return makeRaw0(fd);
    }

    @Override
    public void restoreTermios(int fd, byte[] saved) {
        restoreTermios0(fd, saved);
    }

    @Override
    public int[] getWinsize(int fd) {
        return getWinsize0(fd);
    }

    @Override
    public void setWinsize(int fd, int rows, int cols) {
        setWinsize0(fd, rows, cols);
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /** "syscall path: strerror", the shape runc uses for path errors. */
    private SyscallException fail(String syscall, int errno, String path) {
        return new SyscallException(syscall, errno, syscall + " " + path + ": " + strerror0(errno));
    }

    private static SyscallException einval(String syscall, String what) {
        // Fixed text instead of strerror0: argument checks must not depend on the library being loaded.
        return new SyscallException(syscall, Errno.EINVAL, syscall + ": Invalid argument (" + what + ")");
    }

    private static byte[] cstring(String syscall, String s) {
        if (s.indexOf('\0') >= 0) {
            throw einval(syscall, "NUL character in string");
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[][] cstrings(String syscall, String[] strings) {
        byte[][] out = new byte[strings.length][];
        for (int i = 0; i < strings.length; i++) {
            out[i] = cstring(syscall, strings[i]);
        }
        return out;
    }

    // ---- natives (bound by RegisterNatives in JNI_OnLoad; names and signatures must match jrun_jni.c) ------

    private static native int[] socketpair0();

    /** pid, or -errno when posix_spawn itself failed; other failures throw. */
    private static native int spawn0(byte[] path, byte[][] argv, byte[][] env, int preserveFds, int controlFd);

    private static native void sendPacket0(int fd, byte[] data, int[] fds);

    private static native byte[] recvPacket0(int fd, int maxLen, int timeoutMillis, int[] receivedFds);

    private static native void close0(int fd);

    private static native int[] waitpid0(int pid, int flags);

    private static native void kill0(int pid, int signal);

    private static native int pidfdOpen0(int pid);

    private static native void pidfdSendSignal0(int pidfd, int signal);

    private static native void setChildSubreaper0();

    /** 0, or -errno. */
    private static native int mkfifo0(byte[] path, int mode);

    /** 0, or -errno. */
    private static native int mknod0(byte[] path, int mode, int major, int minor);

    /** 0, or -errno. */
    private static native int lsetxattr0(byte[] path, byte[] name, byte[] value);

    private static native int getpid0();

    private static native String strerror0(int errno);

    // ---- seccomp user notifications (notify_jni.c): used only by `jrun sandbox-agent`, so not part of Syscalls

    /**
     * One seccomp user notification from listener {@code fd} within {@code timeoutMillis}: {id, pid, nr, arch,
     * ip, args[0..5]}; null on timeout; an empty array once no process uses the filter (or the notifying
     * process died before it was read).
     */
    public long[] notifReceive(int fd, int timeoutMillis) {
        return notifReceive0(fd, timeoutMillis);
    }

    /** Answers a notification: let the syscall run ({@code cont}), or fail it with {@code errno}. False: gone. */
    public boolean notifRespond(int fd, long id, int errno, boolean cont) {
        return notifRespond0(fd, id, errno, cont);
    }

    private static native long[] notifReceive0(int fd, int timeoutMillis);

    private static native boolean notifRespond0(int fd, long id, int errno, boolean cont);

    // ---- the resident engine (engine_jni.c): used only by `jrun daemon`, so not part of Syscalls ----------

    /** A SOCK_SEQPACKET unix socket listening at {@code path}, mode 0600, close-on-exec. */
    public int engineListen(String path) {
        return engineListen0(cstring("bind", path));
    }

    /** One accepted connection (close-on-exec), or -1 when none came within {@code timeoutMillis}. */
    public int engineAccept(int listenFd, int timeoutMillis) {
        return engineAccept0(listenFd, timeoutMillis);
    }

    /** The peer's {pid, uid, gid} as recorded at connect (SO_PEERCRED). */
    public int[] peerCred(int fd) {
        return peerCred0(fd);
    }

    /**
     * Makes in, out and err the process's fds 0, 1 and 2, and cwd (a directory fd) its working directory; the
     * first call saves the process's own, and {@code in < 0} restores them.
     */
    public void callContext(int in, int out, int err, int cwd) {
        callContext0(in, out, err, cwd);
    }

    /** Sets the process umask; returns the previous one. */
    public int umask(int mask) {
        return umask0(mask);
    }

    // ---- natives bound by name (tty_jni.c, Java_io_jrun_sys_NativeSyscalls_*) ------------------------------

    private static native int spawnProcess0(byte[] path, byte[][] argv, byte[][] env, int stdinFd, int controlFd);

    private static native int[] pipe0();

    private static native int read0(int fd, byte[] buf);

    private static native void write0(int fd, byte[] buf, int off, int len);

    private static native int unixListen0(byte[] path);

    private static native int acceptFd0(int listenFd, int timeoutMillis);

    private static native boolean isatty0(int fd);

    private static native byte[] makeRaw0(int fd);

    private static native void restoreTermios0(int fd, byte[] saved);

    private static native int[] getWinsize0(int fd);

    private static native void setWinsize0(int fd, int rows, int cols);

    // ---- natives bound by name (engine_jni.c) --------------------------------------------------------------

    private static native int engineListen0(byte[] path);

    private static native int engineAccept0(int listenFd, int timeoutMillis);

    private static native int[] peerCred0(int fd);

    private static native int umask0(int mask);

    private static native void callContext0(int in, int out, int err, int cwd);
}
