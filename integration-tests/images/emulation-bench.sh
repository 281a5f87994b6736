#!/bin/sh
# The cost of QEMU user-mode emulation (docs/images.md "Any architecture"): one CPU-bound loop (shell
# arithmetic: user-space code only, translated by QEMU) and one syscall-bound loop (dd of 1-byte blocks: a
# read and a write per byte, which QEMU passes to the host kernel), each run natively (amd64) and emulated
# (arm64) in `jrun run --image` containers of the same busybox image. Prints the median of 3 runs in seconds.
set -eu
JRUN=${1:-jrun}
N=${N:-300000}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/jrun-emu.XXXXXX)
trap 'rm -rf "$T"' EXIT
set -- $(sh "$HERE/get-busybox.sh")
python3 "$HERE/mk-layout.py" busybox "$T/image" "$1" "$2"
CPU="i=0; while [ \$i -lt $N ]; do i=\$((i+1)); done"
SYS="dd if=/dev/zero of=/dev/null bs=1 count=$N 2>/dev/null"
secs() { # arch, script: median wall seconds of the script inside the container (busybox time)
	for k in 1 2 3; do
		"$JRUN" --root "$T/state" run --store "$T/store" --image "$T/image:latest" --platform "linux/$1" "bench-$$-$k" -- \
			sh -c "time sh -c '$2'" 2>&1 >/dev/null | sed -n 's/^real[^0-9]*\([0-9]*\)m \{0,1\}\([0-9.]*\)s$/\1 \2/p' |
			awk '{ printf "%.2f\n", $1 * 60 + $2 }'
	done | sort -n | sed -n 2p
}
printf "%-28s %10s %10s %10s\n" "loop ($N iterations)" "amd64 (s)" "arm64 (s)" "slowdown"
for kind in CPU SYS; do
	eval script=\$$kind
	a=$(secs amd64 "$script"); b=$(secs arm64 "$script")
	name=$([ $kind = CPU ] && echo "CPU-bound (sh arithmetic)" || echo "syscall-bound (dd bs=1)")
	printf "%-28s %10s %10s %9sx\n" "$name" "$a" "$b" "$(awk "BEGIN { printf \"%.1f\", $b / $a }")"
done
