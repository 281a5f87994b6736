#!/bin/bash
# Live migration of a TCP echo server container with its connection open (make migrate-demo; MigrationIT runs it).
#
# Two network namespaces joined by a veth pair stand for the network: the server's (169.254.77.1, link-local)
# and the client's (169.254.77.2). The server container joins the first by path; the client (migrate-client.py)
# runs in the second with one connection that sends a counter every 50 ms. Then:
#   checkpoint --tcp-established (criu locks the namespace's traffic, dumps the socket with TCP repair),
#   delete, copy the images to a second state root ("the other host"), restore there under a new id into the
#   namespace with the same address; criu unlocks the traffic. The client goes on without reconnecting; it checks
#   that no counter was lost and reports the longest echo gap, the downtime it saw.
#   usage: migrate-demo.sh [JRUN]        (default: the jrun on PATH)
set -euo pipefail
jrun=${1:-jrun}
here=$(cd "$(dirname "$0")" && pwd)
tag=mig$$
work=$(mktemp -d /tmp/jrun-migrate.XXXXXX)
ns_srv=$tag-srv ns_cli=$tag-cli
cgparent=/jrun-test/$tag
client=

cleanup() {
    set +e
    [ -n "$client" ] && kill "$client" 2>/dev/null && wait "$client" 2>/dev/null
    "$jrun" --root "$work/host-a" delete --force echo-a >/dev/null 2>&1
    "$jrun" --root "$work/host-b" delete --force echo-b >/dev/null 2>&1
    ip netns del "$ns_srv" 2>/dev/null
    ip netns del "$ns_cli" 2>/dev/null
    for d in /sys/fs/cgroup/*"$cgparent"; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done
    for d in /sys/fs/cgroup/*/jrun-test; do rmdir "$d" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$ns_srv"
ip netns add "$ns_cli"
ip link add "$tag-s" netns "$ns_srv" type veth peer name "$tag-c" netns "$ns_cli"
ip -n "$ns_srv" addr add 169.254.77.1/30 dev "$tag-s"
ip -n "$ns_cli" addr add 169.254.77.2/30 dev "$tag-c"
for ns in "$ns_srv" "$ns_cli"; do ip -n "$ns" link set lo up; done
ip -n "$ns_srv" link set "$tag-s" up
ip -n "$ns_cli" link set "$tag-c" up

# A busybox bundle per "host", each with its own copy of the rootfs, as two machines would have.
bundle() { # DIR CGROUP
    mkdir -p "$1/rootfs/bin" "$1/rootfs/proc" "$1/rootfs/sys" "$1/rootfs/dev" "$1/rootfs/tmp"
    cp "$(command -v busybox)" "$1/rootfs/bin/busybox"
    for a in sh nc cat sleep; do ln -sf busybox "$1/rootfs/bin/$a"; done
    cat > "$1/config.json" <<JSON
{
  "ociVersion": "1.2.0",
  "process": {"terminal": false, "user": {"uid": 0, "gid": 0}, "cwd": "/",
    "args": ["nc", "-l", "-p", "5000", "-e", "cat"],
    "env": ["PATH=/bin"],
    "capabilities": {"bounding": ["CAP_NET_BIND_SERVICE"], "effective": ["CAP_NET_BIND_SERVICE"],
                     "permitted": ["CAP_NET_BIND_SERVICE"]},
    "noNewPrivileges": true},
  "root": {"path": "rootfs", "readonly": true},
  "hostname": "echo",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]}
  ],
  "linux": {
    "cgroupsPath": "$2",
    "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"},
                   {"type": "network", "path": "/var/run/netns/$ns_srv"}]
  }
}
JSON
}
bundle "$work/bundle-a" "$cgparent/a"
bundle "$work/bundle-b" "$cgparent/b"

"$jrun" --root "$work/host-a" run -d --bundle "$work/bundle-a" echo-a </dev/null >/dev/null 2>&1
for i in $(seq 100); do ip netns exec "$ns_srv" cat /proc/net/tcp /proc/net/tcp6 | grep -q ':1388 [0-9A-F]*:0000 0A' && break; sleep 0.05; done
ip netns exec "$ns_cli" python3 "$here/migrate-client.py" 169.254.77.1 5000 "$work/stop" "$work/report" \
    "$work/ready" &
client=$!
# the connection must be established and carrying counters before the checkpoint
for i in $(seq 600); do [ -e "$work/ready" ] && break; sleep 0.05; done
[ -e "$work/ready" ] || { echo "the client did not get 10 echoes in 30 s" >&2; exit 1; }

t0=$(date +%s%N)
"$jrun" --root "$work/host-a" checkpoint --tcp-established --image-path "$work/images-a" echo-a
t1=$(date +%s%N)
cp -a "$work/images-a" "$work/images-b" # "the other host": its own copy of the images and its own state root
t2=$(date +%s%N)
"$jrun" --root "$work/host-b" restore --detach --tcp-established --bundle "$work/bundle-b" \
    --image-path "$work/images-b" echo-b </dev/null >/dev/null 2>&1
t3=$(date +%s%N)
"$jrun" --root "$work/host-b" state echo-b | grep '"status"'
sleep 1
touch "$work/stop"
rc=0
wait "$client" || rc=$?
client=
cat "$work/report"
echo "checkpoint $(( (t1 - t0) / 1000000 )) ms, copy $(( (t2 - t1) / 1000000 )) ms, restore $(( (t3 - t2) / 1000000 )) ms:" \
     "downtime (checkpoint start to restored) $(( (t3 - t0) / 1000000 )) ms"
exit $rc
