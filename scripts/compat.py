"""옛 세대의 엔진에서 단일 호스트 노트북을 실행해 본다 (``make compat``).

책의 저장된 출력은 기준 엔진(28.5.2)에서 기록한다. 그러나 데비안 12와 우분투 LTS의 독자는 apt가
주는 옛 엔진(데비안 12는 20.10)으로 실습한다. 이 스크립트는 그 엔진을 품은 노드 컨테이너 하나
(``images/node-compat``)를 띄우고, 노드 엔진을 ``DOCKER_HOST``로 주어 노트북을 실행한다.

- 이 기계의 엔진은 건드리지 않는다. 노드와 그 볼륨, 언더레이에는 실습 라벨(``compat``)이 붙고 끝나면 지운다.
- 저장된 출력과 비교하지 않는다(``--nbval-lax``). 셀이 예외 없이 끝나는지, 곧 노트북의 점검(``check``)이
  옛 엔진에서도 통과하는지를 본다. 판별 셀은 엔진이 한 일을 읽어 말하므로 옛 엔진에서도 맞아야 한다.
- 여러 노드 노트북(스웜)은 빼다: 노드 안에 다시 노드를 띄우는 일은 이 검사의 목적 밖이다.

쓰는 법: ``python scripts/compat.py [노트북 ...]`` (없으면 단일 호스트 노트북 모두)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat

import netlab
from netlab.base.resources import LAB_IMAGE
from netlab.cluster import Cluster

ROOT = Path(__file__).resolve().parent.parent
#: 여러 노드(스웜)를 띄우거나 독자의 스웜에 붙는 노트북을 알아보는 표식
MULTI_NODE_MARKERS = ("netlab.cluster", "cluster.up(", "netlab.attach", "attach(")


def single_host_notebooks() -> list[Path]:
    """코드 셀에 여러 노드 표식이 없는 노트북."""
    found = []
    for path in sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("labs/*.ipynb")]):
        nb = nbformat.read(path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        if not any(marker in code for marker in MULTI_NODE_MARKERS):
            found.append(path)
    return found


def main(argv: list[str]) -> int:
    notebooks = [Path(a) for a in argv] or single_host_notebooks()
    started = time.monotonic()
    lab = netlab.lab("compat")
    cluster = Cluster.up(lab, nodes=1, recipe="node-compat", swarm=False, load=[LAB_IMAGE], underlay_index=0)
    try:
        node = cluster.manager
        version = node.client.version()
        print(f"옛 엔진: Docker Engine {version['Version']} (API {version['ApiVersion']}), 노드 {node.name}")
        env = {**os.environ, "DOCKER_HOST": node.engine_url}
        command = [
            sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval-lax",
            "--nbval-cell-timeout=300", *map(str, notebooks),
        ]  # fmt: skip
        print(f"노트북 {len(notebooks)}개를 그 엔진에서 실행한다 (출력은 비교하지 않는다).", flush=True)
        code = subprocess.call(command, env=env, cwd=ROOT)
    finally:
        cluster.down()
        lab.cleanup()
    print(f"make compat: {time.monotonic() - started:.0f}초, 종료 코드 {code}")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
