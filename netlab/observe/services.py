"""스웜 서비스 실습 도우미: 서비스 게시(8장), 서비스 검색(12장), 부하 분산(13장)이 함께 쓴다.

:mod:`netlab.cluster`가 세운 클러스터의 매니저 엔진에 서비스, 오버레이, 컨테이너를 만들고,
같은 뜻의 ``docker -H <매니저> ...`` 명령줄을 먼저 보여 준다. 만드는 것에는 모두 실습 라벨을 붙인다
(노드 엔진 안의 자원은 노드와 함께 사라지지만, 독자가 노드 안에서 ``docker ps --filter label=...``로
찾을 수 있게 한다)::

    from netlab import services

    services.overlay(cluster, "nl-discovery-front", subnet=lab.subnet(0), gateway=lab.addr(0, 1))
    services.create(cluster, "web", networks=["nl-discovery-front"], replicas=3, endpoint_mode="vip")
    client = services.attach(cluster, "manager", "client", "nl-discovery-front", lab.addr(0, 200))
    services.dig(client, "tasks.web")          # 정렬된 주소 목록
    services.netns(cluster, "worker1", "ingress_sbox", "ip -br addr")

:func:`netlab.cluster.Cluster.service`와 달리 게시 포트(인그레스/호스트 모드), 전역 서비스,
호스트 이름 템플릿, 네트워크 별칭, 스웜 config를 받는다.
"""

from __future__ import annotations

import ipaddress
import shlex
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import docker
from docker.models.containers import Container

from ..base.korean import josa
from ..base.resources import LAB_IMAGE
from ..base.wait import WaitTimeout, until

if TYPE_CHECKING:
    from ..base.execution import ExecResult
    from ..hosts.cluster import Cluster, Node

#: 서비스 태스크가 기본으로 실행하는 것: 실습 이미지의 작은 HTTP 서버 (80번 포트).
WHOAMI = ("whoami-server", "80")


def _command(node: Node, parts: Iterable[str]) -> str:
    """노드 엔진에 같은 일을 시키는 명령줄: ``docker exec <노드> docker`` (붙은 스웜은 ``docker -H <주소>``)와 인자."""
    return " ".join([node.cli, *(p if p.startswith("--") else shlex.quote(p) for p in parts)])


def _say(cluster: Cluster, line: str) -> None:
    if getattr(cluster.lab, "echo", True):
        print(f"$ {line}")


def _node(cluster: Cluster, node: Node | str) -> Node:
    return cluster.node(node) if isinstance(node, str) else node


def overlay(
    cluster: Cluster,
    name: str,
    *,
    subnet: str,
    gateway: str,
    attachable: bool = True,
) -> Any:
    """매니저에서 라벨 붙은 스웜 범위 오버레이를 만든다. 서브넷은 실습 블록에서 고정한다.

    :meth:`Cluster.overlay`와 같다: 할당기가 VNI와 옵션을 붙일 때까지 기다린 뒤의 네트워크를 돌려준다.
    """
    return cluster.overlay(name, subnet=subnet, gateway=gateway, attachable=attachable)


