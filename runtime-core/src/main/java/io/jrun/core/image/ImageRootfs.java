package io.jrun.core.image;

import io.jrun.core.DefaultConfig;
import io.jrun.core.Trace;
import io.jrun.core.Version;
import io.jrun.core.spec.SpecReader;
import io.jrun.core.launch.PlanWriter;
import io.jrun.core.spec.Spec;
import io.jrun.core.spec.SpecWriter;
import io.jrun.sys.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A container made from an image: the generated bundle in its state dir (config.json from `jrun spec`'s
 * defaults and the image's config; an empty rootfs/ mount point) and the plan attribute that has jrun-init
 * mount the layers there as OverlayFS inside the container's mount namespace (docs/images.md).
 */
public final class ImageRootfs {
    /** The kernel reads overlay's options from one page (fs/namespace.c copy_mount_options). */
    static final int MAX_OPTIONS = 4000;

    private final Path stateDir;
    private final Spec spec;
    private final List<Path> lowerTopFirst;
    private final Path keepChanges;
    private final OciImage.Resolved image;
    private final Path emptyDir;

    private ImageRootfs(Path stateDir, Spec spec, List<Path> lowerTopFirst, Path keepChanges, OciImage.Resolved image,
                        Path emptyDir) {
        this.emptyDir = emptyDir;
        this.stateDir = stateDir;
        this.spec = spec;
        this.lowerTopFirst = lowerTopFirst;
        this.keepChanges = keepChanges;
        this.image = image;
    }

    /**
     * Resolves and verifies the image, unpacks missing layers into the store and registers the container as
     * their user (under the store's shared lock, so a concurrent prune cannot take them), then builds the spec.
     */
    public static ImageRootfs prepare(ImageRequest req, String id, Path stateDir, Syscalls sys) {
        ImageRef ref = ImageRef.parse(req.image());
        Platform wanted = req.platform() == null ? null : Platform.parse(req.platform());
        boolean isRoot = Emulation.euidIsRoot();
        Trace.mark("image request");
        LayerStore store = new LayerStore(req.store() != null ? io.jrun.core.CallerPaths.absolute(req.store()) : LayerStore.defaultDir(isRoot), sys);
        Blobs blobs = OciImage.open(ref);
        OciImage.Resolved img;
        List<Path> lower = new ArrayList<>();
        try (LayerStore.Lock lock = store.lock(false)) {
            img = OciImage.resolve(blobs, ref, wanted);
            Trace.mark("image resolved");
            Emulation.check(img.platform());
            List<String> digests = new ArrayList<>();
            for (OciImage.Layer l : img.layers()) {
                lower.add(store.ensure(blobs, l, isRoot));
                digests.add(l.blob().digest());
            }
            store.register(digests, stateDir);
            Trace.mark("layers ready");
        } catch (IOException e) {
            throw new ImageException("layer store " + store.dir() + ": " + e.getMessage(), e);
        } finally {
            OciImage.closeQuietly(blobs);
        }
        if (lower.isEmpty()) throw new ImageException(ref + ": the image has no layers");
        Collections.reverse(lower); // overlay's lowerdir lists the topmost layer first
        String options = "lowerdir=" + join(lower);
        if (options.length() > MAX_OPTIONS) {
            throw new ImageException(ref + ": " + lower.size() + " layers make overlay options of " + options.length()
                    + " bytes, more than the kernel's page; use a store with a shorter path (--store)");
        }
        Path keep = req.keepChanges() == null ? null : io.jrun.core.CallerPaths.absolute(req.keepChanges()).normalize();
        Spec defaults = defaults(store.dir());
        Trace.mark("image defaults");
        Spec spec = ImageSpec.build(defaults, img, req, id, stateDir.resolve("rootfs"), lower);
        Path empty = store.dir().resolve("empty");
        try {
            Files.createDirectories(empty);
        } catch (IOException e) {
            throw new ImageException("layer store " + store.dir() + ": " + e.getMessage(), e);
        }
        Trace.mark("image spec built");
        return new ImageRootfs(stateDir, spec, lower, keep, img, empty);
    }

    /**
     * `jrun spec`'s config, which the image's settings go on top of. Building its seccomp profile takes
     * 200-500 ms in the launcher's interpreted JVM, so the result is kept in the store per jrun build
     * (cache/default-config-VERSION-COMMIT.json, written by rename) and read back with the config reader (~10 ms).
     */
    static Spec defaults(Path storeDir) {
        Path f = storeDir.resolve("cache").resolve("default-config-" + Version.version() + "-" + Version.commit() + ".json");
        if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            try {
                return SpecReader.readConfig(f);
            } catch (RuntimeException e) {
                // unreadable: build it again below and replace it
            }
        }
        Spec s = DefaultConfig.create(false);
        try {
            Files.createDirectories(f.getParent());
            Path tmp = Files.createTempFile(f.getParent(), "default-config-", ".tmp");
            Files.writeString(tmp, SpecWriter.write(s));
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // only a cache: the next run builds it again
        }
        return s;
    }

    private static String join(List<Path> paths) {
        StringBuilder b = new StringBuilder();
        for (Path p : paths) {
            String s = p.toString();
            // overlay splits lowerdir at ':' and reads ',' as the next option (overlayfs.rst escapes with '\')
            if (s.indexOf(':') >= 0 || s.indexOf(',') >= 0 || s.indexOf('\\') >= 0) {
                throw new ImageException("layer store path " + s + " contains ':', ',' or '\\', which overlay options cannot carry");
            }
            if (b.length() > 0) b.append(':');
            b.append(s);
        }
        return b.toString();
    }

    public Spec spec() { return spec; }

    public Path bundle() { return stateDir; }

    /**
     * The spec as create validates it before the state dir (and the rootfs/ mount point in it) exists: root.path
     * is the layer store's own empty mount-point directory then, the only field that differs.
     */
    public Spec specToValidate() {
        return new Spec(spec.ociVersion(), new Spec.Root(emptyDir.toString(), false), spec.mounts(), spec.process(),
                spec.hostname(), spec.domainname(), spec.hooks(), spec.annotations(), spec.linux(), spec.unsupportedSections());
    }

    public OciImage.Resolved image() { return image; }

    /** Writes the bundle into the (just claimed) state dir: config.json, rootfs/ and, by default, overlay/. */
    public void materialize() {
        try {
            Files.writeString(stateDir.resolve("config.json"), SpecWriter.write(spec));
            Files.createDirectory(stateDir.resolve("rootfs"));
            if (keepChanges == null) Files.createDirectory(stateDir.resolve("overlay"));
            else Files.createDirectories(keepChanges);
        } catch (IOException e) {
            throw new ImageException("write the image's bundle in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** The plan with ROOTFS_OVERLAY appended (docs/helper-protocol.md): u32 total_len is rewritten. */
    public byte[] addTo(byte[] plan) {
        byte[] attr = new PlanWriter().begin(PlanWriter.ROOTFS_OVERLAY)
                .str(join(lowerTopFirst))
                .str((keepChanges == null ? stateDir.resolve("overlay") : keepChanges).toString())
                .u32(keepChanges == null ? 1 : 0)
                .end().toBytes();
        byte[] out = new byte[plan.length + attr.length - 4];
        System.arraycopy(plan, 0, out, 0, plan.length);
        System.arraycopy(attr, 4, out, plan.length, attr.length - 4);
        int total = out.length;
        out[0] = (byte) total;
        out[1] = (byte) (total >>> 8);
        out[2] = (byte) (total >>> 16);
        out[3] = (byte) (total >>> 24);
        return out;
    }
}
