package io.jrun.core.launch;

import static org.junit.jupiter.api.Assertions.assertNull;

import io.jrun.core.spec.SpecReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The clients' real configs pass the config fuzzer's oracles, and their plans are the seeds of the plan decoder's
 * fuzzer: written to target/plan-seeds, which `make fuzz` adds to native-bindings/src/main/c/fuzz/corpus/plan
 * (that directory holds copies made this way; docs/fuzzing.md).
 */
class PlanSeedsTest {
    private static final Path OUT = Path.of("target", "plan-seeds");

    @ParameterizedTest
    @ValueSource(strings = {"containerd-create-config", "docker-create-config-memory", "podman-create-config-memory"})
    void createPlan(String name) throws IOException {
        ConfigPath.Outcome o = ConfigPath.run(resource(name + ".json"));
        assertNull(ConfigPath.violation(o));
        if (o.error() != null) throw new AssertionError(name + " refused", o.error());
        write(name + ".plan", o.plan());
    }

    @ParameterizedTest
    @ValueSource(strings = {"containerd-exec-tty-process", "docker-exec-tty-process", "podman-exec-tty-process"})
    void execPlan(String name) throws IOException {
        var p = SpecReader.parseProcess(new String(resource(name + ".json"), StandardCharsets.UTF_8));
        PlanBuilder.Context ctx = new PlanBuilder.Context("fuzz", ConfigPath.BUNDLE, ConfigPath.BUNDLE.resolve("rootfs"),
                null, p.terminal() ? "/run/console.sock" : null, 0, false, false, true,
                Map.of("", "/sys/fs/cgroup/fuzz"), null);
        write(name + ".plan", PlanBuilder.exec(p, 4242, ctx, new PlanBuilder.Lsm(true, true)));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = PlanSeedsTest.class.getResourceAsStream("/client-specs/" + name)) {
            return in.readAllBytes();
        }
    }

    private static void write(String name, byte[] plan) throws IOException {
        Files.createDirectories(OUT);
        Files.write(OUT.resolve(name), plan);
    }
}
