#!/bin/sh
# Prints the paths of Debian's busybox-static binaries for amd64 and arm64, downloading the packages once into
# CACHE (default /var/tmp/jrun-busybox-debs). arm64 comes from a private apt configuration (its own lists and
# cache, no dpkg --add-architecture), so the host's package state is untouched.
set -eu
CACHE=${1:-/var/tmp/jrun-busybox-debs}
mkdir -p "$CACHE/lists/partial" "$CACHE/cache/archives/partial"
cd "$CACHE"
if [ ! -x amd64/bin/busybox ]; then
  ls busybox-static_*_amd64.deb >/dev/null 2>&1 || apt-get download busybox-static >/dev/null 2>&1 || \
    { apt-get update -qq && apt-get download busybox-static >/dev/null; }
  rm -rf amd64 && mkdir amd64 && dpkg-deb -x busybox-static_*_amd64.deb amd64
fi
if [ ! -x arm64/bin/busybox ]; then
  O="-o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o Dir::State::Lists=$CACHE/lists -o Dir::Cache=$CACHE/cache -o Dir::State::status=/dev/null"
  ls busybox-static_*_arm64.deb >/dev/null 2>&1 || { apt-get $O update -qq && apt-get $O download busybox-static:arm64 >/dev/null; }
  rm -rf arm64 && mkdir arm64 && dpkg-deb -x busybox-static_*_arm64.deb arm64
fi
echo "$CACHE/amd64/bin/busybox $CACHE/arm64/bin/busybox"
