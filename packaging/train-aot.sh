#!/bin/bash
# Builds the AOT cache ($LIBDIR/jrun.aot) from a training run over real commands on a busybox bundle.
set -euo pipefail
: "${JAVA:?}" "${LIBDIR:?}" "${BINDIR:?}"
work=$(mktemp -d /tmp/jrun-aot.XXXXXX)
trap 'rm -rf "$work"; rmdir /sys/fs/cgroup/*/jrun-aot/train-* /sys/fs/cgroup/*/jrun-aot 2>/dev/null || true' EXIT
rm -f "$LIBDIR/jrun.aot"
JRUN="$BINDIR/jrun" bash "$(dirname "$0")/busybox-bundle.sh" "$work/bundle" true
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]; c = json.load(open(p))
c["linux"]["cgroupsPath"] = "/jrun-aot/train-%d" % __import__("os").getpid()
json.dump(c, open(p, "w"), indent=2)
PY
mkdir -p "$work/root"
cp=$(sed -n 's/.* -cp \([^ ]*\) .*/\1/p' "$BINDIR/jrun")
# Same flags as the launcher (its jvm_flags line): the cache is only used when they match. No method profiles
# are recorded (-AOTRecordTraining): jrun runs interpreted (-Xint), which does not use them; a 3% smaller cache.
flags=$(sed -n 's/^jvm_flags="\(.*\)"$/\1/p' "$BINDIR/jrun")
# shellcheck disable=SC2086 # the flags are words
"$JAVA" $flags -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining \
  -XX:AOTCacheOutput="$LIBDIR/jrun.aot" -Xlog:aot=off -Xlog:cds=off -Xlog:disable \
  -Djrun.native.dir="$LIBDIR" -cp "$cp" io.jrun.cli.Train "$work/bundle" "$work/root" </dev/null >/dev/null 2>&1 || true
"$BINDIR/jrun" --root "$work/root" delete --force train >/dev/null 2>&1 || true
"$BINDIR/jrun" --root "$work/root" delete --force train2 >/dev/null 2>&1 || true
if [ -f "$LIBDIR/jrun.aot" ]; then echo "AOT cache: $LIBDIR/jrun.aot ($(du -h "$LIBDIR/jrun.aot" | cut -f1))"; else echo "AOT cache: training produced none (jrun still works, slower)"; fi
