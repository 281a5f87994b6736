package io.jrun.core.spec;

import io.jrun.core.CallerPaths;
import io.jrun.core.BoundedRead;
import io.jrun.core.Json;
import io.jrun.core.spec.JsonTree.Arr;
import io.jrun.core.spec.JsonTree.Bool;
import io.jrun.core.spec.JsonTree.Node;
import io.jrun.core.spec.JsonTree.Null;
import io.jrun.core.spec.JsonTree.Num;
import io.jrun.core.spec.JsonTree.Obj;
import io.jrun.core.spec.JsonTree.Str;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Reads config.json into {@link Spec} and process.json (the {@code exec --process} file) into {@link Spec.Process}.
 *
 * <p>Type errors are reported with the JSON path and position of the offending value, e.g.
 * {@code config.json: linux.resources.memory.limit: expected an integer, found "64M" (line 12, col 20)}.
 * Unknown properties are ignored (config.md: "Runtimes MUST ignore unknown properties"); JSON null is treated as
 * absent, as Go's encoding/json does for runc. Absent lists and maps read as empty, absent optional objects as null.
 * Integers are range-checked against the spec's Go types; uint64 values above Long.MAX_VALUE are kept as the same
 * 64 bits in a long (compare them with Long.compareUnsigned).
 */
public final class SpecReader {
    private static final String U64_MAX = "18446744073709551615";

    /** Top-level sections for other platforms (config.md "Platform-specific configuration"). */
    private static final List<String> OTHER_PLATFORMS = List.of("windows", "solaris", "vm", "zos");

    private final String file;

    private SpecReader(String file) {
        this.file = file;
    }

    /** Reads a config.json; errors name the file by its last path element. */
    public static Spec readConfig(Path file) {
        String name = displayName(file);
        return new SpecReader(name).bindSpec(JsonTree.parse(load(file, name), name));
    }

    /** Reads a process.json (the whole file is one Process object, config.md "Process"). */
    public static Spec.Process readProcess(Path file) {
        String name = displayName(file);
        return new SpecReader(name).bindProcessRoot(JsonTree.parse(load(file, name), name));
    }

    /**
     * Reads a LinuxResources object (config-linux.md "Control groups") as {@code jrun update --resources FILE}
     * takes it: the whole document is the object that config.json holds at linux.resources.
     */
    public static Spec.Resources readResources(Path file) {
        String name = displayName(file);
        return parseResources(load(file, name), name);
    }

    /** {@link #readResources} on bytes already read (stdin for {@code --resources -}). */
    public static Spec.Resources parseResources(byte[] json, String name) {
        SpecReader r = new SpecReader(name);
        return r.resources(r.asObj(JsonTree.parse(json, name), ""), "");
    }

    /** Parses config.json text; {@code fileName} is what error messages start with. */
    public static Spec parseConfig(String json, String fileName) {
        return new SpecReader(fileName)
                .bindSpec(JsonTree.parse(json.getBytes(StandardCharsets.UTF_8), fileName));
    }

    public static Spec parseConfig(String json) {
        return parseConfig(json, "config.json");
    }

    public static Spec.Process parseProcess(String json, String fileName) {
        return new SpecReader(fileName)
                .bindProcessRoot(JsonTree.parse(json.getBytes(StandardCharsets.UTF_8), fileName));
    }

    public static Spec.Process parseProcess(String json) {
        return parseProcess(json, "process.json");
    }

    private static String displayName(Path file) {
        Path n = file.getFileName();
        return n == null ? file.toString() : n.toString();
    }

    /**
     * Errors worded like runc's (Go's *PathError): "open <path>: no such file or directory". The read is bounded
     * ({@link BoundedRead#SPEC_MAX}) and takes regular files only: jrun's heap is 64 MiB.
     */
    private static byte[] load(Path file, String name) {
        try {
            return BoundedRead.read(file, BoundedRead.SPEC_MAX);
        } catch (NoSuchFileException e) {
            throw new SpecException(name + ": open " + CallerPaths.absolute(file) + ": no such file or directory", e);
        } catch (AccessDeniedException e) {
            throw new SpecException(name + ": open " + CallerPaths.absolute(file) + ": permission denied", e);
        } catch (BoundedRead.Refused e) {
            throw new SpecException(name + ": " + CallerPaths.absolute(file) + " " + e.getMessage(), e);
        } catch (IOException e) {
            if (Files.isDirectory(file)) {
                throw new SpecException(name + ": read " + CallerPaths.absolute(file) + ": is a directory", e);
            }
            throw new SpecException(name + ": open " + CallerPaths.absolute(file) + ": " + e.getMessage(), e);
        }
    }

