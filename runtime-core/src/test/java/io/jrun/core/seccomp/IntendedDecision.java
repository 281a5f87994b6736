package io.jrun.core.seccomp;

import io.jrun.core.spec.Spec;
import io.jrun.seccomp.Arch;
import java.util.ArrayList;
import java.util.List;

/**
 * The decision a profile intends for one syscall, evaluated straight from the Spec.Seccomp with no BPF,
 * no ranges and no trees: the reference the compiled program is compared against. The semantics are the
 * ones docs/seccomp.md states.
 */
final class IntendedDecision {
    static final int KILL_PROCESS = 0x80000000, KILL_THREAD = 0, TRAP = 0x30000, ERRNO = 0x50000, NOTIFY = 0x7fc00000,
            TRACE = 0x7ff00000, LOG = 0x7ffc0000, ALLOW = 0x7fff0000;

    private final Spec.Seccomp s;
    private final Arch host;
    private final List<Arch> abis = new ArrayList<>();
    private final int defaultRet;

    IntendedDecision(Spec.Seccomp s, Arch host) {
        this.s = s;
        this.host = host;
        abis.add(host);
        if (s.architectures() != null) {
            for (String n : s.architectures()) {
                for (Arch a : host.compatible()) if (a.scmpName().equals(n)) abis.add(a);
            }
        }
        defaultRet = ret(s.defaultAction(), s.defaultErrnoRet());
    }

    static int ret(String action, Long errno) {
        int e = errno == null ? 1 : errno.intValue();
        return switch (action) {
            case "SCMP_ACT_ALLOW" -> ALLOW;
            case "SCMP_ACT_ERRNO" -> ERRNO | e;
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> KILL_THREAD;
            case "SCMP_ACT_KILL_PROCESS" -> KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> TRAP;
            case "SCMP_ACT_TRACE" -> TRACE | e;
            case "SCMP_ACT_LOG" -> LOG;
            case "SCMP_ACT_NOTIFY" -> NOTIFY;
            default -> throw new IllegalArgumentException(action);
        };
    }

    /** The ABI a (arch, nr) pair belongs to on this host, or null for none the kernel has. */
    Arch abiOf(int auditArch, int nr) {
        for (Arch a : host.compatible()) {
            long u = Integer.toUnsignedLong(nr);
            if (a.auditArch() == auditArch && u >= a.nrStart() && u < a.nrEnd()) return a;
        }
        return null;
    }

    int decide(int auditArch, int nr, long[] args) {
        Arch abi = abiOf(auditArch, nr);
        if (abi == null || !abis.contains(abi)) return SeccompCompiler.BAD_ARCH_RET;
        boolean mentioned = false;
        long max = -1;
        Integer firstUnconditional = null, firstMatch = null;
        List<Spec.SyscallRule> rules = s.syscalls() == null ? List.of() : s.syscalls();
        for (int i = 0; i < rules.size(); i++) {
            Spec.SyscallRule r = rules.get(i);
            boolean hit = false;
            for (String name : r.names()) {
                int n = abi.table().number(name);
                if (n < 0) continue;
                if (Integer.toUnsignedLong(n) < abi.ordinaryEnd()) max = Math.max(max, Integer.toUnsignedLong(n));
                if (n == nr) hit = true;
            }
            if (!hit) continue;
            mentioned = true;
            int rr = ret(r.action(), r.errnoRet());
            if (rr == defaultRet) continue; // repeats the default: dropped
            // an unconditional rule beats every conditional one; otherwise the first matching rule decides
            if ((r.args() == null || r.args().isEmpty()) && firstUnconditional == null) firstUnconditional = rr;
            if (firstMatch == null && allMatch(r.args(), args)) firstMatch = rr;
        }
        if (firstUnconditional != null) return firstUnconditional;
        if (firstMatch != null) return firstMatch;
        if (mentioned) return defaultRet;
        int act = defaultRet & 0xffff0000;
        boolean stub = act != ALLOW && act != LOG && act != TRACE && defaultRet != (ERRNO | 38);
        long u = Integer.toUnsignedLong(nr);
        if (stub && max >= 0) {
            if (abi == Arch.S390X && nr == 0) return ERRNO | 38;
            if (u > max && u < abi.ordinaryEnd()) return ERRNO | 38;
        }
        return defaultRet;
    }

    static boolean allMatch(List<Spec.SyscallArg> conds, long[] args) {
        if (conds == null) return true;
        for (Spec.SyscallArg c : conds) {
            long a = args[c.index()];
            boolean ok = switch (c.op()) {
                case "SCMP_CMP_EQ" -> a == c.value();
                case "SCMP_CMP_NE" -> a != c.value();
                case "SCMP_CMP_LT" -> Long.compareUnsigned(a, c.value()) < 0;
                case "SCMP_CMP_LE" -> Long.compareUnsigned(a, c.value()) <= 0;
                case "SCMP_CMP_GT" -> Long.compareUnsigned(a, c.value()) > 0;
                case "SCMP_CMP_GE" -> Long.compareUnsigned(a, c.value()) >= 0;
                case "SCMP_CMP_MASKED_EQ" -> (a & c.value()) == c.valueTwo();
                default -> throw new IllegalArgumentException(c.op());
            };
            if (!ok) return false;
        }
        return true;
    }
}
