/*
 * JNI for the resident engine (jrun daemon, docs/architecture.md "Resident engine"): its listening
 * SOCK_SEQPACKET socket, accept with a timeout (the idle exit), the caller's credentials (SO_PEERCRED) and the
 * caller's umask applied around one call. Requests themselves are read with recvPacket0 (jrun_jni.c).
 *
 * Bound by the JNI naming convention like tty_jni.c. Failures throw io.jrun.sys.SyscallException.
 */
#include <jni.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common.h"


/*
 * socket(AF_UNIX, SOCK_SEQPACKET) bound to path, mode 0600, listening. Bound under umask 0177 so the socket
 * is never reachable with a wider mode, not even between bind and chmod.
 */
JNIEXPORT jint JNICALL Java_io_jrun_sys_NativeSyscalls_engineListen0(JNIEnv *env, jclass cls, jbyteArray jpath) {
    (void)cls;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    jsize n = (*env)->GetArrayLength(env, jpath);
    if (n <= 0 || (size_t)n >= sizeof sa.sun_path) {
        jr_jni_throw(env, "bind", ENAMETOOLONG, NULL);
        return -1;
    }
    (*env)->GetByteArrayRegion(env, jpath, 0, n, (jbyte *)sa.sun_path);
    if (memchr(sa.sun_path, 0, (size_t)n) != NULL) {
        jr_jni_throw(env, "bind", EINVAL, "(NUL in path)");
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        jr_jni_throw(env, "socket", errno, NULL);
        return -1;
    }
    mode_t old = umask(0177);
    int r = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    int err = errno;
    umask(old);
    if (r < 0 || chmod(sa.sun_path, 0600) < 0 || listen(fd, 64) < 0) {
        if (r == 0) err = errno;
        jr_jni_throw(env, "bind", err, sa.sun_path);
        close(fd);
        return -1;
    }
    return fd;
}

/* accept4 one connection (CLOEXEC), waiting at most timeout_ms; -1 when none came in time. */
JNIEXPORT jint JNICALL Java_io_jrun_sys_NativeSyscalls_engineAccept0(JNIEnv *env, jclass cls, jint lfd,
                                                                    jint timeout_ms) {
    (void)cls;
    if (jr_jni_poll_in(env, lfd, timeout_ms) <= 0) return -1; /* thrown, or no caller in time */
    int c;
    do c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    while (c < 0 && errno == EINTR);
    if (c < 0) {
        /* The caller gave up between poll and accept: not an error of the engine's. */
        if (errno == ECONNABORTED || errno == EAGAIN) return -1;
        jr_jni_throw(env, "accept4", errno, NULL);
        return -1;
    }
    return c;
}

/* The connected peer's {pid, uid, gid} (SO_PEERCRED), as the kernel recorded them at connect. */
JNIEXPORT jintArray JNICALL Java_io_jrun_sys_NativeSyscalls_peerCred0(JNIEnv *env, jclass cls, jint fd) {
    (void)cls;
    struct ucred uc;
    socklen_t len = sizeof uc;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0) {
        jr_jni_throw(env, "getsockopt", errno, "SO_PEERCRED");
        return NULL;
    }
    jint v[3] = { (jint)uc.pid, (jint)uc.uid, (jint)uc.gid };
    jintArray a = (*env)->NewIntArray(env, 3);
    if (a != NULL) (*env)->SetIntArrayRegion(env, a, 0, 3, v);
    return a;
}

/* umask(2): sets the mask, returns the previous one (the engine applies each caller's mask around its call). */
JNIEXPORT jint JNICALL Java_io_jrun_sys_NativeSyscalls_umask0(JNIEnv *env, jclass cls, jint mask) {
    (void)env;
    (void)cls;
    return (jint)umask((mode_t)(mask & 0777));
}

/*
 * One call's process context: its stdin, stdout and stderr become fds 0, 1 and 2, and its cwd the process's.
 * The engine serves one call at a time, so everything a call writes or spawns (System.out, warnings, hooks'
 * inherited stdio, relative paths) lands where a one-JVM call's would. The first call saves the engine's own
 * stdio and cwd; in < 0 restores them.
 */
static int saved_fds[3] = { -1, -1, -1 };
static int saved_cwd = -1;

JNIEXPORT void JNICALL Java_io_jrun_sys_NativeSyscalls_callContext0(JNIEnv *env, jclass cls, jint in, jint out,
                                                                   jint err, jint cwd) {
    (void)cls;
    if (saved_cwd < 0) {
        for (int i = 0; i < 3; i++) saved_fds[i] = fcntl(i, F_DUPFD_CLOEXEC, 3);
        saved_cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (saved_cwd < 0 || saved_fds[0] < 0 || saved_fds[1] < 0 || saved_fds[2] < 0) {
            jr_jni_throw(env, "dup", errno, "(saving the engine's stdio)");
            return;
        }
    }
    const int from[3] = { in < 0 ? saved_fds[0] : in, in < 0 ? saved_fds[1] : out, in < 0 ? saved_fds[2] : err };
    for (int i = 0; i < 3; i++) {
        if (from[i] == i) continue;
        int r;
        do r = dup2(from[i], i);
        while (r < 0 && errno == EINTR);
        if (r < 0) {
            jr_jni_throw(env, "dup2", errno, NULL);
            return;
        }
    }
    if (fchdir(in < 0 ? saved_cwd : cwd) < 0) jr_jni_throw(env, "fchdir", errno, NULL);
}
