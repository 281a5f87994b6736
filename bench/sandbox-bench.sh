#!/bin/bash
# bench/sandbox-bench.sh [JRUN] [RUNS]: the sandbox's cost (docs/sandbox.md "Numbers").
#  1. ns per allowed syscall (bench/syscall_bench.c: getppid, clock_gettime through syscall(2)) in a container
#     without seccomp, with `jrun spec`'s default profile, and with `jrun spec --sandbox`'s allowlist; beside
#     runc with the default profile.
#  2. a compute program (the SandboxIT probe: checksum of 64 MiB of stdin) under the default profile and the
#     sandbox, wall time of the whole `run`.
# Runs are interleaved (none, default, sandbox, runc, then again), so a burst of load on a shared machine hits every
# kind alike; prints the best and the median over RUNS. Uses cgroups under /jrun-bench-sandbox/ and removes them.
set -euo pipefail
JRUN=${1:-/usr/local/bin/jrun}
RUNS=${2:-7}
ITERS=${ITERS:-200000}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
work=$(mktemp -d /tmp/jrun-sandbox-bench.XXXXXX)
agent_pid=
cleanup() {
  [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true
  for h in /sys/fs/cgroup/*/jrun-bench-sandbox; do [ -d "$h" ] && find "$h" -depth -type d -exec rmdir {} + 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
gcc -static -O2 -o "$work/syscall_bench" "$here/syscall_bench.c"
gcc -static -O2 -o "$work/probe" "$repo/integration-tests/src/test/resources/sandbox/probe.c"
head -c $((64 << 20)) /dev/urandom > "$work/input"

bundle() { # NAME KIND(none|default|sandbox) ARGS_JSON
  local b=$work/$1
  mkdir -p "$b"
  (cd "$b" && if [ "$2" = sandbox ]; then "$JRUN" spec --sandbox; else "$JRUN" spec; fi)
  python3 - "$b/config.json" "$work/base/rootfs" "/jrun-bench-sandbox/$1" "$3" "$2" "$work/agent.sock" <<'PY'
import json, sys
f, rootfs, cg, args, kind, sock = sys.argv[1:7]
c = json.load(open(f))
c["root"] = {"path": rootfs, "readonly": True}
c["process"]["args"] = json.loads(args)
c["process"]["terminal"] = False
c["linux"]["cgroupsPath"] = cg
if kind == "none":
    c["linux"].pop("seccomp", None)
if kind == "sandbox":
    c["linux"]["seccomp"]["listenerPath"] = sock
json.dump(c, open(f, "w"), indent=1)
PY
}
JRUN=$JRUN bash "$repo/packaging/busybox-bundle.sh" "$work/base" true >/dev/null
cp "$work/syscall_bench" "$work/probe" "$work/base/rootfs/bin/"
"$JRUN" --root "$work/root" sandbox-agent --socket "$work/agent.sock" --evidence-dir "$work/evidence" \
  --audit-log "$work/audit.log" 2>/dev/null &
agent_pid=$!
for i in $(seq 100); do [ -S "$work/agent.sock" ] && break; sleep 0.1; done

for kind in none default sandbox; do
  bundle "sys-$kind" "$kind" '["/bin/syscall_bench","'$ITERS'"]'
  bundle "probe-$kind" "$kind" '["/bin/probe","good"]'
done
stats() { sort -n | awk '{a[NR]=$1} END {printf "best %s, median %s", a[1], a[int((NR+1)/2)]}'; }
kinds="none default sandbox"
command -v runc >/dev/null && kinds="$kinds runc"
for i in $(seq "$RUNS"); do
  for kind in $kinds; do
    if [ "$kind" = runc ]; then
      runc --root "$work/runc-root" run --bundle "$work/sys-default" "r$i" >> "$work/sys-runc.out" </dev/null
    else
      "$JRUN" --root "$work/root" run --bundle "$work/sys-$kind" "s$kind" >> "$work/sys-$kind.out" </dev/null
    fi
  done
  for kind in default sandbox; do
    s=$(date +%s%N)
    "$JRUN" --root "$work/root" run --bundle "$work/probe-$kind" "p$kind" < "$work/input" > /dev/null
    echo $(( ($(date +%s%N) - s) / 1000000 )) >> "$work/probe-$kind.t"
  done
done
for kind in $kinds; do
  name=jrun; p=$kind
  [ "$kind" = runc ] && { name=runc; p=default; }
  echo "$name $p: getppid ns $(grep getppid "$work/sys-$kind.out" | awk '{print $2}' | stats);" \
    "clock_gettime ns $(grep clock_gettime "$work/sys-$kind.out" | awk '{print $2}' | stats)"
done
for kind in default sandbox; do
  echo "jrun $kind: checksum of 64 MiB of stdin, whole run ms: $(stats < "$work/probe-$kind.t")"
done
[ -s "$work/audit.log" ] && { echo "unexpected violations:"; cat "$work/audit.log"; exit 1; }
exit 0
