/*
 * JNI behind io.jrun.sys.NativeBpf: load, attach, query and detach BPF_PROG_TYPE_CGROUP_DEVICE programs
 * (the cgroup v2 device controller; Documentation/admin-guide/cgroup-v2.rst "Device controller"). Java
 * generates the instructions (io.jrun.core.cgroup.DeviceFilterCompiler); this file only makes the bpf(2) calls.
 *
 * Bound by the JNI naming convention (Java_io_jrun_sys_NativeBpf_*), not RegisterNatives: jrun_jni.c owns
 * JNI_OnLoad, and the JVM finds these symbols in the same System.load'ed libjrun.so.
 * Failures throw io.jrun.sys.SyscallException(syscall, errno, message); for BPF_PROG_LOAD the message carries
 * the verifier's log, the only useful explanation of a rejected program.
 */
#include <jni.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

static long sys_bpf(int cmd, union bpf_attr *attr) {
    return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static void bpf_throw(JNIEnv *env, const char *what, int err, const char *extra) {
    jclass cls = (*env)->FindClass(env, "io/jrun/sys/SyscallException");
    if (cls == NULL) {
        return; /* NoClassDefFoundError pending */
    }
    jmethodID ctor = (*env)->GetMethodID(env, cls, "<init>", "(Ljava/lang/String;ILjava/lang/String;)V");
    if (ctor == NULL) {
        return;
    }
    char msg[4096];
    snprintf(msg, sizeof msg, "%s: %s%s%s", what, strerror(err), extra && *extra ? ": " : "", extra ? extra : "");
    /* keep the message ASCII: NewStringUTF wants modified UTF-8 */
    for (char *p = msg; *p; p++) {
        if ((unsigned char)*p >= 0x80 || (*p < 0x20 && *p != '\n')) {
            *p = '?';
        }
    }
    jstring jsys = (*env)->NewStringUTF(env, "bpf");
    jstring jmsg = (*env)->NewStringUTF(env, msg);
    if (jsys == NULL || jmsg == NULL) {
        return;
    }
    jobject exc = (*env)->NewObject(env, cls, ctor, jsys, (jint)err, jmsg);
    if (exc != NULL) {
        (*env)->Throw(env, (jthrowable)exc);
    }
}

/* Opens a cgroup directory given as a Java byte[] path (UTF-8, no NUL). Returns -1 with an exception pending. */
static int open_cgroup(JNIEnv *env, jbyteArray jpath) {
    jsize n = (*env)->GetArrayLength(env, jpath);
    char *path = malloc((size_t)n + 1);
    if (path == NULL) {
        bpf_throw(env, "open cgroup", ENOMEM, NULL);
        return -1;
    }
    (*env)->GetByteArrayRegion(env, jpath, 0, n, (jbyte *)path);
    path[n] = 0;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        char what[512];
        snprintf(what, sizeof what, "open %s", path);
        free(path);
        bpf_throw(env, what, err, NULL);
        return -1;
    }
    free(path);
    return fd;
}

