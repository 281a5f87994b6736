package io.jrun.core.state;

import io.jrun.core.BoundedRead;
import io.jrun.core.JrunException;
import io.jrun.core.Json;
import io.jrun.core.spec.JsonTree;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state store: {@code <root>/<id>/} holds {@code state.json}, the exec fifo and a lock file
 * (architecture brief §5). Directory creation is the atomic claim on an id; every command that changes a
 * container holds {@link #lock(String)}.
 */
public final class StateStore {
    public static final String STATE_FILE = "state.json";
    public static final String EXEC_FIFO = "exec.fifo";
    private static final String LOCK_FILE = ".lock";

    private final Path root;

    public StateStore(Path root) {
        this.root = root;
    }

    public Path root() { return root; }

    public Path dir(String id) {
        return root.resolve(id);
    }

    /** Creates the root directory (0700) when missing, as runc does for its --root. */
    public void ensureRoot() {
        if (Files.isDirectory(root)) return;
        try {
            Files.createDirectories(root);
            Files.setPosixFilePermissions(root, permissions("rwx------"));
        } catch (IOException e) {
            throw new JrunException("create root directory " + root + ": " + e.getMessage(), e);
        }
    }

    public boolean exists(String id) {
        return Files.isRegularFile(dir(id).resolve(STATE_FILE));
    }

    /** Claims {@code id}: creates its directory, failing if it already exists. */
    public Path claim(String id) {
        ensureRoot();
        Path d = dir(id);
        try {
            Files.createDirectory(d, PosixFilePermissions.asFileAttribute(permissions("rwx--x--x")));
            return d;
        } catch (FileAlreadyExistsException e) {
            throw new JrunException("container with id " + id + " already exists");
        } catch (IOException e) {
            throw new JrunException("create state directory " + d + ": " + e.getMessage(), e);
        }
    }

    /** An exclusive lock on the container, held until closed. */
    public Lock lock(String id) {
        Path f = dir(id).resolve(LOCK_FILE);
        try {
            FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new Lock(ch, ch.lock());
        } catch (NoSuchFileException e) {
            throw notExist();
        } catch (IOException e) {
            throw new JrunException("lock " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code PosixFilePermissions.fromString} without its EnumSet: {@code EnumSet.noneOf} finds the enum's
     * constants by reflection (Method.invoke of values(), a method handle set up for it), ~1 ms of create
     * interpreted. Each of the nine characters is the permission's letter or '-'.
     */
    public static Set<PosixFilePermission> permissions(String rwxrwxrwx) {
        PosixFilePermission[] all = PosixFilePermission.values(); // rwx for owner, group, others: the string's order
        if (rwxrwxrwx.length() != all.length) throw new IllegalArgumentException("Invalid mode");
        Set<PosixFilePermission> out = new HashSet<>();
        for (int i = 0; i < all.length; i++) {
            char c = rwxrwxrwx.charAt(i);
            if (c == "rwx".charAt(i % 3)) out.add(all[i]);
            else if (c != '-') throw new IllegalArgumentException("Invalid mode");
        }
        return out;
    }

    public static JrunException notExist() {
        return new JrunException("container does not exist");
    }

    public ContainerState load(String id) {
        Path f = dir(id).resolve(STATE_FILE);
        byte[] bytes;
        try {
            bytes = BoundedRead.read(f, BoundedRead.STATE_MAX);
        } catch (NoSuchFileException e) {
            throw notExist();
        } catch (BoundedRead.Refused e) {
            throw new JrunException(f + ": corrupt state file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new JrunException("read " + f + ": " + e.getMessage(), e);
        }
        try {
            return parse(bytes);
        } catch (RuntimeException e) {
            throw new JrunException(f + ": corrupt state file: " + e.getMessage(), e);
        }
    }

    /**
     * Writes state.json atomically (temp file + rename), so a reader never sees half a file. A state larger than
     * {@link #load} reads ({@link BoundedRead#STATE_MAX}) is refused: only config.json's annotations can make it
     * so, and create, which saves first, then fails and removes the container instead of leaving one that
     * every later `state` fails on.
     */
    public void save(ContainerState s) {
        Path d = dir(s.id());
        Path tmp = d.resolve(STATE_FILE + ".tmp");
        byte[] json = toJson(s).getBytes(StandardCharsets.UTF_8);
        if (json.length > BoundedRead.STATE_MAX) {
            throw new JrunException("config.json: annotations: too large: the container's state would be "
                    + json.length + " bytes, more than the limit of " + BoundedRead.STATE_MAX);
        }
        try {
            Files.write(tmp, json);
            Files.move(tmp, d.resolve(STATE_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new JrunException("write state of " + s.id() + ": " + e.getMessage(), e);
        }
    }

    /** Removes the container's directory and everything in it; a missing directory is fine. */
    public void remove(String id) {
        Path d = dir(id);
        if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) return;
        try {
            removeTree(d);
        } catch (IOException e) {
            throw new JrunException("remove state directory " + d + ": " + e.getMessage(), e);
        }
    }

    /** Depth first, never following a symbolic link out of the tree. */
    private static void removeTree(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path child : ds) removeTree(child);
            }
        }
        Files.deleteIfExists(p);
    }

    /** Ids with a state file, sorted. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(root)) return ids;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p.resolve(STATE_FILE))) ids.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new JrunException("list " + root + ": " + e.getMessage(), e);
        }
        ids.sort(null);
        return ids;
    }

    /**
     * state.json, written by hand with {@link Json}'s escaper: a flat object, and creating a Jackson generator
     * cost create ~2 ms in a cold JVM. {@link #parse} reads it back.
     */
    static String toJson(ContainerState s) {
        StringBuilder b = new StringBuilder(512).append('{');
        field(b, "ociVersion", s.ociVersion()).append(',');
        field(b, "id", s.id()).append(',');
        Json.appendQuoted(b, "pid").append(':').append(s.pid()).append(',');
        Json.appendQuoted(b, "pidStartTime").append(':').append(s.pidStartTime()).append(',');
        field(b, "bundle", s.bundle()).append(',');
        field(b, "rootfs", s.rootfs()).append(',');
        field(b, "created", s.created()).append(',');
        field(b, "owner", s.owner()).append(',');
        map(b, "annotations", s.annotations()).append(',');
        map(b, "cgroupPaths", s.cgroupPaths()).append(',');
        Json.appendQuoted(b, "cgroupCreated").append(':').append(s.cgroupCreated()).append(',');
        field(b, "jrunVersion", s.jrunVersion()).append(',');
        Json.appendQuoted(b, "privatePidNs").append(':').append(s.privatePidNs());
        return b.append('}').toString();
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        Json.appendQuoted(b, name).append(':');
        return value == null ? b.append("null") : Json.appendQuoted(b, value);
    }

    private static StringBuilder map(StringBuilder b, String name, Map<String, String> m) {
        Json.appendQuoted(b, name).append(":{");
        String sep = "";
        for (Map.Entry<String, String> e : m.entrySet()) {
            field(b.append(sep), e.getKey(), e.getValue());
            sep = ",";
        }
        return b.append('}');
    }

    static ContainerState parse(byte[] bytes) {
        String ociVersion = null, id = null, bundle = null, rootfs = null, created = null, owner = "", version = null;
        int pid = 0;
        long start = 0;
        boolean cgroupCreated = false;
        boolean privatePidNs = false; // absent (an older jrun's state): delete kills stragglers, as it did then
        Map<String, String> annotations = Map.of(), cgroups = Map.of();
        if (!(JsonTree.parse(bytes, STATE_FILE) instanceof JsonTree.Obj o)) throw new IllegalArgumentException("not a JSON object");
        for (Map.Entry<String, JsonTree.Node> e : o.members().entrySet()) {
            JsonTree.Node v = e.getValue();
            switch (e.getKey()) {
                case "ociVersion" -> ociVersion = text(v);
                case "id" -> id = text(v);
                case "pid" -> pid = Integer.parseInt(number(v));
                case "pidStartTime" -> start = Long.parseLong(number(v));
                case "bundle" -> bundle = text(v);
                case "rootfs" -> rootfs = text(v);
                case "created" -> created = text(v);
                case "owner" -> owner = text(v);
                case "annotations" -> annotations = textMap(v);
                case "cgroupPaths" -> cgroups = textMap(v);
                case "cgroupCreated" -> cgroupCreated = v instanceof JsonTree.Bool b && b.value();
                case "jrunVersion" -> version = text(v);
                case "privatePidNs" -> privatePidNs = v instanceof JsonTree.Bool b && b.value();
                default -> { } // written by another jrun version: ignored
            }
        }
        return new ContainerState(ociVersion, id, pid, start, bundle, rootfs, created, owner, annotations, cgroups,
                cgroupCreated, version, privatePidNs);
    }

    private static String text(JsonTree.Node v) {
        if (v instanceof JsonTree.Str s) return s.value();
        if (v instanceof JsonTree.Null) return null;
        throw new IllegalArgumentException("expected a string at" + JsonTree.at(v.line(), v.col()));
    }

    private static String number(JsonTree.Node v) {
        if (v instanceof JsonTree.Num n && n.integral()) return n.text();
        throw new IllegalArgumentException("expected an integer at" + JsonTree.at(v.line(), v.col()));
    }

    private static Map<String, String> textMap(JsonTree.Node v) {
        if (!(v instanceof JsonTree.Obj o)) throw new IllegalArgumentException("expected an object at" + JsonTree.at(v.line(), v.col()));
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonTree.Node> e : o.members().entrySet()) m.put(e.getKey(), text(e.getValue()));
        return m;
    }

    /** A held container lock. */
    public record Lock(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing releases the lock; nothing more to do
            }
        }
    }
}
