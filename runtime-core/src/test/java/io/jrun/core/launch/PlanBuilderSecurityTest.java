package io.jrun.core.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jrun.core.JrunException;
import io.jrun.core.spec.Spec;
import io.jrun.core.spec.SpecReader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security attributes of the plan: LSM labels (PROCESS_LABEL / MOUNT_LABEL, decided per {@link PlanBuilder.Lsm} so
 * hosts with and without AppArmor/SELinux can both be tested here), the five capability masks and NO_NEW_PRIVS.
 */
class PlanBuilderSecurityTest {
    @TempDir
    Path bundle;

    private static final PlanBuilder.Lsm NONE = new PlanBuilder.Lsm(false, false);
    private static final PlanBuilder.Lsm APPARMOR = new PlanBuilder.Lsm(true, false);
    private static final PlanBuilder.Lsm SELINUX = new PlanBuilder.Lsm(false, true);

    private static Spec spec(String processExtra, String linuxExtra) {
        return SpecReader.parseConfig("""
                {"ociVersion": "1.2.0",
                 "process": {"args": ["sh"], "cwd": "/", "user": {"uid": 0, "gid": 0}%s},
                 "root": {"path": "rootfs"},
                 "mounts": [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}],
                 "linux": {"namespaces": [{"type": "mount"}]%s}}
                """.formatted(processExtra.isEmpty() ? "" : ", " + processExtra,
                linuxExtra.isEmpty() ? "" : ", " + linuxExtra));
    }

    private PlanBuilder.Context ctx() {
        return new PlanBuilder.Context("c1", bundle, bundle.resolve("rootfs"), bundle.resolve("fifo"), null, 0,
                false, false, true, Map.of(), null);
    }

    private PlanDecoder create(Spec s, PlanBuilder.Lsm lsm) {
        return new PlanDecoder(PlanBuilder.create(s, ctx(), lsm));
    }

    @Test
    void apparmorProfileBecomesAnExecCommandInCreateAndExec() {
        Spec s = spec("\"apparmorProfile\": \"jrun-default\"", "");
        assertEquals(List.of("exec jrun-default"), create(s, APPARMOR).strings(PlanWriter.PROCESS_LABEL));
        assertEquals(List.of("exec jrun-default"),
                new PlanDecoder(PlanBuilder.exec(s.process(), (int) ProcessHandle.current().pid(), ctx(), APPARMOR)).strings(PlanWriter.PROCESS_LABEL));
    }

    @Test
    void selinuxLabelsAreSentVerbatim() {
        Spec s = spec("\"selinuxLabel\": \"system_u:system_r:container_t:s0:c1,c2\"",
                "\"mountLabel\": \"system_u:object_r:container_file_t:s0:c1,c2\"");
        PlanDecoder d = create(s, SELINUX);
        assertEquals(List.of("system_u:system_r:container_t:s0:c1,c2"), d.strings(PlanWriter.PROCESS_LABEL));
        assertEquals(List.of("system_u:object_r:container_file_t:s0:c1,c2"), d.strings(PlanWriter.MOUNT_LABEL));
    }

    @Test
    void noLabelNoAttribute() {
        PlanDecoder d = create(spec("\"apparmorProfile\": \"\"", ""), APPARMOR);
        assertFalse(d.has(PlanWriter.PROCESS_LABEL));
        assertFalse(d.has(PlanWriter.MOUNT_LABEL));
    }

    @Test
    void labelsAreRejectedByFieldWhereTheLsmIsMissing() {
        JrunException e = assertThrows(JrunException.class,
                () -> create(spec("\"apparmorProfile\": \"p\"", ""), SELINUX));
        assertEquals("config.json: process.apparmorProfile: AppArmor is not enabled on this host", e.getMessage());
        e = assertThrows(JrunException.class, () -> create(spec("\"selinuxLabel\": \"a:b:c:s0\"", ""), APPARMOR));
        assertEquals("config.json: process.selinuxLabel: SELinux is not enabled on this host", e.getMessage());
        e = assertThrows(JrunException.class, () -> create(spec("", "\"mountLabel\": \"a:b:c:s0\""), NONE));
        assertEquals("config.json: linux.mountLabel: SELinux is not enabled on this host", e.getMessage());
        e = assertThrows(JrunException.class, () -> PlanBuilder.rejectUnsupported(spec("", "\"mountLabel\": \"x\""), NONE));
        assertTrue(e.getMessage().startsWith("config.json: linux.mountLabel:"), e.getMessage());
        Spec s = spec("\"apparmorProfile\": \"p\"", "");
        e = assertThrows(JrunException.class, () -> PlanBuilder.exec(s.process(), (int) ProcessHandle.current().pid(), ctx(), NONE));
        assertEquals("process.json: apparmorProfile: AppArmor is not enabled on this host", e.getMessage());
    }

    @Test
    void labelsThatWouldInjectAreRejected() {
        PlanBuilder.Lsm both = new PlanBuilder.Lsm(true, true);
        assertThrows(JrunException.class, () -> create(spec("\"apparmorProfile\": \"a\\nchangeprofile unconfined\"", ""), both));
        assertThrows(JrunException.class, () -> create(spec("", "\"mountLabel\": \"a\\\",fscontext=b\""), both));
        JrunException e = assertThrows(JrunException.class,
                () -> create(spec("\"apparmorProfile\": \"a\", \"selinuxLabel\": \"b:c:d\"", ""), both));
        assertEquals("config.json: process.apparmorProfile: cannot be combined with selinuxLabel", e.getMessage());
    }

    @Test
    void fiveCapabilitySetsAndNoNewPrivs() {
        Spec s = spec("""
                "noNewPrivileges": true,
                "capabilities": {"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHECKPOINT_RESTORE"],
                  "effective": ["CAP_KILL"], "permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
                  "inheritable": ["CAP_NET_BIND_SERVICE"], "ambient": ["CAP_NET_BIND_SERVICE", "CAP_SYS_RESOURCE"]}""", "");
        PlanDecoder d = create(s, NONE);
        List<PlanDecoder.Attr> caps = d.all(PlanWriter.CAPS);
        assertEquals(1, caps.size());
        ByteBuffer v = caps.get(0).value();
        // order on the wire: bounding, effective, permitted, inheritable, ambient (docs/helper-protocol.md)
        assertEquals(1L | 1L << 5 | 1L << 10 | 1L << 40, v.getLong(), "bounding");
        assertEquals(1L << 5, v.getLong(), "effective");
        assertEquals(1L << 5 | 1L << 10, v.getLong(), "permitted");
        assertEquals(1L << 10, v.getLong(), "inheritable");
        assertEquals(1L << 10 | 1L << 24, v.getLong(), "ambient");
        assertTrue(d.has(PlanWriter.NO_NEW_PRIVS));
        assertFalse(create(spec("", ""), NONE).has(PlanWriter.NO_NEW_PRIVS));
        assertFalse(create(spec("", ""), NONE).has(PlanWriter.CAPS), "no capabilities object: no CAPS (helper keeps none)");
    }
}
