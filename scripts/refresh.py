"""노트북을 실제 엔진에서 다시 실행해 저장된 출력을 새로 만든다 (``make refresh``).

저장된 출력은 책에 실리는 실행 기록이고 nbval이 비교하는 기준이다. 손으로 고치지 않고
언제나 이 스크립트로 만든다. 셀 하나라도 실패하면 파일을 덮어쓰지 않는다.

노트북은 한 번에 하나만 실행한다(``NETLAB_ENGINE_LOCK`` 파일에 잠금). 호스트를 보는 셀(``iptables -S``,
``ip link``)은 엔진 호스트 전체를 보여 주므로, 다른 노트북이 같은 때에 만든 네트워크가 저장된 출력에
섞여 들어간다. 여러 사람이나 도우미가 같은 엔진에서 다시 기록할 때도 이 잠금이 차례를 정한다.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def refresh(path: Path, *, write: bool = True) -> None:
    """노트북을 실행하고, ``write`` 면 출력과 함께 저장한다 (``--dry-run``은 실행만 한다)."""
    check_netlab_is_this_checkout()
    lock = open(os.environ.get("NETLAB_ENGINE_LOCK", "/tmp/netlab-engine.lock"), "w")
    waited = time.monotonic()
    fcntl.flock(lock, fcntl.LOCK_EX)
    if time.monotonic() - waited > 1:
        print(f"{path}: 다른 실행을 {time.monotonic() - waited:.0f}초 기다렸다", flush=True)
    try:
        _refresh_locked(path, write=write)
    finally:
        lock.close()


def _refresh_locked(path: Path, *, write: bool) -> None:
    started = time.monotonic()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    if write:
        nbformat.write(nb, path)
    print(f"{path}: {time.monotonic() - started:.1f}초", flush=True)


ROOT = Path(__file__).resolve().parent.parent


def check_netlab_is_this_checkout() -> None:
    """커널이 불러올 netlab이 이 저장소의 것인지 본다.

    ``.venv``의 netlab은 편집 가능 설치다. 다른 작업 트리에서 ``pip install -e .``을 하면 같은 가상 환경의 netlab이
    그 트리를 가리키게 되고, 그러면 이 저장소의 노트북이 다른 트리의 도우미로 기록된다. 그런 기록을 남기지 않는다.
    """
    import subprocess

    # 커널처럼 새 프로세스로 묻는다: 편집 가능 설치의 경로표는 프로세스가 시작할 때 읽힌다
    probe = [sys.executable, "-c", "import netlab; print(netlab.__file__)"]
    where = Path(subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip()).resolve().parent
    if where != ROOT / "netlab":
        raise SystemExit(
            f"netlab이 이 저장소가 아니라 {where}에서 온다. 이 저장소에서 make venv(또는 pip install -e .)를 다시 한다."
        )


def main(argv: list[str]) -> int:
    failed = []
    write = "--dry-run" not in argv
    for name in [a for a in argv if a != "--dry-run"]:
        try:
            refresh(Path(name), write=write)
        except Exception as exc:
            print(f"{name}: 실패, 파일을 그대로 둔다\n{exc}", file=sys.stderr, flush=True)
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
