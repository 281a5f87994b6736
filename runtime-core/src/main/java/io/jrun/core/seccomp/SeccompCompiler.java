package io.jrun.core.seccomp;

import io.jrun.core.spec.Spec;
import io.jrun.seccomp.Arch;
import io.jrun.seccomp.SyscallTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compiles an OCI {@code linux.seccomp} object to a classic-BPF seccomp program without libseccomp.
 *
 * <p>Program shape (docs/seccomp.md has the full semantics):
 * <pre>
 *   ld  arch
 *   jeq AUDIT_ARCH_A → section A;  jeq AUDIT_ARCH_B → section B; ...
 *   ret BAD_ARCH (KILL_PROCESS)
 * section:  ld nr;  binary search tree of "jge" over syscall-number ranges;
 *           leaves: ret ACTION, or an argument block for syscalls with conditional rules
 * </pre>
 * The code is emitted backwards (last instruction first), so every jump target already has a known
 * distance when the jump is written; conditional jumps farther than 255 go through a BPF_JA trampoline.
 */
public final class SeccompCompiler {
    private SeccompCompiler() {}

    // SECCOMP_RET_* (linux/seccomp.h)
    static final int RET_KILL_PROCESS = 0x8000_0000;
    static final int RET_KILL_THREAD = 0x0000_0000;
    static final int RET_TRAP = 0x0003_0000;
    static final int RET_ERRNO = 0x0005_0000;
    static final int RET_USER_NOTIF = 0x7fc0_0000;
    static final int RET_TRACE = 0x7ff0_0000;
    static final int RET_LOG = 0x7ffc_0000;
    static final int RET_ALLOW = 0x7fff_0000;
    static final int EPERM = 1;
    static final int ENOSYS = 38;

    /** What a call through an ABI the profile does not list gets. See docs/seccomp.md "Architectures". */
    public static final int BAD_ARCH_RET = RET_KILL_PROCESS;

    /** BPF_MAXINSNS (linux/bpf_common.h): the kernel rejects longer programs. */
    public static final int BPF_MAXINSNS = 4096;

    // classic BPF opcodes (linux/filter.h, bpf_common.h)
    static final int LD_W_ABS = 0x20;
    static final int ALU_AND_K = 0x54;
    static final int JMP_JA = 0x05;
    static final int JMP_JEQ_K = 0x15;
    static final int JMP_JGT_K = 0x25;
    static final int JMP_JGE_K = 0x35;
    static final int RET_K = 0x06;

    // offsets in struct seccomp_data
    private static final int OFF_NR = 0;
    private static final int OFF_ARCH = 4;
    private static final int OFF_ARGS = 16;

    /** The kernel ABI jrun runs on. */
    public static Arch nativeArch() {
        Arch a = Arch.nativeArch();
        if (a == null) throw new SeccompException("seccomp: unsupported host architecture " + System.getProperty("os.arch"));
        return a;
    }

    /** What the launcher calls: the filter for this host. */
    public static CompiledFilter compileForHost(Spec.Seccomp seccomp) {
        return compile(seccomp, nativeArch());
    }

