#!/bin/bash
# Is the AOT cache really used, and does the training (io.jrun.cli.Train) cover every command? Runs each
# command once through a copy of the launcher with -Xlog:class+load and counts the classes that came from the
# cache ("shared objects file") against those loaded from jars or the JDK image. Prints a markdown table.
#   JRUN=/usr/local/bin/jrun bash bench/aot-check.sh
set -euo pipefail
JRUN=${JRUN:-/usr/local/bin/jrun}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/jrun-aotcheck.XXXXXX)
trap 'for c in a b; do "$JRUN" --root "$work/root" delete --force "$c" >/dev/null 2>&1 || true; done
      find /sys/fs/cgroup/ -depth -type d -path "*/jrun-bench/aotcheck-*" -exec rmdir {} + 2>/dev/null || true
      rm -rf "$work"' EXIT
JRUN=$JRUN bash "$here/../packaging/busybox-bundle.sh" "$work/bundle" /bin/sleep 100 >/dev/null
sed -i "s|\"linux\": {|\"linux\": {\"cgroupsPath\": \"/jrun-bench/aotcheck-$$\",|" "$work/bundle/config.json"
mkdir -p "$work/root"
# the launcher with class-load logging in place of -Xlog:disable; the log file is chosen per call
sed 's|-Xlog:disable|-Xlog:disable -Xlog:class+load=info:file=$JRUN_CLASSLOG|' "$JRUN" > "$work/jrun"
chmod +x "$work/jrun"
n=0
echo "| command | classes from the AOT cache | loaded from jars | from the JDK image | not cached (first few) |"
echo "| --- | --- | --- | --- | --- |"
check() {
  local log=$work/log.$((n++))
  JRUN_CLASSLOG=$log "$work/jrun" --root "$work/root" "$@" >/dev/null 2>&1 || true
  local cached jar jrt others
  cached=$(grep -c 'source: shared objects file' "$log" || true)
  jar=$(grep -c 'source: file:' "$log" || true)
  jrt=$(grep -c 'source: jrt:' "$log" || true)
  others=$(grep -v 'source: shared objects file' "$log" | grep -o '\] [^ ]* source' | awk '{print $2}' | head -4 | paste -sd' ' -)
  echo "| \`$*\` | $cached | $jar | $jrt | ${others:-none} |"
}
check --version
check spec --bundle "$work/spec"
check features
check list
check state no-such
check create --bundle "$work/bundle" a
check state a
check start a
check kill a KILL
sleep 0.3
check delete a
check run -d --bundle "$work/bundle" b
check delete --force b