def create(
    cluster: Cluster,
    name: str,
    *,
    command: Sequence[str] = WHOAMI,
    networks: Iterable[str | tuple[str, Sequence[str]]] = (),
    replicas: int = 1,
    mode: str = "replicated",
    endpoint_mode: str = "dnsrr",
    publish: Iterable[Mapping[str, Any]] = (),
    hostname: str | None = None,
    constraints: Iterable[str] = (),
    max_per_node: int | None = None,
    configs: Iterable[tuple[Any, str]] = (),
    wait: bool = True,
    image: str = LAB_IMAGE,
) -> Any:
    """서비스를 만들고(같은 뜻의 명령줄을 먼저 보여 준다) 태스크가 모두 running이 될 때까지 기다린다.

    - ``networks``: 오버레이 이름, 또는 ``(이름, [별칭, ...])``.
    - ``mode``: ``"replicated"`` (``replicas`` 개) 또는 ``"global"`` (조건에 맞는 노드마다 하나).
    - ``endpoint_mode``: ``"vip"`` 또는 ``"dnsrr"``. 인그레스 모드 게시는 ``vip`` 에서만 된다.
    - ``publish``: ``{"published": 18080, "target": 80, "mode": "ingress"|"host"}``의 목록.
    - ``hostname``: 태스크의 호스트 이름 템플릿 (``"{{.Node.Hostname}}"``, ``"web-{{.Task.Slot}}"``).
    - ``configs``: ``(스웜 config 객체, 컨테이너 안의 파일 경로)``의 목록.
    """
    nets = [(n, []) if isinstance(n, str) else (n[0], list(n[1])) for n in networks]
    ports = [
        {
            "Protocol": p.get("protocol", "tcp"),
            "PublishedPort": int(p["published"]),
            "TargetPort": int(p["target"]),
            "PublishMode": p.get("mode", "ingress"),
        }
        for p in publish
    ]
    cons = list(constraints)
    refs = list(configs)

    parts = ["service", "create", "--name", name]
    if mode == "global":
        parts += ["--mode", "global"]
    else:
        parts += ["--replicas", str(replicas)]
    parts += ["--endpoint-mode", endpoint_mode]
    for net, aliases in nets:
        if aliases:
            parts += ["--network", f"name={net}," + ",".join(f"alias={a}" for a in aliases)]
        else:
            parts += ["--network", net]
    for port in ports:
        parts += [
            "--publish",
            f"published={port['PublishedPort']},target={port['TargetPort']},mode={port['PublishMode']}",
        ]
    if hostname:
        parts += ["--hostname", hostname]
    for con in cons:
        parts += ["--constraint", con]
    if max_per_node:
        parts += ["--replicas-max-per-node", str(max_per_node)]
    for cfg, target in refs:
        parts += ["--config", f"source={cfg.name},target={target}"]
    _say(cluster, _command(cluster.manager, [*parts, image, *command]))

    service_mode = (
        docker.types.ServiceMode("global")
        if mode == "global"
        else docker.types.ServiceMode("replicated", replicas=replicas)
    )
    svc = cluster.manager.client.services.create(
        image,
        command=list(command),
        name=name,
        labels=cluster.lab.labels,
        container_labels=cluster.lab.labels,
        hostname=hostname,
        networks=[docker.types.NetworkAttachmentConfig(n, aliases=a or None) for n, a in nets],
        endpoint_spec=docker.types.EndpointSpec(mode=endpoint_mode, ports=ports or None),
        mode=service_mode,
        constraints=cons or None,
        maxreplicas=max_per_node,
        configs=[docker.types.ConfigReference(cfg.id, cfg.name, filename=target) for cfg, target in refs] or None,
    )
    if wait:
        expected = replicas if mode != "global" else _eligible_nodes(cluster, cons)
        cluster.wait_tasks(name, expected)
    return svc


def _eligible_nodes(cluster: Cluster, constraints: list[str]) -> int:
    """전역 서비스가 띄울 태스크 수: 노드 역할 조건만 해석한다 (이 책의 장이 쓰는 조건)."""
    count = 0
    for node in cluster.nodes:
        ok = True
        for con in constraints:
            key, _, value = con.replace(" ", "").partition("==")
            if key == "node.role" and value != node.role:
                ok = False
            if key == "node.hostname" and value != node.name:
                ok = False
        count += ok
    return count


def scale(cluster: Cluster, name: str, replicas: int) -> ExecResult:
    """``docker service scale``을 매니저 노드 안의 명령줄로 실행한다 (명령줄을 먼저 보여 준다)."""
    _say(cluster, f"{cluster.manager.cli} service scale --detach {name}={replicas}")
    return cluster.manager.docker(f"service scale --detach {shlex.quote(name)}={replicas}")


def config(cluster: Cluster, name: str, data: str) -> Any:
    """스웜 config (매니저의 Raft 저장소에 들어가 태스크에 파일로 전달되는 설정)를 만든다."""
    _say(cluster, f"{cluster.manager.cli} config create {name} <파일>")
    return cluster.manager.client.configs.create(name=name, data=data.encode(), labels=cluster.lab.labels)


def attach(
    cluster: Cluster,
    node: Node | str,
    short: str,
    network: str,
    ip: str,
    *,
    command: Sequence[str] = ("sleep", "infinity"),
    aliases: Sequence[str] = (),
) -> Container:
    """노드 엔진에 독립 실행 컨테이너를 띄워 attachable 오버레이에 고정 주소로 붙인다.

    스웜 서비스의 태스크가 아니라 ``docker run``으로 띄운 컨테이너이므로 어느 노드에 놓일지 직접
    고를 수 있고, 주소도 고정된다. 노드 엔진은 ``--dns 127.0.0.1``로 떠 있어서 이 컨테이너의 바깥 DNS도
    루프백이다 (이름 질의가 이 기계 밖으로 나가지 않는다).
    """
    target = _node(cluster, node)
    name = cluster.lab.n(short)
    parts = ["run", "-d", "--name", name, "--network", network, "--ip", ip]
    for alias in aliases:
        parts += ["--network-alias", alias]
    _say(cluster, _command(target, [*parts, LAB_IMAGE, *command]))
    api = target.client.api
    created = api.create_container(
        LAB_IMAGE,
        command=list(command),
        name=name,
        hostname=short,
        labels=cluster.lab.labels,
        host_config=api.create_host_config(network_mode=network, init=True),
        networking_config=api.create_networking_config(
            {network: api.create_endpoint_config(ipv4_address=ip, aliases=list(aliases) or None)}
        ),
    )
    api.start(created["Id"])
    return target.client.containers.get(created["Id"])


