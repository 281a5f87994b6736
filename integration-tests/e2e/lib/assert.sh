# Assertions for scenarios. Scenarios run in a `set -e` subshell; a failed assertion prints what was expected and
# what came back, then ends that scenario only.

fail() { echo "FAIL: $*"; exit 1; }

# capture CMD...: runs CMD, leaving its stdout in OUT, its stderr in ERR and its exit status in RC, and echoes the
# call so that a failure report shows what was run.
capture() {
  local o e
  o=$(mktemp) e=$(mktemp)
  RC=0
  "$@" >"$o" 2>"$e" || RC=$?
  OUT=$(tr -d '\r' <"$o") ERR=$(tr -d '\r' <"$e")
  rm -f "$o" "$e"
  echo "+ $* -> rc=$RC"
  [ -z "$OUT" ] || echo "  stdout: ${OUT:0:600}"
  [ -z "$ERR" ] || echo "  stderr: ${ERR:0:600}"
}

expect_rc() { [ "$RC" = "$1" ] || fail "exit status $RC, expected $1"; }
expect_out() { [ "$OUT" = "$1" ] || fail "stdout '$OUT', expected '$1'"; }
expect_out_has() { [[ "$OUT" == *"$1"* ]] || fail "stdout lacks '$1'"; }
expect_err_has() { [[ "$ERR" == *"$1"* ]] || fail "stderr lacks '$1'"; }
expect_eq() { [ "$1" = "$2" ] || fail "${3:-value}: '$1', expected '$2'"; }

# Runs CMD... under a pseudo-terminal (as a user at a terminal would), for -t scenarios; exit status is CMD's.
# Client wrappers are exported functions (run.sh), so the shell script(1) starts is bash.
in_tty() { SHELL=/bin/bash capture script -qefc "$(printf '%q ' "$@")" /dev/null; }

# The host cgroup v1 directory of PID for CONTROLLER (e.g. memory, freezer).
cgroup_dir() {
  local pid=$1 ctl=$2 path
  path=$(awk -F: -v c="$ctl" '{n=split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3}' "/proc/$pid/cgroup")
  [ -n "$path" ] || fail "pid $pid has no $ctl cgroup"
  echo "/sys/fs/cgroup/$ctl$path"
}
