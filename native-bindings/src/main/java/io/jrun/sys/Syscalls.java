package io.jrun.sys;

/**
 * The only door from Java to native code. Everything above this interface can run against a fake in unit
 * tests. The real implementation is {@link NativeSyscalls} (JNI, loaded lazily on first use: commands that
 * need no native call never load it).
 *
 * <p>Every method throws {@link SyscallException} (syscall name + errno) on failure.
 */
public interface Syscalls {

    /** The process-wide implementation, loaded on first call. */
    static Syscalls get() {
        return NativeSyscalls.instance();
    }

    /** socketpair(AF_UNIX, SOCK_SEQPACKET|SOCK_CLOEXEC): returns {fd0, fd1}. */
    int[] socketpairSeqpacket();

    /**
     * posix_spawn {@code path} with fds 0..2 inherited, fds 3..3+preserveFds-1 inherited, and
     * {@code controlFd} dup2'ed to 3+preserveFds (CLOEXEC cleared). {@code argv[0]} is the process name.
     * Returns the child's pid. Every fd above 3+preserveFds is closed in the child; the child starts with an
     * empty signal mask and every signal at its default action. {@code env} is the child's whole environment.
     * The caller still owns {@code controlFd} (close the parent's copy of the helper's end after the call).
     */
    int spawnHelper(String path, String[] argv, String[] env, int preserveFds, int controlFd);

    /** sendmsg one packet, with optional fds attached by SCM_RIGHTS (null or empty for none). */
    void sendPacket(int fd, byte[] data, int[] fds);

    /**
     * recvmsg one packet of at most {@code maxLen} bytes, waiting at most {@code timeoutMillis} (-1 = forever).
     * Returns null on EOF. Fds received by SCM_RIGHTS are stored in {@code receivedFds} when non-null
     * (unused slots -1); they are CLOEXEC and owned by the caller.
     *
     * <ul>
     *   <li>Timeout: throws {@link SyscallException} with syscall {@code "recvmsg"} and errno
     *       {@link Errno#ETIMEDOUT}; nothing is consumed from the socket, so the call may be repeated.
     *   <li>A packet longer than {@code maxLen}, more than 4 fds, or fds arriving while {@code receivedFds} is
     *       null or too short: {@link Errno#EMSGSIZE} (the packet is consumed and its fds are closed, never
     *       leaked or silently cut).
     *   <li>On SOCK_SEQPACKET an empty packet without fds cannot be told from EOF and reads as EOF (null).
     *       The helper protocol never sends empty packets.
     * </ul>
     */
    byte[] recvPacket(int fd, int maxLen, int timeoutMillis, int[] receivedFds);

    void close(int fd);

    /** waitpid(pid, &status, flags); returns {pid, status} ({0, 0} with WNOHANG and nothing to reap). */
    int[] waitpid(int pid, int flags);

    /** kill(2). */
    void kill(int pid, int signal);

    /** pidfd_open(pid, 0); the fd is CLOEXEC. */
    int pidfdOpen(int pid);

    /** pidfd_send_signal(pidfd, sig, NULL, 0). */
    void pidfdSendSignal(int pidfd, int signal);

    /** prctl(PR_SET_CHILD_SUBREAPER, 1): orphaned descendants (the container init) become our children. */
    void setChildSubreaper();

    /** mkfifo(path, mode). */
    void mkfifo(String path, int mode);

    /** mknod(path, mode, makedev(major, minor)): an image layer's device nodes and overlay whiteouts. */
    void mknod(String path, int mode, int major, int minor);

    /** lsetxattr(path, name, value, 0): an image layer's opaque directories (trusted.overlay.opaque). */
    void lsetxattr(String path, String name, byte[] value);

    /** The calling process's pid (getpid). */
    int getpid();

    /** strerror(errno). */
    String strerror(int errno);

    // ---- exec, hooks and terminals (tty_jni.c) ---------------------------------------------------------

    /**
     * posix_spawn {@code path} with {@code argv} (argv[0] as given, not necessarily the path), {@code env},
     * stdin = {@code stdinFd} (-1: inherited), stdout/stderr inherited, every other fd closed, empty signal
     * mask, default dispositions. Used for hooks (config.md "POSIX-platform Hooks"). With {@code controlFd}
     * >= 0 that fd becomes fd 3 (a jrun-init control socket, protocol layout without preserved fds): hooks
     * that run inside the container go through the helper with their state JSON on stdin. Returns the pid.
     */
    int spawnProcess(String path, String[] argv, String[] env, int stdinFd, int controlFd);

    /** pipe2(O_CLOEXEC): {read end, write end}. */
    int[] pipe();

    /** read(2) up to buf.length bytes; 0 at EOF (EIO, as a pty master reports a closed slave, is EOF too). */
    int read(int fd, byte[] buf);

    /** write(2) all of buf[off, off+len), retrying short writes. */
    void write(int fd, byte[] buf, int off, int len);

    /** A listening AF_UNIX SOCK_STREAM socket bound to {@code path} (CLOEXEC). */
    int unixListen(String path);

    /**
     * Accepts one connection on a listening socket (at most {@code timeoutMillis}), receives the single fd it
     * sends by SCM_RIGHTS (a console socket's pty master), closes the connection and returns the fd.
     */
    int acceptFd(int listenFd, int timeoutMillis);

    /** isatty(3). */
    boolean isatty(int fd);

    /** Puts the terminal on {@code fd} in raw mode; returns the previous settings for {@link #restoreTermios}. */
    byte[] makeRaw(int fd);

    void restoreTermios(int fd, byte[] saved);

    /** TIOCGWINSZ: {rows, cols}. */
    int[] getWinsize(int fd);

    /** TIOCSWINSZ. */
    void setWinsize(int fd, int rows, int cols);
}
