package io.jrun.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jrun.core.spec.DefaultSpec;
import io.jrun.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rootless mode's decisions (docs/rootless.md): --rootless, cgroups, id maps and the CVE-2023-25809 rule. */
class RootlessTest {

    @Test
    void rootlessValuesAreGoBooleansOrAuto() {
        for (String t : List.of("true", "1", "t", "T", "TRUE", "True")) assertTrue(Rootless.resolve(t), t);
        for (String f : List.of("false", "0", "f", "F", "FALSE", "False")) assertFalse(Rootless.resolve(f), f);
        // auto (and empty): rootless exactly when not root in the initial user namespace
        boolean expected = !Rootless.euidIsRoot() || Rootless.inUserNamespace();
        assertEquals(expected, Rootless.resolve("auto"));
        assertEquals(expected, Rootless.resolve(""));
        assertEquals(expected, Rootless.resolve("AUTO"));
        JrunException e = assertThrows(JrunException.class, () -> Rootless.resolve("yes"));
        assertEquals("invalid --rootless value \"yes\": must be true, false or auto", e.getMessage());
    }

    @Test
    void realRootKeepsRunJrun() {
        if (Rootless.euidIsRoot() && !Rootless.inUserNamespace()) {
            assertEquals(Path.of("/run/jrun"), Rootless.defaultRoot());
        }
    }

    private static Spec.Resources res(Spec.Memory m, Spec.Cpu c, Spec.Pids p) {
        return new Spec.Resources(List.of(new Spec.DeviceRule(false, null, null, null, "rwm")), m, c, p, null,
                List.of(), null, Map.of(), Map.of());
    }

    @Test
    void limitsAreNamedByJsonPathAndZeroOrDevicesAreNoLimit() {
        assertNull(RootlessCgroups.firstLimit(null));
        assertNull(RootlessCgroups.firstLimit(res(null, null, null)), "device rules alone are not a limit");
        assertNull(RootlessCgroups.firstLimit(res(new Spec.Memory(0L, null, null, null, null, null, false, null, null),
                null, new Spec.Pids(0))), "zero leaves a setting alone, as in runc");
        assertEquals("pids.limit", RootlessCgroups.firstLimit(res(null, null, new Spec.Pids(64))));
        assertEquals("memory.limit", RootlessCgroups.firstLimit(res(
                new Spec.Memory(1L << 20, null, null, null, null, null, null, null, null), null, null)));
        assertEquals("cpu.cpus", RootlessCgroups.firstLimit(res(null,
                new Spec.Cpu(null, null, null, null, null, null, "0", null, null), null)));
        assertEquals("unified", RootlessCgroups.firstLimit(new Spec.Resources(null, null, null, null, null, List.of(),
                null, Map.of(), Map.of("memory.high", "1M"))));
        assertNull(RootlessCgroups.withoutDevices(res(null, null, new Spec.Pids(3))).devices());
    }

    @Test
    void unwritableCgroupIsTheFirstDirectoryNeitherJoinableNorCreatable(@TempDir Path tmp) throws IOException {
        Path ok = tmp.resolve("ok/leaf");
        Files.createDirectories(tmp.resolve("ok"));
        assertNull(RootlessCgroups.firstUnwritable(List.of(ok.toString())), "parent writable: mkdir works");
        Path existing = Files.createDirectories(tmp.resolve("there"));
        Files.writeString(existing.resolve("cgroup.procs"), "");
        assertNull(RootlessCgroups.firstUnwritable(List.of(existing.toString())));
        assertEquals(Path.of("/proc/1/jrun-none/x"), RootlessCgroups.firstUnwritable(List.of(ok.toString(),
                "/proc/1/jrun-none/x")), "a parent nobody may create in");
    }

    @Test
    void noCgroupRecordsNoPathsAndRefusesWhatNeedsOne() {
        RootlessCgroups.None none = new RootlessCgroups.None(1);
        assertEquals(Map.of(), none.paths());
        assertFalse(none.exists());
        none.create();
        none.addProcess(1);
        none.apply(null);
        assertEquals(List.of(), none.pids());
        JrunException e = assertThrows(JrunException.class, none::freeze);
        assertTrue(e.getMessage().contains("has no cgroup"), e.getMessage());
    }

