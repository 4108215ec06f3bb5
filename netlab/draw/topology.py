"""엔진의 지금 상태에서 네트워크 구성도를 SVG로 그린다.

글로 "컨테이너 A의 eth0은 veth 쌍으로 브리지 B에 꽂혀 있다"고 읽는 것보다 그림 한 장이 빠르다.
그림은 손으로 그리지 않고 엔진에 물어본 것(네트워크, 리눅스 브리지 이름, 엔드포인트의 주소)으로
만들기 때문에, 셀을 다시 실행하면 그때의 실제 상태가 그려진다.

배치는 결정적이다: 네트워크와 컨테이너를 이름순으로 놓으므로 같은 상태는 같은 그림이 된다
(nbval이 저장된 SVG와 새 SVG를 텍스트로 비교한다).

그림은 세 가지 방법으로 만든다.

- :func:`topology`: 도커 네트워크들과 거기 붙은 컨테이너 (엔진의 기록). ``host``와 ``none`` 네트워크는
  따로 표시하고, ``containers=``로 그릴 컨테이너를 고르고, ``extra=``로 도커 밖의 기계(LAN의 다른 기계,
  호스트의 보조 인터페이스)를 더하고, ``ranges=True`` 면 IPAM의 게이트웨이, 할당 범위, 예약 주소도 적는다.
- :func:`manual`: 도커 네트워크가 아닌 것(손으로 만든 브리지와 veth)을 평범한 데이터로 받아 같은 모양으로 그린다.
- :func:`from_host`: 엔진 호스트와 컨테이너의 ``ip -j`` 출력을 읽어 :func:`manual`의 데이터를 채운다.
  커널에 실제로 있는 브리지, 포트, 주소가 그대로 그림이 된다.

선이 여러 막대를 가로지르는 그림(한 컨테이너가 두 네트워크에 붙은 경우 등)은 "층을 나눠" 그린다. 선을 막대
뒤로 보내고, 선이 실제로 닿는 막대에만 점을 찍으며, 글자에 흰 테두리를 둘러 선 위에서도 읽히게 한다.
컨테이너마다 선이 하나뿐인 단순한 브리지 그림은 예전과 글자 하나 다르지 않게 그린다(이미 저장된 노트북의
출력이 그대로 맞도록). ``layered=True``로 단순한 그림도 층을 나눠 그릴 수 있다.
"""

from __future__ import annotations

import html
import ipaddress
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from docker.models.networks import Network

from ..base.korean import josa

_T = TypeVar("_T")

_NET_COLORS = ["#2563eb", "#059669", "#d97706", "#7c3aed", "#dc2626", "#0891b2"]
_NONE_COLOR = "#94a3b8"
_BOX_W, _BOX_H, _GAP = 150, 46, 24
_BAR_H, _ROW_GAP = 30, 90
_DETAIL_H = 14  # 막대에 둘째 줄(IPAM 범위)을 적을 때 늘어나는 높이
_HALO = 'paint-order="stroke" stroke="#ffffff" stroke-width="3" stroke-linejoin="round"'


@dataclass
class _Endpoint:
    network: str
    address: str
    via: str = ""  # 막대 쪽 끝의 이름 (호스트 쪽 veth 같은 것). 막대 바로 위에 작게 적는다
    iface: str = ""  # 상자 쪽 끝의 이름 (eth0 같은 것). 주소 앞에 붙여 적는다

    @property
    def label(self) -> str:
        return f"{self.iface} {self.address}".strip()


@dataclass
class _Box:
    name: str
    endpoints: list[_Endpoint] = field(default_factory=list)
    note: str = ""  # 상자 안의 둘째 줄
    kind: str = "container"  # container | host (엔진 호스트 자신) | outside (도커 밖의 기계)


@dataclass
class _Bar:
    key: str  # 엔드포인트가 가리키는 이름 (네트워크의 전체 이름, 세그먼트 이름)
    label: str  # 그림의 막대 위 글자
    header: str  # 텍스트 표현의 첫 줄
    kind: str = "normal"  # normal | host | none
    detail: str = ""  # 막대 안 둘째 줄 (IPAM 범위)


