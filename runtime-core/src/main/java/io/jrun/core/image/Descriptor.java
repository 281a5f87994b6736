package io.jrun.core.image;

import io.jrun.core.spec.JsonTree;
import java.util.Map;

/** A content descriptor (image-spec descriptor.md): what a blob is, its digest and its exact size. */
public record Descriptor(String mediaType, String digest, long size, Map<String, String> annotations, Platform platform) {
    static final String REF_NAME = "org.opencontainers.image.ref.name";

    /** Reads one descriptor; {@code where} names it in errors, e.g. "index.json: manifests[1]". */
    static Descriptor read(JsonTree.Node node, String where) {
        JsonTree.Obj o = Json.obj(node, where);
        String mediaType = Json.str(o, "mediaType", where, true);
        String digest = Json.str(o, "digest", where, true);
        Digests.check(digest, where + ".digest");
        long size = Json.size(o, "size", where);
        Platform platform = null;
        JsonTree.Node p = o.members().get("platform");
        if (p != null) {
            JsonTree.Obj po = Json.obj(p, where + ".platform");
            platform = new Platform(Json.str(po, "os", where + ".platform", true),
                    Json.str(po, "architecture", where + ".platform", true),
                    Json.str(po, "variant", where + ".platform", false));
        }
        return new Descriptor(mediaType, digest, size, Json.strMap(o, "annotations", where), platform);
    }

    String refName() {
        return annotations.get(REF_NAME);
    }
}
