#!/usr/bin/env bash
# Prototype launcher of the rootless lab host: UML guests run by the user, no Docker, no root, no tap device,
# no /dev/net/tun, no user namespaces. (Design and measurements: docs/rootless-labhost-measurements.md.)
#
#   labhost.sh up [N]        boot guests 1..N (default 1); prints the environment for guest 1's engine
#   labhost.sh add K         boot guest K next to running ones
#   labhost.sh env K         DOCKER_HOST / DOCKER_TLS_VERIFY / DOCKER_CERT_PATH for guest K
#   labhost.sh capture FILE  write every frame on the lab wire (the vde hub) to FILE (pcap) until killed
#   labhost.sh down          stop everything and delete the run folder
#
# Layout (all under the user's cache, folders 0700, files 0600):
#   $CACHE/rootless/guest.img        guest root disk (build-guest-image.sh)
#   $CACHE/rootless/docker.img       prepared data disk (prepare-data-disk.sh); empty disk if absent
#   $CACHE/rootless/tls/             per-lab-host CA, client cert/key, server.tar (make-tls.sh)
#   $RUN = $CACHE/rootless/run/      vde.ctl/ (switch sockets), pids, g<K>/ (disk copies, console, UML dir)
#
# Wire: one vde_switch in hub mode ("br0" of the container design): guests attach with UML's vde transport
# (eth0=vde,<dir>), at 192.168.252.(K+1)/24. Hub mode costs little at this scale and lets `capture` see the
# frames between guests, as br0 did. Engine API: each guest also has eth1 (10.0.2.15/24) wired straight
# to its own libslirp router (vdeplug4's slirp://, 10.0.2.2) that forwards 127.0.0.1:<port K>
# to the guest's TLS port 2376 (dockerd --tlsverify). disable_host_loopback stops guests from reaching the
# user's localhost services through 10.0.2.2; the guests get no default route, so lab containers do not
# reach outside through slirp's NAT (guest root could add one: slirp has no "restrict" switch in vdeplug).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${NETLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/netlab}/rootless
RUN=$CACHE/run
TLS=$CACHE/tls
MEM=${LABHOST_MEM:-2G}
PORTS=$RUN/ports          # "K port" lines
umask 077

since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_wire() {
  [ -S "$RUN/vde.ctl/ctl" ] && return 0
  mkdir -p "$RUN"
  [ -s "$TLS/server.tar" ] || bash "$HERE/make-tls.sh" "$TLS" IP:127.0.0.1 DNS:localhost >/dev/null
  # The lab wire: guests only. No slirp here (see mgmt_url).
  vde_switch --hub -s "$RUN/vde.ctl" -m 0600 --dirmode 0700 -M "$RUN/vde.mgmt" --mgmtmode 0600 \
    -d -p "$RUN/switch.pid"
  touch "$PORTS"
}

# Guest K's management link (eth1): UML's vde transport hands its "switch" argument to a vde_plug helper
# it spawns (`vde_plug --descr "UML vde_transport" seqpacket://FD URL`), so a vdeplug4 URL works there:
# eth1 is wired straight to its own libslirp router (10.0.2.2), with no switch in between, and the helper
# dies with the UML process. The only host-side listener is 127.0.0.1:<port K>, TLS-only behind it.
# Measured pitfall (first try): one slirp plug on the shared hub receives every frame between guests and,
# being a NAT router that ignores the destination MAC, treated guest-to-guest TCP as its own outbound
# traffic: it reset a swarm join (192.168.252.3 -> .2:2377). (libslirp 4.7 maps in-network addresses to the
# host's loopback, refused here by disable_host_loopback; newer libslirp would connect to such an address
# for real.) One router per guest sees only that guest's frames. The URL must not contain a comma:
# UML splits its ethN= argument on commas.
mgmt_url() {
  local k=$1 p
  p=$(free_port)
  sed -i "/^$k /d" "$PORTS"
  echo "$k $p" >>"$PORTS"
  echo "slirp:///addr=10.0.2.2/disable_host_loopback/tcpfwd=127.0.0.1:$p:10.0.2.15:2376"
}

port_of() { awk -v k="$1" '$1 == k { print $2 }' "$PORTS"; }

