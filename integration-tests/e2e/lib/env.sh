# Private client daemons for the end-to-end suite: containerd 1.6 (driven by ctr), dockerd 20.10 (with its own
# managed containerd) and podman 4.3. Everything lives under $E2E_ROOT; nothing touches the default
# /run/containerd, /var/lib/docker or /var/lib/containers, no bridge is created and only cgroupfs drivers are used.
# Sourced by run.sh; expects RT (the runtime under test, absolute path) and E2E_ROOT.

# Names follow E2E_ROOT's last component (jrun-e2e by default), so that two suites with different roots share
# neither a ctr namespace nor a cgroup.
E2E_TAG=$(basename "$E2E_ROOT")
E2E_NS=$E2E_TAG                        # ctr namespace, hence ctr's cgroups are /jrun-e2e/<id>
DOCKER_CGROUP_PARENT=/$E2E_TAG-docker
PODMAN_CGROUP_PARENT=/$E2E_TAG-podman
IMAGE=localhost/e2e-busybox:latest

log() { echo "# $*" >&2; }

# The packages the clients come from; installed on first use like `make deps` does.
ensure_packages() {
  local missing="" p
  for p in containerd podman docker.io busybox-static util-linux; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    log "installing:$missing"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  fi
}

# A docker-archive tarball (manifest.json + config + one layer) holding busybox-static with its applets as
# symlinks and a `nobody` user: `docker load`, `podman load` and `ctr images import` all read this format, so
# one file serves the three clients and no registry is needed.
build_image() {
  local d=$E2E_ROOT/image
  rm -rf "$d" && mkdir -p "$d/rootfs"/{bin,etc,tmp,proc,sys,dev,root,home,run} "$d/archive"
  cp "$(command -v busybox)" "$d/rootfs/bin/busybox"
  local app
  for app in $("$d/rootfs/bin/busybox" --list); do
    [ "$app" = busybox ] || ln -sf busybox "$d/rootfs/bin/$app"
  done
  chmod 1777 "$d/rootfs/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > "$d/rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$d/rootfs/etc/group"
  tar --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$d/rootfs" -cf "$d/layer.tar" .
  local diff cfg cfgid
  diff=$(sha256sum "$d/layer.tar" | cut -d' ' -f1)
  mkdir -p "$d/archive/$diff" && mv "$d/layer.tar" "$d/archive/$diff/layer.tar"
  cfg='{"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z",'
  cfg+='"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},'
  cfg+='"rootfs":{"type":"layers","diff_ids":["sha256:'$diff'"]},'
  cfg+='"history":[{"created":"2024-01-01T00:00:00Z","created_by":"jrun e2e: busybox-static"}]}'
  printf '%s' "$cfg" > "$d/config.json"
  cfgid=$(sha256sum "$d/config.json" | cut -d' ' -f1)
  mv "$d/config.json" "$d/archive/$cfgid.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$cfgid" "$IMAGE" "$diff" \
    > "$d/archive/manifest.json"
  tar -C "$d/archive" -cf "$E2E_ROOT/busybox.tar" .
  rm -rf "$d"
}

