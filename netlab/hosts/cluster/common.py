"""클러스터의 여러 모듈이 함께 쓰는 것: 라벨, 이름, 시간 제한, 오류, 진행 출력, 라벨로 자원 지우기.

노드, 세우기, 서비스 모듈이 서로를 부르지 않고도 같은 라벨과 이름 규칙을 쓰도록 맨 아래에 둔다.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from docker.errors import APIError, NotFound

from ...base import addressing
from ...base.resources import is_ours

if TYPE_CHECKING:
    from ..session import Lab

#: 클러스터 자원에 더 붙이는 라벨: 값은 노드의 짧은 이름(``manager``, ``worker1``) 또는 ``underlay``.
LABEL_CLUSTER = "netlab.cluster"
#: 노드의 역할 라벨: ``manager`` 또는 ``worker``.
LABEL_ROLE = "netlab.cluster.role"
#: 언더레이로 쓰는 서브넷 번호 (``lab.subnet(UNDERLAY_INDEX)``). 앞 번호들은 장이 쓰도록 남긴다.
UNDERLAY_INDEX = 9
#: 스웜 관리 포트.
SWARM_PORT = 2377
#: 노드 엔진이 뜨기를 기다리는 시간(초).
ENGINE_TIMEOUT = float(os.environ.get("NETLAB_CLUSTER_TIMEOUT", "60"))

Progress = Callable[[str], None]


def _silent(line: str) -> None:
    pass


def _print(line: str) -> None:
    print(line, flush=True)


def bridge_name(lab_name: str) -> str:
    """언더레이의 리눅스 브리지 이름. 커널의 인터페이스 이름 제한(15자)에 맞춘다.

    ``nl-<실습>-ul``이 15자를 넘으면 실습의 주소 블록 번호로 ``nl-ul<블록>``을 쓴다 (블록은 겹치지 않는다).
    """
    name = f"nl-{lab_name}-ul"
    if len(name) <= 15:
        return name
    return f"nl-ul{addressing.BLOCKS[lab_name]}"


def node_names(count: int) -> list[str]:
    """노드의 짧은 이름: ``manager``, ``worker1``, ``worker2``, …"""
    if count < 1:
        raise ValueError("노드는 하나 이상이어야 한다.")
    return ["manager"] + [f"worker{i}" for i in range(1, count)]


class ClusterError(RuntimeError):
    """클러스터를 세우거나 쓰는 중의 실패. 메시지는 독자가 읽을 한국어 설명이다."""


def remove_cluster_resources(lab: Lab) -> int:
    """이 실습의 클러스터 라벨이 붙은 컨테이너, 네트워크, 볼륨만 지운다. 지운 개수를 돌려준다."""
    cli = lab.client
    flt = {"label": [f"{k}={v}" for k, v in lab.labels.items()] + [LABEL_CLUSTER]}
    count = 0
    for container in cli.containers.list(all=True, filters=flt):
        if is_ours(container.labels, lab.name):
            with contextlib.suppress(NotFound):
                container.remove(force=True, v=True)
                count += 1
    for net in cli.networks.list(filters=flt):
        if is_ours(net.attrs.get("Labels"), lab.name):
            net.reload()
            for cid in net.attrs.get("Containers") or {}:
                with contextlib.suppress(APIError):
                    net.disconnect(cid, force=True)
            with contextlib.suppress(NotFound):
                net.remove()
                count += 1
    for volume in cli.volumes.list(filters=flt):
        if is_ours(volume.attrs.get("Labels"), lab.name):
            with contextlib.suppress(NotFound):
                volume.remove(force=True)
                count += 1
    return count
