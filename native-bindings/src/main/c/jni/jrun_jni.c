/*
 * JNI implementation behind io.jrun.sys.NativeSyscalls (see Syscalls.java for the contract).
 *
 * Conventions:
 *  - The natives are bound with RegisterNatives in JNI_OnLoad, so a Java/C signature mismatch fails loudly at
 *    System.load time instead of at the first call of the odd method.
 *  - Strings cross the boundary as NUL-free UTF-8 byte[] encoded on the Java side: JNI's own string functions
 *    speak "modified UTF-8", which is not what the kernel expects for paths and argv.
 *  - Failures throw io.jrun.sys.SyscallException(syscall, errno, "syscall: strerror"). Natives whose error
 *    message should name a path (mkfifo, posix_spawn) return -errno instead and let Java build the message.
 *  - Messages use the C locale: the JVM calls setlocale(LC_ALL, ""), and a translated strerror would make
 *    error output depend on the host's locale (and may not even be valid modified UTF-8).
 *  - Every blocking call retries EINTR: the JVM delivers signals to arbitrary threads.
 */
#include <jni.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Older libc headers lack these; the numbers are the same on every architecture using the generic table. */
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* At most this many fds are accepted per received packet (the helper protocol never sends more than one). */
#define RECV_MAX_FDS 4

static jclass g_exc_class;    /* global ref to io.jrun.sys.SyscallException */
static jmethodID g_exc_ctor;  /* SyscallException(String, int, String) */
static locale_t g_c_locale;   /* for locale-independent strerror text */

static const char *err_text(int err) {
    if (g_c_locale != (locale_t)0) return strerror_l(err, g_c_locale);
    return strerror(err);
}

/* Throws SyscallException(syscall, err, "<syscall>: <strerror>[ <extra>]"). Only ASCII goes into the message. */
static void throw_errno_extra(JNIEnv *env, const char *syscall_name, int err, const char *extra) {
    char msg[512];
    snprintf(msg, sizeof msg, "%s: %s%s%s", syscall_name, err_text(err), extra ? " " : "", extra ? extra : "");
    jstring jname = (*env)->NewStringUTF(env, syscall_name);
    if (jname == NULL) return; /* OutOfMemoryError pending */
    jstring jmsg = (*env)->NewStringUTF(env, msg);
    if (jmsg == NULL) return;
    jobject exc = (*env)->NewObject(env, g_exc_class, g_exc_ctor, jname, (jint)err, jmsg);
    if (exc != NULL) (*env)->Throw(env, (jthrowable)exc);
}

static void throw_errno(JNIEnv *env, const char *syscall_name, int err) {
    throw_errno_extra(env, syscall_name, err, NULL);
}

/* Copies a Java byte[] (no NUL inside, checked in Java) into a fresh NUL-terminated C string. */
static char *dup_bytes(JNIEnv *env, jbyteArray arr) {
    jsize n = (*env)->GetArrayLength(env, arr);
    char *s = malloc((size_t)n + 1);
    if (s == NULL) return NULL;
    (*env)->GetByteArrayRegion(env, arr, 0, n, (jbyte *)s);
    s[n] = '\0';
    return s;
}

static void free_strv(char **v) {
    if (v == NULL) return;
    for (char **p = v; *p != NULL; p++) free(*p);
    free(v);
}

/* byte[][] -> NULL-terminated char*[]; NULL with ENOMEM on allocation failure. */
static char **dup_strv(JNIEnv *env, jobjectArray arr) {
    jsize n = (*env)->GetArrayLength(env, arr);
    char **v = calloc((size_t)n + 1, sizeof(char *));
    if (v == NULL) return NULL;
    for (jsize i = 0; i < n; i++) {
        jbyteArray el = (jbyteArray)(*env)->GetObjectArrayElement(env, arr, i);
        v[i] = dup_bytes(env, el);
        (*env)->DeleteLocalRef(env, el); /* argv/env can be long: keep the local ref table small */
        if (v[i] == NULL) {
            free_strv(v);
            return NULL;
        }
    }
    return v;
}