# Waits up to $2 seconds for command "$1" to succeed.
wait_for() {
  local i
  for ((i = 0; i < ${2:-30} * 5; i++)); do
    eval "$1" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

# ---------------------------------------------------------------- containerd + ctr
CTR_SOCK() { echo "$E2E_ROOT/containerd/c.sock"; }

start_containerd() {
  local d=$E2E_ROOT/containerd
  mkdir -p "$d"
  # The CRI plugin is off (no kubelet here); ctr passes the runtime through --runc-binary, which the runc v2
  # shim receives as its BinaryName option. docs/integration.md shows the CRI form of the same option.
  cat > "$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$d/c.sock"
[ttrpc]
  address = "$d/c.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"
EOF
  # the shim runs the runtime with the daemon's PATH: runc (the reference) takes criu from it
  criu_for_rt 2>/dev/null
  PATH=$E2E_ROOT/criu-path:$PATH containerd --config "$d/config.toml" > "$d/containerd.log" 2>&1 &
  echo $! > "$d/pid"
  wait_for "ctr --address $d/c.sock version" 30 || { tail -20 "$d/containerd.log" >&2; return 1; }
  ctr_ images import "$E2E_ROOT/busybox.tar" >/dev/null
}

# ctr against the private daemon, in the suite's namespace; every call bounded so a hang fails one scenario.
ctr_() { timeout --foreground "${CALL_TIMEOUT:-90}" ctr --address "$(CTR_SOCK)" -n "$E2E_NS" "$@"; }
# ctr run with the runtime under test and a private runtime root (ctr's default root is the global
# /run/containerd/runc/<ns>).
ctr_run() { ctr_ run --runc-binary "$RT" --runc-root "$E2E_ROOT/ctr-runtime-root" "$@"; }

cleanup_ctr() {
  local t
  for t in $(ctr_ tasks ls -q 2>/dev/null); do
    ctr_ tasks kill -a -s SIGKILL "$t" >/dev/null 2>&1
    ctr_ tasks delete -f "$t" >/dev/null 2>&1
  done
  for t in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers rm "$t" >/dev/null 2>&1; done
}

# ---------------------------------------------------------------- dockerd
start_docker() {
  local d=$E2E_ROOT/docker
  mkdir -p "$d/cli"
  # The runtime is registered under the name "e2e" whatever binary is under test (dockerd reserves "runc").
  # experimental: docker 20.10's `checkpoint create` and `start --checkpoint` exist only in that mode.
  printf '{"experimental":true,"runtimes":{"e2e":{"path":"%s"}}}\n' "$RT" > "$d/daemon.json"
  # dockerd's own containerd, and so the shim, inherit this PATH: runc (the reference) takes criu from it
  criu_for_rt 2>/dev/null
  PATH=$E2E_ROOT/criu-path:$PATH dockerd --config-file "$d/daemon.json" --data-root "$d/data" --exec-root "$d/exec" --pidfile "$d/docker.pid" \
    -H "unix://$d/docker.sock" --bridge=none --iptables=false --ip-masq=false --userland-proxy=false \
    --exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "$DOCKER_CGROUP_PARENT" \
    --storage-driver overlay2 > "$d/dockerd.log" 2>&1 &
  echo $! > "$d/pid"
  wait_for "docker_ version" 60 || { tail -20 "$d/dockerd.log" >&2; return 1; }
  docker_ load -i "$E2E_ROOT/busybox.tar" >/dev/null
}

docker_() {
  DOCKER_HOST="unix://$E2E_ROOT/docker/docker.sock" DOCKER_CONFIG="$E2E_ROOT/docker/cli" \
    timeout --foreground "${CALL_TIMEOUT:-90}" docker "$@"
}

# ---------------------------------------------------------------- podman
# $1 = json|plain. "json" runs the runtime under its own name with a containers.conf whose runtime_supports_json
# lists jrun (and runc), so conmon passes --log/--log-format=json; "plain" runs it through a symlink whose name is
# in no list, so conmon passes no global flags and errors must travel on stderr.
PODMAN_MODE=json

# The [containers] table of every containers.conf the suite writes (root and rootless podman): no networking, and
# podman's default ulimits (1048576), which exceed the hard limits this host lets a process without
# CAP_SYS_RESOURCE set, so even runc fails with them (contract §5.3), pinned to what the caller already has.
podman_containers_table() {
  cat <<EOF
[containers]
netns = "none"
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=32768:32768"]
EOF
}

podman_conf() {
  local d=$E2E_ROOT/podman
  mkdir -p "$d/tmp" "$d/net" "$d/bin"
  { podman_containers_table; cat <<EOF; } > "$d/containers.conf"

[network]
network_config_dir = "$d/net"
EOF
  # The same drop-in that `make install` ships to /etc/containers/containers.conf.d/jrun.conf (podman reads no
  # drop-in directory once CONTAINERS_CONF is set, so it is merged in here), with this suite's [engine] keys
  # added to its [engine] table (TOML allows a table only once).
  awk -v d="$d" '{print} $0 == "[engine]" {
      print "cgroup_manager = \"cgroupfs\""; print "events_logger = \"file\""
      print "events_logfile_path = \"" d "/events.log\""; print "tmp_dir = \"" d "/tmp\"" }' \
    "$E2E_DIR/../../packaging/containers.conf.d/jrun.conf" >> "$d/containers.conf"
  printf '[storage]\ndriver = "vfs"\nrunroot = "%s"\ngraphroot = "%s"\n' "$d/runroot" "$d/root" > "$d/storage.conf"
  ln -sf "$RT" "$d/bin/rt-plain"
}

