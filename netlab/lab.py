"""노트북이 부르는 실습 세션의 이름들 (``netlab.lab(...)``, ``from netlab.lab import same_subnet``).

세션의 몸통은 :mod:`netlab.hosts.session`에 있다. 커널 고르기와 랩 호스트가 세션을 만들어야 해서 세션이
호스트 쪽 꾸러미에 산다. 이 모듈은 노트북이 적어 온 경로가 그대로 통하도록 그 이름들을 다시 내놓는 입구다.
"""

from __future__ import annotations

from .base.execution import ExecResult, container_sh, wrapped_command
from .hosts.session import IDLE, LOCAL_ONLY_DNS, Lab, OfflineLab, same_subnet, start

__all__ = [
    "IDLE",
    "LOCAL_ONLY_DNS",
    "ExecResult",
    "Lab",
    "OfflineLab",
    "container_sh",
    "same_subnet",
    "start",
    "wrapped_command",
]
