package io.jrun.core.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Foreign-architecture images run under QEMU user-mode emulation through binfmt_misc: the kernel hands
 * every foreign ELF to the registered interpreter. With the F flag (fix-binary, as Debian's qemu-user-static
 * and qemu-user-binfmt register it) the kernel opens the interpreter at registration, so it works inside a
 * container whose root has no qemu at all. Before anything is created, jrun checks that such a handler is
 * there and says exactly what is missing.
 */
final class Emulation {
    static final Path BINFMT = Path.of("/proc/sys/fs/binfmt_misc");
    /** GOARCH to Debian's binfmt entry name (qemu-user-static's /usr/lib/binfmt.d files). */
    private static final Map<String, String> ENTRIES = Map.of("arm64", "qemu-aarch64", "arm", "qemu-arm",
            "riscv64", "qemu-riscv64", "s390x", "qemu-s390x", "ppc64le", "qemu-ppc64le", "386", "qemu-i386",
            "amd64", "qemu-x86_64", "mips64le", "qemu-mips64el");

    private Emulation() {}

    static boolean euidIsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static void check(Platform image) {
        Platform host = Platform.host();
        if (!image.os().equals("linux")) throw new ImageException("the image is for " + image + "; jrun runs linux images");
        if (image.architecture().equals(host.architecture())) return;
        String why = missing(image.architecture());
        if (why != null) {
            throw new ImageException("the image is for " + image + " and this machine is " + host + ": " + why);
        }
    }

    /** null when a usable handler is registered, else what is missing, in one sentence. */
    static String missing(String arch) {
        String name = ENTRIES.get(arch);
        if (name == null) return "jrun knows no QEMU binfmt_misc handler for " + arch;
        if (!Files.exists(BINFMT.resolve("status"))) {
            return "binfmt_misc is not mounted at " + BINFMT + " (mount -t binfmt_misc binfmt_misc " + BINFMT + ")";
        }
        Path entry = BINFMT.resolve(name);
        if (!Files.exists(entry)) {
            return "no binfmt_misc handler " + entry + " (install qemu-user-static and binfmt-support, or run"
                    + " update-binfmts --enable " + name + ")";
        }
        try {
            List<String> lines = Files.readAllLines(entry);
            if (!lines.contains("enabled")) return "the binfmt_misc handler " + entry + " is disabled (update-binfmts --enable " + name + ")";
            for (String l : lines) {
                if (l.startsWith("flags:") && !l.substring(6).contains("F")) {
                    return "the binfmt_misc handler " + entry + " lacks the F (fix-binary) flag, so the interpreter"
                            + " would have to be inside the image (use Debian's qemu-user-static registration)";
                }
            }
        } catch (IOException e) {
            return "cannot read " + entry + ": " + e.getMessage();
        }
        return null;
    }
}
