#!/bin/bash
# Runs inside the systemd guest (packaging/vm/run-in-vm.sh --systemd: systemd is PID 1, pure cgroup v2, dbus up),
# from the work dir SystemdCgroupVmIT prepared:
#   ./bundle      c1: cgroupsPath system.slice:jrunit:c1, resources, a /dev/null device rule; writes /out/res
#   ./bundle-bad  a linux.resources.unified key with no such file: create must fail and leave nothing
#   ./bundle-plain an empty cgroupsPath (unit jrun-<id>.scope), sleeps
#   ./bundle-fs   the same with cgroupsPath /jrun-test/fs1, for the cgroupfs driver's timing
# env JRUN (the runtime; only runc's CLI is used, so JRUN=/usr/sbin/runc runs it against runc). Prints one PASS/FAIL line per check and a few
# TIME lines; the exit status is the number of FAILs. jrun calls are kept few: seconds each under emulation.
W=$(pwd)
J="$JRUN --root /run/jrun-vm-state"
SD="$J --systemd-cgroup"
UNIT=jrunit-c1.scope
CG=/sys/fs/cgroup/system.slice/$UNIT
. ./check-lib.sh  # fails, pass, fail, check, finish
prop() { systemctl show -P "$2" "$1" 2>&1; }
status() { $J state "$1" | sed -n 's/.*"status": "\([a-z]*\)".*/\1/p'; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

t=$(date +%s%N)
# (runc 1.1.5 fails here: its init opens /dev/null O_RDWR inside every container it sets /dev up in, which c1's
# device rules, no w on /dev/null, refuse: "error reopening /dev/null inside container: ... operation not permitted")
if $SD create --bundle "$W/bundle" --pid-file "$W/pid" c1 2>"$W/err"; then pass "create"
else fail "create: $(cat "$W/err")"; finish; fi
echo "TIME systemd create (first call in the guest: cold caches) $(ms $t) ms"
PID=$(cat "$W/pid" 2>/dev/null)

# the unit, with runc's properties
check "$UNIT ActiveState" active "$(prop $UNIT ActiveState)"
check "$UNIT Slice" system.slice "$(prop $UNIT Slice)"
check "$UNIT ControlGroup" /system.slice/$UNIT "$(prop $UNIT ControlGroup)"
check "$UNIT Delegate" yes "$(prop $UNIT Delegate)"
check "$UNIT MemoryMax" 67108864 "$(prop $UNIT MemoryMax)"
check "$UNIT MemoryLow" 33554432 "$(prop $UNIT MemoryLow)"
check "$UNIT MemoryHigh" 62914560 "$(prop $UNIT MemoryHigh)"
check "$UNIT TasksMax" 20 "$(prop $UNIT TasksMax)"
check "$UNIT CPUQuotaPerSecUSec" 500ms "$(prop $UNIT CPUQuotaPerSecUSec)"
check "$UNIT CPUWeight" 39 "$(prop $UNIT CPUWeight)"
check "$UNIT AllowedCPUs" 0 "$(prop $UNIT AllowedCPUs)"
check "$UNIT DevicePolicy" strict "$(prop $UNIT DevicePolicy)"
# the same values in the scope's files as the cgroupfs driver writes them
check memory.max 67108864 "$(cat $CG/memory.max 2>&1)"
check memory.low 33554432 "$(cat $CG/memory.low 2>&1)"
check memory.high 62914560 "$(cat $CG/memory.high 2>&1)"
check pids.max 20 "$(cat $CG/pids.max 2>&1)"
check cpu.max "50000 100000" "$(cat $CG/cpu.max 2>&1)"
check cpu.weight 39 "$(cat $CG/cpu.weight 2>&1)"
check cpuset.cpus 0 "$(cat $CG/cpuset.cpus 2>&1)"
if grep -qx "$PID" $CG/cgroup.procs 2>/dev/null; then pass "init $PID in $CG/cgroup.procs"; else fail "init '$PID' not in $CG/cgroup.procs: $(cat $CG/cgroup.procs 2>&1)"; fi
check "state.json status" created "$(status c1)"

$J start c1 || fail "start"
for i in $(seq 1 100); do [ -s "$W/out/res" ] && grep -q READ "$W/out/res" && break; sleep 0.2; done
check "device rule: write /dev/null" DENIED "$(head -1 "$W/out/res" 2>&1)"
check "device rule: read /dev/null" READ "$(sed -n 2p "$W/out/res" 2>&1)"

$J pause c1 || fail "pause"
check "cgroup.freeze after pause" 1 "$(cat $CG/cgroup.freeze 2>&1)"
check "status after pause" paused "$(status c1)"
$J resume c1 || fail "resume"
check "cgroup.freeze after resume" 0 "$(cat $CG/cgroup.freeze 2>&1)"

$SD update --memory 32m --pids-limit 10 c1 || fail "update"
check "memory.max after update" 33554432 "$(cat $CG/memory.max 2>&1)"
check "pids.max after update" 10 "$(cat $CG/pids.max 2>&1)"
check "$UNIT MemoryMax after update" 33554432 "$(prop $UNIT MemoryMax)"
check "$UNIT TasksMax after update" 10 "$(prop $UNIT TasksMax)"

ps=$($J ps --format json c1 2>&1)
if [[ $ps == *"$PID"* ]]; then pass "ps --format json lists $PID: $ps"; else fail "ps: $ps"; fi
ev=$($J events --stats c1 2>&1)
if [[ $ev =~ \"memory\":\{.*\"usage\":\{\"limit\":33554432,\"usage\":[1-9] ]]; then pass "events --stats memory usage"
else fail "events --stats: $ev"; fi

t=$(date +%s%N)
$SD delete --force c1 || fail "delete --force"
echo "TIME systemd delete --force $(ms $t) ms"
check "$UNIT after delete" not-found "$(prop $UNIT LoadState)"
if [ -e "$CG" ]; then fail "cgroup $CG left after delete --force"; else pass "no cgroup after delete --force"; fi
if [ -n "$PID" ] && [ -e /proc/$PID ] && ! grep -q '^State:.*Z' /proc/$PID/status; then fail "init $PID alive after delete"; else pass "init gone"; fi

# a create that fails after the unit started (a unified key without a file) leaves no unit, cgroup or state
if $SD create --bundle "$W/bundle-bad" bad1 2>"$W/err-bad"; then fail "create of bundle-bad succeeded"
else pass "create of bundle-bad fails: $(cat "$W/err-bad")"; fi
check "failed create: stderr lines" 1 "$(wc -l < "$W/err-bad")"
check "jrunit-bad1.scope after failed create" not-found "$(prop jrunit-bad1.scope LoadState)"
if [ -e /sys/fs/cgroup/system.slice/jrunit-bad1.scope ]; then fail "cgroup of bad1 left"; else pass "no cgroup of bad1"; fi
if [ -e /run/jrun-vm-state/bad1 ]; then fail "state dir of bad1 left"; else pass "no state dir of bad1"; fi

# an empty cgroupsPath: jrun-<id>.scope in system.slice
t=$(date +%s%N)
if $SD create --bundle "$W/bundle-plain" c3 2>"$W/err3"; then
  echo "TIME systemd create (warm, pids limit only) $(ms $t) ms"
  check "jrun-c3.scope ControlGroup" /system.slice/jrun-c3.scope "$(prop jrun-c3.scope ControlGroup)"
  $SD delete --force c3 || fail "delete --force c3"
  check "jrun-c3.scope after delete" not-found "$(prop jrun-c3.scope LoadState)"
else fail "create with an empty cgroupsPath: $(cat "$W/err3")"; fi

# the cgroupfs driver on the same host, for the timing
t=$(date +%s%N)
if $J create --bundle "$W/bundle-fs" fs1 2>"$W/err-fs"; then echo "TIME cgroupfs create (warm, pids limit only) $(ms $t) ms"
else fail "cgroupfs create: $(cat "$W/err-fs")"; fi
t=$(date +%s%N)
$J delete --force fs1 || fail "cgroupfs delete --force"
echo "TIME cgroupfs delete --force $(ms $t) ms"
rmdir /sys/fs/cgroup/jrun-test 2>/dev/null
finish
