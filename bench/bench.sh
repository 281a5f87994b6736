#!/bin/bash
# jrun beside runc (and crun where it can run), in one interleaved run; writes the measured part of
# docs/performance.md (between the BEGIN/END GENERATED markers; the rest of the file is written by hand).
#
#   JRUN=/usr/local/bin/jrun RUNC=runc CRUN=crun BENCH_RUNS=30 BENCH_OUT=docs/performance.md bash bench/bench.sh
#
# Every sample is one call timed by bench/harness.c (fork + exec + wait4 of the runtime itself: no shell on the
# timed path; peak RSS from ru_maxrss). In each iteration every runtime does every operation, and the order of
# the runtimes rotates from one iteration to the next, so load from other processes hits all of them alike.
# BENCH_RUNS=3 is the CI smoke: it checks the script end to end, and its numbers mean nothing.
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
JRUN=${JRUN:-/usr/local/bin/jrun}
RUNC=${RUNC:-runc}
CRUN=${CRUN:-crun}
# "jvm": jrun with JRUN_DAEMON=off, i.e. the one-JVM launcher the front door falls back to (LIBDIR/jrun-jvm)
JVM=${JVM:-$(dirname "$(readlink -f "$(command -v "$JRUN")")")/jrun-jvm}
RUNS=${BENCH_RUNS:-30}
OUT=${BENCH_OUT:-$repo/docs/performance.md}
SYSCALL_ITERS=${BENCH_SYSCALL_ITERS:-300000}
[ "$(id -u)" = 0 ] || { echo "bench: must run as root (it creates containers)" >&2; exit 1; }
command -v "$JRUN" >/dev/null || { echo "bench: no jrun at $JRUN (set JRUN=)" >&2; exit 1; }

