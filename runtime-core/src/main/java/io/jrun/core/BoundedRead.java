package io.jrun.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the files jrun parses (config.json, process.json, --resources, state.json) with a size bound, and only
 * regular files. jrun's JVM has -Xmx64m: a 20 MB config.json, or one that is a symbolic link to /dev/zero, ended
 * in an OutOfMemoryError, and a FIFO blocked create forever (hardening issue, item 12). The limits are in
 * docs/config-fields.md "Size limits".
 */
public final class BoundedRead {
    private BoundedRead() {}

    /** config.json, process.json and a --resources document: 4 MiB, ~250 times a client's config. */
    public static final int SPEC_MAX = 4 << 20;

    /**
     * state.json: above {@link #SPEC_MAX}, as it holds config.json's annotations, which JSON escaping may make
     * longer (a two-byte "\b" is written back as the six-byte "\u0008"); StateStore refuses to write more, so
     * `state` reads whatever create accepted.
     */
    public static final int STATE_MAX = 8 << 20;

    /** The file is not a regular file, or larger than the bound: the message says which, to follow its name. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * The whole of {@code file} (symbolic links followed), at most {@code max} bytes. The type is checked before
     * the file is opened: opening a FIFO waits for a writer, and a device may never end. A directory is left to
     * the open, whose error the callers already word. The read itself is bounded too, so a file that grows or
     * is replaced after the check still cannot exhaust the heap.
     */
    public static byte[] read(Path file, int max) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        if (!a.isRegularFile() && !a.isDirectory()) {
            throw new Refused("is not a regular file");
        }
        if (a.size() > max) {
            throw tooLarge(max);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, max);
        }
    }

    /** At most {@code max} bytes of a stream ({@code update --resources -} reads stdin). */
    public static byte[] read(InputStream in, int max) throws IOException {
        byte[] b = in.readNBytes(max + 1);
        if (b.length > max) {
            throw tooLarge(max);
        }
        return b;
    }

    private static Refused tooLarge(int max) {
        return new Refused("is larger than the limit of " + max + " bytes");
    }
}
