"""노트북을 실제 엔진에서 다시 실행해 저장된 출력을 새로 만든다 (``make refresh``).

저장된 출력은 책에 실리는 실행 기록이고 nbval 이 비교하는 기준이다. 손으로 고치지 않고
언제나 이 스크립트로 만든다. 셀 하나라도 실패하면 파일을 덮어쓰지 않는다.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def refresh(path: Path, *, write: bool = True) -> None:
    """노트북을 실행하고, ``write`` 면 출력과 함께 저장한다 (``--dry-run`` 은 실행만 한다)."""
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
