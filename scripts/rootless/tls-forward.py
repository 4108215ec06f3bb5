#!/usr/bin/env python3
"""Prototype: a unix socket in a 0700 folder that forwards each connection to a guest engine's TLS port.

    tls-forward.py SOCKET PORT CERT_DIR      # then DOCKER_HOST=unix://SOCKET for the notebook

Why: the guest engine listens only with ``--tlsverify`` on 127.0.0.1:<port> (docs/rootless-labhost-measurements.md),
so other local users who can reach that port get nothing without the client key (mode 0600 in the user's
cache). The notebook, docker-py and the ``docker`` CLI then talk plain HTTP over a unix socket that only the
user can open, which is how netlab reaches every other engine (``DOCKER_HOST=unix://…``): no TLS settings in
docker-py (it failed here when ``REQUESTS_CA_BUNDLE`` was set) and no change to netlab. One thread pair per
connection; a connection that fails to open TLS is closed and the reason goes to standard error.
"""

from __future__ import annotations

import argparse
import os
import socket
import socketserver
import ssl
import sys
import threading
from pathlib import Path


def pump(src: socket.socket, dst: socket.socket) -> None:
    """Copy until EOF, then half-close the other side so HTTP hijacked streams (attach, exec) end cleanly."""
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def make_handler(port: int, context: ssl.SSLContext) -> type[socketserver.BaseRequestHandler]:
    class Forward(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            try:
                raw = socket.create_connection(("127.0.0.1", port), timeout=30)
                upstream = context.wrap_socket(raw, server_hostname="localhost")
                upstream.settimeout(None)
            except (OSError, ssl.SSLError) as exc:
                print(f"tls-forward: 127.0.0.1:{port}: {exc}", file=sys.stderr, flush=True)
                return
            with upstream:
                back = threading.Thread(target=pump, args=(upstream, self.request), daemon=True)
                back.start()
                pump(self.request, upstream)
                back.join()

    return Forward


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("socket", type=Path)
    parser.add_argument("port", type=int)
    parser.add_argument("certs", type=Path, help="folder with ca.pem, cert.pem, key.pem (make-tls.sh)")
    args = parser.parse_args()
    context = ssl.create_default_context(cafile=str(args.certs / "ca.pem"))
    context.load_cert_chain(str(args.certs / "cert.pem"), str(args.certs / "key.pem"))
    args.socket.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(args.socket.parent, 0o700)
    args.socket.unlink(missing_ok=True)
    old = os.umask(0o177)
    try:
        server = Server(str(args.socket), make_handler(args.port, context))
    finally:
        os.umask(old)
    print(f"unix://{args.socket} -> tls://127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
