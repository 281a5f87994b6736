package io.jrun.core.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * config.User (image-spec config.md: "user", "uid", "user:group", "uid:gid", "user:gid", "uid:group") to ids,
 * names looked up in the image's own /etc/passwd and /etc/group, as the merged root will show them: the
 * topmost layer that has the file wins and a whiteout above it hides it (an opaque /etc is not
 * looked at: reading trusted.* xattrs needs native code; docs/images.md "Limits"). The files are read
 * only as regular files, never through a symlink (they come from the image).
 */
final class ImageUsers {
    record Ids(long uid, long gid, List<Long> groups, String home) {}

    private ImageUsers() {}

    static Ids resolve(String user, List<Path> layersTopFirst) {
        if (user == null || user.isEmpty()) user = "0";
        String u = user, g = null;
        int colon = user.indexOf(':');
        if (colon >= 0) {
            u = user.substring(0, colon);
            g = user.substring(colon + 1);
        }
        List<String[]> passwd = table(layersTopFirst, "passwd");
        List<String[]> group = table(layersTopFirst, "group");
        String[] pw = null;
        for (String[] e : passwd) {
            if (e.length >= 4 && (e[0].equals(u) || (isNum(u) && e[2].equals(u)))) {
                pw = e;
                break;
            }
        }
        long uid;
        if (isNum(u)) uid = Long.parseLong(u);
        else if (pw != null) uid = Long.parseLong(pw[2]);
        else throw new ImageException("image config: config.User " + Blobs.quote(user) + ": no user " + Blobs.quote(u)
                + " in the image's /etc/passwd");
        long gid;
        if (g != null && !g.isEmpty()) {
            gid = isNum(g) ? Long.parseLong(g) : groupId(group, g, user);
        } else {
            gid = pw != null ? Long.parseLong(pw[3]) : 0;
        }
        List<Long> extra = new ArrayList<>();
        if (pw != null && g == null) {
            for (String[] e : group) {
                if (e.length >= 4 && List.of(e[3].split(",")).contains(pw[0]) && isNum(e[2])) {
                    long id = Long.parseLong(e[2]);
                    if (id != gid && !extra.contains(id)) extra.add(id);
                }
            }
        }
        String home = pw != null && pw.length >= 6 && !pw[5].isEmpty() ? pw[5] : "/";
        return new Ids(uid, gid, extra, home);
    }

    private static long groupId(List<String[]> group, String name, String user) {
        for (String[] e : group) {
            if (e.length >= 3 && e[0].equals(name) && isNum(e[2])) return Long.parseLong(e[2]);
        }
        throw new ImageException("image config: config.User " + Blobs.quote(user) + ": no group " + Blobs.quote(name)
                + " in the image's /etc/group");
    }

    private static boolean isNum(String s) {
        if (s.isEmpty() || s.length() > 10) return false;
        for (int i = 0; i < s.length(); i++) if (!Character.isDigit(s.charAt(i))) return false;
        return Long.parseLong(s) <= 0xffffffffL;
    }

    /** /etc/NAME as the merged root shows it, split into colon-separated fields; empty when absent. */
    private static List<String[]> table(List<Path> layersTopFirst, String name) {
        for (Path fs : layersTopFirst) {
            Path etc = fs.resolve("etc");
            Path f = etc.resolve(name);
            try {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    List<String[]> out = new ArrayList<>();
                    for (String line : Files.readAllLines(f)) {
                        if (!line.isEmpty() && !line.startsWith("#")) out.add(line.split(":", -1));
                    }
                    return out;
                }
                if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) return List.of(); // a whiteout or something else
            } catch (IOException e) {
                throw new ImageException("image config: read the image's /etc/" + name + ": " + e.getMessage(), e);
            }
        }
        return List.of();
    }
}