# -- 평범한 데이터 (manual, extra) ---------------------------------------------------


@dataclass
class Segment:
    """손으로 그리는 막대 하나: 리눅스 브리지, 점대점 veth 같은 L2 세그먼트."""

    name: str
    device: str = ""
    subnet: str = ""
    detail: str = ""


@dataclass
class Link:
    """상자에서 막대로 가는 선 하나. ``segment``는 막대 이름(도커 네트워크라면 전체 이름이나 객체)."""

    segment: Any
    address: str = ""
    via: str = ""
    iface: str = ""


@dataclass
class Node:
    """손으로 그리는 상자 하나. ``kind``는 container, host(엔진 호스트), outside(도커 밖의 기계)."""

    name: str
    links: list[Any] = field(default_factory=list)
    note: str = ""
    kind: str = "container"


def _coerce(kind: type[_T], item: Any) -> _T:
    """손으로 적은 값 하나를 ``kind``로: 이미 그것이면 그대로, 사전이면 이름으로, 그 밖에는 차례대로 넘긴다."""
    if isinstance(item, kind):
        return item
    if isinstance(item, Mapping):
        return kind(**item)
    return kind(*item)


def _as_segment(item: Any) -> Segment:
    return _coerce(Segment, item)


def _as_node(item: Any) -> Node:
    node = _coerce(Node, item)
    node.links = [_coerce(Link, link) for link in node.links]
    return node


# -- 도커 네트워크 읽기 ---------------------------------------------------------------


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


def _ipam_detail(net: Network) -> str:
    """게이트웨이, 할당 범위, 예약 주소를 한 줄로. 설정이 없으면 빈 글자."""
    parts = []
    for conf in (net.attrs.get("IPAM") or {}).get("Config") or []:
        if conf.get("Gateway"):
            parts.append(f"게이트웨이 {conf['Gateway']}")
        if conf.get("IPRange"):
            parts.append(f"할당 범위 {conf['IPRange']}")
        aux = conf.get("AuxiliaryAddresses") or {}
        if aux:
            parts.append("예약 " + ", ".join(f"{k}={v}" for k, v in sorted(aux.items())))
    return "  ·  ".join(parts)


def _bar_kind(net: Network) -> str:
    driver = net.attrs.get("Driver")
    return {"host": "host", "null": "none"}.get(driver or "", "normal")


def _text_px(text: str, size: int = 12, *, bold: bool = False) -> int:
    """글자 폭의 넉넉한 어림 (한글 같은 전각 문자는 글자 크기만큼, 나머지는 0.6배, 굵은 글자는 0.68배)."""
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in ("W", "F"))
    return int(wide * size + (len(text) - wide) * size * (0.68 if bold else 0.6)) + 1