work=$(mktemp -d /tmp/jrun-bench.XXXXXX)
tag=$(basename "$work" | tr -dc 'a-zA-Z0-9')
cgparent=/jrun-bench/$tag
cleanup() {
  for rt in jrun jvm runc crun; do
    for d in "$work/root-$rt"/*/; do
      [ -d "$d" ] || continue
      rtbin "$rt" --root "$work/root-$rt" delete --force "$(basename "$d")" >/dev/null 2>&1 || true
    done
  done
  # only our own cgroups: /jrun-bench/<tag> in every hierarchy, deepest first
  find /sys/fs/cgroup/ -depth -type d -path "*/jrun-bench/$tag*" -exec rmdir {} + 2>/dev/null || true
  rmdir /sys/fs/cgroup/*/jrun-bench /sys/fs/cgroup/jrun-bench 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

rtbin() {
  local rt=$1; shift
  case $rt in jrun) "$JRUN" "$@" ;; jvm) "$JVM" "$@" ;; runc) "$RUNC" "$@" ;; crun) "$CRUN" "$@" ;; esac
}
rtpath() {
  case $1 in jrun) command -v "$JRUN" ;; jvm) echo "$JVM" ;; runc) command -v "$RUNC" ;; crun) command -v "$CRUN" ;; esac
}

echo "bench: building the harness and the syscall benchmark in $work"
gcc -O2 -Wall -o "$work/harness" "$here/harness.c"
gcc -static -O2 -Wall -o "$work/syscall_bench" "$here/syscall_bench.c"
H=$work/harness

# One rootfs shared by every bundle (read-only root); config.json per runtime and per kind, each with its own
# cgroup under /jrun-bench/<tag>.
JRUN=$JRUN bash "$repo/packaging/busybox-bundle.sh" "$work/base" true >/dev/null
cp "$work/syscall_bench" "$work/base/rootfs/bin/syscall_bench"
# the config docker 24 sends to its runtime (bench/data): its linux.seccomp is docker's default profile
docker_spec=$repo/bench/data/docker-create-config-memory.json
mkbundle() { # NAME RT ARGS_JSON [seccomp]
  mkdir -p "$work/$1"
  python3 - "$work/base/config.json" "$work/$1/config.json" "$work/base/rootfs" "$cgparent/$1" "$3" "${4:-}" "$docker_spec" "$2" <<'PY'
import json, sys
src, dst, rootfs, cg, args, seccomp, docker, rt = sys.argv[1:9]
c = json.load(open(src))
if rt == "crun":
    c["ociVersion"] = "1.0.2"  # crun 1.8.1 rejects 1.2.0 ("unknown version specified") before anything else
c["root"] = {"path": rootfs, "readonly": True}
c["process"]["args"] = json.loads(args)
c["linux"]["cgroupsPath"] = cg
c["linux"].pop("seccomp", None)
if seccomp:
    c["linux"]["seccomp"] = json.load(open(docker))["linux"]["seccomp"]
json.dump(c, open(dst, "w"), indent=2)
PY
}
for rt in jrun jvm runc crun; do
  mkdir -p "$work/root-$rt"
  mkbundle "true-$rt" "$rt" '["/bin/true"]'
  mkbundle "sleep-$rt" "$rt" '["/bin/sleep","1000"]'
  mkbundle "sys-$rt" "$rt" "[\"/bin/syscall_bench\",\"$SYSCALL_ITERS\"]"
  mkbundle "sysseccomp-$rt" "$rt" "[\"/bin/syscall_bench\",\"$SYSCALL_ITERS\"]" seccomp
done

samples=$work/samples.tsv
: > "$samples"
# sample OP RT HARNESS-ARGS...: one timed sample, appended as "op rt wall_us rss_kb rc cpu_us"
sample() {
  local op=$1 rt=$2; shift 2
  local r
  r=$(timeout 120 "$H" -e "$work/stderr-$rt" "$@" || echo "0 0 124 0")
  echo "$op $rt $r" >> "$samples"
  set -- $r
  [ "$3" = 0 ] || { [[ $op = state-missing || $op = engine-cold ]] && [ "$3" = 1 ]; }
}
R() { echo "$work/root-$1"; }

# Which runtimes can run a container here (crun 1.8.1 refuses every one on a hybrid-cgroup host).
can_run=()
declare -A why_not
for rt in jrun jvm runc crun; do
  if rtbin "$rt" --root "$(R "$rt")" run --bundle "$work/true-$rt" "probe-$rt" >"$work/probe.out" 2>&1; then
    can_run+=("$rt")
  else
    why_not[$rt]=$(tail -1 "$work/probe.out" | cut -c1-160)
    rtbin "$rt" --root "$(R "$rt")" delete --force "probe-$rt" >/dev/null 2>&1 || true
    echo "bench: $rt cannot run a container here: ${why_not[$rt]}"
  fi
done
runs_ok() { [[ " ${can_run[*]} " == *" $1 "* ]]; }

# exec: skipped for a runtime whose `exec` is not there yet (jrun says "not implemented yet").
declare -A can_exec
for rt in "${can_run[@]}"; do
  rtbin "$rt" --root "$(R "$rt")" create --bundle "$work/sleep-$rt" --pid-file "$work/probe.pid" "probe-$rt" >/dev/null 2>&1 || continue
  rtbin "$rt" --root "$(R "$rt")" start "probe-$rt" >/dev/null 2>&1 || true
  if rtbin "$rt" --root "$(R "$rt")" exec "probe-$rt" /bin/true >"$work/probe.out" 2>&1; then can_exec[$rt]=1
  else why_not[exec-$rt]=$(tail -1 "$work/probe.out" | cut -c1-160); echo "bench: $rt exec skipped: ${why_not[exec-$rt]}"; fi
  rtbin "$rt" --root "$(R "$rt")" delete --force "probe-$rt" >/dev/null 2>&1 || true
done

# The resident engine's first call: no engine running, the front door starts one and waits for it (up to 10 s
# here, so that the sample is the engine's and not the fallback's). A few samples, before the main loop.
for ((i = 0; i < (RUNS < 5 ? RUNS : 5); i++)); do
  "$JVM" daemon --stop >/dev/null 2>&1 || true
  JRUN_ENGINE_WAIT_MS=10000 sample engine-cold jrun -- "$(rtpath jrun)" --root "$(R jrun)" state no-such-container || true
done

loads=()
echo "bench: $RUNS iterations (runtimes: jrun jvm runc crun; containers: ${can_run[*]})"
rts=(jrun jvm runc crun)
for ((i = 0; i < RUNS; i++)); do
  loads+=("$(cut -d' ' -f1 /proc/loadavg)")
  # rotate the order of the runtimes every iteration
  order=("${rts[@]:i%4}" "${rts[@]:0:i%4}")
  for rt in "${order[@]}"; do
    r=$(R "$rt")
    sample version "$rt" -- "$(rtpath "$rt")" --version || true
    sample state-missing "$rt" -- "$(rtpath "$rt")" --root "$r" state no-such-container || true
    runs_ok "$rt" || { sample list "$rt" -- "$(rtpath "$rt")" --root "$r" list || true; continue; }
    id=c$i
    # full lifecycle as a shim drives it: create, start, wait for the init (reparented to the subreaper
    # harness), delete
    sample lifecycle "$rt" -s -- "$(rtpath "$rt")" --root "$r" create --bundle "$work/true-$rt" --pid-file "$work/$rt.pid" "L$id" \
      --- "$(rtpath "$rt")" --root "$r" start "L$id" --- @wait "$work/$rt.pid" --- "$(rtpath "$rt")" --root "$r" delete "L$id" \
      || rtbin "$rt" --root "$r" delete --force "L$id" >/dev/null 2>&1 || true
    sample run "$rt" -- "$(rtpath "$rt")" --root "$r" run --bundle "$work/true-$rt" "R$id" \
      || rtbin "$rt" --root "$r" delete --force "R$id" >/dev/null 2>&1 || true
    # each command alone, on a `sleep 1000` container
    if sample create "$rt" -- "$(rtpath "$rt")" --root "$r" create --bundle "$work/sleep-$rt" --pid-file "$work/$rt.pid" "S$id"; then
      sample state "$rt" -- "$(rtpath "$rt")" --root "$r" state "S$id" || true
      sample start "$rt" -- "$(rtpath "$rt")" --root "$r" start "S$id" || true
      sample list "$rt" -- "$(rtpath "$rt")" --root "$r" list || true
      [ -n "${can_exec[$rt]:-}" ] && { sample exec "$rt" -- "$(rtpath "$rt")" --root "$r" exec "S$id" /bin/true || true; }
      sample kill "$rt" -- "$(rtpath "$rt")" --root "$r" kill "S$id" KILL || true
      "$H" -- @wait "$work/$rt.pid" >/dev/null   # until the init is gone or a zombie: "stopped"
      sample delete "$rt" -- "$(rtpath "$rt")" --root "$r" delete "S$id" || true
    fi
    rtbin "$rt" --root "$r" delete --force "S$id" >/dev/null 2>&1 || true
  done
  printf '.'
done
echo

# Seccomp: ns per syscall inside containers, with the docker default-style profile and without any.
seccomp_rows=$work/seccomp.tsv
: > "$seccomp_rows"
declare -A seccomp_pending
for rt in "${can_run[@]}"; do
  # to a file, not $(...): the created init would hold the substitution's pipe open until it is deleted
  if ! rtbin "$rt" --root "$(R "$rt")" create --bundle "$work/sysseccomp-$rt" "probe-sec-$rt" >"$work/probe.out" 2>&1; then
    seccomp_pending[$rt]=$(tail -1 "$work/probe.out" | cut -c1-160)
    echo "bench: $rt with linux.seccomp: pending (${seccomp_pending[$rt]})"
  fi
  rtbin "$rt" --root "$(R "$rt")" delete --force "probe-sec-$rt" >/dev/null 2>&1 || true
done
for ((i = 0; i < (RUNS < 5 ? RUNS : 5); i++)); do
  for rt in "${can_run[@]}"; do
    for kind in sys sysseccomp; do
      [ "$kind" = sysseccomp ] && [ -n "${seccomp_pending[$rt]:-}" ] && continue
      if rtbin "$rt" --root "$(R "$rt")" run --bundle "$work/$kind-$rt" "K$i" > "$work/out" 2>>"$work/stderr-$rt"; then
        awk -v rt="$rt" -v k="$kind" '{print rt, k, $1, $2}' "$work/out" >> "$seccomp_rows"
      else
        rtbin "$rt" --root "$(R "$rt")" delete --force "K$i" >/dev/null 2>&1 || true
      fi
    done
  done
done
loads+=("$(cut -d' ' -f1 /proc/loadavg)")

# The engine after the run: its resident memory, threads and open fds (its pid from SOCKET.pid).
engine_stats="none running"
for f in /run/jrun-engine/*.sock.pid; do
  pid=$(cat "$f" 2>/dev/null || true)
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || continue
  engine_stats="RSS $(awk '/^VmRSS/ {printf "%.1f MB", $2/1024}' "/proc/$pid/status"), $(awk '/^Threads/ {print $2}' "/proc/$pid/status") threads, $(ls "/proc/$pid/fd" | wc -l) fds"
done

# Machine and versions, then the report.
ver() { rtbin "$1" --version 2>/dev/null | head -1 || echo "not installed"; }
python3 - "$samples" "$seccomp_rows" "$OUT" "$RUNS" "$(nproc)" "$(uname -r)" \
  "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" "${loads[*]}" \
  "$(ver jrun)" "$(ver runc)" "$(ver crun)" "$(java_v=$(sed -n 's/^exec \([^ ]*java\) .*/\1/p' "$JVM"); "${java_v:-java}" -version 2>&1 | head -1)" \
  "$(for k in "${!why_not[@]}"; do echo "$k=${why_not[$k]}"; done)" \
  "$(for k in "${!seccomp_pending[@]}"; do echo "$k=${seccomp_pending[$k]}"; done)" \
  "$(date -u +%Y-%m-%dT%H:%MZ)" "$engine_stats" <<'PY'
import sys, statistics, collections, re, os
(samples, secfile, out, runs, nproc, kernel, cpumodel, loads, vj, vr, vc, vjava, whynot, secpending, when, engine) = sys.argv[1:17]
data = collections.defaultdict(list); fails = collections.Counter()
for line in open(samples):
    op, rt, wall, rss, rc, cpu = line.split()
    # `state` of a missing container is an error by design: exit status 1 is its success
    if rc == "0" or (op in ("state-missing", "engine-cold") and rc == "1"):
        data[(op, rt)].append((int(wall) / 1000.0, int(rss) / 1024.0, int(cpu) / 1000.0))
    else:
        fails[(op, rt)] += 1
def pct(xs, p):
    xs = sorted(xs); k = (len(xs) - 1) * p; f = int(k); c = min(f + 1, len(xs) - 1)
    return xs[f] + (xs[c] - xs[f]) * (k - f)
def stats(op, rt):
    v = data.get((op, rt))
    if not v: return None
    w = [x[0] for x in v]; m = [x[1] for x in v]
    return dict(med=statistics.median(w), p10=pct(w, .1), p90=pct(w, .9), rss=max(m), n=len(v),
                cpu=statistics.median([x[2] for x in v]))
whynot = dict(l.split("=", 1) for l in whynot.splitlines() if "=" in l)
secpending = dict(l.split("=", 1) for l in secpending.splitlines() if "=" in l)
ops = [("version", "`--version`"), ("state-missing", "`state` (no such container)"), ("list", "`list`"),
       ("lifecycle", "lifecycle: create + start + wait + delete (`/bin/true`)"), ("run", "`run` (`/bin/true`)"),
       ("create", "`create`"), ("start", "`start`"), ("state", "`state` (created container)"),
       ("exec", "`exec` (`/bin/true` into a running container)"), ("kill", "`kill` KILL"), ("delete", "`delete` (stopped)")]
def cell(s):
    return "—" if s is None else "%.1f (%.1f–%.1f)" % (s["med"], s["p10"], s["p90"])
L = []
L.append("Generated by `make bench` (`bench/bench.sh`) on %s: %s iterations, the runtimes interleaved (their order rotates "
         "every iteration), each sample one call timed by `bench/harness.c` (fork/exec/wait4; no shell on the timed path)." % (when, runs))
ls = [float(x) for x in loads.split()]
L.append("")
L.append("Machine: %s cores, %s, kernel %s; load average (1 min) during the run: min %.2f, median %.2f, max %.2f%s." % (
    nproc, cpumodel, kernel, min(ls), statistics.median(ls), max(ls),
    " — **a loaded machine** (more runnable work than cores: other builds and tests were running), so absolute numbers are noisy; the ratios, "
    "taken in the same interleaved run, are the figures to read" if statistics.median(ls) > int(nproc) else
    " (the benchmark's own calls make most of that load)"))
L.append("")
L.append("Versions: jrun `%s` (%s), runc `%s`, crun `%s`." % (vj, vjava, vr, vc))
for k, v in sorted(whynot.items()):
    L.append("")
    L.append("- %s: `%s`" % ("`%s exec` skipped" % k[5:] if k.startswith("exec-") else "%s runs no container here" % k, v))
L.append("")
L.append("Wall time in ms, median (p10–p90), over the successful samples; CPU ms is the median user + system time of the call "
         "(less disturbed by load than wall time); peak RSS in MB is the largest of any sample (ru_maxrss of the call; for the "
         "lifecycle the largest of its calls). Ratio = jrun median / runc median.")
L.append("")
L.append("jrun is the installed command: the front door and the resident engine (the default); \"off\" is jrun with "
         "`JRUN_DAEMON=off`, one JVM per call (the front door's fallback, `LIBDIR/jrun-jvm` timed directly). CPU and RSS "
         "of jrun are the front door's alone: the engine's work happens in its own process (its RSS is below the table).")
L.append("")
L.append("| operation | jrun ms | off ms | runc ms | crun ms | jrun/runc | off/runc | jrun MB | off MB | runc MB | RSS jrun/runc | CPU ms jrun / off / runc |")
L.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
ratio = lambda a, b, k: "%.2f×" % (a[k] / b[k]) if a and b else "—"
mb = lambda s: "—" if s is None else "%.1f" % s["rss"]
for op, name in ops:
    j, o, r, c = stats(op, "jrun"), stats(op, "jvm"), stats(op, "runc"), stats(op, "crun")
    if not (j or r or c): continue
    cpu = " / ".join("—" if x is None else "%.1f" % x["cpu"] for x in (j, o, r))
    L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (name, cell(j), cell(o), cell(r), cell(c),
             ratio(j, r, "med"), ratio(o, r, "med"), mb(j), mb(o), mb(r), ratio(j, r, "rss"), cpu))
