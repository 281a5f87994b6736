# Day-to-day options of docker/podman and ctr, each touching a different part of the runtime's config handling:
# privileges and capabilities, mounts and volumes, devices, rlimits, cgroup limits, sysctls, seccomp profiles,
# shared host namespaces, pods (namespaces joined by path), logs/wait/signals. Sourced after engine.sh.

# ---------------------------------------------------------------- docker and podman
d_privileged() {
  # every capability the caller has, no seccomp filter, the host's devices, and a mount works inside.
  # (docker asks for all 41 capabilities, more than this host's bounding set holds, so runc fails too: podman only)
  capture run_ --rm --privileged "$IMAGE" sh -c 'grep -E "^(CapEff|Seccomp):" /proc/self/status
    printf "sys_admin=%d\n" $(( (0x$(awk "/CapEff/{print \$2}" /proc/self/status) >> 21) & 1 ))
    [ -c /dev/kmsg ] && echo kmsg; mkdir -p /mnt && mount -t tmpfs none /mnt && echo mounted'
  expect_rc 0; expect_out_has "Seccomp:	0"; expect_out_has kmsg; expect_out_has mounted; expect_out_has sys_admin=1
}
d_caps() {
  capture run_ --rm --cap-drop CHOWN "$IMAGE" sh -c 'touch /f; chown 65534 /f'
  [ "$RC" != 0 ] || fail "chown worked without CAP_CHOWN"
  expect_err_has "Operation not permitted"
  capture run_ --rm --cap-drop ALL "$IMAGE" grep CapEff: /proc/self/status; expect_rc 0; expect_out_has 0000000000000000
  # CAP_NET_ADMIN is bit 12
  capture run_ --rm --cap-add NET_ADMIN "$IMAGE" sh -c 'printf "%d\n" $(( (0x$(awk "/CapEff/{print \$2}" /proc/self/status) >> 12) & 1 ))'
  expect_rc 0; expect_out 1
}
d_bind_volume() {
  local h=$E2E_ROOT/host-$ENGINE; mkdir -p "$h"; echo from-host > "$h/in"
  capture run_ --rm -v "$h:/data" "$IMAGE" sh -c 'cat /data/in; echo from-ctr > /data/out'
  expect_rc 0; expect_out from-host; expect_eq "$(cat "$h/out")" from-ctr "file written in the container"
  capture run_ --rm -v "$h:/data:ro" "$IMAGE" sh -c 'cat /data/in; touch /data/x'
  [ "$RC" != 0 ] || fail "write to a :ro volume worked"
  expect_out from-host; expect_err_has "Read-only file system"
}
d_named_volume() {
  capture "$CLI" volume create vol-$ENGINE; expect_rc 0
  capture run_ --rm -v vol-$ENGINE:/data "$IMAGE" sh -c 'echo kept > /data/f'; expect_rc 0
  capture run_ --rm -v vol-$ENGINE:/data "$IMAGE" cat /data/f; expect_rc 0; expect_out kept
  "$CLI" volume rm -f vol-$ENGINE >/dev/null 2>&1 || true
}
d_tmpfs() {
  capture run_ --rm --tmpfs /run:size=1m "$IMAGE" sh -c 'df -k /run | tail -1; echo x > /run/f && cat /run/f'
  expect_rc 0; expect_out_has tmpfs; expect_out_has " 1024 "; expect_out_has x
  capture run_ --rm --read-only --tmpfs /tmp "$IMAGE" sh -c 'echo ok > /tmp/f && cat /tmp/f; touch /f'
  [ "$RC" != 0 ] || fail "the root was writable"
  expect_out ok
}
d_ulimit() {
  capture run_ --rm --ulimit nofile=512:1024 --ulimit nproc=1000:2000 "$IMAGE" sh -c 'ulimit -n; ulimit -Hn; ulimit -u'
  expect_rc 0; expect_out "512
1024
1000"
}
d_pids_limit() {
  sleeper p1 --pids-limit 8
  expect_eq "$(cat "$(cgroup_dir "$(init_pid p1)" pids)/pids.max")" 8 "pids.max"
  capture "$CLI" exec p1 sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 30 & done; wait'
  expect_err_has "Resource temporarily unavailable"
}
d_cpu() {
  sleeper p2 --cpus 0.5 --cpu-shares 512
  local d; d=$(cgroup_dir "$(init_pid p2)" cpu)
  expect_eq "$(cat "$d/cpu.cfs_quota_us")/$(cat "$d/cpu.cfs_period_us")" 50000/100000 "cfs quota/period"
  expect_eq "$(cat "$d/cpu.shares")" 512 "cpu.shares"
}
d_shm_size() {
  capture run_ --rm --shm-size 8m "$IMAGE" sh -c 'df -k /dev/shm | tail -1'; expect_rc 0; expect_out_has " 8192 "
}
d_sysctl() {
  capture run_ --rm --sysctl net.ipv4.ip_forward=1 --sysctl kernel.shmmax=123456789 "$IMAGE" \
    cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax
  expect_rc 0; expect_out "1
123456789"
}
d_device() {
  capture run_ --rm --device /dev/fuse --device /dev/net/tun "$IMAGE" sh -c \
    'ls -l /dev/fuse /dev/net/tun | cut -c1; exec 3<>/dev/net/tun && echo opened'
  expect_rc 0; expect_out "c
c
opened"
}
d_no_new_privs() {
  capture run_ --rm --security-opt no-new-privileges "$IMAGE" grep NoNewPrivs: /proc/self/status
  expect_rc 0; expect_out_has "1"
}
d_seccomp_custom() {
  local p=$E2E_ROOT/deny-mkdir.json
  printf '%s' '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}' > "$p"
  capture run_ --rm --security-opt "seccomp=$p" "$IMAGE" sh -c 'touch /f && echo touched; mkdir /d'
  [ "$RC" != 0 ] || fail "mkdir worked under a profile that denies it"
  expect_out touched; expect_err_has "Operation not permitted"
  capture run_ --rm --security-opt seccomp=unconfined "$IMAGE" grep Seccomp: /proc/self/status; expect_rc 0; expect_out_has 0
}
d_user_groups() {
  capture run_ --rm --user 1000:1000 --group-add 5 --group-add 65534 "$IMAGE" sh -c 'id -u; id -g; id -G'
  expect_rc 0; expect_out "1000
1000
1000 5 65534"
}
d_workdir_entrypoint() {
  # docker creates a missing working directory; podman refuses it
  [ "$ENGINE" != docker ] || { capture run_ --rm -w /new/dir "$IMAGE" pwd; expect_rc 0; expect_out /new/dir; }
  capture run_ --rm --entrypoint /bin/echo "$IMAGE" a b; expect_rc 0; expect_out "a b"
  local f=$E2E_ROOT/env-$ENGINE; printf 'A=1\nB=two words\n' > "$f"
  capture run_ --rm --env-file "$f" "$IMAGE" sh -c 'echo "$A/$B"'; expect_rc 0; expect_out "1/two words"
}
d_host_names() {
  capture run_ --rm --hostname h1 --domainname example.org "$IMAGE" sh -c 'hostname; cat /proc/sys/kernel/domainname'
  expect_rc 0; expect_out "h1
example.org"
}
d_host_namespaces() {
  # --pid host: the host's pid 1 is visible; --uts host: the host's name; --ipc host: the host's ipc namespace
  capture run_ --rm --pid host "$IMAGE" sh -c "[ -d /proc/$$ ] && echo sees-host"; expect_rc 0; expect_out sees-host
  capture run_ --rm --uts host "$IMAGE" hostname; expect_rc 0; expect_out "$(hostname)"
  capture run_ --rm --ipc host "$IMAGE" readlink /proc/self/ns/ipc; expect_rc 0; expect_out "$(readlink /proc/self/ns/ipc)"
}
d_logs_wait() {
  capture run_ -d --name l1 "$IMAGE" sh -c 'echo out-line; echo err-line >&2; exit 7'; expect_rc 0
  capture "$CLI" wait l1; expect_rc 0; expect_out 7
  capture "$CLI" logs l1; expect_rc 0; expect_out_has out-line; [[ "$OUT$ERR" == *err-line* ]] || fail "no stderr line in logs"
  # a stopped container started again, attached
  capture "$CLI" start -a l1; expect_rc 7; expect_out_has out-line
}
d_signals() {
  capture run_ -d --name s1 "$IMAGE" sh -c \
    'trap "echo got-usr1" USR1; trap "echo cleanup; exit 0" TERM; while :; do sleep 0.2; done'
  expect_rc 0; sleep 1
  capture "$CLI" kill -s USR1 s1; expect_rc 0
  wait_for "$CLI logs s1 2>&1 | grep -q got-usr1" 10 || fail "USR1 not delivered"
  capture "$CLI" stop -t 20 s1; expect_rc 0
  expect_eq "$(state_of s1 ExitCode)" 0 "exit code after TERM cleanup"
  "$CLI" logs s1 2>&1 | grep -q cleanup || fail "TERM trap did not run"
}
d_exec_detached() {
  sleeper s2
  capture "$CLI" exec -d s2 sh -c 'echo done > /tmp/marker'; expect_rc 0
  wait_for "$CLI exec s2 cat /tmp/marker" 10 || fail "exec -d did not run"
  capture "$CLI" exec -u 65534 -e X=y s2 sh -c 'echo $(id -u) $X'; expect_rc 0; expect_out "65534 y"
}
d_stats() {
  sleeper s3 -m 64m
  capture "$CLI" stats --no-stream s3; expect_rc 0
  [[ "$OUT" == *64MiB* || "$OUT" == *67.11MB* ]] || fail "no 64 MiB limit in the stats"
}
d_restart_exited() {
  capture run_ --name r1 "$IMAGE" sh -c 'echo run; exit 2'; expect_rc 2
  capture "$CLI" restart r1; expect_rc 0
  capture "$CLI" wait r1; expect_rc 0; expect_out 2
  expect_eq "$("$CLI" logs r1 2>&1 | grep -c run)" 2 "runs in the log"
}
p_pod() {
  # the infra container holds the namespaces; members join them by path (/proc/<infra pid>/ns/...)
  capture "$CLI" pod create --name pod1 --cgroup-parent "$PODMAN_CGROUP_PARENT" --share ipc,uts,pid -h podhost; expect_rc 0
  capture run_ -d --pod pod1 --name m1 "$IMAGE" sh -c 'echo shared > /dev/shm/s; sleep 1000'; expect_rc 0
  capture run_ --rm --pod pod1 "$IMAGE" sh -c 'hostname; cat /dev/shm/s; ps -o comm | grep -c sleep'
  expect_rc 0; expect_out_has podhost; expect_out_has shared
  capture "$CLI" exec m1 hostname; expect_rc 0; expect_out podhost
  local ipid mpid; ipid=$("$CLI" pod inspect -f '{{.InfraContainerID}}' pod1); ipid=$(init_pid "$ipid"); mpid=$(init_pid m1)
  expect_eq "$(readlink /proc/$mpid/ns/ipc)" "$(readlink /proc/$ipid/ns/ipc)" "ipc namespace of the member"
  capture "$CLI" top m1; expect_rc 0; expect_out_has sleep
  capture "$CLI" pod rm -f -t 0 pod1; expect_rc 0
}