    /** The filter for a kernel whose native ABI is {@code host}. */
    public static CompiledFilter compile(Spec.Seccomp s, Arch host) {
        if (s.defaultAction() == null) throw new SeccompException("seccomp: defaultAction is required");
        int defaultRet = actionRet(s.defaultAction(), s.defaultErrnoRet(), "defaultAction");
        if ((defaultRet & 0xffff_0000) == RET_USER_NOTIF) {
            // the helper still has to send the listener fd after loading the filter; a notifying default
            // would block that on a listener nobody holds yet (runc refuses it for the same reason)
            throw new SeccompException("seccomp: SCMP_ACT_NOTIFY cannot be the defaultAction");
        }
        boolean enosys = enosysStub(defaultRet);
        List<Arch> abis = abis(s, host);
        List<Spec.SyscallRule> rules = s.syscalls() == null ? List.of() : s.syscalls();

        // ---- per-ABI: syscall number → rule entries, and the highest number the profile names
        boolean notify = false;
        List<Entry> entries = new ArrayList<>();
        for (int r = 0; r < rules.size(); r++) {
            Spec.SyscallRule rule = rules.get(r);
            if (rule.names() == null || rule.names().isEmpty()) throw new SeccompException("seccomp: syscalls[" + r + "] has no names");
            int ret = actionRet(rule.action(), rule.errnoRet(), "syscalls[" + r + "].action");
            if ((ret & 0xffff_0000) == RET_USER_NOTIF) notify = true;
            entries.add(new Entry(ret, conditions(rule.args(), r), r));
        }
        List<Group> groups = new ArrayList<>();
        for (Arch a : abis) {
            Group g = groups.stream().filter(x -> x.audit == a.auditArch()).findFirst().orElse(null);
            if (g == null) {
                g = new Group(a.auditArch());
                groups.add(g);
            }
        }
        for (Group g : groups) {
            List<Range> ranges = new ArrayList<>();
            for (Arch a : host.compatible()) {
                if (a.auditArch() != g.audit) continue;
                if (!abis.contains(a)) {
                    addRange(ranges, a.nrStart(), new RetLeaf(BAD_ARCH_RET));
                    continue;
                }
                abiRanges(ranges, a, rules, entries, defaultRet, enosys);
            }
            g.ranges = ranges;
        }

        // ---- emit, last instruction first
        Emitter em = new Emitter(host.bigEndian());
        int bad = em.ret(BAD_ARCH_RET);
        int[] sections = new int[groups.size()];
        for (int i = groups.size() - 1; i >= 0; i--) {
            List<Range> rs = groups.get(i).ranges;
            int tree = em.tree(rs, 0, rs.size());
            sections[i] = em.ld(OFF_NR, tree);
        }
        int next = bad;
        for (int i = groups.size() - 1; i >= 0; i--) next = em.cond(JMP_JEQ_K, groups.get(i).audit, sections[i], next);
        em.ld(OFF_ARCH, next);
        if (em.size > BPF_MAXINSNS) {
            throw new SeccompException("seccomp: the profile compiles to " + em.size + " BPF instructions, more than the kernel's limit of "
                    + BPF_MAXINSNS + " (BPF_MAXINSNS); reduce the argument conditions");
        }
        return new CompiledFilter(em.bytes(), em.size, flags(s.flags(), notify));
    }

    // ------------------------------------------------------------------------------------------------ model

    enum Op { NE, LT, LE, EQ, GE, GT, MASKED_EQ }

    record Cond(int index, long value, long valueTwo, Op op) {}

    /** One spec rule: its SECCOMP_RET value, its AND-ed conditions, and its position in the spec. */
    record Entry(int ret, List<Cond> conds, int order) {}

    sealed interface Leaf permits RetLeaf, BlockLeaf {}

    record RetLeaf(int ret) implements Leaf {}

    /** Rules tried in order (first match wins), then {@code fallback}. */
    record BlockLeaf(List<Entry> rules, int fallback) implements Leaf {}

    /** A leaf covering syscall numbers from {@code start} (unsigned) up to the next range's start. */
    record Range(long start, Leaf leaf) {}

    private static final class Group {
        final int audit;
        List<Range> ranges;

        Group(int audit) { this.audit = audit; }
    }

    private static List<Arch> abis(Spec.Seccomp s, Arch host) {
        // libseccomp always includes the native ABI (seccomp_init adds it); others only when listed
        List<Arch> out = new ArrayList<>(List.of(host));
        if (s.architectures() != null) {
            for (String name : s.architectures()) {
                Arch a = Arch.fromScmpName(name);
                if (a == null) {
                    if (!KNOWN_FOREIGN_ARCHES.contains(name)) throw new SeccompException("seccomp: unknown architecture " + name);
                    continue; // a real ABI this kernel cannot run: nothing to filter
                }
                if (host.compatible().contains(a) && !out.contains(a)) out.add(a);
            }
        }
        List<Arch> ordered = new ArrayList<>(); // in the host's order of compatible ABIs
        for (Arch a : host.compatible()) if (out.contains(a)) ordered.add(a);
        return ordered;
    }

