package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Live migration with an established TCP connection (docs/checkpoint.md "Live migration"): the demo script
 * (packaging/criu/migrate-demo.sh, also `make migrate-demo`) checkpoints an echo server container with
 * --tcp-established while a client in another network namespace sends a counter every 50 ms, restores it
 * under a new id in another state root, and the client, which never reconnects, checks that every counter came
 * back in order. The script exits non-zero when any was lost or the connection broke.
 */
class MigrationIT {
    @Test
    void echoServerKeepsItsConnectionAcrossCheckpointAndRestore() {
        assumeTrue("root".equals(System.getProperty("user.name")), "integration tests need root");
        Path script = Path.of("..", "packaging", "criu", "migrate-demo.sh").toAbsolutePath().normalize();
        assumeTrue(Files.exists(script), "run from the source tree");
        Jrun.Result r = Jrun.exec(null, List.of("bash", script.toString(), Jrun.BIN));
        System.out.println("migrate-demo: " + r.out() + r.err());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("result ok"), r.out());
        assertTrue(r.out().contains("\"status\": \"running\""), r.out());
        int sent = Integer.parseInt(r.out().replaceAll("(?s).*\\nsent (\\d+)\\n.*", "$1"));
        assertTrue(sent >= 20, "the client kept sending across the migration: " + r.out());
        String netns = Jrun.exec(null, List.of("ip", "netns", "list")).out();
        assertFalse(netns.contains("-srv") && netns.contains("mig"), "network namespaces removed: " + netns);
    }
}
