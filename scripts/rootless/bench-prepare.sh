#!/bin/bash
# Prototype benchmark: repeated data-disk preparations (prepare-data-disk.sh), to see what the guest memory
# size, a gzip'd archive, or `docker import` instead of `docker load` change. Run as the user:
#   bench-prepare.sh GUEST.img IMAGE-ARCHIVE.tar ROOTFS.tar [REPS]
# (a gzip'd copy of the archive must sit next to it as ARCHIVE.gz, padded to a multiple of 512 bytes:
#  UML's ubd disks are whole sectors). One line per run; the "load_phase" is docker load/import alone.
set -u
GUEST=$1 ARCHIVE=$2 ROOTFS=$3 REPS=${4:-2}
D=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -u "${TMPDIR:-/tmp}/bench-out.XXXXXX.img")
for rep in $(seq 1 "$REPS"); do
  for v in "load:1G:$ARCHIVE" "load:2G:$ARCHIVE" "load:4G:$ARCHIVE" "load:2G:$ARCHIVE.gz" "import:2G:$ROOTFS"; do
    IFS=: read -r mode mem arch <<< "$v"
    l=$(cut -d' ' -f1 /proc/loadavg)
    log=$(MEM=$mem "$D/prepare-data-disk.sh" "$GUEST" "$arch" "$out" "$mode" 2>&1)
    e=$(echo "$log" | sed -n 's/netlab-guest: prepare-engine //p' | tr -d '\r')
    ld=$(echo "$log" | sed -n 's/netlab-guest: prepare-loaded //p' | tr -d '\r')
    tot=$(echo "$log" | sed -n 's/.* in \(.*\) s$/\1/p')
    echo "rep=$rep mode=$mode mem=$mem archive=${arch##*/} load_before=$l load_phase=$(awk -v a="$e" -v b="$ld" 'BEGIN { printf "%.1f", b - a }') total=$tot"
    rm -f "$out"
  done
done
