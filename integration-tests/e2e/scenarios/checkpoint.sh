# podman's checkpoint/restore driving the runtime (docs/checkpoint.md). podman asks criu for its version itself
# (on PATH), while the runtime runs its own criu: the runtime's criu (jrun's LIBDIR/criu/criu, or the one on PATH
# for the reference run) is put first on PATH for these calls only. E2E_CRIU names another one: Debian 12's criu
# fails on kernels >= 6.13, so a reference run with runc needs jrun's (E2E_CRIU=/usr/local/lib/jrun/criu/criu).

criu_for_rt() {
  local c
  c=${E2E_CRIU:-$(dirname "$(dirname "$RT")")/lib/jrun/criu/criu}
  [ -x "$c" ] || c=$(command -v criu) || return 1
  mkdir -p "$E2E_ROOT/criu-path" && ln -sf "$c" "$E2E_ROOT/criu-path/criu"
}
cp_() { PATH=$E2E_ROOT/criu-path:$PATH "$CLI" "$@"; }
# numbers printed by a counting container: every one present, in order, from 1
counted_on() { # NAME MIN
  local last
  last=$("$CLI" logs "$1" | awk 'NR != $1 {print "gap"; exit} END {print NR}')
  [ "$last" != gap ] || fail "$1: a number lost or repeated: $("$CLI" logs "$1" | tr '\n' ' ')"
  [ "$last" -ge "$2" ] || fail "$1: counted to $last only, expected at least $2"
}
counter() { capture run_ -d --name "$1" "$IMAGE" sh -c 'i=0; while true; do i=$((i+1)); echo $i; sleep 0.1; done'; expect_rc 0; }

c_checkpoint_restore() {
  criu_for_rt || fail "no criu for $RT"
  counter ck1
  sleep 1
  capture cp_ container checkpoint ck1; expect_rc 0
  expect_eq "$(state_of ck1 Status)" exited "status after checkpoint"
  local before; before=$("$CLI" logs ck1 | wc -l)
  capture cp_ container restore ck1; expect_rc 0
  expect_eq "$(state_of ck1 Status)" running "status after restore"
  sleep 1
  counted_on ck1 $((before + 5))
}

c_export_import() {
  criu_for_rt || fail "no criu for $RT"
  counter ck2
  sleep 1
  capture cp_ container checkpoint --export "$E2E_ROOT/ck2.tar.gz" ck2; expect_rc 0
  local before; before=$("$CLI" logs ck2 | wc -l)
  capture "$CLI" rm -f -t 0 ck2; expect_rc 0
  # a new container from the exported checkpoint: a rootfs of its own, made by podman from the image
  capture cp_ container restore --import "$E2E_ROOT/ck2.tar.gz" --name ck3; expect_rc 0
  expect_eq "$(state_of ck3 Status)" running "status after restore --import"
  sleep 1
  counted_on ck3 $((before + 5))
}

checkpoint_scenarios() {
  ENGINE=$1
  run_scenario "$1" "container checkpoint, restore: counts on" c_checkpoint_restore
  run_scenario "$1" "checkpoint --export, restore --import as a new container" c_export_import
}

