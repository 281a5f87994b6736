package io.jrun.core.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jrun.core.spec.Spec;
import io.jrun.seccomp.Arch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * jrun's compiler against libseccomp (libseccomp-dev, test-only): both compile the same profile, both programs
 * run through {@link BpfInterpreter}, and every decision must agree. runc's ENOSYS stub is not part of
 * libseccomp, so it is applied on top of libseccomp's answer here, from libseccomp's own syscall numbers.
 */
class SeccompLibseccompCrossCheckTest {
    private static Path exporter;

    @BeforeAll
    static void build() throws Exception {
        Path src = Path.of("src/test/c/seccomp_export.c");
        assumeTrue(Files.isRegularFile(src), "test source " + src + " missing");
        assumeTrue(Files.isRegularFile(Path.of("/usr/include/seccomp.h")),
                "libseccomp-dev is not installed (/usr/include/seccomp.h): skipping the libseccomp cross-check");
        Path out = Path.of("target/test-native");
        Files.createDirectories(out);
        exporter = out.resolve("seccomp_export");
        Process p;
        try {
            p = new ProcessBuilder("gcc", "-O", "-Wall", "-o", exporter.toString(), src.toString(), "-lseccomp")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "gcc is not available: skipping the libseccomp cross-check (" + e.getMessage() + ")");
            return;
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "building the libseccomp exporter failed: " + log);
    }

    private record Exported(byte[] program, Map<Arch, Map<String, Integer>> numbers) {}

    private static final Map<Arch, String> TOKENS = Map.of(Arch.X86_64, "x86_64", Arch.X86, "x86", Arch.X32, "x32");

    private static int opNumber(String op) {
        return switch (op) {
            case "SCMP_CMP_NE" -> 1;
            case "SCMP_CMP_LT" -> 2;
            case "SCMP_CMP_LE" -> 3;
            case "SCMP_CMP_EQ" -> 4;
            case "SCMP_CMP_GE" -> 5;
            case "SCMP_CMP_GT" -> 6;
            case "SCMP_CMP_MASKED_EQ" -> 7;
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static Exported libseccomp(Spec.Seccomp s, int optimize) throws Exception {
        int def = IntendedDecision.ret(s.defaultAction(), s.defaultErrnoRet());
        StringBuilder in = new StringBuilder();
        in.append("default ").append(Integer.toHexString(def)).append('\n');
        in.append("badarch ").append(Integer.toHexString(SeccompCompiler.BAD_ARCH_RET)).append('\n');
        if (optimize > 0) in.append("optimize ").append(optimize).append('\n');
        in.append("arch x86_64\n");
        for (String a : s.architectures()) {
            Arch arch = Arch.fromScmpName(a);
            if (arch != null && TOKENS.containsKey(arch) && arch != Arch.X86_64) in.append("arch ").append(TOKENS.get(arch)).append('\n');
        }
        Set<String> names = new LinkedHashSet<>();
        for (Spec.SyscallRule r : s.syscalls()) {
            int ret = IntendedDecision.ret(r.action(), r.errnoRet());
            for (String n : r.names()) {
                names.add(n);
                if (ret == def) continue; // libseccomp refuses rules that repeat the default; runc skips them
                in.append("rule ").append(Integer.toHexString(ret)).append(' ').append(n).append(' ').append(r.args().size());
                for (Spec.SyscallArg a : r.args()) {
                    in.append(' ').append(a.index()).append(' ').append(opNumber(a.op())).append(' ')
                            .append(Long.toHexString(a.value())).append(' ').append(Long.toHexString(a.valueTwo()));
                }
                in.append('\n');
            }
        }
        for (String n : names) in.append("resolve ").append(n).append('\n');
        Path bpf = Files.createTempFile("libseccomp", ".bpf");
        try {
            Process p = new ProcessBuilder(exporter.toString(), bpf.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            p.getOutputStream().write(in.toString().getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "libseccomp exporter failed");
            Map<Arch, Map<String, Integer>> nums = new HashMap<>();
            for (String line : out.split("\n")) {
                if (line.isBlank()) continue;
                String[] f = line.split(" ");
                Arch a = TOKENS.entrySet().stream().filter(e -> e.getValue().equals(f[0])).findFirst().orElseThrow().getKey();
                nums.computeIfAbsent(a, k -> new HashMap<>()).put(f[1], Integer.parseInt(f[2]));
            }
            return new Exported(Files.readAllBytes(bpf), nums);
        } finally {
            Files.deleteIfExists(bpf);
        }
    }

    /** Compares jrun and libseccomp (+ runc's ENOSYS rule) on every probe; returns {jrun, libseccomp} sizes. */
    private static int[] compare(Spec.Seccomp s) throws Exception {
        Exported lib = libseccomp(s, 2);
        CompiledFilter ours = SeccompCompiler.compile(s, Arch.X86_64);
        BpfInterpreter a = BpfInterpreter.of(ours, false), b = new BpfInterpreter(lib.program(), false);
        int def = IntendedDecision.ret(s.defaultAction(), s.defaultErrnoRet());
        boolean stub = SeccompCompiler.enosysStub(def);
        Random rnd = new Random(99);
        List<long[]> argv = SeccompTestSupport.argVectors(s, rnd, 60);
        long compared = 0;
        for (Arch abi : List.of(Arch.X86_64, Arch.X86, Arch.X32)) {
            if (!s.architectures().contains(abi.scmpName()) && abi != Arch.X86_64) continue;
            Map<String, Integer> libNums = lib.numbers().getOrDefault(abi, Map.of());
            // the two name tables must agree wherever both know a name
            long libMax = -1, ourMax = -1;
            Set<Integer> disputed = new java.util.HashSet<>();
            for (Spec.SyscallRule r : s.syscalls()) {
                for (String n : r.names()) {
                    int ourNr = abi.table().number(n);
                    Integer libNr = libNums.get(n);
                    if (ourNr >= 0 && libNr != null) {
                        assertEquals(libNr.intValue(), ourNr, abi + " " + n + ": generated table disagrees with libseccomp");
                    } else if (ourNr >= 0 || libNr != null) {
                        disputed.add(ourNr >= 0 ? ourNr : libNr); // known to one side only (header vs libseccomp version)
                    }
                    if (libNr != null) libMax = Math.max(libMax, Integer.toUnsignedLong(libNr));
                    if (ourNr >= 0) ourMax = Math.max(ourMax, Integer.toUnsignedLong(ourNr));
                }
            }
            for (int nr : SeccompTestSupport.numbers(abi, rnd)) {
                long u = Integer.toUnsignedLong(nr);
                if (disputed.contains(nr)) continue;
                if (u > Math.min(libMax, ourMax) && u <= Math.max(libMax, ourMax)) continue;
                if (abi.auditArch() == Arch.X86_64.auditArch() && (u < abi.nrStart() || u >= abi.nrEnd())) continue;
                for (long[] args0 : argv) {
                    long[] args = args0.clone();
                    if (abi.bits() == 32) for (int i = 0; i < 6; i++) args[i] &= 0xffffffffL; // 32-bit ABIs pass 32-bit values
                    int got = a.run(nr, abi.auditArch(), 0, args);
                    int want = stub && libMax >= 0 && u > libMax && u < abi.ordinaryEnd() ? 0x50026 : b.run(nr, abi.auditArch(), 0, args);
                    compared++;
                    if (got != want) {
                        fail(String.format("%s nr %d (%s) args %s: jrun %08x, libseccomp %08x", abi, nr, abi.table().name(nr),
                                java.util.Arrays.toString(args), got, want));
                    }
                }
            }
        }
        // a foreign architecture: both kill
        assertEquals(b.run(0, 0xc00000b7, 0, new long[6]), a.run(0, 0xc00000b7, 0, new long[6]));
        assertTrue(compared > 10_000, "compared " + compared);
        return new int[] {ours.instructionCount(), lib.program().length / 8};
    }

    @Test
    void defaultProfileAgreesWithLibseccomp() throws Exception {
        for (Set<String> caps : List.of(Set.<String>of(), Set.of("CAP_SYS_ADMIN", "CAP_SYS_PTRACE"), Set.of("CAP_SYS_CHROOT", "CAP_SYS_NICE"))) {
            int[] sizes = compare(SeccompProfiles.defaultFor(caps, Arch.X86_64));
            System.out.printf("jrun default profile %s: jrun %d instructions, libseccomp %d%n", caps, sizes[0], sizes[1]);
        }
    }

    @Test
    void dockerProfileAgreesWithLibseccomp() throws Exception {
        assumeTrue(Fixtures.present("docker-create-config-memory.json"), "docker fixture missing");
        Spec.Seccomp s = Fixtures.seccomp("docker-create-config-memory.json");
        int[] sizes = compare(s);
        int unoptimized = libseccomp(s, 0).program().length / 8;
        System.out.printf("docker profile: jrun %d instructions, libseccomp %d (binary tree, as runc) / %d (linear)%n",
                sizes[0], sizes[1], unoptimized);
    }

    @Test
    void podmanProfileAgreesWithLibseccomp() throws Exception {
        assumeTrue(Fixtures.present("podman-create-config-memory.json"), "podman fixture missing");
        int[] sizes = compare(Fixtures.seccomp("podman-create-config-memory.json"));
        System.out.printf("podman profile: jrun %d instructions, libseccomp %d%n", sizes[0], sizes[1]);
    }
}
