package io.jrun.core;

import io.jrun.core.spec.Spec;

/**
 * Whether a container gets jrun's minimal init as PID 1 (docs/init.md): {@code --init} on create/run, or the
 * annotation {@value #ANNOTATION} for clients that cannot pass runtime flags (containerd, CRI, podman's
 * {@code --annotation}). Only "true" and "false" are accepted, so a typo is an error, not a silent no.
 */
public final class InitOption {
    public static final String ANNOTATION = "run.oci.jrun.init";

    private InitOption() {}

    public static boolean wanted(boolean flag, Spec spec) {
        String v = spec.annotations() == null ? null : spec.annotations().get(ANNOTATION);
        if (v == null) return flag;
        if (!v.equals("true") && !v.equals("false")) {
            throw new JrunException("config.json: annotations[\"" + ANNOTATION + "\"]: must be \"true\" or \"false\", not \""
                    + Json.escape(v) + "\"");
        }
        return flag || v.equals("true");
    }
}
