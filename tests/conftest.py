"""테스트 공용 준비물.

엔진이 필요한 테스트는 ``engine`` 준비물을 쓴다. 엔진이 없으면 건너뛰지 않고 실패한다:
``make test``는 엔진을 띄운 뒤에 테스트를 실행하므로, 엔진이 없다는 것 자체가 고장이다.
"""

from __future__ import annotations

import sys
from pathlib import Path

import docker
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def engine() -> docker.DockerClient:
    from netlab.base.engine import EngineUnavailable, client

    try:
        return client()
    except EngineUnavailable as exc:
        pytest.fail(f"도커 엔진이 필요하다 (make test가 띄운다):\n{exc}")
