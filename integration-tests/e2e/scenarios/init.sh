# jrun's --init through podman (docs/init.md): clients cannot pass runtime flags, so the annotation
# run.oci.jrun.init=true asks for it; with the client's own --init too (podman's catatonit, docker's tini), that
# init runs as jrun-init's child. podman, because the e2e docker daemon (API 1.41) predates --annotation (1.43).

# A shell with no TERM handler: without an init it ignores `stop`'s SIGTERM until the timeout's SIGKILL.
de_init_stop() {
  capture run_ -d --name i1 --annotation run.oci.jrun.init=true "$IMAGE" sh -c 'while :; do sleep 1; done'
  expect_rc 0
  capture "$CLI" exec i1 cat /proc/1/comm; expect_rc 0; expect_out_has jrun-init
  local t0=$SECONDS
  capture "$CLI" stop -t 20 i1; expect_rc 0
  [ $((SECONDS - t0)) -lt 10 ] || fail "stop waited $((SECONDS - t0))s: SIGTERM did not stop the shell"
  expect_eq "$(state_of i1 ExitCode)" 143 "exit code after SIGTERM (128+15)"
}

de_init_with_client_init() {
  capture run_ --rm --init --annotation run.oci.jrun.init=true "$IMAGE" sh -c 'cat /proc/1/comm /proc/2/comm; exit 3'
  expect_rc 3
  expect_out_has jrun-init
  expect_out_has podman-init  # catatonit, bind-mounted as /run/podman-init
}

init_engine_scenarios() {
  [ "$1" = podman ] || return 0
  run_scenario "$1" "jrun init (annotation): stop stops a shell at once" de_init_stop
  run_scenario "$1" "jrun init (annotation) with the client's --init, exit status" de_init_with_client_init
}
