/*
 * jrun-door: the resident engine's front door (docs/architecture.md, "Resident engine"), installed as the jrun
 * command itself. It forwards a call to the engine over a unix SOCK_SEQPACKET socket, handing over the argv,
 * umask, the few environment values jrun reads, and fds 0, 1, 2 and the cwd by SCM_RIGHTS; the engine writes
 * the output straight to those fds and replies with the exit status. For create, run -d and exec -d the engine
 * asks this process to spawn jrun-init (SPAWN): the helper, and so the container's process, is then a child of
 * the caller's process tree, as with a jrun of its own, and the caller's --preserve-fds fds reach it directly.
 * It starts the engine when none answers: root's, or for any other uid that user's own (user_engine_dir).
 * Anything else (JRUN_DAEMON=off, an unusual argv, no engine in time, a refusal) execs the one-JVM path,
 * jrun-jvm beside this binary, with the same argv, so the call behaves exactly as without the engine.
 *
 * The wire format is EngineFrame.java's; keep the two alike. Static, single-threaded, fixed buffers, every fd
 * close-on-exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef JRUN_BUILD_ID
#define JRUN_BUILD_ID "unknown"
#endif

#define MAGIC 0x4A52554Eu
#define VERSION 1
#define MAX_FRAME (64 * 1024)
#define MAX_ARGS 256
#define MAX_ENV 32
#define ACCEPTED 1
#define EXIT 2
#define REFUSED 3
#define SPAWN 4
#define SPAWNED 5
#define SUBREAPER 6
#define WAIT 7
#define EXITED 8
#define MAX_HELPERS 4
/* How long a call waits for an engine it just started before it runs in its own JVM (JRUN_ENGINE_WAIT_MS). */
#define DEFAULT_WAIT_MS 1000

extern char **environ;

static int debug;
static const char *subcommand;
static char self_dir[4096];

/* One engine per build, per install and per uid: DIR/engine-BUILD-LIBDIR.sock, LIBDIR's '/' as '_' (Daemon.java's
 * defaultSocket names the same file), so two installs of one build never serve each other's calls. DIR is root's
 * /run/jrun-engine, or a user's $XDG_RUNTIME_DIR/jrun-engine (user_engine_dir). */
static char default_socket[sizeof ((struct sockaddr_un *)0)->sun_path + 1];

static void name_default_socket(const char *dir) {
    int n = snprintf(default_socket, sizeof default_socket, "%s/engine-%s-%s.sock", dir, JRUN_BUILD_ID, self_dir);
    if (n < 0 || (size_t)n >= sizeof default_socket) {
        default_socket[0] = '\0'; /* too long for a socket address: no engine for this install */
        return;
    }
    for (char *c = default_socket + strlen(dir) + 1; *c; c++)
        if (*c == '/') *c = '_';
}

/*
 * Whether the directory st describes may hold, or lead to, this uid's engine: only root or this uid may change
 * it. A directory others may write is acceptable on the way (not as the runtime dir itself) only with the sticky
 * bit, as /tmp has: there nobody else can rename or remove our entry (inode(7), S_ISVTX).
 */
static int trusted_dir(const struct stat *st, int on_the_way) {
    if (!S_ISDIR(st->st_mode)) return 0;
    if (st->st_uid != geteuid() && !(on_the_way && st->st_uid == 0)) return 0;
    return !(st->st_mode & 022) || (on_the_way && (st->st_mode & S_ISVTX));
}

/*
 * The user's engine directory, $XDG_RUNTIME_DIR/jrun-engine, in out; NULL, or why not. The runtime dir is the
 * user's per the XDG Base Directory spec and systemd-logind (/run/user/UID, 0700), but the variable is only the
 * caller's word, and a socket in a directory someone else controls could be someone else's engine, which would
 * get the caller's fds and argv. So, as runc and systemd demand of it: an absolute path to a directory owned by
 * this uid, writable by nobody else; and, beyond them, every directory above it owned by root or this uid and
 * writable by nobody else unless sticky, so that nobody can swap the path's components under us. The checks are
 * made on the resolved path, and that is the one used.
 */
