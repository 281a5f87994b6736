#!/bin/bash
# Runs inside the systemd guest (shared/vm/run-in-vm.sh --systemd: systemd is PID 1, pure cgroup v2, dbus up),
# after systemd-cgroup-check.sh, from the same work dir: the clients with their systemd defaults driving the runtime.
#   ./busybox.tar  the e2e suite's busybox image (integration-tests/e2e/lib/env.sh build_image, built on the host:
#                  its ~400 applet links would cost minutes of execs in the guest), tagged localhost/e2e-busybox
# env JRUN (the runtime, absolute path). Everything the clients keep goes to the guest's fresh /tmp tmpfs (overlayfs
# cannot use the 9p share as an upper dir), nothing to the defaults (/run/containerd, /var/lib/containers).
#   ctr:    a private containerd 1.6; `ctr run --runc-binary $JRUN --runc-systemd-cgroup --cgroup system.slice:ctr:sdc1`,
#           which hands the runc v2 shim the options {BinaryName = $JRUN, SystemdCgroup = true} that the CRI plugin's
#           `[...runtimes.runc.options] SystemdCgroup = true` gives (CRI itself needs a kubelet, so ctr sends them).
#   podman: 4.3 with `cgroup_manager = "systemd"` in its containers.conf and `--cgroup-manager systemd`: podman gives
#           the runtime cgroupsPath machine.slice:libpod:<id> (conmon's cgroup is podman's business: an INFO line).
#           The guest's kernel has AppArmor on, so podman also asks for its default profile: the container's label
#           is checked too (jrun's attr/exec write).
# In each case the container prints a line and then waits for a file under the shared /out, so that the unit can be
# looked at while it runs: the scope unit exists (systemctl list-units), was made by jrun (its Description
# "jrun container <id>"), sits in the expected slice and cgroup, holds the container's processes; then the
# container is released, the client exits 0 with the output, and no unit, cgroup or runtime state is left.
# Prints one PASS/FAIL line per check and TIME lines; the exit status is the number of FAILs.
W=$(pwd)
S=/tmp/sdc
IMAGE=localhost/e2e-busybox:latest
DESC="jrun container"; [ "${JRUN##*/}" = runc ] && DESC="libcontainer container" # JRUN=/usr/sbin/runc: the comparison
. ./check-lib.sh  # fails, pass, fail, check, finish
prop() { systemctl show -P "$2" "$1" 2>&1; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# wait_for SECONDS COMMAND...: polls every 0.3 s
wait_for() { local end=$((SECONDS + $1)); shift; until "$@" >/dev/null 2>&1; do [ $SECONDS -ge $end ] && return 1; sleep 0.3; done; }
scopes() { systemctl list-units --type=scope --all --no-legend --plain 2>/dev/null | awk '{print $1}'; }
# unit_checks UNIT SLICE ID: the scope while the container runs
unit_checks() {
  local unit=$1 slice=$2 id=$3 cg
  if scopes | grep -qx "$unit"; then pass "$unit in systemctl list-units --type=scope"
  else fail "$unit not in list-units: $(scopes | tr '\n' ' ')"; fi
  check "$unit ActiveState" active "$(prop "$unit" ActiveState)"
  check "$unit Description" "$DESC $id" "$(prop "$unit" Description)"
  check "$unit Slice" "$slice" "$(prop "$unit" Slice)"
  check "$unit Delegate" yes "$(prop "$unit" Delegate)"
  cg=$(prop "$unit" ControlGroup)
  check "$unit ControlGroup" "/$slice/$unit" "$cg"
  local procs comms="" p
  procs=$(cat "/sys/fs/cgroup$cg/cgroup.procs" 2>/dev/null)
  for p in $procs; do comms="$comms $(cat /proc/$p/comm 2>/dev/null)"; done
  if [[ " $comms " == *" sh "* ]]; then pass "the container's sh is in $cg:$comms"
  else fail "no sh in /sys/fs/cgroup$cg/cgroup.procs: '$procs' ($comms )"; fi
}
# gone_checks UNIT DIR: nothing left after the client exited
gone_checks() {
  local unit=$1 dir=$2
  if scopes | grep -qx "$unit"; then fail "$unit still listed: $(systemctl status "$unit" 2>&1 | head -5)"
  else pass "$unit gone from list-units"; fi
  check "$unit LoadState" not-found "$(prop "$unit" LoadState)"
  if [ -e "$dir" ]; then fail "cgroup $dir left"; else pass "no cgroup $dir"; fi
}
mkdir -p "$S" "$W/out"
rm -f "$W/out"/go-*

# ---------------------------------------------------------------- containerd + ctr
t0=$(date +%s%N)
C=$S/containerd
mkdir -p "$C"
cat > "$C/config.toml" <<EOF
version = 2
root = "$C/root"
state = "$C/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$C/c.sock"
[ttrpc]
  address = "$C/c.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$C/opt"
EOF
containerd --config "$C/config.toml" > "$C/containerd.log" 2>&1 &
CPID=$!
ctr_() { timeout 180 ctr --address "$C/c.sock" -n sdc "$@"; }
if wait_for 120 ctr --address "$C/c.sock" version; then
  echo "TIME containerd up $(ms $t0) ms"
  t=$(date +%s%N)
  if ctr_ images import "$W/busybox.tar" >/dev/null 2>"$W/ctr-import.err"; then pass "ctr images import"
  else fail "ctr images import: $(cat "$W/ctr-import.err")"; fi
  echo "TIME ctr images import $(ms $t) ms"
  t=$(date +%s%N)
  ( ctr_ run --runc-binary "$JRUN" --runc-root "$S/ctr-rt" --runc-systemd-cgroup --cgroup system.slice:ctr:sdc1 \
      --mount type=bind,src="$W/out",dst=/out,options=rbind:rw --rm "$IMAGE" sdc1 \
      sh -c 'echo hello from ctr; while [ ! -e /out/go-ctr ]; do sleep 0.2; done' > "$W/ctr.out" 2>&1
    echo $? > "$W/ctr.rc" ) &
  U=ctr-sdc1.scope
  if wait_for 180 eval 'systemctl is-active -q $U || [ -s "$W/ctr.rc" ]' && ! [ -s "$W/ctr.rc" ]; then
    echo "TIME ctr run until the scope is active $(ms $t) ms"
    unit_checks $U system.slice sdc1
  else fail "$U never active; ctr: $(cat "$W/ctr.out" 2>&1) rc $(cat "$W/ctr.rc" 2>&1)"; fi
  touch "$W/out/go-ctr"
  wait_for 180 test -s "$W/ctr.rc" || fail "ctr run did not exit"
  echo "TIME ctr run in all $(ms $t) ms"
  check "ctr run exit status" 0 "$(cat "$W/ctr.rc" 2>&1)"
  check "ctr run output" "hello from ctr" "$(cat "$W/ctr.out" 2>&1)"
  gone_checks $U /sys/fs/cgroup/system.slice/$U
  if [ -e "$S/ctr-rt/sdc/sdc1" ]; then fail "runtime state $S/ctr-rt/sdc/sdc1 left"; else pass "no runtime state left"; fi
  check "ctr tasks left" "" "$(ctr_ tasks ls -q 2>&1)"
else
  fail "containerd did not start: $(tail -5 "$C/containerd.log")"
fi
kill "$CPID" 2>/dev/null; wait "$CPID" 2>/dev/null
echo "TIME ctr section $(ms $t0) ms"

# ---------------------------------------------------------------- podman
t0=$(date +%s%N)
P=$S/podman
mkdir -p "$P/tmp" "$P/net"
# systemd's default hard nofile limit for a service is below podman's default ulimits (1048576)
cat > "$P/containers.conf" <<EOF
[containers]
netns = "none"
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=32768:32768"]

[network]
network_config_dir = "$P/net"

[engine]
cgroup_manager = "systemd"
events_logger = "file"
events_logfile_path = "$P/events.log"
tmp_dir = "$P/tmp"
runtime_supports_json = ["crun", "runc", "kata", "runsc", "krun", "jrun"]
EOF
printf '[storage]\ndriver = "vfs"\nrunroot = "%s"\ngraphroot = "%s"\n' "$P/runroot" "$P/root" > "$P/storage.conf"
podman_() {
  CONTAINERS_CONF="$P/containers.conf" CONTAINERS_STORAGE_CONF="$P/storage.conf" timeout 240 podman \
    --root "$P/root" --runroot "$P/runroot" --storage-driver vfs --events-backend file --tmpdir "$P/tmp" "$@"
}
if podman_ load -i "$W/busybox.tar" >/dev/null 2>"$W/podman-load.err"; then pass "podman load"
else fail "podman load: $(cat "$W/podman-load.err")"; fi
echo "TIME podman load $(ms $t0) ms"
t=$(date +%s%N)
( podman_ --runtime "$JRUN" --cgroup-manager systemd run --rm --name sdp1 -v "$W/out:/out" "$IMAGE" \
    sh -c 'echo hello from podman; cat /proc/self/attr/current; while [ ! -e /out/go-podman ]; do sleep 0.2; done' \
    > "$W/podman.out" 2>&1
  echo $? > "$W/podman.rc" ) &
libpod_scope() { scopes | grep -E '^libpod-[0-9a-f]{64}\.scope$' | head -1; }
U=
if wait_for 240 eval '{ [ -n "$(libpod_scope)" ] && systemctl is-active -q "$(libpod_scope)"; } || [ -s "$W/podman.rc" ]' \
    && ! [ -s "$W/podman.rc" ]; then
  echo "TIME podman run until the scope is active $(ms $t) ms"
  U=$(libpod_scope); ID=${U#libpod-}; ID=${ID%.scope}
  unit_checks "$U" machine.slice "$ID"
  # podman's business, not the runtime's: podman 4.3 run from a service leaves conmon in the caller's cgroup
  for p in $(pgrep -x conmon); do echo "INFO conmon $p in $(cut -d: -f3 /proc/$p/cgroup)"; done
else fail "no libpod-<id>.scope active; podman: $(cat "$W/podman.out" 2>&1) rc $(cat "$W/podman.rc" 2>&1)"; fi
touch "$W/out/go-podman"
wait_for 240 test -s "$W/podman.rc" || fail "podman run did not exit"
echo "TIME podman run in all $(ms $t) ms"
check "podman run exit status" 0 "$(cat "$W/podman.rc" 2>&1)"
check "podman run output" "hello from podman" "$(head -1 "$W/podman.out" 2>&1)"
# the Debian kernel has AppArmor on, so podman asks for its default profile (process.apparmorProfile): the label
# the container ran with
if [ -d /sys/kernel/security/apparmor ]; then
  l=$(sed -n 2p "$W/podman.out" 2>&1)
  if [[ $l == "containers-default-"*" (enforce)" ]]; then pass "podman container's AppArmor label = $l"
  else fail "podman container's AppArmor label: expected 'containers-default-<version> (enforce)', got '$l'"; fi
fi
if [ -n "$U" ]; then
  gone_checks "$U" "/sys/fs/cgroup/machine.slice/$U"
fi
check "podman containers left" "" "$(podman_ ps -aq 2>&1)"
echo "TIME podman section $(ms $t0) ms"
finish clients