daily_engine_scenarios() {
  [ "$1" = podman ] && run_scenario "$1" "run --privileged: caps, devices, no seccomp, mount" d_privileged
  run_scenario "$1" "run --cap-drop CHOWN / ALL, --cap-add NET_ADMIN" d_caps
  run_scenario "$1" "run -v hostdir:/data (rw, :ro)" d_bind_volume
  run_scenario "$1" "named volume persists" d_named_volume
  run_scenario "$1" "run --tmpfs size=1m, --read-only --tmpfs /tmp" d_tmpfs
  run_scenario "$1" "run --ulimit nofile=512:1024" d_ulimit
  run_scenario "$1" "run --pids-limit: fork contained" d_pids_limit
  run_scenario "$1" "run --cpus --cpu-shares" d_cpu
  run_scenario "$1" "run --shm-size 8m" d_shm_size
  run_scenario "$1" "run --sysctl" d_sysctl
  run_scenario "$1" "run --device /dev/fuse /dev/net/tun" d_device
  run_scenario "$1" "run --security-opt no-new-privileges" d_no_new_privs
  run_scenario "$1" "run --security-opt seccomp=custom profile" d_seccomp_custom
  run_scenario "$1" "run --user 1000:1000 --group-add" d_user_groups
  run_scenario "$1" "run -w new dir, --entrypoint, --env-file" d_workdir_entrypoint
  [ "$1" = docker ] && run_scenario "$1" "run --hostname --domainname" d_host_names
  run_scenario "$1" "run --pid/--uts/--ipc host" d_host_namespaces
  run_scenario "$1" "logs, wait, start -a" d_logs_wait
  run_scenario "$1" "kill -s USR1, stop with a TERM trap" d_signals
  run_scenario "$1" "exec -d, exec -u -e" d_exec_detached
  run_scenario "$1" "stats --no-stream" d_stats
  run_scenario "$1" "restart an exited container" d_restart_exited
  [ "$1" = podman ] && run_scenario "$1" "pod: shared namespaces, exec, top" p_pod
  return 0
}

