# Scenarios shared by docker and podman: their CLIs agree on everything used here. $CLI is the wrapper for the
# client (docker_ or podman_), RUN_OPTS the options every run/create needs (runtime name, network, cgroup parent),
# ENGINE the client name.

run_() { "$CLI" run "${RUN_OPTS[@]}" "$@"; }
# A detached container running sleep as pid 1 (which ignores SIGTERM: pid-namespace semantics).
sleeper() { capture run_ -d --name "$1" "${@:2}" "$IMAGE" sleep 1000; expect_rc 0; }
state_of() { "$CLI" inspect -f "{{.State.$2}}" "$1"; }
init_pid() { local p; p=$(state_of "$1" Pid); [ "$p" -gt 0 ] || fail "no pid for $1"; echo "$p"; }

e_run_output() { capture run_ --rm "$IMAGE" echo hello from busybox; expect_rc 0; expect_out "hello from busybox"; }
e_exit_code() { capture run_ --rm "$IMAGE" sh -c 'exit 3'; expect_rc 3; }
e_bad_command() {
  # runc's wording is what makes docker/podman map the failure to 127 (contract §3)
  capture run_ --rm "$IMAGE" /nonexistent
  expect_rc 127
  expect_err_has "no such file or directory"
}
e_stdin() { capture bash -c "echo hi there | $CLI run ${RUN_OPTS[*]} --rm -i $IMAGE cat"; expect_rc 0; expect_out "hi there"; }
e_tty() { in_tty "$CLI" run "${RUN_OPTS[@]}" --rm -t "$IMAGE" tty; expect_rc 0; expect_out_has "/dev/pts/0"; }
e_env_cwd_user() {
  capture run_ --rm -e FOO=bar -w /tmp -u 65534 "$IMAGE" sh -c 'echo $FOO $(pwd) $(id -u)'
  expect_rc 0; expect_out "bar /tmp 65534"
}
e_read_only() {
  capture run_ --rm --read-only "$IMAGE" sh -c 'touch /x'
  [ "$RC" != 0 ] || fail "touch / succeeded on a read-only root"
  expect_err_has "Read-only file system"
  capture run_ --rm --read-only "$IMAGE" cat /etc/passwd; expect_rc 0; expect_out_has "nobody"
}
e_hostname() { capture run_ --rm -h e2e-host "$IMAGE" hostname; expect_rc 0; expect_out "e2e-host"; }
e_process_tree() {
  # the init must be the shim's / conmon's child (they are subreapers and reap it), with only fds 0-2 open
  sleeper x13
  local pid ppid want=conmon; pid=$(init_pid x13); ppid=$(awk '{print $4}' "/proc/$pid/stat")
  [ "$ENGINE" = docker ] && want=containerd-shim
  [[ "$(cat "/proc/$ppid/comm")" == "$want"* ]] || fail "parent of the init is $(cat "/proc/$ppid/comm"), expected $want"
  expect_eq "$(ls "/proc/$pid/fd" | sort -n | tr '\n' ' ')" "0 1 2 " "open fds of the init"
}
e_exec() {
  sleeper x1
  capture "$CLI" exec x1 sh -c 'echo in $(hostname) as $(id -u)'; expect_rc 0; expect_out_has "as 0"
  capture "$CLI" exec x1 sh -c 'exit 4'; expect_rc 4
  capture "$CLI" exec -u 65534 -w /tmp -e V=1 x1 sh -c 'echo $V $(pwd) $(id -u)'; expect_rc 0; expect_out "1 /tmp 65534"
}
e_exec_tty() { sleeper x2; in_tty "$CLI" exec -t x2 tty; expect_rc 0; expect_out_has "/dev/pts/"; }
e_top() { sleeper x3; capture "$CLI" top x3; expect_rc 0; expect_out_has "sleep 1000"; }
e_stop() {
  # pid 1 ignores TERM, so stop must escalate to KILL after -t
  sleeper x4
  local t0=$SECONDS
  capture "$CLI" stop -t 2 x4; expect_rc 0
  [ $((SECONDS - t0)) -ge 2 ] || fail "stop returned before the 2 s grace period"
  expect_eq "$(state_of x4 ExitCode)" 137 "exit code after stop"
  # a process that handles TERM exits at once with its own status
  capture run_ -d --name x4b "$IMAGE" sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done'
  sleep 1; t0=$SECONDS
  capture "$CLI" stop -t 20 x4b; expect_rc 0
  [ $((SECONDS - t0)) -lt 10 ] || fail "TERM was not delivered"
  expect_eq "$(state_of x4b ExitCode)" 0 "exit code after a handled TERM"
}
e_kill() {
  sleeper x5
  capture "$CLI" kill x5; expect_rc 0
  wait_for "[ \"\$(state_of x5 Running)\" = false ]" 20 || fail "still running after kill"
  expect_eq "$(state_of x5 ExitCode)" 137 "exit code after kill"
}
e_rm_force() {
  sleeper x6
  local pid; pid=$(init_pid x6)
  # podman's rm -f stops with its 10 s default first; -t 0 skips the wait (docker's rm -f kills at once)
  if [ "${ENGINE%%-*}" = podman ]; then capture "$CLI" rm -f -t 0 x6; else capture "$CLI" rm -f x6; fi
  expect_rc 0
  capture "$CLI" inspect x6; [ "$RC" != 0 ] || fail "container still known after rm -f"
  wait_for "! kill -0 $pid" 10 || fail "init $pid survived rm -f"
}
e_restart() {
  sleeper x7
  local p1 p2; p1=$(init_pid x7)
  capture "$CLI" restart -t 1 x7; expect_rc 0
  p2=$(init_pid x7)
  [ "$p1" != "$p2" ] || fail "same pid after restart"
  expect_eq "$(state_of x7 Running)" true "running after restart"
}
e_pause() {
  sleeper x8
  local fz; fz=$(cgroup_dir "$(init_pid x8)" freezer)
  capture "$CLI" pause x8; expect_rc 0
  expect_eq "$(state_of x8 Status)" paused "status"
  expect_eq "$(cat "$fz/freezer.state")" FROZEN "freezer.state"
  capture "$CLI" unpause x8; expect_rc 0
  expect_eq "$(state_of x8 Status)" running "status"
  expect_eq "$(cat "$fz/freezer.state")" THAWED "freezer.state"
}
e_memory_limit() {
  sleeper x9 -m 32m --memory-swap 32m
  expect_eq "$(cat "$(cgroup_dir "$(init_pid x9)" memory)/memory.limit_in_bytes")" 33554432 "memory.limit_in_bytes"
}
e_oom() {
  # tail buffers its input until a newline that never comes, so it grows until the 32 MiB limit kills it
  capture run_ --name x10 -m 32m --memory-swap 32m "$IMAGE" sh -c 'head -c 256m /dev/zero | tail'
  expect_rc 137
  expect_eq "$(state_of x10 ExitCode)" 137 "exit code"
  # conmon 2.1.6 on cgroup v1 drops its oom marker where podman never looks (contract §5.6): docker only
  [ "$ENGINE" != docker ] || expect_eq "$(state_of x10 OOMKilled)" true "OOMKilled"
}
e_update() {
  sleeper x11 -m 32m --memory-swap 64m
  capture "$CLI" update --memory 48m --memory-swap 96m x11; expect_rc 0
  expect_eq "$(cat "$(cgroup_dir "$(init_pid x11)" memory)/memory.limit_in_bytes")" 50331648 "memory.limit_in_bytes"
}
e_seccomp() {
  capture run_ --rm "$IMAGE" grep Seccomp: /proc/self/status; expect_rc 0; expect_out_has "2"
  # docker's default profile denies user namespaces to a container without CAP_SYS_ADMIN (podman's allows them)
  if [ "$ENGINE" = docker ]; then
    capture run_ --rm "$IMAGE" unshare -U true
    [ "$RC" != 0 ] || fail "unshare -U allowed under docker's default profile"
  fi
}
e_prestart_hook() {
  # docker's libnetwork-setkey prestart hook bind-mounts the container's netns at the sandbox key
  sleeper x12
  local key; key=$("$CLI" inspect -f '{{.NetworkSettings.SandboxKey}}' x12)
  [ -n "$key" ] || fail "no sandbox key"
  expect_eq "$(stat -f -c %T "$key")" nsfs "file system type of $key"
  expect_eq "$(readlink "/proc/$(init_pid x12)/ns/net")" "$(nsenter --net="$key" readlink /proc/self/ns/net)" "netns"
}
e_init() {
  # podman bind-mounts catatonit as /run/podman-init
  local want=podman-init; [ "$ENGINE" = docker ] && want=docker-init
  capture run_ --rm --init "$IMAGE" cat /proc/1/comm; expect_rc 0; expect_out "$want"
}