static const char *user_engine_dir(char *out, size_t size) {
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg == NULL || *xdg == '\0') return "not root and no XDG_RUNTIME_DIR (a user's engine lives there)";
    if (xdg[0] != '/') return "XDG_RUNTIME_DIR is not an absolute path";
    char real[4096];
    if (strlen(xdg) >= sizeof real || realpath(xdg, real) == NULL) return "XDG_RUNTIME_DIR does not resolve";
    struct stat st;
    char walk[4096];
    snprintf(walk, sizeof walk, "%s", real);
    for (char *slash = walk; slash != NULL; slash = strchr(slash + 1, '/')) {
        char keep = slash[1];
        if (slash == walk) slash[1] = '\0'; /* "/" itself */
        else *slash = '\0';
        if (lstat(walk, &st) < 0 || !trusted_dir(&st, 1))
            return "a directory above XDG_RUNTIME_DIR is not root's or this uid's alone";
        if (slash == walk) slash[1] = keep;
        else *slash = '/';
    }
    if (lstat(real, &st) < 0 || !trusted_dir(&st, 0))
        return "XDG_RUNTIME_DIR is not a directory of this uid's that nobody else may write";
    int n = snprintf(out, size, "%s/jrun-engine", strcmp(real, "/") ? real : "");
    if (n < 0 || (size_t)n >= size) return "XDG_RUNTIME_DIR too long";
    return NULL;
}

static void note(const char *what, const char *why) {
    if (debug) dprintf(2, "jrun-door: %s: %s\n", what, why);
}

/* The one-JVM path: jrun-jvm beside this binary, same argv, JRUN_DAEMON unset so it cannot come back here. */
static void __attribute__((noreturn)) fallback(char **argv, const char *why) {
    note("fallback (own JVM)", why);
    char path[4096 + 16];
    snprintf(path, sizeof path, "%s/jrun-jvm", self_dir);
    argv[0] = path;
    execv(path, argv);
    dprintf(2, "jrun: cannot execute %s: %s\n", path, strerror(errno));
    _exit(127);
}

static int printable(const char *s) {
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e) return 0;
    return 1;
}

/*
 * Why this argv must run in its own JVM, or NULL. The subcommand is the first argument that is neither a global
 * option nor the value of one (the launcher's rule, PicocliArgv.subcommandName).
 */
static const char *unusual(int argc, char **argv) {
    if (argc - 1 > MAX_ARGS) return "too many arguments";
    const char *cmd = NULL;
    for (int i = 1; i < argc && cmd == NULL; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--root") || !strcmp(a, "--log") || !strcmp(a, "--log-format") || !strcmp(a, "--rootless") ||
            !strcmp(a, "--criu")) {
            i++;
        } else if (!strcmp(a, "--debug")) {
            debug = 1;
        } else if (a[0] != '-') {
            cmd = a;
        }
    }
    subcommand = cmd;
    for (int i = 1; i < argc; i++)
        if (!printable(argv[i])) return "an argument that is not printable ASCII";
    if (cmd == NULL) {
        /* --version (with global options) is answered by the engine too: no JVM start for a probe. */
        int version = 0;
        for (int i = 1; i < argc; i++) {
            if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return "no subcommand";
            version |= !strcmp(argv[i], "--version") || !strcmp(argv[i], "-v");
        }
        if (!version) return "no subcommand";
    } else {
        /* The engine refuses what it does not serve (run and exec with a terminal, an argv it finds unusual);
         * this list only spares the other subcommands the round trip. */
        static const char *const served[] = {"state", "start", "kill", "delete", "list", "create", "run", "exec"};
        int known = 0;
        for (size_t i = 0; i < sizeof served / sizeof served[0]; i++) known |= !strcmp(cmd, served[i]);
        if (!known) return "subcommand not served by the engine";
    }
    if (getenv("JRUN_TRACE") || getenv("JRUN_TEST_PAUSE_AT")) return "JRUN_TRACE or JRUN_TEST_PAUSE_AT is set";
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0) return "stdin, stdout or stderr is closed";
    return NULL;
}

/* ---- the request frame ---------------------------------------------------------------------------------- */

static unsigned char frame[MAX_FRAME];
static size_t frame_len;

static int put32(uint32_t v) {
    if (frame_len + 4 > sizeof frame) return -1;
    frame[frame_len++] = (unsigned char)(v >> 24);
    frame[frame_len++] = (unsigned char)(v >> 16);
    frame[frame_len++] = (unsigned char)(v >> 8);
    frame[frame_len++] = (unsigned char)v;
    return 0;
}

static int put_string(const char *s) {
    size_t n = strlen(s);
    if (n > sizeof frame || put32((uint32_t)n) < 0 || frame_len + n > sizeof frame) return -1;
    memcpy(frame + frame_len, s, n);
    frame_len += n;
    return 0;
}

