package io.jrun.core.image;

import io.jrun.core.spec.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The container's config.json from an image: `jrun spec`'s defaults, with the image config's process
 * (Entrypoint, Cmd or the command given, Env, WorkingDir, User) and its StopSignal and Labels as annotations
 * (image-spec config.md; conversion.md maps them the same way).
 */
final class ImageSpec {
    static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,62})");

    private ImageSpec() {}

    static Spec build(Spec defaults, OciImage.Resolved img, ImageRequest req, String id, Path rootfs, List<Path> layersTopFirst) {
        ImageConfig c = img.config();
        List<String> args = c.args(req.command());
        if (args.isEmpty()) {
            throw new ImageException(img.ref() + ": the image has neither Entrypoint nor Cmd; give a command after --");
        }
        ImageUsers.Ids ids = ImageUsers.resolve(c.user(), layersTopFirst);
        Spec.Process d = defaults.process();
        Long umask = req.reproducible() ? Long.valueOf(022) : null;
        Spec.Process p = new Spec.Process(false, null, new Spec.User(ids.uid(), ids.gid(), umask, ids.groups(), null),
                args, null, env(c, req, ids.home(), img), c.workingDir() == null || c.workingDir().isEmpty() ? "/" : c.workingDir(),
                d.capabilities(), rlimits(d, req.reproducible()), d.noNewPrivileges(), null, null, null, null, null, null);
        Map<String, String> annotations = new LinkedHashMap<>(c.labels());
        if (c.stopSignal() != null) annotations.put("org.opencontainers.image.stopSignal", c.stopSignal());
        annotations.put("io.jrun.image.ref", img.ref().toString());
        annotations.put("io.jrun.image.manifest", img.manifest().digest());
        annotations.put("io.jrun.image.platform", img.platform().toString());
        if (req.keepChanges() != null) annotations.put("io.jrun.image.changes", io.jrun.core.CallerPaths.absolute(req.keepChanges()).toString());
        String hostname = req.reproducible() ? "jrun-build" : HOSTNAME.matcher(id).matches() ? id : defaults.hostname();
        return new Spec(defaults.ociVersion(), new Spec.Root(rootfs.toString(), false), defaults.mounts(), p, hostname,
                null, null, annotations, defaults.linux(), List.of());
    }

    /**
     * The image's Env over jrun's PATH. --reproducible fixes what builds read from their environment
     * (reproducible-builds.org: timezone, locale, PATH, HOME, SOURCE_DATE_EPOCH); nothing of jrun's own
     * environment ever reaches the container either way.
     */
    private static List<String> env(ImageConfig c, ImageRequest req, String home, OciImage.Resolved img) {
        Map<String, String> env = new LinkedHashMap<>();
        put(env, DEFAULT_PATH);
        for (String e : c.env()) put(env, e);
        if (req.reproducible()) {
            put(env, DEFAULT_PATH);
            env.put("TZ", "UTC");
            env.put("LANG", "C.UTF-8");
            env.put("LC_ALL", "C.UTF-8");
            env.put("HOME", home);
            Long epoch = req.sourceDateEpoch() != null ? req.sourceDateEpoch() : c.createdEpoch();
            if (epoch == null) {
                throw new ImageException(img.ref() + ": --reproducible needs SOURCE_DATE_EPOCH: the image config has no"
                        + " valid \"created\"; give --source-date-epoch");
            }
            env.put("SOURCE_DATE_EPOCH", Long.toString(epoch));
        } else if (!env.containsKey("HOME")) {
            env.put("HOME", home);
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : env.entrySet()) out.add(e.getKey() + "=" + e.getValue());
        return out;
    }

    private static void put(Map<String, String> env, String kv) {
        int eq = kv.indexOf('=');
        if (eq <= 0) return;
        env.put(kv.substring(0, eq), kv.substring(eq + 1));
    }

    private static List<Spec.Rlimit> rlimits(Spec.Process d, boolean reproducible) {
        if (!reproducible) return d.rlimits();
        // fixed, whatever the host's limits: a build that sizes itself by them gets the same answer everywhere
        return List.of(new Spec.Rlimit("RLIMIT_NOFILE", 1024, 1024), new Spec.Rlimit("RLIMIT_NPROC", 4096, 4096),
                new Spec.Rlimit("RLIMIT_STACK", 8L << 20, 8L << 20), new Spec.Rlimit("RLIMIT_CORE", 0, 0));
    }
}
