"""테스트 공용 준비물.

엔진이 필요한 테스트는 ``engine`` 준비물을 쓴다. 엔진이 없으면 건너뛰지 않고 실패한다:
``make test``는 엔진을 띄운 뒤에 테스트를 실행하므로, 엔진이 없다는 것 자체가 고장이다.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import docker
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# PDF 책의 시험은 PDF 가 있을 때만 모은다. make pdf 가 PDF 를 만들고 이 시험을 돌린다. make test 는 PDF 를
# 만들지 않으므로, 없다고 건너뛴 시험(skipped)을 남기는 대신 모으지 않는다.
BOOK_PDF = Path(os.environ.get("BOOK_PDF", ROOT / "_build" / "latex" / "docker-network-design.pdf"))
collect_ignore = [] if BOOK_PDF.is_file() else ["test_pdf.py"]


@pytest.fixture(scope="session")
def engine() -> docker.DockerClient:
    from netlab.base.engine import EngineUnavailable, client

    try:
        return client()
    except EngineUnavailable as exc:
        pytest.fail(f"도커 엔진이 필요하다 (make test가 띄운다):\n{exc}")
