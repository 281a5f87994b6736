#!/bin/bash
# make demo: a busybox container that prints a line, run through the installed jrun.
set -euo pipefail
work=$(mktemp -d /tmp/jrun-demo.XXXXXX)
trap 'jrun delete --force jrun-demo >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
bash "$(dirname "$0")/busybox-bundle.sh" "$work/bundle" sh -c 'echo "hello from a jrun container: $(hostname), pid $$, $(uname -s)"'
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]; c = json.load(open(p))
c["linux"]["cgroupsPath"] = "/jrun-demo/jrun-demo"
json.dump(c, open(p, "w"), indent=2)
PY
echo "+ jrun --version"; jrun --version
echo "+ jrun run --bundle $work/bundle jrun-demo"
jrun run --bundle "$work/bundle" jrun-demo
rmdir /sys/fs/cgroup/*/jrun-demo 2>/dev/null || true
