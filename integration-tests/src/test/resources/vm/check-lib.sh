# Sourced by the VM check scripts (vm/*-check.sh; VmGuest writes it beside them in the guest's work dir): one
# PASS/FAIL line per check, and a RESULT line whose count is also the exit status, which the VM ITs read.
fails=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { # name expected actual
  if [ "$2" = "$3" ]; then pass "$1 = $3"; else fail "$1: expected '$2', got '$3'"; fi
}
finish() { echo "RESULT $fails failure(s)${1:+ ($1)}"; exit $fails; }
