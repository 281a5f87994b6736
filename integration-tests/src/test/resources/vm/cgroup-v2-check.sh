#!/bin/bash
# Runs inside the pure cgroup v2 guest (packaging/vm/run-in-vm.sh), from the work dir CgroupV2VmIT prepared:
#   ./bundle (busybox; its process writes /dev/null, records the result in /out/res, then sleeps),
#   ./out (bind-mounted at /out), env JRUN (the runtime), CGPATH (the container's linux.cgroupsPath).
# Prints one PASS/FAIL line per check; the exit status is the number of FAILs. jrun calls are kept few:
# each costs seconds of JVM start-up under software emulation.
W=$(pwd)
# state on the guest's tmpfs: the 9p share refuses mkfifo (ENXIO)
J="$JRUN --root /run/jrun-vm-state"
CG=/sys/fs/cgroup$CGPATH
. ./check-lib.sh  # fails, pass, fail, check, finish
status() { $J state c1 | sed -n 's/.*"status": "\([a-z]*\)".*/\1/p'; }

if $J create --bundle "$W/bundle" --pid-file "$W/pid" c1 2>"$W/err"; then pass "create"
else fail "create: $(cat "$W/err")"; finish; fi  # nothing else can pass
PID=$(cat "$W/pid" 2>/dev/null)
check memory.max 67108864 "$(cat $CG/memory.max 2>&1)"
check pids.max 20 "$(cat $CG/pids.max 2>&1)"
check cpu.max "50000 100000" "$(cat $CG/cpu.max 2>&1)"
if grep -qx "$PID" $CG/cgroup.procs 2>/dev/null; then pass "init $PID in cgroup.procs"; else fail "init '$PID' not in $CG/cgroup.procs: $(cat $CG/cgroup.procs 2>&1)"; fi

$J start c1 || fail "start"
for i in $(seq 1 100); do [ -s "$W/out/res" ] && grep -q READ "$W/out/res" && break; sleep 0.2; done
# the spec denies "c 1:3 w": writing /dev/null must fail, reading it must still work (eBPF device program)
check "device rule: write /dev/null" DENIED "$(head -1 "$W/out/res" 2>&1)"
check "device rule: read /dev/null" READ "$(sed -n 2p "$W/out/res" 2>&1)"

$J pause c1 || fail "pause"
check "cgroup.freeze after pause" 1 "$(cat $CG/cgroup.freeze 2>&1)"
check "status after pause" paused "$(status)"
$J resume c1 || fail "resume"
check "cgroup.freeze after resume" 0 "$(cat $CG/cgroup.freeze 2>&1)"

$J update --memory 32m --pids-limit 10 c1 || fail "update"
check "memory.max after update" 33554432 "$(cat $CG/memory.max 2>&1)"
check "pids.max after update" 10 "$(cat $CG/pids.max 2>&1)"

ev=$($J events --stats c1 2>&1)
if [[ $ev =~ \"memory\":\{.*\"usage\":\{\"limit\":33554432,\"usage\":[1-9] ]]; then pass "events --stats memory usage"
else fail "events --stats: $ev"; fi

$J delete --force c1 || fail "delete --force"
if [ -e "$CG" ]; then fail "cgroup $CG left after delete --force"; else pass "no cgroup after delete --force"; fi
if [ -n "$PID" ] && [ -e /proc/$PID ] && ! grep -q '^State:.*Z' /proc/$PID/status; then fail "init $PID alive after delete"; else pass "init gone"; fi
rmdir "$(dirname "$CG")" 2>/dev/null
finish
