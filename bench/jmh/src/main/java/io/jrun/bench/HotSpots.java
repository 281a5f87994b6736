package io.jrun.bench;

import io.jrun.core.launch.PlanBuilder;
import io.jrun.core.seccomp.CompiledFilter;
import io.jrun.core.seccomp.SeccompCompiler;
import io.jrun.core.spec.DefaultSpec;
import io.jrun.core.spec.Spec;
import io.jrun.core.spec.SpecReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The Java work of one `create` besides JVM start-up: reading config.json, building the launch plan, compiling
 * the seccomp profile. Steady-state numbers (JIT-compiled): they bound what a faster algorithm could save;
 * the cold, first-call cost in a fresh JVM is what `make bench` measures end to end.
 *
 * The input is the docker client spec (`docker-create-config-memory.json`), the largest real config we have,
 * with its default-style seccomp profile. Its path: -Djrun.spec=FILE (make jmh passes it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HotSpots {
    private String json;
    private Spec docker;
    private Spec plain;
    private PlanBuilder.Context ctx;

    @Setup
    public void setup() throws IOException {
        String file = System.getProperty("jrun.spec", "bench/data/docker-create-config-memory.json");
        json = Files.readString(Path.of(file));
        docker = SpecReader.parseConfig(json, file);
        if (docker.linux().seccomp() == null) throw new IllegalStateException(file + " has no linux.seccomp");
        // jrun's default spec: the docker one names an AppArmor profile, which PlanBuilder rightly refuses on
        // a host without AppArmor, and this benchmark must run on any host.
        plain = DefaultSpec.create();
        ctx = new PlanBuilder.Context("bench", Path.of("/tmp/bundle"), Path.of("/tmp/bundle/rootfs"),
                Path.of("/run/jrun/bench/exec.fifo"), null, 0, false, false, false,
                Map.of("memory", "/sys/fs/cgroup/memory/jrun/bench"), null);
    }

    @Benchmark
    public Spec parseDockerConfig() {
        return SpecReader.parseConfig(json, "config.json");
    }

    @Benchmark
    public byte[] buildCreatePlan() {
        return PlanBuilder.create(plain, ctx);
    }

    @Benchmark
    public CompiledFilter compileDockerSeccomp() {
        return SeccompCompiler.compile(docker.linux().seccomp(), SeccompCompiler.nativeArch());
    }
}
