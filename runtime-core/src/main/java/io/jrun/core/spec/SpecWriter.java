package io.jrun.core.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Serialises a {@link Spec} or a {@link Spec.Process} to JSON laid out as runc's {@code spec} output (Go's
 * json.MarshalIndent with a tab): members in the order of the spec's Go types, null and empty optional members
 * left out. For every Spec the reader can produce, {@code SpecReader.parseConfig(SpecWriter.write(s))} equals
 * {@code s}. uint64 fields are written unsigned (the reader stores 2^64-1 as -1L).
 */
public final class SpecWriter {
    private SpecWriter() {}

    /** Jackson writes; reading is JsonTree's own (its class comment says why). */
    private static final JsonFactory FACTORY = new JsonFactory();

    /** config.json text, no trailing newline (as runc writes it). */
    public static String write(Spec spec) {
        return render(g -> spec(g, spec));
    }

    /** process.json text, the form {@code exec --process} reads. */
    public static String writeProcess(Spec.Process process) {
        return render(g -> process(g, process));
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String render(Body body) {
        StringWriter out = new StringWriter(4096);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(new TabPrinter());
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- sections

    private static void spec(JsonGenerator g, Spec s) throws IOException {
        g.writeStartObject();
        str(g, "ociVersion", s.ociVersion());
        if (s.process() != null) {
            g.writeFieldName("process");
            process(g, s.process());
        }
        if (s.root() != null) {
            g.writeObjectFieldStart("root");
            str(g, "path", s.root().path());
            flag(g, "readonly", s.root().readonly());
            g.writeEndObject();
        }
        str(g, "hostname", s.hostname());
        str(g, "domainname", s.domainname());
        if (!empty(s.mounts())) {
            g.writeArrayFieldStart("mounts");
            for (Spec.Mount m : s.mounts()) {
                g.writeStartObject();
                str(g, "destination", m.destination());
                str(g, "type", m.type());
                str(g, "source", m.source());
                strs(g, "options", m.options());
                idMappings(g, "uidMappings", m.uidMappings());
                idMappings(g, "gidMappings", m.gidMappings());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (s.hooks() != null) {
            hooks(g, s.hooks());
        }
        strMap(g, "annotations", s.annotations());
        if (s.linux() != null) {
            linux(g, s.linux());
        }
        // Their content is not kept; an empty object still lets validation name the section (round trip).
        for (String section : s.unsupportedSections() == null ? List.<String>of() : s.unsupportedSections()) {
            g.writeObjectFieldStart(section);
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void process(JsonGenerator g, Spec.Process p) throws IOException {
        g.writeStartObject();
        flag(g, "terminal", p.terminal());
        if (p.consoleSize() != null) {
            g.writeObjectFieldStart("consoleSize");
            u64(g, "height", p.consoleSize().height());
            u64(g, "width", p.consoleSize().width());
            g.writeEndObject();
        }
        if (p.user() != null) {
            Spec.User u = p.user();
            g.writeObjectFieldStart("user");
            g.writeNumberField("uid", u.uid());
            g.writeNumberField("gid", u.gid());
            num(g, "umask", u.umask());
            if (!empty(u.additionalGids())) {
                g.writeArrayFieldStart("additionalGids");
                for (long gid : u.additionalGids()) {
                    g.writeNumber(gid);
                }
                g.writeEndArray();
            }
            str(g, "username", u.username());
            g.writeEndObject();
        }
        strs(g, "args", p.args());
        str(g, "commandLine", p.commandLine());
        strs(g, "env", p.env());
        str(g, "cwd", p.cwd());
        if (p.capabilities() != null) {
            Spec.Capabilities c = p.capabilities();
            g.writeObjectFieldStart("capabilities");
            // A given but empty set is meaningful (drop everything), so only null sets are left out.
            capSet(g, "bounding", c.bounding());
            capSet(g, "effective", c.effective());
            capSet(g, "inheritable", c.inheritable());
            capSet(g, "permitted", c.permitted());
            capSet(g, "ambient", c.ambient());
            g.writeEndObject();
        }
        if (!empty(p.rlimits())) {
            g.writeArrayFieldStart("rlimits");
            for (Spec.Rlimit r : p.rlimits()) {
                g.writeStartObject();
                str(g, "type", r.type());
                u64(g, "hard", r.hard());
                u64(g, "soft", r.soft());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        flag(g, "noNewPrivileges", p.noNewPrivileges());
        str(g, "apparmorProfile", p.apparmorProfile());
        num(g, "oomScoreAdj", p.oomScoreAdj());
        if (p.scheduler() != null) {
            Spec.Scheduler s = p.scheduler();
            g.writeObjectFieldStart("scheduler");
            str(g, "policy", s.policy());
            num(g, "nice", s.nice());
            num(g, "priority", s.priority());
            strs(g, "flags", s.flags());
            u64(g, "runtime", s.runtime());
            u64(g, "deadline", s.deadline());
            u64(g, "period", s.period());
            g.writeEndObject();
        }
        str(g, "selinuxLabel", p.selinuxLabel());
        if (p.ioPriority() != null) {
            g.writeObjectFieldStart("ioPriority");
            str(g, "class", p.ioPriority().ioClass());
            g.writeNumberField("priority", p.ioPriority().priority());
            g.writeEndObject();
        }
        if (p.execCPUAffinity() != null) {
            g.writeObjectFieldStart("execCPUAffinity");
            str(g, "initial", p.execCPUAffinity().initial());
            str(g, "final", p.execCPUAffinity().finalAffinity());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void hooks(JsonGenerator g, Spec.Hooks h) throws IOException {
        g.writeObjectFieldStart("hooks");
        hookList(g, "prestart", h.prestart());
        hookList(g, "createRuntime", h.createRuntime());
        hookList(g, "createContainer", h.createContainer());
        hookList(g, "startContainer", h.startContainer());
        hookList(g, "poststart", h.poststart());
        hookList(g, "poststop", h.poststop());
        g.writeEndObject();
    }

    private static void hookList(JsonGenerator g, String name, List<Spec.Hook> hooks) throws IOException {
        if (empty(hooks)) {
            return;
        }
        g.writeArrayFieldStart(name);
        for (Spec.Hook h : hooks) {
            g.writeStartObject();
            str(g, "path", h.path());
            strs(g, "args", h.args());
            strs(g, "env", h.env());
            num(g, "timeout", h.timeout());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void linux(JsonGenerator g, Spec.Linux l) throws IOException {
        g.writeObjectFieldStart("linux");
        idMappings(g, "uidMappings", l.uidMappings());
        idMappings(g, "gidMappings", l.gidMappings());
        strMap(g, "sysctl", l.sysctl());
        if (l.resources() != null) {
            resources(g, l.resources());
        }
        str(g, "cgroupsPath", l.cgroupsPath());
        if (!empty(l.namespaces())) {
            g.writeArrayFieldStart("namespaces");
            for (Spec.Namespace n : l.namespaces()) {
                g.writeStartObject();
                str(g, "type", n.type());
                str(g, "path", n.path());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (!empty(l.devices())) {
            g.writeArrayFieldStart("devices");
            for (Spec.Device d : l.devices()) {
                g.writeStartObject();
                str(g, "path", d.path());
                str(g, "type", d.type());
                num(g, "major", d.major());
                num(g, "minor", d.minor());
                num(g, "fileMode", d.fileMode());
                num(g, "uid", d.uid());
                num(g, "gid", d.gid());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (!empty(l.netDevices())) {
            g.writeObjectFieldStart("netDevices");
            for (Map.Entry<String, Spec.NetDevice> e : l.netDevices().entrySet()) {
                g.writeObjectFieldStart(e.getKey());
                str(g, "name", e.getValue().name());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        if (l.seccomp() != null) {
            seccomp(g, l.seccomp());
        }
        str(g, "rootfsPropagation", l.rootfsPropagation());
        strs(g, "maskedPaths", l.maskedPaths());
        strs(g, "readonlyPaths", l.readonlyPaths());
        str(g, "mountLabel", l.mountLabel());
        if (l.intelRdt() != null) {
            Spec.IntelRdt r = l.intelRdt();
            g.writeObjectFieldStart("intelRdt");
            str(g, "closID", r.closID());
            str(g, "l3CacheSchema", r.l3CacheSchema());
            str(g, "memBwSchema", r.memBwSchema());
            bool(g, "enableCMT", r.enableCMT());
            bool(g, "enableMBM", r.enableMBM());
            g.writeEndObject();
        }
        if (l.personality() != null) {
            g.writeObjectFieldStart("personality");
            str(g, "domain", l.personality().domain());
            strs(g, "flags", l.personality().flags());
            g.writeEndObject();
        }
        if (!empty(l.timeOffsets())) {
            g.writeObjectFieldStart("timeOffsets");
            for (Map.Entry<String, Spec.TimeOffset> e : l.timeOffsets().entrySet()) {
                g.writeObjectFieldStart(e.getKey());
                g.writeNumberField("secs", e.getValue().secs());
                g.writeNumberField("nanosecs", e.getValue().nanosecs());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void resources(JsonGenerator g, Spec.Resources r) throws IOException {
        g.writeObjectFieldStart("resources");
        if (!empty(r.devices())) {
            g.writeArrayFieldStart("devices");
            for (Spec.DeviceRule d : r.devices()) {
                g.writeStartObject();
                g.writeBooleanField("allow", d.allow());
                str(g, "type", d.type());
                num(g, "major", d.major());
                num(g, "minor", d.minor());
                str(g, "access", d.access());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (r.memory() != null) {
            Spec.Memory m = r.memory();
            g.writeObjectFieldStart("memory");
            num(g, "limit", m.limit());
            num(g, "reservation", m.reservation());
            num(g, "swap", m.swap());
            num(g, "kernel", m.kernel());
            num(g, "kernelTCP", m.kernelTCP());
            u64(g, "swappiness", m.swappiness());
            bool(g, "disableOOMKiller", m.disableOOMKiller());
            bool(g, "useHierarchy", m.useHierarchy());
            bool(g, "checkBeforeUpdate", m.checkBeforeUpdate());
            g.writeEndObject();
        }
        if (r.cpu() != null) {
            Spec.Cpu c = r.cpu();
            g.writeObjectFieldStart("cpu");
            u64(g, "shares", c.shares());
            num(g, "quota", c.quota());
            u64(g, "burst", c.burst());
            u64(g, "period", c.period());
            num(g, "realtimeRuntime", c.realtimeRuntime());
            u64(g, "realtimePeriod", c.realtimePeriod());
            str(g, "cpus", c.cpus());
            str(g, "mems", c.mems());
            if (c.idle() != null) {
                // int64 in config-linux.md; Spec keeps it as a Boolean.
                g.writeNumberField("idle", c.idle() ? 1 : 0);
            }
            g.writeEndObject();
        }
        if (r.pids() != null) {
            g.writeObjectFieldStart("pids");
            g.writeNumberField("limit", r.pids().limit());
            g.writeEndObject();
        }
        if (r.blockIO() != null) {
            Spec.BlockIO b = r.blockIO();
            g.writeObjectFieldStart("blockIO");
            num(g, "weight", b.weight());
            num(g, "leafWeight", b.leafWeight());
            if (!empty(b.weightDevice())) {
                g.writeArrayFieldStart("weightDevice");
                for (Spec.WeightDevice w : b.weightDevice()) {
                    g.writeStartObject();
                    g.writeNumberField("major", w.major());
                    g.writeNumberField("minor", w.minor());
                    num(g, "weight", w.weight());
                    num(g, "leafWeight", w.leafWeight());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            throttles(g, "throttleReadBpsDevice", b.throttleReadBpsDevice());
            throttles(g, "throttleWriteBpsDevice", b.throttleWriteBpsDevice());
            throttles(g, "throttleReadIOPSDevice", b.throttleReadIOPSDevice());
            throttles(g, "throttleWriteIOPSDevice", b.throttleWriteIOPSDevice());
            g.writeEndObject();
        }
        if (!empty(r.hugepageLimits())) {
            g.writeArrayFieldStart("hugepageLimits");
            for (Spec.HugepageLimit h : r.hugepageLimits()) {
                g.writeStartObject();
                str(g, "pageSize", h.pageSize());
                u64(g, "limit", h.limit());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (r.network() != null) {
            g.writeObjectFieldStart("network");
            num(g, "classID", r.network().classID());
            if (!empty(r.network().priorities())) {
                g.writeArrayFieldStart("priorities");
                for (Spec.NetPriority p : r.network().priorities()) {
                    g.writeStartObject();
                    str(g, "name", p.name());
                    g.writeNumberField("priority", p.priority());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        if (!empty(r.rdma())) {
            g.writeObjectFieldStart("rdma");
            for (Map.Entry<String, Spec.Rdma> e : r.rdma().entrySet()) {
                g.writeObjectFieldStart(e.getKey());
                num(g, "hcaHandles", e.getValue().hcaHandles());
                num(g, "hcaObjects", e.getValue().hcaObjects());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        strMap(g, "unified", r.unified());
        g.writeEndObject();
    }

    private static void throttles(JsonGenerator g, String name, List<Spec.ThrottleDevice> list) throws IOException {
        if (empty(list)) {
            return;
        }
        g.writeArrayFieldStart(name);
        for (Spec.ThrottleDevice t : list) {
            g.writeStartObject();
            g.writeNumberField("major", t.major());
            g.writeNumberField("minor", t.minor());
            u64(g, "rate", t.rate());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void seccomp(JsonGenerator g, Spec.Seccomp s) throws IOException {
        g.writeObjectFieldStart("seccomp");
        str(g, "defaultAction", s.defaultAction());
        num(g, "defaultErrnoRet", s.defaultErrnoRet());
        strs(g, "architectures", s.architectures());
        strs(g, "flags", s.flags());
        str(g, "listenerPath", s.listenerPath());
        str(g, "listenerMetadata", s.listenerMetadata());
        if (!empty(s.syscalls())) {
            g.writeArrayFieldStart("syscalls");
            for (Spec.SyscallRule r : s.syscalls()) {
                g.writeStartObject();
                strs(g, "names", r.names());
                str(g, "action", r.action());
                num(g, "errnoRet", r.errnoRet());
                if (!empty(r.args())) {
                    g.writeArrayFieldStart("args");
                    for (Spec.SyscallArg a : r.args()) {
                        g.writeStartObject();
                        g.writeNumberField("index", a.index());
                        u64(g, "value", a.value());
                        if (a.valueTwo() != 0) {
                            u64(g, "valueTwo", a.valueTwo());
                        }
                        str(g, "op", a.op());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    // ---------------------------------------------------------------- small writers (each omits null)

    private static void idMappings(JsonGenerator g, String name, List<Spec.IdMapping> list) throws IOException {
        if (empty(list)) {
            return;
        }
        g.writeArrayFieldStart(name);
        for (Spec.IdMapping m : list) {
            g.writeStartObject();
            g.writeNumberField("containerID", m.containerID());
            g.writeNumberField("hostID", m.hostID());
            g.writeNumberField("size", m.size());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** Records built in code may carry null where the reader would give an empty list or map. */
    private static boolean empty(java.util.Collection<?> c) {
        return c == null || c.isEmpty();
    }

    private static boolean empty(Map<?, ?> m) {
        return m == null || m.isEmpty();
    }

    private static void str(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    private static void strs(JsonGenerator g, String name, List<String> values) throws IOException {
        if (!empty(values)) {
            capSet(g, name, values);
        }
    }

    private static void capSet(JsonGenerator g, String name, List<String> values) throws IOException {
        if (values == null) {
            return;
        }
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void strMap(JsonGenerator g, String name, Map<String, String> map) throws IOException {
        if (empty(map)) {
            return;
        }
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> e : map.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static void flag(JsonGenerator g, String name, boolean value) throws IOException {
        if (value) {
            g.writeBooleanField(name, true);
        }
    }

    private static void bool(JsonGenerator g, String name, Boolean value) throws IOException {
        if (value != null) {
            g.writeBooleanField(name, value);
        }
    }

    private static void num(JsonGenerator g, String name, Number value) throws IOException {
        if (value != null) {
            g.writeNumberField(name, value.longValue());
        }
    }

    private static void u64(JsonGenerator g, String name, Long value) throws IOException {
        if (value != null) {
            g.writeFieldName(name);
            g.writeNumber(Long.toUnsignedString(value));
        }
    }

    /**
     * Go's json.MarshalIndent(v, "", "\t") layout, which runc uses: one member or element per line, a tab per
     * level, "key": value, and [] / {} for empty containers (Jackson's default printer writes "[ ]" and " : ").
     */
    private static final class TabPrinter implements PrettyPrinter {
        private int depth;

        private static void newline(JsonGenerator g, int depth) throws IOException {
            g.writeRaw('\n');
            for (int i = 0; i < depth; i++) {
                g.writeRaw('\t');
            }
        }

        @Override
        public void writeRootValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw('\n');
        }

        @Override
        public void writeStartObject(JsonGenerator g) throws IOException {
            g.writeRaw('{');
            depth++;
        }

        @Override
        public void beforeObjectEntries(JsonGenerator g) throws IOException {
            newline(g, depth);
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(',');
            newline(g, depth);
        }

        @Override
        public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
            depth--;
            if (nrOfEntries > 0) {
                newline(g, depth);
            }
            g.writeRaw('}');
        }

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            g.writeRaw('[');
            depth++;
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            newline(g, depth);
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(',');
            newline(g, depth);
        }

        @Override
        public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
            depth--;
            if (nrOfValues > 0) {
                newline(g, depth);
            }
            g.writeRaw(']');
        }
    }
}