    private static final List<String> KNOWN_FOREIGN_ARCHES = List.of(
            "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
            "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_S390", "SCMP_ARCH_PARISC",
            "SCMP_ARCH_PARISC64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
            "SCMP_ARCH_RISCV32");

    /**
     * runc's rule: when the default action would deny, syscalls numbered above the highest one the profile
     * names get ENOSYS, so a libc probing a syscall newer than the profile falls back instead of failing
     * with EPERM. Not for permissive defaults (ALLOW, LOG, TRACE) nor when the default already is ENOSYS.
     */
    static boolean enosysStub(int defaultRet) {
        int action = defaultRet & 0xffff_0000;
        if (action == RET_ALLOW || action == RET_LOG || action == RET_TRACE) return false;
        return defaultRet != (RET_ERRNO | ENOSYS);
    }

    private static void abiRanges(List<Range> out, Arch a, List<Spec.SyscallRule> rules, List<Entry> entries,
                                  int defaultRet, boolean enosys) {
        SyscallTable t = a.table();
        TreeMap<Long, List<Entry>> byNr = new TreeMap<>();
        long max = -1;
        for (int r = 0; r < rules.size(); r++) {
            Entry e = entries.get(r);
            for (String name : rules.get(r).names()) {
                int nr = t.number(name);
                if (nr < 0) continue; // unknown to this ABI's table: ignored here, as libseccomp does
                long unr = Integer.toUnsignedLong(nr);
                if (unr < a.ordinaryEnd()) max = Math.max(max, unr);
                List<Entry> l = byNr.computeIfAbsent(unr, k -> new ArrayList<>());
                // a rule repeating the default action is dropped (runc does, libseccomp refuses it),
                // but its name still counts for the ENOSYS mark
                // (a name listed twice in one rule adds its entry once; compared by identity, which is the same
                // here since each rule has its own entry, and which needs no record equals: that bootstraps
                // ObjectMethods at run time, a call site the AOT cache does not hold)
                if (e.ret() != defaultRet && (l.isEmpty() || l.getLast() != e)) l.add(e);
            }
        }
        // no named syscall on this ABI: runc adds no ENOSYS stub for it either
        long enosysStart = enosys && max >= 0 ? max + 1 : a.ordinaryEnd();
        Map<Long, Leaf> leaves = new TreeMap<>();
        for (Map.Entry<Long, List<Entry>> me : byNr.entrySet()) leaves.put(me.getKey(), leaf(me.getValue(), defaultRet));
        if (a == Arch.S390X && enosys && max >= 0 && !leaves.containsKey(0L)) {
            // s390x multiplexes numbers ≥ 256 through syscall 0 when the kernel does not know them
            leaves.put(0L, new RetLeaf(RET_ERRNO | ENOSYS));
        }
        long cursor = a.nrStart();
        for (Map.Entry<Long, Leaf> me : leaves.entrySet()) {
            gap(out, cursor, me.getKey(), enosysStart, a.ordinaryEnd(), defaultRet);
            addRange(out, me.getKey(), me.getValue());
            cursor = me.getKey() + 1;
        }
        gap(out, cursor, a.nrEnd(), enosysStart, a.ordinaryEnd(), defaultRet);
    }

    private static void gap(List<Range> out, long from, long to, long enosysStart, long ordinaryEnd, int defaultRet) {
        if (from >= to) return;
        if (from < enosysStart) addRange(out, from, new RetLeaf(defaultRet));
        long e0 = Math.max(from, enosysStart), e1 = Math.min(to, ordinaryEnd);
        if (e0 < e1) addRange(out, e0, new RetLeaf(RET_ERRNO | ENOSYS));
        long d0 = Math.max(from, ordinaryEnd);
        if (d0 < to) addRange(out, d0, new RetLeaf(defaultRet));
    }

