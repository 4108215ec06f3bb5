#!/usr/bin/env bash
# Prototype: per-lab-host TLS material for the guest engine's API (dockerd --tlsverify), made as the user.
#
#   make-tls.sh DIR [SAN...]      e.g. make-tls.sh ~/.cache/netlab/rootless/tls IP:127.0.0.1 IP:10.0.2.15
#
# Why: a user-mode port forward (slirp's redir, slirpvde's -L, passt's -t) is a TCP listener on the host,
# and 127.0.0.1 is reachable by every local user. With --tlsverify only a client holding a certificate
# signed by this lab host's own CA gets in, and the CA key, client key and DIR are 0600/0700 in the user's cache.
# The CA lives only as long as the lab host's cache entry; nothing is added to any system trust store.
#
# Output in DIR:  ca.pem  cert.pem  key.pem   (the client, for docker-py / DOCKER_CERT_PATH)
#                 server.tar                   (ca.pem, cert.pem, key.pem of the server: the guest's tls disk)
set -euo pipefail
DIR=${1:?"usage: $0 DIR [SAN...]"}
shift
SANS=${*:-IP:127.0.0.1 DNS:localhost}
umask 077
mkdir -p "$DIR/server"
cd "$DIR"
days=3650
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca-key.pem -out ca.pem \
  -days "$days" -subj "/CN=netlab lab host CA $(date +%s)" 2>/dev/null
# server
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server/key.pem -out server.csr \
  -subj "/CN=netlab-labhost" 2>/dev/null
printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$(echo "$SANS" | tr ' ' ',')" >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days "$days" \
  -extfile server.ext -out server/cert.pem 2>/dev/null
cp ca.pem server/ca.pem
# client
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout key.pem -out client.csr \
  -subj "/CN=netlab-client" 2>/dev/null
printf 'extendedKeyUsage=clientAuth\n' >client.ext
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days "$days" \
  -extfile client.ext -out cert.pem 2>/dev/null
rm -f server.csr client.csr server.ext client.ext ca.srl
# The guest reads its TLS disk as a plain tar on a ubd device (no hostfs needed): tar pads to 10 KiB,
# so the file is a whole number of 512-byte sectors as UML's ubd wants.
tar -C server -cf server.tar ca.pem cert.pem key.pem
rm -rf server
echo "$DIR"