# ---------------------------------------------------------------- ctr
dc_privileged() {
  capture ctr_run --rm --privileged "$IMAGE" dc1 sh -c 'grep Seccomp: /proc/self/status; [ -c /dev/kmsg ] && mkdir -p /mnt && mount -t tmpfs none /mnt && echo mounted'
  expect_rc 0; expect_out_has mounted; expect_out_has "Seccomp:	0"
}
dc_bind_mount() {
  local h=$E2E_ROOT/host-ctr; mkdir -p "$h"; echo from-host > "$h/in"
  capture ctr_run --rm --mount "type=bind,src=$h,dst=/data,options=rbind:rw" "$IMAGE" dc2 sh -c 'cat /data/in; echo w > /data/out'
  expect_rc 0; expect_out from-host; expect_eq "$(cat "$h/out")" w "written file"
  capture ctr_run --rm --mount "type=bind,src=$h,dst=/data,options=rbind:ro" "$IMAGE" dc3 touch /data/x
  [ "$RC" != 0 ] || fail "write to a read-only bind worked"
}
dc_cpus() {
  c_sleeper_ dc4 --cpus 0.5
  expect_eq "$(cat "$(cgroup_dir "$(c_pid dc4)" cpu)/cpu.cfs_quota_us")" 50000 "cpu.cfs_quota_us"
}
dc_with_ns() {
  c_sleeper_ dc5
  local pid; pid=$(c_pid dc5)
  capture ctr_run --rm --with-ns "network:/proc/$pid/ns/net" --with-ns "ipc:/proc/$pid/ns/ipc" "$IMAGE" dc6 sh -c \
    'readlink /proc/self/ns/net; readlink /proc/self/ns/ipc'
  expect_rc 0; expect_out "$(readlink /proc/$pid/ns/net; readlink /proc/$pid/ns/ipc)"
}
dc_metrics() {
  c_sleeper_ dc7 --memory-limit 33554432
  capture ctr_ tasks metrics dc7; expect_rc 0; expect_out_has "memory.limit"; expect_out_has 33554432
}
dc_exec_detach() {
  c_sleeper_ dc8
  capture ctr_ tasks exec -d --exec-id d1 dc8 sh -c 'echo x > /tmp/m'; expect_rc 0
  wait_for "ctr_ tasks exec --exec-id d2 dc8 cat /tmp/m" 10 || fail "detached exec did not run"
}

