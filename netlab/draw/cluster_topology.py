"""여러 노드의 클러스터를 한 장의 SVG로 그린다: 노드, 언더레이, 노드를 가로지르는 오버레이.

:mod:`netlab.topology`의 그림은 엔진 하나의 네트워크와 컨테이너를 그린다. 오버레이는 그렇게 그리면 거짓말이
된다. 오버레이 막대 하나에 붙은 컨테이너들이 실제로는 서로 다른 엔진(노드) 안에 있고, 그 사이의 프레임은
언더레이를 VXLAN으로 건너가기 때문이다. 그래서 이 그림은 세 층으로 나눈다.

- 위: **오버레이 막대** (이름, VNI, 서브넷). 모든 노드 위로 길게 걸쳐 있다. 클러스터 전체에서 하나인
  ``swarm`` 범위 네트워크이기 때문이다.
- 가운데: **노드 틀**. 그 안에 그 노드의 엔진에서 도는 컨테이너(독립 실행 컨테이너나 서비스의 태스크)가
  작은 상자로 들어 있고, 상자에서 위의 오버레이 막대로 선이 올라간다. 틀의 아랫줄에는 그 노드에 실제로
  만들어진 오버레이가 적힌다. 오버레이는 그 네트워크를 쓰는 태스크가 있는 노드에만 생기기 때문이다(4장).
- 아래: **언더레이 막대** (노드들이 꽂힌 브리지와 서브넷). 노드 틀에서 내려온 선에 노드의 언더레이 주소가
  적힌다. 오버레이의 모든 프레임은 결국 이 막대 위를 UDP 4789로 지나간다.

서비스의 태스크는 실행마다 슬롯이 놓이는 노드와 주소가 달라질 수 있다. ``group_services``를 주면(:func:`read_cluster`)
그 서비스의 태스크 상자를 서비스 이름으로 적고 점선으로 그리며, 그림 아래의 범례에 서비스마다 태스크가 있는 노드를
한 번 적는다. ``task_addresses=False``는 그 상자의 주소를, ``notes``는 상자의 둘째 줄(노드마다 다를 수 있다)을 정한다.

그림의 재료는 평범한 데이터(:class:`ClusterNode`, :class:`Member`, :class:`OverlayBar`, :class:`Underlay`)다.
:func:`read_cluster`가 클러스터의 엔진들에 물어 그 데이터를 채우고, :class:`ClusterTopology`가 그린다.
배치는 결정적이다: 노드는 클러스터의 순서(매니저 먼저), 상자와 막대는 이름순이다. 같은 상태는 같은 그림이다.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..base.korean import josa
from .topology import _HALO, _NET_COLORS, _text_px


class ClusterLike(Protocol):
    """구성도가 클러스터에서 읽는 것: 실습 접두사, 매니저와 노드의 엔진, 언더레이 설명.

    :class:`netlab.cluster.Cluster`도 붙은 스웜(:mod:`netlab.hosts.attach`)도 이 모양이다. 그리기가 호스트 쪽
    꾸러미를 부르지 않도록 클래스 대신 모양만 적는다.
    """

    lab: Any
    manager: Any
    nodes: Sequence[Any]

    def underlay_description(self) -> tuple[str, str, str]: ...


_MEMBER_W, _MEMBER_H, _MEMBER_GAP, _MEMBER_PAD = 138, 40, 14, 8
_FRAME_PAD, _FRAME_HEAD, _FRAME_FOOT = 14, 26, 24
_NODE_GAP, _MARGIN = 28, 16
_BAR_H, _BAR_GAP = 28, 10
_LINE_ZONE = 46  # 오버레이 막대와 노드 틀 사이, 선과 주소 글자가 지나가는 띠
_UNDERLAY_ZONE = 44  # 노드 틀과 언더레이 막대 사이
_UNDERLAY_COLOR = "#475569"
_TASK_ID = re.compile(r"\.[0-9a-z]{25}$")
# 태스크 컨테이너 이름: <서비스>.<슬롯>.<태스크 ID> (복제 서비스), <서비스>.<노드 ID>.<태스크 ID> (전역 서비스).
# 스웜의 서비스 이름에는 점이 없다.
_TASK_NAME = re.compile(r"^(?P<service>[^.]+)\.(?:[0-9]+|[0-9a-z]{25})\.[0-9a-z]{25}$")
_LEGEND_H = 24  # 언더레이 막대 아래, 서비스 범례 한 줄


@dataclass
class Member:
    """노드 안에서 도는 컨테이너 하나 (독립 실행 컨테이너나 서비스 태스크). ``addresses``: 오버레이 → 주소."""

    name: str
    addresses: dict[str, str] = field(default_factory=dict)
    note: str = ""  # 상자 안 둘째 줄: 노드 안의 로컬 네트워크 주소, 게시한 포트 같은 것
    service: str = ""  # 서비스 이름으로 묶어 그린 태스크면 그 서비스 (접두사를 뗀 이름). 상자는 점선이다


@dataclass
class ClusterNode:
    """노드 하나: 이름, 역할(manager/worker), 언더레이 주소, 그 노드에 생긴 오버레이, 그 안의 컨테이너."""

    name: str
    role: str
    address: str
    overlays: list[str] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)


@dataclass
class OverlayBar:
    """노드를 가로지르는 오버레이 막대 하나."""

    name: str
    vni: str = ""
    subnet: str = ""


@dataclass
class Underlay:
    """노드들이 꽂힌 언더레이: 도커 네트워크 이름, 리눅스 브리지 이름, 서브넷."""

    name: str
    bridge: str = ""
    subnet: str = ""


class ClusterTopology:
    """클러스터 구성도. 셀의 마지막 값으로 두면 SVG로 보이고, 텍스트 표현은 nbval이 비교한다."""

    def __init__(
        self,
        nodes: Sequence[ClusterNode],
        overlays: Sequence[OverlayBar],
        underlay: Underlay,
        title: str = "",
        strip_prefix: str = "",
    ) -> None:
        self.nodes = list(nodes)
        self.overlays = sorted(overlays, key=lambda o: o.name)
        self.underlay = underlay
        self.title = title
        self.strip = strip_prefix
        known = {o.name for o in self.overlays}
        for node in self.nodes:
            node.members = sorted(node.members, key=lambda m: m.name)
            for member in node.members:
                unknown = sorted(set(member.addresses) - known)
                if unknown:
                    raise ValueError(
                        f"{node.name}의 {josa(member.name, '이')} 그림에 없는 오버레이 {josa(unknown, '를')} 가리킨다"
                    )

    def _short(self, name: str) -> str:
        return name[len(self.strip) :] if self.strip and name.startswith(self.strip) else name

    # -- 확인 셀에서 쓰는 평범한 값 ----------------------------------------------
    def links(self) -> list[tuple[str, str, str, str]]:
        """그림의 선들: (노드, 컨테이너, 오버레이, 주소). 접두사는 떼고 정렬한다."""
        return sorted(
            (node.name, self._short(m.name), self._short(overlay), address)
            for node in self.nodes
            for m in node.members
            for overlay, address in m.addresses.items()
        )

    def spans(self) -> dict[str, list[str]]:
        """오버레이마다 그 오버레이가 만들어진 노드들 (접두사를 뗀 오버레이 이름 → 노드 이름)."""
        return {
            self._short(o.name): [node.name for node in self.nodes if o.name in node.overlays] for o in self.overlays
        }

    # -- 그리기 ------------------------------------------------------------------
    def _member_width(self, member: Member) -> int:
        """상자 폭: 기본 폭, 더 긴 이름이나 둘째 줄(노트)이 있으면 그 글자가 상자 안에 들어갈 만큼."""
        name = _text_px(self._short(member.name), 12) + 2 * _MEMBER_PAD
        note = _text_px(member.note, 10) + 2 * _MEMBER_PAD if member.note else 0
        return max(_MEMBER_W, name, note)

    def _frame_width(self, node: ClusterNode) -> int:
        count = max(len(node.members), 1)
        boxes = [self._member_width(m) for m in node.members] or [_MEMBER_W]
        inner = sum(boxes) + (count - 1) * _MEMBER_GAP
        label = max(_text_px(self._node_label(node), 12), _text_px(self._node_foot(node), 11))
        return max(inner, label, 170) + 2 * _FRAME_PAD

    def _node_label(self, node: ClusterNode) -> str:
        return f"{node.name}  ({node.role})"

    def _node_foot(self, node: ClusterNode) -> str:
        made = ", ".join(self._short(o) for o in sorted(node.overlays)) or "없음"
        return f"이 노드에 생긴 오버레이: {made}"

    def _overlay_label(self, overlay: OverlayBar) -> str:
        parts = [self._short(overlay.name), "overlay"]
        if overlay.vni:
            parts.append(f"VNI {overlay.vni}")
        parts.append(overlay.subnet or "주소 없음")
        return "  ·  ".join(parts)

    def _groups(self) -> list[tuple[str, list[str]]]:
        """서비스 이름으로 묶은 상자들: (서비스, 그 태스크가 있는 노드들). 서비스는 이름순, 노드는 그림의 순서다."""
        groups: dict[str, list[str]] = {}
        for node in self.nodes:
            for member in node.members:
                if member.service:
                    groups.setdefault(member.service, []).append(node.name)
        return sorted(groups.items())

    def _group_label(self, service: str, nodes: list[str]) -> str:
        counted = [n if nodes.count(n) == 1 else f"{n} ×{nodes.count(n)}" for n in dict.fromkeys(nodes)]
        return f"{service} {len(nodes)}개: {', '.join(counted)}"

    def _legend(self) -> str:
        """서비스 범례 한 줄. 묶은 상자가 없으면 빈 문자열이다."""
        groups = self._groups()
        if not groups:
            return ""
        return "점선 상자는 서비스의 태스크다  ·  " + "  ·  ".join(self._group_label(s, n) for s, n in groups)

    def _underlay_label(self) -> str:
        u = self.underlay
        parts = [f"언더레이 {self._short(u.name)}"]
        if u.bridge:
            parts.append(u.bridge)
        if u.subnet:
            parts.append(u.subnet)
        if self.overlays:
            # 오버레이를 그린 그림에서만: 그 막대들의 프레임이 실제로 이 언더레이를 지나가는 포트
            parts.append("VXLAN UDP 4789 · 가십 7946 · 관리 2377")
        return "  ·  ".join(parts)

    def svg(self) -> str:
        """구성도 SVG 텍스트."""
        esc = html.escape
        widths = [self._frame_width(node) for node in self.nodes]
        width = _MARGIN * 2 + sum(widths) + _NODE_GAP * max(len(widths) - 1, 0)
        labels = [_text_px(self._overlay_label(o)) for o in self.overlays] + [_text_px(self._underlay_label())]
        labels.append(_text_px(self.title, 15) if self.title else 0)
        legend = self._legend()
        if legend:
            labels.append(_text_px(legend, 11) + 24)  # 앞의 점선 견본만큼 더
        width = max(width, max(labels) + 2 * _MARGIN + 8, 520)
        top = 40 if self.title else 12
        bar_y = {o.name: top + i * (_BAR_H + _BAR_GAP) for i, o in enumerate(self.overlays)}
        frames_y = top + len(self.overlays) * (_BAR_H + _BAR_GAP) + (_LINE_ZONE if self.overlays else 0)
        frame_h = _FRAME_HEAD + _MEMBER_H + _FRAME_FOOT + _FRAME_PAD
        under_y = frames_y + frame_h + _UNDERLAY_ZONE
        height = under_y + _BAR_H + 12 + (_LEGEND_H if legend else 0)
        color = {o.name: _NET_COLORS[i % len(_NET_COLORS)] for i, o in enumerate(self.overlays)}

        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img">'
        ]
        if self.title:
            parts.append(f'<text x="{_MARGIN}" y="24" font-size="15" font-weight="bold">{esc(self.title)}</text>')
        lines, joints, texts, frames = [], [], [], []
        x = _MARGIN
        for node, frame_w in zip(self.nodes, widths, strict=True):
            frames.append(
                f'<rect x="{x}" y="{frames_y}" width="{frame_w}" height="{frame_h}" rx="8" '
                f'fill="#f1f5f9" stroke="#334155" stroke-width="1.5"/>'
            )
            frames.append(
                f'<text x="{x + _FRAME_PAD}" y="{frames_y + 18}" font-weight="bold">'
                f"{esc(self._node_label(node))}</text>"
            )
            frames.append(
                f'<text x="{x + _FRAME_PAD}" y="{frames_y + frame_h - 10}" font-size="11" fill="#475569">'
                f"{esc(self._node_foot(node))}</text>"
            )
            # 노드에서 언더레이로: 노드 컨테이너의 eth0과 그 주소
            nx = x + frame_w / 2
            lines.append(
                f'<line x1="{nx}" y1="{frames_y + frame_h}" x2="{nx}" y2="{under_y}" '
                f'stroke="{_UNDERLAY_COLOR}" stroke-width="2"/>'
            )
            joints.append(
                f'<circle cx="{nx}" cy="{under_y}" r="4" fill="{_UNDERLAY_COLOR}" stroke="#ffffff" stroke-width="1.5"/>'
            )
            texts.append(
                f'<text x="{nx + 6}" y="{frames_y + frame_h + 26}" font-size="11" fill="{_UNDERLAY_COLOR}" {_HALO}>'
                f"eth0 {esc(node.address)}</text>"
            )
            mx = x + _FRAME_PAD
            my = frames_y + _FRAME_HEAD
            for member in node.members:
                box_w = self._member_width(member)
                dash = ' stroke-dasharray="5 3"' if member.service else ""
                frames.append(
                    f'<rect x="{mx}" y="{my}" width="{box_w}" height="{_MEMBER_H}" rx="6" '
                    f'fill="#ffffff" stroke="#334155"{dash}/>'
                )
                frames.append(
                    f'<text x="{mx + box_w / 2}" y="{my + (17 if member.note else 24)}" text-anchor="middle" '
                    f'font-weight="bold">{esc(self._short(member.name))}</text>'
                )
                if member.note:
                    frames.append(
                        f'<text x="{mx + box_w / 2}" y="{my + 32}" text-anchor="middle" font-size="10" '
                        f'fill="#475569">{esc(member.note)}</text>'
                    )
                for j, overlay in enumerate(sorted(member.addresses)):
                    lx = mx + 16 + j * 30
                    c = color[overlay]
                    y2 = bar_y[overlay] + _BAR_H
                    lines.append(f'<line x1="{lx}" y1="{my}" x2="{lx}" y2="{y2}" stroke="{c}" stroke-width="2"/>')
                    joints.append(f'<circle cx="{lx}" cy="{y2}" r="4" fill="{c}" stroke="#ffffff" stroke-width="1.5"/>')
                    ty = frames_y - 8 - 14 * j
                    texts.append(
                        f'<text x="{lx + 4}" y="{ty}" font-size="11" fill="{c}" {_HALO}>'
                        f"{esc(member.addresses[overlay])}</text>"
                    )
                mx += box_w + _MEMBER_GAP
            x += frame_w + _NODE_GAP

        bars = []
        for overlay in self.overlays:
            y, c = bar_y[overlay.name], color[overlay.name]
            bars.append(
                f'<rect x="{_MARGIN / 2}" y="{y}" width="{width - _MARGIN}" height="{_BAR_H}" rx="6" '
                f'fill="#ffffff" stroke="none"/>'
            )
            bars.append(
                f'<rect x="{_MARGIN / 2}" y="{y}" width="{width - _MARGIN}" height="{_BAR_H}" rx="6" '
                f'fill="{c}" fill-opacity="0.12" stroke="{c}"/>'
            )
            bars.append(f'<text x="{_MARGIN}" y="{y + 18}" fill="{c}">{esc(self._overlay_label(overlay))}</text>')
        bars.append(
            f'<rect x="{_MARGIN / 2}" y="{under_y}" width="{width - _MARGIN}" height="{_BAR_H}" rx="6" '
            f'fill="{_UNDERLAY_COLOR}" fill-opacity="0.10" stroke="{_UNDERLAY_COLOR}" stroke-width="1.5"/>'
        )
        bars.append(
            f'<text x="{_MARGIN}" y="{under_y + 18}" fill="{_UNDERLAY_COLOR}">{esc(self._underlay_label())}</text>'
        )
        if legend:
            ly = under_y + _BAR_H + 10
            bars.append(
                f'<rect x="{_MARGIN}" y="{ly}" width="18" height="12" rx="3" fill="#ffffff" stroke="#334155" '
                f'stroke-dasharray="5 3"/>'
            )
            bars.append(f'<text x="{_MARGIN + 24}" y="{ly + 10}" font-size="11" fill="#475569">{esc(legend)}</text>')
        # 선 → 막대(선을 가린다) → 노드 틀과 상자 → 연결점 → 글자. 오버레이로 가는 선은 위의 막대들을
        # 지나가므로 막대 뒤로 보내고, 실제로 닿는 막대에만 점을 찍는다.
        parts += lines + bars + frames + joints + texts
        parts.append("</svg>")
        return "".join(parts)

    def _repr_svg_(self) -> str:
        return self.svg()

    def __repr__(self) -> str:
        out = [self.title] if self.title else []
        for overlay in self.overlays:
            out.append(f"[{self._overlay_label(overlay)}]")
            for node in self.nodes:
                for member in node.members:
                    if overlay.name in member.addresses:
                        line = f"  └ {node.name}/{self._short(member.name)} {member.addresses[overlay.name]}"
                        # 묶은 상자는 주소를 비웠을 때 줄 끝에 빈칸을 남기지 않는다 (묶지 않은 그림은 예전 그대로)
                        out.append(line.rstrip() if member.service else line)
        out.append(f"[{self._underlay_label()}]")
        for node in self.nodes:
            out.append(f"  └ {node.name} ({node.role}) eth0 {node.address}; {self._node_foot(node)}")
            for member in node.members:
                if member.note:
                    out.append(f"      {self._short(member.name)}: {member.note}")
        groups = self._groups()
        if groups:
            out.append("[점선 상자는 서비스의 태스크다]")
            out += [f"  └ {self._group_label(service, nodes)}" for service, nodes in groups]
        return "\n".join(out)


# -- 클러스터의 엔진들에게 묻기 -------------------------------------------------------


def member_name(container_name: str) -> str:
    """태스크 컨테이너 이름에서 실행마다 바뀌는 태스크 ID를 뗀다: ``web.1.<25자 ID>`` → ``web.1``."""
    return _TASK_ID.sub("", container_name)


def task_service(container_name: str) -> str:
    """태스크 컨테이너 이름에서 서비스 이름: ``web.1.<태스크 ID>``, ``edge.<노드 ID>.<태스크 ID>`` → ``web``, ``edge``.

    태스크가 아닌 컨테이너(태스크 ID가 붙지 않은 이름)면 빈 문자열이다. 접두사는 그대로 남는다.
    """
    match = _TASK_NAME.match(container_name)
    return match.group("service") if match else ""


class _Boxes:
    """노드 하나의 상자들을 모은다: 고를 이름(``members``)과 서비스로 묶을지(``group_services``)를 따른다."""

    def __init__(self, prefix: str, keep: set[str] | None, services: bool | set[str]) -> None:
        self.prefix, self.keep, self.services = prefix, keep, services
        self.found: dict[str, Member] = {}

    def grouped(self, container_name: str) -> str:
        """묶어 그릴 태스크면 그 서비스 이름(접두사를 뗀 것), 아니면 빈 문자열."""
        service = _strip(task_service(container_name), self.prefix)
        if not service or self.services is False:
            return ""
        return service if self.services is True or service in self.services else ""

    def member(self, container_name: str) -> Member | None:
        """그림 속 상자 (처음 보면 만든다). 고르지 않은 이름이면 ``None``: 그리지 않는다.

        상자는 태스크마다 하나다. 같은 노드에 같은 서비스의 태스크가 둘이면 같은 이름의 상자가 둘이다.
        """
        short = _strip(member_name(container_name), self.prefix)
        service = self.grouped(container_name)
        if self.keep is not None and short not in self.keep and not (service and service in self.keep):
            return None
        return self.found.setdefault(short, Member(self.prefix + (service or short), service=service))

    def members(self) -> list[Member]:
        """태스크 이름순: 이름이 같은 묶인 상자들도 실행마다 같은 순서로 놓인다."""
        return [self.found[key] for key in sorted(self.found)]


def _apply_notes(nodes: list[ClusterNode], notes: Mapping[str, str | Mapping[str, str]], prefix: str) -> None:
    """``notes``(상자 이름 → 둘째 줄, 또는 상자 이름 → {노드 → 둘째 줄})를 상자에 적는다.

    로컬 네트워크에서 온 둘째 줄이 이미 있으면 그 뒤에 붙인다. 그림의 어느 상자에도 없는 이름이면 ``ValueError``다.
    """
    seen: set[str] = set()
    for node in nodes:
        for member in node.members:
            short = _strip(member.name, prefix)
            given = notes.get(short)
            if given is None:
                continue
            seen.add(short)
            text = given if isinstance(given, str) else given.get(node.name, "")
            if text:
                member.note = ", ".join(p for p in (member.note, text) if p)
    missing = sorted(set(notes) - seen)
    if missing:
        raise ValueError(f"노트를 단 이름 {josa(', '.join(missing), '이')} 그림의 어느 상자에도 없다")


def _is_plumbing(key: str, name: str) -> bool:
    """오버레이의 엔드포인트 중 컨테이너가 아닌 것 (부하 분산 엔드포인트, ingress 샌드박스)."""
    return key.startswith("lb-") or key == "ingress-sbox" or name.endswith("-endpoint")


def _strip(name: str, prefix: str) -> str:
    return name[len(prefix) :] if name.startswith(prefix) else name


def _endpoints(client: Any, network: str) -> dict[str, Any] | None:
    """노드 엔진이 본 네트워크의 엔드포인트 (ID → 정보). 그 노드에 네트워크가 없으면 ``None``."""
    from docker.errors import NotFound

    try:
        net = client.networks.get(network)
    except NotFound:
        return None
    return net.attrs.get("Containers") or {}


def _published(client: Any, container_id: str) -> list[str]:
    """컨테이너가 노드에 게시한 포트: ``:8080→80`` 꼴 (정렬)."""
    try:
        ports = client.containers.get(container_id).attrs["NetworkSettings"].get("Ports") or {}
    except Exception:
        return []
    shown = []
    for inside, bindings in ports.items():
        for binding in bindings or []:
            shown.append(f":{binding.get('HostPort')}→{inside.split('/')[0]}")
    return sorted(set(shown))


def read_cluster(
    cluster: ClusterLike,
    overlays: Iterable[Any],
    title: str = "",
    *,
    members: Iterable[str] | None = None,
    addresses: bool = True,
    local: Iterable[str] = (),
    group_services: bool | str | Iterable[str] = False,
    task_addresses: bool = True,
    notes: Mapping[str, str | Mapping[str, str]] | None = None,
) -> ClusterTopology:
    """클러스터의 노드마다 엔진에 물어 구성도를 만든다. 엔진은 읽기만 한다.

    ``overlays``: 그릴 오버레이 (이름이나 네트워크 객체). VNI와 서브넷은 매니저가 본 값이다.
    ``members``: 그릴 컨테이너의 짧은 이름(접두사와 태스크 ID를 뗀 것, 예 ``a``, ``web.1``). 주지 않으면 모두.
    ``addresses=False`` 면 오버레이 주소를 적지 않는다. 스케줄러가 태스크를 어느 노드에 놓을지는 실행마다
    다를 수 있으므로, 그런 그림에서는 이름도 서비스 단위로 적는 편이 좋다(아래 ``group_services``).
    ``local``: 노드마다 따로 있는 로컬 네트워크(브리지) 이름. 거기 붙은 컨테이너도 노드 틀 안에 그리고,
    상자의 둘째 줄에 ``<네트워크> <주소>``와 게시한 포트를 적는다. 막대는 그리지 않는다: 노드를 가로지르지 않는다.

    ``group_services``: 서비스 이름으로 묶을 태스크. ``True``면 모든 서비스, 이름(들)이면 그 서비스만이다. 묶인 태스크의
    상자는 슬롯 번호나 노드 ID 없이 서비스 이름(``web``)으로 적히고 점선으로 그려지며, 그림 아래 범례에 서비스마다
    태스크가 있는 노드가 한 번 적힌다. 묶인 서비스는 ``members``에 서비스 이름으로 적어도 된다(``["db.1", "web"]``).
    ``task_addresses=False`` 면 묶인 상자의 오버레이 주소만 적지 않는다: 고정 주소를 받은 컨테이너는 주소가 남는다.
    ``notes``: 상자의 둘째 줄. 상자 이름(접두사를 뗀 것, 묶인 상자는 서비스 이름) → 글, 또는 노드마다 다르면
    상자 이름 → {노드 이름 → 글}. 게시한 포트처럼 노드마다 다른 것을 상자를 고치지 않고 적는다.
    """
    names = [o if isinstance(o, str) else o.name for o in overlays]
    prefix = f"{cluster.lab.prefix}-"
    keep = None if members is None else set(members)
    group: bool | set[str] = group_services if isinstance(group_services, bool) else _names(group_services)
    bars = []
    for name in names:
        net = cluster.manager.client.networks.get(name)
        options = net.attrs.get("Options") or {}
        configs = (net.attrs.get("IPAM") or {}).get("Config") or []
        bars.append(
            OverlayBar(
                name,
                options.get("com.docker.network.driver.overlay.vxlanid_list", ""),
                ", ".join(c.get("Subnet", "") for c in configs if c.get("Subnet")),
            )
        )
    nodes = []
    for node in cluster.nodes:
        present: list[str] = []
        boxes = _Boxes(prefix, keep, group)
        for name in names:
            containers = _endpoints(node.client, name)
            if containers is None:
                continue
            # 노드 엔진은 오버레이를 자기 쪽에 태스크가 있을 때만 만든다. 매니저는 목록에 늘 보이므로
            # 엔드포인트가 있는지로 "이 노드에 생겼는지"를 가린다.
            if containers:
                present.append(name)
            for key, info in containers.items():
                drawn = None if _is_plumbing(key, info.get("Name", "")) else boxes.member(info.get("Name", "?"))
                if drawn is not None:
                    shown = addresses and (task_addresses or not drawn.service)
                    drawn.addresses[name] = info.get("IPv4Address", "").split("/")[0] if shown else ""
        for name in local:
            for cid, info in (_endpoints(node.client, name) or {}).items():
                drawn = boxes.member(info.get("Name", "?"))
                if drawn is not None:
                    shown = addresses and (task_addresses or not drawn.service)
                    parts = [_strip(name, prefix), info.get("IPv4Address", "").split("/")[0] if shown else ""]
                    drawn.note = " ".join(p for p in parts + _published(node.client, cid) if p)
        nodes.append(ClusterNode(node.name, node.role, node.ip, present, boxes.members()))
    if isinstance(group, set):
        drawn_services = {m.service for node in nodes for m in node.members}
        absent = sorted(group - drawn_services)
        if absent:
            raise ValueError(f"묶으라고 한 서비스 {josa(', '.join(absent), '의')} 태스크가 그림에 없다")
    if notes:
        _apply_notes(nodes, notes, prefix)
    return ClusterTopology(nodes, bars, Underlay(*cluster.underlay_description()), title, prefix)


def _names(names: str | Iterable[str]) -> set[str]:
    """이름 하나나 여럿을 집합으로: 문자열 하나를 글자들로 쪼개지 않는다."""
    return {names} if isinstance(names, str) else set(names)