static int wanted_env(const char *e) {
    return !strncmp(e, "XDG_RUNTIME_DIR=", 16) || !strncmp(e, "NOTIFY_SOCKET=", 14) || !strncmp(e, "JRUN_", 5) ||
           !strncmp(e, "LISTEN_FDS=", 11) || !strncmp(e, "LISTEN_PID=", 11) ||
           !strncmp(e, "DBUS_SYSTEM_BUS_ADDRESS=", 24) || !strncmp(e, "USER=", 5);
}

static const char *build_frame(int argc, char **argv) {
    mode_t mask = umask(0);
    umask(mask);
    frame_len = 0;
    put32(MAGIC);
    put32((uint32_t)VERSION << 16);
    put32(0); /* total length, below */
    put32((uint32_t)mask & 0777);
    put32((uint32_t)(argc - 1));
    for (int i = 1; i < argc; i++)
        if (put_string(argv[i]) < 0) return "arguments over 64 KiB";
    uint32_t envc = 0;
    for (char **e = environ; *e; e++)
        if (wanted_env(*e)) {
            if (!printable(*e)) return "an environment value that is not printable ASCII";
            envc++;
        }
    if (envc > MAX_ENV) return "too many JRUN_ variables";
    if (put32(envc) < 0) return "arguments over 64 KiB";
    for (char **e = environ; *e; e++)
        if (wanted_env(*e) && put_string(*e) < 0) return "environment over 64 KiB";
    uint32_t len = (uint32_t)frame_len;
    frame[8] = (unsigned char)(len >> 24);
    frame[9] = (unsigned char)(len >> 16);
    frame[10] = (unsigned char)(len >> 8);
    frame[11] = (unsigned char)len;
    return NULL;
}

/* ---- the socket and the engine's start ------------------------------------------------------------------- */

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The socket's directory must be ours alone, or another user could stand in for the engine: writable by nobody
 * else; a user's default one (created 0700) open to nobody else at all, as the rule asks of it.
 */
static const char *safe_dir(const char *socket_path) {
    char dir[sizeof ((struct sockaddr_un *)0)->sun_path];
    snprintf(dir, sizeof dir, "%s", socket_path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir) return "socket path must be absolute, not in /";
    *slash = '\0';
    int is_default = strcmp(socket_path, default_socket) == 0;
    if (is_default && mkdir(dir, 0700) < 0 && errno != EEXIST) return "cannot create the engine's directory";
    struct stat st;
    if (lstat(dir, &st) < 0) return "no engine directory";
    if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & (is_default && geteuid() != 0 ? 077 : 022)))
        return "engine directory not private to this uid";
    return NULL;
}

/* A connection to the engine at path, -1 (errno set) when there is none. The engine must be our own uid. */
static int dial(const char *path) {
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    struct ucred uc;
    socklen_t len = sizeof uc;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0 || uc.uid != geteuid()) {
        close(fd);
        errno = EPERM;
        return -1;
    }
    return fd;
}

/* Moves this process into the root cgroup of every hierarchy (v2's, or each v1 one's), out of the caller's. */
static void leave_callers_cgroup(void) {
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (f == NULL) return;
    char line[4096], pid[32];
    snprintf(pid, sizeof pid, "%d\n", (int)getpid());
    while (fgets(line, sizeof line, f) != NULL) {
        if (strchr(line, '\n') == NULL) { /* longer than the buffer: not a cgroup mount we can name; skip it */
            int c;
            while ((c = fgetc(f)) != EOF && c != '\n') {}
            continue;
        }
        char *sep = strstr(line, " - ");
        if (sep == NULL || (strncmp(sep, " - cgroup ", 10) && strncmp(sep, " - cgroup2 ", 11))) continue;
        /* fields: id parent major:minor root mountpoint ... */
        char *save = NULL, *field = strtok_r(line, " ", &save);
        char *root = NULL, *mnt = NULL;
        for (int i = 0; field != NULL && i < 5; i++, field = strtok_r(NULL, " ", &save)) {
            if (i == 3) root = field;
            if (i == 4) mnt = field;
        }
        if (root == NULL || mnt == NULL || strcmp(root, "/") || strchr(mnt, '\\')) continue;
        char procs[4096 + 16];
        snprintf(procs, sizeof procs, "%s/cgroup.procs", mnt);
        int fd = open(procs, O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
            if (write(fd, pid, strlen(pid)) < 0) {} /* best effort: a hierarchy we may not join stays as it was */
            close(fd);
        }
    }
    fclose(f);
}

