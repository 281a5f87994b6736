#!/bin/bash
# build-deb.sh STAGE VERSION OUT.deb: packages a tree staged by `make install PREFIX=/usr SYSCONFDIR=/etc
# DESTDIR=STAGE` (make deb) with dpkg-deb; no network, no debhelper. Adds what only the package has: the
# containerd and docker examples, the copyright file, the maintainer scripts, gzipped man pages.
# No systemd unit: jrun is one process per call; the resident engine it would start does not exist yet.
set -euo pipefail
stage=$1 version=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$stage/usr/bin/jrun" ] || { echo "build-deb: no staged install in $stage" >&2; exit 1; }
doc=$stage/usr/share/doc/jrun
install -d "$doc/examples" "$stage/DEBIAN"
install -m 0644 "$here/copyright" "$doc/copyright"
install -m 0644 "$here/examples/containerd-config.toml" "$here/examples/docker-daemon.json" "$doc/examples/"
install -m 0644 "$here/../../README.md" "$doc/README.md"
gzip -9nf "$stage"/usr/share/man/man8/*.8
# /etc/containers/containers.conf.d/jrun.conf: a conffile (an admin's edit survives upgrades; purge removes it)
find "$stage/etc" -type f | sed "s|^$stage||" | sort > "$stage/DEBIAN/conffiles"
install -m 0755 "$here/postrm" "$stage/DEBIAN/postrm"
install -m 0755 "$here/prerm" "$stage/DEBIAN/prerm"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: jrun
Version: $version
Architecture: amd64
Maintainer: jrun developers <jrun@localhost>
Installed-Size: $size
Depends: libc6
Recommends: busybox-static
Suggests: containerd | podman | docker.io
Section: admin
Priority: optional
Homepage: https://github.com/opencontainers/runtime-spec
Description: OCI container runtime written in Java, runc-compatible
 jrun reads an OCI bundle (config.json and a root filesystem) and creates, starts and supervises its
 container with namespaces, cgroups, mounts, capabilities and seccomp, behind runc's command line, so that
 containerd, podman and docker can drive it as they drive runc. It ships its own jlinked Java runtime and
 AOT caches under /usr/lib/jrun.
CONTROL
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
mkdir -p "$(dirname "$out")"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >/dev/null
echo "$out: $(du -h "$out" | cut -f1) ($(dpkg-deb -f "$out" Package Version Installed-Size | tr '\n' ' '))"
