package io.jrun.core.image;

import io.jrun.core.spec.JsonTree;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What jrun uses of an image's config (image-spec config.md): platform, created, rootfs and the process. */
public record ImageConfig(
        Platform platform,
        String created,
        List<String> entrypoint,
        List<String> cmd,
        List<String> env,
        String workingDir,
        String user,
        String stopSignal,
        Map<String, String> labels,
        List<String> diffIds) {

    static ImageConfig parse(byte[] json, String where) {
        JsonTree.Obj o = Json.obj(JsonTree.parse(json, where), where);
        Platform platform = new Platform(Json.str(o, "os", where, true), Json.str(o, "architecture", where, true),
                Json.str(o, "variant", where, false));
        JsonTree.Obj rootfs = Json.objOrNull(o, "rootfs", where);
        if (rootfs == null) throw new ImageException(where + ".rootfs: required");
        String type = Json.str(rootfs, "type", where + ".rootfs", true);
        if (!type.equals("layers")) throw new ImageException(where + ".rootfs.type: " + Blobs.quote(type) + " is not \"layers\"");
        List<String> diffIds = Json.strList(rootfs, "diff_ids", where + ".rootfs");
        if (diffIds == null) diffIds = List.of();
        for (int i = 0; i < diffIds.size(); i++) Digests.check(diffIds.get(i), where + ".rootfs.diff_ids[" + i + "]");
        JsonTree.Obj c = Json.objOrNull(o, "config", where);
        String cw = where + ".config";
        if (c == null) {
            return new ImageConfig(platform, Json.str(o, "created", where, false), null, null, List.of(), null, null,
                    null, Map.of(), diffIds);
        }
        List<String> env = Json.strList(c, "Env", cw);
        return new ImageConfig(platform, Json.str(o, "created", where, false), Json.strList(c, "Entrypoint", cw),
                Json.strList(c, "Cmd", cw), env == null ? List.of() : env, Json.str(c, "WorkingDir", cw, false),
                Json.str(c, "User", cw, false), Json.str(c, "StopSignal", cw, false), Json.strMap(c, "Labels", cw),
                diffIds);
    }

    /** The process's argv: Entrypoint, then the command given on jrun's command line or else Cmd. */
    public List<String> args(List<String> command) {
        List<String> args = new ArrayList<>();
        if (entrypoint != null) args.addAll(entrypoint);
        args.addAll(command.isEmpty() ? (cmd == null ? List.of() : cmd) : command);
        return args;
    }

    /** created as seconds since the epoch (SOURCE_DATE_EPOCH), or null when absent or not RFC 3339. */
    public Long createdEpoch() {
        if (created == null) return null;
        try {
            return OffsetDateTime.parse(created).toEpochSecond();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