    /** Appends, merging with the previous range when both simply return the same value. */
    private static void addRange(List<Range> out, long start, Leaf leaf) {
        if (!out.isEmpty() && leaf instanceof RetLeaf r && out.getLast().leaf() instanceof RetLeaf p && p.ret() == r.ret()) return;
        out.add(new Range(start, leaf));
    }

    /**
     * Several rules for one syscall, as libseccomp 2.5 resolves them (checked against it in the tests): an
     * unconditional rule decides the syscall whatever conditional rules say, and the first unconditional
     * rule in spec order wins (podman's profile relies on this: setns is both allowed and denied). Otherwise
     * the conditional rules are tried in spec order and the first whose conditions all hold decides.
     */
    private static Leaf leaf(List<Entry> es, int defaultRet) {
        for (Entry e : es) {
            if (e.conds().isEmpty()) return new RetLeaf(e.ret());
        }
        return es.isEmpty() ? new RetLeaf(defaultRet) : new BlockLeaf(List.copyOf(es), defaultRet);
    }

    // ----------------------------------------------------------------------------------------- validation

    static int actionRet(String action, Long errnoRet, String where) {
        if (action == null) throw new SeccompException("seccomp: " + where + " is missing");
        boolean takesErrno = action.equals("SCMP_ACT_ERRNO") || action.equals("SCMP_ACT_TRACE");
        if (errnoRet != null && !takesErrno) {
            // config-linux.md: "When the action doesn't support an errno, the runtime MUST print and error and fail."
            throw new SeccompException("seccomp: " + where + " " + action + " does not take an errnoRet");
        }
        if (errnoRet != null && (errnoRet < 0 || errnoRet > 0xffff)) {
            throw new SeccompException("seccomp: " + where + " errnoRet " + errnoRet + " is outside 0..65535");
        }
        int data = errnoRet == null ? EPERM : errnoRet.intValue();
        return switch (action) {
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> RET_KILL_THREAD;
            case "SCMP_ACT_KILL_PROCESS" -> RET_KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> RET_TRAP;
            case "SCMP_ACT_ERRNO" -> RET_ERRNO | data;
            // runc's default data for TRACE is EPERM too (what the tracer sees via PTRACE_GETEVENTMSG)
            case "SCMP_ACT_TRACE" -> RET_TRACE | data;
            case "SCMP_ACT_LOG" -> RET_LOG;
            case "SCMP_ACT_ALLOW" -> RET_ALLOW;
            case "SCMP_ACT_NOTIFY" -> RET_USER_NOTIF;
            default -> throw new SeccompException("seccomp: " + where + " has unknown action " + action);
        };
    }

    private static List<Cond> conditions(List<Spec.SyscallArg> args, int r) {
        if (args == null || args.isEmpty()) return List.of();
        List<Cond> out = new ArrayList<>(args.size());
        for (Spec.SyscallArg a : args) {
            if (a.index() < 0 || a.index() > 5) throw new SeccompException("seccomp: syscalls[" + r + "] argument index " + a.index() + " is outside 0..5");
            Op op = switch (a.op() == null ? "" : a.op()) {
                case "SCMP_CMP_NE" -> Op.NE;
                case "SCMP_CMP_LT" -> Op.LT;
                case "SCMP_CMP_LE" -> Op.LE;
                case "SCMP_CMP_EQ" -> Op.EQ;
                case "SCMP_CMP_GE" -> Op.GE;
                case "SCMP_CMP_GT" -> Op.GT;
                case "SCMP_CMP_MASKED_EQ" -> Op.MASKED_EQ;
                default -> throw new SeccompException("seccomp: syscalls[" + r + "] has unknown operator " + a.op());
            };
            out.add(new Cond(a.index(), a.value(), a.valueTwo(), op));
        }
        return List.copyOf(out);
    }