/*
 * Starts `jrun-jvm daemon --socket PATH` detached: double fork, its own session, out of the caller's cgroups,
 * stdin /dev/null, stdout and stderr appended to PATH.log, no fd of ours, a fixed environment.
 */
static void start_engine(const char *path) {
    pid_t pid = fork();
    if (pid < 0) return;
    if (pid > 0) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
        return;
    }
    setsid();
    if (fork() != 0) _exit(0);
    /* Root's engine outlives the caller's cgroup (a shim's, a unit's). A user may not write the root cgroups, so
     * a user's engine stays in the caller's (a login session's scope ends it at logout; a new one is started). */
    if (geteuid() == 0) leave_callers_cgroup();
    umask(022);
    if (chdir("/") < 0) _exit(1);
    char log[4096 + 8], jvm[4096 + 16];
    snprintf(log, sizeof log, "%s.log", path);
    snprintf(jvm, sizeof jvm, "%s/jrun-jvm", self_dir);
    int nul = open("/dev/null", O_RDWR);
    int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0600);
    if (nul < 0) _exit(1);
    if (out < 0) out = nul;
    dup2(nul, 0);
    dup2(out, 1);
    dup2(out, 2);
    /* Every other fd, however high: a caller's fd without CLOEXEC (a shim's preserved fds) must not live on in
     * the engine. The loop is for kernels without close_range (before 5.9). */
    if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0)
        for (int fd = 3; fd < 65536; fd++) close(fd);
    /* JRUN_ENGINE_IDLE_TIMEOUT: seconds without a call before the engine exits (the engine checks the value). */
    const char *idle = getenv("JRUN_ENGINE_IDLE_TIMEOUT");
    char *argv[] = {jvm, "daemon", "--socket", (char *)path, NULL, NULL, NULL};
    if (idle != NULL && *idle) {
        argv[4] = "--idle-timeout";
        argv[5] = (char *)idle;
    }
    char *envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL};
    execve(jvm, argv, envp);
    _exit(127);
}

/* A connection to a running engine, starting one and waiting up to wait_ms for it when none answers. */
static int connect_engine(const char *path, const char **why) {
    int fd = dial(path);
    if (fd >= 0) return fd;
    if (errno != ENOENT && errno != ECONNREFUSED) {
        *why = errno == EPERM ? "engine not of this uid" : "cannot connect to the engine";
        return -1;
    }
    note("no engine answered; starting one", path);
    start_engine(path);
    const char *w = getenv("JRUN_ENGINE_WAIT_MS");
    int64_t wait_ms = w != NULL && *w ? atol(w) : DEFAULT_WAIT_MS;
    int64_t deadline = now_ms() + wait_ms;
    do {
        struct timespec ts = {0, 5 * 1000000};
        nanosleep(&ts, NULL);
        fd = dial(path);
        if (fd >= 0) return fd;
    } while (now_ms() < deadline);
    *why = "engine started, not up in time";
    return -1;
}

/* ---- one call ----------------------------------------------------------------------------------------------- */

static int send_request(int sock) {
    int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (cwd < 0) return -1;
    int fds[4] = {0, 1, 2, cwd};
    union {
        char raw[CMSG_SPACE(sizeof fds)];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct iovec iov = {.iov_base = frame, .iov_len = frame_len};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.raw, .msg_controllen = sizeof ctl.raw};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(cm), fds, sizeof fds);
    ssize_t n;
    do n = sendmsg(sock, &mh, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    close(cwd);
    return n == (ssize_t)frame_len ? 0 : -1;
}

/* The next reply's kind (status in *status, reason in reason), or -1 on end of file or a malformed reply. */
static int recv_reply(int sock, uint32_t *status, char *reason, size_t reason_size) {
    unsigned char buf[12 + 512];
    ssize_t n;
    do n = recv(sock, buf, sizeof buf, 0);
    while (n < 0 && errno == EINTR);
    if (n < 12) return -1;
    uint32_t magic = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
    if (magic != MAGIC || buf[4] != 0 || buf[5] != VERSION) return -1;
    *status = (uint32_t)buf[8] << 24 | (uint32_t)buf[9] << 16 | (uint32_t)buf[10] << 8 | buf[11];
    size_t r = (size_t)n - 12 < reason_size - 1 ? (size_t)n - 12 : reason_size - 1;
    memcpy(reason, buf + 12, r);
    reason[r] = '\0';
    if (!printable(reason)) reason[0] = '\0';
    return buf[6] << 8 | buf[7];
}