env_of() {
  echo "DOCKER_HOST=tcp://127.0.0.1:$(port_of "$1")"
  echo "DOCKER_TLS_VERIFY=1"
  echo "DOCKER_CERT_PATH=$TLS"
}

boot() {
  local k=$1 d=$RUN/g$1
  [ ! -s "$d/pid" ] || ! kill -0 "$(cat "$d/pid")" 2>/dev/null || { echo "guest $k is running" >&2; return 0; }
  rm -rf "$d"; mkdir -p "$d/uml" "$d/empty" "$d/tmp"
  local url
  url=$(mgmt_url "$k")
  cp --sparse=always --reflink=auto "$CACHE/guest.img" "$d/root.img"
  if [ -s "$CACHE/docker.img" ]; then
    cp --sparse=always --reflink=auto "$CACHE/docker.img" "$d/docker.img"
  else
    truncate -s 16G "$d/docker.img" && /sbin/mkfs.ext4 -q -F "$d/docker.img"
  fi
  # UML maps guest memory from a file in TMPDIR with PROT_EXEC: the folder must allow exec. /dev/shm does on
  # most desktops, but not in containers (noexec, 64 MB); a disk folder works too (see the measurements).
  local tmp=${LABHOST_TMPDIR:-$d/tmp}
  TMPDIR=$tmp setsid linux.uml mem="$MEM" umid="g$k" uml_dir="$d/uml" hostfs="$d/empty" \
    ubd0="$d/root.img" ubd1="$d/docker.img" ubd2r="$TLS/server.tar" root=/dev/ubda rw \
    init=/usr/sbin/netlab-guest-init "netlab_addr=eth0:192.168.252.$((k + 1))/24" netlab_addr=eth1:10.0.2.15/24 \
    "netlab_name=labhost$k" "eth0=vde,$RUN/vde.ctl,02:4e:4c:00:00:0$k" "eth1=vde,$url,02:4e:4c:00:01:0$k" \
    con=null con0=null,fd:1 quiet >"$d/console.log" 2>&1 </dev/null &
  echo $! >"$d/pid"
}

wait_ping() {
  local k=$1 port i
  port=$(port_of "$k")
  for i in $(seq 1 "${LABHOST_BOOT_TIMEOUT:-240}"); do
    if [ "$(curl -s -m 2 --cacert "$TLS/ca.pem" --cert "$TLS/cert.pem" --key "$TLS/key.pem" \
           "https://127.0.0.1:$port/_ping" 2>/dev/null)" = OK ]; then return 0; fi
    kill -0 "$(cat "$RUN/g$k/pid")" 2>/dev/null || { echo "guest $k died:" >&2; tail -20 "$RUN/g$k/console.log" >&2; return 1; }
    sleep 0.5
  done
  echo "guest $k: no answer" >&2; return 1
}

stop_all() {
  local f
  for f in "$RUN"/g*/pid; do
    [ -s "$f" ] || continue
    kill -TERM "$(cat "$f")" 2>/dev/null || true   # UML powers off at once on SIGTERM
  done
  sleep 1
  # UML runs each guest address space in ptrace-stopped helper processes; if the main process goes away
  # abruptly a helper can be left stopped (state T), which ignores SIGTERM. Each guest was started with
  # setsid, so its process group id is its pid: SIGKILL the group.
  for f in "$RUN"/g*/pid; do [ -s "$f" ] && kill -KILL -- "-$(cat "$f")" 2>/dev/null || true; done
  for f in "$RUN/switch.pid"; do [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  rm -rf "$RUN"
}

case "${1:-}" in
  up)
    start_wire
    n=${2:-1}
    start=$(date +%s.%N)
    for k in $(seq 1 "$n"); do boot "$k"; done
    for k in $(seq 1 "$n"); do wait_ping "$k"; echo "guest $k answers after $(since "$start") s" >&2; done
    env_of 1 ;;
  add)
    start_wire; start=$(date +%s.%N); boot "$2"; wait_ping "$2"
    echo "guest $2 answers after $(since "$start") s" >&2
    env_of "$2" ;;
  env) env_of "$2" ;;
  capture) exec python3 "$HERE/vde-capture.py" "$RUN/vde.ctl" "$2" ;;
  down) stop_all ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
