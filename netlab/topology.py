"""엔진의 지금 상태에서 네트워크 구성도를 SVG 로 그린다.

글로 "컨테이너 A 의 eth0 은 veth 쌍으로 브리지 B 에 꽂혀 있다"고 읽는 것보다 그림 한 장이 빠르다.
그림은 손으로 그리지 않고 엔진에 물어본 것(네트워크, 리눅스 브리지 이름, 엔드포인트의 주소)으로
만들기 때문에, 셀을 다시 실행하면 그때의 실제 상태가 그려진다.

배치는 결정적이다: 네트워크와 컨테이너를 이름순으로 놓으므로 같은 상태는 같은 그림이 된다
(nbval 이 저장된 SVG 와 새 SVG 를 텍스트로 비교한다).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field

from docker.models.networks import Network

_NET_COLORS = ["#2563eb", "#059669", "#d97706", "#7c3aed", "#dc2626", "#0891b2"]
_BOX_W, _BOX_H, _GAP = 150, 46, 24
_BAR_H, _ROW_GAP = 30, 90


@dataclass
class _Endpoint:
    network: str
    address: str


@dataclass
class _Box:
    name: str
    endpoints: list[_Endpoint] = field(default_factory=list)


def linux_device(net: Network) -> str:
    """네트워크를 구현하는 리눅스 장치 이름 (브리지 드라이버의 경우)."""
    attrs = net.attrs
    options = attrs.get("Options") or {}
    if attrs.get("Driver") == "bridge":
        return options.get("com.docker.network.bridge.name") or f"br-{net.id[:12]}"
    if attrs.get("Driver") == "macvlan":
        return f"macvlan (parent {options.get('parent', '?')})"
    return attrs.get("Driver", "?")


def _subnet(net: Network) -> str:
    configs = (net.attrs.get("IPAM") or {}).get("Config") or []
    return ", ".join(c.get("Subnet", "") for c in configs if c.get("Subnet"))


class Topology:
    """SVG 로 보이는 구성도. ``_repr_svg_`` 이 있어 노트북과 책에 그림으로 남는다."""

    def __init__(self, networks: Iterable[Network], title: str = "", strip_prefix: str = "") -> None:
        self.title = title
        self.strip = strip_prefix
        self.networks = sorted(networks, key=lambda n: n.name)
        for net in self.networks:
            net.reload()
        boxes: dict[str, _Box] = {}
        for net in self.networks:
            for info in (net.attrs.get("Containers") or {}).values():
                name = info.get("Name", "?")
                box = boxes.setdefault(name, _Box(name))
                box.endpoints.append(_Endpoint(net.name, info.get("IPv4Address", "").split("/")[0]))
        self.boxes = sorted(boxes.values(), key=lambda b: b.name)

    def _short(self, name: str) -> str:
        return name[len(self.strip) :] if self.strip and name.startswith(self.strip) else name

    def svg(self) -> str:
        """구성도 SVG 텍스트."""
        count = max(len(self.boxes), 1)
        width = max(count * (_BOX_W + _GAP) + _GAP, 520)
        top = 40 if self.title else 12
        box_y = top
        bars_y = box_y + _BOX_H + _ROW_GAP
        height = bars_y + len(self.networks) * (_BAR_H + 16) + 12
        esc = html.escape
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img">'
        ]
        if self.title:
            parts.append(f'<text x="{_GAP}" y="24" font-size="15" font-weight="bold">{esc(self.title)}</text>')
        color = {net.name: _NET_COLORS[i % len(_NET_COLORS)] for i, net in enumerate(self.networks)}
        bar_y = {net.name: bars_y + i * (_BAR_H + 16) for i, net in enumerate(self.networks)}
        # 네트워크 막대: 리눅스 장치 이름과 서브넷
        for net in self.networks:
            y = bar_y[net.name]
            label = f"{self._short(net.name)}  ·  {linux_device(net)}  ·  {_subnet(net) or '주소 없음'}"
            parts.append(
                f'<rect x="{_GAP / 2}" y="{y}" width="{width - _GAP}" height="{_BAR_H}" rx="6" '
                f'fill="{color[net.name]}" fill-opacity="0.12" stroke="{color[net.name]}"/>'
            )
            parts.append(f'<text x="{_GAP}" y="{y + 19}" fill="{color[net.name]}">{esc(label)}</text>')
        # 컨테이너 상자와 엔드포인트 선 (veth 쌍)
        for i, box in enumerate(self.boxes):
            x = _GAP + i * (_BOX_W + _GAP)
            parts.append(
                f'<rect x="{x}" y="{box_y}" width="{_BOX_W}" height="{_BOX_H}" rx="6" fill="#f8fafc" stroke="#334155"/>'
            )
            parts.append(
                f'<text x="{x + _BOX_W / 2}" y="{box_y + 18}" text-anchor="middle" font-weight="bold">'
                f"{esc(self._short(box.name))}</text>"
            )
            for j, ep in enumerate(sorted(box.endpoints, key=lambda e: e.network)):
                lx = x + 20 + j * 34
                y2 = bar_y[ep.network]
                parts.append(
                    f'<line x1="{lx}" y1="{box_y + _BOX_H}" x2="{lx}" y2="{y2}" '
                    f'stroke="{color[ep.network]}" stroke-width="2"/>'
                )
                parts.append(
                    f'<text x="{lx + 4}" y="{box_y + _BOX_H + 14 + j * 14}" font-size="11" '
                    f'fill="{color[ep.network]}">{esc(ep.address)}</text>'
                )
        parts.append("</svg>")
        return "".join(parts)

    def _repr_svg_(self) -> str:
        return self.svg()

    def __repr__(self) -> str:
        lines = [self.title] if self.title else []
        for net in self.networks:
            lines.append(f"[{self._short(net.name)}] {linux_device(net)} {_subnet(net)}")
            for box in self.boxes:
                for ep in box.endpoints:
                    if ep.network == net.name:
                        lines.append(f"  └ {self._short(box.name)} {ep.address}")
        return "\n".join(lines)


def topology(networks: Iterable[Network], title: str = "", strip_prefix: str = "") -> Topology:
    """네트워크들과 거기 붙은 컨테이너의 구성도."""
    return Topology(networks, title, strip_prefix)
