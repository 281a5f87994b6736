package io.jrun.core.criu;

import io.jrun.core.JrunException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What checkpoint tells restore beside criu's images, in {@code jrun-criu.txt} of the image directory: how each
 * of the init's stdio fds was dumped (its criu key when it was an external file, e.g. a host /dev/null), which
 * cgroup v1 hierarchy each external cgroup mount in the container showed, and which bind mounts were external.
 * One entry a line, tab-separated: {@code stdio FD KEY MODE} (MODE: the file's st_mode, octal), {@code cgroup MOUNTPOINT CONTROLLER}, {@code bind DEST}.
 * runc's {@code descriptors.json} (the stdio link targets) is written too, for tools that read it.
 */
public record Manifest(Map<Integer, String> stdio, Map<String, String> cgroupMounts, List<String> binds) {
    public static final String FILE = "jrun-criu.txt";

    public void write(Path imageDir) {
        StringBuilder sb = new StringBuilder("# jrun checkpoint manifest (docs/checkpoint.md)\n");
        stdio.forEach((fd, key) -> sb.append("stdio\t").append(fd).append('\t').append(key).append('\n'));
        cgroupMounts.forEach((mp, c) -> sb.append("cgroup\t").append(mp).append('\t').append(c).append('\n'));
        for (String b : binds) sb.append("bind\t").append(b).append('\n');
        try {
            Files.writeString(imageDir.resolve(FILE), sb.toString());
        } catch (IOException e) {
            throw new JrunException("write " + imageDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    public static Manifest read(Path imageDir) {
        Path f = imageDir.resolve(FILE);
        List<String> lines;
        try {
            lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new JrunException("image path " + imageDir + " has no jrun checkpoint (" + FILE + "): "
                    + e.getMessage(), e);
        }
        Map<Integer, String> stdio = new LinkedHashMap<>();
        Map<String, String> cgroups = new LinkedHashMap<>();
        List<String> binds = new ArrayList<>();
        for (String line : lines) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f2 = line.split("\t");
            switch (f2[0]) {
                case "stdio" -> stdio.put(Integer.parseInt(f2[1]), f2.length > 3 ? f2[2] + "\t" + f2[3] : f2[2]);
                case "cgroup" -> cgroups.put(f2[1], f2[2]);
                case "bind" -> binds.add(f2[1]);
                default -> throw new JrunException(f + ": unknown entry " + f2[0]);
            }
        }
        return new Manifest(stdio, cgroups, binds);
    }
}
