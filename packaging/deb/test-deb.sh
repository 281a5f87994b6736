#!/bin/bash
# test-deb.sh JRUN.deb (make deb-test, root): installs the package, checks what it installed (man page,
# completion, conffile), runs a busybox container through /usr/bin/jrun with its default --root, purges the
# package and checks that nothing of it is left: none of its files, no /run/jrun.
#
# Another jrun may be installed on this machine by `make install` (/usr/local/bin/jrun, its podman drop-in at
# /etc/containers/containers.conf.d/jrun.conf, its containers' state in /run/jrun). The package's conffile has the
# same name, and a purge deletes it whoever wrote it: so the test runs in a private mount namespace in which /etc
# is overlaid (writes go to a scratch dir; make install's drop-in is hidden, as on a machine without it) and /run
# is a fresh tmpfs. dpkg's database and /usr are the real ones.
set -euo pipefail
deb=$(readlink -f "${1:?usage: test-deb.sh JRUN.deb}")
[ "$(id -u)" = 0 ] || { echo "test-deb: needs root" >&2; exit 2; }
if [ -z "${JRUN_DEB_TEST_NS:-}" ]; then
  scratch=$(mktemp -d /tmp/jrun-deb-etc.XXXXXX)
  mkdir "$scratch/upper" "$scratch/work"
  rc=0
  JRUN_DEB_TEST_NS=$scratch unshare --mount --propagation private bash -c '
    mount -t overlay overlay -o "lowerdir=/etc,upperdir=$JRUN_DEB_TEST_NS/upper,workdir=$JRUN_DEB_TEST_NS/work" /etc &&
    mount -t tmpfs -o mode=0755 tmpfs /run && rm -f /etc/containers/containers.conf.d/jrun.conf &&
    exec bash "$0" "$1"' "$0" "$deb" || rc=$?
  rm -rf "$scratch"
  exit $rc
fi
here=$(cd "$(dirname "$0")" && pwd)
jrun=/usr/bin/jrun
pass=0
ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }
fail() { echo "not ok - $*" >&2; exit 1; }
if dpkg -s jrun >/dev/null 2>&1; then fail "package jrun is already installed: dpkg --purge jrun first"; fi
work=$(mktemp -d /tmp/jrun-deb-test.XXXXXX)
cleanup() {
  "$jrun" delete --force jrun-deb-test >/dev/null 2>&1 || true
  rmdir /sys/fs/cgroup/*/jrun-deb-test 2>/dev/null || true
  dpkg -s jrun >/dev/null 2>&1 && dpkg --purge jrun >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

start=$(date +%s%N)
dpkg -i "$deb" >/dev/null || fail "dpkg -i $deb"
ok "dpkg -i ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
dpkg -L jrun | sort > "$work/files"

"$jrun" --version | grep -q '^jrun version ' || fail "jrun --version"
ok "$("$jrun" --version | head -1)"
if command -v man >/dev/null; then
  MANPAGER=cat MANWIDTH=120 man jrun-create 2>/dev/null | grep -q -- '--bundle' || fail "man jrun-create shows no --bundle"
  ok "man jrun-create shows the create options"
else
  [ -f /usr/share/man/man8/jrun-create.8.gz ] || fail "no jrun-create.8.gz"
  ok "jrun-create.8.gz installed (man-db not installed: not rendered)"
fi
[ "$(bash -c 'source /usr/share/bash-completion/completions/jrun; COMP_WORDS=(jrun de); COMP_CWORD=1; _jrun; echo "${COMPREPLY[*]}"')" = delete ] \
  || fail "bash completion of 'jrun de'"
ok "bash completes 'jrun de' to delete"
grep -qx /etc/containers/containers.conf.d/jrun.conf <(dpkg-query -W -f='${Conffiles}\n' jrun | awk '{print $1}') \
  || fail "containers.conf.d/jrun.conf is not a conffile"
grep -q '"/usr/bin/jrun"' /etc/containers/containers.conf.d/jrun.conf || fail "the podman drop-in does not name /usr/bin/jrun"
ok "podman drop-in: a conffile naming /usr/bin/jrun"
for f in /usr/share/doc/jrun/copyright /usr/share/doc/jrun/examples/containerd-config.toml \
         /usr/share/doc/jrun/examples/docker-daemon.json /usr/lib/jrun/jrun.aot /usr/lib/jrun/jrun-short.aot; do
  [ -f "$f" ] || fail "missing $f"
done
ok "copyright, examples and AOT caches installed"

# the demo container (packaging/demo.sh), through the package's jrun and its default --root /run/jrun
JRUN=$jrun bash "$here/../busybox-bundle.sh" "$work/bundle" sh -c 'echo "hello from $(hostname)"' >/dev/null
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]; c = json.load(open(p))
c["linux"]["cgroupsPath"] = "/jrun-deb-test/c"
c["hostname"] = "jrun-deb"
json.dump(c, open(p, "w"), indent=2)
PY
out=$("$jrun" run --bundle "$work/bundle" jrun-deb-test) || fail "jrun run: $out"
[ "$out" = "hello from jrun-deb" ] || fail "container printed: $out"
ok "busybox container: $out"
# the AOT caches were trained at /usr/lib/jrun in the staging tree: with the launcher's flags and class path the
# JVM takes jrun's classes from each of them
flags=$(sed -n 's/^jvm_flags="\(.*\)"$/\1/p' "$jrun")
cp=$(sed -n 's/.* -cp \([^ ]*\) .*/\1/p' "$jrun")
for cache in /usr/lib/jrun/*.aot; do
  # shellcheck disable=SC2086 # the flags are words
  /usr/lib/jrun/runtime/bin/java $flags -XX:AOTCache="$cache" -Xlog:class+load=info -Djrun.native.dir=/usr/lib/jrun \
    -cp "$cp" io.jrun.cli.Main --version > "$work/aot.log" 2>&1 || true
  grep -q 'io.jrun.cli.Main source: shared objects file' "$work/aot.log" || fail "AOT cache $cache not used"
done
t0=$(date +%s%N); "$jrun" state nonexistent >/dev/null 2>&1 || true; t1=$(date +%s%N)
ok "every AOT cache is used; jrun state (a miss) in $(( (t1 - t0) / 1000000 )) ms"
rmdir /sys/fs/cgroup/*/jrun-deb-test 2>/dev/null || true

dpkg --purge jrun >/dev/null || fail "dpkg --purge"
ok "dpkg --purge"
left=$(while read -r f; do if [ -e "$f" ] && [ ! -d "$f" ]; then echo "$f"; fi; done < "$work/files")
[ -z "$left" ] || fail "files left after purge: $left"
[ ! -e /usr/lib/jrun ] || fail "/usr/lib/jrun left after purge"
[ ! -e /etc/containers/containers.conf.d/jrun.conf ] || fail "conffile left after purge"
ok "no file of the package left"
[ ! -e /run/jrun ] || fail "/run/jrun left after purge: $(ls -A /run/jrun)"
ok "/run/jrun (made by the container) removed by the postrm"
[ -x /usr/local/bin/jrun ] && { /usr/local/bin/jrun --version >/dev/null || fail "/usr/local/bin/jrun broken"; ok "/usr/local/bin/jrun untouched"; }
echo "$pass passed"
