package io.jrun.core.spec;

import static io.jrun.core.spec.SpecTestSupport.config;
import static io.jrun.core.spec.SpecTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class SpecReaderTest {

    private static String configError(String json) {
        return assertThrows(SpecException.class, () -> SpecReader.parseConfig(json)).getMessage();
    }

    // ------------------------------------------------------------ the three clients' files

    @ParameterizedTest
    @FieldSource("io.jrun.core.spec.SpecTestSupport#CREATE_CONFIGS")
    void clientCreateConfigsParse(String name) {
        Spec s = config(name);
        assertEquals("1.0.2-dev", s.ociVersion());
        assertFalse(s.process().args().isEmpty());
        assertEquals(14, s.process().capabilities().bounding().size());
        assertNull(s.process().capabilities().inheritable(), "absent set stays null");
        assertEquals(5, s.linux().namespaces().size());
        assertTrue(s.unsupportedSections().isEmpty());
    }

    @ParameterizedTest
    @FieldSource("io.jrun.core.spec.SpecTestSupport#EXEC_PROCESSES")
    void clientExecProcessesParse(String name) {
        Spec.Process p = SpecReader.parseProcess(resource(name));
        assertTrue(p.terminal());
        assertEquals("sh", p.args().getFirst());
        assertEquals("/", p.cwd());
    }

    @Test
    void dockerValues() {
        Spec s = config("client-specs/docker-create-config-memory.json");
        assertEquals(67108864L, s.linux().resources().memory().limit());
        assertEquals(134217728L, s.linux().resources().memory().swap());
        assertEquals(Boolean.FALSE, s.linux().resources().memory().disableOOMKiller());
        assertEquals(0L, s.linux().resources().cpu().shares());
        assertEquals(0, s.linux().resources().blockIO().weight());
        assertEquals(0, s.process().oomScoreAdj());
        assertEquals(List.of(0L), s.process().user().additionalGids());
        assertEquals("0", s.linux().sysctl().get("net.ipv4.ip_unprivileged_port_start"));
        assertEquals("libnetwork-setkey", s.hooks().prestart().getFirst().args().getFirst());
        Spec.DeviceRule denyAll = s.linux().resources().devices().getFirst();
        assertFalse(denyAll.allow());
        assertNull(denyAll.type());
        assertNull(denyAll.major());
        // personality(0xffffffff) rule: a uint64 argument value above int range
        assertTrue(s.linux().seccomp().syscalls().stream()
                .flatMap(r -> r.args().stream())
                .anyMatch(a -> a.value() == 4294967295L && a.op().equals("SCMP_CMP_EQ")));
    }

    @Test
    void podmanValues() {
        Spec s = config("client-specs/podman-create-config-memory.json");
        assertEquals(18L, s.process().user().umask());
        assertEquals(38L, s.linux().seccomp().defaultErrnoRet());
        assertEquals(2048L, s.linux().resources().pids().limit());
        assertEquals(8, s.annotations().size());
        assertEquals("io.container.manager", s.annotations().keySet().iterator().next(), "document order kept");
        assertEquals(Rlimits.resource("RLIMIT_NPROC"), Rlimits.resource(s.process().rlimits().get(1).type()));
    }

    @Test
    void allFieldsBind() {
        Spec s = config("spec/all-fields.json");
        Spec.Process p = s.process();
        assertEquals(new Spec.ConsoleSize(25, 80), p.consoleSize());
        assertEquals(List.of(5L, 2147483647L), p.user().additionalGids());
        assertEquals("IOPRIO_CLASS_BE", p.ioPriority().ioClass());
        assertEquals(4, p.ioPriority().priority());
        assertEquals(new Spec.ExecCpuAffinity("0-1", "2"), p.execCPUAffinity());
        assertEquals(List.of(), p.capabilities().inheritable(), "given-but-empty set stays empty, not null");
        assertEquals(-1L, p.rlimits().get(1).hard(), "2^64-1 is kept as the same 64 bits");
        assertEquals(-1L, p.scheduler().period());
        assertEquals(-500, p.oomScoreAdj());
        Spec.Linux l = s.linux();
        assertEquals(-1L, l.resources().memory().limit());
        assertEquals(Boolean.TRUE, l.resources().cpu().idle());
        assertEquals(-1L, l.resources().cpu().quota());
        assertEquals(new Spec.TimeOffset(-10, 5), l.timeOffsets().get("monotonic"));
        assertEquals(438, l.devices().getFirst().fileMode());
        assertNull(l.devices().get(1).major());
        assertEquals("net1", l.netDevices().get("eth1").name());
        assertEquals(new Spec.Rdma(3L, 10000L), l.resources().rdma().get("mlx5_1"));
        assertEquals(-1L, l.seccomp().syscalls().get(1).args().getFirst().value());
        assertEquals(3L, l.seccomp().syscalls().get(1).args().getFirst().valueTwo());
        assertEquals(Boolean.FALSE, l.intelRdt().enableMBM());
        assertEquals("LINUX32", l.personality().domain());
        assertEquals(new Spec.WeightDevice(8, 16, null, null), l.resources().blockIO().weightDevice().get(1));
        assertEquals(100000L, s.mounts().get(1).uidMappings().getFirst().hostID());
        assertEquals(List.of("z.last", "a.first"), List.copyOf(s.annotations().keySet()));
    }

    // ------------------------------------------------------------ defaults for absent members

    @Test
    void absentMembersReadAsEmptyOrNull() {
        Spec s = SpecReader.parseConfig("{\"ociVersion\":\"1.2.0\",\"linux\":{}}");
        assertEquals(List.of(), s.mounts());
        assertEquals(Map.of(), s.annotations());
        assertNull(s.process());
        assertNull(s.root());
        assertNull(s.hooks());
        assertEquals(List.of(), s.linux().namespaces());
        assertEquals(Map.of(), s.linux().sysctl());
        assertNull(s.linux().resources());
        assertNull(s.linux().seccomp());
    }

    @Test
    void absentUserMeansRoot() {
        Spec.Process p = SpecReader.parseProcess("{\"args\":[\"sh\"],\"cwd\":\"/\"}");
        assertEquals(new Spec.User(0, 0, null, List.of(), null), p.user());
    }

    @Test
    void nullIsAbsent() {
        Spec s = SpecReader.parseConfig(
                "{\"ociVersion\":\"1.2.0\",\"mounts\":null,\"hostname\":null,\"linux\":{\"sysctl\":{\"a\":null}}}");
        assertEquals(List.of(), s.mounts());
        assertNull(s.hostname());
        assertEquals(Map.of(), s.linux().sysctl());
    }

    @Test
    void unknownPropertiesAreIgnored() {
        Spec s = SpecReader.parseConfig("{\"ociVersion\":\"1.2.0\",\"x-vendor\":{\"a\":[1,2.5,null]},"
                + "\"process\":{\"newThing\":true,\"args\":[\"sh\"],\"cwd\":\"/\"}}");
        assertEquals(List.of("sh"), s.process().args());
    }

    @Test
    void otherPlatformSectionsAreRecorded() {
        Spec s = SpecReader.parseConfig("{\"ociVersion\":\"1.2.0\",\"windows\":{},\"zos\":{},\"vm\":null}");
        assertEquals(List.of("windows", "zos"), s.unsupportedSections());
    }

    // ------------------------------------------------------------ type errors: path, expectation, value, place

    @Test
    void wrongTypeNamesPathValueAndPosition() {
        String json = """
                {
                  "ociVersion": "1.2.0",
                  "linux": {
                    "resources": {
                      "memory": {
                        "limit": "64M"
                      }
                    }
                  }
                }""";
        assertEquals("config.json: linux.resources.memory.limit: expected an integer, found \"64M\" (line 6, col 18)",
                configError(json));
    }

    @Test
    void arrayElementsAppearInPath() {
        String json = "{\"mounts\":[{\"destination\":\"/a\"},{\"destination\":7}]}";
        assertEquals("config.json: mounts[1].destination: expected a string, found 7 (line 1, col 48)",
                configError(json));
    }

    @Test
    void mapEntriesAppearQuotedInPath() {
        assertEquals("config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, found 1 (line 1, col 43)",
                configError("{\"linux\":{\"sysctl\":{\"net.ipv4.ip_forward\":1}}}"));
    }

    @Test
    void stringWhereListExpected() {
        assertEquals("config.json: process.args: expected an array of strings, found \"sh\" (line 1, col 20)",
                configError("{\"process\":{\"args\":\"sh\"}}"));
        assertEquals("config.json: process.args[1]: expected a string, found true (line 1, col 26)",
                configError("{\"process\":{\"args\":[\"sh\",true]}}"));
    }

    @Test
    void objectExpected() {
        assertEquals("config.json: linux: expected an object, found an array (line 1, col 10)",
                configError("{\"linux\":[]}"));
        assertEquals("config.json: expected an object, found an array (line 1, col 1)", configError("[1]"));
    }

    @Test
    void booleanExpected() {
        assertEquals("config.json: root.readonly: expected a boolean, found \"yes\" (line 1, col 21)",
                configError("{\"root\":{\"readonly\":\"yes\"}}"));
    }

    @Test
    void uint64AcceptsFullRangeAndRejectsBeyond() {
        String ok = "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"soft\":18446744073709551615,"
                + "\"hard\":18446744073709551615}]}}";
        assertEquals(-1L, SpecReader.parseConfig(ok).process().rlimits().getFirst().soft());
        assertEquals("config.json: process.rlimits[0].soft: expected an integer between 0 and 18446744073709551615, "
                        + "found 18446744073709551616 (line 1, col 32)",
                configError("{\"process\":{\"rlimits\":[{\"soft\":18446744073709551616}]}}"));
        assertEquals("config.json: process.rlimits[0].soft: expected an integer between 0 and 18446744073709551615, "
                        + "found -1 (line 1, col 32)",
                configError("{\"process\":{\"rlimits\":[{\"soft\":-1}]}}"));
    }

    @Test
    void intFieldsAreRangeChecked() {
        assertEquals("config.json: process.oomScoreAdj: expected an integer between -2147483648 and 2147483647, "
                        + "found 2147483648 (line 1, col 27)",
                configError("{\"process\":{\"oomScoreAdj\":2147483648}}"));
        assertEquals("config.json: process.user.uid: expected an integer between 0 and 4294967295, found -1 "
                        + "(line 1, col 27)",
                configError("{\"process\":{\"user\":{\"uid\":-1}}}"));
        assertEquals("config.json: linux.resources.blockIO.weight: expected an integer between 0 and 65535, "
                        + "found 70000 (line 1, col 44)",
                configError("{\"linux\":{\"resources\":{\"blockIO\":{\"weight\":70000}}}}"));
    }

    @Test
    void fractionsAreNotIntegers() {
        assertEquals("config.json: linux.resources.pids.limit: expected an integer, found 1.5 (line 1, col 40)",
                configError("{\"linux\":{\"resources\":{\"pids\":{\"limit\":1.5}}}}"));
        assertEquals("config.json: linux.resources.pids.limit: expected an integer, found 1e3 (line 1, col 40)",
                configError("{\"linux\":{\"resources\":{\"pids\":{\"limit\":1e3}}}}"));
    }

    @Test
    void cpuIdleIsZeroOrOne() {
        assertEquals(Boolean.FALSE, SpecReader.parseConfig("{\"linux\":{\"resources\":{\"cpu\":{\"idle\":0}}}}")
                .linux().resources().cpu().idle());
        assertEquals("config.json: linux.resources.cpu.idle: expected 0 or 1, found 2 (line 1, col 38)",
                configError("{\"linux\":{\"resources\":{\"cpu\":{\"idle\":2}}}}"));
    }

    @Test
    void longStringsAreShortenedAndEscapedInMessages() {
        String msg = configError("{\"ociVersion\":[],\"hostname\":7,\"root\":{\"path\":\"a\\nb\"},\"linux\":{\"cgroupsPath\":1}}");
        // First error wins, and stays on one line.
        assertFalse(msg.contains("\n"));
        assertTrue(msg.startsWith("config.json: ociVersion: expected a string, found an array"), msg);
        String msg2 = configError("{\"process\":{\"cwd\":[\"" + "x".repeat(100) + "\"]}}");
        assertTrue(msg2.startsWith("config.json: process.cwd: expected a string, found an array"), msg2);
        String msg3 = configError("{\"process\":{\"args\":\"line1\\nline2" + "y".repeat(100) + "\"}}");
        assertFalse(msg3.contains("\n"), msg3);
        assertTrue(msg3.contains("\"line1\\nline2yyy"), msg3);
        assertTrue(msg3.contains("...\""), msg3);
    }

    // ------------------------------------------------------------ malformed JSON and files

    @Test
    void malformedJsonGivesOneLineWithPosition() {
        String msg = configError("{\n  \"ociVersion\": \"1.2.0\",\n  \"process\": {\"args\": [\"sh\",]}\n}");
        assertTrue(msg.startsWith("config.json: invalid JSON: "), msg);
        assertTrue(msg.endsWith("(line 3, col 29)"), msg);
        assertFalse(msg.contains("\n"), msg);
    }

    @Test
    void truncatedJson() {
        String msg = configError("{\"ociVersion\": ");
        assertTrue(msg.startsWith("config.json: invalid JSON: Unexpected end-of-input"), msg);
        assertTrue(msg.matches(".*\\(line 1, col \\d+\\)$"), msg);
        assertFalse(msg.contains("\n"), msg);
    }

    @Test
    void trailingDataIsRejected() {
        assertEquals("config.json: invalid JSON: unexpected data after the top-level value (line 1, col 4)",
                configError("{} {}"));
    }

    @Test
    void emptyDocument() {
        assertEquals("config.json: invalid JSON: empty document (line 1, col 1)", configError("  "));
    }

    @Test
    void nulInAStringThatReachesThePlanIsRefusedByField() {
        // java.nio's "Nul character not allowed: /mntx" named no field; the helper's C strings would cut it
        assertEquals("config.json: mounts[1].destination: must not contain a NUL character (line 1, col 69)",
                configError("{\"ociVersion\":\"1.2.0\",\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/mnt\\u0000x\"}]}"));
        assertEquals("config.json: process.args[1]: must not contain a NUL character (line 1, col 26)",
                configError("{\"process\":{\"args\":[\"sh\",\"a\\u0000\"]}}"));
        assertEquals("config.json: linux.sysctl[\"net.x\"]: must not contain a NUL character (line 1, col 29)",
                configError("{\"linux\":{\"sysctl\":{\"net.x\":\"1\\u0000\"}}}"));
        assertEquals("config.json: linux.sysctl: a key must not contain a NUL character (line 1, col 34)",
                configError("{\"linux\":{\"sysctl\":{\"net\\u0000x\":\"1\"}}}"));
        // annotations are only stored (state.json escapes NUL): kept, as runc keeps them
        assertEquals("a\0b", SpecReader.parseConfig("{\"annotations\":{\"k\":\"a\\u0000b\"}}").annotations().get("k"));
    }

    @Test
    void typeErrorsQuoteAtMostAHundredCharacters() {
        String msg = configError("{\"ociVersion\":\"1.2.0\",\"linux\":{\"resources\":{\"memory\":{\"limit\":\""
                + "9".repeat(4000) + "\"}}}}");
        assertTrue(msg.startsWith("config.json: linux.resources.memory.limit: expected an integer, found \""
                + "9".repeat(100) + "...\" (line"), msg);
    }

    @Test
    void oversizedAndSpecialFilesAreRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("config.json");
        Files.write(f, new byte[(4 << 20) + 1]);
        assertEquals("config.json: " + f + " is larger than the limit of 4194304 bytes",
                assertThrows(SpecException.class, () -> SpecReader.readConfig(f)).getMessage());
        Files.delete(f);
        Files.createSymbolicLink(f, Path.of("/dev/zero"));
        assertEquals("config.json: " + f + " is not a regular file",
                assertThrows(SpecException.class, () -> SpecReader.readConfig(f)).getMessage());
        Path fifo = dir.resolve("process.json");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        // refused before it is opened: opening a FIFO would wait for a writer
        assertEquals("process.json: " + fifo + " is not a regular file",
                assertThrows(SpecException.class, () -> SpecReader.readProcess(fifo)).getMessage());
        // a symbolic link to a regular file is read as before
        Files.delete(f);
        Path real = dir.resolve("real.json");
        Files.writeString(real, "{\"ociVersion\":\"1.2.0\"}");
        Files.createSymbolicLink(f, real);
        assertEquals("1.2.0", SpecReader.readConfig(f).ociVersion());
        SpecException e = assertThrows(SpecException.class, () -> SpecReader.readResources(
                new java.io.ByteArrayInputStream(new byte[(4 << 20) + 1]), "stdin"));
        assertEquals("stdin: the input is larger than the limit of 4194304 bytes", e.getMessage());
    }

    @Test
    void missingFileIsWordedLikeRunc(@TempDir Path dir) {
        Path f = dir.resolve("config.json");
        SpecException e = assertThrows(SpecException.class, () -> SpecReader.readConfig(f));
        assertEquals("config.json: open " + f + ": no such file or directory", e.getMessage());
        SpecException e2 = assertThrows(SpecException.class, () -> SpecReader.readProcess(dir.resolve("p.json")));
        assertEquals("p.json: open " + dir.resolve("p.json") + ": no such file or directory", e2.getMessage());
    }

    @Test
    void readsFiles(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("config.json");
        Files.writeString(f, resource("client-specs/containerd-create-config.json"));
        assertEquals("/default/c3", SpecReader.readConfig(f).linux().cgroupsPath());
        Path p = dir.resolve("process.json");
        Files.writeString(p, "{\"args\":[\"ls\"],\"cwd\":\"/\",\"terminal\":7}");
        SpecException e = assertThrows(SpecException.class, () -> SpecReader.readProcess(p));
        assertEquals("process.json: terminal: expected a boolean, found 7 (line 1, col 37)", e.getMessage());
    }
}
