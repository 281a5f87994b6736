#!/bin/bash
# Builds the AOT caches ($LIBDIR/jrun.aot, jrun-launch.aot, jrun-control.aot, jrun-short.aot) from training runs over real commands
# on a busybox bundle (io.jrun.cli.Train says which calls each one covers).
set -euo pipefail
: "${JAVA:?}" "${LIBDIR:?}"
# The one-JVM launcher itself, not the front door: training runs must not reach a resident engine.
jrun_jvm=$LIBDIR/jrun-jvm
work=$(mktemp -d /tmp/jrun-aot.XXXXXX)
cleanup() {
  # Train deletes its containers itself; one left (the training killed or failed) is deleted here, with its
  # processes, before its cgroups go (a jrun call only for a container whose state dir is still there)
  for r in root root3; do
    for c in train train2 train3 train4; do
      [ -d "$work/$r/$c" ] && "$jrun_jvm" --root "$work/$r" delete --force "$c" >/dev/null 2>&1 || true
    done
  done
  for c in tcreated thooks trunning; do
    [ -d "$work/root2/$c" ] && "$jrun_jvm" --root "$work/root2" delete --force "$c" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
  rmdir /sys/fs/cgroup/*/jrun-aot/train-* /sys/fs/cgroup/*/jrun-aot 2>/dev/null || true
}
trap cleanup EXIT
rm -f "$LIBDIR"/jrun*.aot
JRUN="$jrun_jvm" bash "$(dirname "$0")/busybox-bundle.sh" "$work/bundle" true
# bundle/: `true`; sleep/: the same rootfs running `sleep 30` for ps/exec/update/events/pause/resume, with the
# process.json of `exec --process` and the resources.json of `update`; hooks/: `true` with poststart and
# poststop hooks (for the short cache's start and delete)
mkdir -p "$work/sleep" "$work/hooks"
python3 - "$work/bundle" "$work/sleep" "$work/hooks" <<'PY'
import json, os, sys
bundle, sleep, hooks = sys.argv[1:4]
c = json.load(open(bundle + "/config.json"))
c["linux"]["cgroupsPath"] = "/jrun-aot/train-%d" % os.getpid()
json.dump(c, open(bundle + "/config.json", "w"), indent=2)
c["root"]["path"] = bundle + "/rootfs"
c["process"]["args"] = ["sleep", "30"]
c["linux"]["cgroupsPath"] = "/jrun-aot/train-%d-sleep" % os.getpid()
json.dump(c, open(sleep + "/config.json", "w"), indent=2)
p = dict(c["process"], args=["/bin/true"])
json.dump(p, open(sleep + "/process.json", "w"), indent=2)
json.dump({"memory": {"limit": 67108864}, "pids": {"limit": 100}, "cpu": {"shares": 512}},
          open(sleep + "/resources.json", "w"))
c["process"]["args"] = ["true"]
c["linux"]["cgroupsPath"] = "/jrun-aot/train-%d-hooks" % os.getpid()
c["hooks"] = {"poststart": [{"path": "/bin/true"}], "poststop": [{"path": "/bin/true"}]}
json.dump(c, open(hooks + "/config.json", "w"), indent=2)
PY
mkdir -p "$work/root"
cp=$(sed -n 's/.* -cp \([^ ]*\) .*/\1/p' "$jrun_jvm")
# Same flags as the launcher (its jvm_flags line): the cache is only used when they match. No method profiles
# are recorded (-AOTRecordTraining): jrun runs interpreted (-Xint), which does not use them; a 3% smaller cache.
flags=$(sed -n 's/^jvm_flags="\(.*\)"$/\1/p' "$jrun_jvm")
# train CACHE TRAIN-ARGS...: one training run of io.jrun.cli.Train recording $LIBDIR/CACHE
train() {
  local cache=$1
  shift
  # shellcheck disable=SC2086 # the flags are words
  "$JAVA" $flags -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining \
    -XX:AOTCacheOutput="$LIBDIR/$cache" -Xlog:aot=off -Xlog:cds=off -Xlog:disable \
    -Djrun.native.dir="$LIBDIR" -cp "$cp" io.jrun.cli.Train "$@" </dev/null >/dev/null 2>&1 || true
}
train jrun.aot "$work/bundle" "$work/root" "$work/sleep"
if [ -f "$LIBDIR/jrun.aot" ]; then echo "AOT cache: $LIBDIR/jrun.aot ($(du -h "$LIBDIR/jrun.aot" | cut -f1))"; else echo "AOT cache: training produced none (jrun still works, slower)"; fi
# The launch cache (Train --launch): create, run and exec only, with their own containers.
mkdir -p "$work/root3"
train jrun-launch.aot --launch "$work/bundle" "$work/root3" "$work/sleep"
if [ -f "$LIBDIR/jrun-launch.aot" ]; then echo "AOT cache: $LIBDIR/jrun-launch.aot ($(du -h "$LIBDIR/jrun-launch.aot" | cut -f1))"; fi
# The short cache (Train --short): its containers are made by the installed jrun, on the cache just built.
r2=$work/root2
"$jrun_jvm" --root "$r2" create --bundle "$work/bundle" tcreated </dev/null >/dev/null 2>&1 || true
"$jrun_jvm" --root "$r2" create --bundle "$work/hooks" thooks </dev/null >/dev/null 2>&1 || true
"$jrun_jvm" --root "$r2" create --bundle "$work/sleep" trunning </dev/null >/dev/null 2>&1 || true
"$jrun_jvm" --root "$r2" start trunning </dev/null >/dev/null 2>&1 || true
# The control cache (Train --control) first: the short training ends with killing and deleting trunning.
train jrun-control.aot --control "$r2" "$work/sleep"
if [ -f "$LIBDIR/jrun-control.aot" ]; then echo "AOT cache: $LIBDIR/jrun-control.aot ($(du -h "$LIBDIR/jrun-control.aot" | cut -f1))"; fi
train jrun-short.aot --short "$r2"
if [ -f "$LIBDIR/jrun-short.aot" ]; then echo "AOT cache: $LIBDIR/jrun-short.aot ($(du -h "$LIBDIR/jrun-short.aot" | cut -f1))"; fi
