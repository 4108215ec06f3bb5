#!/usr/bin/env python3
"""Prototype: wrap a root file system tar into a one-layer image archive that `docker load` accepts.

    make-image-archive.py ROOTFS.tar OUT.tar --tag netlab/lab:bookworm --env LANG=C.UTF-8 \
        --env PYTHONUNBUFFERED=1 --cmd sleep --cmd infinity --label netlab.image-of=... --label netlab.recipe=...

Why not `docker import`: import is the same work for the engine (one layer to unpack), but the image it makes
has a fresh `created` time, so its ID changes on every import. This archive's config is deterministic
(``created`` is fixed), so the image ID depends only on the rootfs tar and the config: it can be the cache key of
the prepared data disk, and every reader's guest engine shows the same ID for the same recipe. No engine is
needed to make the archive: it is the classic `docker save` layout (manifest.json, <config>.json, <layer>/layer.tar).
The layer is stored uncompressed: in the UML guest, gunzip would cost more CPU than the bytes it saves (the
archive is read from a local disk file, not a network).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import io
import json
import os
import tarfile


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def add_bytes(out: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    out.addfile(info, io.BytesIO(data))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rootfs")
    parser.add_argument("out")
    parser.add_argument("--tag", required=True)
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--cmd", action="append", default=[])
    parser.add_argument("--label", action="append", default=[])
    parser.add_argument("--created", default=os.environ.get("SOURCE_DATE_EPOCH", "0"))
    args = parser.parse_args()

    diff_id = sha256_file(args.rootfs)
    created = datetime.datetime.fromtimestamp(int(args.created), datetime.timezone.utc)
    created_s = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": created_s,
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", *args.env],
            "Cmd": args.cmd or None,
            "Labels": dict(label.split("=", 1) for label in args.label) or None,
        },
        "rootfs": {"type": "layers", "diff_ids": [f"sha256:{diff_id}"]},
        "history": [{"created": created_s, "created_by": "netlab rootless: mmdebstrap rootfs"}],
    }
    config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    config_id = hashlib.sha256(config_bytes).hexdigest()
    layer_dir = diff_id  # any name works; the diff_id is stable
    manifest = [{"Config": f"{config_id}.json", "RepoTags": [args.tag], "Layers": [f"{layer_dir}/layer.tar"]}]

    tmp = args.out + ".part"
    with tarfile.open(tmp, "w", format=tarfile.USTAR_FORMAT) as out:
        add_bytes(out, f"{config_id}.json", config_bytes)
        info = out.gettarinfo(args.rootfs, arcname=f"{layer_dir}/layer.tar")
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = int(args.created)
        with open(args.rootfs, "rb") as layer:
            out.addfile(info, layer)
        add_bytes(out, "manifest.json", json.dumps(manifest).encode())
    os.replace(tmp, args.out)
    print(f"sha256:{config_id}")


if __name__ == "__main__":
    main()
