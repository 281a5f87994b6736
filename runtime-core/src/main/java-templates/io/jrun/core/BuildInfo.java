package io.jrun.core;

/**
 * The version and commit jrun was built from, filled in by Maven (runtime-core/pom.xml). Compiled in, not read
 * from a resource: looking a resource up opened and read every jar on the class path before runtime-core's
 * (six of them; the AOT cache otherwise opens none), ~10 ms of `--version` and `create` (docs/performance.md).
 */
final class BuildInfo {
    static final String VERSION = "${project.version}";
    static final String COMMIT = "${jrun.commit}";

    private BuildInfo() {}
}
