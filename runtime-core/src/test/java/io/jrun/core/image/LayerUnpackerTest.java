package io.jrun.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and ordinary layer tars (image-spec layer.md), unpacked without root and without native calls. */
class LayerUnpackerTest {
    @TempDir
    Path tmp;

    /** entries: name, type ('0' file, '5' dir, '2' symlink, '1' hard link, '3' char device), link or content. */
    static byte[] tar(String[]... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String[] e : entries) {
                byte type = (byte) e[1].charAt(0);
                TarArchiveEntry te = new TarArchiveEntry(e[0], type, true); // keep names as written, "/" and ".." too
                byte[] data = new byte[0];
                if (type == TarConstants.LF_NORMAL) {
                    data = e[2].getBytes(StandardCharsets.UTF_8);
                    te.setSize(data.length);
                    te.setMode(0100644);
                } else if (type == TarConstants.LF_SYMLINK || type == TarConstants.LF_LINK) {
                    te.setLinkName(e[2]);
                }
                t.putArchiveEntry(te);
                t.write(data);
                t.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    long unpack(byte[] tar, long max) throws IOException {
        return new LayerUnpacker(tmp, null, false, max, "test").unpack(new ByteArrayInputStream(tar));
    }

    String refusal(String[]... entries) {
        return assertThrows(ImageException.class, () -> unpack(tar(entries), 1 << 20)).getMessage();
    }

    @Test
    void unpacksFilesDirectoriesAndLinks() throws IOException {
        long n = unpack(tar(new String[] {"etc", "5"}, new String[] {"etc/passwd", "0", "root:x:0:0::/root:/bin/sh\n"},
                new String[] {"etc/link", "2", "/etc/passwd"}, new String[] {"etc/hard", "1", "etc/passwd"},
                new String[] {"./deep/er/file", "0", "x"}), 1 << 20);
        assertEquals(27, n);
        assertTrue(Files.isSymbolicLink(tmp.resolve("etc/link")));
        assertEquals("/etc/passwd", Files.readSymbolicLink(tmp.resolve("etc/link")).toString());
        assertEquals(2, (int) Files.getAttribute(tmp.resolve("etc/passwd"), "unix:nlink"));
        assertEquals("x", Files.readString(tmp.resolve("deep/er/file")));
    }

    @Test
    void refusesDotDotAndAbsoluteNames() {
        assertTrue(refusal(new String[] {"../escaped", "0", "x"}).contains("has a \"..\" component; layer refused"));
        assertTrue(refusal(new String[] {"a/../../escaped", "0", "x"}).contains("\"..\" component"));
        assertTrue(refusal(new String[] {"/etc/escaped", "0", "x"}).contains("is an absolute path; layer refused"));
        assertFalse(Files.exists(tmp.resolveSibling("escaped")));
    }

    @Test
    void refusesWritingThroughASymlinkTheLayerPlanted() {
        String m = refusal(new String[] {"link", "2", "/tmp"}, new String[] {"link/escaped", "0", "x"});
        assertTrue(m.contains("goes through the symlink link"), m);
        m = refusal(new String[] {"rel", "2", "../.."}, new String[] {"rel/x/escaped", "0", "x"});
        assertTrue(m.contains("goes through the symlink rel"), m);
    }

    @Test
    void refusesHardLinksLeavingTheLayer() {
        assertTrue(refusal(new String[] {"h", "1", "../../etc/passwd"}).contains("\"..\" component"));
        assertTrue(refusal(new String[] {"h", "1", "/etc/passwd"}).contains("absolute path"));
        assertTrue(refusal(new String[] {"h", "1", "not/there"}).contains("which is not a file earlier in the layer"));
        assertTrue(refusal(new String[] {"l", "2", "/etc"}, new String[] {"h", "1", "l/passwd"}).contains("goes through the symlink l"));
    }

    @Test
    void refusesDeviceNodesWhenNotRoot() {
        String m = refusal(new String[] {"dev/sda", "3", ""});
        assertTrue(m.contains("is a device node, which only root may create"), m);
    }

    @Test
    void refusesMoreBytesThanTheStoreHasBeforeWritingThem() throws IOException {
        byte[] t = tar(new String[] {"a", "0", "12345"}, new String[] {"b", "0", "67890"});
        ImageException e = assertThrows(ImageException.class, () -> unpack(t, 8));
        assertTrue(e.getMessage().contains("tar entry \"b\" is 5 bytes"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("b")), "the refused file was written");
    }

    @Test
    void refusesUnknownEntryTypes() {
        String m = refusal(new String[] {"sparse", "S", ""});
        assertTrue(m.contains("has tar entry type 'S', which jrun does not unpack"), m);
    }

    @Test
    void refusesInvalidWhiteouts() {
        assertTrue(refusal(new String[] {".wh.", "0", ""}).contains("is not a valid whiteout"));
        assertTrue(refusal(new String[] {"a/.wh...", "0", ""}).contains("is not a valid whiteout"));
    }
}
