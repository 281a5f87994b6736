package io.jrun.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Busybox bundles for the tests: a static busybox rootfs and a config.json built from a template. */
final class Bundles {
    static final Path BUSYBOX = Files.exists(Path.of("/bin/busybox")) ? Path.of("/bin/busybox") : Path.of("/usr/bin/busybox");
    private static List<String> applets;

    private Bundles() {}

    /** A rootfs with busybox and its applets as symlinks. */
    static Path rootfs(Path bundle) throws IOException {
        Path rootfs = bundle.resolve("rootfs");
        for (String d : List.of("bin", "proc", "sys", "dev", "tmp", "etc", "root")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
        for (String a : applets()) {
            if (!a.equals("busybox")) Files.createSymbolicLink(rootfs.resolve("bin").resolve(a), Path.of("busybox"));
        }
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
        return rootfs;
    }

    private static synchronized List<String> applets() {
        if (applets == null) {
            Jrun.Result r = Jrun.exec(null, List.of(BUSYBOX.toString(), "--list"));
            applets = List.of(r.out().trim().split("\n"));
        }
        return applets;
    }

    /** JSON string literal. */
    static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String arr(List<String> items) {
        List<String> q = new ArrayList<>();
        for (String s : items) q.add(q(s));
        return "[" + String.join(", ", q) + "]";
    }

    /**
     * A config.json close to `runc spec`, with the given args and cgroupsPath, plus extra JSON members for
     * "process" and "linux" (raw JSON fragments such as {@code "noNewPrivileges": true}).
     */
    static String config(List<String> args, String cgroupsPath, Map<String, String> processExtra,
                         Map<String, String> linuxExtra, String topExtra) {
        StringBuilder p = new StringBuilder();
        processExtra.forEach((k, v) -> p.append(",\n    ").append(q(k)).append(": ").append(v));
        StringBuilder l = new StringBuilder();
        linuxExtra.forEach((k, v) -> l.append(",\n    ").append(q(k)).append(": ").append(v));
        String caps = arr(List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"));
        return """
            {
              "ociVersion": "1.2.0",
              "process": {
                "terminal": false,
                "user": {"uid": 0, "gid": 0},
                "args": %s,
                "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
                "cwd": "/",
                "capabilities": {"bounding": %s, "effective": %s, "permitted": %s},
                "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
                "noNewPrivileges": true%s
              },
              "root": {"path": "rootfs", "readonly": true},
              "hostname": "jrun-it",
              "mounts": [
                {"destination": "/proc", "type": "proc", "source": "proc"},
                {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
                {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
                {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
                {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
                {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
                {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777"]}
              ],
              "linux": {
                "cgroupsPath": %s,
                "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}],
                "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
                "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]%s
              }%s
            }
            """.formatted(arr(args), caps, caps, caps, p, q(cgroupsPath), l, topExtra == null ? "" : ",\n  " + topExtra);
    }
}
