#!/bin/bash
# Runs as root inside the pure cgroup v2 guest (packaging/vm/run-in-vm.sh), in the work dir RootlessCgroupV2VmIT
# prepared; env JRUN (the runtime). Rootless jrun on cgroup v2 (docs/rootless.md "Cgroups"):
#   - a user with subordinate ids, and a cgroup subtree delegated to it the way systemd delegates user@UID.service
#     (cgroup-v2.rst "Delegation": the directory and its cgroup.procs, cgroup.subtree_control and cgroup.threads
#     chowned to the user; the controllers enabled in the parent's cgroup.subtree_control); every jrun call runs as
#     the user from a shell root first moved into the subtree's leaf DELEG/session;
#   - in the delegated subtree: a container with linux.resources gets its own cgroup DELEG/ID (runc's rootless
#     default: the id beside the caller's own cgroup), the limits in pids.max / memory.max, the init in
#     cgroup.procs; exec into the created container; pause / resume through cgroup.freeze; update; delete removes
#     the cgroup;
#   - from a cgroup not delegated to the user: asked-for limits fail create with one line naming the field and
#     leave nothing; no limits run without a cgroup of its own.
# Prints one PASS/FAIL line per check and "TIME <what> <ms>" for the measured calls; the exit status is the
# number of FAILs.
W=$(pwd)
CGR=/sys/fs/cgroup
U=jrunv2rl
. ./check-lib.sh  # fails, pass, fail, check, finish

useradd --create-home --shell /bin/sh $U || { fail "useradd"; finish; }
UID_=$(id -u $U) GID_=$(id -g $U) H=/home/$U
grep -q "^$U:" /etc/subuid 2>/dev/null || echo "$U:300000:65536" >> /etc/subuid
grep -q "^$U:" /etc/subgid 2>/dev/null || echo "$U:300000:65536" >> /etc/subgid
XDG=/run/user/$UID_
mkdir -p $XDG && chown $U: $XDG && chmod 700 $XDG

# the delegated subtree, as systemd makes user@UID.service's (Delegate=yes)
DELEG=$CGR/deleg-$UID_
echo "+pids +memory +cpu" > $CGR/cgroup.subtree_control
mkdir $DELEG $DELEG/session
chown $U: $DELEG $DELEG/cgroup.procs $DELEG/cgroup.subtree_control $DELEG/cgroup.threads
chown -R $U: $DELEG/session
# a cgroup of root's for the "no delegation" checks
NODELEG=$CGR/nodeleg
mkdir $NODELEG