static jintArray new_int_pair(JNIEnv *env, jint a, jint b) {
    jintArray r = (*env)->NewIntArray(env, 2);
    if (r == NULL) return NULL;
    jint v[2] = {a, b};
    (*env)->SetIntArrayRegion(env, r, 0, 2, v);
    return r;
}

static int64_t monotonic_millis(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * glibc's sigfillset/sigaddset leave out the two signals it reserves for itself (32 and 33, below SIGRTMIN),
 * and its posix_spawn sets every handled signal outside the "default" set to SIG_IGN in the child. The JVM's
 * glibc handles 32 and 33, so without this the helper, and through it the container process, would start with
 * them ignored: an ignored disposition survives execve. Setting the bits directly makes posix_spawn reset
 * them to SIG_DFL like every other signal.
 */
static void add_libc_internal_signals(sigset_t *set) {
#if defined(__GLIBC__)
    unsigned long *words = (unsigned long *)set;
    const int bits = 8 * (int)sizeof(unsigned long);
    for (int sig = 32; sig <= 33; sig++) words[(sig - 1) / bits] |= 1UL << ((sig - 1) % bits);
#else
    (void)set;
#endif
}

/* ---- natives ---------------------------------------------------------------------------------------- */

static jintArray n_socketpairSeqpacket(JNIEnv *env, jobject self) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        throw_errno(env, "socketpair", errno);
        return NULL;
    }
    jintArray r = new_int_pair(env, sv[0], sv[1]);
    if (r == NULL) {
        close(sv[0]);
        close(sv[1]);
    }
    return r;
}

/*
 * Returns the pid, or -errno when posix_spawn itself failed (Java adds the path to the message). Failures
 * preparing the spawn are thrown directly.
 */
static jint n_spawn(JNIEnv *env, jobject self, jbyteArray jpath, jobjectArray jargv, jobjectArray jenv,
                    jint preserve_fds, jint control_fd) {
    const int target = 3 + preserve_fds;
    char *path = NULL;
    char **argv = NULL, **envp = NULL;
    int tmp_fd = -1;
    jint result = 0;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int fa_ok = 0, attr_ok = 0, rc;

    path = dup_bytes(env, jpath);
    argv = dup_strv(env, jargv);
    envp = dup_strv(env, jenv);
    if (path == NULL || argv == NULL || envp == NULL) {
        if (!(*env)->ExceptionCheck(env)) throw_errno(env, "malloc", ENOMEM);
        goto out;
    }

    /*
     * Move the control socket through a temporary CLOEXEC fd above the target. dup2(fd, target) in the child
     * then always yields a target without FD_CLOEXEC, even when control_fd already equals target (where a
     * plain dup2 would be a no-op that leaves CLOEXEC set; glibc >= 2.29 special-cases that, but this way
     * the layout does not hinge on the libc version). The temporary fd is CLOEXEC, so it never leaks into
     * this child or into processes other JVM threads spawn meanwhile.
     */
    tmp_fd = fcntl(control_fd, F_DUPFD_CLOEXEC, target + 1);
    if (tmp_fd < 0) {
        throw_errno(env, "fcntl", errno);
        goto out;
    }

    if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
        throw_errno(env, "posix_spawn_file_actions_init", rc);
        goto out;
    }
    fa_ok = 1;
    if ((rc = posix_spawn_file_actions_adddup2(&fa, tmp_fd, target)) != 0) {
        throw_errno(env, "posix_spawn_file_actions_adddup2", rc);
        goto out;
    }
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    /*
     * The JVM opens fds without O_CLOEXEC (jars, sockets, ...). The helper closes strays before its final
     * execve, but it runs privileged code and forks the container init before that, so nothing beyond the
     * documented layout may reach it in the first place (cf. CVE-2024-21626).
     */
    if ((rc = posix_spawn_file_actions_addclosefrom_np(&fa, target + 1)) != 0) {
        throw_errno(env, "posix_spawn_file_actions_addclosefrom_np", rc);
        goto out;
    }
