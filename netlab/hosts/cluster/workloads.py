"""클러스터 위의 일: 스웜 오버레이 만들기와 VNI, 복제 서비스와 그 태스크 찾기.

:class:`Workloads`는 :class:`netlab.hosts.cluster.Cluster`가 물려받는 믹스인이다. 클러스터를 세우고 지우는 일과
따로 바뀌고, 붙은 스웜(:mod:`netlab.hosts.attach`)도 그대로 물려받는다.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import docker
from docker.models.containers import Container
from docker.models.networks import Network

from ...base import cli_echo
from ...base.resources import LAB_IMAGE
from ...base.wait import WaitTimeout, until
from .common import ClusterError

if TYPE_CHECKING:
    from ..session import Lab
    from .node import Node


class Workloads:
    """클러스터의 매니저 엔진에 오버레이와 서비스를 만들고, 태스크가 어디에 있는지 찾는다."""

    lab: Lab
    nodes: list[Node]
    manager: Node

    def vxlan_ids(self, network: str) -> list[int]:
        """스웜 오버레이의 VNI 목록 (``com.docker.network.driver.overlay.vxlanid_list`` 옵션)."""
        net = self.manager.client.networks.get(network)
        raw = (net.attrs.get("Options") or {}).get("com.docker.network.driver.overlay.vxlanid_list", "")
        return [int(v) for v in raw.split(",") if v.strip()]

    def overlay(
        self,
        name: str,
        *,
        subnet: str | None = None,
        gateway: str | None = None,
        attachable: bool = False,
        options: Mapping[str, str] | None = None,
    ) -> Network:
        """매니저에서 스웜 범위 오버레이 네트워크를 만든다. 같은 뜻의 명령줄을 먼저 보여 준다.

        ``subnet``은 보통 ``lab.subnet(i)``로 고정한다. 주지 않으면 스웜의 기본 풀(10.0.0.0/8)에서 고른다.
        """
        parts = [self.manager.cli, "network", "create", "--driver", "overlay"]
        if subnet:
            parts += ["--subnet", subnet]
        if gateway:
            parts += ["--gateway", gateway]
        if attachable:
            parts.append("--attachable")
        for key, value in (options or {}).items():
            parts += ["--opt", f"{key}={value}"]
        self._say(" ".join([*parts, name]))
        ipam = None
        if subnet or gateway:
            ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=subnet, gateway=gateway)])
        # 실습 라벨: 책이 세운 노드에서는 노드와 함께 사라지지만, 붙은 스웜(netlab.attach)에서는 이것으로만 지운다
        network = self.manager.client.networks.create(
            name,
            driver="overlay",
            ipam=ipam,
            attachable=attachable,
            options=dict(options or {}),
            labels=dict(self.lab.labels),
        )
        self._wait_allocated(name)
        network.reload()
        return network

    def _wait_allocated(self, network: str, timeout: float = 30) -> None:
        """매니저의 할당기가 네트워크를 마저 채울 때까지 기다린다: 드라이버 옵션과 VNI.

        스웜의 할당기는 네트워크 생성 요청에 답한 뒤에 VNI와 드라이버 옵션을 따로 붙인다. 바쁜 기계에서는
        생성 직후의 inspect에 ``Options``가 ``None`` 이거나 ``vxlanid_list``가 아직 없어서, 곧바로 읽는
        셀이 빈 값을 받는다. 그래서 돌려주는 네트워크 객체도 기다린 뒤에 다시 읽은 것이다.
        """
        until(
            lambda: self.vxlan_ids(network),
            what=f"스웜 할당기가 오버레이 {network}에 VNI를 붙이기",
            timeout=timeout,
        )

    def service(
        self,
        name: str,
        *,
        networks: Iterable[str] = (),
        replicas: int = 2,
        command: Iterable[str] = ("sleep", "infinity"),
        image: str = LAB_IMAGE,
        endpoint_mode: str = "auto",
        constraints: Iterable[str] = (),
        max_per_node: int | None = None,
        wait: bool = True,
    ) -> Any:
        """복제 서비스를 만들고 태스크가 모두 뜰 때까지 기다린다. 같은 뜻의 명령줄을 먼저 보여 준다.

        ``endpoint_mode="auto"``는 엔진 호스트에 IPVS가 있으면 ``vip``, 없으면 ``dnsrr``이다. VIP 모드의
        가상 IP는 커널의 IPVS가 태스크로 나눠 주므로, IPVS가 없는 커널에서는 VIP로 보낸 연결이 멈춘다.
        """
        from ..capabilities import probe

        mode = endpoint_mode
        if mode == "auto":
            mode = "vip" if probe().has("ipvs") else "dnsrr"
            if mode == "dnsrr":
                self._note("이 엔진 호스트의 커널에는 IPVS가 없다: VIP 대신 DNS 라운드로빈(dnsrr)으로 만든다.")
        nets, cons, cmd = list(networks), list(constraints), list(command)
        parts = ["service", "create", "--name", name]
        parts += ["--replicas", str(replicas), "--endpoint-mode", mode]
        for net in nets:
            parts += ["--network", net]
        for con in cons:
            parts += ["--constraint", con]
        if max_per_node:
            parts += ["--replicas-max-per-node", str(max_per_node)]
        self._say(" ".join([self.manager.cli, *(shlex.quote(p) for p in [*parts, image, *cmd])]))
        svc = self.manager.client.services.create(
            image,
            command=cmd,
            name=name,
            networks=nets,
            endpoint_spec=docker.types.EndpointSpec(mode=mode),
            mode=docker.types.ServiceMode("replicated", replicas=replicas),
            constraints=cons or None,
            maxreplicas=max_per_node,
            labels=dict(self.lab.labels),
            container_labels=dict(self.lab.labels),
        )
        if wait:
            self.wait_tasks(name, replicas)
        return svc

    def tasks(self, service: str, *, order: str = "slot") -> list[dict[str, Any]]:
        """서비스의 실행 중인 태스크.

        ``order="slot"``은 슬롯 번호순이다. 매니저는 슬롯 순서로 오버레이 주소를 나눠 주므로 주소가
        실행마다 같다. 어느 노드에 놓이는지는 스케줄러가 정하므로 실행마다 다를 수 있다.
        ``order="node"``는 노드 이름순이다. 노드는 실행마다 같지만 주소는 바뀔 수 있다.
        """
        cli_echo.say(
            self.manager.client,
            ["service", "ps", "--no-trunc", "--filter", "desired-state=running", service],
            sys._getframe(1),
        )
        tasks = _running(self.manager.client.services.get(service).tasks(filters={"desired-state": "running"}))
        if order == "node":
            names = {n.id: n.attrs["Description"]["Hostname"] for n in self.manager.client.nodes.list()}
            tasks.sort(key=lambda t: (names.get(t["NodeID"], ""), t.get("Slot", 0)))
        return tasks

    def task_ip(self, task: Mapping[str, Any], network: str) -> str:
        """태스크가 그 오버레이에서 받은 주소 (접두사 길이 없이)."""
        for attachment in task.get("NetworksAttachments") or []:
            if attachment["Network"]["Spec"]["Name"] == network:
                return attachment["Addresses"][0].split("/")[0]
        raise KeyError(f"태스크가 네트워크 {network}에 붙어 있지 않다.")

    def _say(self, line: str) -> None:
        if getattr(self.lab, "echo", True):
            print(f"$ {line}")

    def _note(self, line: str) -> None:
        if getattr(self.lab, "echo", True):
            print(line)

    def wait_tasks(self, service: str, replicas: int, *, timeout: float = 60) -> list[dict[str, Any]]:
        """서비스의 태스크가 ``replicas`` 개 running이 될 때까지 기다리고, 그 태스크들을 돌려준다.

        돌려주는 태스크는 슬롯 번호순이다. 각 태스크의 ``NodeID``와 네트워크 주소가 들어 있다.
        """
        svc = self.manager.client.services.get(service)

        def running_tasks() -> list[dict[str, Any]]:
            tasks = svc.tasks(filters={"desired-state": "running"})
            failed = [t for t in tasks if (t.get("Status") or {}).get("State") in ("failed", "rejected")]
            if failed and len(_running(tasks)) < replicas:
                message = failed[0]["Status"].get("Err") or failed[0]["Status"].get("Message")
                raise ClusterError(f"서비스 {service}의 태스크가 실패했다: {message}")
            return _running(tasks)

        try:
            return until(
                running_tasks,
                lambda running: len(running) >= replicas,
                what=f"서비스 {service}의 태스크 {replicas}개가 running이 되기",
                timeout=timeout,
                interval=0.3,
            )
        except WaitTimeout as exc:
            raise ClusterError(str(exc)) from None

    def node_of_task(self, task: Mapping[str, Any]) -> Node:
        """태스크가 배치된 노드."""
        for node in self.nodes:
            if node.node_id and node.node_id == task["NodeID"]:
                return node
        hostname = self.manager.client.nodes.get(task["NodeID"]).attrs["Description"]["Hostname"]
        return self.node(hostname)

    def task_container(self, task: Mapping[str, Any]) -> Container:
        """태스크의 컨테이너 (그 태스크가 도는 노드 엔진의 컨테이너 객체)."""
        node = self.node_of_task(task)
        return node.client.containers.get(task["Status"]["ContainerStatus"]["ContainerID"])


def _running(tasks: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """실행 중인 태스크만, 슬롯 번호순으로."""
    running = [t for t in tasks if (t.get("Status") or {}).get("State") == "running"]
    return sorted(running, key=lambda t: t.get("Slot", 0))