# containerd: the shim calls the runtime's checkpoint (ctr tasks checkpoint with an image path, ctr containers
# checkpoint --task into an image) and its restore (ctr containers restore --live). The shim's restore argv carries
# go-runc's single-dash "-no-subreaper" (docs/checkpoint.md). start_containerd puts the runtime's criu first on the
# daemon's PATH (runc, the reference, runs criu from PATH; jrun runs its own).
c_logged_counter_() { # ID: a counter whose output goes to a file in its own /tmp (tmpfs), read back through exec
  capture ctr_run -d "$IMAGE" "$1" sh -c 'i=0; while true; do i=$((i+1)); echo $i >> /tmp/n; sleep 0.1; done'
  expect_rc 0
}
c_counted_on() { # ID MIN: /tmp/n holds 1..N in order, N >= MIN
  local out last
  out=$(ctr_ tasks exec --exec-id "chk$RANDOM" "$1" cat /tmp/n) || fail "exec in $1 failed"
  last=$(printf '%s\n' "$out" | awk 'NR != $1 {print "gap"; exit} END {print NR}')
  [ "$last" != gap ] || fail "$1: a number lost or repeated: $(printf '%s' "$out" | tr '\n' ' ')"
  [ "$last" -ge "$2" ] || fail "$1: counted to $last only, expected at least $2"
}
c_task_checkpoint() {
  c_logged_counter_ ck1
  sleep 1
  capture ctr_ tasks checkpoint --image-path "$E2E_ROOT/ck1-img" ck1; expect_rc 0
  [ -f "$E2E_ROOT/ck1-img/inventory.img" ] || fail "no criu images in $E2E_ROOT/ck1-img"
  expect_eq "$(c_status ck1)" RUNNING "status after checkpoint (ctr leaves it running without --exit)"
  c_counted_on ck1 10
}
c_count_() { ctr_ tasks exec --exec-id "cnt$RANDOM" "$1" cat /tmp/n | wc -l; }
c_container_restore() {
  c_logged_counter_ ck2
  sleep 1
  # containerd pauses the task for the whole checkpoint (criu's images, then the rw layer's diff), so the
  # counter's memory and /tmp/n in the rw layer agree; --rw restores that layer, --live the processes.
  capture ctr_ containers checkpoint --rw --task ck2 "$E2E_NS-ck2-cp"; expect_rc 0
  local before; before=$(c_count_ ck2)
  [ "$before" -ge 5 ] || fail "ck2 counted to $before only before the restore"
  capture ctr_ tasks kill -s SIGKILL ck2; expect_rc 0
  wait_for "[ \"\$(c_status ck2)\" = STOPPED ]" 10 || fail "ck2 not stopped after SIGKILL: $(c_status ck2)"
  capture ctr_ tasks delete ck2; expect_rc 0
  capture ctr_ containers rm ck2; expect_rc 0
  capture ctr_ containers restore --rw --live ck2 "$E2E_NS-ck2-cp"; expect_rc 0
  expect_eq "$(c_status ck2)" RUNNING "status after containers restore --live"
  sleep 1
  c_counted_on ck2 $((before + 5))
  # the restored init is the shim's to reap: its exit reaches containerd as any task's does
  capture ctr_ tasks kill -s SIGKILL ck2; expect_rc 0
  wait_for "[ \"\$(c_status ck2)\" = STOPPED ]" 10 || fail "restored ck2 not stopped after SIGKILL: $(c_status ck2)"
  capture ctr_ tasks delete ck2; expect_rc 0
  ctr_ images rm "$E2E_NS-ck2-cp" >/dev/null
}
checkpoint_ctr_scenarios() {
  run_scenario ctr "tasks checkpoint --image-path (criu images, task running)" c_task_checkpoint
  run_scenario ctr "containers checkpoint --rw --task, restore --rw --live: counts on" c_container_restore
}

# docker 20.10 (experimental mode, start_docker): `checkpoint create` goes through its containerd's shim to the
# runtime's checkpoint (the container stops), `start --checkpoint` to the runtime's restore.
d_checkpoint_start() {
  counter ck1
  sleep 1
  capture "$CLI" checkpoint create ck1 cp1; expect_rc 0
  expect_eq "$(state_of ck1 Status)" exited "status after checkpoint create"
  local before; before=$("$CLI" logs ck1 | wc -l)
  [ "$before" -ge 5 ] || fail "ck1 counted to $before only before the checkpoint"
  capture "$CLI" checkpoint ls ck1; expect_rc 0; expect_out_has cp1
  # docker's own race (moby#42900, seen with runc as the runtime too): start --checkpoint can fail before any
  # runtime call with "commit failed: content sha256:…: already exists"; that error alone is tried again.
  local try
  for try in 1 2 3 4 5; do
    capture "$CLI" start --checkpoint cp1 ck1
    [ "$RC" != 0 ] && [[ "$ERR" == *"commit failed"*"already exists"* ]] || break
    echo "  docker's checkpoint commit race (moby#42900), try $try: again"
  done
  expect_rc 0
  expect_eq "$(state_of ck1 Status)" running "status after start --checkpoint"
  sleep 1
  counted_on ck1 $((before + 5))
  # the restored init is the shim's to reap: docker sees it die
  capture "$CLI" kill ck1; expect_rc 0
  wait_for "[ \"\$(state_of ck1 Status)\" = exited ]" 10 || fail "restored ck1 not exited after kill: $(state_of ck1 Status)"
  expect_eq "$(state_of ck1 ExitCode)" 137 "exit code after kill"
}
checkpoint_docker_scenarios() {
  run_scenario docker "checkpoint create, start --checkpoint: counts on" d_checkpoint_start
}
