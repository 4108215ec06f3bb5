#!/usr/bin/env bash
# Prototype: the lab image's root file system (images/lab) as a plain tar, made as an ordinary user with no
# Docker engine and no user namespaces: mmdebstrap --mode=fakechroot writes the tar *inside* its fakeroot
# session (owners are root in the tar) and runs tar inside the fake chroot (so absolute symlinks are right).
#
#   build-lab-rootfs.sh OUT.tar
#
# The tar is what the guest engine imports (`docker import`, or `docker load` of the archive made by
# make-image-archive.py). It replaces images/lab/Dockerfile's steps:
#   FROM debian:bookworm-slim + packages.txt   -> --variant=minbase --include=packages.txt
#   rm /etc/nginx/sites-enabled/default         -> customize hook
#   COPY whoami-server /usr/local/bin/          -> upload hook
#   ENV LANG=C.UTF-8 PYTHONUNBUFFERED=1, CMD    -> given at import/load time (image config), not in the tar
# Like the slim image, documentation and man pages are left out (dpkg path-exclude); copyright files stay.
set -euo pipefail
OUT=${1:?"usage: $0 OUT.tar"}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
MIRROR=${NETLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
pkgs=$(grep -v '^#' "$REPO/images/lab/packages.txt" | tr '\n' ',')
out_abs=$(realpath -m "$OUT")
# Reproducible tar: mmdebstrap honours SOURCE_DATE_EPOCH (file times, no machine-id, ...). Measured: two builds
# a minute apart gave bit-identical 238 MiB tars with it, different ones without. Same mirror state, same tar,
# same image ID from make-image-archive.py (which also uses SOURCE_DATE_EPOCH as the image's `created`).
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
work=$(mktemp -d "$(dirname "$out_abs")/.lab-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
TMPDIR=$work mmdebstrap --mode=fakechroot --variant=minbase --format=tar \
  --include="$pkgs" \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --customize-hook='rm -f "$1/etc/nginx/sites-enabled/default"' \
  --customize-hook="upload $REPO/images/lab/whoami-server /usr/local/bin/whoami-server" \
  --customize-hook='chmod 755 "$1/usr/local/bin/whoami-server"' \
  --customize-hook='rm -f "$1"/var/log/*.log "$1"/var/cache/debconf/*-old "$1"/var/lib/dpkg/*-old "$1/etc/machine-id"' \
  bookworm "$work/lab.tar" "$MIRROR" >&2
mv "$work/lab.tar" "$out_abs"
echo "$out_abs"