    /** {@code update --resources -}: stdin, bounded as a file is. */
    public static Spec.Resources readResources(java.io.InputStream in, String name) throws IOException {
        try {
            return parseResources(BoundedRead.read(in, BoundedRead.SPEC_MAX), name);
        } catch (BoundedRead.Refused e) {
            throw new SpecException(name + ": the input " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- top level

    private Spec bindSpec(Node rootNode) {
        Obj o = asObj(rootNode, "");
        List<String> unsupported = new ArrayList<>();
        for (String platform : OTHER_PLATFORMS) {
            if (get(o, platform) != null) {
                unsupported.add(platform);
            }
        }
        return new Spec(
                str(o, "ociVersion", ""),
                obj(o, "root", "", this::root),
                list(o, "mounts", "", this::mount),
                obj(o, "process", "", this::process),
                str(o, "hostname", ""),
                str(o, "domainname", ""),
                obj(o, "hooks", "", this::hooks),
                strMap(o, "annotations", "", false),
                obj(o, "linux", "", this::linux),
                List.copyOf(unsupported));
    }

    private Spec.Process bindProcessRoot(Node rootNode) {
        return process(asObj(rootNode, ""), "");
    }

    private Spec.Root root(Obj o, String p) {
        return new Spec.Root(str(o, "path", p), bool(o, "readonly", p));
    }

    private Spec.Mount mount(Obj o, String p) {
        return new Spec.Mount(
                str(o, "destination", p),
                str(o, "source", p),
                str(o, "type", p),
                strList(o, "options", p),
                list(o, "uidMappings", p, this::idMapping),
                list(o, "gidMappings", p, this::idMapping));
    }

    // ---------------------------------------------------------------- process

    private Spec.Process process(Obj o, String p) {
        Spec.User user = obj(o, "user", p, this::user);
        if (user == null) {
            // user is a non-pointer struct in the spec's Go types: absent means uid 0, gid 0 (runc's behaviour).
            user = new Spec.User(0, 0, null, List.of(), null);
        }
        return new Spec.Process(
                bool(o, "terminal", p),
                obj(o, "consoleSize", p, (c, cp) -> new Spec.ConsoleSize(
                        u64Or0(c, "height", cp), u64Or0(c, "width", cp))),
                user,
                strList(o, "args", p),
                str(o, "commandLine", p),
                strList(o, "env", p),
                str(o, "cwd", p),
                obj(o, "capabilities", p, this::capabilities),
                list(o, "rlimits", p, (r, rp) -> new Spec.Rlimit(
                        str(r, "type", rp), u64Or0(r, "soft", rp), u64Or0(r, "hard", rp))),
                bool(o, "noNewPrivileges", p),
                str(o, "apparmorProfile", p),
                i32(o, "oomScoreAdj", p),
                obj(o, "scheduler", p, this::scheduler),
                str(o, "selinuxLabel", p),
                obj(o, "ioPriority", p, (io, iop) -> new Spec.IoPriority(
                        str(io, "class", iop), orZero(i32(io, "priority", iop)))),
                obj(o, "execCPUAffinity", p, (a, ap) -> new Spec.ExecCpuAffinity(
                        str(a, "initial", ap), str(a, "final", ap))));
    }

    private Spec.User user(Obj o, String p) {
        return new Spec.User(
                u32Or0(o, "uid", p),
                u32Or0(o, "gid", p),
                u32(o, "umask", p),
                u32List(o, "additionalGids", p),
                str(o, "username", p));
    }

    /** Keeps "set absent" (null) apart from "set empty" ([]): an empty bounding set drops every capability. */
    private Spec.Capabilities capabilities(Obj o, String p) {
        return new Spec.Capabilities(
                optStrList(o, "bounding", p),
                optStrList(o, "effective", p),
                optStrList(o, "inheritable", p),
                optStrList(o, "permitted", p),
                optStrList(o, "ambient", p));
    }

    private Spec.Scheduler scheduler(Obj o, String p) {
        return new Spec.Scheduler(
                str(o, "policy", p),
                i32(o, "nice", p),
                i32(o, "priority", p),
                strList(o, "flags", p),
                u64(o, "runtime", p),
                u64(o, "deadline", p),
                u64(o, "period", p));
    }

    // ---------------------------------------------------------------- hooks

    private Spec.Hooks hooks(Obj o, String p) {
        return new Spec.Hooks(
                list(o, "prestart", p, this::hook),
                list(o, "createRuntime", p, this::hook),
                list(o, "createContainer", p, this::hook),
                list(o, "startContainer", p, this::hook),
                list(o, "poststart", p, this::hook),
                list(o, "poststop", p, this::hook));
    }

    private Spec.Hook hook(Obj o, String p) {
        return new Spec.Hook(str(o, "path", p), strList(o, "args", p), strList(o, "env", p), i32(o, "timeout", p));
    }

    // ---------------------------------------------------------------- linux

    private Spec.Linux linux(Obj o, String p) {
        return new Spec.Linux(
                list(o, "namespaces", p, (n, np) -> new Spec.Namespace(str(n, "type", np), str(n, "path", np))),
                list(o, "uidMappings", p, this::idMapping),
                list(o, "gidMappings", p, this::idMapping),
                objMap(o, "timeOffsets", p, (t, tp) -> new Spec.TimeOffset(
                        orZero(i64(t, "secs", tp)), u32Or0(t, "nanosecs", tp))),
                list(o, "devices", p, this::device),
                objMap(o, "netDevices", p, (n, np) -> new Spec.NetDevice(str(n, "name", np))),
                str(o, "cgroupsPath", p),
                obj(o, "resources", p, this::resources),
                str(o, "rootfsPropagation", p),
                obj(o, "seccomp", p, this::seccomp),
                strMap(o, "sysctl", p),
                strList(o, "maskedPaths", p),
                strList(o, "readonlyPaths", p),
                str(o, "mountLabel", p),
                obj(o, "intelRdt", p, (r, rp) -> new Spec.IntelRdt(
                        str(r, "closID", rp), str(r, "l3CacheSchema", rp), str(r, "memBwSchema", rp),
                        boolObj(r, "enableCMT", rp), boolObj(r, "enableMBM", rp))),
                obj(o, "personality", p, (r, rp) -> new Spec.Personality(
                        str(r, "domain", rp), strList(r, "flags", rp))));
    }

    private Spec.IdMapping idMapping(Obj o, String p) {
        return new Spec.IdMapping(u32Or0(o, "containerID", p), u32Or0(o, "hostID", p), u32Or0(o, "size", p));
    }

    private Spec.Device device(Obj o, String p) {
        Long mode = u32(o, "fileMode", p);
        if (mode != null && mode > Integer.MAX_VALUE) {
            throw expected(child(p, "fileMode"), "an integer between 0 and " + Integer.MAX_VALUE, get(o, "fileMode"));
        }
        return new Spec.Device(
                str(o, "type", p),
                str(o, "path", p),
                i64(o, "major", p),
                i64(o, "minor", p),
                mode == null ? null : mode.intValue(),
                u32(o, "uid", p),
                u32(o, "gid", p));
    }

    private Spec.Resources resources(Obj o, String p) {
        return new Spec.Resources(
                list(o, "devices", p, (d, dp) -> new Spec.DeviceRule(
                        bool(d, "allow", dp), str(d, "type", dp), i64(d, "major", dp), i64(d, "minor", dp),
                        str(d, "access", dp))),
                obj(o, "memory", p, (m, mp) -> new Spec.Memory(
                        i64(m, "limit", mp), i64(m, "reservation", mp), i64(m, "swap", mp), i64(m, "kernel", mp),
                        i64(m, "kernelTCP", mp), u64(m, "swappiness", mp), boolObj(m, "disableOOMKiller", mp),
                        boolObj(m, "useHierarchy", mp), boolObj(m, "checkBeforeUpdate", mp))),
                obj(o, "cpu", p, this::cpu),
                obj(o, "pids", p, (x, xp) -> new Spec.Pids(orZero(i64(x, "limit", xp)))),
                obj(o, "blockIO", p, this::blockIO),
                list(o, "hugepageLimits", p, (h, hp) -> new Spec.HugepageLimit(
                        str(h, "pageSize", hp), u64Or0(h, "limit", hp))),
                obj(o, "network", p, (n, np) -> new Spec.Network(
                        u32(n, "classID", np),
                        list(n, "priorities", np, (x, xp) -> new Spec.NetPriority(
                                str(x, "name", xp), u32Or0(x, "priority", xp))))),
                objMap(o, "rdma", p, (r, rp) -> new Spec.Rdma(u32(r, "hcaHandles", rp), u32(r, "hcaObjects", rp))),
                strMap(o, "unified", p));
    }

    private Spec.Cpu cpu(Obj o, String p) {
        return new Spec.Cpu(
                u64(o, "shares", p),
                i64(o, "quota", p),
                u64(o, "burst", p),
                u64(o, "period", p),
                i64(o, "realtimeRuntime", p),
                u64(o, "realtimePeriod", p),
                str(o, "cpus", p),
                str(o, "mems", p),
                cpuIdle(o, p));
    }

    /**
     * cpu.idle is an int64 in config-linux.md whose only meaningful values are 0 and 1 (the kernel's cpu.idle
     * accepts nothing else); Spec models it as a Boolean. A JSON boolean is accepted too.
     */
    private Boolean cpuIdle(Obj o, String p) {
        Node n = get(o, "idle");
        if (n == null) {
            return null;
        }
        if (n instanceof Bool b) {
            return b.value();
        }
        Long v = i64(o, "idle", p);
        if (v != 0 && v != 1) {
            throw expected(child(p, "idle"), "0 or 1", n);
        }
        return v == 1;
    }

    private Spec.BlockIO blockIO(Obj o, String p) {
        return new Spec.BlockIO(
                u16(o, "weight", p),
                u16(o, "leafWeight", p),
                list(o, "weightDevice", p, (w, wp) -> new Spec.WeightDevice(
                        orZero(i64(w, "major", wp)), orZero(i64(w, "minor", wp)),
                        u16(w, "weight", wp), u16(w, "leafWeight", wp))),
                list(o, "throttleReadBpsDevice", p, this::throttle),
                list(o, "throttleWriteBpsDevice", p, this::throttle),
                list(o, "throttleReadIOPSDevice", p, this::throttle),
                list(o, "throttleWriteIOPSDevice", p, this::throttle));
    }

    private Spec.ThrottleDevice throttle(Obj o, String p) {
        return new Spec.ThrottleDevice(orZero(i64(o, "major", p)), orZero(i64(o, "minor", p)), u64Or0(o, "rate", p));
    }

    private Spec.Seccomp seccomp(Obj o, String p) {
        return new Spec.Seccomp(
                str(o, "defaultAction", p),
                u32(o, "defaultErrnoRet", p),
                strList(o, "architectures", p),
                strList(o, "flags", p),
                str(o, "listenerPath", p),
                str(o, "listenerMetadata", p),
                list(o, "syscalls", p, (s, sp) -> new Spec.SyscallRule(
                        strList(s, "names", sp),
                        str(s, "action", sp),
                        u32(s, "errnoRet", sp),
                        list(s, "args", sp, (a, ap) -> {
                            Long index = u32(a, "index", ap);
                            if (index != null && index > Integer.MAX_VALUE) {
                                throw expected(child(ap, "index"), "an integer between 0 and 5", get(a, "index"));
                            }
                            return new Spec.SyscallArg(
                                    index == null ? 0 : index.intValue(),
                                    u64Or0(a, "value", ap),
                                    u64Or0(a, "valueTwo", ap),
                                    str(a, "op", ap));
                        }))));
    }

    // ---------------------------------------------------------------- path-aware helpers

    private static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    private static String elem(String parent, int i) {
        return parent + "[" + i + "]";
    }

    /** Map entries use a quoted subscript because keys such as sysctl names contain dots; a long key is cut. */
    private static String entry(String parent, String key) {
        return parent + "[" + Json.quoteValue(key) + "]";
    }

    /** JSON null counts as absent, as in Go's encoding/json. */
    private static Node get(Obj o, String key) {
        Node n = o.members().get(key);
        return n instanceof Null ? null : n;
    }

    private SpecException expected(String path, String what, Node found) {
        String where = path.isEmpty() ? "" : path + ": ";
        return new SpecException(file + ": " + where + "expected " + what + ", found " + describe(found)
                + JsonTree.at(found.line(), found.col()));
    }

    private static String describe(Node n) {
        return switch (n) {
            case Obj ignored -> "an object";
            case Arr ignored -> "an array";
            case Str s -> quote(s.value());
            case Num x -> x.text().length() > 40 ? x.text().substring(0, 40) + "..." : x.text();
            case Bool b -> Boolean.toString(b.value());
            case Null ignored -> "null";
        };
    }

    /** Quotes a found string for the message, shortened and with control characters escaped (one-line rule). */
    private static String quote(String s) {
        return Json.quoteValue(s);
    }

    /**
     * A string that reaches a path, the helper's plan or the kernel: NUL would end it early there (the plan's
     * strings are C strings) or fail deep inside create with java.nio's "Nul character not allowed", naming no
     * field. Refused here, where the field and position are known. Annotations are exempt: jrun only stores
     * them (state.json escapes NUL), as runc does.
     */
    private String noNul(Str s, String path) {
        if (s.value().indexOf('\0') >= 0) {
            throw new SpecException(file + ": " + path + ": must not contain a NUL character"
                    + JsonTree.at(s.line(), s.col()));
        }
        return s.value();
    }

    private void noNulKey(String key, String mapPath, Node value) {
        if (key.indexOf('\0') >= 0) {
            throw new SpecException(file + ": " + mapPath + ": a key must not contain a NUL character"
                    + JsonTree.at(value.line(), value.col()));
        }
    }

    private Obj asObj(Node n, String path) {
        if (n instanceof Obj o) {
            return o;
        }
        throw expected(path, "an object", n);
    }

    private <T> T obj(Obj o, String key, String parent, BiFunction<Obj, String, T> bind) {
        Node n = get(o, key);
        if (n == null) {
            return null;
        }
        String path = child(parent, key);
        return bind.apply(asObj(n, path), path);
    }

    private <T> List<T> list(Obj o, String key, String parent, BiFunction<Obj, String, T> bind) {
        Node n = get(o, key);
        if (n == null) {
            return List.of();
        }
        String path = child(parent, key);
        if (!(n instanceof Arr a)) {
            throw expected(path, "an array", n);
        }
        List<T> out = new ArrayList<>(a.items().size());
        for (int i = 0; i < a.items().size(); i++) {
            String ep = elem(path, i);
            out.add(bind.apply(asObj(a.items().get(i), ep), ep));
        }
        return Collections.unmodifiableList(out);
    }

    private <T> Map<String, T> objMap(Obj o, String key, String parent, BiFunction<Obj, String, T> bind) {
        Node n = get(o, key);
        if (n == null) {
            return Map.of();
        }
        String path = child(parent, key);
        Obj m = asObj(n, path);
        Map<String, T> out = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : m.members().entrySet()) {
            if (e.getValue() instanceof Null) {
                continue;
            }
            noNulKey(e.getKey(), path, e.getValue());
            String ep = entry(path, e.getKey());
            out.put(e.getKey(), bind.apply(asObj(e.getValue(), ep), ep));
        }
        return Collections.unmodifiableMap(out);
    }

    private Map<String, String> strMap(Obj o, String key, String parent) {
        return strMap(o, key, parent, true);
    }

    /** {@code checkNul}: false only for annotations (see {@link #noNul}). */
    private Map<String, String> strMap(Obj o, String key, String parent, boolean checkNul) {
        Node n = get(o, key);
        if (n == null) {
            return Map.of();
        }
        String path = child(parent, key);
        Obj m = asObj(n, path);
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : m.members().entrySet()) {
            Node v = e.getValue();
            if (v instanceof Null) {
                continue;
            }
            if (!(v instanceof Str s)) {
                throw expected(entry(path, e.getKey()), "a string", v);
            }
            if (checkNul) {
                noNulKey(e.getKey(), path, v);
                noNul(s, entry(path, e.getKey()));
            }
            out.put(e.getKey(), s.value());
        }
        return Collections.unmodifiableMap(out);
    }

    private String str(Obj o, String key, String parent) {
        Node n = get(o, key);
        if (n == null) {
            return null;
        }
        if (n instanceof Str s) {
            return noNul(s, child(parent, key));
        }
        throw expected(child(parent, key), "a string", n);
    }

    private List<String> strList(Obj o, String key, String parent) {
        List<String> l = optStrList(o, key, parent);
        return l == null ? List.of() : l;
    }

    private List<String> optStrList(Obj o, String key, String parent) {
        Node n = get(o, key);
        if (n == null) {
            return null;
        }
        String path = child(parent, key);
        if (!(n instanceof Arr a)) {
            throw expected(path, "an array of strings", n);
        }
        List<String> out = new ArrayList<>(a.items().size());
        for (int i = 0; i < a.items().size(); i++) {
            if (!(a.items().get(i) instanceof Str s)) {
                throw expected(elem(path, i), "a string", a.items().get(i));
            }
            out.add(noNul(s, elem(path, i)));
        }
        return Collections.unmodifiableList(out);
    }

    private List<Long> u32List(Obj o, String key, String parent) {
        Node n = get(o, key);
        if (n == null) {
            return List.of();
        }
        String path = child(parent, key);
        if (!(n instanceof Arr a)) {
            throw expected(path, "an array of integers", n);
        }
        List<Long> out = new ArrayList<>(a.items().size());
        for (int i = 0; i < a.items().size(); i++) {
            out.add(signed(a.items().get(i), elem(path, i), 0, 0xFFFF_FFFFL));
        }
        return Collections.unmodifiableList(out);
    }

    private boolean bool(Obj o, String key, String parent) {
        Boolean b = boolObj(o, key, parent);
        return b != null && b;
    }

    private Boolean boolObj(Obj o, String key, String parent) {
        Node n = get(o, key);
        if (n == null) {
            return null;
        }
        if (n instanceof Bool b) {
            return b.value();
        }
        throw expected(child(parent, key), "a boolean", n);
    }

    private Integer i32(Obj o, String key, String parent) {
        Node n = get(o, key);
        return n == null ? null : (int) signed(n, child(parent, key), Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    private Integer u16(Obj o, String key, String parent) {
        Node n = get(o, key);
        return n == null ? null : (int) signed(n, child(parent, key), 0, 0xFFFF);
    }

    private Long u32(Obj o, String key, String parent) {
        Node n = get(o, key);
        return n == null ? null : signed(n, child(parent, key), 0, 0xFFFF_FFFFL);
    }

    private long u32Or0(Obj o, String key, String parent) {
        return orZero(u32(o, key, parent));
    }

    private Long i64(Obj o, String key, String parent) {
        Node n = get(o, key);
        return n == null ? null : signed(n, child(parent, key), Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** uint64: the full range 0..2^64-1, returned as the same 64 bits (so 18446744073709551615 is -1L). */
    private Long u64(Obj o, String key, String parent) {
        Node n = get(o, key);
        if (n == null) {
            return null;
        }
        String path = child(parent, key);
        Num x = integral(n, path);
        try {
            return Long.parseUnsignedLong(x.text());
        } catch (NumberFormatException e) {
            if (x.text().equals("-0")) {
                return 0L;
            }
            throw expected(path, "an integer between 0 and " + U64_MAX, n);
        }
    }

    private long u64Or0(Obj o, String key, String parent) {
        return orZero(u64(o, key, parent));
    }

    private long signed(Node n, String path, long min, long max) {
        Num x = integral(n, path);
        long v;
        try {
            v = Long.parseLong(x.text());
        } catch (NumberFormatException e) {
            throw expected(path, "an integer between " + min + " and " + max, n);
        }
        if (v < min || v > max) {
            throw expected(path, "an integer between " + min + " and " + max, n);
        }
        return v;
    }

    private Num integral(Node n, String path) {
        if (n instanceof Num x && x.integral()) {
            return x;
        }
        throw expected(path, "an integer", n);
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }
}
