package io.jrun.core.image;

import io.jrun.sys.Syscalls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The content-addressed layer store (docs/images.md "Store layout"), by default /var/lib/jrun (root) or
 * $XDG_DATA_HOME/jrun (others):
 * <pre>
 *   store.lock                     shared while a container registers, exclusive for rm and prune
 *   layers/sha256/HEX/fs/          the unpacked layer, an OverlayFS lower dir, never written after unpacking
 *   layers/sha256/HEX/layer.json   blob digest, media type, diff_id, bytes
 *   layers/sha256/HEX/users/KEY    one file per container using it: the container's state dir
 *   tmp/                           unpacks in progress (renamed into layers/ when complete)
 * </pre>
 * A layer is unpacked into tmp/ and renamed into place in one rename(2), so a reader never sees half a layer;
 * two calls unpacking the same layer race harmlessly (the loser's rename fails and it uses the winner's).
 */
public final class LayerStore {
    private final Path dir;
    private final Syscalls sys;

    public LayerStore(Path dir, Syscalls sys) {
        this.dir = dir;
        this.sys = sys;
    }

    public static Path defaultDir(boolean root) {
        if (root) return Path.of("/var/lib/jrun");
        String xdg = System.getenv("XDG_DATA_HOME");
        if (xdg != null && !xdg.isEmpty()) return Path.of(xdg, "jrun");
        return Path.of(System.getProperty("user.home"), ".local", "share", "jrun");
    }

    public Path dir() { return dir; }

    Path layerDir(String digest) {
        return dir.resolve("layers").resolve(Digests.path(digest));
    }

