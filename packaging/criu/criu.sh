#!/bin/sh
# jrun's CRIU (packaging/criu/install-criu.sh): Debian sid's criu run on the glibc it was built against, through
# that glibc's loader. --library-path applies to criu alone, not to the programs it executes.
# Its own directory without readlink(1) and dirname(1) unless it is reached through a link: two fewer programs
# on every checkpoint and restore (~3-5 ms of the container's downtime; docs/checkpoint.md).
self=$0
case $self in */*) ;; *) self=$(command -v -- "$self") ;; esac
[ ! -L "$self" ] || self=$(readlink -f -- "$self")
root=${self%/*}/root
lib=$root/usr/lib/x86_64-linux-gnu
exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib" --argv0 criu "$root/usr/sbin/criu" "$@"
