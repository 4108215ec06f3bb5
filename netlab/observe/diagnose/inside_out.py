"""컨테이너 하나를 안에서 밖으로 한 바퀴 훑는 진단(:func:`walk`): 상태, 인터페이스, 경로, DNS, 듣는 포트,
veth, 브리지, MTU, 방화벽.

층마다의 관찰은 다른 모듈에 있고, 이 모듈은 그것들을 한 순서로 엮는다.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docker.models.containers import Container

from ...base.resources import LABEL_LAB
from .name_resolution import check_resolver
from .probes import (
    EMBEDDED_DNS,
    bridge_name,
    inside,
    is_loopback,
    link,
    listen_kind,
    listeners,
    networks_of,
    parse_link,
    short_name,
    veth_side,
)
from .report import BAD, NOTE, Report
from .rules import rule_covers

if TYPE_CHECKING:
    from ...hosts.session import Lab


def _bridge_port_state(lab: Lab, veth: str) -> str:
    out = lab.host.sh(f"bridge link show dev {veth}").output
    found = re.search(r"master \S+ state (\S+)", out)
    return found.group(1) if found else ""


def _network_by_bridge(lab: Lab, bridge: str) -> str:
    for net in lab.client.networks.list(filters={"label": f"{LABEL_LAB}={lab.name}"}):
        if net.attrs.get("Driver") == "bridge" and bridge_name(net) == bridge:
            return net.name
    return "docker0" if bridge == "docker0" else bridge


def walk(lab: Lab, container: Container) -> Report:
    """컨테이너 하나를 안에서 밖으로 훑는다: 상태, 인터페이스, 경로, DNS, 듣는 포트, veth, 브리지, MTU, 방화벽."""
    name = short_name(lab, container)
    report = Report(f"{name}에서 바깥으로")
    container.reload()
    if container.status != "running":
        report.bad("컨테이너", f"상태: {container.status}. 실행 중이 아니면 네트워크 네임스페이스도 없다.")
        return report
    report.ok("컨테이너", "실행 중이다")
    mode = container.attrs.get("HostConfig", {}).get("NetworkMode", "")
    if mode == "host" or mode.startswith("container:"):
        report.note(
            "네트워크", f"네트워크 모드: {mode}. 자기 네임스페이스가 없으므로 네임스페이스를 빌려 준 쪽을 진단한다."
        )
        return report

    links = {}
    for line in inside(lab, container, "ip -o link show").lines():
        info = parse_link(line)
        if info.get("name"):
            links[info["name"]] = info
    addrs = re.findall(r"^\d+:\s+(\S+)\s+inet (\S+)", inside(lab, container, "ip -o -4 addr show").output, re.M)
    for ifname, cidr in addrs:
        if ifname == "lo":
            continue
        info = links.get(ifname, {})
        up = "UP" in info.get("flags", "").split(",")
        text = f"{ifname} {cidr}, MTU {info.get('mtu', '?')}, {'켜져 있다' if up else '꺼져 있다'}"
        (report.ok if up else report.bad)("네임스페이스", text)
    if not [a for a in addrs if a[0] != "lo"]:
        report.note("네임스페이스", "루프백 말고는 IPv4 주소가 없다 (none 네트워크이거나 아직 붙지 않았다)")

    route = inside(lab, container, "ip route show default").output.strip()
    via = re.search(r"default via (\S+) dev (\S+)", route)
    if via:
        report.ok("경로", f"기본 경로의 게이트웨이: {via.group(1)} (인터페이스 {via.group(2)})")
    else:
        report.note("경로", "기본 경로가 없다: 바깥으로 나갈 수 없다 (internal 네트워크나 none이면 정상)")

    check_resolver(
        report,
        lab,
        container,
        uses=f"내장 DNS({EMBEDDED_DNS})에 묻는다: 같은 네트워크의 컨테이너 이름을 풀 수 있다",
        misses="nameserver: {servers}. 내장 DNS를 쓰지 않으므로 컨테이너 이름을 풀 수 없다"
        " (기본 브리지 네트워크의 컨테이너가 그렇다)",
        missing_level=NOTE,
    )

    found = listeners(lab, container)
    if found:
        text = ", ".join(f"{a}:{p}" for a, p in found)
        report.ok("서비스", f"듣는 TCP 소켓: {text}")
        for addr, port in found:
            if is_loopback(addr) and listen_kind(found, port)[0] == "loopback":
                report.note("서비스", f"{addr}:{port}: 루프백 주소라서 이 컨테이너 밖에서는 닿지 않는다")
    else:
        report.note("서비스", "듣는 TCP 소켓이 없다")

    if "eth0" in links:
        eth0_mtu = int(links["eth0"].get("mtu", "0"))
        peer = veth_side(lab, container)
        if peer:
            master = peer.get("master", "")
            state = _bridge_port_state(lab, peer["name"]) if master else ""
            where = _network_by_bridge(lab, master) if master else "(브리지 없음)"
            text = f"호스트 쪽 veth {peer['name']}: {where}의 브리지 포트, 포트 상태 {state or '?'}"
            (report.ok if state == "forwarding" else report.bad)("브리지", text)
            mtus = {"컨테이너 쪽 eth0": eth0_mtu, "호스트 쪽 veth": int(peer.get("mtu", "0"))}
            if master:
                mtus["브리지"] = int(link(lab, master).get("mtu", "0"))
            if len(set(mtus.values())) == 1:
                report.ok("MTU", f"veth 양쪽과 브리지의 MTU가 모두 같다: {eth0_mtu}")
            else:
                parts = ", ".join(f"{k} {v}" for k, v in mtus.items())
                report.bad("MTU", f"구간마다 MTU가 다르다 ({parts}): 큰 패킷이 작은 쪽에서 버려진다")

    ips = [ip for ip in networks_of(container).values() if ip]
    for line in lab.host.sh("iptables -S DOCKER-USER").lines():
        if re.search(r"-j (DROP|REJECT)", line) and any(rule_covers(line, ip) for ip in ips):
            report.bad("방화벽", f"DOCKER-USER의 규칙이 이 컨테이너의 주소를 버린다: {line}")
    if not report.mentions("DOCKER-USER", level=BAD):
        report.ok("방화벽", "DOCKER-USER에 이 컨테이너의 주소를 버리는 규칙이 없다")
    return report
