package io.jrun.core.seccomp;

import static org.junit.jupiter.api.Assertions.fail;

import io.jrun.core.spec.Spec;
import io.jrun.seccomp.Arch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Exhaustive-ish comparison of a compiled program with {@link IntendedDecision}. */
final class SeccompTestSupport {
    private SeccompTestSupport() {}

    static final int AUDIT_X86_64 = 0xc000003e, AUDIT_I386 = 0x40000003, AUDIT_AARCH64 = 0xc00000b7, AUDIT_ARM = 0x40000028;

    static Spec.Seccomp profile(String defaultAction, Long defaultErrno, List<String> arches, Spec.SyscallRule... rules) {
        return new Spec.Seccomp(defaultAction, defaultErrno, arches, null, null, null, List.of(rules));
    }

    static Spec.SyscallRule rule(String action, Long errno, List<String> names, Spec.SyscallArg... args) {
        return new Spec.SyscallRule(names, action, errno, List.of(args));
    }

    /** Argument vectors that sit on and around every value the profile compares against. */
    static List<long[]> argVectors(Spec.Seccomp s, Random rnd, int randomCount) {
        return argVectors(s.syscalls(), rnd, randomCount);
    }

    static List<long[]> argVectors(List<Spec.SyscallRule> rules, Random rnd, int randomCount) {
        Set<Long> interesting = new LinkedHashSet<>(List.of(0L, 1L, -1L, 0xffffffffL, 0x1_0000_0000L, Long.MIN_VALUE, Long.MAX_VALUE));
        for (Spec.SyscallRule r : rules) {
            if (r.args() == null) continue;
            for (Spec.SyscallArg a : r.args()) {
                for (long v : new long[] {a.value(), a.valueTwo()}) {
                    interesting.add(v);
                    interesting.add(v + 1);
                    interesting.add(v - 1);
                    interesting.add(v ^ 0xffffffffL);           // low half differs
                    interesting.add(v ^ 0xffffffff00000000L);   // high half differs
                    interesting.add((v << 32) | (v >>> 32));   // halves swapped
                    interesting.add(v & 0xffffffffL);
                    interesting.add(v | 0x100000000L);
                    interesting.add(a.valueTwo() | (rnd.nextLong() & ~a.value()));
                }
            }
        }
        List<Long> vals = new ArrayList<>(interesting);
        List<long[]> out = new ArrayList<>();
        out.add(new long[6]);
        for (int idx = 0; idx < 6; idx++) {
            for (long v : vals) {
                long[] args = new long[6];
                args[idx] = v;
                out.add(args);
            }
        }
        for (int i = 0; i < randomCount; i++) {
            long[] args = new long[6];
            for (int j = 0; j < 6; j++) args[j] = rnd.nextInt(3) == 0 ? vals.get(rnd.nextInt(vals.size())) : rnd.nextLong();
            out.add(args);
        }
        return out;
    }

    /** Syscall numbers worth probing for one ABI: every table entry, the first 600, edges, and random ones. */
    static int[] numbers(Arch abi, Random rnd) {
        Set<Integer> nrs = new LinkedHashSet<>();
        for (int i = 0; i < abi.table().size(); i++) nrs.add(abi.table().numberAt(i));
        for (long n = abi.nrStart(); n < abi.nrStart() + 600; n++) nrs.add((int) n);
        for (long n : new long[] {abi.ordinaryEnd() - 1, abi.ordinaryEnd(), abi.nrEnd() - 1, abi.nrStart() + 0xf0000, abi.nrStart() + 0xf0010}) {
            nrs.add((int) n);
        }
        for (int i = 0; i < 50; i++) nrs.add((int) (abi.nrStart() + (rnd.nextLong() & 0xffffffffL) % (abi.nrEnd() - abi.nrStart())));
        nrs.add(-1);
        return nrs.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Compiles {@code s} for {@code host} and checks every probe; returns the filter. */
    static CompiledFilter assertAgrees(Spec.Seccomp s, Arch host, long seed) {
        CompiledFilter f = SeccompCompiler.compile(s, host);
        BpfInterpreter bpf = BpfInterpreter.of(f, host.bigEndian());
        IntendedDecision want = new IntendedDecision(s, host);
        Random rnd = new Random(seed);
        List<long[]> plain = argVectors(List.of(), rnd, 2).subList(0, 3);
        // per syscall number: vectors around the values of the rules that name it (any ABI)
        Map<Integer, List<Spec.SyscallRule>> condRules = new HashMap<>();
        Set<Integer> audits = new LinkedHashSet<>();
        for (Arch a : host.compatible()) audits.add(a.auditArch());
        audits.add(host == Arch.X86_64 ? AUDIT_AARCH64 : AUDIT_X86_64); // a foreign ABI
        for (Arch abi : host.compatible()) {
            for (Spec.SyscallRule r : s.syscalls()) {
                if (r.args() == null || r.args().isEmpty()) continue;
                for (String n : r.names()) {
                    if (abi.table().number(n) >= 0) condRules.computeIfAbsent(abi.table().number(n), k -> new ArrayList<>()).add(r);
                }
            }
        }
        long checks = 0;
        for (int audit : audits) {
            for (Arch abi : host.compatible()) {
                for (int nr : numbers(abi, rnd)) {
                    List<Spec.SyscallRule> cr = condRules.get(nr);
                    List<long[]> vs = cr == null ? plain : argVectors(cr, rnd, 40);
                    for (long[] args : vs) {
                        long ip = rnd.nextLong();
                        int got = bpf.run(nr, audit, ip, args);
                        int exp = want.decide(audit, nr, args);
                        checks++;
                        if (got != exp) {
                            fail(String.format("host %s arch %08x nr %d (%s) args %s: program says %08x, profile means %08x",
                                    host, audit, nr, abi.table().name(nr), java.util.Arrays.toString(args), got, exp));
                        }
                    }
                }
            }
        }
        if (checks < 1000) fail("too few probes: " + checks);
        return f;
    }
}
