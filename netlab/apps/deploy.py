"""실습 앱 파일을 컨테이너에 넣는 호스트 쪽 도우미 (``docker cp``와 같은 일).

:mod:`netlab.apps.pets`와 :mod:`netlab.apps.registry`는 컨테이너 안에서 혼자 도는 프로그램이라 모듈 맨 위에서
netlab을 가져올 수 없다. 그래서 두 앱이 같이 쓰는 배포 코드는 여기 두고, 앱은 배포 함수 안에서만 늦게 가져온다.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Any


def app_archive(data: bytes, app_path: str) -> bytes:
    """``<폴더>/<파일>`` 하나가 든 tar. ``put_archive``는 tar 스트림을 받는다. ``docker cp``도 속으로는 tar를 보낸다."""
    app_dir = str(Path(app_path).parent)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        folder = tarfile.TarInfo(Path(app_dir).name)
        folder.type, folder.mode = tarfile.DIRTYPE, 0o755
        tar.addfile(folder)
        member = tarfile.TarInfo(f"{Path(app_dir).name}/{Path(app_path).name}")
        member.size, member.mode = len(data), 0o644
        tar.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


def put_app(container: Any, archive: bytes, app_path: str) -> str:
    """만든 tar를 앱 폴더의 부모에 풀어 넣는다. 컨테이너가 멈춰 있어도 된다. 돌려주는 값은 컨테이너 안의 경로다."""
    if not container.put_archive(str(Path(app_path).parent.parent), archive):
        raise RuntimeError(f"{container.name}에 {app_path}를 넣지 못했다")
    return app_path
