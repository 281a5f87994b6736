#!/bin/bash
# The resident engine (milestone 1) beside the one-JVM path and runc: start, state, kill and delete of a busybox
# container, the calls a shim makes on an existing container, interleaved per iteration (jvm, engine, door, runc in
# turn, so that load on the machine falls on all alike). "door" is the front door run directly, without the sh
# launcher in front, as it would be once it is /usr/local/bin/jrun. Create is untimed (the engine does not serve it).
#   JRUN=/usr/local/bin/jrun ITER=20 bash bench/engine-bench.sh
# Prints a markdown table of medians (and p90) in ms; the engine runs on a private socket and is stopped at the end.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
jrun=${JRUN:-/usr/local/bin/jrun}
iter=${ITER:-20}
door=$(dirname "$(readlink -f "$jrun")")/../lib/jrun/jrun-door
work=$(mktemp -d /tmp/jrun-engine-bench.XXXXXX)
mkdir -m 0700 "$work/engine"
export JRUN_ENGINE_SOCKET=$work/engine/e.sock JRUN_ENGINE_WAIT_MS=60000
cleanup() {
  for rt in jvm engine door; do for d in "$work/root-$rt"/*/; do [ -d "$d" ] && "$jrun" --root "$work/root-$rt" delete --force "$(basename "$d")" >/dev/null 2>&1 || true; done; done
  for d in "$work/root-runc"/*/; do [ -d "$d" ] && runc --root "$work/root-runc" delete --force "$(basename "$d")" >/dev/null 2>&1 || true; done
  pid=$(cat "$JRUN_ENGINE_SOCKET.pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
JRUN=$jrun bash "$repo/packaging/busybox-bundle.sh" "$work/bundle" sleep 1000 >/dev/null
JRUN_DAEMON=on "$jrun" --root "$work/root-engine" list >/dev/null # start the engine
gcc -O2 -Wall -o "$work/harness" "$repo/bench/harness.c"
# One call timed by bench/harness.c (fork, exec, wait4: no shell on the timed path): "wall-us cpu-us".
ms() { "$work/harness" -e /dev/null -- "$@" | awk '{print $1, $4}'; }
run_rt() { # RT OP ID: one timed call
  local rt=$1; shift
  case $rt in
    jvm) JRUN_DAEMON=off ms "$jrun" --root "$work/root-jvm" "$@" ;;
    engine) JRUN_DAEMON=on ms "$jrun" --root "$work/root-engine" "$@" ;;
    door) JRUN_DAEMON=on ms "$door" --root "$work/root-door" "$@" ;; # the front door without the sh launcher
    runc) ms runc --root "$work/root-runc" "$@" ;;
  esac
}
# The engine's own CPU time (utime + stime, clock ticks) over the run: the CPU column counts only the callers'.
engine_ticks() { awk '{print $14 + $15}' "/proc/$(cat "$JRUN_ENGINE_SOCKET.pid")/stat"; }
ticks0=$(engine_ticks)
for i in $(seq 1 "$iter"); do
  for rt in jvm engine door runc; do
    id=b$i
    if [ $rt = runc ]; then runc --root "$work/root-runc" create --bundle "$work/bundle" "$id" >/dev/null
    else JRUN_DAEMON=off "$jrun" --root "$work/root-$rt" create --bundle "$work/bundle" "$id" >/dev/null; fi
    echo "$rt start $(run_rt $rt start $id)"
    echo "$rt state $(run_rt $rt state $id)"
    echo "$rt kill $(run_rt $rt kill $id KILL)"
    sleep 0.05
    echo "$rt delete $(run_rt $rt delete --force $id)"
  done
done > "$work/samples"
echo "engine_cpu_ms $(( ($(engine_ticks) - ticks0) * 1000 / $(getconf CLK_TCK) ))" > "$work/engine-cpu"
python3 - "$work/samples" "$work/engine-cpu" <<'PY'
import sys, statistics
d, cpu = {}, {}
for line in open(sys.argv[1]):
    rt, op, us, cus = line.split()
    d.setdefault((rt, op), []).append(int(us) / 1000)
    cpu.setdefault((rt, op), []).append(int(cus) / 1000)
def p(v, q): v = sorted(v); return v[min(len(v) - 1, int(q * len(v)))]
print("| call | one JVM per call | engine (JRUN_DAEMON=on) | front door alone | runc | engine / runc | CPU ms: JVM / engine / runc |")
print("|---|---|---|---|---|---|---|")
for op in ["start", "state", "kill", "delete"]:
    cells = []
    for rt in ["jvm", "engine", "door", "runc"]:
        v = d[(rt, op)]; cells.append(f"{statistics.median(v):.1f} (p90 {p(v, .9):.1f})")
    ratio = statistics.median(d[("engine", op)]) / statistics.median(d[("runc", op)])
    c = " / ".join(f"{statistics.median(cpu[(rt, op)]):.1f}" for rt in ["jvm", "engine", "runc"])
    print(f"| {op} | " + " | ".join(cells) + f" | {ratio:.2f}x | {c} |")
print(f"\nwall ms, median (p90), over {len(d[('jvm', 'start')])} interleaved iterations; CPU: user + system of the"
      " call's processes (the engine's own CPU time is not in it)")
served = sum(len(v) for (rt, op), v in d.items() if rt in ("engine", "door"))
engine_ms = int(open(sys.argv[2]).read().split()[1])
print(f"engine JVM CPU: {engine_ms} ms over {served} served calls, {engine_ms / served:.1f} ms per call")
PY
