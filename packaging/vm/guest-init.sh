#!/bin/busybox sh
# PID 1 of the cgroup v2 guest (packaging/vm/run-in-vm.sh copies it into the initramfs as /init). Builds the root
# (the host's / read-only over 9p, under a tmpfs overlay), mounts a pure cgroup v2 hierarchy with every
# controller on, the shared directories read-write, then runs the job's command with bash from the host's root,
# writes its exit status into the job dir and powers off. With run-in-vm.sh --systemd (the job dir's marker
# `systemd`), the host's systemd becomes PID 1 instead: it mounts cgroup2 itself and runs the job as the unit
# jrun-vm.service, whose end powers the guest off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
die() { echo "guest-init: $*" > /dev/ttyS0; sleep 1; reboot -f; }
for m in $(cat /modules); do insmod "/modules.d/$m" || die "insmod $m"; done
P9=trans=virtio,version=9p2000.L,msize=512000
mkdir -p /lower /upper /job /root
mount -t 9p -o "$P9,cache=loose,ro" host /lower || die "9p host root"
mount -t 9p -o "$P9,cache=mmap" job /job || die "9p job dir"
sd=0; [ ! -f /job/systemd ] || sd=1
mount -t tmpfs -o mode=0755 tmpfs /upper
mkdir -p /upper/data /upper/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/data,workdir=/upper/work /root || die overlay
R=/root
mount --move /proc $R/proc
mount --move /sys $R/sys
mount --move /dev $R/dev
mkdir -p $R/dev/pts $R/dev/shm $R/dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts $R/dev/pts
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm
mount -t mqueue mqueue $R/dev/mqueue
if [ $sd = 0 ]; then
  mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 $R/sys/fs/cgroup || die cgroup2
  for c in $(cat $R/sys/fs/cgroup/cgroup.controllers); do echo "+$c" > $R/sys/fs/cgroup/cgroup.subtree_control; done
fi
for d in /tmp /run; do mount -t tmpfs -o mode=1777 tmpfs $R$d; done
chmod 0755 $R/run
mkdir -p $R/run/vm-job
mount --move /job $R/run/vm-job
i=0
while read -r dir; do  # the shared directories, read-write at their host paths
  mkdir -p "$R$dir"
  mount -t 9p -o "$P9,cache=mmap" "rw$i" "$R$dir" || die "9p share $dir"
  i=$((i + 1))
done < $R/run/vm-job/shares
kmod=$R$(cat $R/run/vm-job/kmoddir)
if [ -d "$kmod" ]; then mkdir -p "$R/lib/modules/$(uname -r)" && mount --bind "$kmod" "$R/lib/modules/$(uname -r)"; fi
# busybox keeps its name (it picks the applet by the name it is called by)
mkdir -p $R/run/vm-bin && cp /bin/busybox $R/run/vm-bin/busybox
# modules on demand (overlay, veth, ...): the host root may have no kmod; busybox modprobe reads modules.dep
ln -s busybox $R/run/vm-bin/modprobe && echo /run/vm-bin/modprobe > $R/proc/sys/kernel/modprobe
echo "127.0.1.1 jrun-vm" >> $R/etc/hosts
echo jrun-vm > $R/etc/hostname
# the job: the command under bash, its output and exit status into the job dir
cat > $R/run/vm-bin/job <<'EOF'
/bin/bash /run/vm-job/cmd.sh </dev/null >/run/vm-job/stdout 2>/run/vm-job/stderr
echo $? > /run/vm-job/status
/run/vm-bin/busybox sync
EOF
if [ $sd = 1 ]; then
  # the job as the unit systemd boots to (--unit: not default.target, so none of the host's enabled services)
  cat > $R/etc/systemd/system/jrun-vm.service <<'EOF'
[Unit]
Description=run-in-vm.sh job
Wants=basic.target dbus.service
After=basic.target dbus.service
SuccessAction=reboot-force
FailureAction=reboot-force
[Service]
Type=oneshot
Delegate=yes
TimeoutStartSec=infinity
ExecStart=/run/vm-bin/busybox sh /run/vm-bin/job
EOF
  # no boot-time cleaning of /tmp and /var/tmp
  for u in systemd-tmpfiles-setup.service systemd-tmpfiles-clean.service systemd-tmpfiles-clean.timer; do
    ln -sf /dev/null $R/etc/systemd/system/$u
  done
  rm -f $R/.dockerenv  # a container marker to newer systemd
  exec switch_root $R /lib/systemd/systemd --unit=jrun-vm.service
fi
exec switch_root $R /run/vm-bin/busybox sh -c '
  B=/run/vm-bin/busybox
  $B hostname jrun-vm
  $B ip link set lo up
  $B mount --make-rshared /
  $B sh /run/vm-bin/job
  $B reboot -f'
