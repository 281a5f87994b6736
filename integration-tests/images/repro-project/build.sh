#!/bin/sh
# The demo build: a release tarball with a BUILDINFO, made the way many real builds are, so it picks up
# everything that differs between machines: the clock (no SOURCE_DATE_EPOCH), the time zone, the locale, the
# host name, the umask (file modes in the tarball) and the caller's environment (BUILD_FLAVOR).
set -e
rm -rf out && mkdir -p out/pkg
stamp=${SOURCE_DATE_EPOCH:-$(date +%s)}
{
	echo "package: hello 1.0"
	echo "built: $(date -d "@$stamp" '+%Y-%m-%d %H:%M:%S %Z')"
	echo "host: $(hostname)"
	echo "locale: ${LC_ALL:-${LANG:-unset}}"
	echo "flavor: ${BUILD_FLAVOR:-default}"
} > out/pkg/BUILDINFO
for f in src/*; do cat "$f" > "out/pkg/${f#src/}"; done
for f in out/pkg/* out/pkg; do touch -d "@$stamp" "$f"; done
cd out && tar -cf - pkg/BUILDINFO pkg/README pkg/hello.c | gzip -n > pkg.tar.gz
