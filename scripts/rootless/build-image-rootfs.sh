#!/usr/bin/env bash
# The root file system of one of the book's images (images/<RECIPE>) as a plain tar, made as an ordinary user
# with no Docker engine and no user namespaces: mmdebstrap --mode=fakechroot writes the tar inside its fakeroot
# session (owners are root in the tar) and runs tar inside the fake chroot (absolute symlinks stay right).
#
#   build-image-rootfs.sh RECIPE OUT.tar [SRC:DEST:MODE ...]
#
# It replaces the Dockerfile's steps for the rootless lab host (python -m netlab rootless prepare):
#   packages.txt                       -> --variant=minbase --include=...
#   the engine .debs (node recipe)     -> --include=<local .deb> (scripts/engine-debs.sh, unprivileged)
#   COPY of files (lab recipe)         -> SRC:DEST:MODE arguments, given by netlab (images.package_files and the
#                                         recipe's own files), so the table lives in one place
#   rm /etc/nginx/sites-enabled/default, ENV, CMD  -> hook here / image config (make-image-archive.py)
# iptables: the UML guest kernel (Debian's user-mode-linux 6.1) has no nf_tables for IPv4, so an engine inside
# this image (the node recipe, Docker-in-Docker inside the guest) must use iptables-legacy, as the guest does.
# Documentation and man pages are left out (dpkg path-exclude), as in the slim image; copyright files stay.
# SOURCE_DATE_EPOCH makes the tar reproducible (same mirror state, same tar, same image ID).
set -euo pipefail
RECIPE=${1:?"usage: $0 RECIPE OUT.tar [SRC:DEST:MODE ...]"}
OUT=${2:?}
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${NETLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/netlab}
MIRROR=${NETLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
export PATH="$PATH:/usr/sbin:/sbin"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
pkgs=$(grep -v '^#' "$REPO/images/$RECIPE/packages.txt" | tr '\n' ',')
args=(--include="$pkgs")
if grep -q 'engine-debs/' "$REPO/images/$RECIPE/Dockerfile"; then
  debs_out=$(bash "$REPO/scripts/engine-debs.sh" "$CACHE/engine-debs" "$REPO/images/engine-debs.txt")
  mapfile -t debs <<<"$debs_out"
  [ "${#debs[@]}" -ge 4 ] || { echo "engine .debs missing (got ${#debs[@]})" >&2; exit 1; }
  for d in "${debs[@]}"; do args+=(--include="$d"); done
  # the .debs' folder is bind-mounted into the tree by the hook dir below; remove the empty mount point
  args+=(--customize-hook="p='$CACHE/engine-debs'; while [ \"\$p\" != / ] && rmdir \"\$1\$p\" 2>/dev/null; do p=\$(dirname \"\$p\"); done; true")
fi
for spec in "$@"; do
  IFS=: read -r src dest mode <<<"$spec"
  args+=(--customize-hook="mkdir -p \"\$1$(dirname "$dest")\"" --customize-hook="upload $src $dest"
         --customize-hook="chmod $mode \"\$1$dest\"")
done
out_abs=$(realpath -m "$OUT")
work=$(mktemp -d "$(dirname "$out_abs")/.rootfs-$RECIPE.XXXXXX")
trap 'rm -rf "$work"' EXIT
TMPDIR=$work mmdebstrap --mode=fakechroot --variant=minbase --format=tar "${args[@]}" \
  --hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --customize-hook='rm -f "$1/etc/nginx/sites-enabled/default"' \
  --customize-hook='if [ -x "$1/usr/sbin/iptables-legacy" ]; then chroot "$1" update-alternatives --set iptables /usr/sbin/iptables-legacy; chroot "$1" update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy; fi' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/archives/*.deb "$1"/var/cache/apt/*.bin' \
  --customize-hook='rm -f "$1"/var/log/*.log "$1"/var/cache/debconf/*-old "$1"/var/lib/dpkg/*-old "$1/etc/machine-id"' \
  bookworm "$work/rootfs.tar" "$MIRROR" >&2
mv "$work/rootfs.tar" "$out_abs"
echo "$out_abs"