podman_() {
  local rt=$RT
  [ "$PODMAN_MODE" = plain ] && rt=$E2E_ROOT/podman/bin/rt-plain
  CONTAINERS_CONF="$E2E_ROOT/podman/containers.conf" CONTAINERS_STORAGE_CONF="$E2E_ROOT/podman/storage.conf" \
    timeout --foreground "${CALL_TIMEOUT:-90}" podman --root "$E2E_ROOT/podman/root" --runroot "$E2E_ROOT/podman/runroot" \
    --storage-driver vfs --cgroup-manager cgroupfs --events-backend file --tmpdir "$E2E_ROOT/podman/tmp" \
    --runtime "$rt" "$@"
}

start_podman() {
  podman_conf
  podman_ load -i "$E2E_ROOT/busybox.tar" >/dev/null
}

cleanup_podman() { podman_ rm -a -f -t 0 >/dev/null 2>&1; }
cleanup_docker() {
  local ids
  ids=$(docker_ ps -aq 2>/dev/null)
  [ -z "$ids" ] || docker_ rm -f $ids >/dev/null 2>&1
}

# ---------------------------------------------------------------- teardown
# Stops the daemons this suite started (by the pids it recorded), then any shim/conmon/container process still
# referring to the suite's root (descendants of those daemons, found by their arguments and ended one by one by
# pid), unmounts what is left under the root and removes the suite's cgroups.
stop_pid() {
  local p=$1 i
  kill -0 "$p" 2>/dev/null || return 0
  kill -TERM "$p" 2>/dev/null
  for ((i = 0; i < 75; i++)); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$p" 2>/dev/null
}

teardown_all() {
  [ -d "$E2E_ROOT" ] || return 0
  [ -S "$E2E_ROOT/docker/docker.sock" ] && cleanup_docker
  [ -S "$(CTR_SOCK)" ] && cleanup_ctr
  [ -d "$E2E_ROOT/podman/root" ] && { cleanup_podman; PODMAN_MODE=json; }
  teardown_rootless # scenarios/rootless.sh: its user, that user's processes and runtime dir
  local f
  for f in "$E2E_ROOT/docker/pid" "$E2E_ROOT/containerd/pid"; do
    [ -f "$f" ] && stop_pid "$(cat "$f")"
    rm -f "$f"
  done
  local pid args
  while read -r pid args; do
    [ "$pid" = "$$" ] && continue
    case "$args" in *"$E2E_ROOT"*) stop_pid "$pid" ;; esac
  done < <(ps -eo pid=,args=)
  local m
  for m in $(awk -v r="$E2E_ROOT" 'index($5, r) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null
  done
  local cg
  for cg in "/$E2E_NS" "$DOCKER_CGROUP_PARENT" "$PODMAN_CGROUP_PARENT"; do
    find /sys/fs/cgroup/*"$cg" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  rm -rf "$E2E_ROOT"
}
