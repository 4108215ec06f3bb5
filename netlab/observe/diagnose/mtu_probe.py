"""MTU 진단: 경로의 구간별 MTU를 모으고, DF를 켠 ping의 크기를 이분 탐색해 실제 경로 MTU를 잰다.

MTU 고장은 오류 메시지 없이 큰 패킷만 사라지므로, 설정값을 읽는 것과 실제로 재는 것을 한 리포트에서 나란히 본다.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docker.models.containers import Container

from .probes import link, short_name, veth_side
from .report import Report

if TYPE_CHECKING:
    from ...hosts.session import Lab


def _ping_df(lab: Lab, client: Container, target: str, payload: int) -> bool:
    return lab.sh(client, f"ping -M do -c 1 -W 1 -s {payload} {target}").ok


def path_mtu(lab: Lab, client: Container, target: str, ceiling: int) -> int:
    """DF를 켠 ping의 크기를 이분 탐색해 경로 MTU를 잰다 (IPv4 헤더 20 + ICMP 헤더 8바이트를 더한 값)."""
    if _ping_df(lab, client, target, ceiling - 28):
        return ceiling
    low, high = 0, ceiling - 28  # low는 되는 크기, high는 안 되는 크기
    if not _ping_df(lab, client, target, low):
        return 0
    while high - low > 1:
        middle = (low + high) // 2
        if _ping_df(lab, client, target, middle):
            low = middle
        else:
            high = middle
    return low + 28


def mtu(lab: Lab, client: Container, target: str, server: Container | None = None) -> Report:
    """경로의 구간별 MTU를 모으고, DF ping으로 실제 경로 MTU를 재서 비교한다."""
    cname = short_name(lab, client)
    report = Report(f"{cname} → {target}의 MTU")
    path: list[tuple[str, int]] = []
    base = int(link(lab, "eth0", client).get("mtu", "1500"))
    path.append((f"{cname} eth0", base))
    cpeer = veth_side(lab, client)
    if cpeer:
        path.append((f"{cname}의 호스트 쪽 veth", int(cpeer.get("mtu", "0"))))
        if cpeer.get("master"):
            path.append(("브리지", int(link(lab, cpeer["master"]).get("mtu", "0"))))
    if server is not None:
        sname = short_name(lab, server)
        speer = veth_side(lab, server)
        if speer:
            path.append((f"{sname}의 호스트 쪽 veth", int(speer.get("mtu", "0"))))
        path.append((f"{sname} eth0", int(link(lab, "eth0", server).get("mtu", "0"))))
    report.data["path"] = path
    measured = path_mtu(lab, client, target, base)
    report.data["path_mtu"] = measured
    if measured == 0:
        report.bad("IP", f"가장 작은 ping도 {target}에 닿지 않는다: MTU가 아니라 연결 자체의 문제다")
        return report
    if measured == base:
        report.ok("MTU", f"DF를 켠 {base}바이트 패킷이 {target}까지 간다: 경로 MTU {measured}")
    else:
        report.bad(
            "MTU",
            f"{cname}의 eth0 MTU는 {base}, DF를 켠 ping으로 잰 경로 MTU는 {measured}. "
            f"그 사이 어딘가에서 {measured}바이트보다 큰 패킷이 오류 메시지 없이 버려진다",
        )
    for label, value in path:
        if value and value < base:
            report.bad("MTU", f"{label}: MTU {value}, 경로의 다른 구간({base})보다 작다")
    return report
