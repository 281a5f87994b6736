/* jni/throw.c: see throw.h. */
#include <stdio.h>
#include <string.h>

#include "throw.h"

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