#endif

    if ((rc = posix_spawnattr_init(&attr)) != 0) {
        throw_errno(env, "posix_spawnattr_init", rc);
        goto out;
    }
    attr_ok = 1;
    /*
     * The JVM blocks some signals in its threads and installs handlers; ignored dispositions (e.g. SIGPIPE,
     * or SIGINT under nohup) would survive execve. The helper and the container it starts must begin with an
     * empty mask and every signal at its default action.
     */
    sigset_t empty, all;
    sigemptyset(&empty);
    sigfillset(&all); /* SIGKILL/SIGSTOP included: glibc skips what cannot be changed */
    add_libc_internal_signals(&all);
    if ((rc = posix_spawnattr_setsigmask(&attr, &empty)) != 0 ||
        (rc = posix_spawnattr_setsigdefault(&attr, &all)) != 0 ||
        (rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) != 0) {
        throw_errno(env, "posix_spawnattr", rc);
        goto out;
    }

    pid_t pid;
    rc = posix_spawn(&pid, path, &fa, &attr, argv, envp);
    result = rc == 0 ? (jint)pid : -rc;

out:
    if (attr_ok) posix_spawnattr_destroy(&attr);
    if (fa_ok) posix_spawn_file_actions_destroy(&fa);
    if (tmp_fd >= 0) close(tmp_fd);
    free(path);
    free_strv(argv);
    free_strv(envp);
    return result;
}

static void n_sendPacket(JNIEnv *env, jobject self, jint fd, jbyteArray jdata, jintArray jfds) {
    jsize len = (*env)->GetArrayLength(env, jdata);
    jsize nfds = jfds == NULL ? 0 : (*env)->GetArrayLength(env, jfds);
    void *buf = malloc(len > 0 ? (size_t)len : 1);
    size_t ctl_len = nfds > 0 ? CMSG_SPACE(sizeof(int) * (size_t)nfds) : 0;
    void *ctl = ctl_len > 0 ? calloc(1, ctl_len) : NULL;
    if (buf == NULL || (ctl_len > 0 && ctl == NULL)) {
        throw_errno(env, "malloc", ENOMEM);
        goto out;
    }
    (*env)->GetByteArrayRegion(env, jdata, 0, len, (jbyte *)buf);

    struct iovec iov = {.iov_base = buf, .iov_len = (size_t)len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    if (nfds > 0) {
        msg.msg_control = ctl;
        msg.msg_controllen = ctl_len;
        struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
        (*env)->GetIntArrayRegion(env, jfds, 0, nfds, (jint *)CMSG_DATA(cm));
    }

    ssize_t n;
    do {
        /* MSG_NOSIGNAL: a dead helper must surface as EPIPE here, not as a SIGPIPE to the JVM. */
        n = sendmsg(fd, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        throw_errno(env, "sendmsg", errno);
    } else if (n != len) {
        /* Cannot happen for SOCK_SEQPACKET (packets are atomic), but a stream socket passed by mistake could. */
        throw_errno_extra(env, "sendmsg", EMSGSIZE, "(short write)");
    }
out:
    free(buf);
    free(ctl);
}

static void close_fds(const int *fds, int n) {
    for (int i = 0; i < n; i++) close(fds[i]);
}

static jbyteArray n_recvPacket(JNIEnv *env, jobject self, jint fd, jint max_len, jint timeout_ms,
                               jintArray jreceived) {
    jbyteArray result = NULL;
    int fds[RECV_MAX_FDS];
    int nfds = 0;
    char *buf = malloc(max_len > 0 ? (size_t)max_len : 1);
    if (buf == NULL) {
        throw_errno(env, "malloc", ENOMEM);
        return NULL;
    }
    /* The union gives the control buffer the alignment struct cmsghdr needs. */
    union {
        char raw[CMSG_SPACE(sizeof(int) * RECV_MAX_FDS)];
        struct cmsghdr align;
    } ctl;

    const int64_t deadline = timeout_ms >= 0 ? monotonic_millis() + timeout_ms : -1;
    ssize_t n;
    struct msghdr msg;
    for (;;) {
        int wait_ms = -1;
        if (deadline >= 0) {
            int64_t left = deadline - monotonic_millis();
            wait_ms = left > 0 ? (int)left : 0;
        }
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int pr = poll(&pfd, 1, wait_ms);
        if (pr < 0) {
            if (errno == EINTR) continue;
            throw_errno(env, "poll", errno);
            goto out;
        }
        if (pr == 0) {
            char extra[64];
            snprintf(extra, sizeof extra, "(no packet within %d ms)", (int)timeout_ms);
            throw_errno_extra(env, "recvmsg", ETIMEDOUT, extra);
            goto out;
        }
        /* Readable, hung up, error or invalid fd: recvmsg reports each of these properly. */
        struct iovec iov = {.iov_base = buf, .iov_len = (size_t)(max_len > 0 ? max_len : 0)};
        memset(&msg, 0, sizeof msg);
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = ctl.raw;
        msg.msg_controllen = sizeof ctl.raw;
        /* MSG_DONTWAIT: if another thread drained the socket between poll and here, go back to poll. */
        n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0) {
            throw_errno(env, "recvmsg", errno);
            goto out;
        }
        break;
    }

    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) continue;
        int count = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        const unsigned char *data = CMSG_DATA(cm);
        for (int i = 0; i < count; i++) {
            int rfd;
            memcpy(&rfd, data + i * sizeof(int), sizeof(int));
            if (nfds < RECV_MAX_FDS) fds[nfds++] = rfd;
            else close(rfd);
        }
    }

    /* A silently truncated packet or fd list would desynchronise the protocol: fail, and leak no fds. */
    if (msg.msg_flags & MSG_TRUNC) {
        close_fds(fds, nfds);
        throw_errno_extra(env, "recvmsg", EMSGSIZE, "(packet truncated)");
        goto out;
    }
    if (msg.msg_flags & MSG_CTRUNC) {
        close_fds(fds, nfds);
        throw_errno_extra(env, "recvmsg", EMSGSIZE, "(more fds than expected)");
        goto out;
    }

    /* On SOCK_SEQPACKET, EOF and an empty packet both read 0 bytes; an empty packet carrying fds is a packet. */
    if (n == 0 && nfds == 0) goto out;

    jsize slots = jreceived == NULL ? 0 : (*env)->GetArrayLength(env, jreceived);
    if (nfds > slots) {
        close_fds(fds, nfds);
        throw_errno_extra(env, "recvmsg", EMSGSIZE, "(received fds but no room to return them)");
        goto out;
    }

    result = (*env)->NewByteArray(env, (jsize)n);
    if (result == NULL) {
        close_fds(fds, nfds);
        goto out;
    }
    (*env)->SetByteArrayRegion(env, result, 0, (jsize)n, (const jbyte *)buf);
    for (jsize i = 0; i < slots; i++) {
        jint v = i < nfds ? fds[i] : -1;
        (*env)->SetIntArrayRegion(env, jreceived, i, 1, &v);
    }
