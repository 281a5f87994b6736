#!/bin/bash
# run-in-vm.sh [--timeout S] [--mem SIZE] [--cpus N] [--rw DIR]... [--systemd] [-v] -- COMMAND [ARG...]
#
# Runs COMMAND as root in a throw-away QEMU guest with a pure cgroup v2 hierarchy (kernel cmdline cgroup_no_v1=all;
# cgroup2 at /sys/fs/cgroup, nsdelegate, every controller enabled for children), for what a hybrid-cgroup host
# cannot test (make vm-test, CgroupV2VmIT). The guest boots Debian's stock kernel (linux-image-amd64, unpacked
# into a cache, never installed) with a small busybox initramfs (packaging/vm/guest-init.sh), and sees the host's
# / read-only under a tmpfs overlay: the host's java, runc and jrun run there unchanged; writes vanish at power-off
# except in the current directory and each --rw DIR, shared read-write at the same path. /tmp and /run are fresh.
#
# COMMAND runs under bash in the current directory with this shell's exported environment (plus JRUN_VM=1);
# its stdout and stderr come back when it ends. Exit status: COMMAND's, or 125 when the VM failed (boot, timeout),
# with the guest console's tail on stderr, or 77 when this machine cannot have the guest at all (no QEMU, no
# Debian kernel package to fetch: not a Debian machine; for --systemd, no /lib/systemd/systemd): the VM tests skip then.
#
# --systemd (SystemdCgroupVmIT): the host's systemd boots as the guest's PID 1 instead, and mounts cgroup2 itself;
# COMMAND runs as the oneshot unit jrun-vm.service (Delegate=yes: its cgroup is /system.slice/jrun-vm.service)
# once basic.target and dbus are up, so systemctl, busctl and systemd-run work. The guest does no boot-time
# cleaning of /tmp, and the current directory or a --rw DIR may then not be /tmp, /var/tmp, /run or under /run.
#
# KVM is used only when /dev/kvm is a real kvm_intel/kvm_amd (a paravirtual /dev/kvm, as on the machines this was
# written on, runs a stock kernel slower than emulation); else TCG, ~25x slower than the host: batch the checks
# into one boot. First use: apt-get of qemu-system-x86 and busybox-static if missing and `apt-get download` of the
# kernel package (~70 MB) into $JRUN_VM_DIR (default /var/tmp/jrun-vm-intree); later runs need no network.
# JRUN_VM_KERNEL_PKG pins the kernel package (e.g. linux-image-6.1.0-57-amd64).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${JRUN_VM_DIR:-/var/tmp/jrun-vm-intree}
timeout=0 mem=2G cpus=2 verbose=0 systemd=0 shares=()
while [ $# -gt 0 ]; do
  case $1 in
    --timeout) timeout=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --cpus) cpus=$2; shift 2 ;;
    --rw) shares+=("$(cd "$2" && pwd -P)"); shift 2 ;;
    --systemd) systemd=1; shift ;;
    -v) verbose=1; shift ;;
    --) shift; break ;;
    *) echo "usage: run-in-vm.sh [--timeout S] [--mem SIZE] [--cpus N] [--rw DIR]... [--systemd] [-v] -- COMMAND [ARG...]" >&2; exit 125 ;;
  esac
done
[ $# -gt 0 ] || { echo "run-in-vm: no command" >&2; exit 125; }
[ "$(id -u)" = 0 ] || { echo "run-in-vm: needs root (9p passthrough, the guest runs containers)" >&2; exit 125; }
say() { [ $verbose = 0 ] || echo "run-in-vm: $*" >&2; }
[ $systemd = 0 ] || [ -x /lib/systemd/systemd ] || { echo "run-in-vm: --systemd: no /lib/systemd/systemd here" >&2; exit 77; }

# ---- the kernel and the initramfs, cached ----
need_packages() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} = 0 ] && return
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; } || true
}

