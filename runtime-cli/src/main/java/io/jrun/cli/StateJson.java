package io.jrun.cli;

import io.jrun.core.ContainerEngine;
import io.jrun.core.state.ContainerState;
import java.util.List;
import java.util.Map;

/**
 * The runtime-spec state object (runtime.md "State") as {@code state} and {@code list --format json} print it:
 * ociVersion, id, pid, status, bundle, rootfs, created, owner[, annotations]. A stopped container reports
 * pid 0. Indented like runc's output (two spaces, "key": value).
 */
final class StateJson {
    private StateJson() {}

    static String pretty(ContainerEngine.View v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, "");
        return sb.toString();
    }

    static String array(List<ContainerEngine.View> views) {
        if (views.isEmpty()) return "[]";
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < views.size(); i++) {
            sb.append("  ");
            write(sb, views.get(i), "  ");
            sb.append(i + 1 < views.size() ? ",\n" : "\n");
        }
        return sb.append(']').toString();
    }

    static String owner(ContainerState s) {
        return s.owner() == null || s.owner().isEmpty() ? "root" : s.owner();
    }

    private static void write(StringBuilder sb, ContainerEngine.View v, String indent) {
        ContainerState s = v.state();
        String in = indent + "  ";
        sb.append("{\n");
        field(sb, in, "ociVersion", s.ociVersion()).append(",\n");
        field(sb, in, "id", s.id()).append(",\n");
        sb.append(in).append("\"pid\": ").append(v.livePid()).append(",\n");
        field(sb, in, "status", v.status().json()).append(",\n");
        field(sb, in, "bundle", s.bundle()).append(",\n");
        field(sb, in, "rootfs", s.rootfs()).append(",\n");
        field(sb, in, "created", s.created()).append(",\n");
        field(sb, in, "owner", owner(s));
        if (!s.annotations().isEmpty()) {
            sb.append(",\n").append(in).append("\"annotations\": {\n");
            int i = 0;
            for (Map.Entry<String, String> e : s.annotations().entrySet()) {
                field(sb, in + "  ", e.getKey(), e.getValue());
                sb.append(++i < s.annotations().size() ? ",\n" : "\n");
            }
            sb.append(in).append('}');
        }
        sb.append('\n').append(indent).append('}');
    }

    private static StringBuilder field(StringBuilder sb, String indent, String k, String v) {
        return sb.append(indent).append('"').append(ErrorLog.escape(k)).append("\": \"")
                .append(ErrorLog.escape(v == null ? "" : v)).append('"');
    }
}