daily_ctr_scenarios() {
  run_scenario ctr "run --privileged" dc_privileged
  run_scenario ctr "run --mount type=bind (rw, ro)" dc_bind_mount
  run_scenario ctr "run --cpus" dc_cpus
  run_scenario ctr "run --with-ns network/ipc: join by path" dc_with_ns
  run_scenario ctr "task metrics" dc_metrics
  run_scenario ctr "task exec -d" dc_exec_detach
}

# ---------------------------------------------------------------- second batch: joins, cgroup details, policies
d_join_container() {
  # --network/--pid/--ipc container:X make the runtime join X's namespaces by /proc/<pid>/ns path
  local ipc=() opts=("${RUN_OPTS[@]}")
  # docker shares an ipc namespace only when asked, and takes one --network only (RUN_OPTS has none)
  [ "$ENGINE" = docker ] && { ipc=(--ipc shareable); opts=(--runtime e2e); }
  sleeper j1 "${ipc[@]}"
  local pid; pid=$(init_pid j1)
  capture "$CLI" run "${opts[@]}" --rm --network container:j1 --pid container:j1 --ipc container:j1 "$IMAGE" sh -c \
    'readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; ps -o comm | grep -c "^sleep"'
  expect_rc 0
  expect_out "$(readlink /proc/$pid/ns/net; readlink /proc/$pid/ns/ipc)
1"
}
d_cgroupns() {
  capture run_ --rm --cgroupns private "$IMAGE" sh -c 'grep -E ":(memory|pids):" /proc/self/cgroup'
  expect_rc 0
  [ "$(printf '%s\n' "$OUT" | grep -vc ':/$')" = 0 ] || fail "cgroup paths not / in a private cgroup namespace"
}
d_oom_score_cpuset() {
  capture run_ --rm --oom-score-adj 500 --cpuset-cpus 0 "$IMAGE" sh -c 'cat /proc/self/oom_score_adj; grep Cpus_allowed_list: /proc/self/status'
  expect_rc 0; expect_out_has 500; expect_out_has "Cpus_allowed_list:	0"
}
d_device_perms() {
  # mapped under another name with read-only cgroup permission: it exists, but opening it for writing is refused
  # (fuse: the engines' default rules allow /dev/net/tun rwm anyway)
  capture run_ --rm --device /dev/fuse:/dev/myfuse:r "$IMAGE" sh -c 'ls /dev/myfuse && exec 3<>/dev/myfuse'
  [ "$RC" != 0 ] || fail "read-write open allowed on an r device"
  expect_out /dev/myfuse; expect_err_has "Operation not permitted"
}
d_update_cpu_pids() {
  sleeper u1
  # podman 4.3's update has no --pids-limit
  local pids=(--pids-limit 20); [ "$ENGINE" = docker ] || pids=()
  capture "$CLI" update --cpus 0.5 "${pids[@]}" u1; expect_rc 0
  local pid; pid=$(init_pid u1)
  expect_eq "$(cat "$(cgroup_dir "$pid" cpu)/cpu.cfs_quota_us")" 50000 "cpu.cfs_quota_us"
  [ "$ENGINE" != docker ] || expect_eq "$(cat "$(cgroup_dir "$pid" pids)/pids.max")" 20 "pids.max"
}
d_oom_kill_disable() {
  sleeper u2 -m 32m --oom-kill-disable
  grep -q "oom_kill_disable 1" "$(cgroup_dir "$(init_pid u2)" memory)/memory.oom_control" || fail "oom_kill_disable not set"
}
d_healthcheck() {
  sleeper h1 --health-cmd 'test -d /proc/1' --health-interval 1s
  if [ "$ENGINE" = docker ]; then
    wait_for "[ \"\$(docker_ inspect -f '{{.State.Health.Status}}' h1)\" = healthy ]" 20 || fail "never healthy"
  else
    capture "$CLI" healthcheck run h1; expect_rc 0
  fi
}
d_restart_policy() {
  capture run_ -d --name rp1 --restart on-failure:2 "$IMAGE" sh -c 'exit 1'; expect_rc 0
  wait_for "[ \"\$(state_of rp1 Running)\" = false ] && [ \"\$($CLI inspect -f '{{.RestartCount}}' rp1)\" = 2 ]" 30 \
    || fail "restart count $("$CLI" inspect -f '{{.RestartCount}}' rp1), expected 2"
}
p_hooks() {
  local d=$E2E_ROOT/hooks; mkdir -p "$d"
  printf '#!/bin/sh\necho "$1 $(cat | head -c 200 | grep -o "\\"status\\":\\"[a-z]*\\"")" >> %s/hooks.log\n' "$d" > "$d/hook.sh"
  chmod +x "$d/hook.sh"
  local s
  for s in prestart poststart poststop; do
    printf '{"version":"1.0.0","hook":{"path":"%s/hook.sh","args":["hook.sh","%s"]},"when":{"always":true},"stages":["%s"]}' \
      "$d" "$s" "$s" > "$d/$s.json"
  done
  capture "$CLI" --hooks-dir "$d" run "${RUN_OPTS[@]}" --rm "$IMAGE" true; expect_rc 0
  wait_for "grep -q poststop $d/hooks.log" 10 || fail "no poststop hook: $(cat "$d/hooks.log" 2>&1)"
  # each hook gets the state on stdin (runc 1.1 says "creating" to prestart and "stopped" to poststop)
  grep -q '^prestart "status":"creat' "$d/hooks.log" || fail "prestart hook: $(cat "$d/hooks.log")"
  grep -q '^poststart "status":"' "$d/hooks.log" || fail "no poststart hook: $(cat "$d/hooks.log")"
  grep -q '^poststop "status":"stopped"' "$d/hooks.log" || fail "poststop hook: $(cat "$d/hooks.log")"
}
p_rootfs() {
  local r=$E2E_ROOT/plain-rootfs; mkdir -p "$r/bin" "$r/proc" "$r/dev" "$r/sys" "$r/etc"
  cp "$(command -v busybox)" "$r/bin/busybox"; ln -sf busybox "$r/bin/sh"; ln -sf busybox "$r/bin/cat"
  echo plain > "$r/etc/marker"
  capture run_ --rm --rootfs "$r" /bin/sh -c 'cat /etc/marker'; expect_rc 0; expect_out plain
}
p_uidmap() {
  capture run_ --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMAGE" sh -c 'cat /proc/self/uid_map; id -u; touch /tmp/f && echo wrote'
  expect_rc 0; expect_out_has "100000"; expect_out_has wrote
  [[ "$OUT" =~ 0[[:space:]]+100000[[:space:]]+65536 ]] || fail "uid map: $OUT"
}

