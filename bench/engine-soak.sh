#!/bin/bash
# The resident engine under a long series of lifecycles (issue "Resident engine", item 5): SOAK_N lifecycles
# (create, start, state, kill, delete) of a busybox `sleep` container through one engine on a private socket, its
# resident memory, threads and open fds read after a warm-up of 50 and again at the end. Fails when they grew
# beyond the bounds below (docs/performance.md "Soak"), or when anything is left behind.
#
#   SOAK_N=2000 bash bench/engine-soak.sh      (make soak; CI runs SOAK_N=200)
set -euo pipefail
JRUN=${JRUN:-/usr/local/bin/jrun}
N=${SOAK_N:-2000}
# Bounds: the heap is capped (-Xmx128m) and the JIT's code cache settles, so RSS may grow by what a warmed
# JVM still allocates once; threads and fds must come back to where they were.
MAX_RSS_GROWTH_MB=${SOAK_MAX_RSS_GROWTH_MB:-64}
[ "$(id -u)" = 0 ] || { echo "soak: must run as root" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/jrun-soak.XXXXXX)
chmod 700 "$work"
export JRUN_ENGINE_SOCKET=$work/engine.sock JRUN_ENGINE_WAIT_MS=60000
tag=$(basename "$work" | tr -dc 'a-zA-Z0-9')
cleanup() {
  for d in "$work"/root/*/; do [ -d "$d" ] && "$JRUN" --root "$work/root" delete --force "$(basename "$d")" >/dev/null 2>&1 || true; done
  "$JRUN" daemon --stop --socket "$JRUN_ENGINE_SOCKET" >/dev/null 2>&1 || true
  find /sys/fs/cgroup/ -depth -type d -path "*/jrun-soak/$tag*" -exec rmdir {} + 2>/dev/null || true
  rmdir /sys/fs/cgroup/*/jrun-soak /sys/fs/cgroup/jrun-soak 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
JRUN=$JRUN bash "$here/../packaging/busybox-bundle.sh" "$work/bundle" sleep 1000 >/dev/null
python3 - "$work/bundle/config.json" "/jrun-soak/$tag" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["linux"]["cgroupsPath"] = sys.argv[2]; c["root"]["readonly"] = True
json.dump(c, open(sys.argv[1], "w"))
PY
cycle() {
  local id=s$1 r=$work/root
  "$JRUN" --root "$r" create --bundle "$work/bundle" "$id" </dev/null >/dev/null
  "$JRUN" --root "$r" start "$id"
  "$JRUN" --root "$r" state "$id" >/dev/null
  "$JRUN" --root "$r" kill "$id" KILL
  "$JRUN" --root "$r" delete --force "$id"
}
measure() { # RSS_KB THREADS FDS of the engine
  local pid; pid=$(cat "$JRUN_ENGINE_SOCKET.pid")
  echo "$(awk '/^VmRSS/ {print $2}' /proc/$pid/status) $(awk '/^Threads/ {print $2}' /proc/$pid/status) $(ls /proc/$pid/fd | wc -l)"
}
for i in $(seq 1 50); do cycle "w$i"; done
read -r rss0 thr0 fd0 < <(measure)
pid0=$(cat "$JRUN_ENGINE_SOCKET.pid")
start=$(date +%s.%N)
for i in $(seq 1 "$N"); do cycle "$i"; done
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')
read -r rss1 thr1 fd1 < <(measure)
[ "$(cat "$JRUN_ENGINE_SOCKET.pid")" = "$pid0" ] || { echo "soak: the engine was replaced during the run" >&2; exit 1; }
awk -v n="$N" -v s="$secs" 'BEGIN {printf "soak: %d lifecycles (5 calls each) through one engine in %.1f s (%.1f ms per lifecycle)\n", n, s, s * 1000 / n}'
awk -v a="$rss0" -v b="$rss1" 'BEGIN {printf "soak: engine RSS %.1f -> %.1f MB, ", a / 1024, b / 1024}'
echo "threads $thr0 -> $thr1, fds $fd0 -> $fd1"
left=$(find "$work/root" -mindepth 2 -maxdepth 2 -name state.json | wc -l) # containers, not jrun's seccomp cache
fail=
[ $(( (rss1 - rss0) / 1024 )) -le "$MAX_RSS_GROWTH_MB" ] || fail="$fail RSS grew by more than $MAX_RSS_GROWTH_MB MB;"
[ "$thr1" -le $((thr0 + 2)) ] || fail="$fail threads grew;"
[ "$fd1" -le "$fd0" ] || fail="$fail fds grew;"
[ "$left" = 0 ] || fail="$fail $left containers left;"
[ -z "$fail" ] || { echo "soak: FAILED:$fail" >&2; exit 1; }
echo "soak: ok"
