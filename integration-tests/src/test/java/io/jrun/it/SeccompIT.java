package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Security issue, seccomp: the compiled filter is loaded in the container and in processes exec'd into it. */
class SeccompIT extends ItBase {
    private static final String CAPS = "[\"CAP_CHOWN\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\", \"CAP_SYS_ADMIN\"]";

    /** Allow everything but unshare, which fails with errno 1 (EPERM). */
    private static final String DENY_UNSHARE = """
            {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
             "syscalls": [{"names": ["unshare"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}""";

    private Path bundleWith(String name, List<String> args, String seccomp) throws Exception {
        return bundle(name, args,
                Map.of("capabilities", "{\"bounding\": " + CAPS + ", \"effective\": " + CAPS + ", \"permitted\": " + CAPS + "}"),
                Map.of("seccomp", seccomp), null);
    }

    @Test
    void denyingUnshareFailsItWhileCapableChownWorks() throws Exception {
        Path b = bundleWith("deny", List.of("sh", "-c",
                "grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status; unshare -n true; echo unshare=$?; chown 1 /tmp; echo chown=$?"),
                DENY_UNSHARE);
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "deny");
        assertEquals(0, r.code(), r::toString);
        List<String> lines = r.out().strip().lines().toList();
        assertTrue(lines.contains("Seccomp:\t2"), r.out());
        assertTrue(lines.contains("NoNewPrivs:\t1"), r.out());
        assertTrue(lines.contains("unshare=1"), r.out());
        assertTrue(r.err().contains("Operation not permitted"), r.err());
        assertTrue(lines.contains("chown=0"), r.out());
    }

    @Test
    void errnoRetIsTheErrnoTheProcessSees() throws Exception {
        // ENOTSUP (95) instead of the default EPERM: the message tells which errno came back
        String profile = DENY_UNSHARE.replace("\"errnoRet\": 1", "\"errnoRet\": 95");
        Path b = bundleWith("enotsup", List.of("unshare", "-n", "true"), profile);
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "enotsup");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("not supported"), r::toString);
    }

    @Test
    void execJoinsTheContainersFilter() throws Exception {
        Path b = bundleWith("execd", List.of("sleep", "1000"), DENY_UNSHARE);
        ok("run", "--detach", "--bundle", b.toString(), "execd");
        Jrun.Result r = jrun.run("exec", "execd", "sh", "-c", "grep '^Seccomp:' /proc/self/status; unshare -n true; echo unshare=$?");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Seccomp:\t2"), r.out());
        assertTrue(r.out().contains("unshare=1"), r.out());
    }

    @Test
    void defaultProfileFromJrunSpecRuns() throws Exception {
        Path b = bundle("dflt", List.of("true"));
        Path specDir = Files.createDirectories(work.resolve("specdir"));
        ok("spec", "--bundle", specDir.toString());
        String json = Files.readString(specDir.resolve("config.json"));
        int at = json.indexOf("\"seccomp\"");
        assertTrue(at > 0, "jrun spec includes a seccomp profile");
        // Reuse the generated profile object verbatim in a test bundle.
        int start = json.indexOf('{', at);
        int depth = 0, end = start;
        for (; end < json.length(); end++) {
            char c = json.charAt(end);
            if (c == '{') depth++;
            if (c == '}' && --depth == 0) break;
        }
        Path b2 = bundleWith("dflt2", List.of("sh", "-c", "grep '^Seccomp:' /proc/self/status; unshare -U true; echo unshare=$?"),
                json.substring(start, end + 1));
        Jrun.Result r = jrun.run("run", "--bundle", b2.toString(), "dflt2");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Seccomp:\t2"), r.out());
        assertTrue(r.out().contains("unshare=1"), "user namespaces are denied by the default profile: " + r.out());
        assertEquals(0, jrun.run("run", "--bundle", b.toString(), "dflt").code());
    }

    @Test
    void invalidProfileIsRejectedByName() throws Exception {
        Path b = bundleWith("bad", List.of("true"),
                "{\"defaultAction\": \"SCMP_ACT_BOGUS\", \"syscalls\": []}");
        Jrun.Result r = jrun.run("create", "--bundle", b.toString(), "bad");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("linux.seccomp"), r::toString);
        assertTrue(Files.notExists(jrun.root.resolve("bad")));
    }
}
