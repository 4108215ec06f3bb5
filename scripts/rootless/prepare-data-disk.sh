#!/usr/bin/env bash
# Make the guest engine's data disk (docker.img: an ext4 with the book's images already in /var/lib/docker)
# with no outer Docker engine and no root. One UML boot with no network at all: the guest init
# (netlab_prepare=load) starts dockerd, runs `docker load -i` on each image archive given as read-only disks
# from the fourth on, keeps the archives named by KEEP (ubdd:NAME,...) on the data disk, stops the engine,
# unmounts and powers off.
#
#   prepare-data-disk.sh GUEST.img OUT-docker.img ARCHIVE.tar [ARCHIVE.tar ...]   (at most 4 archives)
#
# Environment: MEM (guest memory, default 2G), DISK_SIZE (default 16G, sparse), TMPDIR (where UML maps
# guest memory; it must allow exec — see docs), NETLAB_PREPARE_TIMEOUT (default 900 s).
set -euo pipefail
GUEST=${1:?"usage: $0 GUEST.img OUT-docker.img ARCHIVE.tar [ARCHIVE.tar ...]"}
OUT=${2:?}
shift 2
[ $# -ge 1 ] && [ $# -le 4 ] || { echo "give 1 to 4 image archives" >&2; exit 2; }
disks=()
n=0
for a in "$@"; do disks+=("ubd$((n + 3))r=$a"); n=$((n + 1)); done
out_abs=$(realpath -m "$OUT")
work=$(mktemp -d "$(dirname "$out_abs")/.prepare.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/uml" "$work/empty"
cp --sparse=always "$GUEST" "$work/root.img"     # the guest's root disk is never written in place
truncate -s "${DISK_SIZE:-16G}" "$work/docker.img"
/sbin/mkfs.ext4 -q -F -L docker -E lazy_itable_init=1 "$work/docker.img"
start=$(date +%s.%N)
# hostfs= points hostfs at an empty folder: the guest kernel can't see the user's files.
TMPDIR=${TMPDIR:-$work} timeout "${NETLAB_PREPARE_TIMEOUT:-900}" linux.uml mem="${MEM:-2G}" umid=prepare \
  uml_dir="$work/uml" hostfs="$work/empty" \
  ubd0="$work/root.img" ubd1="$work/docker.img" "${disks[@]}" root=/dev/ubda rw \
  init=/usr/sbin/netlab-guest-init netlab_prepare=load ${KEEP:+netlab_keep=$KEEP} netlab_name=prepare \
  con=null con0=null,fd:1 quiet >"$work/console.log" 2>&1 </dev/null || true
end=$(date +%s.%N)
grep -E '^netlab-(guest|image):' "$work/console.log" >&2 || true
if grep -q 'netlab-guest: prepare-failed' "$work/console.log" || ! grep -q 'netlab-guest: prepare-done' "$work/console.log"; then
  echo "data disk failed; console:" >&2; tail -40 "$work/console.log" >&2; exit 1
fi
mv "$work/docker.img" "$out_abs"
echo "prepared $out_abs in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s" >&2
echo "$out_abs"
