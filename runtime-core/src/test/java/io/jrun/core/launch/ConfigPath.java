package io.jrun.core.launch;

import io.jrun.core.JrunException;
import io.jrun.core.seccomp.SeccompCompiler;
import io.jrun.core.seccomp.SeccompException;
import io.jrun.core.spec.Spec;
import io.jrun.core.spec.SpecReader;
import io.jrun.core.spec.SpecValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * create's config path as ContainerEngine runs it (read, validate, rejectUnsupported, seccomp, PlanBuilder.create),
 * minus the checks of the host (existing paths), and the oracles the config fuzzer holds it to (docs/fuzzing.md).
 */
final class ConfigPath {
    private ConfigPath() {}

    /** What one config.json came to: a plan, or the one-line error the user would see. */
    record Outcome(Spec spec, byte[] plan, Throwable error) {
        boolean accepted() { return plan != null; }
    }

    /**
     * Properties of an accepted config that validation must guarantee and does not yet: the validation fixes
     * (branch h-validation) close them. While an invariant is in {@link #AWAITING_VALIDATION} a violation is
     * reported, not failed.
     */
    enum Invariant {
        /** process.user ids above 2^31-1 read as negative ids in the helper's setresuid(2)/setgroups(2). */
        USER_ID_RANGE("uid-above-int-max.json", s -> s.process() == null || userIdsInRange(s.process().user())),
        /** linux.devices / linux.resources.devices major and minor: -1 (wildcard) or a real device number. */
        DEVICE_NUMBERS("negative-device-number.json", ConfigPath::deviceNumbersValid),
        /** A NUL inside a string would cut it short in the plan (strings are NUL-terminated there). */
        NO_NUL_IN_PLAN("nul-in-plan.json", s -> !hasNul(s, ""));

        /** A config that breaks it, under src/test/resources/fuzz/findings/ (ConfigFindingsTest). */
        final String reproducer;
        final Predicate<Spec> holds;

        Invariant(String reproducer, Predicate<Spec> holds) {
            this.reproducer = reproducer;
            this.holds = holds;
        }
    }

    /** The invariants that only report. Once h-validation is merged: {@code EnumSet.noneOf(Invariant.class)}. */
    static final Set<Invariant> AWAITING_VALIDATION = EnumSet.noneOf(Invariant.class);

    /**
     * Java findings of the fuzzer that are not fixed yet (docs/fuzzing.md "Findings"): the fuzz test lets an outcome
     * that matches one pass, so that the smoke keeps looking for new ones. Each has a reproducer under
     * src/test/resources/fuzz/findings/ that ConfigFindingsTest runs; remove the entry once the fix is merged.
     */
    enum KnownFinding {
        /**
         * A config.json without "linux": SpecValidator accepts it (linux is optional in config.md), then
         * PlanBuilder.rejectUnsupported reads spec.linux().intelRdt() and create dies of a NullPointerException.
         */
        NO_LINUX_SECTION_NPE("no-linux-section.json",
                o -> o.error() instanceof NullPointerException && o.spec() != null && o.spec().linux() == null),
        /**
         * A path string java.nio cannot encode (a lone surrogate such as "\ud800", a NUL, or any non-ASCII character
         * where sun.jnu.encoding is ASCII, as under a service manager's C locale) in a bind mount's source, a
         * destination or root.path: PlanBuilder's Path.of (addMount, clean) and ContainerEngine's throw
         * InvalidPathException, which is no JrunException.
         */
        UNENCODABLE_PATH("unencodable-mount-source.json", o -> o.error() instanceof InvalidPathException);

        final String reproducer;
        final Predicate<Outcome> matches;

        KnownFinding(String reproducer, Predicate<Outcome> matches) {
            this.reproducer = reproducer;
            this.matches = matches;
        }
    }

    static final Set<KnownFinding> KNOWN_FINDINGS = EnumSet.noneOf(KnownFinding.class);

    /** The known finding an outcome that fails the oracles is, or null. */
    static KnownFinding known(Outcome o) {
        for (KnownFinding f : KNOWN_FINDINGS) {
            if (f.matches.test(o)) return f;
        }
        return null;
    }

    private static final PlanBuilder.Lsm NO_LSM = new PlanBuilder.Lsm(false, false);
    private static final PlanBuilder.Lsm BOTH_LSMS = new PlanBuilder.Lsm(true, true);

    /**
     * Where the config pretends to be. Nothing is created there: validation runs without the host checks (root.path
     * and namespace paths must exist), which keeps the clients' configs, whose root.path is on their machines, valid.
     */
    static final Path BUNDLE = Path.of("/run/jrun-fuzz/bundle");

    /**
     * The file create reads: the input goes through SpecReader.readConfig as bytes, invalid UTF-8 included (a String
     * would have replaced it). One per JVM, in memory where /dev/shm exists.
     */
    private static final Path CONFIG = configFile();

