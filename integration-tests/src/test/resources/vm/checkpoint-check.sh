#!/bin/bash
# Runs inside the pure cgroup v2 guest (packaging/vm/run-in-vm.sh), from the work dir CheckpointVmIT prepared:
#   ./bundle/rootfs (busybox and bench/checkpoint-memhog.c built as /bin/memhog), ./bundle/NAME.json for the
#   containers count (counts on stdout), moved (the same, restored from count's images under a new id and
#   cgroup) and mem (memhog: 128 MB touched, 8 MB of it dirtied again every 100 ms); env JRUN (the runtime),
#   CGPATH (the parent of the containers' linux.cgroupsPath).
# Checks checkpoint/restore on cgroup v2 (the restored init in the new config's cgroup, with its limits) and
# iterative migration (two pre-dump rounds, then a dump naming the last with --parent-path: the final dump holds
# only the dirty pages, and the restored memory is intact). Prints one PASS/FAIL line per check, TIME lines with
# the downtime, and RESULT; the exit status is the number of FAILs. jrun calls are few: each costs seconds
# under software emulation.
W=$(pwd)
R=/run/jrun-vm-ck        # containers, images and outputs on the guest's tmpfs (the 9p share refuses mkfifo)
J="$JRUN --root $R/state"
criu=$(dirname "$(dirname "$JRUN")")/lib/jrun/criu/criu
. ./check-lib.sh  # fails, pass, fail, check, finish
status() { $J state "$1" 2>/dev/null | sed -n 's/.*"status": "\([a-z]*\)".*/\1/p'; }
pidof_c() { $J state "$1" 2>/dev/null | sed -n 's/.*"pid": \([0-9]*\).*/\1/p'; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
lines() { wc -l < "$1"; }
wait_lines() { # FILE N: until FILE has N lines (60 s)
  for _ in $(seq 1 300); do [ "$(lines "$1")" -ge "$2" ] && return 0; sleep 0.2; done; return 1
}
wait_grep() { # FILE PATTERN: until a line of FILE matches (120 s)
  for _ in $(seq 1 600); do grep -q "$2" "$1" && return 0; sleep 0.2; done; return 1
}
mb() { du -sm "$1" | cut -f1; }

mkdir -p $R && cp -a "$W/bundle/rootfs" $R/rootfs || { fail "copy the rootfs"; finish; }
for n in count moved mem; do
  mkdir -p $R/$n && sed "s|\"path\": \"rootfs\"|\"path\": \"$R/rootfs\"|" "$W/bundle/$n.json" > $R/$n/config.json
done
if "$criu" check --feature mem_dirty_track >/dev/null 2>&1; then pass "criu check --feature mem_dirty_track"
else fail "criu check --feature mem_dirty_track: $("$criu" check --feature mem_dirty_track 2>&1 | tail -1)"; fi

# ---- 1. cgroup v2: a counting container, checkpointed, restored under a new id into another cgroup ----
CG1=/sys/fs/cgroup$CGPATH/count CG2=/sys/fs/cgroup$CGPATH/moved
out=$R/count.out
if $J run -d --bundle $R/count count >>$out 2>&1 </dev/null; then pass "run count"
else fail "run count: $(tail -1 $out)"; finish; fi
wait_lines $out 10 || fail "count printed no 10 lines: $(tail -2 $out)"
PID=$(pidof_c count)
if grep -qx "$PID" $CG1/cgroup.procs 2>/dev/null; then pass "count's init $PID in $CG1"; else fail "count's init '$PID' not in $CG1/cgroup.procs"; fi
if $J checkpoint --image-path $R/img1 count 2>$R/err; then pass "checkpoint count"
else fail "checkpoint count: $(cat $R/err)"; finish; fi
last=$(tail -1 $out)
[ -e $CG1 ] && fail "cgroup $CG1 left after checkpoint" || pass "no cgroup after checkpoint"
[ -e $R/state/count ] && fail "state of count left after checkpoint" || pass "no state after checkpoint"
sleep 1
check "nothing counts after the checkpoint" "$last" "$(tail -1 $out)"
if $J restore -d --bundle $R/moved --image-path $R/img1 moved >>$out 2>&1 </dev/null; then pass "restore as moved"
else fail "restore as moved: $(tail -3 $out | tr '\n' ' ')"; finish; fi
wait_lines $out $((last + 10)) || fail "moved does not count on from $last: $(tail -2 $out)"
check "status of moved" running "$(status moved)"
PID=$(pidof_c moved)
if grep -qx "$PID" $CG2/cgroup.procs 2>/dev/null; then pass "restored init $PID in $CG2"
else fail "restored init '$PID' not in $CG2/cgroup.procs ($(cat /proc/$PID/cgroup 2>&1))"; fi
check "memory.max of moved" 268435456 "$(cat $CG2/memory.max 2>&1)"
check "pids.max of moved" 30 "$(cat $CG2/pids.max 2>&1)"
check "cpu.max of moved" "50000 100000" "$(cat $CG2/cpu.max 2>&1)"
# no number lost or repeated across the checkpoint
n=$(lines $out)
if bad=$(head -n "$n" $out | awk '$0 != NR { print "line " NR ": \"" $0 "\""; exit 1 }'); then
  pass "1..$n in order, none lost or repeated"
else fail "the count is broken at $bad"; fi
$J delete --force moved || fail "delete --force moved"
[ -e $CG2 ] && fail "cgroup $CG2 left after delete" || pass "no cgroup after delete of moved"

# ---- 2. iterative migration: pre-dump rounds, then the final dump with --parent-path ----
CG3=/sys/fs/cgroup$CGPATH/mem
out=$R/mem.out
if $J run -d --bundle $R/mem mem >>$out 2>&1 </dev/null; then pass "run mem"
else fail "run mem: $(tail -1 $out)"; finish; fi
wait_grep $out '^touched' || { fail "memhog touched nothing: $(tail -2 $out)"; finish; }
PID=$(pidof_c mem)
t=$(date +%s%N)
if $J checkpoint --pre-dump --image-path $R/p1 mem 2>$R/err; then pass "pre-dump 1 ($(ms $t) ms, $(mb $R/p1) MB)"
else fail "pre-dump 1: $(cat $R/err)"; fi
check "status after pre-dump" running "$(status mem)"
check "cgroup.freeze after pre-dump" 0 "$(cat $CG3/cgroup.freeze 2>&1)"
[ "$(mb $R/p1)" -ge 128 ] && pass "pre-dump 1 holds the 128 MB" || fail "pre-dump 1 holds $(mb $R/p1) MB, not 128"
t=$(date +%s%N)
if $J checkpoint --pre-dump --image-path $R/p2 --parent-path ../p1 mem 2>$R/err; then pass "pre-dump 2 ($(ms $t) ms, $(mb $R/p2) MB)"
else fail "pre-dump 2 --parent-path ../p1: $(cat $R/err)"; fi
[ "$(mb $R/p2)" -lt 64 ] && pass "pre-dump 2 holds only what changed ($(mb $R/p2) MB)" || fail "pre-dump 2 holds $(mb $R/p2) MB"
check "same init after the pre-dumps" "$PID" "$(pidof_c mem)"
kill -USR1 "$PID" && wait_grep $out '^verify' && check "memory before the dump" ok "$(grep '^verify' $out | tail -1 | cut -d' ' -f2)"
t0=$(date +%s%N)
if $J checkpoint --image-path $R/img2 --parent-path ../p2 mem 2>$R/err; then pass "dump with --parent-path ../p2"
else fail "dump --parent-path ../p2: $(cat $R/err)"; finish; fi
t1=$(date +%s%N)
[ "$(mb $R/img2)" -lt 64 ] && pass "the final dump holds only what changed ($(mb $R/img2) MB)" || fail "the final dump holds $(mb $R/img2) MB"
if $J restore -d --bundle $R/mem --image-path $R/img2 mem >>$out 2>&1 </dev/null; then pass "restore mem"
else fail "restore mem: $(tail -3 $out | tr '\n' ' ')"; finish; fi
t2=$(date +%s%N)
echo "TIME pre-dumped: checkpoint $(( (t1 - t0) / 1000000 )) ms, restore $(( (t2 - t1) / 1000000 )) ms, downtime $(( (t2 - t0) / 1000000 )) ms, final images $(mb $R/img2) MB"
check "status of restored mem" running "$(status mem)"
PID=$(pidof_c mem)
if grep -qx "$PID" $CG3/cgroup.procs 2>/dev/null; then pass "restored memhog $PID in $CG3"; else fail "restored memhog '$PID' not in $CG3/cgroup.procs"; fi
n=$(grep -c '^verify' $out)
kill -USR1 "$PID"
for _ in $(seq 1 600); do [ "$(grep -c '^verify' $out)" -gt "$n" ] && break; sleep 0.2; done
check "memory after restore (parent images + dirty pages)" ok "$(grep '^verify' $out | tail -1 | cut -d' ' -f2)"
$J delete --force mem || fail "delete --force mem"
[ -e $CG3 ] && fail "cgroup $CG3 left after delete" || pass "no cgroup after delete of mem"
rmdir /sys/fs/cgroup$CGPATH 2>/dev/null
finish
