package io.jrun.core.image;

import io.jrun.sys.Syscalls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Unpacks one layer tar into an empty directory of its own, as OverlayFS wants a lower layer (image-spec
 * layer.md "Whiteouts"): {@code .wh.NAME} becomes a 0:0 character device NAME, {@code .wh..wh..opq} the
 * trusted.overlay.opaque=y xattr on its directory (overlayfs.rst "whiteouts and opaque directories").
 *
 * <p>The tar is hostile until proven otherwise. Refused, naming the entry: absolute names and any {@code ..}
 * component; an entry whose parent is (or goes through) a symlink (CVE-2018-15664-style escapes through a
 * link the same tar planted); hard links whose target is outside the layer or not yet unpacked; device nodes
 * unless jrun is root; entry types other than files, directories, links, fifos and devices; and more bytes
 * than {@code maxBytes} (the store's free space) in all. Symlinks are created as they are and never followed
 * here: inside the container they resolve against its own root.
 */
final class LayerUnpacker {
    private static final int S_IFCHR = 0020000, S_IFBLK = 0060000, S_IFIFO = 0010000;
    private static final String WHITEOUT = ".wh.", OPAQUE = ".wh..wh..opq";

    private final Path root;
    private final Syscalls sys;
    private final boolean isRoot;
    private final long maxBytes;
    private final String where;
    private long bytes;
    /** Directories whose mode and mtime are set at the end (children change the mtime, a 0555 mode the writes). */
    private final List<Object[]> dirs = new ArrayList<>();

    LayerUnpacker(Path root, Syscalls sys, boolean isRoot, long maxBytes, String where) {
        this.root = root;
        this.sys = sys;
        this.isRoot = isRoot;
        this.maxBytes = maxBytes;
        this.where = where;
    }

    /** Reads the tar to its end; returns the bytes of file content written. */
    long unpack(InputStream tarStream) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(tarStream, StandardCharsets.UTF_8.name());
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) entry(tar, e);
        for (int i = dirs.size() - 1; i >= 0; i--) {
            Path d = (Path) dirs.get(i)[0];
            TarArchiveEntry de = (TarArchiveEntry) dirs.get(i)[1];
            attributes(d, de);
        }
        return bytes;
    }

    private void entry(InputStream data, TarArchiveEntry e) throws IOException {
        String name = e.getName();
        List<String> parts = components(name);
        if (parts.isEmpty()) {
            if (e.isDirectory()) dirs.add(new Object[] {root, e});
            return;
        }
        String base = parts.get(parts.size() - 1);
        Path parent = parents(parts.subList(0, parts.size() - 1), name);
        if (base.equals(OPAQUE)) {
            sys.lsetxattr(parent.toString(), "trusted.overlay.opaque", new byte[] {'y'});
            return;
        }
        if (base.startsWith(WHITEOUT)) {
            String hidden = base.substring(WHITEOUT.length());
            if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..") || hidden.startsWith(WHITEOUT)) {
                throw refuse(name, "is not a valid whiteout");
            }
            Path p = parent.resolve(hidden);
            clear(p);
            sys.mknod(p.toString(), S_IFCHR, 0, 0);
            return;
        }
        Path p = parent.resolve(base);
        if (e.getLinkFlag() == TarConstants.LF_DIR) {
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                clear(p);
                Files.createDirectory(p);
            }
            dirs.add(new Object[] {p, e});
            return;
        }
        clear(p);
        // by the type flag itself: commons-compress's isFile() is true for any type it does not know
        switch (e.getLinkFlag()) {
            case TarConstants.LF_SYMLINK -> Files.createSymbolicLink(p, Path.of(e.getLinkName()));
            case TarConstants.LF_LINK -> link(p, e, name);
            case TarConstants.LF_NORMAL, TarConstants.LF_OLDNORM, TarConstants.LF_CONTIG -> file(p, data, e, name);
            case TarConstants.LF_CHR, TarConstants.LF_BLK -> {
                if (!isRoot) throw refuse(name, "is a device node, which only root may create");
                sys.mknod(p.toString(), (e.isCharacterDevice() ? S_IFCHR : S_IFBLK) | (e.getMode() & 07777),
                        e.getDevMajor(), e.getDevMinor());
            }
            case TarConstants.LF_FIFO -> sys.mknod(p.toString(), S_IFIFO | (e.getMode() & 07777), 0, 0);
            default -> throw refuse(name, "has tar entry type '" + (char) e.getLinkFlag() + "', which jrun does not unpack");
        }
        attributes(p, e);
    }

    private void file(Path p, InputStream data, TarArchiveEntry e, String name) throws IOException {
        long size = e.getSize();
        // checked against the header before a byte is written: a tar that claims a huge file fails at once
        if (size < 0 || size > maxBytes - bytes) {
            throw refuse(name, "is " + size + " bytes; the layer would need more than the " + maxBytes
                    + " bytes free in the layer store");
        }
        bytes += size;
        Files.copy(data, p); // CREATE_NEW semantics: never opens an existing file or a symlink
    }

    private void link(Path p, TarArchiveEntry e, String name) throws IOException {
        List<String> target = components(e.getLinkName());
        if (target.isEmpty()) throw refuse(name, "is a hard link to the layer's root");
        Path t = parents(target.subList(0, target.size() - 1), name).resolve(target.get(target.size() - 1));
        if (!Files.exists(t, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(t, LinkOption.NOFOLLOW_LINKS)) {
            throw refuse(name, "is a hard link to " + Blobs.quote(e.getLinkName()) + ", which is not a file earlier in the layer");
        }
        Files.createLink(p, t); // link(2) does not follow a symlink target
    }

    /** The entry's name as path components: no absolute names, no "..", "." and empty parts dropped. */
    private List<String> components(String name) {
        if (name.startsWith("/")) throw refuse(name, "is an absolute path");
        List<String> out = new ArrayList<>();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) continue;
            if (c.equals("..")) throw refuse(name, "has a \"..\" component");
            if (c.indexOf('\0') >= 0) throw refuse(name, "has a NUL character");
            out.add(c);
        }
        return out;
    }

    /**
     * The parent directory inside the layer, made when missing (0755, as tar does). No component may be a
     * symlink or anything but a directory: writing through a link the tar planted is how a layer escapes.
     */
    private Path parents(List<String> dirsOnTheWay, String name) throws IOException {
        Path p = root;
        for (String c : dirsOnTheWay) {
            p = p.resolve(c);
            if (Files.isSymbolicLink(p)) throw refuse(name, "goes through the symlink " + root.relativize(p));
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) Files.createDirectory(p);
            else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                throw refuse(name, "goes through " + root.relativize(p) + ", which is not a directory");
            }
        }
        return p;
    }

    /** Removes what an earlier entry of this layer put at p (a later entry replaces it, as tar does). */
    private static void clear(Path p) throws IOException {
        try {
            Files.deleteIfExists(p);
        } catch (DirectoryNotEmptyException e) {
            LayerStore.deleteTree(p);
        }
    }

    private void attributes(Path p, TarArchiveEntry e) throws IOException {
        boolean link = e.isSymbolicLink();
        if (isRoot) {
            Files.setAttribute(p, "unix:uid", (int) e.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", (int) e.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
        }
        // after the chown, which clears set-id bits; symlinks have no mode of their own
        if (!link) Files.setAttribute(p, "unix:mode", e.getMode() & 07777, LinkOption.NOFOLLOW_LINKS);
        Files.getFileAttributeView(p, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.from(e.getLastModifiedTime().toInstant()), null, null);
    }

    private ImageException refuse(String entry, String why) {
        return new ImageException(where + ": tar entry " + Blobs.quote(entry) + " " + why + "; layer refused");
    }

}