    private static Path configFile() {
        try {
            Path dir = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
            Path d = Files.createTempDirectory(dir, "jrun-fuzz");
            d.toFile().deleteOnExit();
            d.resolve("config.json").toFile().deleteOnExit();
            return d.resolve("config.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One config through the path. Both LSMs are on (so labels reach the plan) unless the input's last byte is odd:
     * the fuzzer then also reaches the "not enabled on this host" refusals.
     */
    static Outcome run(byte[] configJson) {
        boolean noLsm = configJson.length > 0 && (configJson[configJson.length - 1] & 1) == 1;
        try {
            Files.write(CONFIG, configJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the harness's own failure, not an outcome
        }
        Spec spec = null;
        try {
            spec = SpecReader.readConfig(CONFIG);
            SpecValidator.validate(spec, null);
            PlanBuilder.rejectUnsupported(spec, noLsm ? NO_LSM : BOTH_LSMS);
            if (spec.process() == null) throw new JrunException("config.json: process: required for create");
            Path rootfs = BUNDLE.resolve(spec.root().path()).normalize();
            PlanBuilder.Context ctx = new PlanBuilder.Context("fuzz", BUNDLE, rootfs, BUNDLE.resolve("exec.fifo"),
                    spec.process().terminal() ? "/run/console.sock" : null, 0, false, false, true,
                    Map.of("", "/sys/fs/cgroup/fuzz"), seccomp(spec));
            return new Outcome(spec, PlanBuilder.create(spec, ctx, noLsm ? NO_LSM : BOTH_LSMS), null);
        } catch (Throwable t) {
            return new Outcome(spec, null, t);
        }
    }

    /** As Seccomps.compile, without its on-disk cache. */
    private static PlanBuilder.Seccomp seccomp(Spec spec) {
        Spec.Seccomp s = spec.linux().seccomp();
        if (s == null) return null;
        try {
            var f = SeccompCompiler.compileForHost(s);
            String listener = s.listenerPath() == null ? "" : s.listenerPath();
            return new PlanBuilder.Seccomp(f.flags(), f.program(), listener, listener.isEmpty() ? "" : "{}");
        } catch (SeccompException e) {
            throw new JrunException("config.json: linux.seccomp: " + e.getMessage(), e);
        }
    }

    /**
     * The oracles every outcome must pass: what fails is returned as one line (null: none). Refusals are the project's
     * own JrunException (SpecException for read and validation) with a one-line message; acceptances hold every
     * enforced {@link Invariant}.
     */
    static String violation(Outcome o) {
        if (o.error() != null) {
            if (!(o.error() instanceof JrunException e)) return "unexpected " + o.error();
            String m = e.getMessage();
            if (m == null || m.isEmpty()) return "JrunException without a message";
            if (m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) return "multi-line message: " + m.replace("\n", "\\n");
            return null;
        }
        for (Invariant i : violated(o)) {
            if (!AWAITING_VALIDATION.contains(i)) return "accepted although " + i + " does not hold";
        }
        return null;
    }

    /** The invariants an accepted config breaks (enforced or not). */
    static List<Invariant> violated(Outcome o) {
        List<Invariant> out = new ArrayList<>();
        if (!o.accepted()) return out;
        for (Invariant i : Invariant.values()) {
            if (!i.holds.test(o.spec())) out.add(i);
        }
        return out;
    }

    private static final long MAX_ID = Integer.MAX_VALUE;

    private static boolean userIdsInRange(Spec.User u) {
        if (u == null) return true;
        if (u.uid() > MAX_ID || u.gid() > MAX_ID) return false;
        return u.additionalGids() == null || u.additionalGids().stream().allMatch(g -> g <= MAX_ID);
    }

    private static boolean deviceNumbersValid(Spec s) {
        if (s.linux() == null) return true;
        for (Spec.Device d : s.linux().devices()) {
            if (!deviceNumber(d.major()) || !deviceNumber(d.minor())) return false;
        }
        Spec.Resources r = s.linux().resources();
        if (r != null && r.devices() != null) {
            for (Spec.DeviceRule d : r.devices()) {
                if (!deviceNumber(d.major()) || !deviceNumber(d.minor())) return false;
            }
        }
        return true;
    }

    private static boolean deviceNumber(Long n) {
        return n == null || n >= -1;
    }

    /**
     * A NUL in any string of the spec except the annotations (kept in state.json only, as JSON), the hooks (run by
     * Java, whose ProcessBuilder refuses a NUL itself) and the seccomp rules (compiled to BPF; a name with a NUL is
     * an unknown syscall).
     */
    private static boolean hasNul(Object o, String name) {
        if (name.equals("annotations") || name.equals("hooks") || name.equals("syscalls")) return false;
        return switch (o) {
            case null -> false;
            case String s -> s.indexOf('\0') >= 0;
            case Map<?, ?> m -> m.entrySet().stream().anyMatch(e -> hasNul(e.getKey(), "") || hasNul(e.getValue(), ""));
            case Iterable<?> it -> {
                for (Object x : it) if (hasNul(x, "")) yield true;
                yield false;
            }
            case Record r -> {
                for (RecordComponent c : r.getClass().getRecordComponents()) {
                    try {
                        if (hasNul(c.getAccessor().invoke(r), c.getName())) yield true;
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
                yield false;
            }
            default -> false;
        };
    }
}
