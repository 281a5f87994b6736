package io.jrun.core.cgroup;

import static io.jrun.core.cgroup.CgroupRes.rule;
import static io.jrun.core.cgroup.DeviceFilterCompiler.ACC_MKNOD;
import static io.jrun.core.cgroup.DeviceFilterCompiler.ACC_READ;
import static io.jrun.core.cgroup.DeviceFilterCompiler.ACC_WRITE;
import static io.jrun.core.cgroup.DeviceFilterCompiler.DEV_BLOCK;
import static io.jrun.core.cgroup.DeviceFilterCompiler.DEV_CHAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jrun.core.spec.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Runs the generated eBPF program in a tiny interpreter (only the opcodes DeviceFilterCompiler emits; any
 * other fails the test) over device/access vectors, against an independent model of the v1 semantics.
 */
class CgroupDeviceFilterTest {

    /** Executes the program for ctx {access_type = access << 16 | type, major, minor}; returns r0. */
    static long run(byte[] prog, int type, int access, long major, long minor) {
        long[] r = new long[11];
        int[] ctx = {(access << 16) | type, (int) major, (int) minor};
        int n = prog.length / 8;
        int pc = 0;
        for (int steps = 0; steps < 100_000; steps++) {
            assertTrue(pc >= 0 && pc < n, "pc out of program: " + pc);
            int b = pc * 8;
            int op = prog[b] & 0xff;
            int dst = prog[b + 1] & 0xf;
            int src = (prog[b + 1] >> 4) & 0xf;
            int off = (short) ((prog[b + 2] & 0xff) | (prog[b + 3] << 8));
            int imm = (prog[b + 4] & 0xff) | (prog[b + 5] & 0xff) << 8 | (prog[b + 6] & 0xff) << 16
                    | (prog[b + 7] & 0xff) << 24;
            pc++;
            switch (op) {
                case 0x61 -> { // ldxw dst = *(u32 *)(src + off)
                    assertEquals(1, src, "loads only from the ctx");
                    assertTrue(off % 4 == 0 && off >= 0 && off < 12, "ctx offset " + off);
                    r[dst] = ctx[off / 4] & 0xffffffffL;
                }
                case 0x54 -> r[dst] = (r[dst] & imm) & 0xffffffffL;            // w_dst &= imm
                case 0x74 -> r[dst] = ((r[dst] & 0xffffffffL) >>> imm) & 0xffffffffL; // w_dst >>= imm
                case 0xbf -> r[dst] = r[src];                                   // dst = src
                case 0xb7 -> r[dst] = imm;                                      // dst = imm (sign-extended)
                case 0x16 -> { if ((int) r[dst] == imm) { pc += off; } }        // if w_dst == imm goto
                case 0x56 -> { if ((int) r[dst] != imm) { pc += off; } }        // if w_dst != imm goto
                case 0x95 -> { return r[0]; }
                default -> throw new AssertionError("unexpected opcode 0x" + Integer.toHexString(op) + " at " + (pc - 1));
            }
        }
        throw new AssertionError("no exit");
    }

    /** The v1 model: apply rules in order per access bit; what none covers is denied. */
    static boolean model(List<Spec.DeviceRule> rules, int type, int access, long major, long minor) {
        int allowed = 0;
        for (Spec.DeviceRule rl : rules) {
            boolean all = rl.type() == null || rl.type().equals("a");
            int bits;
            if (all) {
                bits = 7;
            } else {
                if ((rl.type().equals("c") ? DEV_CHAR : DEV_BLOCK) != type) {
                    continue;
                }
                if (rl.major() != null && rl.major() >= 0 && rl.major() != major) {
                    continue;
                }
                if (rl.minor() != null && rl.minor() >= 0 && rl.minor() != minor) {
                    continue;
                }
                bits = DeviceFilterCompiler.accessBits(rl, 0);
            }
            allowed = rl.allow() ? allowed | bits : allowed & ~bits;
        }
        return (allowed & access) == access;
    }

    static boolean allowed(byte[] prog, int type, int access, long major, long minor) {
        long r0 = run(prog, type, access, major, minor);
        assertTrue(r0 == 0 || r0 == 1);
        return r0 == 1;
    }

    @Test
    void podmanDenyAllPlusDefaults() {
        List<Spec.DeviceRule> rules = DefaultDevices.withDefaults(List.of(rule(false, null, null, null, "rwm")),
                List.of());
        byte[] p = DeviceFilterCompiler.compile(rules);
        assertTrue(allowed(p, DEV_CHAR, ACC_READ | ACC_WRITE, 1, 3));   // /dev/null rw
        assertTrue(allowed(p, DEV_CHAR, ACC_READ, 136, 7));             // /dev/pts/7
        assertTrue(allowed(p, DEV_CHAR, ACC_MKNOD, 8, 1));              // mknod of anything
        assertTrue(allowed(p, DEV_BLOCK, ACC_MKNOD, 8, 0));
        assertTrue(!allowed(p, DEV_BLOCK, ACC_READ, 8, 0));             // but no block device access
        assertTrue(!allowed(p, DEV_CHAR, ACC_READ, 10, 229));           // fuse
        assertTrue(!allowed(p, DEV_CHAR, ACC_READ | ACC_MKNOD, 4, 1));  // m allowed, r not: denied
    }

