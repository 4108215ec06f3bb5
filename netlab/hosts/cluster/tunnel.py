"""노드 엔진(과 랩 호스트의 손님 엔진)에 닿는 길: 바깥 엔진의 exec API 위의 로컬 유닉스 소켓 터널.

노드 엔진은 TCP로 듣지 않으므로 SDK 클라이언트는 이 터널로만 닿는다. 랩 호스트(:mod:`netlab.hosts.labhost`)도
명령만 바꿔 같은 터널을 쓰므로 클러스터의 나머지와 떼어 둔다.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import threading
import weakref
from pathlib import Path

import docker
from docker.errors import APIError
from docker.models.containers import Container

from ...base.execstream import STDOUT, frames


class ExecTunnel:
    """노드 엔진의 유닉스 소켓을 바깥 엔진의 exec API로 이어 주는 로컬 유닉스 소켓.

    연결마다 노드 안에서 ``docker system dial-stdio``를 exec 한다. 이 명령은 표준 입출력을
    노드의 ``/var/run/docker.sock``에 그대로 잇는다 (``ssh://`` 컨텍스트가 쓰는 것과 같은 명령).
    exec 스트림은 8바이트 헤더(스트림 종류, 길이)로 나뉘어 오므로 표준 출력 조각만 골라 돌려준다.
    노트북 커널이 엔진 호스트에 없어서 노드 IP에 닿지 않을 때 쓴다.
    """

    def __init__(self, outer: docker.DockerClient, container: Container, command: list[str] | None = None) -> None:
        self.outer = outer
        self.container = container
        #: 연결마다 컨테이너 안에서 실행해 표준 입출력을 엔진 소켓에 잇는 명령 (랩 호스트는 socat으로 손님에 닿는다)
        self.command = command or ["docker", "system", "dial-stdio"]
        # 폴더 이름에 이 프로세스의 PID를 넣는다: 커널이 KILL 되어 finalize가 돌지 못해도
        # `python -m netlab clean`이 주인이 죽은 폴더를 알아보고 지운다 (:func:`remove_stale_tunnel_dirs`).
        self.dir = tempfile.mkdtemp(prefix=f"{TUNNEL_DIR_PREFIX}{os.getpid()}-")
        self.path = str(Path(self.dir) / "docker.sock")
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(16)
        self.closed = False
        # close()를 부르지 않고 끝나도(커널 종료) 임시 폴더가 남지 않게 한다.
        self._finalizer = weakref.finalize(self, shutil.rmtree, self.dir, True)
        threading.Thread(target=self._accept_loop, daemon=True, name=f"tunnel-{container.name}").start()

    @property
    def base_url(self) -> str:
        return f"unix://{self.path}"

    def _accept_loop(self) -> None:
        while not self.closed:
            try:
                local, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(local,), daemon=True).start()

    def _serve(self, local: socket.socket) -> None:
        api = self.outer.api
        try:
            exec_id = api.exec_create(self.container.id, self.command, stdin=True, stdout=True, stderr=True)["Id"]
            raw = api.exec_start(exec_id, socket=True)
        except (APIError, OSError):
            local.close()
            return
        remote: socket.socket = getattr(raw, "_sock", raw)

        def upstream() -> None:
            try:
                while True:
                    data = local.recv(65536)
                    if not data:
                        break
                    remote.sendall(data)
            except OSError:
                pass
            with contextlib.suppress(OSError):
                remote.shutdown(socket.SHUT_WR)

        threading.Thread(target=upstream, daemon=True).start()
        try:
            for stream, payload in frames(remote.recv):
                if stream == STDOUT:
                    local.sendall(payload)
        except OSError:
            pass
        finally:
            # close() 만으로는 다른 스레드의 recv()에 묶인 소켓이 풀리지 않아 FIN이 가지 않는다.
            # shutdown()이 상대에게 EOF를 보내고 막힌 recv()를 깨운다 (exec처럼 EOF로 끝나는 응답).
            for sock in (local, remote):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(OSError):
            self.server.close()
        self._finalizer()


#: 터널 폴더 이름의 앞부분: ``netlab-tunnel-<PID>-…`` (임시 폴더 안).
TUNNEL_DIR_PREFIX = "netlab-tunnel-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # 다른 사용자의 살아 있는 프로세스
        return True
    return True


def remove_stale_tunnel_dirs(tmp: str | None = None) -> int:
    """주인 프로세스가 죽은 터널 폴더를 지운다 (KILL 된 노트북 커널이 남긴 것). 지운 수를 돌려준다.

    살아 있는 프로세스의 폴더와 이 사용자의 것이 아닌 폴더는 건드리지 않는다.
    """
    removed = 0
    base = Path(tmp or tempfile.gettempdir())
    for path in base.glob(f"{TUNNEL_DIR_PREFIX}*"):
        pid_text = path.name[len(TUNNEL_DIR_PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit() or _pid_alive(int(pid_text)) or path.stat().st_uid != os.getuid():
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
