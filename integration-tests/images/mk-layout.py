#!/usr/bin/env python3
"""Builds OCI image layouts for jrun's image tests and `make repro-demo` (docs/images.md).

  mk-layout.py busybox OUT BUSYBOX_AMD64 BUSYBOX_ARM64   multi-arch busybox layout (index -> amd64, arm64)
  mk-layout.py hostile KIND OUT BUSYBOX_AMD64             one-image layout whose top layer is hostile
  mk-layout.py archive LAYOUT FILE                        the layout as an oci-archive (a tar of it)

Everything is deterministic (fixed mtimes, owners, order), so digests are the same on every run.
"""
import gzip, hashlib, io, json, os, subprocess, sys, tarfile

MTIME = 1704164645  # 2024-01-02T03:04:05Z, the config's "created"

def blob(out, data, media):
    d = hashlib.sha256(data).hexdigest()
    os.makedirs(f"{out}/blobs/sha256", exist_ok=True)
    with open(f"{out}/blobs/sha256/{d}", "wb") as f:
        f.write(data)
    return {"mediaType": media, "digest": "sha256:" + d, "size": len(data)}

def info(name, type=tarfile.REGTYPE, mode=0o644, size=0, link="", uid=0, gid=0):
    t = tarfile.TarInfo(name)
    t.type, t.mode, t.size, t.linkname, t.uid, t.gid, t.mtime = type, mode, size, link, uid, gid, MTIME
    t.uname = t.gname = ""
    return t