    static int flags(List<String> names, boolean notify) {
        int f = 0;
        if (names != null) {
            for (String n : names) {
                f |= switch (n) {
                    case "SECCOMP_FILTER_FLAG_TSYNC" -> CompiledFilter.FLAG_TSYNC;
                    case "SECCOMP_FILTER_FLAG_LOG" -> CompiledFilter.FLAG_LOG;
                    case "SECCOMP_FILTER_FLAG_SPEC_ALLOW" -> CompiledFilter.FLAG_SPEC_ALLOW;
                    case "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" -> CompiledFilter.FLAG_WAIT_KILLABLE_RECV;
                    default -> throw new SeccompException("seccomp: unknown flag " + n);
                };
            }
        }
        if (notify) f |= CompiledFilter.FLAG_NEW_LISTENER;
        if ((f & CompiledFilter.FLAG_WAIT_KILLABLE_RECV) != 0 && !notify) {
            throw new SeccompException("seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs a rule with SCMP_ACT_NOTIFY");
        }
        // the kernel refuses TSYNC together with NEW_LISTENER unless TSYNC failures are reported as ESRCH
        if ((f & CompiledFilter.FLAG_TSYNC) != 0 && notify) f |= CompiledFilter.FLAG_TSYNC_ESRCH;
        return f;
    }

    // ------------------------------------------------------------------------------------------- emitter

    /** Emits instructions last-first; a "position" is an instruction's distance from the end of the program. */
    static final class Emitter {
        private final boolean bigEndian;
        private int[] code = new int[256], jt = new int[256], jf = new int[256], k = new int[256];
        int size;
        private final Map<Integer, Integer> rets = new HashMap<>();

        Emitter(boolean bigEndian) { this.bigEndian = bigEndian; }

        private int emit(int c, int t, int f, int kk) {
            if (size == code.length) {
                int n = size * 2;
                code = Arrays.copyOf(code, n);
                jt = Arrays.copyOf(jt, n);
                jf = Arrays.copyOf(jf, n);
                k = Arrays.copyOf(k, n);
            }
            code[size] = c;
            jt[size] = t;
            jf[size] = f;
            k[size] = kk;
            return size++;
        }

        /** Jump offset from the next instruction to be emitted to {@code target}. */
        private int off(int target) { return size - target - 1; }

        /** A position reachable by an 8-bit jump from the next instruction; a BPF_JA trampoline if need be. */
        private int near(int target) {
            // 254, not 255: a second trampoline emitted for the other branch adds one to this distance
            return off(target) <= 254 ? target : emit(JMP_JA, 0, 0, off(target));
        }

        int ret(int value) {
            Integer p = rets.get(value);
            if (p != null && off(p) <= 254) return p;
            int q = emit(RET_K, 0, 0, value); // a fresh ret costs no more than a trampoline to the old one
            rets.put(value, q);
            return q;
        }

        int cond(int op, int kk, int ifTrue, int ifFalse) {
            if (ifTrue == ifFalse) return ifTrue;
            int f = near(ifFalse);
            int t = near(ifTrue);
            return emit(op, off(t), off(f), kk);
        }

        /** Makes {@code next} the instruction that follows the one about to be emitted. */
        private void fallTo(int next) {
            if (next != size - 1) emit(JMP_JA, 0, 0, off(next));
        }

        int ld(int offset, int next) {
            fallTo(next);
            return emit(LD_W_ABS, 0, 0, offset);
        }

        int and(int mask, int next) {
            fallTo(next);
            return emit(ALU_AND_K, 0, 0, mask);
        }

