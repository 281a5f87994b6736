package io.jrun.core.image;

import io.jrun.core.spec.JsonTree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds one image in a layout: index.json (image-layout.md), the tag or digest asked for, then the platform
 * from an image index (image-index.md), then the manifest (manifest.md) and its config (config.md). Every
 * document is a verified blob; media types jrun does not handle are refused by name.
 */
public final class OciImage {
    static final String INDEX = "application/vnd.oci.image.index.v1+json";
    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    // Docker's schema 2 types, which skopeo and podman may keep when they copy an image into a layout.
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    static final Set<String> INDEXES = Set.of(INDEX, DOCKER_LIST);
    static final Set<String> MANIFESTS = Set.of(MANIFEST, DOCKER_MANIFEST);
    static final Set<String> CONFIGS = Set.of(CONFIG, DOCKER_CONFIG);

    /** One resolved image: where it came from, its manifest, config and layers (bottom first). */
    public record Resolved(ImageRef ref, Descriptor manifest, ImageConfig config, List<Layer> layers) {
        public Platform platform() {
            return config.platform();
        }
    }

    /** A layer blob and its uncompressed digest (config rootfs.diff_ids), checked while it is unpacked. */
    public record Layer(Descriptor blob, String diffId, LayerFormat format) {}

    private OciImage() {}

    /** Resolves ref for the platform (null: the host's). The Blobs stay open for the layers' unpacking. */
    static Resolved resolve(Blobs blobs, ImageRef ref, Platform wanted) {
        checkLayout(blobs);
        JsonTree.Obj index = Json.obj(JsonTree.parse(blobs.read("index.json"), "index.json"), "index.json");
        Descriptor d = pick(blobs, ref, index);
        for (int depth = 0; INDEXES.contains(d.mediaType()); depth++) {
            if (depth > 4) throw new ImageException(blobs.where + ": image indexes nested more than 4 deep");
            JsonTree.Obj nested = Json.obj(JsonTree.parse(blobs.json(d), d.digest()), d.digest());
            d = pickPlatform(blobs, nested, d.digest(), wanted == null ? Platform.host() : wanted);
        }
        if (!MANIFESTS.contains(d.mediaType())) {
            throw new ImageException(blobs.where + ": " + d.digest() + ": unsupported media type " + Blobs.quote(d.mediaType())
                    + " (jrun reads " + MANIFEST + " and " + INDEX + ")");
        }
        return manifest(blobs, ref, d, wanted);
    }

    private static void checkLayout(Blobs blobs) {
        JsonTree.Obj layout = Json.obj(JsonTree.parse(blobs.read("oci-layout"), "oci-layout"), "oci-layout");
        String version = Json.str(layout, "imageLayoutVersion", "oci-layout", true);
        if (!version.startsWith("1.")) {
            throw new ImageException(blobs.where + ": oci-layout: imageLayoutVersion " + Blobs.quote(version) + " is not 1.x");
        }
    }

    /** The descriptor of index.json that ref names: by digest, by tag (ref.name), or the only one. */
    private static Descriptor pick(Blobs blobs, ImageRef ref, JsonTree.Obj index) {
        List<Descriptor> all = new ArrayList<>();
        List<JsonTree.Node> items = Json.arr(index, "manifests", "index.json");
        for (int i = 0; i < items.size(); i++) all.add(Descriptor.read(items.get(i), "index.json: manifests[" + i + "]"));
        if (all.isEmpty()) throw new ImageException(blobs.where + ": index.json lists no image");
        List<Descriptor> found = new ArrayList<>();
        for (Descriptor d : all) {
            String name = d.refName();
            if (ref.digest() != null ? d.digest().equals(ref.digest())
                    : ref.tag() == null || ref.tag().equals(name) || (name != null && name.endsWith(":" + ref.tag()))) {
                found.add(d);
            }
        }
        if (found.size() == 1) return found.get(0);
        List<String> names = new ArrayList<>();
        for (Descriptor d : all) names.add(d.refName() != null ? d.refName() : d.digest());
        if (found.isEmpty()) {
            throw new ImageException(blobs.where + ": no image " + (ref.digest() != null ? ref.digest() : "tagged " + Blobs.quote(ref.tag()))
                    + " in index.json (it has " + String.join(", ", names) + ")");
        }
        throw new ImageException(blobs.where + ": index.json lists " + found.size() + " images; name one as PATH:TAG or PATH@DIGEST ("
                + String.join(", ", names) + ")");
    }

    private static Descriptor pickPlatform(Blobs blobs, JsonTree.Obj index, String where, Platform wanted) {
        List<JsonTree.Node> items = Json.arr(index, "manifests", where);
        List<String> offered = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Descriptor d = Descriptor.read(items.get(i), where + ": manifests[" + i + "]");
            if (d.platform() == null) continue;
            offered.add(d.platform().toString());
            if (wanted.matches(d.platform())) return d;
        }
        throw new ImageException(blobs.where + ": no image for " + wanted + " (the index offers "
                + (offered.isEmpty() ? "no platform" : String.join(", ", offered)) + "); choose one with --platform");
    }

    private static Resolved manifest(Blobs blobs, ImageRef ref, Descriptor d, Platform wanted) {
        String where = "manifest " + d.digest();
        JsonTree.Obj m = Json.obj(JsonTree.parse(blobs.json(d), where), where);
        Descriptor configDesc = Descriptor.read(m.members().get("config"), where + ": config");
        if (!CONFIGS.contains(configDesc.mediaType())) {
            throw new ImageException(blobs.where + ": " + where + ": config media type " + Blobs.quote(configDesc.mediaType())
                    + " is not an image config (" + CONFIG + ")");
        }
        ImageConfig config = ImageConfig.parse(blobs.json(configDesc), "config " + configDesc.digest());
        if (wanted != null && !wanted.matches(config.platform())) {
            throw new ImageException(blobs.where + ": the image is for " + config.platform() + ", not " + wanted);
        }
        List<JsonTree.Node> items = Json.arr(m, "layers", where);
        if (items.size() != config.diffIds().size()) {
            throw new ImageException(blobs.where + ": " + where + " has " + items.size() + " layers, its config's rootfs.diff_ids "
                    + config.diffIds().size());
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Descriptor l = Descriptor.read(items.get(i), where + ": layers[" + i + "]");
            layers.add(new Layer(l, config.diffIds().get(i), LayerFormat.of(l, blobs.where + ": " + where + ": layers[" + i + "]")));
        }
        return new Resolved(ref, d, config, layers);
    }

    /** Opens a layout or archive; the caller closes it. */
    public static Blobs open(ImageRef ref) {
        return Blobs.open(ref.path());
    }

    static void closeQuietly(Blobs b) {
        try {
            b.close();
        } catch (IOException ignored) {
            // read-only
        }
    }
}
