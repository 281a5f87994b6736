#!/bin/bash
# End-to-end suite: real containerd/ctr, docker and podman driving the runtime under test.
#
#   bash integration-tests/e2e/run.sh RUNTIME_BIN [REGEX]
#
# RUNTIME_BIN is an absolute path (runc for the reference run, jrun for the real one); REGEX keeps only scenarios
# whose "client: name" matches. E2E_CLIENTS (default "ctr docker podman podman-plain rootless-podman") picks the
# clients (rootless-podman: podman run by a user the suite creates, scenarios/rootless.sh).
# Prints `ok N - client: name` / `not ok N - client: name` (with the failing step and its output as `#` lines)
# and closes with `N passed, M failed`; exits 1 if anything failed. Everything is started under E2E_ROOT
# (default /tmp/jrun-e2e) and stopped and removed at the end, also on failure or Ctrl-C.
# E2E_RUN_OPTS adds options to every docker/podman run (e.g. "--security-opt seccomp=unconfined" to look past a
# runtime's missing seccomp support); the recorded results use none.
set -uo pipefail

RT=${1:?usage: run.sh RUNTIME_BIN [REGEX]}
FILTER=${2:-}
case "$RT" in /*) ;; *) RT=$(command -v "$RT") || { echo "runtime not found: $1" >&2; exit 2; } ;; esac
[ -x "$RT" ] || { echo "runtime not executable: $RT" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "the e2e suite needs root" >&2; exit 2; }
E2E_DIR=$(cd "$(dirname "$0")" && pwd)
E2E_ROOT=${E2E_ROOT:-/tmp/jrun-e2e}
E2E_CLIENTS=${E2E_CLIENTS:-ctr docker podman podman-plain rootless-podman}
export PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin

source "$E2E_DIR/lib/env.sh"
source "$E2E_DIR/lib/assert.sh"
source "$E2E_DIR/scenarios/ctr.sh"
source "$E2E_DIR/scenarios/engine.sh"
source "$E2E_DIR/scenarios/daily.sh"
source "$E2E_DIR/scenarios/rootless.sh"
source "$E2E_DIR/scenarios/checkpoint.sh"
source "$E2E_DIR/scenarios/init.sh"

# for scenarios that pipe into, or run under script(1), a client wrapper in a fresh bash
export RT E2E_ROOT E2E_NS PODMAN_MODE
export -f ctr_ ctr_run CTR_SOCK docker_ podman_

teardown_all
trap 'teardown_all' EXIT
trap 'exit 130' INT TERM
ensure_packages
mkdir -p "$E2E_ROOT"
# conmon (podman) writes its "oom" marker into its cwd, which it inherits from here: keep it out of the working
# tree (`make e2e` runs at the repository's root) and inside what teardown removes.
cd "$E2E_ROOT"
build_image
log "runtime under test: $RT ($("$RT" --version 2>&1 | head -1))"

N=0 PASSED=0 FAILED=0 FAILED_NAMES=()
# run_scenario CLIENT NAME FUNCTION: runs FUNCTION in a subshell (so `fail` ends only that scenario), then the
# client's cleanup so that scenarios never see each other's containers.
run_scenario() {
  local client=$1 name=$2 fn=$3 out rc
  [ -n "$FILTER" ] && ! [[ "$client: $name" =~ $FILTER ]] && return 0
  N=$((N + 1))
  local started=$SECONDS
  out=$( (set -e; "$fn") 2>&1 ) && rc=0 || rc=$?
  "cleanup_${client%%-*}" >/dev/null 2>&1
  if [ $rc = 0 ]; then
    PASSED=$((PASSED + 1)); echo "ok $N - $client: $name ($((SECONDS - started))s)"
  else
    FAILED=$((FAILED + 1)); FAILED_NAMES+=("$client: $name")
    echo "not ok $N - $client: $name ($((SECONDS - started))s)"
    printf '%s\n' "$out" | tail -n 25 | sed 's/^/#   /'
  fi
}

for client in $E2E_CLIENTS; do
  case $client in
    ctr)
      start_containerd || { echo "not ok - containerd did not start"; FAILED=$((FAILED + 1)); continue; }
      ctr_scenarios; daily_ctr_scenarios; daily_ctr_scenarios2; daily_ctr_scenarios3; checkpoint_ctr_scenarios ;;
    docker)
      start_docker || { echo "not ok - dockerd did not start"; FAILED=$((FAILED + 1)); continue; }
      CLI=docker_; RUN_OPTS=(--runtime e2e --network none ${E2E_RUN_OPTS:-}); engine_scenarios docker; daily_engine_scenarios docker; daily_engine_scenarios2 docker; daily_engine_scenarios3 docker; checkpoint_docker_scenarios ;;
    podman)
      export PODMAN_MODE=json; start_podman
      CLI=podman_; RUN_OPTS=(--cgroup-parent "$PODMAN_CGROUP_PARENT" ${E2E_RUN_OPTS:-}); engine_scenarios podman; daily_engine_scenarios podman; daily_engine_scenarios2 podman; daily_engine_scenarios3 podman
      init_engine_scenarios podman; checkpoint_scenarios podman ;;
    podman-plain)
      export PODMAN_MODE=plain; start_podman
      CLI=podman_; RUN_OPTS=(--cgroup-parent "$PODMAN_CGROUP_PARENT" ${E2E_RUN_OPTS:-}); engine_basic_scenarios podman-plain ;;
    rootless-podman)
      start_rootless_podman || { echo "not ok - rootless podman could not be set up"; FAILED=$((FAILED + 1)); continue; }
      rootless_podman_scenarios ;;
    *) echo "unknown client: $client" >&2 ;;
  esac
done

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