/* ---- jrun-init, spawned for the engine ------------------------------------------------------------------- */

static pid_t helpers[MAX_HELPERS];
static int n_helpers;

/*
 * The helper with the layout of docs/helper-protocol.md: fds 0-2 and 3..3+preserve-1 as the caller gave them,
 * the control socket at 3+preserve, nothing else; every signal at its default action and none blocked, whatever
 * the caller ignored (an ignored disposition would survive into the container); _JRUN_CTL_FD its only variable.
 * Returns the pid, or -errno.
 */
static pid_t spawn_helper(uint32_t preserve, int ctl) {
    if (preserve > 1024) return -EINVAL;
    int target = 3 + (int)preserve;
    /* Through a close-on-exec copy above the target, so that dup2 always yields a target without CLOEXEC. */
    int tmp = fcntl(ctl, F_DUPFD_CLOEXEC, target + 1);
    if (tmp < 0) return -errno;
    char path[4096 + 16], env0[32];
    snprintf(path, sizeof path, "%s/jrun-init", self_dir);
    snprintf(env0, sizeof env0, "_JRUN_CTL_FD=%d", target);
    pid_t pid = fork();
    if (pid == 0) {
        for (int sig = 1; sig < 65; sig++)
            if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (dup2(tmp, target) < 0) _exit(127);
        if (syscall(SYS_close_range, (unsigned)target + 1, ~0U, 0U) < 0)
            for (int fd = target + 1; fd < 65536; fd++) close(fd);
        char *hargv[] = {"jrun-init", NULL};
        char *henv[] = {env0, NULL};
        execve(path, hargv, henv);
        _exit(127);
    }
    int e = errno;
    close(tmp);
    return pid < 0 ? -e : pid;
}

/* A reply-shaped message to the engine (SPAWNED, EXITED), with fd as SCM_RIGHTS when >= 0. */
static void send_msg(int sock, int kind, int32_t status, int ctl, const char *reason) {
    unsigned char buf[12 + 128];
    size_t n = 12;
    uint32_t v = (uint32_t)status;
    unsigned char head[12] = {MAGIC >> 24, (MAGIC >> 16) & 0xff, (MAGIC >> 8) & 0xff, MAGIC & 0xff, 0, VERSION, 0,
                              (unsigned char)kind, v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff};
    memcpy(buf, head, 12);
    if (reason != NULL) {
        size_t r = strlen(reason) < 128 ? strlen(reason) : 128;
        memcpy(buf + 12, reason, r);
        n += r;
    }
    union {
        char raw[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } c;
    memset(&c, 0, sizeof c);
    struct iovec iov = {.iov_base = buf, .iov_len = n};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    if (ctl >= 0) {
        mh.msg_control = c.raw;
        mh.msg_controllen = sizeof c.raw;
        struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &ctl, sizeof(int));
    }
    while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 && errno == EINTR) {}
}

/* SPAWN: a helper for the engine; the engine gets the pid and the other end of its control socket. */
static void serve_spawn(int sock, uint32_t preserve) {
    int pair[2];
    if (n_helpers == MAX_HELPERS) {
        send_msg(sock, SPAWNED, -EAGAIN, -1, "too many helpers for one call");
        return;
    }
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) {
        send_msg(sock, SPAWNED, -errno, -1, strerror(errno));
        return;
    }
    pid_t pid = spawn_helper(preserve, pair[1]);
    close(pair[1]);
    if (pid > 0) helpers[n_helpers++] = pid;
    send_msg(sock, SPAWNED, pid, pid > 0 ? pair[0] : -1, pid > 0 ? NULL : strerror((int)-pid));
    close(pair[0]); /* the engine holds it now: when the engine goes, the helper sees EOF and exits */
}

/* ---- a foreground run or exec: this process waits for the container's process, as a JVM of its own would ---- */

static volatile pid_t waited;

static void forward_signal(int sig) {
    if (waited > 0) kill(waited, sig);
}

/*
 * WAIT: the process (our child: SUBREAPER came before its helper was spawned) until it exits, forwarding the
 * signals runc forwards (io.jrun.core.SignalForwarder's list) so that ^C or a supervisor's SIGTERM reaches it
 * rather than orphaning it; then its wait status to the engine, which finishes the call (run deletes).
 */
static void reap_helpers(void);