    /** The layer's unpacked tree, unpacking it first when the store does not have it. */
    Path ensure(Blobs blobs, OciImage.Layer layer, boolean isRoot) {
        Path fs = layerDir(layer.blob().digest()).resolve("fs");
        if (Files.isDirectory(fs, LinkOption.NOFOLLOW_LINKS)) return fs;
        Path tmp = null;
        try {
            Files.createDirectories(dir.resolve("tmp"));
            Files.createDirectories(layerDir(layer.blob().digest()).getParent());
            tmp = Files.createTempDirectory(dir.resolve("tmp"), "unpack-");
            Path tmpFs = Files.createDirectory(tmp.resolve("fs"));
            long bytes = unpackVerified(blobs, layer, tmpFs, isRoot);
            Files.writeString(tmp.resolve("layer.json"), "{\"digest\":\"" + layer.blob().digest() + "\",\"mediaType\":\""
                    + layer.blob().mediaType() + "\",\"diffId\":\"" + layer.diffId() + "\",\"bytes\":" + bytes + "}\n");
            Files.createDirectory(tmp.resolve("users"));
            try {
                Files.move(tmp, layerDir(layer.blob().digest()), StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // another call unpacked the same layer first: use its copy, drop ours
            }
            return fs;
        } catch (IOException e) {
            throw new ImageException(blobs.where + ": unpack layer " + layer.blob().digest() + ": " + e, e);
        } finally {
            if (tmp != null) deleteQuietly(tmp);
        }
    }

    /** Unpacks while checking the blob (size, digest) and the uncompressed tar against its diff_id. */
    private long unpackVerified(Blobs blobs, OciImage.Layer layer, Path fs, boolean isRoot) throws IOException {
        long free = Files.getFileStore(fs).getUsableSpace();
        long max = Math.max(0, free - (64L << 20));
        try (InputStream blob = blobs.open(layer.blob());
             InputStream tar = layer.format().decompress(blob)) {
            MessageDigest md = Digests.newDigest(layer.diffId());
            InputStream hashed = new java.security.DigestInputStream(tar, md);
            long bytes = new LayerUnpacker(fs, sys, isRoot, max, blobs.where + ": layer " + layer.blob().digest())
                    .unpack(hashed);
            hashed.transferTo(OutputSink.INSTANCE); // the tar's padding after its end: the diff_id covers it
            blob.transferTo(OutputSink.INSTANCE); // and the blob must be read whole for its digest check
            String diff = Digests.of(md, layer.diffId());
            if (!diff.equals(layer.diffId())) {
                throw new ImageException(blobs.where + ": layer " + layer.blob().digest() + " unpacks to " + diff
                        + ", not its config's diff_id " + layer.diffId());
            }
            return bytes;
        }
    }

    private static final class OutputSink extends java.io.OutputStream {
        static final OutputSink INSTANCE = new OutputSink();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }

    // ---------------------------------------------------------------- users

    /** Records that the container whose state dir is stateDir uses these layers. */
    void register(List<String> digests, Path stateDir) {
        for (String d : digests) {
            Path users = layerDir(d).resolve("users");
            try {
                Files.writeString(users.resolve(userKey(stateDir)), stateDir.toString());
            } catch (IOException e) {
                throw new ImageException("layer store " + dir + ": register a user of " + d + ": " + e.getMessage(), e);
            }
        }
    }

    private static String userKey(Path stateDir) {
        return Digests.sha256(stateDir.toString().getBytes(StandardCharsets.UTF_8)).substring(7, 31);
    }

    /** The state dirs of live containers using the layer; stale entries (the container is deleted) are dropped. */
    List<String> users(String digest) throws IOException {
        List<String> live = new ArrayList<>();
        Path users = layerDir(digest).resolve("users");
        if (!Files.isDirectory(users)) return live;
        try (Stream<Path> s = Files.list(users)) {
            for (Path u : s.toList()) {
                String stateDir = Files.readString(u).trim();
                if (Files.exists(Path.of(stateDir, "state.json"))) live.add(stateDir);
                else Files.deleteIfExists(u);
            }
        }
        return live;
    }

    // ---------------------------------------------------------------- ls / rm / prune

    public record Entry(String digest, long bytes, List<String> users) {}

    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        for (String alg : List.of("sha256", "sha512")) {
            Path d = dir.resolve("layers").resolve(alg);
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.list(d)) {
                for (Path p : s.sorted().toList()) {
                    String digest = alg + ":" + p.getFileName();
                    out.add(new Entry(digest, bytesOf(p), users(digest)));
                }
            } catch (IOException e) {
                throw new ImageException("layer store " + dir + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static long bytesOf(Path layer) throws IOException {
        Path meta = layer.resolve("layer.json");
        if (!Files.exists(meta)) return -1;
        String s = Files.readString(meta);
        int i = s.indexOf("\"bytes\":");
        return i < 0 ? -1 : Long.parseLong(s.substring(i + 8).replaceAll("[^0-9].*", "").trim());
    }

    /** Removes one layer; refused while a container uses it. */
    public void remove(String digest) {
        Digests.check(digest, "image rm");
        try (Lock l = lock(true)) {
            Path p = layerDir(digest);
            if (!Files.isDirectory(p)) throw new ImageException("image rm: no layer " + digest + " in " + dir);
            List<String> users = users(digest);
            if (!users.isEmpty()) {
                throw new ImageException("image rm: layer " + digest + " is in use by the container in " + users.get(0));
            }
            discard(p);
        } catch (IOException e) {
            throw new ImageException("layer store " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Removes every layer no container uses, and unpacks that were interrupted. Returns what was removed. */
    public List<String> prune() {
        List<String> removed = new ArrayList<>();
        try (Lock l = lock(true)) {
            for (Entry e : list()) {
                if (e.users().isEmpty()) {
                    discard(layerDir(e.digest()));
                    removed.add(e.digest());
                }
            }
            // no unpack runs while we hold the lock exclusively: whatever is in tmp/ was abandoned
            Path tmp = dir.resolve("tmp");
            if (Files.isDirectory(tmp)) {
                try (Stream<Path> s = Files.list(tmp)) {
                    for (Path p : s.toList()) deleteTree(p);
                }
            }
        } catch (IOException e) {
            throw new ImageException("layer store " + dir + ": " + e.getMessage(), e);
        }
        return removed;
    }

    /** A layer leaves the store in one rename (into tmp/), then is deleted: never half a layer in layers/. */
    private void discard(Path layer) throws IOException {
        Files.createDirectories(dir.resolve("tmp"));
        Path gone = dir.resolve("tmp").resolve("rm-" + layer.getFileName());
        deleteTree(gone);
        Files.move(layer, gone, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(gone);
    }

    /** The store's lock (flock-style, across processes): closing the channel releases it. */
    record Lock(FileChannel channel) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Shared while containers unpack and register their layers, exclusive for rm and prune. */
    Lock lock(boolean exclusive) throws IOException {
        Files.createDirectories(dir);
        FileChannel ch = FileChannel.open(dir.resolve("store.lock"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            ch.lock(0, Long.MAX_VALUE, !exclusive);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new Lock(ch);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    static void deleteQuietly(Path p) {
        try {
            deleteTree(p);
        } catch (IOException ignored) {
            // best effort: prune removes what is left in tmp/
        }
    }
}
