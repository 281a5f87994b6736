package io.jrun.core;

import io.jrun.core.launch.PlanBuilder;
import io.jrun.core.spec.Spec;
import java.nio.file.Path;

/** Compiles linux.seccomp for the launch plan (wired to io.jrun.core.seccomp). */
final class Seccomps {
    private Seccomps() {}

    static PlanBuilder.Seccomp compile(Spec spec, Path root) {
        Spec.Seccomp s = spec.linux().seccomp();
        if (s == null) return null;
        throw new JrunException("config.json: linux.seccomp: not supported by jrun yet");
    }
}
