#!/bin/sh
# jrun's CRIU (packaging/criu/install-criu.sh): Debian sid's criu run on the glibc it was built against, through
# that glibc's loader. --library-path applies to criu alone, not to the programs it executes.
root=$(dirname "$(readlink -f "$0")")/root
lib=$root/usr/lib/x86_64-linux-gnu
exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib" --argv0 criu "$root/usr/sbin/criu" "$@"