    @Test
    void laterDenyOverridesEarlierAllowPerAccessBit() {
        List<Spec.DeviceRule> rules = List.of(rule(false, "a", null, null, "rwm"), rule(true, "c", 1L, 3L, "rwm"),
                rule(false, "c", 1L, 3L, "w"));
        byte[] p = DeviceFilterCompiler.compile(rules);
        assertTrue(allowed(p, DEV_CHAR, ACC_READ, 1, 3));
        assertTrue(!allowed(p, DEV_CHAR, ACC_WRITE, 1, 3));
        assertTrue(!allowed(p, DEV_CHAR, ACC_READ | ACC_WRITE, 1, 3));
        assertTrue(allowed(p, DEV_CHAR, ACC_MKNOD, 1, 3));
    }

    @Test
    void allowAllThenDeny() {
        byte[] p = DeviceFilterCompiler.compile(List.of(rule(true, "a", null, null, "rwm"),
                rule(false, "b", 8L, null, "rw")));
        assertTrue(allowed(p, DEV_CHAR, ACC_READ | ACC_WRITE, 4, 1));
        assertTrue(!allowed(p, DEV_BLOCK, ACC_READ, 8, 16));
        assertTrue(allowed(p, DEV_BLOCK, ACC_MKNOD, 8, 16));
        assertTrue(allowed(p, DEV_BLOCK, ACC_READ, 9, 0));
    }

    @Test
    void emptyRulesDenyEverything() {
        byte[] p = DeviceFilterCompiler.compile(List.of());
        assertTrue(!allowed(p, DEV_CHAR, ACC_READ, 1, 3));
    }

    @Test
    void matchesTheModelOnRandomRuleSets() {
        Random rnd = new Random(42);
        String[] types = {"a", "b", "c", "c", "c"};
        String[] accesses = {"r", "w", "m", "rw", "rwm", "wm", "rm"};
        for (int round = 0; round < 300; round++) {
            List<Spec.DeviceRule> rules = new ArrayList<>();
            int n = rnd.nextInt(8);
            for (int i = 0; i < n; i++) {
                String t = types[rnd.nextInt(types.length)];
                rules.add(rule(rnd.nextBoolean(), t, rnd.nextInt(3) == 0 ? null : (long) rnd.nextInt(3),
                        rnd.nextInt(3) == 0 ? null : (long) rnd.nextInt(3), accesses[rnd.nextInt(accesses.length)]));
            }
            byte[] p = DeviceFilterCompiler.compile(rules);
            for (int type : new int[] {DEV_BLOCK, DEV_CHAR}) {
                for (int acc = 1; acc < 8; acc++) {
                    for (int major = 0; major < 4; major++) {
                        for (int minor = 0; minor < 4; minor++) {
                            assertEquals(model(rules, type, acc, major, minor), allowed(p, type, acc, major, minor),
                                    rules + " type " + type + " acc " + acc + " " + major + ":" + minor);
                        }
                    }
                }
            }
        }
    }

    @Test
    void largeMinorsCompareAsUnsigned32() {
        byte[] p = DeviceFilterCompiler.compile(List.of(rule(true, "c", 4095L, 1048575L, "rw")));
        assertTrue(allowed(p, DEV_CHAR, ACC_READ, 4095, 1048575));
        assertTrue(!allowed(p, DEV_CHAR, ACC_READ, 4095, 1048574));
    }

    @Test
    void onlyMinusOneIsTheWildcard() {
        // -2 compiled to no major check at all: a rule for one device allowed every char device
        assertTrue(assertThrows(CgroupException.class, () -> DeviceFilterCompiler.compile(List.of(
                rule(true, "c", -2L, 3L, "rw")))).getMessage().startsWith("linux.resources.devices[0].major:"));
        byte[] p = DeviceFilterCompiler.compile(List.of(rule(true, "c", -1L, 3L, "rw")));
        assertTrue(allowed(p, DEV_CHAR, ACC_READ, 7, 3));
        assertEquals("c 5:-2 rw", DefaultDevices.v1Line(rule(true, "c", 5L, -2L, "rw")));
        assertEquals("c *:* rw", DefaultDevices.v1Line(rule(true, "c", -1L, null, "rw")));
    }

    @Test
    void malformedRulesNameTheIndex() {
        assertTrue(assertThrows(CgroupException.class, () -> DeviceFilterCompiler.compile(List.of(
                rule(true, "c", 1L, 3L, "rwm"), rule(true, "x", 1L, 3L, "rwm")))).getMessage()
                .startsWith("linux.resources.devices[1].type:"));
        assertTrue(assertThrows(CgroupException.class, () -> DeviceFilterCompiler.compile(List.of(
                rule(true, "c", 1L, 3L, "")))).getMessage().startsWith("linux.resources.devices[0].access:"));
    }

    @Test
    void defaultsDropANodeTheSpecLists() {
        List<Spec.DeviceRule> r = DefaultDevices.withDefaults(List.of(), List.of(
                new Spec.Device("c", "/dev/null", 1L, 3L, null, null, null)));
        assertTrue(r.stream().noneMatch(d -> "c".equals(d.type()) && Long.valueOf(1).equals(d.major())
                && Long.valueOf(3).equals(d.minor())));
        assertEquals(DefaultDevices.RULES.size() - 1, r.size());
    }
}
