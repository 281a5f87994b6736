/* jni/throw.h: the SyscallException thrower shared by the tty and engine JNI code. */
#ifndef JRUN_JNI_THROW_H
#define JRUN_JNI_THROW_H
#include <jni.h>

/* Throws SyscallException(syscall, err, "<syscall>[ <extra>]: <strerror>"); non-ASCII is replaced by '?'. */
void jr_jni_throw(JNIEnv *env, const char *syscall_name, int err, const char *extra);

#endif
