#!/bin/bash
# run-validation.sh RUNTIME... (make conformance, root): runs the OCI runtime-tools validation programs against each
# runtime and prints one row per program with each runtime's result side by side, then totals.
#
# The programs are not in this repository and nothing here builds them: build runtimetest and validation/*.t from
# https://github.com/opencontainers/runtime-tools (docs/conformance.md) and put them in $OCI_VALIDATION_DIR
# (default /var/tmp/oci-validation): $OCI_VALIDATION_DIR/runtimetest, $OCI_VALIDATION_DIR/validation/NAME.t.
#
# Environment: OCI_VALIDATION_DIR; OCI_FILTER (extended regex on program names); OCI_TEST_TIMEOUT (seconds per
# program, default 60); OCI_WORK (scratch, default /tmp/jrun-conformance: per runtime its --root, the programs'
# TMPDIR and logs/NAME.tap, logs/NAME.err).
#
# How a program is run: cwd holds runtimetest and rootfs-amd64.tar.gz (a busybox-static root filesystem), which the
# programs unpack into the bundles they generate under $TMPDIR; $RUNTIME is a wrapper adding --root, so no host
# state dir is used; each program runs in a mount namespace of its own (slave propagation), because some make the
# runtime mount into the caller's namespace. Between programs the runtime's containers, the bundles and the fixed
# cgroups the programs use (cgrouptest, testdir/cgrouptest) and jrun's default parent /jrun, once empty, are removed.
#
# A result is STATUS ok/not-ok: PASS; FAIL (a "not ok", or an "error" diagnostic outside any assertion, which is how
# some programs fail); ERROR (non-zero exit without either: read logs/NAME.err); TIMEOUT; SKIP (skips only). A
# program that exits 0 without any assertion counts one ok. Exit status: 0 when the last runtime passes every program
# the first one (the reference) passes; with one runtime, 0.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: run-validation.sh RUNTIME..." >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run-validation: needs root (namespaces, cgroups, mounts)" >&2; exit 2; }
progs=${OCI_VALIDATION_DIR:-/var/tmp/oci-validation}
work=${OCI_WORK:-/tmp/jrun-conformance}
timeout=${OCI_TEST_TIMEOUT:-60}
if [ ! -x "$progs/runtimetest" ] || ! ls "$progs"/validation/*.t >/dev/null 2>&1; then
  echo "run-validation: no prebuilt programs in $progs (runtimetest, validation/*.t); see docs/conformance.md" >&2
  exit 2
fi
command -v busybox >/dev/null || { echo "run-validation: busybox (Debian busybox-static) is needed for the rootfs" >&2; exit 2; }
names=$(cd "$progs/validation" && ls -- *.t | sed 's/\.t$//' | grep -E -- "${OCI_FILTER:-.}" || true)
[ -n "$names" ] || { echo "run-validation: no program matches '${OCI_FILTER:-}'" >&2; exit 2; }

mkdir -p "$work"
# the programs use fixed cgroup names: one run at a time on a machine
exec 8>"$work/.lock"
flock -w 3600 8 || { echo "run-validation: $work/.lock is held" >&2; exit 2; }

# rootfs-amd64.tar.gz: busybox with a link per applet, and the passwd/group files the programs read
make_rootfs() {
  local tree=$work/rootfs app
  rm -rf "$tree" && mkdir -p "$tree"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,etc,root,run,var} && install -d -m 1777 "$tree/tmp"
  install -m 0755 "$(command -v busybox)" "$tree/bin/busybox"
  for app in $("$tree/bin/busybox" --list-full); do
    [ -e "$tree/$app" ] || ln -s /bin/busybox "$tree/$app"
  done
  printf '%s\n' root:x:0:0:root:/root:/bin/sh nobody:x:65534:65534:nobody:/:/bin/false > "$tree/etc/passwd"
  printf '%s\n' root:x:0: tty:x:5: nogroup:x:65534: > "$tree/etc/group"
  tar --numeric-owner --owner=0 --group=0 -czf "$work/rootfs-amd64.tar.gz" -C "$tree" .
  rm -rf "$tree"
}
make_rootfs

# The fixed cgroups the programs create, for every hierarchy, at its root and under this shell's own cgroup.
cgroup_leftovers() {
  local mnt own
  while IFS=: read -r _ ctrl own; do
    if [ -z "$ctrl" ]; then
      mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
    else
      mnt=$(awk -v c="${ctrl%%,*}" '$3 == "cgroup" && ("," $4 ",") ~ ("," c ",") { print $2; exit }' /proc/self/mounts)
    fi
    [ -n "$mnt" ] || continue
    for base in "$mnt${own%/}" "$mnt"; do
      echo "$base/testdir/cgrouptest/container" "$base/testdir/cgrouptest" "$base/testdir"
    done
    echo "$mnt/cgrouptest"
    # the programs' configs have no cgroupsPath: jrun puts those containers under /jrun/<id> and delete removes only
    # the leaf; rmdir takes the parent only when it is empty, so no one else's container is touched
    echo "$mnt/jrun"
  done < /proc/self/cgroup
}
leftovers=$(cgroup_leftovers)

# counts RUNTIME-NAME TAP: prints "ok not_ok skipped" for a program's TAP (top-level lines only: runtimetest's
# own TAP is nested in YAML); an "error" diagnostic not following an assertion is one not-ok
counts() {
  awk '
    /^  ---$/ { yaml = 1; err = 0; next }
    yaml && /^  \.\.\.$/ { yaml = 0; if (err && !asserted) bad++; next }
    yaml { if ($0 ~ /^    "error": "[^"]/) err = 1; next }
    /^not ok/ { if (tolower($0) ~ /# *todo/) skip++; else bad++; asserted = 1; next }
    /^ok/ { if (tolower($0) ~ /# *(skip|todo)/) skip++; else good++; asserted = 1; next }
    /^1\.\.|^TAP version/ { asserted = 0 }
    END { print good + 0, bad + 0, skip + 0 }' "$1"
}

# run_all RUNTIME: every program against RUNTIME; leaves "NAME STATUS ok not_ok" lines in $work/NAME.results
run_all() {
  local bin=$1 name dir wrapper state rc good bad skip status t0
  name=$(basename "$bin")
  dir=$work/$name
  rm -rf "$dir" && mkdir -p "$dir/state" "$dir/tmp" "$dir/logs" "$dir/cwd"
  wrapper=$dir/runtime
  state=$dir/state
  printf '#!/bin/sh\nexec %q --root %q "$@"\n' "$bin" "$state" > "$wrapper"
  chmod 0755 "$wrapper"
  cp "$work/rootfs-amd64.tar.gz" "$progs/runtimetest" "$dir/cwd/"
  : > "$dir/results"
  echo "# $name: $("$bin" --version 2>/dev/null | head -1)" >&2
  for p in $names; do
    t0=$SECONDS
    rc=0
    (cd "$dir/cwd" && RUNTIME=$wrapper TMPDIR=$dir/tmp timeout -k 10 "$timeout" \
       unshare --mount --propagation slave "$progs/validation/$p.t") </dev/null >"$dir/logs/$p.tap" 2>"$dir/logs/$p.err" || rc=$?
    read -r good bad skip < <(counts "$dir/logs/$p.tap")
    if [ $rc = 124 ] || [ $rc = 137 ]; then status=TIMEOUT
    elif [ "$bad" -gt 0 ]; then status=FAIL
    elif [ $rc != 0 ]; then status=ERROR
    elif [ "$good" = 0 ] && [ "$skip" -gt 0 ]; then status=SKIP
    else status=PASS; [ "$good" -gt 0 ] || good=1
    fi
    case $status in TIMEOUT|ERROR) [ "$bad" -gt 0 ] || bad=1 ;; esac
    echo "$p $status $good $bad" >> "$dir/results"
    echo "#   $p: $status $good/$bad ($((SECONDS - t0)) s)" >&2
    clean "$wrapper" "$state" "$dir/tmp"
  done
}

# clean WRAPPER STATE TMP: the runtime's containers (force-deleted), the bundles, the programs' fixed cgroups
clean() {
  local id d
  for id in $("$1" list -q 2>/dev/null || ls "$2"); do
    [ -d "$2/$id" ] || continue
    "$1" delete --force "$id" >/dev/null 2>&1 || { "$1" kill "$id" KILL; sleep 0.2; "$1" delete --force "$id"; } >/dev/null 2>&1 || true
  done
  find "$3" -mindepth 1 -maxdepth 1 -exec rm -rf --one-file-system {} + 2>/dev/null || true
  for d in $leftovers; do [ -d "$d" ] && rmdir "$d" 2>/dev/null || true; done
}

runtimes=()
for r in "$@"; do
  bin=$(command -v -- "$r") || { echo "run-validation: runtime not found: $r" >&2; exit 2; }
  runtimes+=("$(readlink -f "$bin")")
done
for bin in "${runtimes[@]}"; do run_all "$bin"; done

# the table: one column per runtime
header="| program |" rule="| --- |"
for bin in "${runtimes[@]}"; do header+=" $(basename "$bin") |"; rule+=" --- |"; done
echo "$header"; echo "$rule"
for p in $names; do
  row="| $p |"
  for bin in "${runtimes[@]}"; do
    row+=" $(awk -v p="$p" '$1 == p { print $2, $3 "/" $4 }' "$work/$(basename "$bin")/results") |"
  done
  echo "$row"
done
echo
for bin in "${runtimes[@]}"; do
  r=$work/$(basename "$bin")/results
  read -r passed failed good bad < <(awk '{ if ($2 == "PASS") p++; else f++; g += $3; b += $4 } END { print p + 0, f + 0, g + 0, b + 0 }' "$r")
  echo "$(basename "$bin"): $passed programs passed, $failed did not; $good assertions passed, $bad failed (logs: $work/$(basename "$bin")/logs)"
done
# Several programs fail for reasons of the host or of the programs themselves, with every runtime: the verdict is
# relative to the first runtime (the reference, runc): a program it passes that the last one does not.
ref=$work/$(basename "${runtimes[0]}")/results last=$work/$(basename "${runtimes[-1]}")/results
worse=$(awk 'NR == FNR { if ($2 == "PASS") ref[$1] = 1; next } ($1 in ref) && $2 != "PASS" { print $1 }' "$ref" "$last")
if [ -n "$worse" ]; then echo "passed by $(basename "${runtimes[0]}") but not by $(basename "${runtimes[-1]}"):" $worse; exit 1; fi
[ ${#runtimes[@]} = 1 ] || echo "every program $(basename "${runtimes[0]}") passes, $(basename "${runtimes[-1]}") passes"
