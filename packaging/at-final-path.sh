#!/bin/bash
# at-final-path.sh STAGED_LIBDIR LIBDIR COMMAND...: runs COMMAND in a private mount namespace in which the staged
# runtime image (make install DESTDIR=...) is mounted at LIBDIR, its final path. The AOT caches record the class
# path they were trained with and are ignored under any other, so `make deb` trains them here; the host's LIBDIR
# is never touched. When LIBDIR does not exist on the host, its parent is overlaid (read-only, in the namespace
# only) with an empty directory of that name to mount on.
set -euo pipefail
staged=$(readlink -f "$1") final=$2
shift 2
[ -d "$staged" ] || { echo "at-final-path: no staged runtime at $staged" >&2; exit 1; }
empty=$(mktemp -d /tmp/jrun-at-final-path.XXXXXX)
trap 'rm -rf "$empty"' EXIT
mkdir "$empty/$(basename "$final")"
export staged final empty
# not exec'd: the trap removes the overlay's lower dir once the namespace (and its mounts) is gone
unshare --mount --propagation private bash -c '
  set -euo pipefail
  if [ ! -d "$final" ]; then
    parent=$(dirname "$final")
    mount -t overlay overlay -o "lowerdir=$empty:$parent" "$parent"
  fi
  mount --bind "$staged" "$final"
  exec "$@"
' at-final-path "$@"