static void serve_wait(int sock, pid_t pid) {
    /* The helper's intermediate process exits once the process runs; only then is the process our child. */
    reap_helpers();
    static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};
    enum { N = sizeof forwarded / sizeof forwarded[0] };
    struct sigaction sa, old[N];
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    waited = pid;
    for (int i = 0; i < N; i++) sigaction(forwarded[i], &sa, &old[i]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno == EINTR) continue;
        dprintf(2, "jrun: wait for process %d: %s\n", (int)pid, strerror(errno));
        status = 255 << 8;
        break;
    }
    waited = 0;
    for (int i = 0; i < N; i++) sigaction(forwarded[i], &old[i], NULL);
    send_msg(sock, EXITED, status, -1, NULL);
}

/* The helpers exit once the engine is done with them (or gone); the container's process lives on, re-parented. */
static void reap_helpers(void) {
    for (int i = 0; i < n_helpers; i++)
        while (waitpid(helpers[i], NULL, 0) < 0 && errno == EINTR) {}
    n_helpers = 0;
}

#ifndef JRUN_NO_MAIN /* tests/test_door.c includes this file for its pure parts */
int main(int argc, char **argv) {
    ssize_t n = readlink("/proc/self/exe", self_dir, sizeof self_dir - 1);
    if (n <= 0) {
        strcpy(self_dir, "/usr/local/lib/jrun");
    } else {
        self_dir[n] = '\0';
        char *slash = strrchr(self_dir, '/');
        if (slash != NULL) *slash = '\0';
    }
    const char *why = unusual(argc, argv); /* first: it also finds --debug among the global options */
    const char *mode = getenv("JRUN_DAEMON");
    if (mode != NULL && !strcmp(mode, "off")) why = "JRUN_DAEMON=off";
    if (why != NULL) fallback(argv, why);
    const char *path = getenv("JRUN_ENGINE_SOCKET");
    if (path == NULL || *path == '\0') {
        /* Root's engine serves root alone, a user's engine that user alone: each checks its caller's uid, and this
         * process checks the engine's (dial). */
        char dir[sizeof default_socket];
        if (geteuid() == 0) snprintf(dir, sizeof dir, "/run/jrun-engine");
        else if ((why = user_engine_dir(dir, sizeof dir)) != NULL) fallback(argv, why);
        name_default_socket(dir);
        if (default_socket[0] == '\0') fallback(argv, "this install's directory is too long for the engine's socket name");
        path = default_socket;
    }
    if (path[0] != '/' || strlen(path) >= sizeof ((struct sockaddr_un *)0)->sun_path)
        fallback(argv, "JRUN_ENGINE_SOCKET is not an absolute path that fits a socket address");
    if ((why = safe_dir(path)) != NULL) fallback(argv, why);
    if ((why = build_frame(argc, argv)) != NULL) fallback(argv, why);
    uint32_t status = 0;
    char reason[513];
    int sock, kind;
    /* An engine that dies just as we connect (kill -9 closes its listening socket only once its last thread has
     * exited, so a connection can still be queued on it) hangs up before ACCEPTED: nothing ran, so asking again,
     * which starts a fresh engine, is safe. */
    for (int attempt = 0;; attempt++) {
        sock = connect_engine(path, &why);
        if (sock < 0) fallback(argv, why);
        if (send_request(sock) < 0) fallback(argv, "cannot send the call to the engine");
        kind = recv_reply(sock, &status, reason, sizeof reason);
        if (kind == ACCEPTED || kind == REFUSED || attempt == 2) break;
        close(sock);
        struct timespec ts = {0, 20 * 1000000};
        nanosleep(&ts, NULL);
    }
    if (kind == REFUSED) fallback(argv, reason[0] ? reason : "refused by the engine");
    if (kind != ACCEPTED) fallback(argv, "engine hung up before taking the call");
    note("engine", path);
    while ((kind = recv_reply(sock, &status, reason, sizeof reason)) == SPAWN || kind == SUBREAPER || kind == WAIT) {
        if (kind == SPAWN) serve_spawn(sock, status);
        else if (kind == SUBREAPER) prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL);
        else serve_wait(sock, (pid_t)status);
    }
    reap_helpers();
    if (kind == EXIT) return (int)(status & 0xff);
    /* The engine died during the call. Reading the state again is harmless; a start, kill, delete or create may
     * have happened (in part: `delete --force` cleans up a half-made container), so it is not repeated. */
    if (subcommand == NULL || !strcmp(subcommand, "state") || !strcmp(subcommand, "list"))
        fallback(argv, "engine exited during a read-only call");
    dprintf(2, "jrun: the resident engine exited during the call\n");
    return 1;
}
#endif
