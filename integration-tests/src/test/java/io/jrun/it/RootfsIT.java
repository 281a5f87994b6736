package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rootfs issue: root.path/readonly, every mount type a client sends, symlink-safe destinations
 * (CVE-2021-30465), pivot_root / --no-pivot, /dev, masked and read-only paths, OverlayFS, cgroup v1 emulation
 * and user namespaces, all through the installed binary. Every host mount a test makes is recorded in
 * {@link #hostMounts} and unmounted in {@link #unmountHostMounts}.
 */
class RootfsIT extends ItBase {
    private final List<Path> hostMounts = new ArrayList<>();

    @AfterEach
    void unmountHostMounts() {
        // Runs before ItBase's tear-down (subclass @AfterEach first), so the tree can be deleted afterwards.
        for (int i = hostMounts.size() - 1; i >= 0; i--) {
            Jrun.exec(null, List.of("umount", "-l", hostMounts.get(i).toString()));
        }
        hostMounts.clear();
    }

    private static final String DEFAULT_LAST_MOUNT =
            "{\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"nodev\", \"mode=1777\"]}";

    /** Bundles.config with extra mounts appended after the runc-spec defaults. */
    private Path bundleWithMounts(String name, List<String> args, Map<String, String> linuxExtra, String... mounts)
            throws IOException {
        Path b = bundle(name, args, Map.of(), linuxExtra, null);
        if (mounts.length > 0) edit(b, DEFAULT_LAST_MOUNT, DEFAULT_LAST_MOUNT + ",\n    " + String.join(",\n    ", mounts));
        return b;
    }

    private static void edit(Path bundle, String from, String to) throws IOException {
        Path cfg = bundle.resolve("config.json");
        String s = Files.readString(cfg);
        assertTrue(s.contains(from), () -> "config.json has no " + from);
        Files.writeString(cfg, s.replace(from, to));
    }

    private static String bind(String dest, Path source, String... options) {
        return "{\"destination\": " + Bundles.q(dest) + ", \"type\": \"bind\", \"source\": " + Bundles.q(source.toString())
                + ", \"options\": " + Bundles.arr(List.of(options)) + "}";
    }

    private static String mount(String dest, String type, String source, String... options) {
        return "{\"destination\": " + Bundles.q(dest) + ", \"type\": " + Bundles.q(type) + ", \"source\": "
                + Bundles.q(source) + ", \"options\": " + Bundles.arr(List.of(options)) + "}";
    }

    /** A shell script as args; lines are joined with ";" (the test's JSON helper does not escape newlines). */
    private static List<String> sh(String script) {
        return List.of("sh", "-c", script.replace("\n", "; "));
    }

    /** `jrun run` that must succeed; its stdout. */
    private String runOk(Path b, String id, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--bundle", b.toString()));
        args.addAll(Arrays.asList(extra));
        args.add(id);
        Jrun.Result r = jrun.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r::toString);
        return r.out();
    }

    private static List<String> lines(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList();
    }

    private static String line(String out, String prefix) {
        List<String> l = lines(out, prefix);
        assertEquals(1, l.size(), () -> "one line " + prefix + " in:\n" + out);
        return l.get(0);
    }

    private void hostMount(String... cmd) {
        Jrun.Result r = Jrun.exec(null, List.of(cmd));
        assertEquals(0, r.code(), () -> String.join(" ", cmd) + ": " + r);
        hostMounts.add(Path.of(cmd[cmd.length - 1]));
    }

    /**
     * The host's mounts that involve this test's work directory or the host directories it uses: other
     * software on the host (a concurrent test run, a daemon) may mount elsewhere meanwhile.
     */
    private String hostMountinfo() throws IOException {
        return Files.readString(Path.of("/proc/self/mountinfo")).lines()
                .filter(l -> l.contains(work.toString()) || l.contains("jrun-it"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /**
     * The acceptance check in one container: read-only root, an rbind,ro of a host dir, a tmpfs, an
     * overlay mount whose upper dir gets written, runc's default masked and read-only paths, working /dev nodes,
     * and a rootfs symlink pointing a mount destination at an absolute host path.
     */
    @Test
    void acceptance() throws Exception {
        Path hostDir = Files.createDirectories(work.resolve("hostdir"));
        Files.writeString(hostDir.resolve("hello"), "from-host\n");
        Path payload = Files.createDirectories(work.resolve("payload"));
        Files.writeString(payload.resolve("payload"), "payload\n");
        Path hostTarget = Files.createDirectories(work.resolve("hosttarget"));
        Files.writeString(hostTarget.resolve("sentinel"), "host\n");
        String script = String.join("\n",
                "echo hello=$(cat /data/hello)",
                "touch /data/new 2>/dev/null && echo data=rw || echo data=ro",
                "touch /rootfile 2>/dev/null && echo root=rw || echo root=ro",
                "echo scratch=$(grep ' /scratch ' /proc/mounts)",
                "echo written > /ov/new && echo ovwrite=ok",
                "echo lower=$(cat /ov/lower.txt)",
                "echo escape=$(cat /escape/payload)",
                "test -e /escape/sentinel && echo sentinel=visible",
                "echo dotdot=$(grep -c ' /dotdot ' /proc/mounts)",
                "echo keys=$(stat -c '%F %t:%T' /proc/keys)",
                "echo firmware=$(grep ' /sys/firmware ' /proc/mounts | cut -d' ' -f3,4)",
                "echo firmwarefiles=$(ls -A /sys/firmware | wc -l)",
                "echo 1 > /proc/sys/kernel/ns_last_pid 2>/dev/null && echo procsys=rw || echo procsys=ro",
                "echo procsysmount=$(grep ' /proc/sys ' /proc/mounts | cut -d' ' -f4 | cut -d, -f1)",
                "for d in null zero full random urandom tty; do echo dev=$(stat -c '%n %F %t:%T %a' /dev/$d); done",
                "echo links=$(for l in ptmx fd stdin stdout stderr; do readlink /dev/$l; done)",
                "echo zero=$(head -c 8 /dev/zero | wc -c)",
                "echo urandom=$(head -c 8 /dev/urandom | wc -c)",
                "echo x > /dev/null && echo null=ok",
                "echo shm > /dev/shm/x && echo shm=$(cat /dev/shm/x)",
                "echo ptmx=$(stat -c '%a' /dev/pts/ptmx)",
                "echo mqueue=$(grep ' /dev/mqueue ' /proc/mounts | cut -d' ' -f3)",
                "cut -d' ' -f5 /proc/self/mountinfo | sed 's/^/mp=/'");
        Path b = bundleWithMounts("acc", sh(script), Map.of(),
                bind("/data", hostDir, "rbind", "ro"),
                mount("/scratch", "tmpfs", "tmpfs", "nosuid", "nodev", "size=1m", "mode=0710"),
                mount("/ov", "overlay", "overlay", "lowerdir=layers/lower", "upperdir=layers/upper", "workdir=layers/work"),
                bind("/escape", payload, "rbind"),
                mount("/../../dotdot", "tmpfs", "tmpfs"));
        for (String d : List.of("lower", "upper", "work")) Files.createDirectories(b.resolve("layers").resolve(d));
        Files.writeString(b.resolve("layers/lower/lower.txt"), "lower\n");
        Files.createSymbolicLink(b.resolve("rootfs/escape"), hostTarget);
        String hostBefore = hostMountinfo();

        String out = runOk(b, "acc");

        assertEquals("from-host", line(out, "hello="));
        assertEquals("ro", line(out, "data="));
        assertFalse(Files.exists(hostDir.resolve("new")));
        assertEquals("ro", line(out, "root="));
        assertFalse(Files.exists(b.resolve("rootfs/rootfile")));
        String scratch = line(out, "scratch=");
        assertTrue(scratch.startsWith("tmpfs /scratch tmpfs rw,nosuid,nodev"), scratch);
        assertTrue(scratch.contains("size=1024k") && scratch.contains("mode=710"), scratch);
        // overlay: the write went to the upper dir, the lower layer is untouched
        assertEquals("ok", line(out, "ovwrite="));
        assertEquals("lower", line(out, "lower="));
        assertEquals("written\n", Files.readString(b.resolve("layers/upper/new")));
        assertFalse(Files.exists(b.resolve("layers/lower/new")));
        // the symlink /escape -> <host path> was resolved inside the rootfs: the bind is reachable through it
        // in the container, and the host directory is untouched
        assertEquals("payload", line(out, "escape="));
        assertTrue(lines(out, "sentinel=").isEmpty(), out);
        try (Stream<Path> s = Files.list(hostTarget)) {
            assertEquals(List.of(hostTarget.resolve("sentinel")), s.toList());
        }
        assertTrue(Files.isSymbolicLink(b.resolve("rootfs/escape")));
        assertEquals(hostBefore, hostMountinfo(), "no mount leaked to the host");
        // "/../../dotdot" is clamped to the rootfs
        assertEquals("1", line(out, "dotdot="));
        assertFalse(Files.exists(work.resolve("dotdot")));
        assertTrue(Files.isDirectory(b.resolve("rootfs/dotdot")));
        // masked and read-only paths (runc spec defaults)
        assertEquals("character special file 1:3", line(out, "keys="), "masked file: /dev/null bound over it");
        assertEquals("tmpfs ro", line(out, "firmware=").replaceAll(",.*", ""));
        assertEquals("0", line(out, "firmwarefiles="));
        assertEquals("ro", line(out, "procsys="));
        assertEquals("ro", line(out, "procsysmount="));
        // /dev
        assertEquals(List.of("/dev/null character special file 1:3 666", "/dev/zero character special file 1:5 666",
                        "/dev/full character special file 1:7 666", "/dev/random character special file 1:8 666",
                        "/dev/urandom character special file 1:9 666", "/dev/tty character special file 5:0 666"),
                lines(out, "dev="));
        assertEquals("pts/ptmx /proc/self/fd /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2", line(out, "links="));
        assertEquals("8", line(out, "zero="));
        assertEquals("8", line(out, "urandom="));
        assertEquals("ok", line(out, "null="));
        assertEquals("shm", line(out, "shm="));
        assertEquals("666", line(out, "ptmx="));
        assertEquals("mqueue", line(out, "mqueue="));
        // pivot_root: exactly one root mount (the old root is detached) and no host mount points
        List<String> mps = lines(out, "mp=");
        assertEquals(1, mps.stream().filter("/"::equals).count(), out);
        for (String mp : mps) {
            assertFalse(mp.startsWith("/mnt") || mp.startsWith("/sys/fs/cgroup") || mp.startsWith("/work"), mp);
        }
    }

    @Test
    void absoluteRootPathAndWritableRoot() throws Exception {
        Path b = bundle("abs", sh("touch /rootfile && echo written"));
        Path rootfs = b.resolve("rootfs").toAbsolutePath();
        edit(b, "\"root\": {\"path\": \"rootfs\", \"readonly\": true}",
                "\"root\": {\"path\": " + Bundles.q(rootfs.toString()) + ", \"readonly\": false}");
        // run from another directory: the absolute path must not be taken relative to the bundle or cwd
        Jrun.Result r = jrun.runIn(Path.of("/"), "run", "--bundle", b.toString(), "abs");
        assertEquals(0, r.code(), r::toString);
        assertEquals("written", r.out().strip());
        assertTrue(Files.exists(rootfs.resolve("rootfile")));
    }

    @Test
    void relativeRootPathIsResolvedAgainstTheBundleNotTheCwd() throws Exception {
        Path b = bundle("rel", sh("cat /marker"));
        Files.move(b.resolve("rootfs"), b.resolve("image"));
        Files.writeString(b.resolve("image/marker"), "image\n");
        edit(b, "\"path\": \"rootfs\"", "\"path\": \"image\"");
        Jrun.Result r = jrun.runIn(Path.of("/"), "run", "--bundle", b.toString(), "rel");
        assertEquals(0, r.code(), r::toString);
        assertEquals("image", r.out().strip());
    }

    @Test
    void missingDestinationsAreCreatedWithTheSourceType() throws Exception {
        Path hostFile = Files.writeString(work.resolve("hostfile"), "file-content\n");
        Path hostDir = Files.createDirectories(work.resolve("hostdir2"));
        Path b = bundleWithMounts("mk", sh("echo file=$(stat -c %F /etc/deep/hostfile) dir=$(stat -c %F /new/dir)"
                        + " content=$(cat /etc/deep/hostfile)"), Map.of(),
                bind("/etc/deep/hostfile", hostFile, "bind", "ro"),
                bind("/new/dir", hostDir, "rbind"));
        String out = runOk(b, "mk");
        assertEquals("regular file", line(out, "file=").replaceAll(" dir=.*", ""));
        assertTrue(out.contains("dir=directory content=file-content"), out);
        assertTrue(Files.isRegularFile(b.resolve("rootfs/etc/deep/hostfile")), "file destination created as a file");
        assertEquals(0, Files.size(b.resolve("rootfs/etc/deep/hostfile")), "the mount point, not the content");
        assertTrue(Files.isDirectory(b.resolve("rootfs/new/dir")));
    }

    @Test
    void mountsAreAppliedInOrder() throws Exception {
        // a tmpfs on /a then a bind on /a/b: /a/b only exists because the tmpfs came first
        Path src = Files.createDirectories(work.resolve("inner"));
        Files.writeString(src.resolve("f"), "inner\n");
        Path b = bundleWithMounts("order", sh("cat /a/b/f; grep -c ' /a' /proc/mounts"), Map.of(),
                mount("/a", "tmpfs", "tmpfs", "mode=755"),
                bind("/a/b", src, "bind"));
        assertEquals(List.of("inner", "2"), runOk(b, "order").lines().toList());
        assertFalse(Files.exists(b.resolve("rootfs/a/b")), "/a/b was made in the tmpfs, not the rootfs");
    }

    /**
     * tmpcopyup (the runc extension podman sends with --read-only): the tmpfs on /data starts as a copy of the
     * image's /data (file with its mode, owner and mtime, subdirectory, symlinks copied as links, fifo, device
     * node) and is writable while the root stays read-only; the image's /data is left alone.
     */
    @Test
    void tmpcopyupCopiesTheCoveredDirectoryIntoTheTmpfs() throws Exception {
        Path b = bundleWithMounts("copyup", sh(String.join("\n",
                        "echo file=$(cat /data/file) $(stat -c '%a %u:%g %Y' /data/file)",
                        "echo sub=$(cat /data/sub/inner)",
                        "echo link=$(readlink /data/link) $(cat /data/link)",
                        "echo abs=$(readlink /data/abs)",
                        "echo fifo=$(stat -c %F /data/fifo)",
                        "echo null=$(stat -c '%F %t:%T' /data/null)",
                        "echo fs=$(grep ' /data ' /proc/mounts | cut -d' ' -f3)",
                        "touch /data/new && echo data=rw || echo data=ro",
                        "touch /x 2>/dev/null && echo root=rw || echo root=ro")), Map.of(),
                mount("/data", "tmpfs", "tmpfs", "nosuid", "nodev", "tmpcopyup"));
        Path data = b.resolve("rootfs/data");
        Files.createDirectories(data.resolve("sub"));
        Files.writeString(data.resolve("file"), "content\n");
        Files.setPosixFilePermissions(data.resolve("file"), PosixFilePermissions.fromString("rw-r--r-x"));
        Files.setLastModifiedTime(data.resolve("file"), java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
        assertEquals(0, Jrun.exec(null, List.of("chown", "1234:2345", data.resolve("file").toString())).code());
        Files.writeString(data.resolve("sub/inner"), "inner\n");
        Files.createSymbolicLink(data.resolve("link"), Path.of("sub/inner"));
        Files.createSymbolicLink(data.resolve("abs"), Path.of("/etc/shadow")); // copied as a link, never followed
        assertEquals(0, Jrun.exec(null, List.of("mkfifo", data.resolve("fifo").toString())).code());
        assertEquals(0, Jrun.exec(null, List.of("mknod", data.resolve("null").toString(), "c", "1", "3")).code());

        String out = runOk(b, "copyup");
        assertEquals("content 645 1234:2345 1000000000", line(out, "file="));
        assertEquals("inner", line(out, "sub="));
        assertEquals("sub/inner inner", line(out, "link="));
        assertEquals("/etc/shadow", line(out, "abs="));
        assertEquals("fifo", line(out, "fifo="));
        assertEquals("character special file 1:3", line(out, "null="));
        assertEquals("tmpfs", line(out, "fs="));
        assertEquals("rw", line(out, "data="));
        assertEquals("ro", line(out, "root="));
        assertFalse(Files.exists(data.resolve("new")), "the write went to the tmpfs, not the image");
    }

    /** podman --read-only: /tmp, /var/tmp and /run are tmpfs with tmpcopyup, next to its usual /dev tmpfs. */
    @Test
    void podmanReadOnlyMountsWithTmpcopyup() throws Exception {
        Path b = bundle("podro", sh(String.join("\n",
                "echo tmp=$(cat /tmp/keep) run=$(ls /run) vartmp=$(cat /var/tmp/v)",
                "touch /tmp/a /var/tmp/b /run/c && echo writable=yes",
                "echo ro=$(touch /etc/x 2>/dev/null && echo no || echo yes)",
                "echo tmpfs=$(grep -cE ' /(tmp|var/tmp|run) tmpfs ' /proc/mounts)")));
        String opts = "\"options\": [\"rw\", \"rprivate\", \"nosuid\", \"nodev\", \"tmpcopyup\"]";
        edit(b, DEFAULT_LAST_MOUNT, String.join(",\n    ",
                "{\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", " + opts + "}",
                "{\"destination\": \"/var/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", " + opts + "}",
                "{\"destination\": \"/run\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", " + opts + "}"));
        Path rootfs = b.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("tmp"));
        Files.writeString(rootfs.resolve("tmp/keep"), "kept\n");
        Files.createDirectories(rootfs.resolve("var/tmp"));
        Files.writeString(rootfs.resolve("var/tmp/v"), "v\n");
        Files.createDirectories(rootfs.resolve("run/lock"));
        String out = runOk(b, "podro");
        assertEquals("kept run=lock vartmp=v", line(out, "tmp="));
        assertEquals("yes", line(out, "writable="));
        assertEquals("yes", line(out, "ro="));
        assertEquals("3", line(out, "tmpfs="));
    }

    @Test
    void tmpcopyupOnABindMountIsRejected() throws Exception {
        Path b = bundleWithMounts("copybind", List.of("true"), Map.of(),
                bind("/data", Files.createDirectories(work.resolve("bsrc")), "rbind", "tmpcopyup"));
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "copybind");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("tmpcopyup is only valid for a mount of type tmpfs"), r::toString);
    }

    @Test
    void bindFlagsPropagationAndRecursiveAttributes() throws Exception {
        // a host dir with a submount: "ro" leaves the submount writable, "rro" (mount_setattr) does not
        Path vol = Files.createDirectories(work.resolve("vol"));
        Path sub = Files.createDirectories(vol.resolve("sub"));
        hostMount("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", sub.toString());
        String script = String.join("\n",
                "touch /ro/sub/x 2>/dev/null && echo ro_sub=rw || echo ro_sub=ro",
                "touch /rro/sub/x 2>/dev/null && echo rro_sub=rw || echo rro_sub=ro",
                "echo opts=$(grep ' /flags ' /proc/mounts | cut -d' ' -f4)",
                "echo shared=$(grep ' /shared ' /proc/self/mountinfo | grep -c shared:)",
                "echo private=$(grep ' /ro ' /proc/self/mountinfo | grep -c shared:)",
                "cp /bin/busybox /flags/bb 2>/dev/null; /flags/bb true 2>/dev/null && echo exec=yes || echo exec=no");
        Path flagsDir = Files.createDirectories(work.resolve("flags"));
        Path b = bundleWithMounts("flags", sh(script), Map.of(),
                bind("/ro", vol, "rbind", "ro"),
                bind("/rro", vol, "rbind", "rro"),
                bind("/flags", flagsDir, "bind", "nosuid", "nodev", "noexec", "noatime"),
                bind("/shared", vol, "bind", "rshared"));
        String out = runOk(b, "flags");
        assertEquals("rw", line(out, "ro_sub="));
        assertEquals("ro", line(out, "rro_sub="));
        assertTrue(line(out, "opts=").startsWith("rw,nosuid,nodev,noexec,noatime"), out);
        assertEquals("no", line(out, "exec="));
        assertEquals("1", line(out, "shared="));
        assertEquals("0", line(out, "private="));
        assertTrue(Files.exists(sub.resolve("x")), "the ro bind's submount stayed writable");
    }

    @Test
    void sysfsIsReadOnlyWithoutOwnNetworkNamespace() throws Exception {
        String script = "grep ' /sys ' /proc/mounts | cut -d' ' -f4 | cut -d, -f1";
        Path own = bundle("netown", sh(script));
        edit(own, "\"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]", "\"options\": [\"nosuid\", \"noexec\", \"nodev\"]");
        assertEquals("rw", runOk(own, "netown").strip(), "with its own netns the sysfs is as asked");
        Path host = bundle("nethost", sh(script));
        edit(host, "\"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]", "\"options\": [\"nosuid\", \"noexec\", \"nodev\"]");
        edit(host, "{\"type\": \"network\"}, ", "");
        assertEquals("ro", runOk(host, "nethost").strip(), "the host's network sysfs is never writable");
    }

    @Test
    void noPivotUsesMoveAndChroot() throws Exception {
        Path b = bundle("nopivot", sh("cat /marker; ls /bin/busybox"));
        Files.writeString(b.resolve("rootfs/marker"), "inside\n");
        String out = runOk(b, "nopivot", "--no-pivot");
        assertEquals(List.of("inside", "/bin/busybox"), out.lines().toList());
    }

    @Test
    void rootfsPropagation() throws Exception {
        // field 5 of mountinfo is the mount point, the optional fields follow field 6 (proc(5))
        String script = "awk '$5 == \"/\" { print ($7 ~ /^shared:/) }' /proc/self/mountinfo";
        Path def = bundle("propdef", sh(script));
        assertEquals("0", runOk(def, "propdef").strip(), "default rprivate");
        Path shared = bundle("propshared", sh(script), Map.of(), Map.of("rootfsPropagation", "\"rshared\""), null);
        assertEquals("1", runOk(shared, "propshared").strip());
        // An unbindable host "/" would make the rootfs bind fail (runtime-tools linux_rootfs_propagation):
        // the container's / must come out unbindable, and the container must start at all.
        String fields = "awk '$5 == \"/\" { print $7 }' /proc/self/mountinfo";
        Path unbindable = bundle("propunbind", sh(fields), Map.of(), Map.of("rootfsPropagation", "\"unbindable\""), null);
        assertEquals("unbindable", runOk(unbindable, "propunbind").strip());
    }

    @Test
    void withoutMountNamespaceTheCallersRootAndPropagationStay() throws Exception {
        // No "mount" entry: the container shares the caller's mount namespace (runtime-tools linux_ns_itype).
        // pivot_root there would move the root of every process in that namespace, and a propagation change
        // of "/" would rewrite the host's. The caller here is a throw-away namespace (slave of the host's), so
        // the mounts the container makes in it never reach the host.
        Path b = bundle("hostmnt", sh("cat /marker; readlink /proc/self/ns/mnt"));
        edit(b, ", {\"type\": \"mount\"}", "");
        Files.writeString(b.resolve("rootfs/marker"), "in-rootfs\n");
        String script = String.join("\n",
                "prop() { awk '$5 == \"/\" { p = $7 } END { print p }' /proc/self/mountinfo; }",
                "before=$(prop)",
                "echo caller=$(readlink /proc/self/ns/mnt)",
                Bundles.q(Jrun.BIN) + " --root " + Bundles.q(jrun.root.toString()) + " run --bundle "
                        + Bundles.q(b.toString()) + " hostmnt || echo run=failed",
                "test -f " + Bundles.q(b.resolve("config.json").toString()) + " && echo root=kept || echo root=moved",
                "test \"$(prop)\" = \"$before\" && echo prop=kept || echo prop=changed:$before:$(prop)");
        Jrun.Result r = Jrun.exec(null, List.of("unshare", "--mount", "--propagation", "slave", "sh", "-c", script));
        assertEquals(0, r.code(), r::toString);
        List<String> out = r.out().lines().toList();
        assertEquals(5, out.size(), r::toString);
        assertEquals("in-rootfs", out.get(1), "the process runs chrooted in the rootfs: " + r);
        assertEquals(out.get(0), "caller=" + out.get(2), "the caller's mount namespace is inherited");
        assertEquals("root=kept", out.get(3), "the caller's root moved: " + r);
        assertEquals("prop=kept", out.get(4), "the caller's / propagation changed: " + r);
    }

    @Test
    void linuxDevicesWithModeAndOwner() throws Exception {
        Path b = bundle("devs", sh("stat -c '%F %t:%T %a %u %g' /dev/mynull /dev/sub/zero; echo hi > /dev/sub/zero && echo ok"),
                Map.of(), Map.of("devices", """
                        [{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 432, "uid": 1, "gid": 2},
                         {"path": "/dev/sub/zero", "type": "c", "major": 1, "minor": 5}]"""), null);
        String out = runOk(b, "devs");
        assertEquals(List.of("character special file 1:3 660 1 2", "character special file 1:5 666 0 0", "ok"),
                out.lines().toList());
    }

    @Test
    void cgroupMountOnV1HostShowsTheContainersOwnLimits() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/sys/fs/cgroup/memory")), "cgroup v1 memory hierarchy");
        String script = String.join("\n",
                "echo limit=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)",
                "echo 1 > /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null && echo write=rw || echo write=ro",
                "echo pids=$(cat /sys/fs/cgroup/pids/pids.max)",
                "echo root=$(grep ' /sys/fs/cgroup ' /proc/mounts | cut -d' ' -f3,4 | cut -d, -f1)",
                "echo self=$(grep -c $$ /sys/fs/cgroup/memory/cgroup.procs)",
                "echo nested=$(ls /sys/fs/cgroup/memory | grep -c jrun-test)");
        Path b = bundleWithMounts("cg", sh(script),
                Map.of("resources", "{\"memory\": {\"limit\": 67108864}, \"pids\": {\"limit\": 99}}"),
                mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro"));
        String out = runOk(b, "cg");
        assertEquals("67108864", line(out, "limit="));
        assertEquals("ro", line(out, "write="));
        assertEquals("99", line(out, "pids="));
        assertEquals("tmpfs ro", line(out, "root="));
        assertEquals("1", line(out, "self="), "the container's own cgroup is mounted, not the host root");
        assertEquals("0", line(out, "nested="));
    }

    @Test
    void userNamespaceWithMappings() throws Exception {
        // the container root is host uid 100000: it must be able to reach the bundle
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> linux = Map.of(
                "uidMappings", "[{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]",
                "gidMappings", "[{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]");
        Path b = bundle("userns", sh("echo uid=$(id -u) gid=$(id -g); cat /proc/self/uid_map; "
                + "stat -c '%F %t:%T' /dev/null; echo x > /dev/null && echo null=ok; sleep 1000"), Map.of(), linux, null);
        edit(b, "{\"type\": \"pid\"}, ", "{\"type\": \"pid\"}, {\"type\": \"user\"}, ");
        Path log = work.resolve("userns.out");
        Process p = new ProcessBuilder(Jrun.BIN, "--root", jrun.root.toString(), "run", "--bundle", b.toString(), "userns")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int pid = 0;
            for (int i = 0; i < 300 && pid == 0; i++) {
                if (jrun.run("state", "userns").out().contains("\"running\"")) pid = statePid("userns");
                else Thread.sleep(50);
            }
            assertNotEquals(0, pid, () -> "not running: " + read(log));
            String status = Files.readString(Path.of("/proc/" + pid + "/status"));
            assertTrue(status.lines().anyMatch(l -> l.matches("Uid:\\s+100000\\s+100000\\s+100000\\s+100000")), status);
            assertTrue(status.lines().anyMatch(l -> l.matches("Gid:\\s+100000\\s+100000\\s+100000\\s+100000")), status);
            for (int i = 0; i < 100 && !read(log).contains("null="); i++) Thread.sleep(50);
            String out = read(log);
            assertTrue(out.contains("uid=0 gid=0"), out);
            assertTrue(out.matches("(?s).*\\s0\\s+100000\\s+65536.*"), out);
            assertTrue(out.contains("character special file 1:3"), out);
            assertTrue(out.contains("null=ok"), out);
        } finally {
            jrun.run("kill", "userns", "KILL");
            p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    /**
     * An idmapped bind (config.md "Mounts" uidMappings/gidMappings): the mount's map is a user namespace map,
     * so on-disk id containerID shows as hostID. {1000 → 0} makes the host file of uid 1000 root's in a
     * container without a user namespace; the file on the host is untouched.
     */
    @Test
    void idmappedBindMountShowsMappedOwner() throws Exception {
        Path src = Files.createDirectories(work.resolve("idsrc"));
        Path f = Files.writeString(src.resolve("owned"), "x");
        Files.setAttribute(f, "unix:uid", 1000);
        Files.setAttribute(f, "unix:gid", 1000);
        Path b = bundleWithMounts("idmap", sh("stat -c %u:%g /id/owned"), Map.of(),
                "{\"destination\": \"/id\", \"type\": \"bind\", \"source\": " + Bundles.q(src.toString())
                        + ", \"options\": [\"rbind\"], \"uidMappings\": [{\"containerID\": 1000, \"hostID\": 0, \"size\": 1}],"
                        + " \"gidMappings\": [{\"containerID\": 1000, \"hostID\": 0, \"size\": 1}]}");
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "idmap");
        assertEquals(0, r.code(), r::toString);
        assertEquals("0:0", r.out().strip(), r::toString);
        assertEquals(1000, Files.getAttribute(f, "unix:uid"), "the host file keeps its owner");
        assertEquals(1000, Files.getAttribute(f, "unix:gid"));
    }

    /**
     * {@code ridmap} without mappings of its own takes the container's user namespace maps (0 → 100000): the
     * source's files keep the owners they have on the host as seen from inside, where a plain bind would show
     * them as nobody. The idmapped tree is made before the helper leaves the initial user namespace.
     */
    @Test
    void idmapInAUserNamespaceTakesTheContainerMaps() throws Exception {
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path src = Files.createDirectories(work.resolve("idsrc-userns"));
        Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(src.resolve("root"), "x");
        Path f = Files.writeString(src.resolve("user"), "x");
        Files.setAttribute(f, "unix:uid", 1000);
        Files.setAttribute(f, "unix:gid", 1000);
        Map<String, String> linux = Map.of(
                "uidMappings", "[{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]",
                "gidMappings", "[{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]");
        Path b = bundleWithMounts("idmapuserns", sh("stat -c %n=%u:%g /id/root /id/user /plain/user"), linux,
                "{\"destination\": \"/id\", \"type\": \"bind\", \"source\": " + Bundles.q(src.toString())
                        + ", \"options\": [\"rbind\", \"ridmap\"]}",
                bind("/plain", src, "rbind"));
        edit(b, "{\"type\": \"pid\"}, ", "{\"type\": \"pid\"}, {\"type\": \"user\"}, ");
        // the container's root (host 100000) may not create mount points in the host-owned rootfs
        Files.createDirectories(b.resolve("rootfs/id"));
        Files.createDirectories(b.resolve("rootfs/plain"));
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "idmapuserns");
        assertEquals(0, r.code(), r::toString);
        assertEquals(List.of("/id/root=0:0", "/id/user=1000:1000", "/plain/user=65534:65534"),
                r.out().strip().lines().toList(), r::toString);
        assertEquals(1000, Files.getAttribute(f, "unix:uid"), "the host file keeps its owner");
        assertEquals(0, Files.getAttribute(src.resolve("root"), "unix:uid"));
    }

    @Test
    void idmapOnANonBindMountIsRejectedByName() throws Exception {
        Path b = bundleWithMounts("idmaptmpfs", sh("true"), Map.of(),
                "{\"destination\": \"/id\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
                        + " \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}],"
                        + " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}");
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "idmaptmpfs");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("mounts[7].uidMappings: idmapped mounts are only supported for bind mounts"),
                r::toString);
    }

    /**
     * The copy-on-write image model of docs/rootfs.md: the bundle's root.path is the merged dir of an overlay
     * whose lower layer is the read-only image and whose upper layer is thrown away after the run.
     */
    @Test
    void overlayRootfs() throws Exception {
        Path b = bundle("ovl", sh("echo new > /created; rm /etc/group; cat /etc/passwd | head -1"));
        Path lower = b.resolve("lower");
        Files.move(b.resolve("rootfs"), lower);
        for (String d : List.of("upper", "work", "merged")) Files.createDirectories(b.resolve(d));
        edit(b, "\"path\": \"rootfs\", \"readonly\": true", "\"path\": \"merged\", \"readonly\": false");
        hostMount("mount", "-t", "overlay", "overlay", "-o",
                "lowerdir=" + lower + ",upperdir=" + b.resolve("upper") + ",workdir=" + b.resolve("work"),
                b.resolve("merged").toString());
        String out = runOk(b, "ovl");
        assertEquals("root:x:0:0:root:/root:/bin/sh", out.strip());
        assertEquals("new\n", Files.readString(b.resolve("upper/created")), "writes land in the upper layer");
        assertTrue(Files.exists(lower.resolve("etc/group")), "the lower layer is untouched");
        assertFalse(Files.exists(lower.resolve("created")));
        assertFalse(Files.exists(b.resolve("merged/etc/group")), "the deletion is a whiteout in the upper layer");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
