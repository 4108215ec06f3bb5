#!/bin/sh
# Prototype helper: replace /usr/sbin/netlab-guest-init in an existing guest root image without rebuilding it
# (debugfs works on an image file as an ordinary user). The new inode is made root-owned and 0755 by hand,
# because debugfs copies the host file's owner (the user).
#   put-init.sh IMAGE [INIT]
set -eu
img=$1
init=${2:-$(dirname "$0")/guest-init}
/sbin/debugfs -w -R "rm /usr/sbin/netlab-guest-init" "$img" >/dev/null 2>&1 || true
/sbin/debugfs -w -f - "$img" >/dev/null 2>&1 <<CMDS
write $init /usr/sbin/netlab-guest-init
sif /usr/sbin/netlab-guest-init uid 0
sif /usr/sbin/netlab-guest-init gid 0
sif /usr/sbin/netlab-guest-init mode 0100755
CMDS
/sbin/debugfs -R "stat /usr/sbin/netlab-guest-init" "$img" 2>/dev/null | grep -E 'Mode|User'
