package io.jrun.core;

import io.jrun.core.launch.PlanBuilder;
import io.jrun.core.seccomp.CompiledFilter;
import io.jrun.core.seccomp.SeccompCache;
import io.jrun.core.seccomp.SeccompException;
import io.jrun.core.spec.Spec;
import java.nio.file.Path;

/**
 * Compiles linux.seccomp to classic BPF for the launch plan, through the cache under the state root
 * ({@code <root>/seccomp-cache/}, keyed by profile, architecture and kernel), so a container started again
 * with the same profile pays no compilation.
 */
final class Seccomps {
    private Seccomps() {}

    /** The compiled filter of the container's config, or null when it has none. */
    static PlanBuilder.Seccomp compile(Spec spec, Path root, String containerId, String bundle) {
        Spec.Seccomp s = spec.linux().seccomp();
        if (s == null) return null;
        CompiledFilter f;
        try {
            f = new SeccompCache(root.resolve("seccomp-cache")).getOrCompile(s);
        } catch (SeccompException e) {
            throw new JrunException("config.json: linux.seccomp: " + e.getMessage(), e);
        }
        String listener = s.listenerPath() == null ? "" : s.listenerPath();
        return new PlanBuilder.Seccomp(f.flags(), f.program(), listener,
                listener.isEmpty() ? "" : listenerPayload(spec, s, containerId, bundle));
    }

    /**
     * The container process state sent with the listener fd (runtime-spec config-linux.md "Seccomp",
     * "containerProcessState"). The helper sends it from the init before the user's process runs; the init's
     * host pid is not known when the plan is written, so {@code pid} is 0 and the listener reads the pid from
     * the fd's /proc/<pid>/... via SO_PEERCRED of the connection instead.
     */
    static String listenerPayload(Spec spec, Spec.Seccomp s, String id, String bundle) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"ociVersion\":\"").append(Json.escape(spec.ociVersion())).append("\",\"fds\":[\"seccompFd\"],\"pid\":0");
        if (s.listenerMetadata() != null) sb.append(",\"metadata\":\"").append(Json.escape(s.listenerMetadata())).append('"');
        sb.append(",\"state\":{\"ociVersion\":\"").append(Json.escape(spec.ociVersion())).append("\",\"id\":\"")
                .append(Json.escape(id)).append("\",\"status\":\"creating\",\"pid\":0,\"bundle\":\"")
                .append(Json.escape(bundle)).append("\"}}");
        return sb.toString();
    }
}