out:
    free(buf);
    return result;
}

static void n_close(JNIEnv *env, jobject self, jint fd) {
    /* No EINTR retry: Linux always releases the fd, and a retry could close one another thread just got. */
    if (close(fd) < 0 && errno != EINTR) throw_errno(env, "close", errno);
}

static jintArray n_waitpid(JNIEnv *env, jobject self, jint pid, jint flags) {
    int status = 0;
    pid_t r;
    do {
        r = waitpid(pid, &status, flags);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        throw_errno(env, "waitpid", errno);
        return NULL;
    }
    return new_int_pair(env, (jint)r, r == 0 ? 0 : status);
}

static void n_kill(JNIEnv *env, jobject self, jint pid, jint sig) {
    if (kill(pid, sig) < 0) throw_errno(env, "kill", errno);
}

static jint n_pidfdOpen(JNIEnv *env, jobject self, jint pid) {
    long fd = syscall(SYS_pidfd_open, (pid_t)pid, 0U);
    if (fd < 0) {
        throw_errno(env, "pidfd_open", errno);
        return -1;
    }
    return (jint)fd;
}

static void n_pidfdSendSignal(JNIEnv *env, jobject self, jint pidfd, jint sig) {
    if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0U) < 0) throw_errno(env, "pidfd_send_signal", errno);
}

static void n_setChildSubreaper(JNIEnv *env, jobject self) {
    if (prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL) < 0) throw_errno(env, "prctl", errno);
}