JNIEXPORT jint JNICALL Java_io_jrun_sys_NativeBpf_load0(JNIEnv *env, jclass cls, jbyteArray jinsns,
                                                        jbyteArray jlicense) {
    jsize n = (*env)->GetArrayLength(env, jinsns);
    if (n <= 0 || n % 8 != 0) {
        bpf_throw(env, "bpf(BPF_PROG_LOAD)", EINVAL, "program length is not a multiple of 8");
        return -1;
    }
    jsize ln = (*env)->GetArrayLength(env, jlicense);
    void *insns = malloc((size_t)n);
    char *license = malloc((size_t)ln + 1);
    static char log[16384];
    if (insns == NULL || license == NULL) {
        free(insns);
        free(license);
        bpf_throw(env, "bpf(BPF_PROG_LOAD)", ENOMEM, NULL);
        return -1;
    }
    (*env)->GetByteArrayRegion(env, jinsns, 0, n, (jbyte *)insns);
    (*env)->GetByteArrayRegion(env, jlicense, 0, ln, (jbyte *)license);
    license[ln] = 0;

    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insn_cnt = (uint32_t)(n / 8);
    attr.insns = (uint64_t)(uintptr_t)insns;
    attr.license = (uint64_t)(uintptr_t)license;
    int fd = (int)sys_bpf(BPF_PROG_LOAD, &attr);
    int err = errno;
    if (fd < 0 && (err == EINVAL || err == EACCES)) {
        /* load again with the verifier log on, to say why */
        log[0] = 0;
        attr.log_level = 1;
        attr.log_buf = (uint64_t)(uintptr_t)log;
        attr.log_size = sizeof log;
        fd = (int)sys_bpf(BPF_PROG_LOAD, &attr);
        if (fd < 0) {
            err = errno;
        }
    }
    free(insns);
    free(license);
    if (fd < 0) {
        bpf_throw(env, "bpf(BPF_PROG_LOAD)", err, log[0] ? log : NULL);
        return -1;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC); /* bpf fds are CLOEXEC since 4.x; be explicit */
    return fd;
}

JNIEXPORT void JNICALL Java_io_jrun_sys_NativeBpf_attach0(JNIEnv *env, jclass cls, jbyteArray jdir, jint progFd) {
    int cg = open_cgroup(env, jdir);
    if (cg < 0) {
        return;
    }
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.target_fd = (uint32_t)cg;
    attr.attach_bpf_fd = (uint32_t)progFd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    /* ALLOW_MULTI: a container may add its own programs below ours; all must allow an access */
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    int r = (int)sys_bpf(BPF_PROG_ATTACH, &attr);
    int err = errno;
    close(cg);
    if (r < 0) {
        bpf_throw(env, "bpf(BPF_PROG_ATTACH)", err, NULL);
    }
}

JNIEXPORT jintArray JNICALL Java_io_jrun_sys_NativeBpf_query0(JNIEnv *env, jclass cls, jbyteArray jdir) {
    int cg = open_cgroup(env, jdir);
    if (cg < 0) {
        return NULL;
    }
    uint32_t ids[64];
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.query.target_fd = (uint32_t)cg;
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
    attr.query.prog_cnt = 64;
    int r = (int)sys_bpf(BPF_PROG_QUERY, &attr);
    int err = errno;
    close(cg);
    if (r < 0) {
        bpf_throw(env, "bpf(BPF_PROG_QUERY)", err, NULL);
        return NULL;
    }
    jsize cnt = (jsize)(attr.query.prog_cnt > 64 ? 64 : attr.query.prog_cnt);
    jintArray out = (*env)->NewIntArray(env, cnt);
    if (out != NULL && cnt > 0) {
        (*env)->SetIntArrayRegion(env, out, 0, cnt, (const jint *)ids);
    }
    return out;
}

JNIEXPORT void JNICALL Java_io_jrun_sys_NativeBpf_detach0(JNIEnv *env, jclass cls, jbyteArray jdir, jint progId) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.prog_id = (uint32_t)progId;
    int pfd = (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
    if (pfd < 0) {
        if (errno != ENOENT) { /* already gone is fine */
            bpf_throw(env, "bpf(BPF_PROG_GET_FD_BY_ID)", errno, NULL);
        }
        return;
    }
    int cg = open_cgroup(env, jdir);
    if (cg < 0) {
        close(pfd);
        return;
    }
    memset(&attr, 0, sizeof attr);
    attr.target_fd = (uint32_t)cg;
    attr.attach_bpf_fd = (uint32_t)pfd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    int r = (int)sys_bpf(BPF_PROG_DETACH, &attr);
    int err = errno;
    close(cg);
    close(pfd);
    if (r < 0 && err != ENOENT) {
        bpf_throw(env, "bpf(BPF_PROG_DETACH)", err, NULL);
    }
}

JNIEXPORT void JNICALL Java_io_jrun_sys_NativeBpf_close0(JNIEnv *env, jclass cls, jint fd) {
    close(fd);
}
