#!/usr/bin/env python3
"""Prototype: capture the rootless lab host's wire (the vde hub between guests) into a pcap file.

    vde-capture.py VDE_CTL_DIR OUT.pcap [--count N] [--seconds S]

The container-based lab host captured on br0, outside every guest kernel, so a capture shows the frames exactly
as a node sent them (chapter 14's ESP). With no bridge and no root, the same place is the vde switch: started in
hub mode (`vde_switch --hub`), it copies every frame to every port, including this one. `vde_plug vde://DIR` with
no second plug turns the port into a byte stream on stdout: each frame is a 2-byte big-endian length and the
frame (vdeplug4's stream encoding). This script only reads: it never writes to vde_plug's stdin.
"""

from __future__ import annotations

import argparse
import struct
import subprocess
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("ctl")
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=0)
    args = parser.parse_args()
    plug = subprocess.Popen(["vde_plug", f"vde://{args.ctl}"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    deadline = time.monotonic() + args.seconds if args.seconds else None
    frames = 0
    with open(args.out, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # pcap header, LINKTYPE_ETHERNET
        out.flush()
        stream = plug.stdout
        assert stream is not None
        try:
            while deadline is None or time.monotonic() < deadline:
                head = stream.read(2)
                if len(head) < 2:
                    break
                (length,) = struct.unpack(">H", head)
                frame = stream.read(length)
                now = time.time()
                out.write(struct.pack("<IIII", int(now), int((now % 1) * 1e6), len(frame), len(frame)))
                out.write(frame)
                out.flush()
                frames += 1
                if args.count and frames >= args.count:
                    break
        except KeyboardInterrupt:
            pass
        finally:
            plug.terminate()
    print(f"{frames} frames", file=sys.stderr)


if __name__ == "__main__":
    main()
