"""클러스터 자체: 노드와 언더레이를 묶고(보기, 캡처할 곳, 노드 표), 세우거나 다시 쓰고, 지운다.

오버레이와 서비스(:mod:`.workloads`), 엔진 기다리기와 스웜 구성(:mod:`.bringup`)은 믹스인으로 물려받는다.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import docker
from docker.errors import DockerException, ImageNotFound
from docker.models.containers import Container
from docker.models.networks import Network

from ...base.korean import josa
from ...base.resources import LAB_IMAGE
from .. import images
from ..host import full_capability_host_config, privilege_flags
from .bringup import NODE_ARCHIVES, Bringup, engine_archives
from .common import (
    LABEL_CLUSTER,
    LABEL_ROLE,
    UNDERLAY_INDEX,
    Progress,
    _print,
    _silent,
    bridge_name,
    node_names,
    remove_cluster_resources,
)
from .node import Node, swarm_status
from .node_image import NODE_BOOT, NODE_IMAGE, ensure_node_image, run_command, warn_missing_features
from .workloads import Workloads

if TYPE_CHECKING:
    from ..session import Lab


class Cluster(Workloads, Bringup):
    """한 실습의 스웜 클러스터. :meth:`up`으로 만들거나 다시 쓴다."""

    def __init__(self, lab: Lab, underlay: Network, nodes: list[Node]) -> None:
        self.lab = lab
        self.underlay = underlay
        self.nodes = nodes
        for node in nodes:
            node.cluster = self

    # -- 보기 -------------------------------------------------------------------
    @property
    def manager(self) -> Node:
        return self.nodes[0]

    @property
    def workers(self) -> list[Node]:
        return self.nodes[1:]

    def node(self, name: str) -> Node:
        """짧은 이름(``worker1``)이나 컨테이너 이름(``nl-overlay-worker1``)으로 노드를 찾는다."""
        for node in self.nodes:
            if name in (node.name, node.hostname, node.container.name):
                return node
        raise KeyError(f"노드 {josa(repr(name), '가')} 없다. 있는 노드: {', '.join(n.name for n in self.nodes)}")

    @property
    def bridge(self) -> str:
        """언더레이의 리눅스 브리지 이름 (호스트 쪽에서 캡처할 인터페이스)."""
        return bridge_name(self.lab.name)

    @property
    def subnet(self) -> str:
        return self.underlay.attrs["IPAM"]["Config"][0]["Subnet"]

    def underlay_description(self) -> tuple[str, str, str]:
        """구성도의 언더레이 막대에 적을 것: (도커 네트워크 이름, 리눅스 브리지, 서브넷)."""
        return self.underlay.name, self.bridge, self.subnet

    def capture_point(self, node: str | None = None) -> tuple[Any, str]:
        """언더레이를 지나는 프레임을 볼 곳 (캡처할 컨테이너, 인터페이스).

        노드를 주지 않으면 엔진 호스트의 도구 상자와 언더레이 브리지다: 모든 노드 사이의 프레임이 보인다.
        노드를 주면 그 노드 안의 인터페이스다: 그 노드가 주고받는 프레임만 보인다.
        """
        if node is None:
            return self.lab.host, self.bridge
        target = self.node(node)
        return target, target.interface

    def table(self):
        """노드 표: 이름, 역할, 언더레이 주소, 스웜 상태. 매니저가 본 노드 목록을 쓴다."""
        from ...draw.show import Table

        seen = {}
        for item in self.manager.client.nodes.list():
            attrs = item.attrs
            seen[attrs["Description"]["Hostname"]] = attrs
        rows = [
            [node.name, node.container.name, node.ip, *swarm_status(seen.get(node.name, {}))] for node in self.nodes
        ]
        return Table(
            ["노드", "컨테이너", "언더레이 주소", "역할", "상태", "가용성", "매니저 상태"],
            rows,
            f"클러스터 '{self.lab.name}' (언더레이 {self.subnet}, 브리지 {self.bridge})",
        )

    def ready_nodes(self) -> list[str]:
        """매니저가 Ready로 보는 노드의 호스트 이름 (정렬)."""
        names = []
        for item in self.manager.client.nodes.list():
            if (item.attrs.get("Status") or {}).get("State") == "ready":
                names.append(item.attrs["Description"]["Hostname"])
        return sorted(names)

    # -- 만들기 ------------------------------------------------------------------
    @classmethod
    def up(
        cls,
        lab: Lab,
        nodes: int = 3,
        progress: bool = True,
        *,
        underlay_index: int = UNDERLAY_INDEX,
        load: Iterable[str] = (LAB_IMAGE,),
        recipe: str = "node",
        swarm: bool = True,
    ) -> Cluster:
        """매니저 하나와 워커 ``nodes - 1`` 개의 스웜을 세운다. 건강한 클러스터가 있으면 다시 쓴다.

        같은 실습의 노드가 이미 있고, 모두 돌고 있고, 매니저가 모든 노드를 Ready로 보고, 이미지가
        노드에 있으면 그대로 쓴다. 하나라도 어긋나면 있는 것을 지우고 새로 세운다.
        ``load``는 바깥 엔진에서 노드 엔진으로 옮길 이미지다. ``recipe``는 노드 이미지의 레시피이고,
        ``swarm=False`` 면 스웜 없이 엔진만 띄운다 (``make compat``이 옛 엔진 하나를 띄울 때).
        """
        say: Progress = _print if progress else _silent
        started = time.monotonic()
        names = node_names(nodes)
        wanted_images = list(load)
        existing = cls._find(lab, names)
        if existing is not None and swarm:
            problem = existing._health_problem(names, wanted_images)
            if problem is None:
                say(f"클러스터 '{lab.name}': 건강한 노드 {nodes}개를 다시 쓴다.")
                return existing
            say(f"클러스터 '{lab.name}': 있던 클러스터를 지우고 새로 세운다 ({problem}).")
            existing.down(quiet=True)
        else:
            leftovers = remove_cluster_resources(lab)
            if leftovers:
                say(f"클러스터 '{lab.name}': 지난 실행이 남긴 자원 {leftovers}개를 지웠다.")
        ensure_node_image(lab.client, say, recipe)
        if swarm:
            warn_missing_features(say)
        cluster = cls._create(lab, names, underlay_index, say, images.image_tag(recipe))
        try:
            cluster._wait_engines(say)
            if swarm:
                cluster._form_swarm(say)
            cluster._load_images(wanted_images, say)
        except BaseException:
            cluster.down(quiet=True)
            raise
        say(f"클러스터 준비 완료: 노드 {nodes}개 ({time.monotonic() - started:.1f}초)")
        return cluster

    @classmethod
    def _find(cls, lab: Lab, names: list[str]) -> Cluster | None:
        """이 실습의 클러스터 자원이 있으면 :class:`Cluster`로 묶는다 (건강한지는 보지 않는다)."""
        flt = {"label": [f"{k}={v}" for k, v in lab.labels.items()] + [LABEL_CLUSTER]}
        containers = {c.labels.get(LABEL_CLUSTER): c for c in lab.client.containers.list(all=True, filters=flt)}
        networks = [n for n in lab.client.networks.list(filters=flt) if n.name == lab.n("underlay")]
        if not containers and not networks:
            return None
        if not networks or set(containers) != set(names):
            return _Broken(lab, networks[0] if networks else None, list(containers.values()))
        underlay = networks[0]
        underlay.reload()
        found = []
        for name in names:
            container = containers[name]
            settings = (container.attrs.get("NetworkSettings") or {}).get("Networks") or {}
            ip = (settings.get(underlay.name) or {}).get("IPAddress") or ""
            found.append(Node(name, container.labels.get(LABEL_ROLE, "worker"), ip, container, None))  # type: ignore[arg-type]
        return cls(lab, underlay, found)

    def _health_problem(self, names: list[str], wanted_images: list[str]) -> str | None:
        """다시 쓸 수 없는 이유. 건강하면 None."""
        for node in self.nodes:
            node.container.reload()
            if node.container.status != "running":
                return f"{node.name} 컨테이너가 {node.container.status} 상태"
            if not node.ip or not node.engine_ready():
                return f"{node.name}의 엔진이 응답하지 않음"
        try:
            if self.ready_nodes() != sorted(names):
                return "스웜 노드가 모두 Ready가 아님"
        except (DockerException, OSError):
            return "매니저가 스웜 매니저가 아님"
        for node in self.nodes:
            for ref in wanted_images:
                try:
                    if node.client.images.get(ref).id != self.lab.client.images.get(ref).id:
                        return f"{node.name}의 {josa(ref, '가')} 바깥 엔진의 것과 다름"
                except ImageNotFound:
                    return f"{node.name}에 {josa(ref, '가')} 없음"
        return None

    @classmethod
    def _create(
        cls, lab: Lab, names: list[str], underlay_index: int, say: Progress, image: str = NODE_IMAGE
    ) -> Cluster:
        api = lab.client.api
        archives = engine_archives(lab.client)
        subnet = lab.subnet(underlay_index)
        gateway = lab.addr(underlay_index, 1)
        labels = {**lab.labels, LABEL_CLUSTER: "underlay"}
        options = {"com.docker.network.bridge.name": bridge_name(lab.name)}
        say(
            f"$ docker network create --driver bridge --subnet {subnet} --gateway {gateway} "
            f"--opt com.docker.network.bridge.name={options['com.docker.network.bridge.name']} {lab.n('underlay')}"
        )
        underlay = lab.client.networks.create(
            lab.n("underlay"),
            driver="bridge",
            ipam=docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=subnet, gateway=gateway)]),
            options=options,
            labels=labels,
            check_duplicate=True,
        )
        nodes: list[Node] = []
        for index, name in enumerate(names):
            role = "manager" if index == 0 else "worker"
            ip = lab.addr(underlay_index, 11 + index)
            volume = lab.client.volumes.create(lab.n(f"{name}-docker"), labels={**lab.labels, LABEL_CLUSTER: name}).name
            binds = {volume: {"bind": "/var/lib/docker", "mode": "rw"}}
            if archives:  # root 없는 랩 호스트: 손님 디스크의 이미지 묶음을 노드가 바로 읽는다 (_load_images)
                binds[archives] = {"bind": NODE_ARCHIVES, "mode": "ro"}
            if index == 0:
                extra = [f"{archives}:{NODE_ARCHIVES}:ro"] if archives else []
                say(run_command(lab.n(name), name, underlay.name, ip, volume, privilege_flags(api), image, extra))
            host_config = full_capability_host_config(
                api,
                network_mode=underlay.name,
                binds=binds,
                dns=["127.0.0.1"],
                init=True,
            )
            created = api.create_container(
                image,
                command=["sh", "-c", NODE_BOOT],
                name=lab.n(name),
                hostname=name,
                labels={**lab.labels, LABEL_CLUSTER: name, LABEL_ROLE: role},
                host_config=host_config,
                networking_config=api.create_networking_config(
                    {underlay.name: api.create_endpoint_config(ipv4_address=ip)}
                ),
                detach=True,
            )
            api.start(created["Id"])
            container = lab.client.containers.get(created["Id"])
            nodes.append(Node(name, role, ip, container, None))  # type: ignore[arg-type]
            say(f"  노드 {name:8} {role:7} {ip:15} 컨테이너 {container.name}")
        underlay.reload()
        return cls(lab, underlay, nodes)

    # -- 지우기 ------------------------------------------------------------------
    def down(self, *, quiet: bool = False) -> None:
        """노드(그 안의 엔진과 태스크 모두), 노드 볼륨, 언더레이를 지운다."""
        for node in self.nodes:
            node.close()
        removed = remove_cluster_resources(self.lab)
        if not quiet:
            print(f"클러스터 {josa(repr(self.lab.name), '를')} 내렸다: 자원 {removed}개를 지웠다.")

    def __repr__(self) -> str:
        return f"Cluster({self.lab.name!r}, nodes={[n.name for n in self.nodes]})"


class _Broken(Cluster):
    """노드 일부만 남은 클러스터. 다시 쓰지 않고 지운다."""

    def __init__(self, lab: Lab, underlay: Network | None, containers: list[Container]) -> None:
        self.lab = lab
        self.underlay = underlay  # type: ignore[assignment]
        self.nodes = []
        self.containers = containers

    def _health_problem(self, names: list[str], wanted_images: list[str]) -> str | None:
        return "노드나 언더레이 일부가 없음"


def up(lab: Lab, nodes: int = 3, progress: bool = True, **kwargs: Any) -> Cluster:
    """:meth:`Cluster.up`의 짧은 이름."""
    return Cluster.up(lab, nodes, progress, **kwargs)
