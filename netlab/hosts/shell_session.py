"""도구 상자 안에 셸 하나를 띄워 두고 명령을 차례로 보내는 세션.

랩 호스트의 손님 커널(사용자 모드 리눅스)에서는 ``docker exec`` 하나에 1.8초쯤 든다(측정: ``true`` 하나).
엔진이 exec마다 runc를 새로 띄우는데, 손님 커널에서는 프로세스를 만드는 일 자체가 느리다. 같은 exec 안에서 ``ip``를
열 번 더 돌려도 0.5초 남짓만 늘었다. 그래서 랩 호스트에서 커널을 들여다보는 절(:mod:`netlab.kernel`)은 도구 상자에
셸을 한 번만 띄우고 명령을 표준 입력으로 보낸다.

명령마다 :func:`netlab.lab.container_sh`와 같은 :func:`netlab.lab.wrapped_command`로 감싼다
(``timeout -s KILL``, 표준 오류를 표준 출력에 합친다).
그래서 결과(:class:`~netlab.lab.ExecResult`)의 출력과 종료 코드가 exec로 돌렸을 때와 같다. 명령의 끝은 명령마다 새로
만든 표지 줄로 안다. 세션이 끊기면(도구 상자가 지워졌다) 명령을 보내기 전이면 다시 띄워 한 번 더 보내고, 보낸 뒤면
명령이 돌았는지 알 수 없으므로 :class:`~netlab.execstream.ExecStreamTimeout`으로 알린다.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import shlex
import socket
from typing import Any

from docker.models.containers import Container

from ..base.execstream import STDOUT, ExecStreamTimeout, frames
from ..base.execution import ExecResult, wrapped_command


class ShellSession:
    """``container`` 안에 떠 있는 ``sh`` 하나. :meth:`sh`가 :func:`netlab.lab.container_sh`를 대신한다."""

    def __init__(self, container: Container) -> None:
        self.container = container
        self._sock: socket.socket | None = None
        self._frames: Any = None
        self._pending = b""

    # -- 세션 ---------------------------------------------------------------------------
    def _open(self) -> None:
        api = self.container.client.api
        exec_id = api.exec_create(self.container.id, ["sh"], stdin=True, stdout=True, stderr=True)["Id"]
        raw = api.exec_start(exec_id, socket=True)
        self._sock = getattr(raw, "_sock", raw)
        self._frames = frames(self._sock.recv)
        self._pending = b""

    def close(self) -> None:
        """셸을 끝낸다(표준 입력을 닫으면 셸이 끝난다). 다시 :meth:`sh`를 부르면 새로 띄운다."""
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                self._sock.close()
        self._sock = None
        self._frames = None

    def _send(self, data: bytes) -> None:
        """명령을 보낸다. 세션이 없거나 끊겼으면 새로 띄워 한 번 더 보낸다 (아직 아무것도 돌지 않았다)."""
        for attempt in (1, 2):
            if self._sock is None:
                self._open()
            try:
                self._sock.sendall(data)  # type: ignore[union-attr]
                return
            except OSError:
                self.close()
                if attempt == 2:
                    raise

    # -- 명령 ---------------------------------------------------------------------------
    def sh(self, command: str, *, timeout: float = 15) -> ExecResult:
        """``command``를 셸 세션에서 돌린다. ``timeout`` 초가 지나면 명령을 KILL 한다 (종료 코드 137)."""
        marker = f"netlab-end-{secrets.token_hex(8)}"
        line = f"{shlex.join(wrapped_command(command, timeout))} </dev/null 2>&1; printf '\\n{marker} %d\\n' $?\n"
        self._send(line.encode())
        assert self._sock is not None
        self._sock.settimeout(timeout + 30)
        tail = re.compile(rb"\n" + marker.encode() + rb" (\d+)\n")
        buffer = self._pending
        try:
            while (found := tail.search(buffer)) is None:
                stream, payload = next(self._frames)
                if stream == STDOUT:
                    buffer += payload
        except (StopIteration, OSError) as exc:
            self.close()
            what = "세션이 끊겼다" if isinstance(exc, StopIteration) else f"{timeout + 30:.0f}초 동안 답이 없다"
            raise ExecStreamTimeout(
                f"{self.container.name}의 셸 세션에서 명령이 끝나지 않았다({what}): {command}"
            ) from None
        self._pending = buffer[found.end() :]
        output = buffer[: found.start()].decode("utf-8", errors="replace")
        return ExecResult(command=command, exit_code=int(found.group(1)), output=output)

    def __enter__(self) -> ShellSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
