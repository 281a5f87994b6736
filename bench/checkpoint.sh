#!/bin/bash
# Checkpoint/restore downtime of a container with MB (default 128) megabytes of touched memory, jrun beside runc,
# both driving the same criu (jrun's, LIBDIR/criu/criu; runc through its --criu flag). docs/checkpoint.md.
# Downtime = from the checkpoint call (criu freezes the container) to the restore call's return (running again),
# images on local disk. With PRE_DUMP=1 (and a kernel with soft-dirty tracking) a pre-dump round runs first
# and the final dump names it with --parent-path.
#   usage: JRUN=/usr/local/bin/jrun [RUNC=runc] [ROUNDS=3] [MB=128] bash bench/checkpoint.sh
set -euo pipefail
jrun=${JRUN:-/usr/local/bin/jrun}
runc=${RUNC:-runc}
rounds=${ROUNDS:-3}
mb=${MB:-128}
criu=${CRIU:-$(dirname "$(dirname "$jrun")")/lib/jrun/criu/criu}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/jrun-ckpt-bench.XXXXXX)
cg=/jrun-test/ckpt-bench$$
trap 'for r in jrun runc; do "$r" --root "$work/state-$r" delete -f c-$r >/dev/null 2>&1 || true; done;
      for d in /sys/fs/cgroup/*$cg /sys/fs/cgroup$cg; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done;
      rm -rf "$work"' EXIT

mkdir -p "$work/rootfs/bin" "$work/rootfs/proc" "$work/rootfs/sys" "$work/rootfs/dev" "$work/rootfs/tmp"
gcc -O2 -static -o "$work/rootfs/bin/memhog" "$here/checkpoint-memhog.c"
# runc's criu goes through the default network lock (iptables-restore, absent here): the same nftables lock
# jrun uses, through runc's criu configuration-file annotation.
echo "network-lock nftables" > "$work/criu-runc.conf"
bundle() { # NAME EXTRA_ANNOTATIONS
    mkdir -p "$work/$1"
    cat > "$work/$1/config.json" <<JSON
{"ociVersion": "1.0.2",
 "process": {"terminal": false, "user": {"uid": 0, "gid": 0}, "cwd": "/", "args": ["/bin/memhog", "$mb", "8"],
   "env": ["PATH=/bin"], "noNewPrivileges": true},
 "root": {"path": "$work/rootfs", "readonly": true},
 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]}],
 "annotations": {$2},
 "linux": {"cgroupsPath": "$cg/$1",
   "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "network"}]}}
JSON
}
bundle jrun ''
bundle runc "\"org.criu.config\": \"$work/criu-runc.conf\""

ms() { echo $(( ($2 - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

one() { # RUNTIME → "checkpoint_ms restore_ms downtime_ms image_MB"
    local rt=$1 bin root=$work/state-$1 img=$work/img-$1 pre=()
    bin=$([ "$rt" = jrun ] && echo "$jrun" || echo "$runc")
    rm -rf "$img" "$work/pre-$rt"
    "$bin" --root "$root" run -d --bundle "$work/$rt" "c-$rt" </dev/null >/dev/null 2>&1
    # until memhog has touched its memory (its stdout stays /dev/null: runc 1.1 cannot dump a stdout file)
    local pid
    pid=$("$bin" --root "$root" state "c-$rt" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
    for _ in $(seq 600); do
        [ "$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")" -ge $((mb * 1024)) ] && break
        sleep 0.1
    done
    if [ -n "${PRE_DUMP:-}" ]; then
        "$bin" --root "$root" --criu "$criu" checkpoint --pre-dump --image-path "$work/pre-$rt" "c-$rt"
        pre=(--parent-path "../pre-$rt")
    fi
    local t0 t1 t2
    t0=$(date +%s%N)
    "$bin" --root "$root" --criu "$criu" checkpoint "${pre[@]}" --image-path "$img" "c-$rt"
    t1=$(date +%s%N)
    "$bin" --root "$root" --criu "$criu" restore -d --bundle "$work/$rt" --image-path "$img" "c-$rt" \
        </dev/null >/dev/null 2>&1
    t2=$(date +%s%N)
    "$bin" --root "$root" state "c-$rt" | grep -q '"running"'
    "$bin" --root "$root" delete -f "c-$rt"
    echo "$(ms "$t0" "$t1") $(ms "$t1" "$t2") $(ms "$t0" "$t2") $(du -sm "$img" | cut -f1)"
}

printf '%-6s %14s %12s %13s %9s   (median of %d, %d MB touched%s)\n' runtime checkpoint_ms restore_ms \
    downtime_ms image_MB "$rounds" "$mb" "${PRE_DUMP:+, after a pre-dump round}"
for rt in jrun runc; do
    : > "$work/res-$rt"
    for _ in $(seq "$rounds"); do one "$rt" >> "$work/res-$rt"; done
    printf '%-6s %14s %12s %13s %9s\n' "$rt" "$(cut -d' ' -f1 "$work/res-$rt" | median)" \
        "$(cut -d' ' -f2 "$work/res-$rt" | median)" "$(cut -d' ' -f3 "$work/res-$rt" | median)" \
        "$(cut -d' ' -f4 "$work/res-$rt" | median)"
done
