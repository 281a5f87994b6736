package io.jrun.core.criu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The soft-dirty probe that decides whether pre-dump rounds can run (docs/checkpoint.md). */
class CriuSoftDirtyTest {
    @Test
    void pageMapIsReadable() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/pagemap")), "no /proc/self/pagemap");
        assertNotNull(Criu.kernelSoftDirty(), "the probe falls back to criu only where the page map cannot be read");
    }

    /** The probe must say what criu's own check says, on whichever kernel this runs (with a criu installed). */
    @Test
    void agreesWithCriuCheck() {
        Path criu = Criu.find(null);
        Path installed = Path.of("/usr/local/lib/jrun/criu/criu");
        if (criu == null && Files.isExecutable(installed)) criu = installed;
        assumeTrue(criu != null, "no criu to compare with");
        Boolean kernel = Criu.kernelSoftDirty();
        assumeTrue(kernel != null, "no page map");
        Criu c = Criu.locate(criu.toString());
        assertEquals(c.hasFeature("mem_dirty_track"), kernel, "criu check --feature mem_dirty_track vs the page map");
    }
}
