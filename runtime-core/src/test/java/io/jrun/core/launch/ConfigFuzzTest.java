package io.jrun.core.launch;

import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Coverage-guided fuzzing (Jazzer) of create's config path: read, validate, plan (docs/fuzzing.md). The seeds are the
 * clients' real configs (ConfigFuzzTestInputs/configPath). Surefire's config-fuzz execution runs it in fuzzing mode
 * for a few seconds in every build; `make fuzz` runs it for FUZZ_SECONDS.
 */
class ConfigFuzzTest {
    /** Pending invariants and known findings seen in this JVM: each is reported once, with its input. */
    private static final Set<Enum<?>> reported = new HashSet<>();

    @DictionaryFile(resourcePath = "/fuzz/config.dict")
    @FuzzTest(maxDuration = "15s")
    void configPath(byte[] configJson) {
        ConfigPath.Outcome o = ConfigPath.run(configJson);
        for (ConfigPath.Invariant i : ConfigPath.violated(o)) {
            if (ConfigPath.AWAITING_VALIDATION.contains(i)) report(i, configJson);
        }
        String v = ConfigPath.violation(o);
        if (v == null) return;
        ConfigPath.KnownFinding k = ConfigPath.known(o);
        if (k != null) {
            report(k, configJson);
            return;
        }
        fail(v);
    }

    /** Once per kind: a line on stdout and the input under jrun.fuzz.reports (target/fuzz-reports), for the log. */
    private static void report(Enum<?> kind, byte[] input) {
        if (!reported.add(kind)) return;
        System.out.println("config fuzz: not failing on " + kind.getDeclaringClass().getSimpleName() + " " + kind
                + " (docs/fuzzing.md)");
        String dir = System.getProperty("jrun.fuzz.reports");
        if (dir == null) return;
        try {
            Files.createDirectories(Path.of(dir));
            Files.write(Path.of(dir, kind + ".json"), input);
        } catch (IOException e) {
            System.out.println("config fuzz: cannot write the report: " + e);
        }
    }
}
