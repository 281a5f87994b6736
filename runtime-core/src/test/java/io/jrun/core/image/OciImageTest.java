package io.jrun.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolving an image in a layout (image-spec image-layout.md, image-index.md, manifest.md) and verifying blobs. */
class OciImageTest {
    @TempDir
    Path dir;

    String blob(String content) throws IOException {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        String d = Digests.sha256(b);
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.write(dir.resolve("blobs/sha256").resolve(d.substring(7)), b);
        return d;
    }

    String desc(String mediaType, String content, String extra) throws IOException {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + blob(content) + "\",\"size\":"
                + content.getBytes(StandardCharsets.UTF_8).length + extra + "}";
    }

    String manifest(String arch, String layerType) throws IOException {
        String layer = "layer-" + arch;
        String config = "{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"created\":\"2024-01-02T03:04:05Z\","
                + "\"config\":{\"Entrypoint\":[\"/bin/sh\"],\"Cmd\":[\"-c\",\"true\"],\"User\":\"1000:100\"},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digests.sha256(layer.getBytes()) + "\"]}}";
        return "{\"schemaVersion\":2,\"mediaType\":\"" + OciImage.MANIFEST + "\",\"config\":" + desc(OciImage.CONFIG, config, "")
                + ",\"layers\":[" + desc(layerType, layer, "") + "]}";
    }

    void layout(String indexManifests) throws IOException {
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + indexManifests + "]}");
    }

    OciImage.Resolved resolve(String ref, String platform) {
        try (Blobs b = Blobs.open(dir)) {
            return OciImage.resolve(b, ImageRef.parse(ref), platform == null ? null : Platform.parse(platform));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    void multiArch() throws IOException {
        String amd = desc(OciImage.MANIFEST, manifest("amd64", "application/vnd.oci.image.layer.v1.tar"),
                ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}");
        String arm = desc(OciImage.MANIFEST, manifest("arm64", "application/vnd.oci.image.layer.v1.tar+gzip"),
                ",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}");
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + OciImage.INDEX + "\",\"manifests\":[" + amd + "," + arm + "]}";
        layout(desc(OciImage.INDEX, index, ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}") + ","
                + desc(OciImage.MANIFEST, manifest("amd64", "application/vnd.oci.image.layer.v1.tar+zstd"),
                ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"zstd\"}"));
    }

    @Test
    void picksTheTagThenThePlatform() throws IOException {
        multiArch();
        OciImage.Resolved amd = resolve(dir + ":latest", "linux/amd64");
        assertEquals("amd64", amd.platform().architecture());
        assertEquals(LayerFormat.TAR, amd.layers().get(0).format());
        OciImage.Resolved arm = resolve(dir + ":latest", "linux/arm64");
        assertEquals(LayerFormat.GZIP, arm.layers().get(0).format());
        assertEquals(List.of("/bin/sh", "echo", "hi"), arm.config().args(List.of("echo", "hi")));
        assertEquals(List.of("/bin/sh", "-c", "true"), arm.config().args(List.of()));
        assertEquals(1704164645L, arm.config().createdEpoch());
        String m = assertThrows(ImageException.class, () -> resolve(dir + ":latest", "linux/riscv64")).getMessage();
        assertTrue(m.contains("no image for linux/riscv64 (the index offers linux/amd64, linux/arm64/v8)"), m);
        m = assertThrows(ImageException.class, () -> resolve(dir.toString(), null)).getMessage();
        assertTrue(m.contains("index.json lists 2 images; name one as PATH:TAG or PATH@DIGEST (latest, zstd)"), m);
        m = assertThrows(ImageException.class, () -> resolve(dir + ":nope", null)).getMessage();
        assertTrue(m.contains("no image tagged \"nope\""), m);
    }

    @Test
    void refusesZstdAndUnknownMediaTypesByName() throws IOException {
        multiArch();
        String m = assertThrows(ImageException.class, () -> resolve(dir + ":zstd", null)).getMessage();
        assertTrue(m.contains("layer media type \"application/vnd.oci.image.layer.v1.tar+zstd\" is zstd-compressed"), m);
        layout(desc("application/vnd.example.thing", "{}", ""));
        m = assertThrows(ImageException.class, () -> resolve(dir.toString(), null)).getMessage();
        assertTrue(m.contains("unsupported media type \"application/vnd.example.thing\""), m);
    }

    @Test
    void verifiesEveryBlobsSizeAndDigest() throws IOException {
        String m = manifest("amd64", "application/vnd.oci.image.layer.v1.tar");
        String d = blob(m);
        int size = m.length();
        layout("{\"mediaType\":\"" + OciImage.MANIFEST + "\",\"digest\":\"" + d + "\",\"size\":" + (size - 1) + "}");
        String e = assertThrows(ImageException.class, () -> resolve(dir.toString(), null)).getMessage();
        assertTrue(e.contains("is larger than its descriptor's size " + (size - 1)), e);
        layout("{\"mediaType\":\"" + OciImage.MANIFEST + "\",\"digest\":\"" + d + "\",\"size\":" + (size + 1) + "}");
        e = assertThrows(ImageException.class, () -> resolve(dir.toString(), null)).getMessage();
        assertTrue(e.contains("has " + size + " bytes, its descriptor says " + (size + 1)), e);
        Files.writeString(dir.resolve("blobs/sha256").resolve(d.substring(7)), m.replace("2", "3"));
        layout("{\"mediaType\":\"" + OciImage.MANIFEST + "\",\"digest\":\"" + d + "\",\"size\":" + size + "}");
        e = assertThrows(ImageException.class, () -> resolve(dir.toString(), null)).getMessage();
        assertTrue(e.contains("does not match its digest"), e);
        layout("{\"mediaType\":\"" + OciImage.MANIFEST + "\",\"digest\":\"sha256:../../etc\",\"size\":1}");
        e = assertThrows(ImageException.class, () -> resolve(dir.toString(), null)).getMessage();
        assertTrue(e.contains("is not sha256:<64 hex>"), e);
    }

    @Test
    void layerStreamsAreVerifiedToTheEnd() throws IOException {
        multiArch();
        OciImage.Resolved amd = resolve(dir + ":latest", "linux/amd64");
        try (Blobs b = Blobs.open(dir); InputStream in = b.open(amd.layers().get(0).blob())) {
            assertEquals("layer-amd64", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void platformsAndReferences() {
        assertEquals(new Platform("linux", "arm64", "v8"), Platform.parse("linux/arm64/v8"));
        assertTrue(new Platform("linux", "arm64", null).matches(new Platform("linux", "arm64", "v8")));
        assertThrows(ImageException.class, () -> Platform.parse("arm64"));
        assertEquals("amd64", Platform.goArch("x86_64"));
        assertEquals("arm64", Platform.goArch("aarch64"));
        assertThrows(ImageException.class, () -> ImageRef.parse("/nonexistent/dir:tag"));
    }
}
