#!/bin/bash
# Installs a working CRIU for jrun under DEST (make install: LIBDIR/criu), leaving the system's criu alone.
#
# Why (docs/checkpoint.md "Which CRIU"): Debian 12's criu 3.17 fails on kernels >= 6.13 (`criu check`:
# "vdso: Unexpected rt vDSO area bounds"), trixie's 4.1 hangs in dump; Debian sid's 4.2.x works, but it is
# built against a newer glibc than bookworm's. So the sid package and its whole library closure (glibc
# included) are unpacked into a private prefix, and a wrapper runs criu through that glibc's own loader with
# --library-path: nothing leaks into the programs criu executes (tar, iptables), which run on the host's libc.
#
# The .debs come from Debian's mirror by package name through apt-get with a private apt configuration
# (its own sources list, state and cache under CACHE); the host's apt sources, status and caches are untouched.
# The downloaded .debs are kept in CACHE so a reinstall is offline.
#   usage: install-criu.sh DEST [CACHE]
set -euo pipefail
dest=${1:?usage: install-criu.sh DEST [CACHE]}
cache=${2:-/var/cache/jrun-criu}
suite=${JRUN_CRIU_SUITE:-sid}
mirror=${JRUN_CRIU_MIRROR:-http://deb.debian.org/debian}
here=$(cd "$(dirname "$0")" && pwd)

apt_setup() {
    mkdir -p "$cache"/apt/{state/lists/partial,cache/archives/partial,etc/sources.list.d,etc/preferences.d} "$cache/debs"
    touch "$cache/apt/state/status" # empty: apt then resolves the whole closure, libc6 included
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" > "$cache/apt/etc/sources.list"
    cat > "$cache/apt/apt.conf" <<CONF
Dir::State "$cache/apt/state";
Dir::State::status "$cache/apt/state/status";
Dir::Cache "$cache/apt/cache";
Dir::Etc::SourceList "$cache/apt/etc/sources.list";
Dir::Etc::SourceParts "$cache/apt/etc/sources.list.d";
Dir::Etc::Preferences "$cache/apt/etc/preferences";
Dir::Etc::PreferencesParts "$cache/apt/etc/preferences.d";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
APT::Sandbox::User "root";
Acquire::Languages "none";
CONF
}

download() {
    export APT_CONFIG=$cache/apt/apt.conf
    apt-get update -qq
    # criu's Depends, recursively (no Recommends: python3-pycriu and iproute2 are not needed to dump and restore).
    local pkgs
    pkgs=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
        --no-enhances criu | grep -v '^ ' | grep -v '^<' | sort -u)
    rm -f "$cache"/debs/*.deb
    (cd "$cache/debs" && apt-get download -qq $pkgs)
    echo "$pkgs" > "$cache/debs/PACKAGES"
}

if ! ls "$cache"/debs/criu_*.deb >/dev/null 2>&1 || [ -n "${JRUN_CRIU_REFRESH:-}" ]; then
    apt_setup
    download
fi

rm -rf "$dest.new" && mkdir -p "$dest.new/root"
for deb in "$cache"/debs/*.deb; do dpkg-deb -x "$deb" "$dest.new/root"; done
# Only what criu runs on: no docs, man pages, locales or plugins for hardware this runtime does not drive.
rm -rf "$dest.new/root/usr/share" "$dest.new/root/usr/lib/x86_64-linux-gnu/gconv" "$dest.new/root/etc"
(cd "$cache/debs" && ls *.deb) > "$dest.new/PACKAGES"
install -m 0755 "$here/criu.sh" "$dest.new/criu"
rm -rf "$dest" && mv "$dest.new" "$dest"
"$dest/criu" --version | head -1
