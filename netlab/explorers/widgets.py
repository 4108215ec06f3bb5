"""노트북과 책에서 손으로 만져 보는 탐색기 세 가지 (ipywidgets).

1. **네트워크 탐색기** :func:`network_inspector`: 엔진의 네트워크를 고르면 엔드포인트, IPAM, 드라이버 옵션
   표와 구성도를 보여 준다. 읽기만 하고 아무것도 바꾸지 않는다.
2. **VXLAN 헤더 탐색기** :func:`vxlan_explorer`: VNI를 넣으면 8바이트 헤더를, 16진수를 넣으면 VNI와
   플래그를 보여 준다. 엔진이 필요 없다 (:mod:`netlab.vxlan`).
3. **패킷 경로 따라가기** :func:`packet_walker`: 게시한 포트로 들어온 요청이 iptables 체인, conntrack,
   브리지, veth를 거쳐 컨테이너의 eth0에 닿기까지를 한 단계씩 보여 준다. 작은 데이터 모델
   (:class:`InboundModel`)로 움직이며, :func:`inbound_model_from_container`는 실제 실습 컨테이너에서
   그 모델을 채운다.

위젯의 논리는 모두 위젯 없이 부를 수 있는 보통 함수에 있고(``*_text``, ``*_html``), 위젯은 그 함수의
결과를 보여 주기만 한다. 시험(``tests/test_widgets.py``)은 위젯을 만들고 값을 바꾼 뒤 보이는 글자를 확인한다.

책(정적 HTML)에는 커널이 없다. 그래서 고르기만 하면 되는 부분은 미리 모든 쪽을 그려 ``Stack``에 넣고
``jslink``로 고르개와 이어 두었다. 이 연결은 브라우저 안에서만 동작하므로 책에서도 네트워크를 바꿔
보거나 경로의 단계를 넘길 수 있다. 값을 새로 계산해야 하는 부분(VXLAN 인코딩, 이전·다음 단추)은
노트북 커널이 있을 때만 반응하고, 책에는 실행할 때의 화면이 남는다.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import ipywidgets as W

from ..base.engine import EngineUnavailable
from ..base.korean import josa
from ..base.resources import LABEL_LAB, is_ours
from ..draw import show
from ..observe import vxlan

esc = html.escape

#: 엔진이 처음부터 가진 네트워크. 지울 수 없고 어느 엔진에나 있다.
BUILTIN_NETWORKS = ("bridge", "host", "none")

_BOX = "border:1px solid #cbd5e1;border-radius:6px;padding:8px 12px;margin:6px 0;background:#f8fafc;color:#0f172a"
_ERR = "border:1px solid #fca5a5;border-radius:6px;padding:8px 12px;margin:6px 0;background:#fef2f2;color:#7f1d1d"
_OK = "color:#166534"


def _table_html(table: show.Table) -> str:
    return table._repr_html_()


def _lines_html(lines: Iterable[str]) -> str:
    return "<br>".join(esc(line) for line in lines)


# =====================================================================================
# 1. 네트워크 탐색기
# =====================================================================================


class _FrozenNetwork:
    """``show``와 ``topology``에 넘기는 네트워크 사본. 엔드포인트를 거른 뒤 다시 읽지 않게 한다."""

    def __init__(self, name: str, net_id: str, attrs: dict[str, Any]) -> None:
        self.name = name
        self.id = net_id
        self.attrs = attrs

    def reload(self) -> None:  # 이미 읽은 상태를 그대로 쓴다
        return None


@dataclass
class NetworkReport:
    """네트워크 하나의 탐색 결과: 같은 내용을 글자(시험, nbval)와 HTML(위젯)로."""

    name: str
    text: str
    html: str
    shown_endpoints: list[str] = field(default_factory=list)
    hidden_endpoints: int = 0
    device: str = ""  # 리눅스 쪽에서 이 네트워크를 구현하는 장치 (docker0, br-<ID> …)


def _container_labels(client: Any, container_id: str) -> dict[str, str]:
    try:
        return client.containers.get(container_id).labels or {}
    except Exception:
        return {}


def inspector_networks(client: Any, *, lab: str | None = None, include_all: bool = False) -> list[Any]:
    """탐색기가 고르개에 올릴 네트워크: 기본 네트워크 셋과 이 책의 라벨이 붙은 네트워크.

    ``lab``을 주면 그 실습의 네트워크만, ``include_all``이면 엔진의 모든 네트워크다.
    기본 네트워크를 앞에(bridge, host, none 순서), 나머지는 이름순으로 놓는다.
    """
    chosen = []
    for net in client.networks.list():
        labels = net.attrs.get("Labels") or {}
        if include_all or net.name in BUILTIN_NETWORKS or is_ours(labels, lab):
            chosen.append(net)

    def order(net: Any) -> tuple[int, str]:
        if net.name in BUILTIN_NETWORKS:
            return (BUILTIN_NETWORKS.index(net.name), "")
        return (len(BUILTIN_NETWORKS), net.name)

    return sorted(chosen, key=order)


def network_report(client: Any, net: Any, *, endpoints: str = "book", lab: str | None = None) -> NetworkReport:
    """네트워크 하나를 읽어 요약, 엔드포인트, IPAM, 옵션, 구성도를 만든다. 엔진은 읽기만 한다.

    ``endpoints``: ``"book"``이면 이 책의 라벨이 붙은 컨테이너만 보여 주고(``lab``을 주면 그 실습만)
    나머지는 개수만 알린다. ``"all"``이면 모두, ``"hide"`` 면 표를 비워 둔다.
    """
    from ..draw.topology import linux_device

    net.reload()
    attrs = dict(net.attrs)
    containers = attrs.get("Containers") or {}
    kept: dict[str, Any] = {}
    hidden = 0
    for cid, info in containers.items():
        if endpoints == "all" or (endpoints == "book" and is_ours(_container_labels(client, cid), lab)):
            kept[cid] = info
        else:
            hidden += 1
    attrs["Containers"] = kept
    frozen = _FrozenNetwork(net.name, net.id, attrs)

    labels = attrs.get("Labels") or {}
    summary = show.kv(
        [
            ("이름", net.name),
            ("드라이버", attrs.get("Driver", "")),
            ("범위", attrs.get("Scope", "")),
            ("리눅스 쪽", linux_device(frozen)),
            ("internal", "예" if attrs.get("Internal") else "아니오"),
            ("attachable", "예" if attrs.get("Attachable") else "아니오"),
            ("IPv6", "켬" if attrs.get("EnableIPv6") else "끔"),
            ("이 책의 실습", labels.get(LABEL_LAB, "-")),
        ],
        f"{net.name} 요약",
    )
    ep_table = show.endpoints(frozen)
    ipam_table = show.ipam(frozen)
    opt_table = show.options(frozen)
    if endpoints == "hide":
        note = "엔드포인트는 보여 주지 않는다 (endpoints='hide')."
    elif hidden:
        note = f"이 책의 라벨이 없는 컨테이너 {hidden}개는 숨겼다 (endpoints='all'이면 모두 보인다)."
    elif not kept:
        note = "이 네트워크에 붙은 컨테이너가 없다."
    else:
        note = ""
    topo = show.topology([frozen], f"{net.name} 구성도")
    text_parts = [repr(summary), repr(ep_table)]
    if note:
        text_parts.append(note)
    text_parts += [repr(ipam_table) if len(ipam_table) else f"{net.name}의 IPAM: 주소 설정 없음", repr(opt_table)]
    text_parts.append(repr(topo))
    html_parts = [
        _table_html(summary),
        _table_html(ep_table),
        f"<p><em>{esc(note)}</em></p>" if note else "",
        _table_html(ipam_table) if len(ipam_table) else f"<p>{esc(net.name)}의 IPAM: 주소 설정 없음</p>",
        _table_html(opt_table) if len(opt_table) else f"<p>{esc(net.name)}에는 드라이버 옵션이 없다.</p>",
        f'<div style="overflow-x:auto">{topo.svg()}</div>',
    ]
    return NetworkReport(
        name=net.name,
        text="\n\n".join(text_parts),
        html="".join(html_parts),
        shown_endpoints=sorted(info.get("Name", "") for info in kept.values()),
        hidden_endpoints=hidden,
        device=linux_device(frozen),
    )


def _engine_client() -> Any:
    from ..base.engine import client

    return client()


def offline_explanation(reason: str) -> str:
    """엔진이 없을 때 탐색기 자리에 보이는 설명 (글자)."""
    return "\n".join(
        [
            "네트워크 탐색기는 도커 엔진에 물어서 네트워크를 보여 준다. 지금은 엔진에 닿지 않는다.",
            reason,
            "VXLAN 탐색기와 패킷 경로 따라가기는 엔진 없이도 동작한다.",
        ]
    )


class NetworkInspector(W.VBox):
    """네트워크 고르개와, 고른 네트워크의 표와 구성도. 읽기 전용이다."""

    def __init__(
        self,
        client: Any = None,
        *,
        names: Sequence[str] | None = None,
        lab: str | None = None,
        include_all: bool = False,
        endpoints: str = "book",
        client_factory: Callable[[], Any] = _engine_client,
    ) -> None:
        self.reports: list[NetworkReport] = []
        self.error: str = ""
        self._args = {"names": names, "lab": lab, "include_all": include_all, "endpoints": endpoints}
        self.title = W.HTML(
            "<b>네트워크 탐색기</b> <span style='color:#475569'>(읽기 전용: 엔진의 상태를 바꾸지 않는다)</span>"
        )
        self.dropdown = W.Dropdown(description="네트워크", options=[], layout=W.Layout(width="22em"))
        self.refresh_button = W.Button(description="다시 읽기", tooltip="엔진에 다시 묻는다 (커널 필요)")
        self.pages = W.Stack([])
        self.message = W.HTML()
        try:
            self.client = client if client is not None else client_factory()
        except EngineUnavailable as exc:
            self.client = None
            self.error = offline_explanation(str(exc))
        super().__init__([self.title, W.HBox([self.dropdown, self.refresh_button]), self.message, self.pages])
        if self.client is None:
            self.dropdown.disabled = True
            self.refresh_button.disabled = True
            self.message.value = f'<div style="{_ERR}">{_lines_html(self.error.splitlines())}</div>'
            return
        # 브라우저 안의 연결(책에서도 동작)과 커널 쪽 관찰(노트북과 시험)을 함께 둔다.
        self._link = W.jslink((self.dropdown, "index"), (self.pages, "selected_index"))
        self.dropdown.observe(self._on_select, names="index")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        """엔진에서 네트워크 목록과 각 네트워크의 상태를 다시 읽는다."""
        if self.client is None:
            return
        args = self._args
        if args["names"] is not None:
            nets = [self.client.networks.get(name) for name in args["names"]]
        else:
            nets = inspector_networks(self.client, lab=args["lab"], include_all=args["include_all"])
        previous = self.dropdown.value
        self.reports = [network_report(self.client, n, endpoints=args["endpoints"], lab=args["lab"]) for n in nets]
        self.pages.children = [W.HTML(r.html) for r in self.reports]
        names = [r.name for r in self.reports]
        self.dropdown.options = names
        self.message.value = "" if names else "<p>보여 줄 네트워크가 없다.</p>"
        if names:
            self.dropdown.value = previous if previous in names else names[0]
            self.pages.selected_index = self.dropdown.index

    def _on_select(self, change: dict[str, Any]) -> None:
        self.pages.selected_index = change["new"]

    def select(self, name: str) -> None:
        self.dropdown.value = name

    def current_text(self) -> str:
        """지금 고른 네트워크의 글자 판 (엔진이 없으면 설명)."""
        if self.client is None:
            return self.error
        index = self.dropdown.index
        return self.reports[index].text if index is not None and self.reports else ""

    def current_html(self) -> str:
        index = self.pages.selected_index
        if self.client is None or index is None or not self.pages.children:
            return self.message.value
        return self.pages.children[index].value


def network_inspector(client: Any = None, **kwargs: Any) -> NetworkInspector:
    """네트워크 탐색기를 만든다. 인자는 :class:`NetworkInspector`와 같다."""
    return NetworkInspector(client, **kwargs)


# =====================================================================================
# 2. VXLAN 헤더 탐색기
# =====================================================================================

_FIELD_COLORS = {"flags": "#fde68a", "res": "#e2e8f0", "vni": "#bfdbfe"}


@dataclass
class Result:
    """탐색기 함수 하나의 결과: 성공 여부와 글자, HTML."""

    ok: bool
    text: str
    html: str
    value: Any = None


def _byte_cells(data: bytes) -> str:
    kinds = ["flags", "res", "res", "res", "vni", "vni", "vni", "res"]
    titles = ["플래그", "예약", "예약", "예약", "VNI", "VNI", "VNI", "예약"]
    cells = "".join(
        f'<td style="background:{_FIELD_COLORS[k]};padding:4px 8px;font-family:monospace;text-align:center">'
        f"{b:02x}<br><small>{t}</small></td>"
        for b, k, t in zip(data, kinds, titles, strict=True)
    )
    return f'<table style="border-collapse:separate;border-spacing:2px"><tr>{cells}</tr></table>'


def _flag_bits(flags: int) -> str:
    names = ["R", "R", "R", "R", "I", "R", "R", "R"]
    cells = []
    for i, name in enumerate(names):
        bit = (flags >> (7 - i)) & 1
        color = "#fde68a" if name == "I" else "#e2e8f0"
        weight = "bold" if bit else "normal"
        cells.append(
            f'<td style="background:{color};padding:2px 6px;font-family:monospace;font-weight:{weight}">'
            f"{name}<br>{bit}</td>"
        )
    return f'<table style="border-collapse:separate;border-spacing:1px"><tr>{"".join(cells)}</tr></table>'


def vxlan_encode_text(vni_text: Any) -> Result:
    """VNI(글자나 정수) → 8바이트 헤더. 잘못된 값이면 ``ok=False``와 한국어 설명."""
    try:
        vni = vxlan.check_vni(vni_text)
    except vxlan.VxlanError as exc:
        return Result(False, f"오류: {exc}", f'<div style="{_ERR}">오류: {esc(str(exc))}</div>')
    data = vxlan.encode(vni)
    hexed = vxlan.format_hex(data)
    lines = [
        f"VNI {vni:,} (0x{vni:06x})의 VXLAN 헤더: {hexed}",
        f"  바이트 0 = 0x{data[0]:02x}: 플래그, I 비트(0x08)만 켜져 있다",
        "  바이트 1–3 = 00 00 00: 예약",
        f"  바이트 4–6 = {vxlan.format_hex(data[4:7])}: VNI (네트워크 바이트 순서, 큰 자리부터)",
        "  바이트 7 = 00: 예약",
    ]
    if vni < vxlan.DOCKER_VNI_START:
        lines.append(
            f"  참고: 도커 스웜은 VNI를 {vxlan.DOCKER_VNI_START}부터 자동으로 고른다. "
            "그보다 작은 값은 직접 정한 VXLAN 에서나 보인다."
        )
    html_out = (
        f'<div style="{_BOX}"><b>VNI {vni:,}</b> → <code>{hexed}</code>{_byte_cells(data)}'
        f"{_lines_html(lines[1:])}</div>"
    )
    return Result(True, "\n".join(lines), html_out, data)


def vxlan_decode_text(hex_text: str) -> Result:
    """16진수 8바이트 → 플래그와 VNI. 잘못된 값이면 ``ok=False``와 한국어 설명."""
    try:
        header = vxlan.decode(hex_text)
    except vxlan.VxlanError as exc:
        return Result(False, f"오류: {exc}", f'<div style="{_ERR}">오류: {esc(str(exc))}</div>')
    lines = [
        f"플래그 0x{header.flags:02x}: I 비트 {'켜짐' if header.i_flag else '꺼짐'}",
        f"VNI {header.vni:,} (0x{header.vni:06x})",
    ]
    lines += [f"주의: {w}" for w in header.warnings()]
    html_out = (
        f'<div style="{_BOX}">{_byte_cells(header.to_bytes())}{_flag_bits(header.flags)}{_lines_html(lines)}</div>'
    )
    return Result(True, "\n".join(lines), html_out, header)


def mtu_text(underlay_mtu: Any = 1500, *, ipv6: bool = False) -> Result:
    """캡슐화 오버헤드 표와 오버레이 MTU."""
    try:
        mtu = int(underlay_mtu)
        inner = vxlan.overlay_mtu(mtu, ipv6=ipv6)
    except (TypeError, ValueError) as exc:
        message = str(exc) if isinstance(exc, vxlan.VxlanError) else f"MTU는 정수여야 한다: {underlay_mtu!r}"
        return Result(False, f"오류: {message}", f'<div style="{_ERR}">오류: {esc(message)}</div>')
    layers = vxlan.overhead_layers(ipv6=ipv6)
    table = show.Table(
        ["덧붙는 헤더", "바이트", "무엇"], [[x.name, x.size, x.note] for x in layers], "VXLAN 캡슐화 오버헤드"
    )
    total = vxlan.overhead(ipv6=ipv6)
    lines = [
        f"오버헤드 합계: {total}바이트",
        f"언더레이 MTU {mtu} → 오버레이 MTU {inner} ({mtu} − {mtu - inner})",
    ]
    return Result(
        True,
        repr(table) + "\n" + "\n".join(lines),
        f'<div style="{_BOX}">{_table_html(table)}{_lines_html(lines)}</div>',
        inner,
    )


class VxlanExplorer(W.VBox):
    """VNI ↔ 8바이트 헤더, 그리고 언더레이 MTU → 오버레이 MTU. 엔진이 필요 없다."""

    def __init__(self, vni: Any = vxlan.DOCKER_VNI_START, hex_text: str = "08 00 00 00 00 10 01 00") -> None:
        style = {"description_width": "9em"}
        self.vni_input = W.Text(value=str(vni), description="VNI", style=style, layout=W.Layout(width="22em"))
        self.encode_out = W.HTML()
        self.hex_input = W.Text(value=hex_text, description="헤더 16진수", style=style, layout=W.Layout(width="30em"))
        self.decode_out = W.HTML()
        self.mtu_input = W.BoundedIntText(
            value=1500, min=0, max=65535, description="언더레이 MTU", style=style, layout=W.Layout(width="18em")
        )
        self.ipv6_box = W.Checkbox(value=False, description="IPv6 언더레이", indent=False)
        self.mtu_out = W.HTML()
        super().__init__(
            [
                W.HTML("<b>VXLAN 헤더 만들기</b> (VNI → 8바이트)"),
                self.vni_input,
                self.encode_out,
                W.HTML("<b>VXLAN 헤더 읽기</b> (8바이트 → 플래그, VNI)"),
                self.hex_input,
                self.decode_out,
                W.HTML("<b>캡슐화 오버헤드와 MTU</b>"),
                W.HBox([self.mtu_input, self.ipv6_box]),
                self.mtu_out,
            ]
        )
        self.vni_input.observe(lambda _c: self._encode(), names="value")
        self.hex_input.observe(lambda _c: self._decode(), names="value")
        self.mtu_input.observe(lambda _c: self._mtu(), names="value")
        self.ipv6_box.observe(lambda _c: self._mtu(), names="value")
        self._encode()
        self._decode()
        self._mtu()

    def _encode(self) -> None:
        self.encoded = vxlan_encode_text(self.vni_input.value)
        self.encode_out.value = self.encoded.html

    def _decode(self) -> None:
        self.decoded = vxlan_decode_text(self.hex_input.value)
        self.decode_out.value = self.decoded.html

    def _mtu(self) -> None:
        self.mtu = mtu_text(self.mtu_input.value, ipv6=self.ipv6_box.value)
        self.mtu_out.value = self.mtu.html


def vxlan_explorer(**kwargs: Any) -> VxlanExplorer:
    """VXLAN 헤더 탐색기를 만든다."""
    return VxlanExplorer(**kwargs)


# =====================================================================================
# 3. 패킷 경로 따라가기: 게시한 포트로 들어오는 요청
# =====================================================================================

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


@dataclass(frozen=True)
class Step:
    """경로의 한 단계."""

    stage: str  # STAGES의 열쇠
    title: str
    packet: str  # 이 단계에서 패킷의 모양 (출발지 → 목적지)
    rule: str  # 관련 규칙이나 명령 (없으면 "")
    text: str  # 설명


def _missing(what: str) -> str:
    return (
        f"(이 엔진에서 {what} 규칙을 찾지 못했다. iptables 대신 nftables 방화벽 백엔드를 쓰는 엔진이거나, "
        "규칙 구조가 바뀐 판일 수 있다.)"
    )


def _docker_chain_step(m: InboundModel, client: str, target: str) -> Step:
    """filter 표에서 게시된 포트를 허용하는 단계. 엔진 28의 체인 구조와 그 전 구조를 모델의 규칙으로 가른다."""
    other = tuple(r for r in m.forward_rules if "DOCKER-USER" not in r)
    rules = other + ((m.accept_rule,) if m.accept_rule else ()) + ((m.drop_rule,) if m.drop_rule else ())
    if any("DOCKER-FORWARD" in r for r in m.forward_rules):
        text = (
            "도커의 전달 규칙은 모두 DOCKER-FORWARD 아래에 있다(엔진 28). DOCKER-CT는 이미 맺어진 연결의 "
            "답장만 들여보내므로 새 연결은 지나친다. 격리 체인(DOCKER-ISOLATION-STAGE-1)은 도커 브리지에서 다른 "
            "브리지로 가는 패킷만 보므로 통과한다. DOCKER-BRIDGE가 이 브리지로 나가는 패킷을 filter의 DOCKER "
            "체인으로 보내고, 거기서 '이 컨테이너의 이 포트'를 허용하는 규칙에 맞아 ACCEPT 된다. 게시하지 않은 "
            "포트로 가는 새 연결은 그 아래의 브리지별 DROP에 걸려 버려진다."
        )
    else:
        text = (
            "격리 체인(DOCKER-ISOLATION-STAGE-1)은 도커 브리지에서 다른 브리지로 가는 패킷만 보므로 통과한다. "
            "새 연결이므로 ESTABLISHED 규칙에도 맞지 않고, 브리지로 나가는 패킷은 filter의 DOCKER 체인에서 "
            "'이 컨테이너의 이 포트'를 허용하는 규칙에 맞아 ACCEPT 된다. 엔진 27까지는 브리지별 DROP이 없어서, "
            "게시하지 않은 포트로 가는 패킷을 막는 것은 FORWARD의 기본 정책(DROP)이었다."
        )
    return Step(
        "netfilter",
        "filter FORWARD → DOCKER 체인: 게시된 포트만 허용",
        f"{client} → {target}",
        "\n".join(rules) or _missing("ACCEPT"),
        text,
    )


def inbound_steps(model: InboundModel) -> list[Step]:
    """모델에서 단계 목록을 만든다. 시나리오마다 지나는 곳이 다르다."""
    m = model
    client = f"{m.client_ip}:{m.client_port}"
    published = f"{m.host_ip}:{m.host_port}"
    target = f"{m.container_ip}:{m.container_port}"
    if m.scenario == "local":
        return _local_steps(m, published, target)
    return [
        Step(
            "client",
            "바깥 클라이언트가 연결을 연다",
            f"{client} → {published} ({m.proto.upper()} SYN)",
            "",
            f"다른 기계의 클라이언트는 컨테이너 주소({m.container_ip})를 모른다. 알고 있는 것은 호스트의 주소와 "
            f"게시된 포트({m.host_port})뿐이다. 첫 패킷은 연결을 여는 SYN이다.",
        ),
        Step(
            "host",
            f"호스트의 {m.host_if}에 도착한다",
            f"{client} → {published}",
            "",
            "패킷은 호스트의 네트워크 네임스페이스(init netns)에 있는 "
            f"인터페이스({m.host_if})로 들어온다. 아직 컨테이너와는 아무 관계가 없다. "
            "지금부터 커널의 netfilter 훅을 차례로 지난다.",
        ),
        Step(
            "netfilter",
            "연결 추적(conntrack)이 새 연결을 적는다",
            f"{client} → {published} [conntrack: NEW]",
            "conntrack -L -p tcp --dport " + str(m.host_port),
            "PREROUTING 훅에서 conntrack이 이 패킷을 어떤 연결에도 속하지 않는 새 연결(NEW)로 적는다. "
            "nat 테이블의 규칙은 연결의 첫 패킷에만 적용되고, 같은 연결의 나머지 패킷은 conntrack 항목에 "
            "기록된 변환을 그대로 따른다. 그래서 규칙을 바꿔도 이미 열린 연결에는 영향이 없다.",
        ),
        Step(
            "netfilter",
            "nat PREROUTING: 목적지가 호스트 자신이면 DOCKER 체인으로",
            f"{client} → {published}",
            m.prerouting_rule or _missing("PREROUTING의 DOCKER 점프"),
            "addrtype --dst-type LOCAL은 '목적지 주소가 이 호스트의 주소 중 하나'라는 조건이다. "
            "호스트의 어느 주소로 들어왔든 게시된 포트는 도커가 관리하는 DOCKER 체인에서 판단한다.",
        ),
        Step(
            "netfilter",
            "nat DOCKER: DNAT으로 목적지를 컨테이너로 바꾼다",
            f"{client} → {target}  (목적지가 바뀌었다)",
            m.dnat_rule or _missing("DNAT"),
            f"이 규칙이 포트 게시의 핵심이다. 목적지를 {published}에서 {josa(target, '으로')} 바꾼다. "
            f"conntrack은 답장 방향을 '{target} → {client}'라는 모양으로 기억해 두었다가, 답장의 출발지를 원래 "
            f"주소({published})로 되돌린다. '! -i {m.bridge}'는 같은 브리지 안에서 온 패킷은 "
            "이 규칙에서 뺀다는 뜻이다."
            + ("" if m.bind_ip == "0.0.0.0" else f" '-d {m.bind_ip}/32'는 그 주소로 온 패킷만 바꾼다는 뜻이다."),
        ),
        Step(
            "host",
            "라우팅 결정: 호스트로 들어갈까, 전달할까",
            f"{client} → {target}",
            f"ip route get {m.container_ip}  →  dev {m.bridge}",
            f"DNAT이 라우팅보다 먼저 일어났으므로 커널은 바뀐 목적지 주소({m.container_ip})로 길을 찾는다. "
            f"그 주소는 호스트 자신의 주소가 아니고 {m.bridge}에 직접 붙은 서브넷 안에 있으므로, "
            "패킷은 INPUT이 아니라 FORWARD 경로를 탄다. 그래서 net.ipv4.ip_forward=1이 필요하고 도커가 켠다.",
        ),
        Step(
            "netfilter",
            "filter FORWARD → DOCKER-USER: 사용자의 규칙이 먼저",
            f"{client} → {target}",
            "\n".join(tuple(r for r in m.forward_rules if "DOCKER-USER" in r) + m.docker_user_rules)
            or _missing("DOCKER-USER"),
            "FORWARD 체인의 첫 규칙은 DOCKER-USER로 점프한다. 도커는 이 체인에 규칙을 넣지 않으므로"
            + (
                "(28.2.2 전의 엔진이 넣던 '-j RETURN' 한 줄이 남아 있다. 있으나 없으나 결과는 같다)"
                if any(r.endswith("-j RETURN") for r in m.docker_user_rules)
                else "(비어 있으면 체인 끝에서 FORWARD로 돌아간다)"
            )
            + ", 게시한 포트에 접근 제어를 더하려면 여기에 규칙을 넣는다. 목적지는 이미 컨테이너 주소로 "
            f"바뀌었으므로 '--dport {m.host_port}'가 아니라 '--dport {m.container_port}'나 "
            "'-m conntrack --ctorigdstport'로 맞춰야 한다는 점이 흔한 함정이다.",
        ),
        _docker_chain_step(m, client, target),
        Step(
            "netfilter",
            "nat POSTROUTING: 출발지는 바꾸지 않는다",
            f"{client} → {target}",
            m.masquerade_rule or _missing("MASQUERADE"),
            f"MASQUERADE는 컨테이너 서브넷에서 나가는 패킷의 규칙이다. 이 패킷의 출발지는 바깥 클라이언트"
            f"({m.client_ip})이므로 맞지 않는다. 그래서 컨테이너는 클라이언트의 진짜 주소를 본다.",
        ),
        Step(
            "bridge",
            f"리눅스 브리지({m.bridge})가 포트를 고른다",
            f"{client} → {target}  (목적지 MAC {m.container_mac})",
            f"bridge fdb show br {m.bridge}",
            f"호스트는 브리지 주소({m.gateway})를 가진 이웃으로서 ARP로 {m.container_ip}의 MAC({m.container_mac})을 "
            f"알아내 프레임을 만든다. 브리지는 포워딩 데이터베이스(FDB)에서 그 MAC이 {m.host_veth} 포트 뒤에 "
            "있다는 것을 찾아 그 포트로만 내보낸다.",
        ),
        Step(
            "veth",
            f"veth 쌍: {m.host_veth} → 컨테이너의 eth0",
            f"{client} → {target}",
            f"ip -o link show dev {m.host_veth}   (eth0@ifN의 짝)",
            f"호스트 쪽 끝은 {m.host_veth}이고, 짝은 컨테이너 {m.container}의 네트워크 네임스페이스 안에서 "
            "eth0이라는 이름을 가진다. 한쪽 끝으로 보낸 프레임은 다른 끝에서 받은 것처럼 나타난다. "
            "이 순간 패킷은 네임스페이스를 건넌다.",
        ),
        Step(
            "container",
            f"컨테이너 {m.container}의 eth0에서 소켓이 받는다",
            f"{client} → {target}",
            f"ss -ltn 'sport = :{m.container_port}'   (컨테이너 안)",
            f"컨테이너 안의 서버는 {m.container_port}번 포트에서 연결을 받는다. 서버가 보는 상대 주소는 "
            f"클라이언트의 주소 그대로({client})다. 답장은 컨테이너의 기본 게이트웨이({m.gateway})로 나가고, "
            f"호스트의 conntrack이 출발지를 원래 주소({published})로 되돌려 클라이언트에게는 처음 접속한 주소에서 "
            "답이 온 것처럼 보인다.",
        ),
    ]


def _local_steps(m: InboundModel, published: str, target: str) -> list[Step]:
    proxy = m.proxy_listener or f"{published} docker-proxy"
    return [
        Step(
            "client",
            "호스트의 프로그램이 127.0.0.1로 연결을 연다",
            f"127.0.0.1:{m.client_port} → {published}",
            f"curl http://{published}/",
            "엔진 호스트 자신에서 curl 같은 프로그램이 루프백 주소로 게시된 포트에 접속한다. "
            "이 책의 실습은 포트를 127.0.0.1 에만 게시하므로 이것이 실습에서 만나는 경로다.",
        ),
        Step(
            "netfilter",
            "nat OUTPUT: 루프백 목적지는 DOCKER 체인에 가지 않는다",
            f"127.0.0.1:{m.client_port} → {published}",
            m.output_rule or _missing("OUTPUT의 DOCKER 점프"),
            "호스트가 스스로 만든 패킷은 PREROUTING이 아니라 OUTPUT 훅을 지난다. 여기의 점프 규칙에는 "
            "'! -d 127.0.0.0/8'이 붙어 있어 루프백 목적지는 DOCKER 체인의 DNAT을 받지 않는다. 루프백 패킷은 "
            "lo 밖으로 라우팅될 수 없기 때문에, 목적지를 컨테이너로 바꿔도 브리지로 보낼 수 없다.",
        ),
        Step(
            "proxy",
            "docker-proxy가 포트를 듣고 있다가 받는다",
            f"127.0.0.1:{m.client_port} → {published}  (첫 번째 연결, 여기서 끝난다)",
            proxy,
            "DNAT이 없으므로 패킷은 호스트 자신에게 배달되고, 그 포트를 듣고 있는 사용자 공간 프로세스 "
            "docker-proxy가 연결을 받는다. 엔진은 포트를 게시할 때 이 프록시를 함께 띄운다 "
            "(데몬 설정 userland-proxy가 켜져 있을 때, 기본값).",
        ),
        Step(
            "proxy",
            "docker-proxy가 컨테이너로 새 연결을 연다",
            f"{m.gateway}:<임시 포트> → {target}  (두 번째 연결)",
            m.proxy_command or "(docker-proxy 프로세스를 찾지 못했다: userland-proxy가 꺼진 엔진일 수 있다)",
            f"프록시는 받은 연결의 바이트를 컨테이너와의 새 연결로 옮겨 준다. 새 연결의 출발지는 브리지에 붙은 "
            f"호스트 주소({m.gateway})다. 연결이 둘로 나뉘므로 컨테이너는 원래 클라이언트(127.0.0.1)를 볼 수 없다.",
        ),
        Step(
            "host",
            "호스트가 만든 패킷: FORWARD가 아니라 OUTPUT 경로",
            f"{m.gateway} → {target}",
            f"ip route get {m.container_ip}  →  dev {m.bridge} src {m.gateway}",
            "이 패킷은 호스트의 프로세스가 보낸 것이라 filter OUTPUT을 지난다. FORWARD를 지나지 않으므로 "
            "DOCKER-USER에 넣은 규칙은 이 경로에 적용되지 않는다. 접근 제어를 DOCKER-USER에 둘 때 잊기 쉬운 점이다.",
        ),
        Step(
            "bridge",
            f"리눅스 브리지({m.bridge})가 포트를 고른다",
            f"{m.gateway} → {target}  (목적지 MAC {m.container_mac})",
            f"bridge fdb show br {m.bridge}",
            f"호스트는 ARP로 {m.container_ip}의 MAC({m.container_mac})을 알아내고, 브리지는 FDB에서 "
            f"그 MAC이 {m.host_veth} 포트 뒤에 있음을 찾아 그쪽으로 내보낸다.",
        ),
        Step(
            "veth",
            f"veth 쌍: {m.host_veth} → 컨테이너의 eth0",
            f"{m.gateway} → {target}",
            f"ip -o link show dev {m.host_veth}",
            f"호스트 쪽 끝({m.host_veth})으로 들어간 프레임은 컨테이너 {m.container}의 네임스페이스에 있는 "
            "eth0에서 나온다.",
        ),
        Step(
            "container",
            f"컨테이너 {m.container}의 eth0에서 소켓이 받는다",
            f"{m.gateway} → {target}",
            f"ss -ltn 'sport = :{m.container_port}'   (컨테이너 안)",
            f"서버가 보는 상대 주소는 127.0.0.1이 아니라 브리지의 게이트웨이 주소({m.gateway})다. 답장은 프록시로 "
            "돌아가고, 프록시가 첫 번째 연결로 옮겨 curl에게 전한다.",
        ),
    ]


def walk_text(model: InboundModel, steps: Sequence[Step] | None = None) -> str:
    """모든 단계를 글자로. 책과 nbval이 비교하기 좋은 형태다."""
    steps = list(steps) if steps is not None else inbound_steps(model)
    lines = [
        f"경로: {'바깥 → 게시된 포트 (DNAT)' if model.scenario == 'external' else '호스트 → 127.0.0.1 (docker-proxy)'}"
    ]
    for i, step in enumerate(steps, 1):
        lines.append(f"{i:2d}. [{dict(STAGES)[step.stage]}] {step.title}")
        lines.append(f"    패킷: {step.packet}")
        for rule in step.rule.splitlines():
            lines.append(f"    규칙: {rule}")
    return "\n".join(lines)


def step_text(model: InboundModel, index: int, steps: Sequence[Step] | None = None) -> str:
    """한 단계의 글자 (탐색기의 한 쪽과 같은 내용)."""
    steps = list(steps) if steps is not None else inbound_steps(model)
    step = steps[index]
    parts = [f"{index + 1}/{len(steps)} [{dict(STAGES)[step.stage]}] {step.title}", f"패킷: {step.packet}"]
    parts += [f"규칙: {rule}" for rule in step.rule.splitlines()]
    parts.append(step.text)
    return "\n".join(parts)


def _stage_strip(active: str, scenario: str) -> str:
    chips = []
    for key, label in STAGES:
        if key == "proxy" and scenario == "external":
            continue
        on = key == active
        style = "display:inline-block;padding:3px 8px;margin:2px;border-radius:12px;font-size:12px;" + (
            "background:#2563eb;color:#fff;font-weight:bold" if on else "background:#e2e8f0;color:#334155"
        )
        chips.append(f'<span style="{style}">{esc(label)}</span>')
    return " → ".join(chips)


def step_html(model: InboundModel, index: int, steps: Sequence[Step] | None = None) -> str:
    steps = list(steps) if steps is not None else inbound_steps(model)
    step = steps[index]
    rule_html = (
        "".join(f"<div><code>{esc(r)}</code></div>" for r in step.rule.splitlines()) if step.rule else "<div>-</div>"
    )
    return (
        f'<div style="{_BOX}">'
        f"<div>{_stage_strip(step.stage, model.scenario)}</div>"
        '<div style="margin:8px 0 4px;font-weight:bold;font-size:1.05em">'
        f"{index + 1}/{len(steps)} {esc(step.title)}</div>"
        f"<div><b>패킷</b>: <code>{esc(step.packet)}</code></div>"
        f"<div><b>규칙·명령</b>:{rule_html}</div>"
        f'<p style="margin:6px 0 0">{esc(step.text)}</p>'
        "</div>"
    )


class PacketWalker(W.VBox):
    """단계 단추(책에서도 동작)와 이전·다음 단추(커널 필요)로 경로를 한 단계씩 따라간다."""

    def __init__(self, model: InboundModel | None = None) -> None:
        self.model = model or example_model()
        self.steps = inbound_steps(self.model)
        count = len(self.steps)
        self.stepper = W.ToggleButtons(
            options=[(str(i + 1), i) for i in range(count)],
            value=0,
            description="단계",
            style={"button_width": "3.4em"},
        )
        self.prev_button = W.Button(description="◀ 이전", tooltip="이전 단계 (커널 필요)")
        self.next_button = W.Button(description="다음 ▶", tooltip="다음 단계 (커널 필요)")
        self.pages = W.Stack([W.HTML(step_html(self.model, i, self.steps)) for i in range(count)], selected_index=0)
        header = W.HTML(
            f"<b>패킷 경로 따라가기</b>: {esc(self.model.container)}의 {self.model.container_port}/{self.model.proto} "
            f"({esc(self.model.bind_ip)}:{self.model.host_port}에 게시) "
            f"<span style='color:#475569'>[{esc(self.model.source)}]</span>"
        )
        super().__init__([header, self.stepper, W.HBox([self.prev_button, self.next_button]), self.pages])
        self._link = W.jslink((self.stepper, "index"), (self.pages, "selected_index"))
        self.stepper.observe(self._on_step, names="index")
        self.prev_button.on_click(lambda _b: self.go(self.index - 1))
        self.next_button.on_click(lambda _b: self.go(self.index + 1))
        self._sync_buttons()

    @property
    def index(self) -> int:
        return int(self.stepper.index or 0)

    def go(self, index: int) -> None:
        self.stepper.index = max(0, min(len(self.steps) - 1, index))

    def _on_step(self, change: dict[str, Any]) -> None:
        self.pages.selected_index = change["new"]
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.prev_button.disabled = self.index == 0
        self.next_button.disabled = self.index == len(self.steps) - 1

    def current_text(self) -> str:
        return step_text(self.model, self.index, self.steps)


def packet_walker(model: InboundModel | None = None) -> PacketWalker:
    """패킷 경로 따라가기를 만든다. 모델이 없으면 :func:`example_model`을 쓴다."""
    return PacketWalker(model)


# -- 실제 엔진에서 모델 채우기 ---------------------------------------------------------------


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