# The calls every engine makes for the simplest runs: the whole set for podman without JSON logging.
engine_basic_scenarios() {
  ENGINE=$1
  run_scenario "$1" "run: output and exit 0" e_run_output
  run_scenario "$1" "run: exit code 3 propagates" e_exit_code
  run_scenario "$1" "run: missing command gives 127 and runc's wording" e_bad_command
  run_scenario "$1" "run -d, stop -t (TERM, then KILL)" e_stop
  run_scenario "$1" "rm -f a running container" e_rm_force
  run_scenario "$1" "init is the caller's child, fds 0-2 only" e_process_tree
}

engine_scenarios() {
  engine_basic_scenarios "$1"
  run_scenario "$1" "run -i: stdin" e_stdin
  run_scenario "$1" "run -t: terminal" e_tty
  run_scenario "$1" "run -e -w -u" e_env_cwd_user
  run_scenario "$1" "run --read-only" e_read_only
  run_scenario "$1" "run -h hostname" e_hostname
  run_scenario "$1" "exec (no tty), exit code, -u -w -e" e_exec
  run_scenario "$1" "exec -t" e_exec_tty
  run_scenario "$1" "top" e_top
  run_scenario "$1" "kill" e_kill
  run_scenario "$1" "restart" e_restart
  run_scenario "$1" "pause / unpause" e_pause
  run_scenario "$1" "run -m 32m: memory limit applied" e_memory_limit
  run_scenario "$1" "OOM kill gives 137" e_oom
  run_scenario "$1" "update --memory" e_update
  run_scenario "$1" "default seccomp profile as sent" e_seccomp
  [ "$1" = docker ] && run_scenario "$1" "prestart hook (libnetwork-setkey)" e_prestart_hook
  run_scenario "$1" "run --init" e_init
}