cold = stats("engine-cold", "jrun")
L.append("")
L.append("The engine's first call (no engine running: the front door starts it and waits for it; `state` of a missing "
         "container): %s ms, median (p10–p90) of %d. The engine after the run: %s." % (cell(cold), cold["n"] if cold else 0, engine))
if fails:
    L.append("")
    L.append("Failed samples (not in the table): " + ", ".join("%s %s ×%d" % (rt, op, n) for (op, rt), n in sorted(fails.items())))
# Goals of the resident engine's issue, medians as ratio to runc in this run ("off": JRUN_DAEMON=off).
budgets = [("state", 0.5), ("start", 0.5), ("kill", 0.5), ("delete", 1.0), ("create", 1.0), ("run", 1.0), ("exec", 1.0),
           ("lifecycle", 1.0)]
L.append("")
L.append("### Budget check")
L.append("")
L.append("| budget | limit | measured | |")
L.append("| --- | --- | --- | --- |")
for op, lim in budgets:
    j, r = stats(op, "jrun"), stats(op, "runc")
    if j and r:
        x = j["med"] / r["med"]
        L.append("| %s median ≤ %.1f× runc | %.1f× | %.2f× | %s |" % (op, lim, lim, x, "ok" if x <= lim else "**over**"))
    else:
        L.append("| %s median ≤ %.1f× runc | %.1f× | not measured | |" % (op, lim, lim))
