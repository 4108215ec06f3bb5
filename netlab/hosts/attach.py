"""독자가 이미 가진 여러 호스트의 스웜에 붙는다: :func:`attach`.

:mod:`netlab.cluster`는 이 기계 안에 노드 컨테이너로 스웜을 세운다. 진짜 여러 호스트의 스웜이 있는
독자는 같은 도구(:meth:`Cluster.overlay`, :meth:`Cluster.service`, 태스크 조회, 노드에서의 캡처,
:func:`netlab.show.cluster_topology`)를 그 스웜에 쓰고 싶다. 이 모듈은 엔진 주소만 받아 그 스웜을
:class:`AttachedCluster`로 묶는다::

    from netlab import attach
    cluster = attach.attach(lab, {"manager": "ssh://admin@host-a", "worker1": "ssh://admin@host-b"})
    # 또는 환경 변수: NETLAB_SWARM="manager=ssh://admin@host-a,worker1=ssh://admin@host-b"

지키는 약속은 책의 다른 곳과 같다. **독자의 스웜 상태는 바꾸지 않는다**: ``swarm init/join/leave``도,
노드 라벨이나 가용성 변경도, CA 교체도 하지 않는다. 붙기 전에 모든 엔진이 이미 같은 스웜에 들어 있는지
확인하고, 아니면 무엇이 어긋났는지 말하고 멈춘다. 만드는 것(오버레이, 서비스, 노드마다 도구 상자
컨테이너 하나)에는 실습 라벨을 붙이고, :meth:`AttachedCluster.down`은 그 라벨이 붙은 것만 지운다.

이 책의 장들은 붙은 스웜에서 돌리지 않는다. 장의 셀들이 스웜 상태를 일부러 바꾸고(14장의 CA 교체와
자동 잠금, 11장의 iptables 규칙), 노드 안의 파일(``/var/lib/docker/swarm``)을 읽고, 모든 노드가 꽂힌
언더레이 브리지를 이 기계에서 캡처하기 때문이다. 자세한 이유는 ``docs/cluster.md``에 있다.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import docker
from docker.errors import DockerException, NotFound

from ..base import cli_echo
from ..base.korean import josa
from ..base.resources import LAB_IMAGE, LABEL_LAB, cleanup, is_ours
from ..base.wait import WaitTimeout, until
from .cluster import Cluster, ClusterError, Node, swarm_status
from .host import ensure_toolbox

if TYPE_CHECKING:
    from ..base.execution import ExecResult
    from .session import Lab

#: 엔진 목록을 담는 환경 변수: ``manager=<주소>,worker1=<주소>,…`` (첫 항목이 매니저여야 한다).
ENV = "NETLAB_SWARM"

Progress = Callable[[str], None]


def parse_engines(text: str) -> dict[str, str]:
    """``이름=주소``를 쉼표로 이은 글을 사전으로 읽는다. 잘못된 글이면 무엇이 틀렸는지 말한다."""
    engines: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        name, sep, url = item.partition("=")
        name, url = name.strip(), url.strip()
        if not sep or not name or not url:
            raise ClusterError(
                f"{ENV}의 항목 {josa(repr(item), '은')} '이름=엔진주소' 꼴이어야 한다 (예: manager=ssh://admin@host-a)."
            )
        if "://" not in url:
            raise ClusterError(f"{name}의 엔진 주소 {url!r}에 스킴이 없다: tcp://, ssh://, unix:// 중 하나로 쓴다.")
        if name in engines:
            raise ClusterError(f"노드 이름 {josa(repr(name), '이')} 두 번 나온다.")
        engines[name] = url
    if not engines:
        raise ClusterError(f"붙을 엔진이 없다. {ENV}=manager=ssh://…,worker1=ssh://… 처럼 준다.")
    return engines


def _connect(name: str, url: str) -> docker.DockerClient:
    try:
        client = docker.DockerClient(base_url=url, timeout=60, version="auto", use_ssh_client=url.startswith("ssh://"))
        client.ping()
    except DockerException as exc:
        raise ClusterError(f"{name}의 엔진 {url}에 닿지 않는다: {exc}") from None
    return cli_echo.register(client, f"docker -H {url}")


class AttachedNode(Node):
    """붙은 스웜의 노드 하나. ``container``는 그 엔진에 띄운 도구 상자(호스트 네트워크)다."""

    def _connect(self, timeout: float = 120) -> docker.DockerClient:
        return _connect(self.name, self.url)

    @property
    def engine_url(self) -> str:
        return self.url

    @property
    def cli(self) -> str:
        return f"docker -H {self.url}"

    def docker(self, args: str, *, timeout: float = 30) -> ExecResult:
        raise ClusterError(
            "노드 안의 docker 명령줄은 이 책이 세운 노드 컨테이너에만 있다. 붙은 스웜에서는 "
            f"`docker -H {self.url} {args}`를 터미널에서 쓰거나 node.client를 쓴다."
        )


class AttachedCluster(Cluster):
    """독자의 스웜에 붙은 클러스터. 언더레이는 독자의 물리 네트워크라서 이 기계에 브리지가 없다."""

    def __init__(self, lab: Lab, nodes: list[Node]) -> None:
        super().__init__(lab, None, nodes)  # type: ignore[arg-type]

    @property
    def bridge(self) -> str:
        raise ClusterError(
            "붙은 스웜에는 모든 노드가 꽂힌 브리지가 이 기계에 없다. 노드 하나에서 캡처한다: "
            "runner, interface = cluster.capture_point('worker1')"
        )

    @property
    def subnet(self) -> str:
        return ""

    def underlay_description(self) -> tuple[str, str, str]:
        return "노드들이 연결된 독자의 네트워크", "", ""

    def capture_point(self, node: str | None = None) -> tuple[Any, str]:
        """언더레이를 지나는 프레임을 볼 곳. 공유 브리지가 없으므로 노드를 주지 않으면 매니저에서 본다."""
        return super().capture_point(node or self.manager.name)

    def table(self):
        from ..draw.show import Table

        seen = {item.id: item.attrs for item in self.manager.client.nodes.list()}
        rows = [[node.name, node.hostname, node.ip, *swarm_status(seen.get(node.node_id, {}))] for node in self.nodes]
        return Table(
            ["노드", "호스트 이름", "노드 주소", "역할", "상태", "가용성", "매니저 상태"],
            rows,
            f"붙은 스웜 (실습 '{self.lab.name}')",
        )

    def remove_lab_resources(self) -> int:
        """이 실습의 라벨이 붙은 서비스, config, 컨테이너, 네트워크, 볼륨만 지운다. 지운 개수를 돌려준다."""
        removed = _remove_services(self.manager.client, self.lab.name)
        _wait_tasks_gone(self.nodes, self.lab.name)
        for node in self.nodes:
            report = cleanup(node.client, self.lab.name)
            removed += report.containers + report.networks + report.volumes
        return removed

    def down(self, *, quiet: bool = False) -> None:
        """이 실습의 것만 지우고 엔진 연결을 닫는다. 스웜과 노드는 그대로 둔다."""
        removed = self.remove_lab_resources()
        for node in self.nodes:
            node.close()
        if not quiet:
            print(f"붙은 스웜에서 실습 '{self.lab.name}'의 자원 {removed}개를 지웠다. 스웜과 노드는 그대로다.")

    def __repr__(self) -> str:
        return f"AttachedCluster({self.lab.name!r}, nodes={[n.name for n in self.nodes]})"


def _remove_services(client: docker.DockerClient, lab: str) -> int:
    """이 실습의 라벨이 붙은 서비스와 스웜 config를 매니저에서 지운다."""
    count = 0
    flt = {"label": f"{LABEL_LAB}={lab}"}
    for item in [*client.services.list(filters=flt), *client.configs.list(filters=flt)]:
        if is_ours((item.attrs.get("Spec") or {}).get("Labels"), lab):
            with contextlib.suppress(NotFound):
                item.remove()
                count += 1
    return count


def _wait_tasks_gone(nodes: list[Node], lab: str, timeout: float = 30) -> None:
    """서비스를 지운 뒤 노드들에서 그 태스크 컨테이너가 사라질 때까지 (그래야 오버레이를 지울 수 있다)."""
    flt = {"label": [f"{LABEL_LAB}={lab}", "com.docker.swarm.service.id"]}
    for node in nodes:
        with contextlib.suppress(WaitTimeout):  # 남은 것은 뒤이은 네트워크 삭제가 알려 준다
            until(
                lambda node=node: node.client.containers.list(all=True, filters=flt),
                lambda left: not left,
                what=f"{node.name}에서 태스크 컨테이너가 사라지기",
                timeout=timeout,
                interval=0.3,
            )


def _swarm_of(name: str, client: docker.DockerClient) -> dict[str, Any]:
    swarm = client.info().get("Swarm") or {}
    if swarm.get("LocalNodeState") != "active":
        raise ClusterError(
            f"{name}의 엔진은 스웜에 들어 있지 않다 (상태: {swarm.get('LocalNodeState') or '알 수 없음'}). "
            "이 책은 독자의 스웜을 대신 만들거나 바꾸지 않는다: 먼저 docker swarm init/join으로 스웜을 구성한다."
        )
    return swarm


def _interface_of(node: Node) -> str:
    """노드 주소가 걸린 인터페이스 이름 (언더레이를 캡처할 곳)."""
    out = node.sh(f"ip -o -4 addr show | awk '$4 ~ /^{node.ip}\\// {{print $2}}'").output.split()
    if not out:
        raise ClusterError(f"{node.name}에서 스웜 주소 {josa(node.ip, '가')} 걸린 인터페이스를 찾지 못했다.")
    return out[0]


def attach(lab: Lab, engines: Mapping[str, str] | None = None, *, progress: bool = True) -> AttachedCluster:
    """이미 구성된 스웜의 엔진들에 붙는다. 첫 엔진은 매니저여야 한다. 스웜 상태는 바꾸지 않는다.

    ``engines``를 주지 않으면 환경 변수 ``NETLAB_SWARM``을 읽는다. 지난 실행이 남긴 이 실습의 자원
    (라벨이 붙은 것만)은 먼저 지우므로 같은 셀을 다시 돌려도 결과가 같다.
    """
    say: Progress = print if progress else (lambda line: None)
    if engines is None:
        if not os.environ.get(ENV):
            raise ClusterError(f"붙을 엔진이 없다. attach(lab, {{'manager': 'ssh://…', …}}) 나 {josa(ENV, '로')} 준다.")
        engines = parse_engines(os.environ[ENV])
    clients = {name: _connect(name, url) for name, url in engines.items()}
    swarms = {name: _swarm_of(name, client) for name, client in clients.items()}
    first = next(iter(engines))
    if not swarms[first].get("ControlAvailable"):
        raise ClusterError(f"첫 엔진 {josa(first, '는')} 매니저여야 한다: 서비스와 오버레이는 매니저에서 만든다.")
    members = {item.id: item.attrs for item in clients[first].nodes.list()}
    nodes: list[Node] = []
    for name, url in engines.items():
        node_id = swarms[name].get("NodeID", "")
        if node_id not in members:
            raise ClusterError(f"{name}({url})는 {josa(first, '와')} 다른 스웜에 들어 있다 (노드 ID {node_id[:12]}).")
        spec = members[node_id].get("Spec") or {}
        node = AttachedNode(name, spec.get("Role", "worker"), swarms[name].get("NodeAddr", ""), None, None)  # type: ignore[arg-type]
        node.url, node.node_id = url, node_id
        node.hostname = members[node_id]["Description"]["Hostname"]
        node._client = clients[name]
        nodes.append(node)
        say(f"{name}: {url} → 스웜 노드 {node.hostname} ({node.role}, 주소 {node.ip})")
    cluster = AttachedCluster(lab, nodes)
    cluster.remove_lab_resources()  # 지난 실행이 남긴 이 실습의 것만
    cluster._load_images([LAB_IMAGE], say)  # 같은 이미지가 이미 있는 노드는 건너뛴다
    for node in nodes:
        # 노드 엔진의 네트워크를 보는 도구 상자 (netlab.host.HostView와 같은 권한)
        node.container = ensure_toolbox(node.client, lab.n(f"{node.name}-view"), lab.labels)
        node.interface = _interface_of(node)
    say(f"붙은 스웜: 노드 {len(nodes)}개. 스웜 상태는 바꾸지 않았고, 만든 것은 라벨로 지운다.")
    return cluster
