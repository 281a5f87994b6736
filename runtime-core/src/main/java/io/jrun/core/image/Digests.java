package io.jrun.core.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Content digests (image-spec descriptor.md "Digests"): sha256 and sha512, lower-case hex. */
final class Digests {
    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final Pattern SHA512 = Pattern.compile("sha512:[a-f0-9]{128}");

    private Digests() {}

    /** Refuses anything but a well-formed sha256/sha512 digest: digests become file names in the store. */
    static void check(String digest, String where) {
        if (digest == null || !(SHA256.matcher(digest).matches() || SHA512.matcher(digest).matches())) {
            throw new ImageException(where + ": digest " + Blobs.quote(digest) + " is not sha256:<64 hex> or sha512:<128 hex>");
        }
    }

    static MessageDigest newDigest(String digest) {
        try {
            return MessageDigest.getInstance(digest.startsWith("sha512:") ? "SHA-512" : "SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String of(MessageDigest md, String like) {
        return like.substring(0, like.indexOf(':') + 1) + HexFormat.of().formatHex(md.digest());
    }

    static String sha256(byte[] data) {
        MessageDigest md = newDigest("sha256:");
        md.update(data);
        return of(md, "sha256:");
    }

    /** "sha256:abc..." to "sha256/abc...": the blob's path under blobs/ and the layer's under the store. */
    static String path(String digest) {
        return digest.replace(':', '/');
    }
}
