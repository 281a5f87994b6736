package io.jrun.core.cgroup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The file operations the cgroup managers perform, so unit tests can run them against a temporary tree and
 * record the order of writes. {@link #REAL} is the only production implementation.
 *
 * <p>Every method throws {@link IOException}; callers turn it into a {@link CgroupException} that names the
 * spec field and the file ({@link #describe(IOException)} gives the kernel's reason in runc's style).
 */
interface CgroupFs {

    /** The whole content of a control file. */
    String read(Path file) throws IOException;

    /**
     * One write(2) of {@code value} to an existing control file. cgroupfs parses each write separately, so a
     * value must never be split over several writes, and the file must not be created when it is missing (a
     * missing file means the kernel lacks the knob, which the caller reports).
     */
    void write(Path file, String value) throws IOException;

    boolean exists(Path p);

    /** mkdir -p. */
    void mkdirs(Path dir) throws IOException;

    /** rmdir(2). */
    void rmdir(Path dir) throws IOException;

    /** The sub-directories of {@code dir} (child cgroups), empty when it has none or is gone. */
    List<Path> subdirs(Path dir) throws IOException;

    CgroupFs REAL = new CgroupFs() {
        @Override
        public String read(Path file) throws IOException {
            return Files.readString(file, StandardCharsets.UTF_8);
        }

        @Override
        public void write(Path file, String value) throws IOException {
            // O_WRONLY|O_TRUNC without O_CREAT, like runc's WriteFile; FileChannel.write of a heap buffer is a
            // single write(2) for these small values.
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        }

        @Override
        public boolean exists(Path p) {
            return Files.exists(p);
        }

        @Override
        public void mkdirs(Path dir) throws IOException {
            Files.createDirectories(dir);
        }

        @Override
        public void rmdir(Path dir) throws IOException {
            Files.delete(dir); // a directory: the JDK calls rmdir(2)
        }

        @Override
        public List<Path> subdirs(Path dir) throws IOException {
            List<Path> out = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
                for (Path p : ds) {
                    out.add(p);
                }
            } catch (NoSuchFileException e) {
                return List.of();
            }
            return out;
        }
    };

    /** The errno text of a failed file operation, lower-cased as runc and the Go runtime print it. */
    static String describe(IOException e) {
        String reason;
        if (e instanceof NoSuchFileException) {
            reason = "no such file or directory";
        } else if (e instanceof java.nio.file.AccessDeniedException ade && ade.getReason() == null) {
            reason = "permission denied"; // its message is the path alone, which the caller names already
        } else if (e instanceof FileSystemException fse && fse.getReason() != null) {
            reason = fse.getReason();
        } else {
            reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (!reason.isEmpty() && Character.isUpperCase(reason.charAt(0))
                && (reason.length() == 1 || !Character.isUpperCase(reason.charAt(1)))) {
            reason = Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
        }
        return reason;
    }

    /** True when the failure is EBUSY (a cgroup that still has tasks or children). */
    static boolean isBusy(IOException e) {
        String r = describe(e);
        return r.contains("busy");
    }
}