daily_engine_scenarios2() {
  run_scenario "$1" "run --net/--pid/--ipc container:X (join by path)" d_join_container
  run_scenario "$1" "run --cgroupns private" d_cgroupns
  run_scenario "$1" "run --oom-score-adj --cpuset-cpus" d_oom_score_cpuset
  run_scenario "$1" "run --device host:ctr:r (cgroup permission)" d_device_perms
  run_scenario "$1" "update --cpus (--pids-limit)" d_update_cpu_pids
  run_scenario "$1" "run --oom-kill-disable" d_oom_kill_disable
  run_scenario "$1" "healthcheck (exec)" d_healthcheck
  run_scenario "$1" "run --restart on-failure:2" d_restart_policy
  if [ "$1" = podman ]; then
    run_scenario "$1" "OCI hooks (--hooks-dir)" p_hooks
    run_scenario "$1" "run --rootfs plain directory" p_rootfs
    run_scenario "$1" "run --uidmap/--gidmap (user namespace)" p_uidmap
  fi
  return 0
}

dc_kill_all() {
  c_sleeper_ dc10
  capture ctr_ tasks exec -d --exec-id k1 dc10 sleep 999; expect_rc 0
  local p; wait_for "pgrep -f 'sleep 999'" 10 || fail "exec'd sleep not seen"; p=$(pgrep -f 'sleep 999')
  capture ctr_ tasks kill -a -s SIGKILL dc10; expect_rc 0
  wait_for "! kill -0 $p" 10 || fail "exec'd process $p survived kill --all"
}
dc_net_host() {
  capture ctr_run --rm --net-host "$IMAGE" dc11 readlink /proc/self/ns/net; expect_rc 0; expect_out "$(readlink /proc/self/ns/net)"
}
dc_rootfs() {
  local r=$E2E_ROOT/ctr-rootfs; mkdir -p "$r/bin" "$r/proc" "$r/dev" "$r/sys" "$r/etc"
  cp "$(command -v busybox)" "$r/bin/busybox"; ln -sf busybox "$r/bin/sh"; ln -sf busybox "$r/bin/cat"
  echo plain > "$r/etc/marker"
  capture ctr_run --rm --rootfs "$r" dc12 /bin/sh -c 'cat /etc/marker'; expect_rc 0; expect_out plain
}
dc_uidmap() {
  capture ctr_run --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMAGE" dc13 cat /proc/self/uid_map
  expect_rc 0
  [[ "$OUT" =~ 0[[:space:]]+100000[[:space:]]+65536 ]] || fail "uid map: $OUT"
}

