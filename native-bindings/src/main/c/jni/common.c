/* jni/common.c: see common.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

void jr_jni_throw(JNIEnv *env, const char *syscall_name, int err, const char *extra) {
    jclass cls = (*env)->FindClass(env, "io/jrun/sys/SyscallException");
    if (cls == NULL) return;
    jmethodID ctor = (*env)->GetMethodID(env, cls, "<init>", "(Ljava/lang/String;ILjava/lang/String;)V");
    if (ctor == NULL) return;
    char msg[1024];
    snprintf(msg, sizeof msg, "%s%s%s: %s", syscall_name, extra ? " " : "", extra ? extra : "", strerror(err));
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p >= 0x80 || *p < 0x20) *p = '?';
    jstring jsys = (*env)->NewStringUTF(env, syscall_name);
    jstring jmsg = (*env)->NewStringUTF(env, msg);
    if (jsys == NULL || jmsg == NULL) return;
    jobject exc = (*env)->NewObject(env, cls, ctor, jsys, (jint)err, jmsg);
    if (exc != NULL) (*env)->Throw(env, (jthrowable)exc);
}

int jr_jni_poll_in(JNIEnv *env, int fd, int timeout_ms) {
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    int r;
    do r = poll(&pfd, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r < 0) jr_jni_throw(env, "poll", errno, NULL);
    return r < 0 ? -1 : r > 0;
}
