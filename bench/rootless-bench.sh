#!/bin/bash
# Rootless `run` of a busybox `echo` (create, start, wait, delete) as an unprivileged user: jrun through the
# user's resident engine, jrun with JRUN_DAEMON=off (a JVM per call), and runc with its own rootless setup
# (`runc spec --rootless`, state under $XDG_RUNTIME_DIR/runc), ROUNDS interleaved rounds, median and mean wall
# time (docs/rootless.md "Measured", docs/performance.md). Makes a throw-away user with a runtime dir
# /run/user/UID and removes it, its engine and its files at the end. Must run as root.
#
#   ROUNDS=21 JRUN=/usr/local/bin/jrun RUNC=/usr/sbin/runc bash bench/rootless-bench.sh
set -euo pipefail
JRUN=${JRUN:-/usr/local/bin/jrun}
RUNC=${RUNC:-$(command -v runc || echo /usr/sbin/runc)}
ROUNDS=${ROUNDS:-21}
[ "$(id -u)" = 0 ] || { echo "rootless-bench: must run as root" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
user=jrunbench$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c1-6)
useradd --create-home --shell /bin/sh "$user"
uid=$(id -u "$user"); gid=$(id -g "$user"); home=$(getent passwd "$user" | cut -d: -f6)
xdg=/run/user/$uid
as_user() { setpriv --reuid="$uid" --regid="$gid" --clear-groups env -i PATH=/usr/bin:/bin HOME="$home" XDG_RUNTIME_DIR="$xdg" "$@"; }
cleanup() {
  as_user "$JRUN" daemon --stop >/dev/null 2>&1 || true
  for pid in $(ps -o pid= -u "$uid" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
  userdel --remove "$user" >/dev/null 2>&1 || true
  rm -rf "$xdg" "$home"
  for f in /etc/subuid /etc/subgid; do [ -f $f ] && sed -i "/^$user:/d" $f; done
}
trap cleanup EXIT
mkdir -p "$xdg" && chown "$uid:$gid" "$xdg" && chmod 700 "$xdg"
# One rootfs, two configs: each runtime's own rootless spec, the same process.
JRUN=$JRUN bash "$here/../packaging/busybox-bundle.sh" "$home/jrun" echo hi >/dev/null
mkdir -p "$home/runc" && cp -a "$home/jrun/rootfs" "$home/runc/"
chown -R "$uid:$gid" "$home/jrun" "$home/runc"
(cd "$home/jrun" && rm config.json && as_user "$JRUN" spec --rootless)
(cd "$home/runc" && as_user "$RUNC" spec --rootless)
for b in jrun runc; do
  python3 - "$home/$b/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["echo", "hi"]
c["process"]["terminal"] = False
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
done
# The timing loop runs as the user, in one shell: no setpriv in the numbers.
as_user /bin/bash -s "$JRUN" "$RUNC" "$ROUNDS" "$home" <<'SH' > "$home/times"
set -eu
jrun=$1 runc=$2 rounds=$3 home=$4
# stdin /dev/null: this script is the shell's stdin, and a container would read the rest of it
t() { local s e; s=$(date +%s%N); "$@" >/dev/null </dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
# warm-up: the engine starts, the page cache holds both rootfs
JRUN_ENGINE_WAIT_MS=60000 "$jrun" run --bundle "$home/jrun" w0 >/dev/null </dev/null
JRUN_DAEMON=off "$jrun" run --bundle "$home/jrun" w1 >/dev/null </dev/null
"$runc" run --bundle "$home/runc" w2 >/dev/null </dev/null
for i in $(seq 1 "$rounds"); do
  echo "engine $(t "$jrun" run --bundle "$home/jrun" e$i)"
  echo "off $(JRUN_DAEMON=off t "$jrun" run --bundle "$home/jrun" o$i)"
  echo "runc $(t "$runc" run --bundle "$home/runc" r$i)"
done
SH
# the engine served the measured calls (not a fallback): its socket is there
ls "$xdg"/jrun-engine/*.sock >/dev/null
echo "rootless run (busybox echo), $ROUNDS interleaved rounds, wall ms:"
for k in engine off runc; do
  awk -v k=$k '$1==k {print $2/1000}' "$home/times" | sort -n | awk -v k=$k '{a[NR]=$1; s+=$1} END {
    printf "  %-7s median %6.1f  mean %6.1f  min %6.1f  max %6.1f\n", k, a[int((NR+1)/2)], s/NR, a[1], a[NR] }'
done
