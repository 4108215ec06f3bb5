#!/usr/bin/env bash
# Prototype: build the lab host's guest root disk (ext4) as an ordinary user: no root, no Docker engine,
# no user namespaces (so it also works as uid 1000 in a container with Docker's default seccomp profile,
# which blocks unshare(CLONE_NEWUSER)).
#
#   build-guest-image.sh OUT.img
#
# How (see docs/rootless-labhost-measurements.md for the measurements):
#  - TMPDIR=$work mmdebstrap --mode=fakechroot runs itself under `fakechroot fakeroot`: dpkg and the maintainer scripts
#    believe they are root in a chroot, and every file they create is really owned by the calling user.
#  - --format=null: the temporary tree is never the product. The last customize hook runs *inside the same
#    fakeroot session*, so `mkfs.ext4 -d` sees the faked owners (root, docker group, setuid bits) and writes
#    them into the ext4. No tar round trip, no saved fakeroot state.
#  - the packages are images/labhost/packages.txt minus user-mode-linux (the guest doesn't run UML) plus the
#    book's engine .debs (images/engine-debs.txt, fetched by scripts/engine-debs.sh, which works unprivileged:
#    it keeps its own apt lists in the cache folder).
#  - the guest kernel's modules are copied from the host's user-mode-linux package (/usr/lib/uml/modules/<ver>),
#    so modules and the kernel that boots them always come from the same package on the reader's machine.
#  - iptables-legacy: Debian's UML 6.1 has no NF_TABLES_IPV4 (same as images/labhost/Dockerfile).
set -euo pipefail
OUT=${1:?"usage: $0 OUT.img"}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${NETLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/netlab}
DEBS=$CACHE/engine-debs
MIRROR=${NETLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
UMLMOD=/usr/lib/uml/modules
[ -d "$UMLMOD" ] || { echo "user-mode-linux is not installed ($UMLMOD missing)" >&2; exit 1; }
for tool in mmdebstrap fakechroot fakeroot mkfs.ext4; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "missing: $tool" >&2; exit 1; }
done
export PATH="$PATH:/usr/sbin:/sbin"

# Not `mapfile < <(...)`: a failure inside process substitution would go unnoticed and the guest would have no
# engine (measured: the guest init then waited for a dockerd that did not exist).
debs_out=$(bash "$REPO/scripts/engine-debs.sh" "$DEBS" "$REPO/images/engine-debs.txt")
mapfile -t debs <<<"$debs_out"
[ "${#debs[@]}" -ge 4 ] || { echo "engine .debs missing (got ${#debs[@]})" >&2; exit 1; }
pkgs=$(grep -v '^#' "$REPO/images/labhost/packages.txt" | grep -vx 'user-mode-linux' | tr '\n' ',')
include=(--include="$pkgs")
for d in "${debs[@]}"; do include+=(--include="$d"); done

# TMPDIR holds the temporary tree (about 700 MB): keep it next to the output, not in a small /tmp.
work=$(mktemp -d "$(dirname "$(realpath -m "$OUT")")/.guest-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
out_abs=$(realpath -m "$OUT")

# The hooks get the tree's path as $1. They run outside the (fake) chroot but inside the fakeroot session.
# Measured pitfall: fakechroot stores every absolute symlink made inside the fake chroot (dpkg's, update-alternatives')
# with the tree's real path in front (/tmp/mmdebstrap.XXXX/usr/sbin/...). mmdebstrap's own tar output hides this
# because it runs tar inside the fake chroot, but mkfs.ext4 -d runs outside and would copy the broken links
# (229 of 230 absolute links in the first try). The two find hooks strip the prefix and check that none is left.
TMPDIR=$work mmdebstrap --mode=fakechroot --variant=minbase --format=null \
  "${include[@]}" \
  --hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount \
  --customize-hook='chroot "$1" update-alternatives --set iptables /usr/sbin/iptables-legacy' \
  --customize-hook='chroot "$1" update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy' \
  --customize-hook="upload $REPO/scripts/rootless/guest-init /usr/sbin/netlab-guest-init" \
  --customize-hook='chmod 755 "$1/usr/sbin/netlab-guest-init"' \
  --customize-hook='mkdir -p "$1/usr/lib/uml" "$1/usr/lib/modules"' \
  --customize-hook="copy-in $UMLMOD /usr/lib/uml" \
  --customize-hook='for v in "$1"/usr/lib/uml/modules/*; do ln -s "/usr/lib/uml/modules/${v##*/}" "$1/usr/lib/modules/${v##*/}"; done' \
  --customize-hook="p='$DEBS'; while [ \"\$p\" != / ] && rmdir \"\$1\$p\" 2>/dev/null; do p=\$(dirname \"\$p\"); done; mkdir -p \"\$1/home\" \"\$1/root\"" \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/archives/*.deb "$1"/var/cache/apt/*.bin' \
  --customize-hook='rm -f "$1"/var/log/*.log "$1"/var/cache/debconf/*-old "$1"/var/lib/dpkg/*-old' \
  --customize-hook='find "$1" -type l -lname "$1/*" -exec sh -c '"'"'b=$1; shift; for l; do t=$(readlink "$l"); ln -sfn "${t#"$b"}" "$l"; done'"'"' sh "$1" {} +' \
  --customize-hook='bad=$(find "$1" -type l -lname "$1/*" | wc -l); [ "$bad" = 0 ] || { echo "$bad symlinks still point into $1" >&2; exit 1; }' \
  --customize-hook="size=\$(du -sm \"\$1\" | cut -f1); mkfs.ext4 -q -F -L guest -d \"\$1\" '$work/guest.img' \"\$((size * 13 / 10 + 64))M\"" \
  bookworm /dev/null "$MIRROR" >&2
mv "$work/guest.img" "$out_abs"
echo "$out_abs"
