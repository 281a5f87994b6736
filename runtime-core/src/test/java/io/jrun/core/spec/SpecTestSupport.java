package io.jrun.core.spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Loads test fixtures from src/test/resources. */
final class SpecTestSupport {
    private SpecTestSupport() {}

    static final List<String> CREATE_CONFIGS = List.of(
            "client-specs/containerd-create-config.json",
            "client-specs/docker-create-config-memory.json",
            "client-specs/podman-create-config-memory.json");

    static final List<String> EXEC_PROCESSES = List.of(
            "client-specs/containerd-exec-tty-process.json",
            "client-specs/docker-exec-tty-process.json",
            "client-specs/podman-exec-tty-process.json");

    static String resource(String name) {
        try (InputStream in = SpecTestSupport.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Spec config(String name) {
        return SpecReader.parseConfig(resource(name));
    }
}
