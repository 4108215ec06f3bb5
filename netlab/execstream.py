"""도커 exec 의 출력 스트림을 시간 제한과 함께 읽는다.

TTY 없는 exec 의 출력은 8바이트 머리(스트림 종류 1바이트, 빈 3바이트, 길이 4바이트)가 붙은 조각으로
온다. docker-py 의 ``exec_run`` 은 이 스트림을 시간 제한 없이 읽는다. 두 코어가 모두 바쁜 기계에서
노드 엔진 안의 exec 가 명령이 끝난 뒤에도 스트림을 닫지 않아 셀이 nbval 의 300초 제한까지 멈춘 일이
있었다(11장, ``ping`` 하나). 명령 쪽의 ``timeout -s KILL`` 은 프로세스만 끝낼 뿐 스트림은 끝내지 못한다.
그래서 소켓에 제한 시간을 걸고 직접 읽는다.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator

#: 표준 출력과 표준 오류의 스트림 번호.
STDOUT, STDERR = 1, 2


class ExecStreamTimeout(TimeoutError):
    """exec 스트림이 제한 시간 안에 끝나지 않았다 (명령은 이미 끝났을 수도 있다)."""


def recv_exact(sock: socket.socket, size: int) -> bytes | None:
    """``size`` 바이트를 다 받거나, 그 전에 스트림이 끝나면 ``None``."""
    chunks = []
    while size:
        data = sock.recv(size)
        if not data:
            return None
        chunks.append(data)
        size -= len(data)
    return b"".join(chunks)


def frames(sock: socket.socket) -> Iterator[tuple[int, bytes]]:
    """스트림이 끝날 때까지 (스트림 번호, 조각) 을 차례로 돌려준다."""
    while True:
        header = recv_exact(sock, 8)
        if header is None:
            return
        size = struct.unpack(">I", header[4:])[0]
        payload = recv_exact(sock, size)
        if payload is None:
            return
        yield header[0], payload


def read_all(sock: socket.socket, timeout: float) -> bytes:
    """표준 출력과 표준 오류를 도착한 순서대로 합쳐 돌려준다. 조각 사이가 ``timeout`` 초를 넘으면 멈춘다."""
    sock.settimeout(timeout)
    try:
        return b"".join(payload for _, payload in frames(sock))
    except TimeoutError as exc:
        raise ExecStreamTimeout(f"exec 출력이 {timeout:.0f}초 동안 오지 않았다") from exc
