package io.jrun.core.spec;

import java.util.List;
import java.util.Map;

/**
 * config.json as defined by the OCI runtime-spec 1.2 (config.md, config-linux.md). Immutable; absent optional
 * objects are null, absent lists and maps are empty. Unknown properties are ignored, as the spec requires.
 * Platform sections jrun cannot honour on Linux (windows, solaris, vm, zos) are kept as "present" flags so
 * validation can reject them by name rather than silently drop them.
 */
public record Spec(
        String ociVersion,
        Root root,
        List<Mount> mounts,
        Process process,
        String hostname,
        String domainname,
        Hooks hooks,
        Map<String, String> annotations,
        Linux linux,
        List<String> unsupportedSections) {

    public Spec withLinux(Linux l) {
        return new Spec(ociVersion, root, mounts, process, hostname, domainname, hooks, annotations, l,
                unsupportedSections);
    }

    /** root (config.md "Root"). */
    public record Root(String path, boolean readonly) {}

    /** One entry of mounts (config.md "Mounts"). */
    public record Mount(
            String destination,
            String source,
            String type,
            List<String> options,
            List<IdMapping> uidMappings,
            List<IdMapping> gidMappings) {}

    /** process (config.md "Process"); also the whole of process.json for exec. */
    public record Process(
            boolean terminal,
            ConsoleSize consoleSize,
            User user,
            List<String> args,
            String commandLine,
            List<String> env,
            String cwd,
            Capabilities capabilities,
            List<Rlimit> rlimits,
            boolean noNewPrivileges,
            String apparmorProfile,
            Integer oomScoreAdj,
            Scheduler scheduler,
            String selinuxLabel,
            IoPriority ioPriority,
            ExecCpuAffinity execCPUAffinity) {}

    public record ConsoleSize(long height, long width) {}

    /** user; uid/gid are uint32 in the spec. umask null = leave the runtime's default. */
    public record User(long uid, long gid, Long umask, List<Long> additionalGids, String username) {}

    /** capabilities, each a list of names like "CAP_CHOWN"; null list = the set is not given. */
    public record Capabilities(
            List<String> bounding,
            List<String> effective,
            List<String> inheritable,
            List<String> permitted,
            List<String> ambient) {}

    /** rlimits entry: type like "RLIMIT_NOFILE"; soft/hard uint64 (use Long.compareUnsigned). */
    public record Rlimit(String type, long soft, long hard) {}

    /** scheduler (config.md, sched_setattr(2)). */
    public record Scheduler(
            String policy,
            Integer nice,
            Integer priority,
            List<String> flags,
            Long runtime,
            Long deadline,
            Long period) {}

    public record IoPriority(String ioClass, int priority) {}

    public record ExecCpuAffinity(String initial, String finalAffinity) {}

    /** hooks (config.md "POSIX-platform Hooks"). */
    public record Hooks(
            List<Hook> prestart,
            List<Hook> createRuntime,
            List<Hook> createContainer,
            List<Hook> startContainer,
            List<Hook> poststart,
            List<Hook> poststop) {}

    public record Hook(String path, List<String> args, List<String> env, Integer timeout) {}

    /** linux (config-linux.md). */
    public record Linux(
            List<Namespace> namespaces,
            List<IdMapping> uidMappings,
            List<IdMapping> gidMappings,
            Map<String, TimeOffset> timeOffsets,
            List<Device> devices,
            Map<String, NetDevice> netDevices,
            String cgroupsPath,
            Resources resources,
            String rootfsPropagation,
            Seccomp seccomp,
            Map<String, String> sysctl,
            List<String> maskedPaths,
            List<String> readonlyPaths,
            String mountLabel,
            IntelRdt intelRdt,
            Personality personality) {

        public Linux withSeccomp(Seccomp s) {
            return new Linux(namespaces, uidMappings, gidMappings, timeOffsets, devices, netDevices, cgroupsPath,
                    resources, rootfsPropagation, s, sysctl, maskedPaths, readonlyPaths, mountLabel, intelRdt,
                    personality);
        }
    }

    public record Namespace(String type, String path) {}

    public record IdMapping(long containerID, long hostID, long size) {}

    public record TimeOffset(long secs, long nanosecs) {}

    /** linux.devices entry. fileMode/uid/gid null = runtime default. */
    public record Device(String type, String path, Long major, Long minor, Integer fileMode, Long uid, Long gid) {}

    public record NetDevice(String name) {}

    public record IntelRdt(String closID, String l3CacheSchema, String memBwSchema, Boolean enableCMT, Boolean enableMBM) {}

    public record Personality(String domain, List<String> flags) {}

    /** linux.resources (config-linux.md "Control groups"). Every numeric field null when absent. */
    public record Resources(
            List<DeviceRule> devices,
            Memory memory,
            Cpu cpu,
            Pids pids,
            BlockIO blockIO,
            List<HugepageLimit> hugepageLimits,
            Network network,
            Map<String, Rdma> rdma,
            Map<String, String> unified) {}

    /** linux.resources.devices entry: type a|c|b (null = all), major/minor null = wildcard, access "rwm". */
    public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {}

    public record Memory(
            Long limit,
            Long reservation,
            Long swap,
            Long kernel,
            Long kernelTCP,
            Long swappiness,
            Boolean disableOOMKiller,
            Boolean useHierarchy,
            Boolean checkBeforeUpdate) {}

    public record Cpu(
            Long shares,
            Long quota,
            Long burst,
            Long period,
            Long realtimeRuntime,
            Long realtimePeriod,
            String cpus,
            String mems,
            Boolean idle) {}

    public record Pids(long limit) {}

    public record BlockIO(
            Integer weight,
            Integer leafWeight,
            List<WeightDevice> weightDevice,
            List<ThrottleDevice> throttleReadBpsDevice,
            List<ThrottleDevice> throttleWriteBpsDevice,
            List<ThrottleDevice> throttleReadIOPSDevice,
            List<ThrottleDevice> throttleWriteIOPSDevice) {}

    public record WeightDevice(long major, long minor, Integer weight, Integer leafWeight) {}

    public record ThrottleDevice(long major, long minor, long rate) {}

    public record HugepageLimit(String pageSize, long limit) {}

    public record Network(Long classID, List<NetPriority> priorities) {}

    public record NetPriority(String name, long priority) {}

    public record Rdma(Long hcaHandles, Long hcaObjects) {}

    /** linux.seccomp (config-linux.md "Seccomp"). */
    public record Seccomp(
            String defaultAction,
            Long defaultErrnoRet,
            List<String> architectures,
            List<String> flags,
            String listenerPath,
            String listenerMetadata,
            List<SyscallRule> syscalls) {}

    public record SyscallRule(List<String> names, String action, Long errnoRet, List<SyscallArg> args) {}

    /** One argument condition; value/valueTwo are uint64 (compare unsigned). */
    public record SyscallArg(int index, long value, long valueTwo, String op) {}
}
