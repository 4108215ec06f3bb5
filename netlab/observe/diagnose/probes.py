"""진단이 쓰는 작은 관찰: 컨테이너의 이름과 네트워크, 링크 정보, resolv.conf, 듣는 소켓, veth의 호스트 쪽.

모두 엔진 호스트의 도구 상자와 ``nsenter``로 본다. 대상 컨테이너 이미지에 도구가 없어도 되게 하는 일은 이 모듈만 안다.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from collections.abc import Iterable
from typing import TYPE_CHECKING

from docker.models.containers import Container
from docker.models.networks import Network

from ...base import addressing
from ...base.wait import WaitTimeout, until

if TYPE_CHECKING:
    from ...base.execution import ExecResult
    from ...hosts.session import Lab


#: 내장 DNS 서버의 주소. 사용자 정의 네트워크의 컨테이너는 resolv.conf에 이 주소를 받는다.
EMBEDDED_DNS = "127.0.0.11"


def short_name(lab: Lab, container: Container) -> str:
    """``nl-troubleshooting-web`` → ``web``."""
    prefix = f"{lab.prefix}-"
    return container.name[len(prefix) :] if container.name.startswith(prefix) else container.name


def networks_of(container: Container) -> dict[str, str]:
    """컨테이너가 붙은 네트워크 이름 → 그 네트워크에서의 IPv4 주소 (이름순)."""
    container.reload()
    nets = container.attrs.get("NetworkSettings", {}).get("Networks") or {}
    return {name: (info or {}).get("IPAddress", "") for name, info in sorted(nets.items())}


def bridge_name(network: Network) -> str:
    """브리지 네트워크의 리눅스 브리지 이름 (옵션으로 정하지 않았으면 ``br-<ID 12자리>``)."""
    network.reload()
    options = network.attrs.get("Options") or {}
    return options.get("com.docker.network.bridge.name") or f"br-{network.id[:12]}"


def _pid(container: Container) -> int:
    container.reload()
    return int(container.attrs["State"]["Pid"])


def inside(lab: Lab, container: Container, command: str, *, timeout: float = 15) -> ExecResult:
    """대상 컨테이너의 네트워크 네임스페이스에서 도구 상자의 도구로 실행한다."""
    return lab.host.nsenter(container, command, timeout=timeout)


def parse_link(text: str) -> dict[str, str]:
    """``ip -o link show`` 한 줄에서 이름, MTU, 상태, master를 뽑는다."""
    info: dict[str, str] = {}
    match = re.match(r"^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>", text.strip())
    if match:
        info["name"], info["flags"] = match.group(1), match.group(2)
    for key in ("mtu", "master", "state"):
        found = re.search(rf"\b{key} (\S+)", text)
        if found:
            info[key] = found.group(1)
    return info


def link(lab: Lab, ifname: str, container: Container | None = None) -> dict[str, str]:
    """인터페이스 하나의 이름, MTU, 상태, master. ``container``를 주면 그 네임스페이스에서 본다."""
    command = f"ip -o link show dev {shlex.quote(ifname)}"
    out = inside(lab, container, command) if container is not None else lab.host.sh(command)
    return parse_link(out.output) if out.ok else {}


def resolv_conf(lab: Lab, container: Container) -> list[str]:
    """컨테이너의 ``/etc/resolv.conf``에 적힌 nameserver 들.

    파일은 컨테이너의 마운트 네임스페이스에 있다. 호스트 PID 네임스페이스를 쓰는 도구 상자에서
    ``/proc/<PID>/root``로 읽으므로 컨테이너 이미지에 ``cat``이 없어도 된다.
    """
    out = lab.host.sh(f"cat /proc/{_pid(container)}/root/etc/resolv.conf").output
    return re.findall(r"^\s*nameserver\s+(\S+)", out, flags=re.MULTILINE)


def parse_listeners(ss_output: str) -> list[tuple[str, int]]:
    """``ss -Hltn`` 출력에서 듣는 (주소, 포트). 내장 DNS의 내부 포트(127.0.0.11)는 뺀다."""
    found = set()
    for line in ss_output.splitlines():
        cols = line.split()
        if len(cols) < 4:
            continue
        local = cols[3]
        addr, _, port = local.rpartition(":")
        if not port.isdigit() or addr == EMBEDDED_DNS:
            continue
        addr = addr.split("%")[0]  # 0.0.0.0%lo 같은 장치 표기
        found.add((addr, int(port)))
    return sorted(found)


def listeners(lab: Lab, container: Container, proto: str = "tcp") -> list[tuple[str, int]]:
    """컨테이너 안에서 듣는 소켓의 (주소, 포트) 목록."""
    flag = "t" if proto == "tcp" else "u"
    return parse_listeners(inside(lab, container, f"ss -Hln{flag}").output)


def wait_listening(lab: Lab, container: Container, port: int, *, timeout: float = 30) -> bool:
    """컨테이너 안에서 무엇이든 ``port``를 듣기 시작할 때까지 기다린다 (서버가 뜨는 시간)."""
    try:
        until(
            lambda: listeners(lab, container),
            lambda found: any(p == port for _, p in found),
            what=f"{container.name} 안에서 {port}번 포트를 듣기",
            timeout=timeout,
        )
    except WaitTimeout:
        return False
    return True


def is_loopback(addr: str) -> bool:
    bare = addr.strip("[]")
    try:
        return ipaddress.ip_address(bare).is_loopback
    except ValueError:
        return False


def listen_kind(found: Iterable[tuple[str, int]], port: int) -> tuple[str, list[str]]:
    """포트 하나를 듣는 방식: ``none``, ``loopback`` (루프백에서만), ``reachable``과 그 주소들."""
    addrs = sorted({addr for addr, p in found if p == port})
    if not addrs:
        return "none", []
    if all(is_loopback(a) for a in addrs):
        return "loopback", addrs
    return "reachable", addrs


def inside_lab_block(lab: Lab, cidr: str) -> bool:
    net = ipaddress.ip_network(cidr, strict=False)
    return any(net.subnet_of(addressing.subnet(lab.name, i)) for i in range(addressing.BLOCK_SIZE))


def veth_side(lab: Lab, container: Container, ifname: str = "eth0") -> dict[str, str]:
    """컨테이너 ``ifname``의 호스트 쪽 veth와 그 링크 정보 (veth가 아니면 빈 사전)."""
    try:
        veth = lab.host.veth_peer_name(container, ifname)
    except RuntimeError:
        return {}
    info = link(lab, veth)
    info["name"] = veth
    return info
