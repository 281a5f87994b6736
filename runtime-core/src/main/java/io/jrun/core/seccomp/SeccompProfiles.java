package io.jrun.core.seccomp;

import io.jrun.core.spec.Spec;
import io.jrun.seccomp.Arch;
import io.jrun.seccomp.DefaultProfile;
import java.util.Set;

/** jrun's default profile (module seccomp-profiles) as a {@link Spec.Seccomp}. */
public final class SeccompProfiles {
    private SeccompProfiles() {}

    /** The default profile for a process whose bounding set holds {@code caps}, for this host. */
    public static Spec.Seccomp defaultFor(Set<String> caps) {
        return defaultFor(caps, SeccompCompiler.nativeArch());
    }

    public static Spec.Seccomp defaultFor(Set<String> caps, Arch host) {
        return toSpec(DefaultProfile.forCapabilities(caps, host));
    }

    static Spec.Seccomp toSpec(DefaultProfile.Profile p) {
        return new Spec.Seccomp(p.defaultAction(), p.defaultErrnoRet(), p.architectures(), p.flags(), null, null,
                p.syscalls().stream()
                        .map(r -> new Spec.SyscallRule(r.names(), r.action(), r.errnoRet(),
                                r.args().stream().map(a -> new Spec.SyscallArg(a.index(), a.value(), a.valueTwo(), a.op())).toList()))
                        .toList());
    }
}
