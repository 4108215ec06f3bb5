"""패킷 경로 따라가기의 자료: 게시한 포트로 들어오는 요청 하나를 정하는 값(:class:`InboundModel`), 엔진 없이 쓰는
예시(:func:`example_model`), 실제 실습 컨테이너에서 채운 모델(:func:`inbound_model_from_container`).

경로의 설명(:mod:`.packet_path`)은 이 값만 읽는다. 그래서 예시와 실제 엔진이 같은 설명을 거친다.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from ..base.korean import josa

#: 경로 그림의 칸. 단계마다 어느 칸에 있는지 표시한다.
STAGES = (
    ("client", "요청하는 쪽"),
    ("host", "호스트 네트워크 스택"),
    ("netfilter", "netfilter (iptables)"),
    ("proxy", "docker-proxy"),
    ("bridge", "리눅스 브리지"),
    ("veth", "veth 쌍"),
    ("container", "컨테이너 eth0"),
)


@dataclass(frozen=True)
class InboundModel:
    """게시한 포트로 들어오는 요청 하나의 경로를 정하는 값들.

    ``scenario``는 ``"external"``(다른 기계가 호스트 주소로 접속, 커널의 DNAT이 처리) 또는
    ``"local"``(호스트 자신이 127.0.0.1로 접속, 사용자 공간의 docker-proxy가 처리)이다.
    규칙 문자열은 ``iptables -S``의 한 줄이다. 비어 있으면 "찾지 못했다"고 설명한다.
    """

    scenario: str = "external"
    client_ip: str = "198.51.100.7"
    client_port: int = 51324
    host_if: str = "eth0"
    host_ip: str = "203.0.113.10"
    host_port: int = 8080
    bind_ip: str = "0.0.0.0"
    proto: str = "tcp"
    container: str = "web"
    container_ip: str = "172.18.0.2"
    container_port: int = 80
    container_mac: str = "5a:3c:9e:41:07:d2"  # 28.0부터 무작위 (그 전에는 02:42 + IP)
    network: str = "appnet"
    bridge: str = "br-3f2a1b0c9d8e"
    gateway: str = "172.18.0.1"
    host_veth: str = "veth6c1d2e3"
    prerouting_rule: str = "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER"
    output_rule: str = "-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER"
    dnat_rule: str = ""
    forward_rules: tuple[str, ...] = ()
    docker_user_rules: tuple[str, ...] = ()  # 28.2.2부터 비어 있다 (그 전에는 "-j RETURN" 한 줄)
    drop_rule: str = ""  # 28: 게시하지 않은 포트를 막는 브리지별 DROP (filter DOCKER)
    accept_rule: str = ""
    masquerade_rule: str = ""
    proxy_listener: str = ""
    proxy_command: str = ""
    source: str = "예시 값"

    def __post_init__(self) -> None:
        if self.scenario not in ("external", "local"):
            raise ValueError(f"scenario는 'external'이나 'local'이다: {self.scenario!r}")


def example_model(scenario: str = "external", **overrides: Any) -> InboundModel:
    """엔진 없이 쓰는 예시 모델. 규칙 문자열은 이 책의 기준 엔진(28.5)이 만드는 모양 그대로다."""
    base = InboundModel(scenario=scenario, **overrides)
    if scenario == "local":
        base = replace(
            base, bind_ip=overrides.get("bind_ip", "127.0.0.1"), host_ip=overrides.get("host_ip", "127.0.0.1")
        )
    subnet = ".".join(base.container_ip.split(".")[:3]) + ".0/24"
    dest = "" if base.bind_ip == "0.0.0.0" else f"-d {base.bind_ip}/32 "
    filled = {
        "dnat_rule": (
            f"-A DOCKER {dest}! -i {base.bridge} -p {base.proto} -m {base.proto} --dport {base.host_port} "
            f"-j DNAT --to-destination {base.container_ip}:{base.container_port}"
        ),
        "accept_rule": (
            f"-A DOCKER -d {base.container_ip}/32 ! -i {base.bridge} -o {base.bridge} -p {base.proto} "
            f"-m {base.proto} --dport {base.container_port} -j ACCEPT"
        ),
        "forward_rules": (
            "-A FORWARD -j DOCKER-USER",
            "-A FORWARD -j DOCKER-FORWARD",
            "-A DOCKER-FORWARD -j DOCKER-CT",
            "-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1",
            "-A DOCKER-FORWARD -j DOCKER-BRIDGE",
            f"-A DOCKER-CT -o {base.bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            f"-A DOCKER-BRIDGE -o {base.bridge} -j DOCKER",
        ),
        "drop_rule": f"-A DOCKER ! -i {base.bridge} -o {base.bridge} -j DROP",
        "masquerade_rule": f"-A POSTROUTING -s {subnet} ! -o {base.bridge} -j MASQUERADE",
        "proxy_listener": f"{base.bind_ip}:{base.host_port} docker-proxy",
        "proxy_command": (
            f"/usr/sbin/docker-proxy -proto {base.proto} -host-ip {base.bind_ip} -host-port {base.host_port} "
            f"-container-ip {base.container_ip} -container-port {base.container_port} -use-listen-fd"
        ),
    }
    filled = {k: v for k, v in filled.items() if k not in overrides}
    return replace(base, **filled)


def _first(lines: Iterable[str], *needles: str) -> str:
    for line in lines:
        if all(n in line for n in needles):
            return line
    return ""


def _forward_rule_on_path(rule: str, bridge: str) -> bool:
    """FORWARD에서 이 브리지로 가는 새 연결이 지나는 규칙인지 (엔진 28의 DOCKER-FORWARD 구조와 그 전 구조)."""
    chains = ("-A FORWARD ", "-A DOCKER-FORWARD ", "-A DOCKER-CT ", "-A DOCKER-BRIDGE ")
    if not rule.startswith(chains):
        return False
    jumps = ("-j DOCKER-USER", "-j DOCKER-FORWARD", "-j DOCKER-CT", "-j DOCKER-BRIDGE", "ISOLATION-STAGE-1")
    return rule.endswith(jumps) or f"-o {bridge} " in rule


def inbound_model_from_container(
    lab: Any,
    container: Any,
    port: int = 80,
    *,
    proto: str = "tcp",
    network: str | None = None,
    client: str = "198.51.100.7:51324",
) -> InboundModel:
    """실습 컨테이너 하나와 그 게시 포트에서 모델을 채운다 (엔진 호스트는 읽기만 한다).

    주소, MAC, 브리지, 호스트 쪽 veth는 엔진과 호스트에서, 규칙은 ``iptables -S``에서 읽는다.
    127.0.0.1에 게시했으면 ``local`` 시나리오(docker-proxy), 아니면 ``external`` 시나리오다.
    ``external``의 바깥 클라이언트 주소는 설명용 값(문서용 주소 198.51.100.0/24)이다.
    """
    from ..draw.topology import linux_device

    container.reload()
    key = f"{port}/{proto}"
    bindings = (container.attrs["NetworkSettings"].get("Ports") or {}).get(key) or []
    bindings = [b for b in bindings if ":" not in b.get("HostIp", "")]  # IPv4만
    if not bindings:
        raise ValueError(
            f"{container.name}의 포트 {josa(key, '는')} 게시되어 있지 않다 (-p로 게시한 포트만 따라갈 수 있다)."
        )
    bind_ip = bindings[0].get("HostIp") or "0.0.0.0"
    host_port = int(bindings[0]["HostPort"])
    nets = container.attrs["NetworkSettings"]["Networks"]
    net_name = network or sorted(nets)[0]
    settings = nets[net_name]
    net = lab.client.networks.get(settings["NetworkID"])
    if net.attrs.get("Driver") != "bridge":
        raise ValueError(
            f"네트워크 {josa(net_name, '는')} 브리지 네트워크가 아니다: 이 경로는 브리지 드라이버의 포트 게시만 다룬다."
        )
    bridge = linux_device(net)
    ip = settings["IPAddress"]

    def rules(command: str) -> list[str]:
        return lab.host.sh(command).lines()

    nat_docker = rules("iptables -t nat -S DOCKER")
    filter_docker = rules("iptables -S DOCKER")
    forward = rules("iptables -S FORWARD") + rules(
        "for c in DOCKER-FORWARD DOCKER-CT DOCKER-BRIDGE; do iptables -S $c 2>/dev/null; done"
    )
    scenario = "local" if bind_ip.startswith("127.") else "external"
    if scenario == "external":
        route = lab.host.sh(f"ip -o -4 route get {client.split(':')[0]}").output
        match = re.search(r"\bdev (\S+) .*?\bsrc (\S+)", route)
        host_if, host_ip = (match.group(1), match.group(2)) if match else ("eth0", "<호스트 주소>")
        if bind_ip != "0.0.0.0":
            host_ip = bind_ip
    else:
        host_if, host_ip = "lo", bind_ip
    listener = lab.host.sh(f"ss -Hltnp 'sport = :{host_port}'").output
    proc = re.search(r'users:\(\("([^"]+)",pid=(\d+)', listener)
    proxy_command = lab.host.sh(f"ps -o args= -p {proc.group(2)}").output.strip() if proc else ""
    listen_addr = listener.split()[3] if len(listener.split()) > 3 else ""
    client_ip, _, client_port = client.partition(":")
    return InboundModel(
        scenario=scenario,
        client_ip=client_ip,
        client_port=int(client_port or 51324),
        host_if=host_if,
        host_ip=host_ip,
        host_port=host_port,
        bind_ip=bind_ip,
        proto=proto,
        container=container.name,
        container_ip=ip,
        container_port=port,
        container_mac=settings.get("MacAddress", ""),
        network=net_name,
        bridge=bridge,
        gateway=settings.get("Gateway", ""),
        host_veth=lab.host.veth_peer_name(container),
        prerouting_rule=_first(rules("iptables -t nat -S PREROUTING"), "-j DOCKER"),
        output_rule=_first(rules("iptables -t nat -S OUTPUT"), "-j DOCKER"),
        dnat_rule=_first(nat_docker, f"--dport {host_port} ", f"--to-destination {ip}:{port}"),
        forward_rules=tuple(r for r in forward if _forward_rule_on_path(r, bridge)),
        docker_user_rules=tuple(r for r in rules("iptables -S DOCKER-USER") if r.startswith("-A")),
        accept_rule=_first(filter_docker, f"-d {ip}/32", f"--dport {port} ", "ACCEPT"),
        drop_rule=_first(filter_docker, f"! -i {bridge} -o {bridge} -j DROP"),
        masquerade_rule=_first(rules("iptables -t nat -S POSTROUTING"), f"! -o {bridge} ", "MASQUERADE"),
        proxy_listener=f"{listen_addr} {proc.group(1)}" if proc else "",
        proxy_command=proxy_command,
        source=f"실제 엔진: {container.name}",
    )
