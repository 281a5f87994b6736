/*
 * JNI for exec, hooks and terminals: spawning hook programs with a chosen argv[0] and stdin, pipes, raw fd
 * I/O, a listening console socket that receives the pty master over SCM_RIGHTS, and termios/winsize control
 * of jrun's own terminal.
 *
 * Bound by the JNI naming convention (Java_io_jrun_sys_NativeSyscalls_*), not RegisterNatives: jrun_jni.c
 * owns JNI_OnLoad and its table; the JVM finds these symbols in the same System.load'ed libjrun.so.
 * Failures throw io.jrun.sys.SyscallException(syscall, errno, message). Blocking calls retry EINTR.
 */
#include <jni.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "common.h"


/* byte[] (UTF-8, no NUL) -> malloc'ed C string, NULL with an exception pending. */
static char *tty_dup(JNIEnv *env, jbyteArray arr) {
    jsize n = (*env)->GetArrayLength(env, arr);
    char *s = malloc((size_t)n + 1);
    if (s == NULL) {
        jr_jni_throw(env, "malloc", ENOMEM, NULL);
        return NULL;
    }
    (*env)->GetByteArrayRegion(env, arr, 0, n, (jbyte *)s);
    s[n] = '\0';
    return s;
}

static char **tty_dupv(JNIEnv *env, jobjectArray arr) {
    jsize n = (*env)->GetArrayLength(env, arr);
    char **v = calloc((size_t)n + 1, sizeof *v);
    if (v == NULL) {
        jr_jni_throw(env, "malloc", ENOMEM, NULL);
        return NULL;
    }
    for (jsize i = 0; i < n; i++) {
        jbyteArray el = (jbyteArray)(*env)->GetObjectArrayElement(env, arr, i);
        v[i] = el == NULL ? NULL : tty_dup(env, el);
        if (v[i] == NULL) return v; /* exception pending; caller frees */
    }
    return v;
}

static void tty_freev(char **v) {
    if (v == NULL) return;
    for (char **p = v; *p; p++) free(*p);
    free(v);
}

/*
 * posix_spawn(path) with argv (argv[0] chosen by the caller: config.md hooks' args[0] is argv[0], and e.g.
 * docker's libnetwork-setkey hook dispatches on it), env, stdin = stdin_fd, stdout/stderr inherited, every fd
 * above 2 closed, empty signal mask and default dispositions. With ctl_fd >= 0 that fd becomes fd 3 (a
 * jrun-init control socket, as in the helper protocol with no preserved fds) and everything above 3 is
 * closed. Returns the pid.
 */
JNIEXPORT jint JNICALL Java_io_jrun_sys_NativeSyscalls_spawnProcess0(JNIEnv *env, jclass cls, jbyteArray jpath,
                                                                     jobjectArray jargv, jobjectArray jenv,
                                                                     jint stdin_fd, jint ctl_fd) {
    (void)cls;
    char *path = tty_dup(env, jpath);
    char **argv = path ? tty_dupv(env, jargv) : NULL;
    char **envp = argv ? tty_dupv(env, jenv) : NULL;
    jint result = -1;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int rc;
    int tmp_in = -1, tmp_ctl = -1;
    if ((*env)->ExceptionCheck(env)) goto out;
    /* move both above the target numbers first (CLOEXEC copies), so that no dup2 clobbers the other */
    if (stdin_fd >= 0 && (tmp_in = fcntl(stdin_fd, F_DUPFD_CLOEXEC, 10)) < 0) {
        jr_jni_throw(env, "fcntl", errno, NULL);
        goto out;
    }
    if (ctl_fd >= 0 && (tmp_ctl = fcntl(ctl_fd, F_DUPFD_CLOEXEC, 10)) < 0) {
        jr_jni_throw(env, "fcntl", errno, NULL);
        if (tmp_in >= 0) close(tmp_in);
        goto out;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    if (tmp_in >= 0) posix_spawn_file_actions_adddup2(&fa, tmp_in, 0);
    if (tmp_ctl >= 0) posix_spawn_file_actions_adddup2(&fa, tmp_ctl, 3);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    posix_spawn_file_actions_addclosefrom_np(&fa, tmp_ctl >= 0 ? 4 : 3);
#endif
    sigset_t empty, all;
    sigemptyset(&empty);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &empty);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    rc = posix_spawn(&pid, path, &fa, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (tmp_in >= 0) close(tmp_in);
    if (tmp_ctl >= 0) close(tmp_ctl);
    if (rc != 0) {
        jr_jni_throw(env, "posix_spawn", rc, path);
        goto out;
    }
    result = (jint)pid;
out:
    free(path);
    tty_freev(argv);
    tty_freev(envp);
    return result;
}

/* pipe2(O_CLOEXEC): {read end, write end}. */
JNIEXPORT jintArray JNICALL Java_io_jrun_sys_NativeSyscalls_pipe0(JNIEnv *env, jclass cls) {
    (void)cls;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        jr_jni_throw(env, "pipe2", errno, NULL);
        return NULL;
    }
    jintArray r = (*env)->NewIntArray(env, 2);
    if (r != NULL) (*env)->SetIntArrayRegion(env, r, 0, 2, (jint *)fds);
    return r;
}

