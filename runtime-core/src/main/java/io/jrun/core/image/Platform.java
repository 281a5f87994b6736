package io.jrun.core.image;

/**
 * An image platform (image-spec image-index.md "platform"): os, architecture (GOARCH names) and an optional
 * variant. arm64 images say "v8" or nothing for the same thing, so an absent variant matches any.
 */
public record Platform(String os, String architecture, String variant) {
    public static Platform parse(String text) {
        String[] p = text.split("/", -1);
        if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty() || (p.length == 3 && p[2].isEmpty())) {
            throw new ImageException("--platform: \"" + text + "\" is not OS/ARCH[/VARIANT] (e.g. linux/arm64)");
        }
        return new Platform(p[0], p[1], p.length == 3 ? p[2] : null);
    }

    /** The machine jrun runs on, in GOARCH names (what image indexes use). */
    public static Platform host() {
        return new Platform("linux", goArch(System.getProperty("os.arch")), null);
    }

    /** Java's os.arch and uname's machine names to GOARCH. */
    static String goArch(String arch) {
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i486", "i586", "i686" -> "386";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            case "arm" -> "arm";
            default -> arch;
        };
    }

    public boolean matches(Platform other) {
        if (!os.equals(other.os) || !architecture.equals(other.architecture)) return false;
        return variant == null || other.variant == null || variant.equals(other.variant);
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