/* Returns 0 or -errno (Java puts the path into the message). */
static jint n_mkfifo(JNIEnv *env, jobject self, jbyteArray jpath, jint mode) {
    char *path = dup_bytes(env, jpath);
    if (path == NULL) return -ENOMEM;
    int r = mkfifo(path, (mode_t)mode) < 0 ? -errno : 0;
    free(path);
    return r;
}

/* Image layers (docs/images.md): device nodes and overlay whiteouts (0:0 character devices). 0 or -errno. */
static jint n_mknod(JNIEnv *env, jobject self, jbyteArray jpath, jint mode, jint major, jint minor) {
    char *path = dup_bytes(env, jpath);
    if (path == NULL) return -ENOMEM;
    int r = mknod(path, (mode_t)mode, makedev((unsigned)major, (unsigned)minor)) < 0 ? -errno : 0;
    free(path);
    return r;
}

/* An overlay opaque directory's trusted.overlay.opaque (not followed through a symlink). 0 or -errno. */
static jint n_lsetxattr(JNIEnv *env, jobject self, jbyteArray jpath, jbyteArray jname, jbyteArray jvalue) {
    char *path = dup_bytes(env, jpath), *name = dup_bytes(env, jname);
    jsize len = (*env)->GetArrayLength(env, jvalue);
    jbyte *value = (*env)->GetByteArrayElements(env, jvalue, NULL);
    int r = -ENOMEM;
    if (path != NULL && name != NULL && value != NULL)
        r = lsetxattr(path, name, value, (size_t)len, 0) < 0 ? -errno : 0;
    if (value != NULL) (*env)->ReleaseByteArrayElements(env, jvalue, value, JNI_ABORT);
    free(path);
    free(name);
    return r;
}

static jint n_getpid(JNIEnv *env, jobject self) {
    return (jint)getpid();
}

static jstring n_strerror(JNIEnv *env, jobject self, jint err) {
    return (*env)->NewStringUTF(env, err_text(err));
}

/* ---- registration ----------------------------------------------------------------------------------- */

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK) return JNI_ERR;

    g_c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);

    jclass exc = (*env)->FindClass(env, "io/jrun/sys/SyscallException");
    if (exc == NULL) return JNI_ERR;
    g_exc_class = (jclass)(*env)->NewGlobalRef(env, exc);
    g_exc_ctor = (*env)->GetMethodID(env, exc, "<init>", "(Ljava/lang/String;ILjava/lang/String;)V");
    if (g_exc_class == NULL || g_exc_ctor == NULL) return JNI_ERR;

    /* Names and signatures must match the private natives in NativeSyscalls.java. */
    const JNINativeMethod methods[] = {
        {"socketpair0", "()[I", (void *)n_socketpairSeqpacket},
        {"spawn0", "([B[[B[[BII)I", (void *)n_spawn},
        {"sendPacket0", "(I[B[I)V", (void *)n_sendPacket},
        {"recvPacket0", "(III[I)[B", (void *)n_recvPacket},
        {"close0", "(I)V", (void *)n_close},
        {"waitpid0", "(II)[I", (void *)n_waitpid},
        {"kill0", "(II)V", (void *)n_kill},
        {"pidfdOpen0", "(I)I", (void *)n_pidfdOpen},
        {"pidfdSendSignal0", "(II)V", (void *)n_pidfdSendSignal},
        {"setChildSubreaper0", "()V", (void *)n_setChildSubreaper},
        {"mkfifo0", "([BI)I", (void *)n_mkfifo},
        {"mknod0", "([BIII)I", (void *)n_mknod},
        {"lsetxattr0", "([B[B[B)I", (void *)n_lsetxattr},
        {"getpid0", "()I", (void *)n_getpid},
        {"strerror0", "(I)Ljava/lang/String;", (void *)n_strerror},
    };
    jclass cls = (*env)->FindClass(env, "io/jrun/sys/NativeSyscalls");
    if (cls == NULL) return JNI_ERR;
    if ((*env)->RegisterNatives(env, cls, methods, (jint)(sizeof methods / sizeof methods[0])) != 0) return JNI_ERR;
    return JNI_VERSION_1_8;
}
