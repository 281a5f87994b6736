package io.jrun.core;

import io.jrun.core.seccomp.SeccompProfiles;
import io.jrun.core.spec.DefaultSpec;
import io.jrun.core.spec.Spec;
import java.util.HashSet;
import java.util.Set;

/**
 * What {@code jrun spec} writes: runc's default configuration ({@link DefaultSpec}) plus jrun's default
 * seccomp profile for the process's capabilities (docs/seccomp.md), so a bundle made with {@code jrun spec}
 * is filtered the way docker and podman filter their containers.
 */
public final class DefaultConfig {
    private DefaultConfig() {}

    public static Spec create(boolean rootless) {
        Spec s = rootless ? DefaultSpec.rootless() : DefaultSpec.create();
        Set<String> caps = new HashSet<>();
        Spec.Capabilities c = s.process().capabilities();
        if (c != null && c.bounding() != null) caps.addAll(c.bounding());
        return s.withLinux(s.linux().withSeccomp(SeccompProfiles.defaultFor(caps)));
    }
}