def dig(container: Container, name: str) -> list[str]:
    """컨테이너 안에서 ``dig +short <name>``을 실행해 A 레코드를 주소 순으로 돌려준다.

    질의는 컨테이너의 ``/etc/resolv.conf``가 가리키는 도커 내장 DNS(127.0.0.11)로 간다.
    답이 없으면 빈 목록이다. 한 번에 1초, 한 번만 묻는다.
    """
    _code, out = container.exec_run(["dig", "+short", "+time=1", "+tries=1", name])
    text = (out or b"").decode(errors="replace")
    found = []
    for line in text.split():
        try:
            found.append(ipaddress.IPv4Address(line))
        except ValueError:
            continue
    return [str(a) for a in sorted(found)]


def wait_dns(container: Container, name: str, count: int, *, timeout: float = 30) -> list[str]:
    """``name``이 주소 ``count`` 개로 풀릴 때까지 다시 묻는다. 가십으로 퍼지는 데 걸리는 시간을 기다린다."""
    try:
        return until(
            lambda: dig(container, name),
            lambda answer: len(answer) == count,
            what=f"{josa(name, '이')} 주소 {count}개로 풀리기",
            timeout=timeout,
            interval=0.3,
        )
    except WaitTimeout as exc:
        return exc.last  # 부른 쪽의 확인이 무엇을 보았는지와 함께 실패한다


def netns(cluster: Cluster, node: Node | str, namespace: str, command: str, *, timeout: float = 15) -> ExecResult:
    """노드 안의 도커가 만든 네트워크 네임스페이스(``/run/docker/netns/<이름>``)에서 명령을 실행한다.

    ``ingress_sbox``, ``lb_<네트워크 ID 앞부분>``, ``1-<네트워크 ID>`` (오버레이 네임스페이스) 같은 것이다.
    도구는 엔진 호스트의 도구 상자(``lab.host``, 실습 이미지)의 것을 쓰므로 노드 이미지에 없는
    ``ipvsadm``도 쓸 수 있다. 노드 컨테이너의 마운트 네임스페이스는 ``/proc/<PID>/root``로 들여다본다.
    """
    target = _node(cluster, node)
    pid = cluster.lab.host.pid_of(target.container)
    path = f"/proc/{pid}/root/run/docker/netns/{namespace}"
    return cluster.lab.host.sh(f"nsenter --net={path} -- sh -c {shlex.quote(command)}", timeout=timeout)


def namespaces(cluster: Cluster, node: Node | str) -> list[str]:
    """노드 안의 도커가 만든 네트워크 네임스페이스 이름 (정렬)."""
    out = _node(cluster, node).sh("ls /run/docker/netns 2>/dev/null").output
    return sorted(out.split())


def whoami(text: str) -> dict[str, str]:
    """``whoami-server``의 응답 한 줄(``hostname=.. client=.. host=.. path=..``)을 사전으로 바꾼다."""
    fields = {}
    for item in text.split():
        key, sep, value = item.partition("=")
        if sep:
            fields[key] = value
    return fields


def curl_nodes(cluster: Cluster, port: int, *, host_header: str | None = None, timeout: int = 3) -> Any:
    """엔진 호스트(도구 상자)에서 노드마다 언더레이 주소의 ``port``로 HTTP 요청을 보낸 결과 표.

    열: 노드, 주소, 응답한 태스크의 호스트 이름(응답이 없으면 ``-``), 태스크가 본 클라이언트 주소, curl 종료 코드.
    노드 주소는 이 실습이 만든 언더레이의 것이라 이 기계 밖으로 나가는 트래픽이 없다.
    """
    from ..draw.show import Table

    header = f" -H {shlex.quote('Host: ' + host_header)}" if host_header else ""
    rows = []
    for node in cluster.nodes:
        result = cluster.lab.host.sh(
            f"curl -s --max-time {timeout}{header} http://{node.ip}:{port}/", timeout=timeout + 5
        )
        fields = whoami(result.output) if result.ok else {}
        rows.append(
            [
                node.name,
                f"{node.ip}:{port}",
                fields.get("hostname", "-"),
                fields.get("client", "-"),
                _curl_status(result.exit_code),
            ]
        )
    return Table(["노드", "주소", "응답한 태스크", "태스크가 본 출발지", "결과"], rows, f"각 노드의 {port}번 포트")


def _curl_status(code: int) -> str:
    return {0: "응답", 7: "연결 거부", 28: "시간 초과"}.get(code, f"curl 종료 코드 {code}")
