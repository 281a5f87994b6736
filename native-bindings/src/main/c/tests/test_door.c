/* The front door's choice of a user's engine directory (door.c, user_engine_dir) against a temp directory tree. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "../door/door.c"

#include "check.h"

static char base[] = "/tmp/jrun-door-XXXXXX";

static const char *dir_for(const char *xdg, char *out, size_t size) {
    if (xdg == NULL) unsetenv("XDG_RUNTIME_DIR");
    else setenv("XDG_RUNTIME_DIR", xdg, 1);
    out[0] = '\0';
    return user_engine_dir(out, size);
}

int main(void) {
    char out[4096], p[512], want[4200], real[4096];
    if (!mkdtemp(base)) { perror("mkdtemp"); return 1; }
    chmod(base, 0755);
    if (realpath(base, real) == NULL) { perror("realpath"); return 1; }

    snprintf(p, sizeof p, "%s/ok", base); mkdir(p, 0700);
    snprintf(want, sizeof want, "%s/ok/jrun-engine", real);
    CHECK(dir_for(p, out, sizeof out) == NULL, "a private runtime dir of ours is accepted");
    CHECK_STR(out, want, "the engine directory is RUNTIME_DIR/jrun-engine");

    snprintf(p, sizeof p, "%s/link", base);
    snprintf(want, sizeof want, "%s/ok", base);
    CHECK(symlink(want, p) == 0, "symlink made");
    snprintf(want, sizeof want, "%s/ok/jrun-engine", real);
    CHECK(dir_for(p, out, sizeof out) == NULL, "a symlink to it is resolved");
    CHECK_STR(out, want, "the resolved path is the one used");

    snprintf(p, sizeof p, "%s/group", base); mkdir(p, 0700); chmod(p, 0770);
    CHECK_STR(dir_for(p, out, sizeof out), "XDG_RUNTIME_DIR is not a directory of this uid's that nobody else may write",
              "a group-writable runtime dir is refused");
    snprintf(p, sizeof p, "%s/other", base); mkdir(p, 0700); chmod(p, 0702);
    CHECK(dir_for(p, out, sizeof out) != NULL, "an other-writable runtime dir is refused");
    snprintf(p, sizeof p, "%s/sticky", base); mkdir(p, 0700); chmod(p, 01777);
    CHECK(dir_for(p, out, sizeof out) != NULL, "the sticky bit does not excuse the runtime dir itself");
    snprintf(p, sizeof p, "%s/file", base); close(open(p, O_CREAT | O_WRONLY, 0600));
    CHECK(dir_for(p, out, sizeof out) != NULL, "a file is refused");

    /* a directory above that others may write: refused, unless sticky */
    snprintf(p, sizeof p, "%s/open", base); mkdir(p, 0777); chmod(p, 0777);
    snprintf(p, sizeof p, "%s/open/xdg", base); mkdir(p, 0700);
    CHECK_STR(dir_for(p, out, sizeof out), "a directory above XDG_RUNTIME_DIR is not root's or this uid's alone",
              "a world-writable directory above is refused");
    snprintf(p, sizeof p, "%s/open", base); chmod(p, 01777);
    snprintf(p, sizeof p, "%s/open/xdg", base);
    CHECK(dir_for(p, out, sizeof out) == NULL, "a sticky world-writable directory above (/tmp) is accepted");

    if (geteuid() == 0) {
        snprintf(p, sizeof p, "%s/nobody", base); mkdir(p, 0700);
        CHECK(chown(p, 65534, 65534) == 0, "chown to nobody");
        CHECK(dir_for(p, out, sizeof out) != NULL, "a runtime dir of another uid is refused");
        snprintf(p, sizeof p, "%s/nobody-above", base); mkdir(p, 0755);
        snprintf(want, sizeof want, "%s/nobody-above/xdg", base); mkdir(want, 0700);
        CHECK(chown(p, 65534, 65534) == 0, "chown to nobody");
        CHECK(dir_for(want, out, sizeof out) != NULL, "a directory above owned by another uid is refused");
    }

    CHECK_STR(dir_for(NULL, out, sizeof out), "not root and no XDG_RUNTIME_DIR (a user's engine lives there)", "unset");
    CHECK_STR(dir_for("", out, sizeof out), "not root and no XDG_RUNTIME_DIR (a user's engine lives there)", "empty");
    CHECK_STR(dir_for("run/user/1000", out, sizeof out), "XDG_RUNTIME_DIR is not an absolute path", "relative");
    snprintf(p, sizeof p, "%s/missing", base);
    CHECK_STR(dir_for(p, out, sizeof out), "XDG_RUNTIME_DIR does not resolve", "missing");

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    if (system(cmd) != 0) printf("could not remove %s\n", base);
    CHECK_DONE();
}
