/* jni/common.h: what the tty and engine JNI code share: the SyscallException thrower, a readable-wait. */
#ifndef JRUN_JNI_COMMON_H
#define JRUN_JNI_COMMON_H
#include <jni.h>

/* Throws SyscallException(syscall, err, "<syscall>[ <extra>]: <strerror>"); non-ASCII is replaced by '?'. */
void jr_jni_throw(JNIEnv *env, const char *syscall_name, int err, const char *extra);

/* Waits until fd is readable, at most timeout_ms: 1 ready, 0 timed out, -1 with SyscallException("poll") thrown. */
int jr_jni_poll_in(JNIEnv *env, int fd, int timeout_ms);

#endif