    @Test
    void aRootlessCallerDropsAnUnwritableDefaultCgroupButNeverANamedOne() {
        Spec spec = DefaultSpec.rootless(1000, 1000);
        io.jrun.core.cgroup.CgroupManager cg = new io.jrun.core.cgroup.CgroupV1Manager(
                Map.of("pids", Path.of("/proc/1/jrun-none/c")));
        assertTrue(RootlessCgroups.choose(cg, spec, true, false) instanceof RootlessCgroups.None);
        assertTrue(RootlessCgroups.choose(cg, spec, true, false).paths().isEmpty());
        assertSame(cg, RootlessCgroups.choose(cg, spec, false, false), "--rootless false: errors are not ignored");
        Spec named = withCgroupsPath(spec, "/mine/c", null);
        assertSame(cg, RootlessCgroups.choose(cg, named, true, false), "an explicit cgroupsPath is used or fails");
        Spec limited = withCgroupsPath(spec, null, new Spec.Resources(null, null, null, new Spec.Pids(10), null,
                List.of(), null, Map.of(), Map.of()));
        JrunException e = assertThrows(JrunException.class, () -> RootlessCgroups.choose(cg, limited, true, false));
        assertTrue(e.getMessage().startsWith("linux.resources.pids.limit: cannot be applied: rootless jrun cannot "
                + "create the container's cgroup (/proc/1/jrun-none/c is not writable"), e.getMessage());
    }

    private static Spec withCgroupsPath(Spec s, String path, Spec.Resources r) {
        Spec.Linux l = s.linux();
        Spec.Linux linux = new Spec.Linux(l.namespaces(), l.uidMappings(), l.gidMappings(), l.timeOffsets(),
                l.devices(), l.netDevices(), path, r, l.rootfsPropagation(), l.seccomp(), l.sysctl(),
                l.maskedPaths(), l.readonlyPaths(), l.mountLabel(), l.intelRdt(), l.personality());
        return new Spec(s.ociVersion(), s.root(), s.mounts(), s.process(), s.hostname(), s.domainname(), s.hooks(),
                s.annotations(), linux, s.unsupportedSections());
    }

    @Test
    void onlyTheCallersOwnIdAloneIsWrittenDirectly() {
        assertTrue(IdMaps.ownIdOnly(List.of(new Spec.IdMapping(0, 1000, 1)), 1000));
        assertTrue(IdMaps.ownIdOnly(List.of(), 1000));
        assertFalse(IdMaps.ownIdOnly(List.of(new Spec.IdMapping(0, 1000, 2)), 1000), "a range needs newuidmap");
        assertFalse(IdMaps.ownIdOnly(List.of(new Spec.IdMapping(0, 1001, 1)), 1000), "another id needs newuidmap");
        assertFalse(IdMaps.ownIdOnly(List.of(new Spec.IdMapping(0, 1000, 1), new Spec.IdMapping(1, 100000, 65536)),
                1000));
        assertEquals(List.of("/usr/bin/newuidmap", "42", "0", "1000", "1", "1", "100000", "65536"),
                IdMaps.toolArgs("/usr/bin/newuidmap", 42, List.of(new Spec.IdMapping(0, 1000, 1),
                        new Spec.IdMapping(1, 100000, 65536))));
        assertEquals("0 1000 1\n1 100000 65536\n", IdMaps.text(List.of(new Spec.IdMapping(0, 1000, 1),
                new Spec.IdMapping(1, 100000, 65536))));
    }

    @Test
    void readOnlyRbindsBecomeRecursivelyReadOnly() {
        Spec s = Rootless.recursiveReadOnlyBinds(DefaultSpec.rootless(1000, 1000));
        Spec.Mount sys = s.mounts().stream().filter(m -> m.destination().equals("/sys")).findFirst().orElseThrow();
        assertEquals(List.of("rbind", "nosuid", "noexec", "nodev", "ro", "rro"), sys.options());
        Spec.Mount proc = s.mounts().stream().filter(m -> m.destination().equals("/proc")).findFirst().orElseThrow();
        assertFalse(proc.options().contains("rro"), "only read-only rbinds change");
        Spec plain = DefaultSpec.create();
        assertSame(plain, Rootless.recursiveReadOnlyBinds(plain), "nothing to change: the same spec");
    }
}