/* read(2) into buf; returns the count, 0 at EOF (EIO from a pty master whose slave is gone counts as EOF). */
JNIEXPORT jint JNICALL Java_io_jrun_sys_NativeSyscalls_read0(JNIEnv *env, jclass cls, jint fd, jbyteArray buf) {
    (void)cls;
    char tmp[8192];
    jsize cap = (*env)->GetArrayLength(env, buf);
    size_t want = (size_t)cap < sizeof tmp ? (size_t)cap : sizeof tmp;
    ssize_t n;
    do n = read(fd, tmp, want);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno == EIO) return 0;
        jr_jni_throw(env, "read", errno, NULL);
        return -1;
    }
    (*env)->SetByteArrayRegion(env, buf, 0, (jsize)n, (jbyte *)tmp);
    return (jint)n;
}

/* write(2) all of buf[off, off+len). EPIPE is reported (SIGPIPE is ignored by the JVM). */
JNIEXPORT void JNICALL Java_io_jrun_sys_NativeSyscalls_write0(JNIEnv *env, jclass cls, jint fd, jbyteArray buf,
                                                              jint off, jint len) {
    (void)cls;
    jbyte *p = malloc(len > 0 ? (size_t)len : 1);
    if (p == NULL) {
        jr_jni_throw(env, "malloc", ENOMEM, NULL);
        return;
    }
    (*env)->GetByteArrayRegion(env, buf, off, len, p);
    size_t done = 0;
    while (done < (size_t)len) {
        ssize_t n = write(fd, p + done, (size_t)len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            jr_jni_throw(env, "write", errno, NULL);
            break;
        }
        done += (size_t)n;
    }
    free(p);
}

/* socket(AF_UNIX, SOCK_STREAM) bound to path and listening: the console socket jrun itself serves. */
JNIEXPORT jint JNICALL Java_io_jrun_sys_NativeSyscalls_unixListen0(JNIEnv *env, jclass cls, jbyteArray jpath) {
    (void)cls;
    char *path = tty_dup(env, jpath);
    if (path == NULL) return -1;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof sa.sun_path) {
        jr_jni_throw(env, "bind", ENAMETOOLONG, path);
        free(path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        jr_jni_throw(env, "socket", errno, NULL);
    } else if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 4) < 0) {
        jr_jni_throw(env, "bind", errno, path);
        close(fd);
        fd = -1;
    }
    free(path);
    return fd;
}

/*
 * accept4 one connection on a listening socket (waiting at most timeout_ms), then recvmsg the one fd it
 * sends by SCM_RIGHTS (the helper sends the pty master with its /dev/pts name as data). Returns the fd
 * (CLOEXEC); the connection is closed.
 */
