#!/bin/bash
# Builds an OCI bundle with a busybox-static rootfs: busybox-bundle.sh DIR [ARGS...]
# config.json is jrun's default spec (`jrun spec`) with terminal off and the given process args.
set -euo pipefail
dir=$1; shift
jrun=${JRUN:-/usr/local/bin/jrun}
bb=$(command -v busybox || echo /bin/busybox)
rm -rf "$dir" && mkdir -p "$dir/rootfs"/{bin,proc,sys,dev,tmp,etc,root}
cp "$bb" "$dir/rootfs/bin/busybox"
for app in $("$dir/rootfs/bin/busybox" --list); do
  [ "$app" = busybox ] || ln -sf busybox "$dir/rootfs/bin/$app"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$dir/rootfs/etc/passwd"
echo 'root:x:0:' > "$dir/rootfs/etc/group"
"$jrun" spec --bundle "$dir"
args_json=$(printf '%s\n' "${@:-sh}" | sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&"/' | paste -sd, -)
sed -i -e 's/"terminal": true/"terminal": false/' "$dir/config.json"
# replace the default args ["sh"] with the requested ones
python3 - "$dir/config.json" "[$args_json]" <<'PY'
import json, sys
p, args = sys.argv[1], json.loads(sys.argv[2])
c = json.load(open(p))
c["process"]["args"] = args
c["process"]["terminal"] = False
json.dump(c, open(p, "w"), indent=2)
PY
