"""도커 exec의 출력 스트림을 시간 제한과 함께 읽는다.

TTY 없는 exec의 출력은 8바이트 헤더(스트림 종류 1바이트, 빈 3바이트, 길이 4바이트)가 붙은 조각으로
온다. docker-py의 ``exec_run``은 이 스트림을 시간 제한 없이 읽는다. 두 코어가 모두 바쁜 기계에서
노드 엔진 안의 exec가 명령이 끝난 뒤에도 스트림을 닫지 않아 셀이 nbval의 300초 제한까지 멈춘 일이
있었다(11장, ``ping`` 하나). 명령 쪽의 ``timeout -s KILL``은 프로세스만 끝낼 뿐 스트림은 끝내지 못한다.
그래서 소켓에 제한 시간을 걸고 직접 읽는다. 또 docker-py는 헤더와 함께 도착한 출력의 첫 조각을
잃을 수 있다(:func:`exec_output`).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from typing import Any

#: 표준 출력과 표준 오류의 스트림 번호.
STDOUT, STDERR = 1, 2


class ExecStreamTimeout(TimeoutError):
    """exec 스트림이 제한 시간 안에 끝나지 않았다 (명령은 이미 끝났을 수도 있다)."""


def read_exact(read: Callable[[int], bytes], size: int) -> bytes | None:
    """``size`` 바이트를 다 읽거나, 그 전에 스트림이 끝나면 ``None``. ``read``는 ``sock.recv``나 파일의 ``read``."""
    chunks = []
    while size:
        data = read(size)
        if not data:
            return None
        chunks.append(data)
        size -= len(data)
    return b"".join(chunks)


def frames(read: Callable[[int], bytes]) -> Iterator[tuple[int, bytes]]:
    """스트림이 끝날 때까지 (스트림 번호, 조각)을 차례로 돌려준다."""
    while True:
        header = read_exact(read, 8)
        if header is None:
            return
        size = struct.unpack(">I", header[4:])[0]
        payload = read_exact(read, size)
        if payload is None:
            return
        yield header[0], payload


def exec_output(api: Any, exec_id: str, timeout: float) -> bytes:
    """만들어 둔 exec를 시작하고 표준 출력과 표준 오류를 도착한 순서대로 합쳐 돌려준다.

    docker-py의 ``exec_start``는 응답 헤더를 읽은 버퍼 뒤의 날 소켓에서 출력을 읽는다. 헤더와 출력의 첫
    조각이 한 번에 도착하면(노드 엔진으로 가는 exec 터널에서 흔하다) 그 조각은 이미 버퍼에 들어가 있어
    사라진다: 명령은 성공했는데 출력이 빈다. 그래서 헤더를 읽은 그 버퍼에서 이어 읽는다. 조각 사이가
    ``timeout`` 초를 넘으면 :class:`ExecStreamTimeout`이다.
    """
    response = api._post_json(
        api._url("/exec/{0}/start", exec_id),
        headers={"Connection": "Upgrade", "Upgrade": "tcp"},
        data={"Tty": False, "Detach": False},
        stream=True,
    )
    try:
        api._raise_for_status(response)
        reader = response.raw._fp.fp  # 응답 헤더를 읽은 버퍼: 헤더 뒤에 함께 온 출력이 여기 있다
        sock = getattr(getattr(reader, "raw", None), "_sock", None)
        if sock is not None:
            sock.settimeout(timeout)
        return b"".join(payload for _, payload in frames(reader.read))
    except TimeoutError as exc:
        raise ExecStreamTimeout(f"exec 출력이 {timeout:.0f}초 동안 오지 않았다") from exc
    finally:
        response.close()