kernel_package() {
  [ -n "${JRUN_VM_KERNEL_PKG:-}" ] && { echo "$JRUN_VM_KERNEL_PKG"; return; }
  local p
  p=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/.*Depends: \(linux-image-[0-9].*\)/\1/p' | head -1)
  if [ -z "$p" ]; then
    apt-get update -qq >/dev/null 2>&1 || true
    p=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/.*Depends: \(linux-image-[0-9].*\)/\1/p' | head -1)
  fi
  [ -n "$p" ] || { echo "run-in-vm: cannot resolve linux-image-amd64 (not a Debian machine?)" >&2; exit 77; }
  echo "$p"
}

# fetch_kernel PKG: $cache/PKG/vmlinuz and $cache/PKG/modules (its /lib/modules/VERSION, with modules.dep) from
# the package, unpacked, not installed
fetch_kernel() {
  local kdir=$cache/$1 tmp ver
  [ -f "$kdir/ready" ] && return
  say "fetching $1"
  tmp=$(mktemp -d "$cache/fetch.XXXXXX")
  (cd "$tmp" && apt-get download -q "$1" >/dev/null 2>&1) || { rm -rf "$tmp"; echo "run-in-vm: apt-get download $1 failed" >&2; exit 77; }
  dpkg -x "$tmp"/*.deb "$tmp/x"
  ver=$(ls "$tmp/x/lib/modules")
  # dpkg -x runs no maintainer script: modules.dep (and kmod's indexes, for the guest's modprobe) are made here
  if [ -x /sbin/depmod ]; then /sbin/depmod -b "$tmp/x" "$ver"; else busybox depmod -b "$tmp/x" "$ver"; fi
  rm -rf "$kdir" && mkdir -p "$kdir"
  mv "$tmp"/x/boot/vmlinuz-* "$kdir/vmlinuz"
  mv "$tmp/x/lib/modules/$ver" "$kdir/modules"
  rm -rf "$tmp"
  touch "$kdir/ready"
}

# modules_for KDIR NAME...: the .ko files (deps first) NAMEs need, relative to KDIR/modules; built-ins omitted
modules_for() {
  python3 - "$@" <<'PY'
import sys
kdir, names = sys.argv[1], sys.argv[2:]
dep = {}
for line in open(kdir + "/modules/modules.dep"):
    mod, _, deps = line.partition(":")
    dep[mod] = deps.split()
byname = {m.rsplit("/", 1)[-1][:-3].replace("-", "_"): m for m in dep}
out = []
def visit(m):
    if m in out: return
    for d in dep[m]: visit(d)
    out.append(m)
for n in names:
    if n in byname: visit(byname[n])
print("\n".join(out))
PY
}

# the module without its appended signature: checking it is slow under emulation (the kernel then taints 'E')
strip_signature() {
  python3 - "$1" "$2" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
magic = b"~Module signature appended~\n"
if data.endswith(magic):
    siglen = struct.unpack(">I", data[-len(magic) - 4:-len(magic)])[0]
    data = data[:-len(magic) - 12 - siglen]
open(sys.argv[2], "wb").write(data)
PY
}

# make_initramfs KDIR: KDIR/initramfs-<key>.cpio.gz (busybox, boot modules, guest-init.sh as /init), rebuilt when
# guest-init.sh or busybox changes
make_initramfs() {
  local kdir=$1 key tree m
  key=$(cat "$here/guest-init.sh" /bin/busybox | sha256sum | cut -c1-12)
  initrd=$kdir/initramfs-$key.cpio.gz
  [ -f "$initrd" ] && return
  say "building $initrd"
  tree=$(mktemp -d "$cache/initramfs.XXXXXX")
  mkdir -p "$tree"/{bin,dev,proc,sys,modules.d}
  cp /bin/busybox "$tree/bin/busybox"
  install -m 0755 "$here/guest-init.sh" "$tree/init"
  mods=$(modules_for "$kdir" virtio_pci 9pnet_virtio 9p overlay)
  [ -n "$mods" ] || { echo "run-in-vm: no boot modules found in $kdir/modules" >&2; exit 125; }
  for m in $mods; do
    strip_signature "$kdir/modules/$m" "$tree/modules.d/$(basename "$m")"
    basename "$m" >> "$tree/modules"
  done
  (cd "$tree" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 > "$initrd.new")
  mv "$initrd.new" "$initrd"
  rm -rf "$tree"
}

need_packages qemu-system-x86 busybox-static python3
command -v qemu-system-x86_64 >/dev/null || { echo "run-in-vm: no qemu-system-x86_64" >&2; exit 77; }
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
pkg=$(kernel_package)
fetch_kernel "$pkg"
kdir=$cache/$pkg
make_initramfs "$kdir"
flock -u 9

# ---- the job: command, environment, shares ----
job=$(mktemp -d /tmp/jrun-vm-job.XXXXXX)
qemu_pid=
finish() {
  [ -z "$qemu_pid" ] || { kill "$qemu_pid" 2>/dev/null || true; wait "$qemu_pid" 2>/dev/null || true; }
  rm -rf "$job"
}
trap finish EXIT
trap 'exit 130' INT TERM
cwd=$(pwd -P)
[ "$cwd" = / ] || shares=("$cwd" "${shares[@]+"${shares[@]}"}")
printf '%s\n' "${shares[@]+"${shares[@]}"}" | awk 'NF && !seen[$0]++' > "$job/shares"
if [ $systemd = 1 ]; then
  # these are the guest system's own: systemd (and tmpfiles, were it not masked) would manage the host's copy
  while read -r dir; do
    case $dir in /tmp|/var/tmp|/run|/run/*)
      echo "run-in-vm: --systemd will not share $dir read-write (run it from a project directory)" >&2; exit 125 ;;
    esac
  done < "$job/shares"
  touch "$job/systemd"  # the marker guest-init.sh boots systemd by
fi
{
  export -p | grep -v -E '^declare -x (BASH_[A-Z_]*|HOSTNAME|OLDPWD|PWD|SHLVL|TERM|TMPDIR|DISPLAY|SSH_[A-Z_]*)='
  echo 'export JRUN_VM=1 TERM=dumb'
  printf 'cd %q || exit 126\nexec' "$cwd"
  printf ' %q' "$@"
  echo
} > "$job/cmd.sh"
# the guest kernel's modules, loaded on demand: the guest sees this host path read-only and mounts it there
echo "$kdir/modules" > "$job/kmoddir"

model=none
qemu=(qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot -m "$mem" -smp "$cpus"
  -kernel "$kdir/vmlinuz" -initrd "$initrd" -serial "file:$job/console"
  -append "console=ttyS0 quiet panic=-1 cgroup_no_v1=all mitigations=off ${JRUN_VM_APPEND:-}"
  -fsdev "local,id=host,path=/,security_model=passthrough,readonly=on,multidevs=remap"
  -device virtio-9p-pci,fsdev=host,mount_tag=host
  -fsdev "local,id=job,path=$job,security_model=passthrough" -device virtio-9p-pci,fsdev=job,mount_tag=job)
i=0
while read -r dir; do
  qemu+=(-fsdev "local,id=rw$i,path=${dir//,/,,},security_model=passthrough,multidevs=remap"
    -device "virtio-9p-pci,fsdev=rw$i,mount_tag=rw$i")
  i=$((i + 1))
done < "$job/shares"
if [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
  qemu+=(-accel kvm -cpu host)
else
  qemu+=(-accel tcg,thread=multi -cpu max)
fi
say "kernel $pkg, ${#qemu[@]} qemu arguments, shares: $(tr '\n' ' ' < "$job/shares")"
t0=$SECONDS
if [ "$timeout" != 0 ]; then
  timeout -k 5 "$timeout" "${qemu[@]}" </dev/null >"$job/qemu.log" 2>&1 & qemu_pid=$!
else
  "${qemu[@]}" </dev/null >"$job/qemu.log" 2>&1 & qemu_pid=$!
fi
wait "$qemu_pid" || true
qemu_pid=
say "VM ran $((SECONDS - t0)) s"
[ ! -f "$job/stdout" ] || cat "$job/stdout"
[ ! -f "$job/stderr" ] || cat "$job/stderr" >&2
if [ -f "$job/status" ]; then
  [ $verbose = 0 ] || tr -d '\r' < "$job/console" | tail -20 >&2
  exit "$(cat "$job/status")"
fi
{ echo "run-in-vm: the VM returned no status (timeout ${timeout}s, or a boot failure); console tail:"
  tr -d '\r' < "$job/console" | tail -30; tail -5 "$job/qemu.log"; } >&2
exit 125
