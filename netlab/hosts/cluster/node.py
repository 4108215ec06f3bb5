"""클러스터의 노드 하나: 바깥 엔진의 컨테이너이자 그 안에서 도는 도커 엔진.

노드는 자기가 속한 클러스터에서 실습 세션(``lab``)만 쓴다. 그래서 :class:`Cluster`를 가져오지 않고 그 모양만 안다.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import docker
from docker.errors import DockerException
from docker.models.containers import Container

from ...base import cli_echo
from .tunnel import ExecTunnel

if TYPE_CHECKING:
    from ...base.execution import ExecResult
    from ..session import Lab

#: 노드 엔진의 API 버전은 고정하지 않고 엔진에 묻는다("auto", 왕복 한 번). 엔진 29는 1.44보다 옛 API를
#: 거절할 수 있고, 옛 버전으로 고정하면 새 엔진의 응답에서 필드가 빠진다. 노드가 20.10 이어도(make compat) 맞는다.
NODE_API = "auto"


class HasLab(Protocol):
    """노드가 쓰는 클러스터의 부분: 실습 세션 (:class:`netlab.hosts.cluster.Cluster`가 이 모양이다)."""

    lab: Lab


def engine_answers(node: Node) -> bool:
    """노드 엔진이 요청을 받는지: 노드 안의 ``docker version``이 되고, 터널 너머의 SDK 클라이언트도 닿는지."""
    return node.sh("docker version -f '{{.Server.Version}}'", timeout=5).ok and node.engine_ready()


def swarm_status(attrs: Mapping[str, Any]) -> list[str]:
    """매니저가 본 노드 하나(``docker node inspect``)의 표 칸: 역할, 상태, 가용성, 매니저 상태."""
    spec, status = attrs.get("Spec") or {}, attrs.get("Status") or {}
    manager_status = attrs.get("ManagerStatus") or {}
    return [
        spec.get("Role", "-"),
        status.get("State", "-"),
        spec.get("Availability", "-"),
        "Leader" if manager_status.get("Leader") else manager_status.get("Reachability", "") or "-",
    ]


# -- 노드 ---------------------------------------------------------------------------


@dataclass
class Node:
    """클러스터의 노드 하나: 바깥 엔진의 컨테이너이자, 그 안에서 도는 도커 엔진."""

    name: str
    role: str
    ip: str
    container: Container
    cluster: HasLab = field(repr=False)
    _client: docker.DockerClient | None = field(default=None, repr=False)
    _tunnel: ExecTunnel | None = field(default=None, repr=False)
    #: 붙은 스웜(:mod:`netlab.attach`)에서만 쓰는 값: 엔진 주소, 스웜 노드 ID, 호스트 이름.
    url: str = ""
    node_id: str = ""
    hostname: str = ""
    #: 노드의 언더레이 주소가 걸린 인터페이스 (노드에서 캡처할 곳).
    interface: str = "eth0"

    @property
    def client(self) -> docker.DockerClient:
        """노드 엔진의 도커 SDK 클라이언트 (바깥 엔진의 exec 터널 너머, ``docker exec <노드> docker``와 같다)."""
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _connect(self, timeout: float = 120) -> docker.DockerClient:
        self._tunnel = ExecTunnel(self.cluster.lab.client, self.container)
        node_client = docker.DockerClient(base_url=self._tunnel.base_url, timeout=timeout, version=NODE_API)
        return cli_echo.register(node_client, self.cli)

    @property
    def engine_url(self) -> str:
        """이 파이썬 프로세스 안의 터널 주소(``unix:///tmp/netlab-tunnel-<PID>-…/docker.sock``, 주인만 읽는 폴더).

        커널이 살아 있는 동안만 있다. 같은 커널의 SDK 클라이언트(예: :func:`netlab.attach.attach`)가 쓴다.
        """
        self.client  # noqa: B018 - 터널을 연다
        assert self._tunnel is not None
        return self._tunnel.base_url

    @property
    def cli(self) -> str:
        """이 노드 엔진에 같은 일을 시키는, 독자가 엔진 호스트의 터미널에서 쓸 명령의 앞부분."""
        return f"docker exec {self.container.name} docker"

    @property
    def container_name(self) -> str:
        return self.container.name

    def sh(self, command: str, *, timeout: float = 30) -> ExecResult:
        """노드 컨테이너 안에서 셸 명령을 실행한다 (노드의 네트워크 네임스페이스와 도구)."""
        return self.cluster.lab.sh(self.container, command, timeout=timeout)

    def docker(self, args: str, *, timeout: float = 30) -> ExecResult:
        """노드 안에서 ``docker <args>`` 명령줄을 실행한다. 노드의 엔진을 가리킨다."""
        return self.sh(f"docker {args}", timeout=timeout)

    def engine_ready(self) -> bool:
        try:
            return bool(self.client.ping())
        except (DockerException, OSError):
            return False

    def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close()
            self._client = None
        if self._tunnel is not None:
            self._tunnel.close()
            self._tunnel = None

    def __repr__(self) -> str:
        return f"Node({self.name!r}, role={self.role!r}, ip={self.ip!r})"