JNIEXPORT jint JNICALL Java_io_jrun_sys_NativeSyscalls_acceptFd0(JNIEnv *env, jclass cls, jint lfd,
                                                                 jint timeout_ms) {
    (void)cls;
    int r = jr_jni_poll_in(env, lfd, timeout_ms);
    if (r < 0) return -1;
    if (r == 0) {
        jr_jni_throw(env, "accept", ETIMEDOUT, "console socket");
        return -1;
    }
    int c;
    do c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    while (c < 0 && errno == EINTR);
    if (c < 0) {
        jr_jni_throw(env, "accept4", errno, NULL);
        return -1;
    }
    char data[256];
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
    struct iovec iov = { .iov_base = data, .iov_len = sizeof data };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    ssize_t n;
    do n = recvmsg(c, &mh, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    int err = n < 0 ? errno : 0;
    close(c);
    if (n < 0) {
        jr_jni_throw(env, "recvmsg", err, "console socket");
        return -1;
    }
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    if (cm == NULL || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
        cm->cmsg_len != CMSG_LEN(sizeof(int))) {
        jr_jni_throw(env, "recvmsg", EBADMSG, "console socket: no pty master received");
        return -1;
    }
    int fd;
    memcpy(&fd, CMSG_DATA(cm), sizeof fd);
    return fd;
}

JNIEXPORT jboolean JNICALL Java_io_jrun_sys_NativeSyscalls_isatty0(JNIEnv *env, jclass cls, jint fd) {
    (void)env; (void)cls;
    return isatty(fd) ? JNI_TRUE : JNI_FALSE;
}

/* Puts the terminal on fd into raw mode (cfmakeraw, as a terminal emulator relay needs: the container's pty
 * does the line discipline). Returns the previous termios to hand back to restoreTermios0. */
JNIEXPORT jbyteArray JNICALL Java_io_jrun_sys_NativeSyscalls_makeRaw0(JNIEnv *env, jclass cls, jint fd) {
    (void)cls;
    struct termios old, raw;
    if (tcgetattr(fd, &old) < 0) {
        jr_jni_throw(env, "tcgetattr", errno, NULL);
        return NULL;
    }
    raw = old;
    cfmakeraw(&raw);
    /* keep output post-processing off but leave signals to the container's pty: ISIG stays cleared so ^C
     * travels as a byte to the container, where its own line discipline turns it into SIGINT */
    if (tcsetattr(fd, TCSANOW, &raw) < 0) {
        jr_jni_throw(env, "tcsetattr", errno, NULL);
        return NULL;
    }
    jbyteArray r = (*env)->NewByteArray(env, (jsize)sizeof old);
    if (r != NULL) (*env)->SetByteArrayRegion(env, r, 0, (jsize)sizeof old, (jbyte *)&old);
    return r;
}

JNIEXPORT void JNICALL Java_io_jrun_sys_NativeSyscalls_restoreTermios0(JNIEnv *env, jclass cls, jint fd,
                                                                       jbyteArray saved) {
    (void)cls;
    struct termios t;
    if ((*env)->GetArrayLength(env, saved) != (jsize)sizeof t) {
        jr_jni_throw(env, "tcsetattr", EINVAL, "saved termios");
        return;
    }
    (*env)->GetByteArrayRegion(env, saved, 0, (jsize)sizeof t, (jbyte *)&t);
    if (tcsetattr(fd, TCSANOW, &t) < 0) jr_jni_throw(env, "tcsetattr", errno, NULL);
}

/* TIOCGWINSZ: {rows, cols}. */
JNIEXPORT jintArray JNICALL Java_io_jrun_sys_NativeSyscalls_getWinsize0(JNIEnv *env, jclass cls, jint fd) {
    (void)cls;
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) < 0) {
        jr_jni_throw(env, "ioctl", errno, "TIOCGWINSZ");
        return NULL;
    }
    jint v[2] = { ws.ws_row, ws.ws_col };
    jintArray r = (*env)->NewIntArray(env, 2);
    if (r != NULL) (*env)->SetIntArrayRegion(env, r, 0, 2, v);
    return r;
}

/* TIOCSWINSZ: the kernel then sends SIGWINCH to the pty's foreground process group. */
JNIEXPORT void JNICALL Java_io_jrun_sys_NativeSyscalls_setWinsize0(JNIEnv *env, jclass cls, jint fd, jint rows,
                                                                   jint cols) {
    (void)cls;
    struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
    if (ioctl(fd, TIOCSWINSZ, &ws) < 0) jr_jni_throw(env, "ioctl", errno, "TIOCSWINSZ");
}