def tar(entries):
    """entries: (TarInfo, bytes or None). Returns the uncompressed tar."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for ti, data in entries:
            if data is not None:
                ti.size = len(data)
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()

def gz(data):
    return gzip.compress(data, mtime=0)

def base_layer(busybox):
    bb = open(busybox, "rb").read()
    applets = APPLETS
    e = [(info("bin", tarfile.DIRTYPE, 0o755), None), (info("bin/busybox", mode=0o755), bb)]
    for a in sorted(set(applets) - {"busybox"}):
        e.append((info("bin/" + a, tarfile.SYMTYPE, 0o777, link="busybox"), None))
    e += [(info("etc", tarfile.DIRTYPE, 0o755), None),
          (info("etc/passwd"), b"root:x:0:0:root:/root:/bin/sh\nbuilder:x:1000:1000:builder:/home/builder:/bin/sh\n"
                               b"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
          (info("etc/group"), b"root:x:0:\nbuilder:x:1000:\nusers:x:100:builder\nnogroup:x:65534:\n"),
          (info("etc/removed-later"), b"layer 1\n"),
          (info("etc/opaque", tarfile.DIRTYPE, 0o755), None),
          (info("etc/opaque/old"), b"hidden by layer 2\n"),
          (info("home", tarfile.DIRTYPE, 0o755), None),
          (info("home/builder", tarfile.DIRTYPE, 0o755, uid=1000, gid=1000), None),
          (info("root", tarfile.DIRTYPE, 0o700), None),
          (info("tmp", tarfile.DIRTYPE, 0o1777), None)]
    return tar(e)

DEFAULT_APPLETS = ["sh", "ls", "cat", "echo", "uname", "id", "env", "pwd", "test", "sleep", "touch", "mkdir", "rm",
                   "date", "sha256sum", "tar", "gzip", "hostname", "printf", "seq", "true", "false", "wc", "awk"]

def top_layer():
    return tar([(info("etc", tarfile.DIRTYPE, 0o755), None),
                (info("etc/motd"), b"from layer 2\n"),
                (info("etc/.wh.removed-later"), b""),
                (info("etc/opaque", tarfile.DIRTYPE, 0o755), None),
                (info("etc/opaque/.wh..wh..opq"), b""),
                (info("etc/opaque/new"), b"layer 2\n")])

def image(out, arch, layers, user=None):
    """layers: list of uncompressed tars; the first is gzipped. Returns the manifest descriptor."""
    descs, diffs = [], []
    for i, l in enumerate(layers):
        diffs.append("sha256:" + hashlib.sha256(l).hexdigest())
        if i == 0:
            descs.append(blob(out, gz(l), "application/vnd.oci.image.layer.v1.tar+gzip"))
        else:
            descs.append(blob(out, l, "application/vnd.oci.image.layer.v1.tar"))
    config = {"created": "2024-01-02T03:04:05Z", "architecture": arch, "os": "linux",
              "config": {"Env": ["PATH=/bin", "IMAGE_VAR=from-the-image"], "Cmd": ["sh", "-c", "echo hello from the image"],
                         "WorkingDir": "/", "Labels": {"org.example.test": "busybox"}, "StopSignal": "SIGINT"},
              "rootfs": {"type": "layers", "diff_ids": diffs}}
    if user:
        config["config"]["User"] = user
        config["config"]["WorkingDir"] = "/home/" + user
    cdesc = blob(out, json.dumps(config, sort_keys=True).encode(), "application/vnd.oci.image.config.v1+json")
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": cdesc,
                "layers": descs}
    m = blob(out, json.dumps(manifest, sort_keys=True).encode(), "application/vnd.oci.image.manifest.v1+json")
    m["platform"] = {"os": "linux", "architecture": arch}
    return m

def finish(out, manifests):
    with open(f"{out}/oci-layout", "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    with open(f"{out}/index.json", "w") as f:
        json.dump({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests}, f)

def busybox(out, amd64, arm64):
    top = top_layer()
    ms = [image(out, "amd64", [base_layer(amd64), top]), image(out, "arm64", [base_layer(arm64), top])]
    idx = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": ms}
    d = blob(out, json.dumps(idx, sort_keys=True).encode(), "application/vnd.oci.image.index.v1+json")
    d["annotations"] = {"org.opencontainers.image.ref.name": "latest"}
    amd = dict(ms[0])
    amd["annotations"] = {"org.opencontainers.image.ref.name": "amd64-only"}
    builder = image(out, "amd64", [base_layer(amd64), top], user="builder")
    builder["annotations"] = {"org.opencontainers.image.ref.name": "builder"}
    finish(out, [d, amd, builder])

def hostile(kind, out, amd64):
    if kind == "dotdot":
        bad = tar([(info("../escaped"), b"x")])
    elif kind == "absolute":
        bad = tar([(info("/escaped"), b"x")])
    elif kind == "symlink":
        bad = tar([(info("link", tarfile.SYMTYPE, link="/tmp"), None), (info("link/escaped"), b"x")])
    elif kind == "hardlink":
        bad = tar([(info("escaped", tarfile.LNKTYPE, link="../../../../etc/passwd"), None)])
    elif kind == "huge":
        t = info("huge")
        t.size = 1 << 42  # 4 TiB announced, no data follows
        bad = t.tobuf(tarfile.PAX_FORMAT)
    else:
        raise SystemExit("unknown kind " + kind)
    finish(out, [image(out, "amd64", [base_layer(amd64), bad])])

def archive(layout, file):
    with tarfile.open(file, "w") as t:
        for name in sorted(os.listdir(layout)):
            t.add(os.path.join(layout, name), arcname=name)

APPLETS = DEFAULT_APPLETS

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd in ("busybox", "hostile"):
        # the applets of the host's (amd64) busybox, for both architectures (the same Debian source)
        host = sys.argv[3] if cmd == "busybox" else sys.argv[4]
        APPLETS = subprocess.run([host, "--list"], capture_output=True, text=True).stdout.split() or DEFAULT_APPLETS
    if cmd == "busybox":
        busybox(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "hostile":
        for kind in sys.argv[2].split(","):  # several kinds: OUT is a directory of layouts, one per kind
            hostile(kind, sys.argv[3] if "," not in sys.argv[2] else os.path.join(sys.argv[3], kind), sys.argv[4])
    elif cmd == "archive":
        archive(sys.argv[2], sys.argv[3])
