package io.jrun.core.image;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code PATH[:TAG|@DIGEST]}: an OCI image layout directory or an oci-archive tar, and which image of its
 * index.json. A path that exists as written is taken whole (so a path may contain ':' or '@').
 */
public record ImageRef(Path path, String tag, String digest) {
    public static ImageRef parse(String text) {
        if (text.isEmpty()) throw new ImageException("--image: empty image reference");
        if (Files.exists(Path.of(text))) return new ImageRef(io.jrun.core.CallerPaths.absolute(Path.of(text)).normalize(), null, null);
        int slash = text.lastIndexOf('/');
        int at = text.indexOf('@', slash + 1);
        if (at > 0) {
            String digest = text.substring(at + 1);
            Digests.check(digest, "--image " + text);
            return new ImageRef(existing(text.substring(0, at), text), null, digest);
        }
        int colon = text.lastIndexOf(':');
        if (colon > slash && colon > 0) {
            String tag = text.substring(colon + 1);
            if (tag.isEmpty()) throw new ImageException("--image " + text + ": empty tag");
            return new ImageRef(existing(text.substring(0, colon), text), tag, null);
        }
        throw new ImageException("--image " + text + ": no such OCI image layout or archive");
    }

    private static Path existing(String path, String text) {
        Path p = Path.of(path);
        if (!Files.exists(p)) throw new ImageException("--image " + text + ": no such OCI image layout or archive: " + path);
        return io.jrun.core.CallerPaths.absolute(p).normalize();
    }

    @Override
    public String toString() {
        return path + (tag != null ? ":" + tag : digest != null ? "@" + digest : "");
    }
}
