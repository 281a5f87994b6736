/*
 * JNI for `jrun sandbox-agent` (docs/sandbox.md): seccomp user notifications (seccomp_unotify(2)) received
 * and answered on the listener fd a container's helper sent over the agent's socket (runtime-spec
 * config-linux.md "Seccomp", listenerPath). Bound by the JNI naming convention like engine_jni.c.
 */
#include <jni.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/seccomp.h>

#include "common.h"

/*
 * Waits at most timeout_ms for one notification and receives it: {id, pid, nr, arch, ip, args[0..5]}; null on
 * timeout; an empty array when no process uses the filter any more (POLLHUP) or the notification went away
 * before we read it (its process died: ENOENT).
 */
JNIEXPORT jlongArray JNICALL Java_io_jrun_sys_NativeSyscalls_notifReceive0(JNIEnv *env, jclass cls, jint fd,
                                                                          jint timeout_ms) {
    (void)cls;
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int r;
    do r = poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
        jr_jni_throw(env, "poll", errno, "seccomp listener");
        return NULL;
    }
    if (r == 0) return NULL;
    jlong v[11];
    jsize n = 0;
    if (p.revents & POLLIN) {
        struct seccomp_notif req;
        memset(&req, 0, sizeof req); /* the kernel refuses a non-zeroed buffer (EINVAL) */
        if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0) {
            v[0] = (jlong)req.id;
            v[1] = req.pid;
            v[2] = req.data.nr;
            v[3] = (jlong)req.data.arch;
            v[4] = (jlong)req.data.instruction_pointer;
            for (int i = 0; i < 6; i++) v[5 + i] = (jlong)req.data.args[i];
            n = 11;
        } else if (errno != ENOENT && errno != EINTR) {
            jr_jni_throw(env, "ioctl", errno, "SECCOMP_IOCTL_NOTIF_RECV");
            return NULL;
        }
    } else if (!(p.revents & (POLLHUP | POLLERR))) {
        return NULL;
    }
    jlongArray a = (*env)->NewLongArray(env, n);
    if (a != NULL && n) (*env)->SetLongArrayRegion(env, a, 0, n, v);
    return a;
}

/*
 * Answers notification id: continue the syscall as if no filter were there (SECCOMP_USER_NOTIF_FLAG_CONTINUE),
 * or fail it with -error. False when the notification is gone (its process died, ENOENT).
 */
JNIEXPORT jboolean JNICALL Java_io_jrun_sys_NativeSyscalls_notifRespond0(JNIEnv *env, jclass cls, jint fd, jlong id,
                                                                        jint error, jboolean cont) {
    (void)cls;
    struct seccomp_notif_resp resp;
    memset(&resp, 0, sizeof resp);
    resp.id = (__u64)id;
    resp.error = cont ? 0 : -error;
    resp.flags = cont ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0;
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0) return JNI_TRUE;
    if (errno == ENOENT) return JNI_FALSE;
    jr_jni_throw(env, "ioctl", errno, "SECCOMP_IOCTL_NOTIF_SEND");
    return JNI_FALSE;
}