        /** Binary search over ranges[lo, hi): log2(n) comparisons per syscall. */
        int tree(List<Range> ranges, int lo, int hi) {
            if (hi - lo == 1) {
                // instanceof, not a pattern switch: its SwitchBootstraps call site spins a class at run time
                // that the AOT cache does not hold (~10 ms of the first compile of a call)
                Leaf leaf = ranges.get(lo).leaf();
                return leaf instanceof RetLeaf r ? ret(r.ret()) : block((BlockLeaf) leaf);
            }
            int mid = (lo + hi) >>> 1;
            int right = tree(ranges, mid, hi);
            int left = tree(ranges, lo, mid); // emitted last so it directly follows the test
            return cond(JMP_JGE_K, (int) ranges.get(mid).start(), right, left);
        }

        private int block(BlockLeaf b) {
            int next = ret(b.fallback());
            for (int i = b.rules().size() - 1; i >= 0; i--) {
                Entry e = b.rules().get(i);
                int pos = ret(e.ret());
                for (int c = e.conds().size() - 1; c >= 0; c--) pos = arg(e.conds().get(c), pos, next);
                next = pos;
            }
            return next;
        }

        /** Tests one 64-bit argument condition as two 32-bit words, high word first. */
        private int arg(Cond c, int t, int f) {
            int base = OFF_ARGS + 8 * c.index();
            int offLo = bigEndian ? base + 4 : base, offHi = bigEndian ? base : base + 4;
            int hi = (int) (c.value() >>> 32), lo = (int) c.value();
            switch (c.op()) {
                case EQ -> {
                    int l = ld(offLo, cond(JMP_JEQ_K, lo, t, f));
                    return ld(offHi, cond(JMP_JEQ_K, hi, l, f));
                }
                case NE -> {
                    int l = ld(offLo, cond(JMP_JEQ_K, lo, f, t));
                    return ld(offHi, cond(JMP_JEQ_K, hi, l, t));
                }
                case GT, GE -> {
                    int l = ld(offLo, cond(c.op() == Op.GT ? JMP_JGT_K : JMP_JGE_K, lo, t, f));
                    int eq = cond(JMP_JEQ_K, hi, l, f);
                    return ld(offHi, cond(JMP_JGT_K, hi, t, eq));
                }
                case LT, LE -> {
                    // a < v  ⇔ !(a >= v);  a <= v ⇔ !(a > v)
                    int l = ld(offLo, cond(c.op() == Op.LT ? JMP_JGE_K : JMP_JGT_K, lo, f, t));
                    int eq = cond(JMP_JEQ_K, hi, l, t);
                    return ld(offHi, cond(JMP_JGT_K, hi, f, eq));
                }
                case MASKED_EQ -> {
                    // OCI/libseccomp: value is the mask, valueTwo the expected (arg & mask)
                    int mHi = hi, mLo = lo;
                    int dHi = (int) (c.valueTwo() >>> 32), dLo = (int) c.valueTwo();
                    int l = mLo == 0 ? (dLo == 0 ? t : f) : ld(offLo, masked(mLo, dLo, t, f));
                    return mHi == 0 ? (dHi == 0 ? l : f) : ld(offHi, masked(mHi, dHi, l, f));
                }
                default -> throw new IllegalStateException();
            }
        }

        private int masked(int mask, int datum, int t, int f) {
            int test = cond(JMP_JEQ_K, datum, t, f);
            return mask == -1 ? test : and(mask, test);
        }

        byte[] bytes() {
            byte[] out = new byte[size * 8];
            for (int i = 0; i < size; i++) {
                int p = size - 1 - i, o = i * 8;
                out[o] = (byte) code[p];
                out[o + 1] = (byte) (code[p] >>> 8);
                out[o + 2] = (byte) jt[p];
                out[o + 3] = (byte) jf[p];
                out[o + 4] = (byte) k[p];
                out[o + 5] = (byte) (k[p] >>> 8);
                out[o + 6] = (byte) (k[p] >>> 16);
                out[o + 7] = (byte) (k[p] >>> 24);
            }
            return out;
        }
    }
}