worst = None
for op, _ in ops:
    j, r = stats(op, "jrun"), stats(op, "runc")
    if j and r:
        x = j["rss"] / r["rss"]; worst = x if worst is None or x > worst else worst
if worst is not None:
    L.append("| peak RSS ≤ 1× runc (worst operation, front door) | 1.0× | %.2f× | %s |" % (worst, "ok" if worst <= 1 else "**over**"))
o, r = stats("lifecycle", "jvm"), stats("lifecycle", "runc")
if o and r:
    x = o["med"] / r["med"]
    L.append("| lifecycle with JRUN_DAEMON=off ≤ 3.0× runc | 3.0× | %.2f× | %s |" % (x, "ok" if x <= 3 else "**over**"))
# Seccomp
sec = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(secfile):
    rt, kind, call, ns = line.split(); sec[(rt, kind)][call].append(float(ns))
L.append("")
L.append("### Seccomp: cost per system call")
L.append("")
L.append("`bench/syscall_bench.c` (static) in a busybox container: ns per `syscall(SYS_getppid)` and "
         "`syscall(SYS_clock_gettime)` (not the vDSO), best of 5 rounds inside each run, median over runs; the profile "
         "is the `linux.seccomp` of the docker client spec (`docker-create-config-memory.json`, default action ERRNO).")
L.append("")
L.append("| runtime | profile | getppid ns | clock_gettime ns | runs |")
L.append("| --- | --- | --- | --- | --- |")
for rt in ("jrun", "runc", "crun"):
    for kind, label in (("sys", "none"), ("sysseccomp", "docker default")):
        d = sec.get((rt, kind))
        if d:
            L.append("| %s | %s | %.1f | %.1f | %d |" % (rt, label, statistics.median(d["getppid"]),
                     statistics.median(d["clock_gettime"]), len(d["getppid"])))
        elif kind == "sysseccomp" and rt in secpending:
            L.append("| %s | %s | pending | pending | `%s` |" % (rt, label, secpending[rt].replace("|", "/")))
body = "\n".join(L) + "\n"
begin, end = "<!-- BEGIN GENERATED by bench/bench.sh -->", "<!-- END GENERATED -->"
text = open(out).read() if os.path.exists(out) else "# Performance\n\n%s\n%s\n" % (begin, end)
if begin not in text: text += "\n%s\n%s\n" % (begin, end)
pre, rest = text.split(begin, 1); post = rest.split(end, 1)[1] if end in rest else "\n"
open(out, "w").write(pre + begin + "\n" + body + end + post)
print(body)
PY
echo "bench: wrote $OUT"
