package io.jrun.core.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * The layer media types jrun unpacks (image-spec layer.md, media-types.md): tar and gzip-compressed tar, OCI and
 * Docker names, distributable or not. zstd (+zstd) is refused by name: the JDK has no zstd decoder and the
 * Java bindings on Maven Central carry a native library per platform (docs/images.md "Limits").
 */
public enum LayerFormat {
    TAR, GZIP;

    static LayerFormat of(Descriptor d, String where) {
        String t = d.mediaType();
        switch (t) {
            case "application/vnd.oci.image.layer.v1.tar",
                 "application/vnd.oci.image.layer.nondistributable.v1.tar":
                return TAR;
            case "application/vnd.oci.image.layer.v1.tar+gzip",
                 "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
                 "application/vnd.docker.image.rootfs.diff.tar.gzip",
                 "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip":
                return GZIP;
            default:
                if (t.endsWith("+zstd")) {
                    throw new ImageException(where + ": layer media type " + Blobs.quote(t)
                            + " is zstd-compressed; jrun unpacks tar and tar+gzip layers only");
                }
                throw new ImageException(where + ": unsupported layer media type " + Blobs.quote(t)
                        + " (jrun unpacks application/vnd.oci.image.layer.v1.tar and .tar+gzip)");
        }
    }

    InputStream decompress(InputStream in) throws IOException {
        return this == GZIP ? new GZIPInputStream(in, 65536) : in;
    }
}