# as_user CGDIR CMD...: CMD as the user, from a shell moved into CGDIR first (the move needs root: the source
# and destination's common ancestor is root's)
as_user() {
  local cg=$1; shift
  ( cd "$B" && sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" setpriv --reuid=$UID_ --regid=$GID_ --clear-groups \
      env -i PATH=/usr/bin:/bin HOME=$H XDG_RUNTIME_DIR=$XDG "$@" )
}
now() { date +%s%N; }
ms() { echo $(( ($(now) - $1) / 1000000 )); }

# a bundle the user owns: busybox, `jrun spec --rootless`
B=$H/b
mkdir -p $B/rootfs/bin
cp /bin/busybox $B/rootfs/bin/
for c in sh sleep echo cat id ls true; do ln -s busybox $B/rootfs/bin/$c; done
chown -R $U: $B
as_user $NODELEG $JRUN spec --rootless || fail "spec --rootless"
# edit ARGS [RESOURCES-JSON]: the process's args, and linux.resources
edit() {
  python3 - "$B/config.json" "$1" "${2:-}" <<'EOF'
import json, sys
f, args, res = sys.argv[1], sys.argv[2], sys.argv[3]
c = json.load(open(f))
c['process']['terminal'] = False
c['process']['args'] = json.loads(args)
c['linux'].pop('resources', None)
c['linux'].pop('cgroupsPath', None)
if res:
    c['linux']['resources'] = json.loads(res)
json.dump(c, open(f, 'w'), indent=1)
EOF
}
status() { as_user $NODELEG $JRUN state "$1" 2>/dev/null | sed -n 's/.*"status": "\([a-z]*\)".*/\1/p'; }
S=$DELEG/session

# ---- delegated subtree ----
edit '["sleep","300"]' '{"pids":{"limit":20},"memory":{"limit":67108864}}'
CG=$DELEG/c1
t=$(now)
if as_user $S $JRUN create c1 2>"$W/err"; then pass "create in the delegated subtree"; echo "TIME create-with-cgroup $(ms $t)"
else fail "create: $(cat "$W/err")"; finish; fi
PID=$(as_user $S $JRUN state c1 | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
check "the container's cgroup" "$CG" "$(ls -d $CG 2>&1)"
check pids.max 20 "$(cat $CG/pids.max 2>&1)"
check memory.max 67108864 "$(cat $CG/memory.max 2>&1)"
if grep -qx "$PID" $CG/cgroup.procs 2>/dev/null; then pass "init $PID in cgroup.procs"; else fail "init '$PID' not in $CG/cgroup.procs: $(cat $CG/cgroup.procs 2>&1)"; fi
check "cgroup owner" $U "$(stat -c %U $CG)"

# exec into the created (not started) container: the parked init is dumpable for its owner
t=$(now)
out=$(as_user $S $JRUN exec c1 sh -c 'cat /proc/self/uid_map; cat /proc/self/cgroup; cat /sys/fs/cgroup/pids.max' 2>&1)
echo "TIME exec-into-created $(ms $t)"
check "exec into created: uid_map" "0 $UID_ 1" "$(echo "$out" | head -1 | tr -s ' ' | sed 's/^ //')"
check "exec into created: in the container's cgroup" "0::/" "$(echo "$out" | sed -n 2p)"
check "exec into created: the cgroup2 mount shows the container's cgroup" 20 "$(echo "$out" | sed -n 3p)"
check "status after exec" created "$(status c1)"

as_user $S $JRUN start c1 || fail "start"
check "status after start" running "$(status c1)"
t=$(now)
as_user $S $JRUN pause c1 || fail "pause"
echo "TIME pause $(ms $t)"
check "cgroup.freeze after pause" 1 "$(cat $CG/cgroup.freeze 2>&1)"
check "status after pause" paused "$(status c1)"
as_user $S $JRUN resume c1 || fail "resume"
check "cgroup.freeze after resume" 0 "$(cat $CG/cgroup.freeze 2>&1)"
as_user $S $JRUN update --pids-limit 10 c1 || fail "update"
check "pids.max after update" 10 "$(cat $CG/pids.max 2>&1)"
ev=$(as_user $S $JRUN events --stats c1 2>&1)
if [[ $ev =~ \"pids\":\{\"current\":[1-9][0-9]*,\"limit\":10\} ]]; then pass "events --stats pids"; else fail "events --stats: $ev"; fi
t=$(now)
as_user $S $JRUN delete --force c1 || fail "delete --force"
echo "TIME delete-force $(ms $t)"
if [ -e "$CG" ]; then fail "cgroup $CG left after delete"; else pass "no cgroup after delete"; fi
if [ -e $XDG/jrun/c1 ]; then fail "state dir left"; else pass "no state dir after delete"; fi
if [ -n "$PID" ] && [ -e /proc/$PID ] && ! grep -q '^State:.*Z' /proc/$PID/status; then fail "init $PID alive after delete"; else pass "init gone"; fi

# a relative cgroupsPath: under the parent of the caller's cgroup too (runc's fs2 rule)
edit '["true"]' '{"pids":{"limit":30}}'
python3 - "$B/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1])); c['linux']['cgroupsPath'] = 'sub/c2'; json.dump(c, open(sys.argv[1], 'w'))
EOF
as_user $S $JRUN create c2 2>"$W/err" || fail "create with a relative cgroupsPath: $(cat "$W/err")"
check "relative cgroupsPath: pids.max" 30 "$(cat $DELEG/sub/c2/pids.max 2>&1)"
as_user $S $JRUN delete --force c2 || fail "delete c2"
if [ -e $DELEG/sub/c2 ]; then fail "cgroup $DELEG/sub/c2 left"; else pass "no cgroup sub/c2 after delete"; fi

# run in the foreground, timed, with and without a cgroup of its own
edit '["true"]' '{"pids":{"limit":20}}'
t=$(now); as_user $S $JRUN run c3 || fail "run with a cgroup"; echo "TIME run-with-cgroup $(ms $t)"
[ -e $DELEG/c3 ] && fail "cgroup c3 left after run"

# ---- no delegation ----
# an explicit cgroupsPath the user cannot create: the permission error (never dropped), nothing left
edit '["true"]'
python3 - "$B/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1])); c['linux']['cgroupsPath'] = 'mine/c6'; json.dump(c, open(sys.argv[1], 'w'))
EOF
as_user $NODELEG $JRUN create c6 2>"$W/err"; rc=$?
check "an explicit cgroupsPath without delegation: exit status" 1 $rc
check "an explicit cgroupsPath without delegation: the error" \
  "jrun: create cgroup: mkdir $CGR/mine: permission denied" "$(cat "$W/err")"
if [ -e $XDG/jrun/c6 ]; then fail "state dir left after the refused c6"; else pass "no state dir after the refused c6"; fi

edit '["true"]' '{"pids":{"limit":20}}'
as_user $NODELEG $JRUN create c4 2>"$W/err"; rc=$?
check "limit without delegation: exit status" 1 $rc
check "limit without delegation: one line" 1 "$(wc -l < "$W/err")"
if grep -q '^jrun: linux.resources.pids.limit: cannot be applied: rootless jrun cannot create the container.s cgroup' "$W/err"
then pass "error names linux.resources.pids.limit"; else fail "error: $(cat "$W/err")"; fi
if [ -e $XDG/jrun/c4 ]; then fail "state dir left after the refused create"; else pass "no state dir after the refused create"; fi
if [ -e $CGR/c4 ]; then fail "cgroup left after the refused create"; else pass "no cgroup after the refused create"; fi
edit '["sh","-c","cat /proc/self/cgroup"]'
t=$(now); out=$(as_user $NODELEG $JRUN run c5 2>&1); rc=$?; echo "TIME run-without-cgroup $(ms $t)"
check "no limits without delegation: runs" 0 $rc
# no cgroup of its own: the process stays in the caller's (its cgroup namespace is rooted there)
check "no limits without delegation: the caller's cgroup" "0::/" "$out"
if [ -e $CGR/c5 ]; then fail "cgroup c5 made"; else pass "no cgroup made for c5"; fi

left=$(ls $XDG/jrun 2>/dev/null | grep -vx seccomp-cache)
check "state left under $XDG/jrun" "" "$left"
rmdir $DELEG/sub 2>/dev/null; rmdir $DELEG/session $DELEG $NODELEG 2>/dev/null
finish
