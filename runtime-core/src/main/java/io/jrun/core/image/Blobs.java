package io.jrun.core.image;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * The files of an OCI image layout (image-spec image-layout.md: oci-layout, index.json, blobs/ALG/HEX), read
 * from a directory or from an oci-archive (a tar of the same tree, as podman save --format oci-archive and
 * skopeo write it). Every blob comes back checked against its descriptor: size and digest.
 */
abstract class Blobs implements Closeable {
    /** Manifests, indexes and configs are small; a larger one is refused rather than read into memory. */
    static final int MAX_JSON = 4 << 20;

    final String where;

    Blobs(String where) {
        this.where = where;
    }

    static Blobs open(Path path) {
        if (Files.isDirectory(path)) return new Dir(path);
        if (Files.isRegularFile(path)) return new Archive(path);
        throw new ImageException(path + ": not an OCI image layout directory or oci-archive file");
    }

    /** The file at this layout-relative path, or null when there is none. */
    abstract InputStream file(String name) throws IOException;

    /** A layout-relative file read whole (oci-layout, index.json), at most {@link #MAX_JSON} bytes. */
    byte[] read(String name) {
        try (InputStream in = file(name)) {
            if (in == null) throw new ImageException(where + ": no " + name + " (not an OCI image layout)");
            byte[] b = in.readNBytes(MAX_JSON + 1);
            if (b.length > MAX_JSON) throw new ImageException(where + ": " + name + " is larger than " + MAX_JSON + " bytes");
            return b;
        } catch (IOException e) {
            throw new ImageException(where + ": read " + name + ": " + e.getMessage(), e);
        }
    }

    /** A small blob (manifest, index, config), verified. */
    byte[] json(Descriptor d) {
        if (d.size() > MAX_JSON) throw new ImageException(where + ": blob " + d.digest() + " of " + d.mediaType()
                + " is " + d.size() + " bytes, more than the " + MAX_JSON + " jrun reads");
        try (InputStream in = open(d)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ImageException(where + ": read blob " + d.digest() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The blob's bytes, checked as they stream: more bytes than the descriptor's size, fewer, or another digest
     * fail the read (at the byte that breaks it, or at EOF), so a caller that reads to the end has used only
     * verified content. Callers that may stop early (a tar's end) must drain the stream.
     */
    InputStream open(Descriptor d) throws IOException {
        String name = "blobs/" + Digests.path(d.digest());
        InputStream raw = file(name);
        if (raw == null) throw new ImageException(where + ": blob " + d.digest() + " is missing (" + name + ")");
        return new Verified(raw, d, where);
    }

    static String quote(String s) {
        return s == null ? "null" : "\"" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "\"";
    }

    private static final class Verified extends FilterInputStream {
        private final Descriptor d;
        private final String where;
        private final MessageDigest md;
        private long count;
        private boolean checked;

        Verified(InputStream in, Descriptor d, String where) {
            super(in);
            this.d = d;
            this.where = where;
            this.md = Digests.newDigest(d.digest());
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0) {
                verify();
                return -1;
            }
            count += n;
            if (count > d.size()) {
                throw new ImageException(where + ": blob " + d.digest() + " is larger than its descriptor's size " + d.size());
            }
            md.update(b, off, n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[8192];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) break;
                done += r;
            }
            return done;
        }

        private void verify() {
            if (checked) return;
            checked = true;
            if (count != d.size()) {
                throw new ImageException(where + ": blob " + d.digest() + " has " + count + " bytes, its descriptor says " + d.size());
            }
            String actual = Digests.of(md, d.digest());
            if (!actual.equals(d.digest())) {
                throw new ImageException(where + ": blob " + d.digest() + " does not match its digest (its content is " + actual + ")");
            }
        }
    }

    private static final class Dir extends Blobs {
        private final Path dir;

        Dir(Path dir) {
            super(dir.toString());
            this.dir = dir;
        }

        @Override
        InputStream file(String name) throws IOException {
            Path p = dir.resolve(name);
            // a layout's files are plain files: a symlink could point a blob anywhere on the host
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) return null;
            return Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        public void close() {}
    }

    /** An oci-archive: the tar is indexed once, then each member is read in place (no copy to disk). */
    private static final class Archive extends Blobs {
        private final TarFile tar;
        private final Map<String, TarArchiveEntry> entries = new HashMap<>();

        Archive(Path file) {
            super(file.toString());
            try {
                tar = new TarFile(file);
            } catch (IOException e) {
                throw new ImageException(file + ": not an oci-archive (a tar of an OCI image layout): " + e.getMessage(), e);
            }
            for (TarArchiveEntry e : tar.getEntries()) {
                String n = e.getName();
                while (n.startsWith("./")) n = n.substring(2);
                if (e.isFile()) entries.put(n, e);
            }
        }

        @Override
        InputStream file(String name) throws IOException {
            TarArchiveEntry e = entries.get(name);
            return e == null ? null : tar.getInputStream(e);
        }

        @Override
        public void close() throws IOException {
            tar.close();
        }
    }
}
