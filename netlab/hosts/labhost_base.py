"""랩 호스트의 바탕: 라벨과 이미지 이름, 오류, 노트북 출력 밖에 남기는 사건 기록, 엔진 응답 확인.

랩 호스트의 부팅, 데이터 디스크, 손님 스웜 모듈이 서로를 부르지 않고 함께 쓰도록 맨 아래에 둔다.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import docker
from docker.errors import DockerException

from . import images

#: 랩 호스트의 자원에 붙는 실습 라벨 값. 장들의 ``lab.cleanup()``은 이 라벨을 건드리지 않는다.
LAB = "labhost"
#: 랩 호스트 이미지 (``images/labhost``).
IMAGE = images.image_tag("labhost")

Progress = Callable[[str], None]


def _print(line: str) -> None:
    print(line, flush=True)


class LabHostError(RuntimeError):
    """랩 호스트를 만들거나 부팅하지 못했을 때. 메시지는 독자가 읽을 한국어 설명이다."""


class SwarmLeaveStuck(LabHostError):
    """손님 엔진이 스웜을 떠나지 못한다 (moby#35337처럼 드물게, 느린 손님에서 더 자주).

    손님 엔진은 모두 이 책의 것이므로, 부른 쪽은 랩 호스트를 내리고 새로 부팅한다. ``console``은 그 손님의
    콘솔 끝부분(엔진의 경고 줄이 들어 있다)으로, :func:`record_event`가 원인을 찾을 자료로 남긴다.
    """

    def __init__(self, message: str, console: str = "") -> None:
        super().__init__(message)
        self.console = console


#: 노트북 출력에 넣지 않을 랩 호스트의 사건(손님이 스웜을 떠나지 못해 랩 호스트째 내린 일 등)을 남기는 곳.
#: ``python -m netlab labhost down``이 모아서 알리고 지운다. ``make test``의 끝에서 CI 기록에 남는다.
EVENTS = images.CACHE / "labhost-events"


def record_event(kind: str, text: str) -> Path:
    """사건 하나를 :data:`EVENTS`의 파일로 남긴다. 노트북 출력(nbval이 비교한다)을 바꾸지 않고 알리는 길이다."""
    EVENTS.mkdir(parents=True, exist_ok=True)
    path = EVENTS / f"{time.strftime('%Y%m%dT%H%M%S')}-{kind}-{os.getpid()}.log"
    path.write_text(text)
    return path


def take_events() -> list[tuple[str, str]]:
    """남은 사건을 (파일 이름, 내용)으로 돌려주고 지운다."""
    if not EVENTS.is_dir():
        return []
    events = []
    for path in sorted(EVENTS.glob("*.log")):
        events.append((path.name, path.read_text(errors="replace")))
        path.unlink()
    return events


def ping(cli: docker.DockerClient) -> bool:
    try:
        return bool(cli.ping())
    except (DockerException, OSError):
        return False
