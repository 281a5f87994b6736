# Rootless podman driving the runtime (docs/rootless.md): a user made for the suite (with the subordinate ids
# useradd gives it and a runtime dir /run/user/UID) runs podman 4.3 with --runtime RT. podman runs the runtime
# inside its own user namespace as uid 0 (so jrun's --rootless auto is true there and its state goes under
# $XDG_RUNTIME_DIR/jrun); this host's cgroups are hybrid, so rootless podman runs containers without cgroup limits.
# Everything lives in the user's home under $E2E_ROOT and /run/user/UID; teardown_rootless removes the user, its
# processes (by pid), its runtime dir and its /etc/subuid and /etc/subgid lines. Sourced by run.sh.

RL_USER=${E2E_TAG//[^a-z0-9]/}rl        # jrune2erl for the default root
RL_HOME=$E2E_ROOT/rootless-home

rl_uid() { id -u "$RL_USER" 2>/dev/null; }

# podman as the suite's user, with a clean environment (no JRUN_DAEMON) and its own containers.conf and storage.
podman_rl_() {
  local uid; uid=$(rl_uid)
  timeout --foreground "${CALL_TIMEOUT:-90}" setpriv --reuid="$uid" --regid="$(id -g "$RL_USER")" --init-groups \
    env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$RL_HOME" USER="$RL_USER" XDG_RUNTIME_DIR="/run/user/$uid" \
    CONTAINERS_CONF="$RL_HOME/containers.conf" CONTAINERS_STORAGE_CONF="$RL_HOME/storage.conf" \
    podman --runtime "$RT" --cgroup-manager cgroupfs --events-backend file "$@"
}

start_rootless_podman() {
  command -v newuidmap >/dev/null || { log "newuidmap missing: install uidmap (make deps)"; return 1; }
  teardown_rootless
  useradd --create-home --home-dir "$RL_HOME" --shell /bin/sh "$RL_USER" || return 1
  local uid; uid=$(rl_uid)
  local f  # useradd allocates subordinate ids where login.defs and /etc/subuid exist; elsewhere add a range
  for f in /etc/subuid /etc/subgid; do
    grep -qs "^$RL_USER:" "$f" || echo "$RL_USER:$((2000000000 + (uid % 1000) * 65536)):65536" >> "$f"
  done
  mkdir -p "/run/user/$uid" && chown "$RL_USER:" "/run/user/$uid" && chmod 700 "/run/user/$uid"
  # root podman's [containers] table (networking off: no slirp4netns or pasta needed)
  { podman_containers_table; cat <<EOF; } > "$RL_HOME/containers.conf"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
  printf '[storage]\ndriver = "vfs"\n' > "$RL_HOME/storage.conf"
  chown -R "$RL_USER:" "$RL_HOME"
  podman_rl_ load -i "$E2E_ROOT/busybox.tar" >/dev/null
}

cleanup_rootless() { podman_rl_ rm -a -f -t 0 >/dev/null 2>&1; }

teardown_rootless() {
  local uid; uid=$(rl_uid) || return 0
  [ -n "$uid" ] || return 0
  [ -d "$RL_HOME" ] && cleanup_rootless
  # podman's pause process (it keeps the user namespace) and anything else of the user's, by pid
  local pid i
  for ((i = 0; i < 20; i++)); do
    local left=""
    for pid in $(ps -o pid= -u "$uid"); do kill -KILL "$pid" 2>/dev/null; left=1; done
    [ -z "$left" ] && break
    sleep 0.2
  done
  userdel --remove "$RL_USER" >/dev/null 2>&1
  sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
  rm -rf "/run/user/$uid" "$RL_HOME"
}

# ---------------------------------------------------------------- scenarios
rl_run() {
  # root inside, the user's own uid outside (podman maps container root to the user, the rest to its subuids)
  capture podman_rl_ run --rm "$IMAGE" sh -c 'id -u; head -1 /proc/self/uid_map'
  expect_rc 0
  expect_eq "$(printf '%s\n' "$OUT" | sed -n 1p)" 0 "uid inside"
  expect_eq "$(printf '%s\n' "$OUT" | sed -n 2p | awk '{print $1, $2, $3}')" "0 $(rl_uid) 1" "first uid_map line"
  capture podman_rl_ run --rm "$IMAGE" sh -c 'exit 3'; expect_rc 3
}
rl_volume() {
  local h=$RL_HOME/vol; mkdir -p "$h"; echo from-host > "$h/in"; chown -R "$RL_USER:" "$h"
  capture podman_rl_ run --rm -v "$h:/data" "$IMAGE" sh -c 'cat /data/in; echo from-ctr > /data/out'
  expect_rc 0; expect_out from-host
  expect_eq "$(cat "$h/out")" from-ctr "file written in the container"
  expect_eq "$(stat -c %u "$h/out")" "$(rl_uid)" "owner of the file on the host"
}
rl_exec() {
  capture podman_rl_ run -d --name rl-exec "$IMAGE" sleep 1000; expect_rc 0
  capture podman_rl_ exec rl-exec sh -c 'echo in-exec; id -u'; expect_rc 0; expect_out "in-exec
0"
  local pid; pid=$(podman_rl_ inspect -f '{{.State.Pid}}' rl-exec)
  expect_eq "$(stat -c %u "/proc/$pid")" "$(rl_uid)" "the container's init, seen from the host"
  [ -d "/run/user/$(rl_uid)/jrun" ] || [ "$(basename "$RT")" != jrun ] || fail "no state under \$XDG_RUNTIME_DIR/jrun"
}
rl_stop() {
  # a shell that exits on TERM: stop returns well before its timeout, with the shell's status
  capture podman_rl_ run -d --name rl-stop "$IMAGE" sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done'
  expect_rc 0
  local t0=$SECONDS
  capture podman_rl_ stop -t 20 rl-stop; expect_rc 0
  [ $((SECONDS - t0)) -lt 15 ] || fail "stop waited for its timeout"
  expect_eq "$(podman_rl_ inspect -f '{{.State.ExitCode}}' rl-stop)" 7 "exit code after stop"
}
rl_keep_id() {
  capture podman_rl_ run --rm --userns=keep-id "$IMAGE" sh -c 'id -u; id -g'
  expect_rc 0; expect_out "$(rl_uid)
$(id -g "$RL_USER")"
}

rootless_podman_scenarios() {
  run_scenario rootless-podman "run --rm: root inside, the user outside" rl_run
  run_scenario rootless-podman "a volume the user owns" rl_volume
  run_scenario rootless-podman "exec into a running container" rl_exec
  run_scenario rootless-podman "stop: TERM reaches the container" rl_stop
  run_scenario rootless-podman "--userns=keep-id" rl_keep_id
}
