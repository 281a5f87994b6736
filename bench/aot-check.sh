#!/bin/bash
# Is the AOT cache really used, and does the training (io.jrun.cli.Train) cover every command? Runs each
# command once through a copy of the launcher with -Xlog:class+load and counts the classes that came from the
# cache ("shared objects file") against those loaded from jars or the JDK image, and the hidden classes generated
# at run time (lambdas, LambdaForms, string concatenation: indy call sites the training did not link). The
# commands on a running container (ps, exec, update, events, pause, resume) run on `a` between start and kill.
# Prints a markdown table.
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
# exec --process: the container's own process with other args, as containerd's shim writes it
python3 - "$work/bundle/config.json" "$work/process.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["process"]
p["args"] = ["/bin/true"]
json.dump(p, open(sys.argv[2], "w"))
PY
echo '{"memory": {"limit": 67108864}, "pids": {"limit": 100}, "cpu": {"shares": 512}}' > "$work/resources.json"
# the launcher with class-load logging in place of -Xlog:disable; the log file is chosen per call
sed 's|-Xlog:disable|-Xlog:disable -Xlog:class+load=info:file=$JRUN_CLASSLOG|' "$JRUN" > "$work/jrun"
chmod +x "$work/jrun"
n=0
echo "| command | classes from the AOT cache | loaded from jars | from the JDK image | generated | not cached (first few) |"
echo "| --- | --- | --- | --- | --- | --- |"
check() {
  local log=$work/log.$((n++))
  JRUN_CLASSLOG=$log "$work/jrun" --root "$work/root" "$@" >/dev/null 2>&1 || true
  local cached jar jrt all others
  cached=$(grep -c 'source: shared objects file' "$log" || true)
  jar=$(grep -c 'source: file:' "$log" || true)
  jrt=$(grep -c 'source: jrt:' "$log" || true)
  all=$(grep -c 'source: ' "$log" || true)
  others=$(grep -v 'source: shared objects file' "$log" | grep -o '\] [^ ]* source' | awk '{print $2}' | head -4 | paste -sd' ' - || true)
  echo "| \`$*\` | $cached | $jar | $jrt | $((all - cached - jar - jrt)) | ${others:-none} |"
}
check --version
check spec --bundle "$work/spec"
check features
check list
check state no-such
check create --bundle "$work/bundle" a
check state a
check start a
check ps a
check ps --format json a
check exec a /bin/true
check exec -d a /bin/true
check exec --process "$work/process.json" --detach --pid-file "$work/exec.pid" a
check update --memory 64m --pids-limit 100 a
check update --resources "$work/resources.json" a
check update -r - a <"$work/resources.json"
check events --stats a
check pause a
check resume a
check kill a KILL
sleep 0.3
check delete a
check run -d --bundle "$work/bundle" b
check delete --force b