daily_ctr_scenarios2() {
  run_scenario ctr "task kill --all reaches exec'd processes" dc_kill_all
  run_scenario ctr "run --net-host" dc_net_host
  run_scenario ctr "run --rootfs plain directory" dc_rootfs
  run_scenario ctr "run --uidmap/--gidmap" dc_uidmap
}

# ---------------------------------------------------------------- third batch: error paths, masked paths, mounts
d_exec_errors() {
  sleeper x20
  # docker 20.10 prints an exec's failure on stdout, podman on stderr
  capture "$CLI" exec x20 /nonexistent; [ "$RC" = 126 ] || [ "$RC" = 127 ] || fail "exit status $RC for a missing command"
  [[ "$OUT$ERR" == *"no such file or directory"* ]] || fail "no 'no such file or directory'"
  capture "$CLI" exec x20 /etc/passwd; expect_rc 126; [[ "$OUT$ERR" == *"permission denied"* ]] || fail "no 'permission denied'"
  capture "$CLI" exec x20 echo still; expect_rc 0; expect_out still
  capture run_ --rm "$IMAGE" /etc/passwd; expect_rc 126; expect_err_has "permission denied"
}
d_masked_paths() {
  # /proc/keys is masked (bind of /dev/null), /proc/sys is read-only
  capture run_ --rm "$IMAGE" sh -c 'wc -c < /proc/keys; echo 1 > /proc/sys/kernel/domainname || echo refused'
  expect_rc 0; expect_out "0
refused"
}
d_mount_opts() {
  local h=$E2E_ROOT/file-$ENGINE; echo single > "$h"
  capture run_ --rm -v "$h:/etc/single.conf:ro" --mount type=tmpfs,destination=/scratch,tmpfs-size=2m,tmpfs-mode=1770 \
    "$IMAGE" sh -c 'cat /etc/single.conf; stat -c %a /scratch; df -k /scratch | tail -1'
  expect_rc 0; expect_out_has single; expect_out_has 1770; expect_out_has " 2048 "
}
p_propagation() {
  # a mount made inside an rshared volume appears on the host
  local h=$E2E_ROOT/prop; mkdir -p "$h"; mount --bind "$h" "$h"; mount --make-shared "$h"
  capture run_ --rm --privileged -v "$h:/data:rshared" "$IMAGE" sh -c 'mkdir -p /data/sub && mount -t tmpfs none /data/sub && touch /data/sub/x'
  local seen=no; [ -e "$h/sub/x" ] && seen=yes
  umount "$h/sub" 2>/dev/null; umount "$h"
  expect_rc 0; expect_eq "$seen" yes "mount made in the container visible on the host"
}

daily_engine_scenarios3() {
  run_scenario "$1" "exec/run errors: missing command, not executable" d_exec_errors
  run_scenario "$1" "masked and read-only /proc paths" d_masked_paths
  run_scenario "$1" "file bind :ro, --mount type=tmpfs size/mode" d_mount_opts
  [ "$1" = podman ] && run_scenario "$1" "run -v :rshared propagation to the host" p_propagation
  return 0
}

dc_exec_errors() {
  c_sleeper_ dc20
  capture ctr_ tasks exec --exec-id e1 dc20 /nonexistent; [ "$RC" != 0 ] || fail "missing command succeeded"
  expect_err_has "no such file or directory"
  capture ctr_ tasks exec --exec-id e2 --cwd /nonexistent dc20 true; [ "$RC" != 0 ] || fail "missing cwd succeeded"
  capture ctr_ tasks exec --exec-id e3 dc20 echo still; expect_rc 0; expect_out still
}
daily_ctr_scenarios3() {
  run_scenario ctr "task exec errors leave the task usable" dc_exec_errors
}
