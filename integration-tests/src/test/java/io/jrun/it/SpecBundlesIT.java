package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Launch engine: the default configs of `runc spec` and `jrun spec` run as they are, changing only
 * process.args, terminal and an absolute cgroupsPath under the test's parent.
 */
class SpecBundlesIT extends ItBase {
    private static final Path RUNC = Path.of("/usr/sbin/runc");

    /** The bundle dir with a busybox rootfs and the config.json {@code specCommand} wrote there. */
    private Path specBundle(String id, List<String> specCommand) throws Exception {
        Path b = work.resolve(id);
        Files.createDirectories(b);
        Bundles.rootfs(b);
        Jrun.Result r = Jrun.exec(b, specCommand);
        assertEquals(0, r.code(), r::toString);
        Path c = b.resolve("config.json");
        String s = Files.readString(c);
        s = replaceOnce(s, "\"terminal\":\\s*true", "\"terminal\": false");
        s = replaceOnce(s, "\"args\":\\s*\\[\\s*\"sh\"\\s*\\]",
                "\"args\": [\"sh\", \"-c\", \"echo spec ok; hostname; ls /sys/fs/cgroup >/dev/null && echo cgroup ok\"]");
        s = replaceOnce(s, "\"linux\":\\s*\\{", "\"linux\": {\"cgroupsPath\": " + Bundles.q(cgroupParent + "/" + id) + ",");
        Files.writeString(c, s);
        return b;
    }

    private static String replaceOnce(String s, String regex, String replacement) {
        Matcher m = Pattern.compile(regex).matcher(s);
        assertTrue(m.find(), "default spec has " + regex);
        return m.replaceFirst(Matcher.quoteReplacement(replacement));
    }

    private void runs(Path b, String id) throws Exception {
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), id);
        assertEquals(0, r.code(), r::toString);
        List<String> out = r.out().strip().lines().toList();
        assertEquals("spec ok", out.getFirst(), r::toString);
        assertTrue(out.contains("cgroup ok"), r::toString);
        assertTrue(Files.notExists(jrun.root.resolve(id)));
        assertEquals(List.of(), LaunchSupport.cgroupDirs(cgroupParent + "/" + id));
    }

    @Test
    void runcSpecBundleRuns() throws Exception {
        assumeTrue(Files.isExecutable(RUNC), "runc not installed");
        runs(specBundle("runcspec", List.of(RUNC.toString(), "spec")), "runcspec");
    }

    @Test
    void jrunSpecBundleRuns() throws Exception {
        runs(specBundle("jrunspec", List.of(Jrun.BIN, "spec")), "jrunspec");
    }
}
