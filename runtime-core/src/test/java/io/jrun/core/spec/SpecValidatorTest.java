package io.jrun.core.spec;

import static io.jrun.core.spec.SpecTestSupport.config;
import static io.jrun.core.spec.SpecTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class SpecValidatorTest {

    /**
     * A minimal valid config with extra members spliced into the top level, process and linux objects (each
     * extra starts with a comma when non-empty).
     */
    private static Spec spec(String top, String process, String linux) {
        return SpecReader.parseConfig("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                + "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"" + process + "},"
                + "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"uts\"}]" + linux + "}"
                + top + "}");
    }

    private static String invalid(String top, String process, String linux) {
        Spec s = spec(top, process, linux);
        return assertThrows(SpecException.class, () -> SpecValidator.validate(s, null)).getMessage();
    }

    private static String invalidProcess(String p) {
        return invalid("", p, "");
    }

    private static String invalidLinux(String l) {
        return invalid("", "", l);
    }

    @Test
    void minimalIsValid() {
        assertDoesNotThrow(() -> SpecValidator.validate(spec("", "", ""), null));
    }

    @ParameterizedTest
    @FieldSource("io.jrun.core.spec.SpecTestSupport#CREATE_CONFIGS")
    void clientConfigsAreValid(String name) {
        assertDoesNotThrow(() -> SpecValidator.validate(config(name), null));
    }

    @ParameterizedTest
    @FieldSource("io.jrun.core.spec.SpecTestSupport#EXEC_PROCESSES")
    void clientProcessesAreValid(String name) {
        assertDoesNotThrow(() -> SpecValidator.validateProcess(SpecReader.parseProcess(resource(name))));
    }

    @Test
    void allFieldsFixtureIsValid() {
        assertDoesNotThrow(() -> SpecValidator.validate(config("spec/all-fields.json"), null));
    }

    // ------------------------------------------------------------ top level

    @Test
    void ociVersion() {
        Spec noVersion = SpecReader.parseConfig("{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"}}");
        assertEquals("config.json: ociVersion: required",
                assertThrows(SpecException.class, () -> SpecValidator.validate(noVersion, null)).getMessage());
        Spec v2 = SpecReader.parseConfig("{\"ociVersion\":\"2.0.0\"}");
        assertEquals("config.json: ociVersion: unsupported version \"2.0.0\" (jrun implements 1.x)",
                assertThrows(SpecException.class, () -> SpecValidator.validate(v2, null)).getMessage());
    }

    @Test
    void otherPlatformsAreRejectedByName() {
        assertEquals("config.json: windows: not supported on Linux", invalid(",\"windows\":{}", "", ""));
    }

    @Test
    void rootAndProcessRequired() {
        Spec noRoot = SpecReader.parseConfig("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"}}");
        assertEquals("config.json: root.path: required",
                assertThrows(SpecException.class, () -> SpecValidator.validate(noRoot, null)).getMessage());
        Spec noProcess = SpecReader.parseConfig("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"}}");
        assertEquals("config.json: process: required for create",
                assertThrows(SpecException.class, () -> SpecValidator.validate(noProcess, null)).getMessage());
    }

    @Test
    void rootfsMustExistInBundle(@TempDir Path bundle) throws Exception {
        Spec s = spec("", "", "");
        assertEquals("config.json: root.path: invalid rootfs: stat " + bundle.resolve("rootfs")
                        + ": no such file or directory",
                assertThrows(SpecException.class, () -> SpecValidator.validate(s, bundle)).getMessage());
        Files.createDirectory(bundle.resolve("rootfs"));
        assertDoesNotThrow(() -> SpecValidator.validate(s, bundle));
    }

    // ------------------------------------------------------------ process

    @Test
    void argsAndCwd() {
        assertEquals("config.json: process.args: must not be empty", invalidProcess(",\"args\":[]"));
        assertEquals("config.json: process.cwd: must be an absolute path, found \"home\"",
                invalidProcess(",\"cwd\":\"home\""));
        Spec.Process p = SpecReader.parseProcess("{\"args\":[],\"cwd\":\"/\"}");
        assertEquals("process.json: args: must not be empty",
                assertThrows(SpecException.class, () -> SpecValidator.validateProcess(p)).getMessage());
    }

    @Test
    void unknownCapability() {
        assertEquals("config.json: process.capabilities.effective[1]: unknown capability \"CAP_FOO\"",
                invalidProcess(",\"capabilities\":{\"effective\":[\"CAP_KILL\",\"CAP_FOO\"]}"));
        assertEquals("config.json: process.capabilities.ambient[0]: unknown capability \"cap_kill\"",
                invalidProcess(",\"capabilities\":{\"ambient\":[\"cap_kill\"]}"));
    }

    @Test
    void rlimits() {
        assertEquals("config.json: process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"",
                invalidProcess(",\"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"soft\":1,\"hard\":1}]"));
        assertEquals("config.json: process.rlimits[0]: soft limit 18446744073709551615 is above hard limit 10",
                invalidProcess(",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":18446744073709551615,\"hard\":10}]"));
        assertEquals("config.json: process.rlimits[1].type: duplicate rlimit RLIMIT_NOFILE",
                invalidProcess(",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":1},"
                        + "{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":1}]"));
        // unlimited hard with a finite soft is fine (unsigned comparison)
        assertDoesNotThrow(() -> SpecValidator.validate(spec("", ",\"rlimits\":[{\"type\":\"RLIMIT_CORE\","
                + "\"soft\":0,\"hard\":18446744073709551615}]", ""), null));
    }

    // ------------------------------------------------------------ hardening: ids, device numbers, bounded quotes

    private static final String RANGE = "uids and gids must be in range 0-2147483647";

    @Test
    void idsAboveTheSignedRangeAreRefused() {
        // 4294967295 is (uid_t) -1: setresuid(-1, ...) changes nothing and the process stayed root
        assertEquals("config.json: process.user.uid: " + RANGE,
                invalidProcess(",\"user\":{\"uid\":4294967295,\"gid\":0}"));
        assertEquals("config.json: process.user.gid: " + RANGE,
                invalidProcess(",\"user\":{\"uid\":0,\"gid\":2147483648}"));
        assertEquals("config.json: process.user.additionalGids[1]: " + RANGE,
                invalidProcess(",\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[5,4294967295]}"));
        assertDoesNotThrow(() -> SpecValidator.validate(
                spec("", ",\"user\":{\"uid\":2147483647,\"gid\":2147483647}", ""), null));
        Spec.Process p = SpecReader.parseProcess("{\"args\":[\"id\"],\"cwd\":\"/\",\"user\":{\"uid\":4294967295}}");
        assertEquals("process.json: user.uid: " + RANGE,
                assertThrows(SpecException.class, () -> SpecValidator.validateProcess(p)).getMessage());
    }

    @Test
    void idMappingsStayInTheSignedRange() {
        String ns = ",\"namespaces\":[{\"type\":\"user\"},{\"type\":\"mount\"}]";
        assertEquals("config.json: linux.uidMappings[0].hostID: " + RANGE, invalidLinux(ns
                + ",\"uidMappings\":[{\"containerID\":0,\"hostID\":4294967295,\"size\":1}]"));
        assertEquals("config.json: linux.gidMappings[1].containerID: " + RANGE, invalidLinux(ns
                + ",\"gidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":1},"
                + "{\"containerID\":4294967295,\"hostID\":1,\"size\":1}]"));
        assertEquals("config.json: linux.uidMappings[0].size: " + RANGE, invalidLinux(ns
                + ",\"uidMappings\":[{\"containerID\":0,\"hostID\":2147418112,\"size\":65537}]"));
        assertDoesNotThrow(() -> SpecValidator.validate(spec("", "", ns
                + ",\"uidMappings\":[{\"containerID\":0,\"hostID\":2147418112,\"size\":65536}]"
                + ",\"gidMappings\":[{\"containerID\":0,\"hostID\":2147418112,\"size\":65536}]"), null));
        assertEquals("config.json: mounts[0].uidMappings[0].hostID: " + RANGE, invalid(",\"mounts\":[{\"destination\":\"/m\","
                + "\"uidMappings\":[{\"containerID\":0,\"hostID\":4294967295,\"size\":1}],"
                + "\"gidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":1}]}]", "", ""));
    }

    @Test
    void negativeDeviceNumbersOtherThanMinusOneAreRefused() {
        // -2 used to become "*" in devices.allow and no check at all in the eBPF program
        assertEquals("config.json: linux.resources.devices[2].major: must be -1 (all) or a device number from 0 "
                + "to 4294967295, found -2", invalidLinux(",\"resources\":{\"devices\":[{\"allow\":false},"
                + "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3},"
                + "{\"allow\":true,\"type\":\"c\",\"major\":-2,\"access\":\"rwm\"}]}"));
        assertEquals("config.json: linux.resources.devices[0].minor: must be -1 (all) or a device number from 0 "
                + "to 4294967295, found 4294967296", invalidLinux(",\"resources\":{\"devices\":["
                + "{\"allow\":true,\"type\":\"b\",\"major\":8,\"minor\":4294967296}]}"));
        assertDoesNotThrow(() -> SpecValidator.validate(spec("", "", ",\"resources\":{\"devices\":["
                + "{\"allow\":true,\"type\":\"c\",\"major\":-1,\"minor\":-1,\"access\":\"rwm\"}]}"), null));
        assertEquals("config.json: linux.devices[0].minor: must be a device number from 0 to 4294967295, found -1",
                invalidLinux(",\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":-1}]"));
        assertEquals("config.json: linux.devices[0].uid: " + RANGE, invalidLinux(",\"devices\":[{\"path\":\"/dev/x\","
                + "\"type\":\"c\",\"major\":1,\"minor\":1,\"uid\":4294967295}]"));
    }

    @Test
    void longValuesAreQuotedBounded() {
        String cwd = "x".repeat(4000);
        assertEquals("config.json: process.cwd: must be an absolute path, found \"" + "x".repeat(100) + "...\"",
                invalidProcess(",\"cwd\":\"" + cwd + "\""));
        String msg = invalidProcess(",\"capabilities\":{\"bounding\":[\"CAP_" + "Y".repeat(3000) + "\"]}");
        assertEquals("config.json: process.capabilities.bounding[0]: unknown capability \"CAP_" + "Y".repeat(96)
                + "...\"", msg);
    }

    @Test
    void umaskAndOomScoreAdj() {
        assertEquals("config.json: process.user.umask: must be at most 0777 (511), found 512",
                invalidProcess(",\"user\":{\"uid\":0,\"gid\":0,\"umask\":512}"));
        assertEquals("config.json: process.oomScoreAdj: must be between -1000 and 1000, found 1001",
                invalidProcess(",\"oomScoreAdj\":1001"));
        assertEquals("config.json: process.oomScoreAdj: must be between -1000 and 1000, found -1001",
                invalidProcess(",\"oomScoreAdj\":-1001"));
    }

    @Test
    void scheduler() {
        assertEquals("config.json: process.scheduler.policy: unknown policy \"SCHED_FAST\"",
                invalidProcess(",\"scheduler\":{\"policy\":\"SCHED_FAST\"}"));
        assertEquals("config.json: process.scheduler.flags[0]: unknown flag \"SCHED_FLAG_X\"",
                invalidProcess(",\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"flags\":[\"SCHED_FLAG_X\"]}"));
        assertEquals("config.json: process.scheduler.priority: can only be set for SCHED_FIFO or SCHED_RR",
                invalidProcess(",\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"priority\":5}"));
        assertEquals("config.json: process.scheduler.nice: must be between -20 and 19, found 20",
                invalidProcess(",\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"nice\":20}"));
        assertEquals("config.json: process.scheduler.policy: unknown policy nothing",
                invalidProcess(",\"scheduler\":{}"));
    }

    @Test
    void ioPriority() {
        assertEquals("config.json: process.ioPriority.class: unknown class \"IOPRIO_CLASS_NONE\" "
                        + "(want IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE)",
                invalidProcess(",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_NONE\",\"priority\":0}"));
        assertEquals("config.json: process.ioPriority.priority: must be between 0 and 7, found 8",
                invalidProcess(",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_RT\",\"priority\":8}"));
    }

    // ------------------------------------------------------------ mounts and hooks

    @Test
    void relativeMountDestination() {
        assertEquals("config.json: mounts[1].destination: must be an absolute path, found \"tmp\" "
                        + "(tmpfs mount of \"tmpfs\")",
                invalid(",\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
                        + "{\"destination\":\"tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}]", "", ""));
        assertEquals("config.json: mounts[0].destination: required",
                invalid(",\"mounts\":[{\"type\":\"proc\"}]", "", ""));
    }

    @Test
    void procMustBeProcfsAndOnlyReplaceableFilesMayBeMountedInsideIt() {
        // CVE-2019-16884 class: a bind of a directory of symlinks at /proc redirected the masking
        assertEquals("config.json: mounts[0].type: /proc must be mounted with type proc, found \"bind\"",
                invalid(",\"mounts\":[{\"destination\":\"/proc\",\"type\":\"bind\",\"source\":\"/tmp\","
                        + "\"options\":[\"rbind\"]}]", "", ""));
        assertEquals("config.json: mounts[0].type: /proc must be mounted with type proc, found nothing",
                invalid(",\"mounts\":[{\"destination\":\"/proc/./\",\"source\":\"/tmp\",\"options\":[\"bind\"]}]", "", ""));
        assertEquals("config.json: mounts[1].destination: \"/proc/sys\" cannot be mounted because it is inside /proc",
                invalid(",\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
                        + "{\"destination\":\"/proc/sys\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}]", "", ""));
        // lxcfs-style replacements and procfs sources stay allowed, as in runc
        assertDoesNotThrow(() -> SpecValidator.validate(spec(",\"mounts\":[{\"destination\":\"/proc/meminfo\","
                + "\"type\":\"bind\",\"source\":\"/etc/hostname\",\"options\":[\"bind\"]},"
                + "{\"destination\":\"/proc/sys/net\",\"type\":\"bind\",\"source\":\"/proc/sys/net\","
                + "\"options\":[\"rbind\"]}]", "", ""), null));
    }

    @Test
    void hooks() {
        assertEquals("config.json: hooks.poststop[0].path: must be an absolute path, found \"hook.sh\"",
                invalid(",\"hooks\":{\"poststop\":[{\"path\":\"hook.sh\"}]}", "", ""));
        assertEquals("config.json: hooks.prestart[0].timeout: must be greater than zero, found 0",
                invalid(",\"hooks\":{\"prestart\":[{\"path\":\"/bin/true\",\"timeout\":0}]}", "", ""));
        assertEquals("config.json: hooks.createRuntime[0].path: required",
                invalid(",\"hooks\":{\"createRuntime\":[{}]}", "", ""));
    }

    // ------------------------------------------------------------ linux

    @Test
    void namespaces() {
        assertEquals("config.json: linux.namespaces[3].type: duplicate namespace \"pid\"",
                invalidLinux(",\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"uts\"},"
                        + "{\"type\":\"pid\"}]"));
        assertEquals("config.json: linux.namespaces[0].type: unknown namespace type \"net\"",
                invalidLinux(",\"namespaces\":[{\"type\":\"net\"}]"));
        assertEquals("config.json: linux.namespaces[0].path: must be an absolute path, found \"proc/1/ns/net\"",
                invalidLinux(",\"namespaces\":[{\"type\":\"network\",\"path\":\"proc/1/ns/net\"}]"));
    }

    @Test
    void mappingsNeedUserNamespace() {
        assertEquals("config.json: linux.uidMappings: requires a user namespace in linux.namespaces",
                invalidLinux(",\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"));
        assertEquals("config.json: linux.gidMappings: requires a user namespace in linux.namespaces",
                invalidLinux(",\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"));
        assertDoesNotThrow(() -> SpecValidator.validate(spec("", "", ",\"namespaces\":[{\"type\":\"user\"}],"
                + "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"), null));
    }

    @Test
    void timeOffsetsNeedTimeNamespace() {
        assertEquals("config.json: linux.timeOffsets: requires a time namespace in linux.namespaces",
                invalidLinux(",\"timeOffsets\":{\"monotonic\":{\"secs\":1}}"));
        assertEquals("config.json: linux.timeOffsets[\"realtime\"]: unknown clock (want monotonic or boottime)",
                invalidLinux(",\"namespaces\":[{\"type\":\"time\"}],\"timeOffsets\":{\"realtime\":{\"secs\":1}}"));
    }

    @Test
    void hostnameNeedsUtsNamespace() {
        assertEquals("config.json: hostname: requires a new uts namespace",
                invalid(",\"hostname\":\"h\"", "", ",\"namespaces\":[{\"type\":\"pid\"}]"));
    }

    @Test
    void sysctlAndPropagation() {
        assertEquals("config.json: linux.sysctl: empty key", invalidLinux(",\"sysctl\":{\"\":\"1\"}"));
        assertEquals("config.json: linux.rootfsPropagation: unknown propagation \"rshare\" "
                        + "(want shared, slave, private, unbindable or their r-prefixed forms)",
                invalidLinux(",\"rootfsPropagation\":\"rshare\""));
    }

    @Test
    void sysctlMustBelongToAContainerNamespace() {
        // the default namespaces here: pid, mount, uts
        assertEquals("config.json: linux.sysctl: sysctl \"kernel.panic\" is not in a separate kernel namespace",
                invalidLinux(",\"sysctl\":{\"kernel.panic\":\"5\"}"));
        assertEquals("config.json: linux.sysctl: sysctl \"net.ipv4.ip_forward\" is not allowed in the hosts network namespace",
                invalidLinux(",\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}"));
        assertEquals("config.json: linux.sysctl: sysctl \"kernel.msgmax\" is not allowed in the hosts ipc namespace",
                invalidLinux(",\"sysctl\":{\"kernel.msgmax\":\"1\"}"));
        assertEquals("config.json: linux.sysctl: sysctl \"fs.mqueue.msg_max\" is not allowed in the hosts ipc namespace",
                invalidLinux(",\"sysctl\":{\"fs.mqueue.msg_max\":\"1\"}"));
        assertEquals("config.json: linux.sysctl: sysctl \"kernel.hostname\" is not allowed as it conflicts with the OCI \"hostname\" field",
                invalidLinux(",\"sysctl\":{\"kernel.hostname\":\"x\"}"));
        assertDoesNotThrow(() -> SpecValidator.validate(spec("", "", ",\"sysctl\":{\"kernel.domainname\":\"d\"}"), null));
        assertDoesNotThrow(() -> SpecValidator.validate(spec("", "", ",\"namespaces\":[{\"type\":\"ipc\"},"
                + "{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"}],"
                + "\"sysctl\":{\"kernel.shmmax\":\"1\",\"fs.mqueue.queues_max\":\"2\",\"net.core.somaxconn\":\"3\"}"), null));
        // kernel.domainname is only namespaced with a uts namespace
        assertEquals("config.json: linux.sysctl: sysctl \"kernel.domainname\" is not in a separate kernel namespace",
                invalidLinux(",\"namespaces\":[{\"type\":\"pid\"}],\"sysctl\":{\"kernel.domainname\":\"d\"}"));
    }

    @Test
    void namespacePathMustExistOnTheHost(@TempDir Path bundle) throws Exception {
        Files.createDirectory(bundle.resolve("rootfs"));
        Spec s = spec("", "", ",\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"/proc/999999999/ns/net\"}]");
        assertEquals("config.json: linux.namespaces[1].path: open /proc/999999999/ns/net: no such file or directory",
                assertThrows(SpecException.class, () -> SpecValidator.validate(s, bundle)).getMessage());
        // without a bundle (a config checked on its own) the host is not consulted
        assertDoesNotThrow(() -> SpecValidator.validate(s, null));
        assertDoesNotThrow(() -> SpecValidator.validate(spec("", "",
                ",\"namespaces\":[{\"type\":\"network\",\"path\":\"/proc/self/ns/net\"}]"), bundle));
    }

    @Test
    void devices() {
        assertEquals("config.json: linux.devices[0].type: unknown device type \"x\" (want c, b, u or p)",
                invalidLinux(",\"devices\":[{\"type\":\"x\",\"path\":\"/dev/x\",\"major\":1,\"minor\":1}]"));
        assertEquals("config.json: linux.devices[0].path: must be an absolute path under /dev, found \"/tmp/x\"",
                invalidLinux(",\"devices\":[{\"type\":\"c\",\"path\":\"/tmp/x\",\"major\":1,\"minor\":1}]"));
        assertEquals("config.json: linux.devices[0]: major and minor are required for a device of type c",
                invalidLinux(",\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\"}]"));
    }

    @Test
    void deviceRules() {
        assertEquals("config.json: linux.resources.devices[0].type: unknown device type \"u\" (want a, c or b)",
                invalidLinux(",\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"u\"}]}"));
        assertEquals("config.json: linux.resources.devices[1].access: must be a combination of r, w and m, "
                        + "found \"rwx\"",
                invalidLinux(",\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                        + "{\"allow\":true,\"type\":\"c\",\"access\":\"rwx\"}]}"));
    }

    @Test
    void seccomp() {
        assertEquals("config.json: linux.seccomp.defaultAction: required", invalidLinux(",\"seccomp\":{}"));
        assertEquals("config.json: linux.seccomp.defaultAction: unknown action \"SCMP_ACT_DENY\"",
                invalidLinux(",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_DENY\"}"));
        assertEquals("config.json: linux.seccomp.syscalls[0].action: unknown action \"ALLOW\"",
                invalidLinux(",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
                        + "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"ALLOW\"}]}"));
        assertEquals("config.json: linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_AND\"",
                invalidLinux(",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
                        + "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_AND\"}]}]}"));
        assertEquals("config.json: linux.seccomp.syscalls[0].args[0].index: must be between 0 and 5, found 6",
                invalidLinux(",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
                        + "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}"));
        assertEquals("config.json: linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_NEW_LISTENER\"",
                invalidLinux(",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                        + "\"flags\":[\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"]}"));
        assertEquals("config.json: linux.seccomp.architectures[0]: unknown architecture \"x86_64\"",
                invalidLinux(",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"x86_64\"]}"));
        assertEquals("config.json: linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used",
                invalidLinux(",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                        + "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"));
        assertEquals("config.json: linux.seccomp.syscalls[0].names: must not be empty",
                invalidLinux(",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                        + "\"syscalls\":[{\"action\":\"SCMP_ACT_ERRNO\"}]}"));
    }

    @Test
    void personalityAndPaths() {
        assertEquals("config.json: linux.personality.domain: unknown domain \"LINUX64\" (want LINUX or LINUX32)",
                invalidLinux(",\"personality\":{\"domain\":\"LINUX64\"}"));
        assertEquals("config.json: linux.maskedPaths[0]: must be an absolute path, found \"proc/kcore\"",
                invalidLinux(",\"maskedPaths\":[\"proc/kcore\"]"));
    }

    // ------------------------------------------------------------ container IDs

    @Test
    void containerIds() {
        for (String ok : new String[] {"a", "abc-DEF_1.2+3", "...", "x".repeat(1024)}) {
            assertDoesNotThrow(() -> SpecValidator.validateId(ok), ok);
        }
        for (String bad : new String[] {"", ".", "..", "a/b", "a b", "a\nb", "ü", "x".repeat(1025)}) {
            SpecException e = assertThrows(SpecException.class, () -> SpecValidator.validateId(bad), bad);
            assertEquals("invalid container ID format", e.getMessage());
        }
    }
}