def _wrap(text: str, limit: int, size: int) -> list[str]:
    """굵은 제목을 폭 limit 픽셀 안에 들도록 낱말 단위로 여러 줄로 나눈다 (휴대폰에서도 잘리지 않게)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and _text_px(f"{lines[-1]} {word}", size, bold=True) <= limit:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


class Topology:
    """SVG로 보이는 구성도. ``_repr_svg_``이 있어 노트북과 책에 그림으로 남는다."""

    def __init__(
        self,
        networks: Iterable[Network] = (),
        title: str = "",
        strip_prefix: str = "",
        *,
        containers: Iterable[Any] | None = None,
        extra: Iterable[Any] = (),
        ranges: bool = False,
        layered: bool | None = None,
    ) -> None:
        self.title = title
        self.strip = strip_prefix
        self.networks = sorted(networks, key=lambda n: n.name)
        for net in self.networks:
            net.reload()
        keep = None if containers is None else {c if isinstance(c, str) else c.name for c in containers}
        boxes: dict[str, _Box] = {}
        for net in self.networks:
            for info in (net.attrs.get("Containers") or {}).values():
                name = info.get("Name", "?")
                if keep is not None and name not in keep:
                    continue
                box = boxes.setdefault(name, _Box(name))
                box.endpoints.append(_Endpoint(net.name, info.get("IPv4Address", "").split("/")[0]))
        self.boxes = sorted(boxes.values(), key=lambda b: b.name)
        self.bars = [self._network_bar(net, ranges) for net in self.networks]
        kinds = {bar.key: bar.kind for bar in self.bars}
        for box in self.boxes:
            on = {kinds[ep.network] for ep in box.endpoints}
            if on == {"none"}:
                box.note = "lo만 (네트워크 없음)"
            elif "host" in on:
                box.note = "호스트 네임스페이스"
        names = {net.name for net in self.networks}
        for item in extra:
            node = _as_node(item)
            endpoints = []
            for link in node.links:
                key = link.segment.name if isinstance(link.segment, Network) else str(link.segment)
                if key not in names:
                    raise ValueError(f"extra의 {josa(node.name, '이')} 그림에 없는 네트워크 {josa(key, '를')} 가리킨다")
                endpoints.append(_Endpoint(key, link.address, link.via, link.iface))
            self.boxes.append(_Box(node.name, endpoints, node.note, node.kind or "outside"))
        if layered is None:
            layered = bool(extra) or ranges or any(bar.kind != "normal" for bar in self.bars)
            layered = layered or any(len(box.endpoints) != 1 for box in self.boxes)
            # 아래 막대로 내려가는 선은 위 막대를 가로지른다. 층 없이 그리면 위 막대에 붙은 것처럼 보인다
            below_first = {bar.key for bar in self.bars[1:]}
            layered = layered or any(ep.network in below_first for box in self.boxes for ep in box.endpoints)
        self.layered = layered

    def _network_bar(self, net: Network, ranges: bool) -> _Bar:
        short = self._short(net.name)
        kind = _bar_kind(net)
        if kind == "host":
            return _Bar(
                net.name,
                f"{short}  ·  host 드라이버: 엔진 호스트의 네트워크 네임스페이스를 그대로 쓴다"
                "  ·  veth, 브리지, 자기 주소 없음",
                f"[{short}] host: 엔진 호스트의 네트워크 네임스페이스 그대로",
                kind,
            )
        if kind == "none":
            return _Bar(
                net.name,
                f"{short}  ·  null 드라이버: 인터페이스를 하나도 만들지 않는다 (lo만)",
                f"[{short}] null: 인터페이스 없음 (lo만)",
                kind,
            )
        device, subnet = linux_device(net), _subnet(net)
        return _Bar(
            net.name,
            f"{short}  ·  {device}  ·  {subnet or '주소 없음'}",
            f"[{short}] {device} {subnet}",
            kind,
            _ipam_detail(net) if ranges else "",
        )

    @classmethod
    def _from_parts(
        cls, bars: list[_Bar], boxes: list[_Box], title: str, strip_prefix: str, layered: bool = True
    ) -> Topology:
        self = cls.__new__(cls)
        self.title, self.strip, self.networks = title, strip_prefix, []
        self.bars, self.boxes, self.layered = bars, boxes, layered
        return self

    def _short(self, name: str) -> str:
        return name[len(self.strip) :] if self.strip and name.startswith(self.strip) else name

    # -- 확인 셀에서 쓰는 평범한 값 ----------------------------------------------
    def links(self) -> list[tuple[str, str, str, str]]:
        """그림의 선들: (상자, 막대, 주소, 막대 쪽 끝). 접두사는 떼고, 정렬해서 돌려준다."""
        return sorted(
            (self._short(box.name), self._short(ep.network), ep.address, ep.via)
            for box in self.boxes
            for ep in box.endpoints
        )

    # -- 그리기 ------------------------------------------------------------------
    def svg(self) -> str:
        """구성도 SVG 텍스트."""
        count = max(len(self.boxes), 1)
        width = max(count * (_BOX_W + _GAP) + _GAP, 520)
        if self.layered:  # 긴 막대 글자가 그림 밖으로 나가지 않게 넓힌다
            widest = [_text_px(bar.label) for bar in self.bars] + [_text_px(bar.detail, 11) for bar in self.bars]
            width = max(width, max(widest, default=0) + 2 * _GAP)
        # 제목은 그림을 넓히지 않고 그 폭에 맞춰 줄을 나눈다
        title_lines = _wrap(self.title, width - 2 * _GAP, 15) if self.title else []
        top = 20 + 20 * len(title_lines) if title_lines else 12
        box_y = top
        bars_y = box_y + _BOX_H + _ROW_GAP
        bar_h = {bar.key: _BAR_H + (_DETAIL_H if bar.detail else 0) for bar in self.bars}
        bar_y: dict[str, int] = {}
        y = bars_y
        for bar in self.bars:
            bar_y[bar.key] = y
            y += bar_h[bar.key] + 16
        height = y + 12
        esc = html.escape
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img">'
        ]
        for n, line in enumerate(title_lines):
            parts.append(f'<text x="{_GAP}" y="{24 + 20 * n}" font-size="15" font-weight="bold">{esc(line)}</text>')
        color = {}
        for i, bar in enumerate(self.bars):
            color[bar.key] = _NONE_COLOR if bar.kind == "none" else _NET_COLORS[i % len(_NET_COLORS)]

        def bars() -> None:
            # 네트워크 막대: 리눅스 장치 이름과 서브넷
            for bar in self.bars:
                y = bar_y[bar.key]
                if self.layered:
                    dash = ' stroke-dasharray="6 4"' if bar.kind == "none" else ""
                    parts.append(
                        f'<rect x="{_GAP / 2}" y="{y}" width="{width - _GAP}" height="{bar_h[bar.key]}" rx="6" '
                        f'fill="#ffffff" stroke="none"/>'
                    )
                    parts.append(
                        f'<rect x="{_GAP / 2}" y="{y}" width="{width - _GAP}" height="{bar_h[bar.key]}" rx="6" '
                        f'fill="{color[bar.key]}" fill-opacity="0.12" stroke="{color[bar.key]}"{dash}/>'
                    )
                else:
                    parts.append(
                        f'<rect x="{_GAP / 2}" y="{y}" width="{width - _GAP}" height="{bar_h[bar.key]}" rx="6" '
                        f'fill="{color[bar.key]}" fill-opacity="0.12" stroke="{color[bar.key]}"/>'
                    )
                parts.append(f'<text x="{_GAP}" y="{y + 19}" fill="{color[bar.key]}">{esc(bar.label)}</text>')
                if bar.detail:
                    parts.append(
                        f'<text x="{_GAP}" y="{y + 35}" font-size="11" fill="{color[bar.key]}">{esc(bar.detail)}</text>'
                    )

        def box_shape(i: int, box: _Box) -> None:
            x = _GAP + i * (_BOX_W + _GAP)
            fill, stroke, dash = "#f8fafc", "#334155", ""
            if box.kind == "host":
                fill = "#fefce8"
            elif box.kind == "outside":
                fill, stroke, dash = "#ffffff", "#64748b", ' stroke-dasharray="5 3"'
            parts.append(
                f'<rect x="{x}" y="{box_y}" width="{_BOX_W}" height="{_BOX_H}" rx="6" '
                f'fill="{fill}" stroke="{stroke}"{dash}/>'
            )
            name_y = box_y + (14 if box.note else 18)
            parts.append(
                f'<text x="{x + _BOX_W / 2}" y="{name_y}" text-anchor="middle" font-weight="bold">'
                f"{esc(self._short(box.name))}</text>"
            )
            if box.note:
                parts.append(
                    f'<text x="{x + _BOX_W / 2}" y="{box_y + 31}" text-anchor="middle" font-size="10" '
                    f'fill="#64748b">{esc(box.note)}</text>'
                )

        def drawn(box: _Box) -> list[_Endpoint]:
            kinds = {bar.key: bar.kind for bar in self.bars}
            return [ep for ep in sorted(box.endpoints, key=lambda e: e.network) if kinds.get(ep.network) != "none"]

        if not self.layered:
            bars()
            # 컨테이너 상자와 엔드포인트 선 (veth 쌍)
            for i, box in enumerate(self.boxes):
                x = _GAP + i * (_BOX_W + _GAP)
                box_shape(i, box)
                eps = drawn(box)
                label_x = x + 20 + (len(eps) - 1) * 34 + 6  # 글자는 이 상자의 모든 선 오른쪽에 둔다
                for j, ep in enumerate(eps):
                    lx = x + 20 + j * 34
                    y2 = bar_y[ep.network]
                    parts.append(
                        f'<line x1="{lx}" y1="{box_y + _BOX_H}" x2="{lx}" y2="{y2}" '
                        f'stroke="{color[ep.network]}" stroke-width="2"/>'
                    )
                    parts.append(
                        f'<text x="{label_x}" y="{box_y + _BOX_H + 14 + j * 14}" font-size="11" '
                        f'fill="{color[ep.network]}">{esc(ep.label)}</text>'
                    )
            parts.append("</svg>")
            return "".join(parts)

        # 층을 나눠 그린다: 선 → 막대(선을 가린다) → 연결점 → 상자 → 글자
        lines, joints, labels = [], [], []
        for i, box in enumerate(self.boxes):
            x = _GAP + i * (_BOX_W + _GAP)
            seen: dict[str, int] = {}  # 같은 막대로 가는 선이 여럿이면 막대 쪽 글자를 한 줄씩 올린다
            eps = drawn(box)
            # 주소와 장치 이름은 이 상자의 모든 선 오른쪽에 둔다: 다른 선이 글자를 가로지르지 않는다
            label_x = x + 20 + (len(eps) - 1) * 34 + 6
            for j, ep in enumerate(eps):
                lx = x + 20 + j * 34
                level = seen.get(ep.network, 0)
                seen[ep.network] = level + 1
                y2 = bar_y[ep.network]
                c = color[ep.network]
                lines.append(
                    f'<line x1="{lx}" y1="{box_y + _BOX_H}" x2="{lx}" y2="{y2}" stroke="{c}" stroke-width="2"/>'
                )
                joints.append(f'<circle cx="{lx}" cy="{y2}" r="4" fill="{c}" stroke="#ffffff" stroke-width="1.5"/>')
                labels.append(
                    f'<text x="{label_x}" y="{box_y + _BOX_H + 14 + j * 14}" font-size="11" fill="{c}" {_HALO}>'
                    f"{esc(ep.label or self._endpoint_hint(ep))}</text>"
                )
                if ep.via:
                    labels.append(
                        f'<text x="{label_x}" y="{y2 - 4 - 12 * level}" font-size="10" fill="{c}" {_HALO}>'
                        f"{esc(ep.via)}</text>"
                    )
        parts.extend(lines)
        bars()
        parts.extend(joints)
        for i, box in enumerate(self.boxes):
            box_shape(i, box)
        parts.extend(labels)
        parts.append("</svg>")
        return "".join(parts)

    def _endpoint_hint(self, ep: _Endpoint) -> str:
        kinds = {bar.key: bar.kind for bar in self.bars}
        return "호스트 주소 공유" if kinds.get(ep.network) == "host" else ""

    def _repr_svg_(self) -> str:
        return self.svg()

    def __repr__(self) -> str:
        lines = [self.title] if self.title else []
        kinds = {bar.key: bar.kind for bar in self.bars}
        for bar in self.bars:
            lines.append(bar.header)
            if bar.detail:
                lines.append(f"    {bar.detail}")
            for box in self.boxes:
                for ep in box.endpoints:
                    if ep.network != bar.key:
                        continue
                    if kinds[bar.key] == "none":
                        shown = "(lo만)"
                    elif kinds[bar.key] == "host" and not ep.label:
                        shown = "(호스트 주소 공유)"
                    else:
                        shown = ep.label + (f" ← {ep.via}" if ep.via else "")
                    lines.append(f"  └ {self._short(box.name)} {shown}".rstrip())
        lone = [box for box in self.boxes if not box.endpoints]
        for box in lone:
            lines.append(f"(연결 없음) {self._short(box.name)}" + (f": {box.note}" if box.note else ""))
        return "\n".join(lines)


def topology(networks: Iterable[Network], title: str = "", strip_prefix: str = "", **options: Any) -> Topology:
    """네트워크들과 거기 붙은 컨테이너의 구성도.

    키워드 옵션은 :class:`Topology`가 받는 그대로다(매개변수 목록은 그곳에만 둔다).
    ``containers``: 그릴 컨테이너(이름이나 객체). 주지 않으면 네트워크에 붙은 것을 모두 그린다.
    ``host`` 네트워크처럼 다른 실습의 컨테이너도 붙어 있는 네트워크에서는 꼭 준다.
    ``extra``: 도커 밖의 기계를 나타내는 :class:`Node` 들 (점선 상자). 링크의 ``segment``는 그림 속 네트워크.
    ``ranges``: 막대 안에 게이트웨이, 할당 범위(``--ip-range``), 예약 주소(``--aux-address``)를 적는다.
    ``layered``: 층으로 나눠 그릴지. 주지 않으면 그림의 모양을 보고 정한다.
    """
    return Topology(networks, title, strip_prefix, **options)


def manual(segments: Sequence[Any], nodes: Sequence[Any], title: str = "", strip_prefix: str = "") -> Topology:
    """도커 네트워크가 아닌 구성(손으로 만든 브리지와 veth)을 같은 모양으로 그린다.

    ``segments``: :class:`Segment`나 ``{"name", "device", "subnet", "detail"}`` 사전. 주어진 순서대로 막대가 된다.
    ``nodes``: :class:`Node`나 ``{"name", "links": [(막대, 주소, 막대 쪽 끝, 상자 쪽 끝), ...], "note", "kind"}``.
    주어진 순서대로 상자가 된다. 값은 셀이 ``ip`` 출력에서 읽어 채운다 (:func:`from_host` 참고).
    """
    segs = [_as_segment(s) for s in segments]
    known = {s.name for s in segs}
    bars = []
    for s in segs:
        label = "  ·  ".join(p for p in (s.name, s.device, s.subnet or "주소 없음") if p)
        bars.append(_Bar(s.name, label, f"[{s.name}] {s.device} {s.subnet}".rstrip(), "normal", s.detail))
    boxes = []
    for item in nodes:
        node = _as_node(item)
        endpoints = []
        for link in node.links:
            if link.segment not in known:
                raise ValueError(f"{node.name}의 링크가 없는 막대 {josa(link.segment, '를')} 가리킨다")
            endpoints.append(_Endpoint(link.segment, link.address, link.via, link.iface))
        note = node.note or ("" if endpoints else "lo만 (연결 없음)")
        boxes.append(_Box(node.name, endpoints, note, node.kind))
    return Topology._from_parts(bars, boxes, title, strip_prefix)


# -- 커널에서 읽기 --------------------------------------------------------------------


def _json(result: Any) -> list[dict[str, Any]]:
    text = getattr(result, "output", "") or ""
    try:
        return json.loads(text) if text.strip() else []
    except json.JSONDecodeError:
        return []


def _ipv4(entries: list[dict[str, Any]]) -> dict[str, list[tuple[str, int]]]:
    found: dict[str, list[tuple[str, int]]] = {}
    for entry in entries:
        for info in entry.get("addr_info") or []:
            if info.get("family") == "inet":
                found.setdefault(entry["ifname"], []).append((info["local"], int(info["prefixlen"])))
    return found


def read_host(
    lab: Any,
    *,
    bridges: Sequence[str] = (),
    links: Sequence[str] = (),
    containers: Sequence[Any] = (),
    host_name: str = "엔진 호스트",
) -> tuple[list[Segment], list[Node]]:
    """엔진 호스트와 컨테이너의 ``ip -j`` 출력에서 :func:`manual`에 넘길 데이터를 읽는다.

    - ``bridges``: 막대로 그릴 호스트의 리눅스 브리지. 그 포트(veth)에 짝이 닿은 컨테이너 인터페이스가 선이 된다.
    - ``links``: 막대로 그릴 호스트의 점대점 링크(브리지에 꽂히지 않은 veth의 호스트 쪽 끝).
    - ``containers``: 상자로 그릴 컨테이너. 인터페이스의 짝(``link_index``)을 호스트에서 찾아 어느 막대에 닿는지 정한다.

    호스트 자신도 상자 하나가 된다. 그 막대 장치에 붙은 호스트의 IPv4 주소가 선이 된다.
    호스트에 없는 장치는 "엔진 호스트에 없다"는 막대로, 아무 막대에도 닿지 않는 컨테이너는 선 없는 상자로
    그린다 (실습에서 빠뜨린 단계가 그림에 드러난다). 엔진 호스트는 읽기만 한다.
    """
    host_links = _json(lab.host.sh("ip -j -d link show"))
    host_addrs = _ipv4(_json(lab.host.sh("ip -j -4 addr show")))
    by_index = {entry["ifindex"]: entry for entry in host_links}
    by_name = {entry["ifname"]: entry for entry in host_links}

    segments = []
    host_node = Node(host_name, kind="host")
    for name in list(bridges) + list(links):
        entry = by_name.get(name)
        if entry is None:  # 아직 만들지 않았거나 지워졌다: 그림에 그대로 드러나게 한다
            segments.append(Segment(name, "엔진 호스트에 없다"))
            continue
        kind = ((entry.get("linkinfo") or {}).get("info_kind")) or "link"
        device = "리눅스 브리지" if name in bridges else f"{kind} (호스트 쪽 끝)"
        addrs = host_addrs.get(name, [])
        subnet = str(ipaddress.ip_interface(f"{addrs[0][0]}/{addrs[0][1]}").network) if addrs else ""
        segments.append(Segment(name, device, subnet))
        for local, _ in addrs:
            host_node.links.append(Link(name, local))

    nodes = [host_node]
    prefix = getattr(lab, "prefix", "")
    for container in containers:
        inner_links = _json(lab.host.nsenter(container, "ip -j -d link show"))
        inner_addrs = _ipv4(_json(lab.host.nsenter(container, "ip -j -4 addr show")))
        short = container.name.removeprefix(prefix + "-") if prefix else container.name
        node = Node(short)
        for entry in sorted(inner_links, key=lambda e: e["ifname"]):
            ifname = entry["ifname"]
            if ifname == "lo" or "link_index" not in entry:
                continue
            peer = by_index.get(entry["link_index"])
            if peer is None or peer.get("link_index") != entry["ifindex"]:
                continue  # 짝이 호스트에 없다 (다른 컨테이너에 있거나 veth가 아니다)
            if peer.get("master") in bridges:
                segment, via = peer["master"], peer["ifname"]
            elif peer["ifname"] in links:
                segment, via = peer["ifname"], ""
            else:
                continue
            for local, _ in inner_addrs.get(ifname, []) or [("", 0)]:
                node.links.append(Link(segment, local, via, ifname))
        nodes.append(node)
    return segments, nodes


def from_host(lab: Any, *, title: str = "", **where: Any) -> Topology:
    """커널에 실제로 있는 브리지, veth, 주소로 구성도를 그린다 (:func:`read_host` + :func:`manual`).

    ``title`` 밖의 키워드(``bridges``, ``links``, ``containers``, ``host_name``)는 :func:`read_host`에 그대로 넘긴다.
    """
    segments, nodes = read_host(lab, **where)
    return manual(segments, nodes, title)
