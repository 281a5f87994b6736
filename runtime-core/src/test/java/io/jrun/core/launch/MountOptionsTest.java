package io.jrun.core.launch;

import static io.jrun.core.launch.MountOptions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MountOptionsTest {

    @Test
    void mountFlagsAndTheirNegations() {
        MountOptions o = MountOptions.parse(List.of("ro", "nosuid", "nodev", "noexec", "relatime", "dirsync"));
        assertEquals(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME | MS_DIRSYNC, o.flags());
        assertTrue(o.readOnly());
        // later options win, as mount(8) reads them left to right
        MountOptions rw = MountOptions.parse(List.of("ro", "nosuid", "rw", "suid"));
        assertEquals(0, rw.flags());
        assertEquals(MS_RDONLY | MS_NOSUID, rw.clearFlags());
        assertFalse(rw.readOnly());
    }

    @Test
    void atimeFamily() {
        assertEquals(MS_NOATIME | MS_NODIRATIME, MountOptions.parse(List.of("noatime", "nodiratime")).flags());
        assertEquals(MS_STRICTATIME, MountOptions.parse(List.of("strictatime")).flags());
        assertEquals(MS_LAZYTIME, MountOptions.parse(List.of("lazytime")).flags());
        assertEquals(0, MountOptions.parse(List.of("noatime", "atime")).flags());
        assertEquals(MS_NOSYMFOLLOW, MountOptions.parse(List.of("nosymfollow")).flags());
    }

    @Test
    void filesystemDataIsPassedThroughInOrder() {
        MountOptions o = MountOptions.parse(List.of("nosuid", "size=65536k", "mode=1777", "uid=5", "gid=6", "newinstance"));
        assertEquals("size=65536k,mode=1777,uid=5,gid=6,newinstance", o.data());
        assertEquals(MS_NOSUID, o.flags());
    }

    @Test
    void propagation() {
        assertEquals(MS_SHARED | MS_REC, MountOptions.parse(List.of("rshared")).propagation());
        assertEquals(MS_SLAVE, MountOptions.parse(List.of("slave")).propagation());
        assertEquals(MS_PRIVATE | MS_REC, MountOptions.parse(List.of("rbind", "rprivate")).propagation());
        assertEquals(MS_UNBINDABLE | MS_REC, MountOptions.parse(List.of("runbindable")).propagation());
        assertEquals(0, MountOptions.parse(List.of("bind")).propagation());
    }

    @Test
    void recursiveAttributesForMountSetattr() {
        MountOptions o = MountOptions.parse(List.of("rro", "rnosuid", "rnodev", "rnoexec"));
        assertEquals(ATTR_RDONLY | ATTR_NOSUID | ATTR_NODEV | ATTR_NOEXEC, o.attrSet());
        assertEquals(0, o.attrClr());
        assertEquals(0, o.flags(), "recursive attributes are not mount(2) flags");
        // the atime attributes are an enum in MOUNT_ATTR__ATIME: setting one clears the field first
        MountOptions na = MountOptions.parse(List.of("rnoatime"));
        assertEquals(ATTR_NOATIME, na.attrSet());
        assertEquals(ATTR__ATIME, na.attrClr());
        MountOptions rel = MountOptions.parse(List.of("rstrictatime", "rrelatime"));
        assertEquals(0, rel.attrSet(), "relatime is the value 0 of the atime field");
        assertEquals(ATTR__ATIME, rel.attrClr());
        MountOptions rw = MountOptions.parse(List.of("rro", "rrw"));
        assertEquals(0, rw.attrSet());
        assertEquals(ATTR_RDONLY, rw.attrClr());
    }

    @Test
    void bindRbindAndIdmap() {
        MountOptions b = MountOptions.parse(List.of("bind"));
        assertTrue(b.bind());
        assertFalse(b.recursiveBind());
        MountOptions r = MountOptions.parse(List.of("rbind"));
        assertTrue(r.bind() && r.recursiveBind());
        assertTrue(MountOptions.parse(List.of("idmap")).idmap());
        assertTrue(MountOptions.parse(List.of("ridmap")).idmap());
        assertTrue(MountOptions.parse(List.of("ridmap")).recursiveIdmap());
        assertFalse(MountOptions.parse(List.of("idmap")).recursiveIdmap());
        assertEquals("", MountOptions.parse(List.of("idmap", "ridmap")).data(), "never passed on as data");
        assertEquals("", r.data());
        MountOptions c = MountOptions.parse(List.of("tmpcopyup", "mode=755"));
        assertTrue(c.copyUp());
        assertEquals("mode=755", c.data(), "tmpcopyup is no tmpfs data option");
        assertFalse(r.copyUp());
        assertTrue(MountOptions.names().contains("tmpcopyup"));
    }

    @Test
    void namesListsEveryKnownOption() {
        List<String> names = MountOptions.names();
        for (String n : List.of("ro", "rbind", "rro", "rshared", "nosymfollow", "strictatime")) {
            assertTrue(names.contains(n), n);
        }
    }
}
