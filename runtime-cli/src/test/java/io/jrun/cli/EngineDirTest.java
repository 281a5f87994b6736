package io.jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** EngineDir's rules for a user's engine directory (door.c's user_engine_dir makes the same choice). */
class EngineDirTest {
    private static final int ME = 1000;
    private final Map<Path, EngineDir.Attrs> fs = new HashMap<>();

    private void dir(String p, int uid, int mode) {
        fs.put(Path.of(p), new EngineDir.Attrs(true, uid, mode));
    }

    private EngineDir.Result check(String xdg) {
        return EngineDir.userDir(xdg, ME, fs::get);
    }

    private void standard() {
        dir("/", 0, 0755);
        dir("/run", 0, 0755);
        dir("/run/user", 0, 0755);
        dir("/run/user/1000", ME, 0700);
    }

    @Test
    void theUsersOwnPrivateRuntimeDirHoldsTheEngine() {
        standard();
        assertEquals(new EngineDir.Dir(Path.of("/run/user/1000/jrun-engine")), check("/run/user/1000"));
        assertEquals(new EngineDir.Dir(Path.of("/run/user/1000/jrun-engine")), check("/run/user/1000/"));
        dir("/run/user/1000", ME, 0755); // readable by others is fine: only writes could plant a socket
        assertEquals(new EngineDir.Dir(Path.of("/run/user/1000/jrun-engine")), check("/run/user/1000"));
    }

    @Test
    void noOrARelativeRuntimeDirIsRefused() {
        standard();
        assertEquals(new EngineDir.Refused("not root and no XDG_RUNTIME_DIR (a user's engine lives there)"), check(null));
        assertEquals(new EngineDir.Refused("not root and no XDG_RUNTIME_DIR (a user's engine lives there)"), check(""));
        assertEquals(new EngineDir.Refused("XDG_RUNTIME_DIR is not an absolute path"), check("run/user/1000"));
    }

    @Test
    void aRuntimeDirOthersMayWriteOrOwnIsRefused() {
        standard();
        String refused = "XDG_RUNTIME_DIR (/run/user/1000) is not a directory of this uid's that nobody else may write";
        for (int mode : new int[] {0770, 0702, 0720, 01777}) {
            dir("/run/user/1000", ME, mode);
            assertEquals(new EngineDir.Refused(refused), check("/run/user/1000"), Integer.toOctalString(mode));
        }
        dir("/run/user/1000", 1001, 0700);
        assertEquals(new EngineDir.Refused(refused), check("/run/user/1000"));
        dir("/run/user/1000", 0, 0700); // root's: not the caller's either
        assertEquals(new EngineDir.Refused(refused), check("/run/user/1000"));
        fs.put(Path.of("/run/user/1000"), new EngineDir.Attrs(false, ME, 0700)); // a symlink or a file (lstat)
        assertEquals(new EngineDir.Refused(refused), check("/run/user/1000"));
        fs.remove(Path.of("/run/user/1000"));
        assertEquals(new EngineDir.Refused(refused), check("/run/user/1000"));
    }

    @Test
    void everyDirectoryAboveMustBeRootsOrTheUsersAndClosedUnlessSticky() {
        standard();
        dir("/tmp", 0, 01777);
        dir("/tmp/xdg", ME, 0700);
        assertEquals(new EngineDir.Dir(Path.of("/tmp/xdg/jrun-engine")), check("/tmp/xdg"), "sticky /tmp is fine");
        dir("/tmp", 0, 0777);
        assertEquals(new EngineDir.Refused("a directory above XDG_RUNTIME_DIR (/tmp) is not root's or this uid's alone"),
                check("/tmp/xdg"));
        dir("/run/user", 1001, 0755);
        assertEquals(new EngineDir.Refused("a directory above XDG_RUNTIME_DIR (/run/user) is not root's or this uid's alone"),
                check("/run/user/1000"));
        dir("/run/user", ME, 0755);
        assertEquals(new EngineDir.Dir(Path.of("/run/user/1000/jrun-engine")), check("/run/user/1000"), "the user's own");
        dir("/run", 0, 0775);
        assertEquals(new EngineDir.Refused("a directory above XDG_RUNTIME_DIR (/run) is not root's or this uid's alone"),
                check("/run/user/1000"));
    }

    @Test
    void dotDotIsResolvedBeforeTheChecks() {
        standard();
        dir("/home", 0, 0755);
        assertEquals(new EngineDir.Dir(Path.of("/run/user/1000/jrun-engine")), check("/home/../run/user/1000"));
    }
}
