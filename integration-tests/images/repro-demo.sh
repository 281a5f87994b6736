#!/bin/sh
# make repro-demo (docs/images.md "Reproducible builds"): the demo project built twice in jrun containers from
# one image with --reproducible, and twice directly on the host, with the time zone, locale, environment,
# umask and clock different between the two runs of each pair. jrun's two hashes are equal; the host's differ.
set -eu
JRUN=${1:-jrun}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/jrun-repro.XXXXXX)
ROOT=$T/state
cleanup() {
	for c in $("$JRUN" --root "$ROOT" list -q 2>/dev/null); do "$JRUN" --root "$ROOT" delete -f "$c" >/dev/null 2>&1 || true; done
	rm -rf "$T"
}
trap cleanup EXIT
set -- $(sh "$HERE/get-busybox.sh")
python3 "$HERE/mk-layout.py" busybox "$T/image" "$1" "$2"
BUSYBOX=$1

in_jrun() { # $1: run number; the build's sources come in on stdin, the tarball goes out on stdout
	tar -C "$HERE/repro-project" -cf - build.sh src | "$JRUN" --root "$ROOT" run --store "$T/store" \
		--image "$T/image:latest" --reproducible "repro-$1-$$" -- \
		sh -c 'mkdir -p /build && cd /build && tar -xf - && sh build.sh >&2 && cat out/pkg.tar.gz' > "$T/jrun-$1.tar.gz"
}
on_host() { # the same build with the host's busybox, straight on the host
	rm -rf "$T/host" && mkdir -p "$T/host/bin" && cp -r "$HERE/repro-project/." "$T/host/"
	for a in sh date hostname cat touch tar gzip rm mkdir; do ln -sf "$BUSYBOX" "$T/host/bin/$a"; done
	(cd "$T/host" && PATH="$T/host/bin" sh build.sh) && cp "$T/host/out/pkg.tar.gz" "$T/host-$1.tar.gz"
}

# run 1: one time zone, locale, umask and environment; run 2 (a second later): others
(umask 002; export TZ=America/New_York LANG=en_US.UTF-8 BUILD_FLAVOR=fast; in_jrun 1; on_host 1)
sleep 1
(umask 077; export TZ=Asia/Tokyo LANG=de_DE.UTF-8 BUILD_FLAVOR=debug; in_jrun 2; on_host 2)

for f in "$T"/jrun-1.tar.gz "$T"/jrun-2.tar.gz; do
	[ -s "$f" ] || { echo "repro-demo: the build in jrun made no tarball" >&2; exit 1; }
done
echo "BUILDINFO in jrun:"; gzip -dc "$T/jrun-1.tar.gz" | tar -xOf - pkg/BUILDINFO | sed 's/^/  /'
h() { sha256sum "$1" | cut -d' ' -f1; }
echo "jrun --reproducible, run 1: $(h "$T/jrun-1.tar.gz")"
echo "jrun --reproducible, run 2: $(h "$T/jrun-2.tar.gz")"
echo "host,                run 1: $(h "$T/host-1.tar.gz")"
echo "host,                run 2: $(h "$T/host-2.tar.gz")"
if [ "$(h "$T/jrun-1.tar.gz")" = "$(h "$T/jrun-2.tar.gz")" ] && [ "$(h "$T/host-1.tar.gz")" != "$(h "$T/host-2.tar.gz")" ]; then
	echo "repro-demo: jrun's builds are bit-identical; the host's differ"
else
	echo "repro-demo: FAILED" >&2
	exit 1
fi
