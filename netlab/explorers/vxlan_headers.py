"""VXLAN 헤더 탐색기(:func:`vxlan_explorer`): VNI를 넣으면 8바이트 헤더를, 16진수를 넣으면 VNI와 플래그를,
언더레이 MTU를 넣으면 오버레이 MTU를 보여 준다. 엔진이 필요 없다 (:mod:`netlab.observe.vxlan`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ipywidgets as W

from ..draw import show
from ..observe import vxlan
from .common import BOX, ERR, esc, lines_html, table_html

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
        return Result(False, f"오류: {exc}", f'<div style="{ERR}">오류: {esc(str(exc))}</div>')
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
        f'<div style="{BOX}"><b>VNI {vni:,}</b> → <code>{hexed}</code>{_byte_cells(data)}{lines_html(lines[1:])}</div>'
    )
    return Result(True, "\n".join(lines), html_out, data)


def vxlan_decode_text(hex_text: str) -> Result:
    """16진수 8바이트 → 플래그와 VNI. 잘못된 값이면 ``ok=False``와 한국어 설명."""
    try:
        header = vxlan.decode(hex_text)
    except vxlan.VxlanError as exc:
        return Result(False, f"오류: {exc}", f'<div style="{ERR}">오류: {esc(str(exc))}</div>')
    lines = [
        f"플래그 0x{header.flags:02x}: I 비트 {'켜짐' if header.i_flag else '꺼짐'}",
        f"VNI {header.vni:,} (0x{header.vni:06x})",
    ]
    lines += [f"주의: {w}" for w in header.warnings()]
    html_out = f'<div style="{BOX}">{_byte_cells(header.to_bytes())}{_flag_bits(header.flags)}{lines_html(lines)}</div>'
    return Result(True, "\n".join(lines), html_out, header)


def mtu_text(underlay_mtu: Any = 1500, *, ipv6: bool = False) -> Result:
    """캡슐화 오버헤드 표와 오버레이 MTU."""
    try:
        mtu = int(underlay_mtu)
        inner = vxlan.overlay_mtu(mtu, ipv6=ipv6)
    except (TypeError, ValueError) as exc:
        message = str(exc) if isinstance(exc, vxlan.VxlanError) else f"MTU는 정수여야 한다: {underlay_mtu!r}"
        return Result(False, f"오류: {message}", f'<div style="{ERR}">오류: {esc(message)}</div>')
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
        f'<div style="{BOX}">{table_html(table)}{lines_html(lines)}</div>',
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
