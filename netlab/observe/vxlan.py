"""VXLAN 헤더를 바이트로 만들고 읽는다. 엔진이 필요 없는 순수 계산이다.

오버레이 네트워크(7장)의 데이터 플레인은 VXLAN(RFC 7348)이다. 컨테이너가 보낸 이더넷 프레임을 통째로
UDP 데이터그램(목적지 포트 4789)에 싣고, 그 앞에 8바이트짜리 VXLAN 헤더를 붙인다::

     0                   1                   2                   3
     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    |R|R|R|R|I|R|R|R|            예약 (Reserved, 24비트)            |
    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    |              VNI (24비트)                     | 예약 (8비트)  |
    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

첫 바이트의 I 비트(0x08)는 "VNI가 유효하다"는 표시이고 나머지 플래그 비트와 예약 필드는 보낼 때 0이다.
VNI는 24비트라서 0부터 16,777,215까지, 1,677만 개의 L2 세그먼트를 구별한다 (802.1Q VLAN ID는 12비트라
4094 개뿐이다).

이 모듈의 함수는 노트북의 VXLAN 탐색기(:mod:`netlab.explorers.vxlan_headers`)와 시험이 함께 쓴다. 잘못된 입력에는
무엇이 왜 틀렸는지 말하는 한국어 메시지로 :class:`VxlanError`를 낸다.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: IANA가 VXLAN에 배정한 UDP 목적지 포트. 리눅스 커널의 기본값은 옛 값 8472라서 도커는 4789를 명시한다.
UDP_PORT = 4789
#: 헤더 길이 (바이트).
HEADER_LEN = 8
#: I 플래그: VNI 필드가 유효하다는 표시.
FLAG_I = 0x08
#: VNI의 최댓값 (24비트).
MAX_VNI = (1 << 24) - 1
#: 도커 스웜이 오버레이 네트워크에 자동으로 고르는 가장 작은 VNI. 802.1Q VLAN ID 범위(0–4095)와
#: 겹치지 않게 한다 (moby의 overlay 드라이버 ``vxlanIDStart``).
DOCKER_VNI_START = 4096


class VxlanError(ValueError):
    """잘못된 VNI, 16진수, 헤더. 메시지는 독자가 읽을 한국어 설명이다."""


@dataclass(frozen=True)
class VxlanHeader:
    """읽어 낸 VXLAN 헤더."""

    flags: int
    vni: int
    reserved1: int = 0  # 플래그 뒤의 24비트
    reserved2: int = 0  # VNI 뒤의 8비트

    @property
    def i_flag(self) -> bool:
        return bool(self.flags & FLAG_I)

    @property
    def other_flags(self) -> int:
        """I가 아닌 플래그 비트 (RFC 7348은 예약, 보낼 때 0)."""
        return self.flags & ~FLAG_I & 0xFF

    def warnings(self) -> list[str]:
        """RFC를 어기지만 받는 쪽이 무시하는 값들 (받는 쪽은 예약 비트를 무시해야 한다)."""
        notes = []
        if self.other_flags:
            notes.append(f"I 외의 플래그 비트가 켜져 있다 (0x{self.other_flags:02x}). 받는 쪽은 무시한다.")
        if self.reserved1 or self.reserved2:
            notes.append("예약 필드가 0이 아니다. 보내는 쪽은 0으로 채워야 하고 받는 쪽은 무시한다.")
        return notes

    def to_bytes(self) -> bytes:
        return bytes(
            [
                self.flags & 0xFF,
                (self.reserved1 >> 16) & 0xFF,
                (self.reserved1 >> 8) & 0xFF,
                self.reserved1 & 0xFF,
                (self.vni >> 16) & 0xFF,
                (self.vni >> 8) & 0xFF,
                self.vni & 0xFF,
                self.reserved2 & 0xFF,
            ]
        )


def check_vni(vni: object) -> int:
    """VNI가 정수이고 24비트 안에 있는지 확인하고 정수로 돌려준다."""
    if isinstance(vni, bool):
        raise VxlanError("VNI는 정수여야 한다 (참/거짓 값이 들어왔다).")
    if isinstance(vni, str):
        text = vni.strip().replace("_", "").replace(",", "")
        try:
            vni = int(text, 10) if text.isdigit() else int(text, 0)  # "0042"도 42로 읽는다
        except ValueError:
            raise VxlanError(f"VNI는 정수여야 한다. 숫자로 읽을 수 없는 값: {vni!r}") from None
    if not isinstance(vni, int):
        raise VxlanError(f"VNI는 정수여야 한다: {vni!r}")
    if vni < 0:
        raise VxlanError(f"VNI는 0 이상이어야 한다: {vni}")
    if vni > MAX_VNI:
        raise VxlanError(
            f"VNI는 24비트라서 최댓값이 {MAX_VNI:,} (0xFFFFFF) 다. 범위를 벗어난 값: {vni:,} "
            f"(아래 24비트만 남기면 {vni & MAX_VNI:,}, 곧 엉뚱한 네트워크를 가리키게 된다)."
        )
    return vni


def encode(vni: object) -> bytes:
    """VNI 하나로 8바이트 VXLAN 헤더를 만든다 (I 플래그 켬, 예약 필드 0)."""
    return VxlanHeader(flags=FLAG_I, vni=check_vni(vni)).to_bytes()


def parse_hex(text: str) -> bytes:
    """``08 00 00 00 00 10 00 00``, ``0x0800...``, ``08:00:...`` 같은 16진수 글자를 바이트로 바꾼다."""
    cleaned = re.sub(r"0[xX]", "", text or "")
    cleaned = re.sub(r"[\s:.,\-_]", "", cleaned)
    if not cleaned:
        raise VxlanError("16진수가 비어 있다. 예: 08 00 00 00 00 10 00 00")
    bad = sorted({ch for ch in cleaned if ch not in "0123456789abcdefABCDEF"})
    if bad:
        raise VxlanError(f"16진수가 아닌 글자가 있다: {' '.join(repr(ch) for ch in bad)}")
    if len(cleaned) % 2:
        raise VxlanError(f"16진수 자릿수가 홀수다 ({len(cleaned)}자리): 바이트 하나는 두 자리다.")
    return bytes.fromhex(cleaned)


def decode(data: bytes | str, *, strict: bool = True) -> VxlanHeader:
    """8바이트 VXLAN 헤더를 읽는다. ``data``는 바이트나 16진수 글자다.

    ``strict``이면 I 플래그가 꺼진 헤더를 거절한다 (RFC 7348: I가 1이어야 VNI가 유효하다).
    그 밖의 예약 비트는 RFC 대로 무시하고, :meth:`VxlanHeader.warnings`로 알려 준다.
    """
    raw = parse_hex(data) if isinstance(data, str) else bytes(data)
    if len(raw) < HEADER_LEN:
        raise VxlanError(f"VXLAN 헤더는 8바이트다: {len(raw)}바이트만 있다.")
    if len(raw) > HEADER_LEN:
        raise VxlanError(
            f"VXLAN 헤더는 8바이트다: {len(raw)}바이트가 들어왔다. 헤더 뒤의 안쪽 이더넷 프레임은 빼고 넣는다."
        )
    header = VxlanHeader(
        flags=raw[0],
        vni=int.from_bytes(raw[4:7], "big"),
        reserved1=int.from_bytes(raw[1:4], "big"),
        reserved2=raw[7],
    )
    if strict and not header.i_flag:
        raise VxlanError(
            f"플래그 바이트(0x{raw[0]:02x})에 I 플래그(0x08)가 꺼져 있어서 VNI가 유효하지 않다. "
            "VXLAN 헤더의 첫 바이트는 보통 0x08이다."
        )
    return header


def format_hex(data: bytes) -> str:
    """바이트를 ``08 00 00 00 …``처럼 두 자리씩 띄어 쓴다."""
    return " ".join(f"{b:02x}" for b in data)


# -- 캡슐화 오버헤드와 MTU ----------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    name: str
    size: int
    note: str


def overhead_layers(*, ipv6: bool = False, outer_vlan_tag: bool = False) -> list[Layer]:
    """VXLAN이 원래 프레임 바깥에 덧붙이는 헤더들 (바깥쪽부터)."""
    layers = [Layer("바깥 이더넷", 14, "목적지·출발지 MAC과 EtherType: 언더레이의 다음 홉까지")]
    if outer_vlan_tag:
        layers.append(Layer("바깥 802.1Q 태그", 4, "언더레이가 VLAN 태그를 붙일 때만"))
    if ipv6:
        layers.append(Layer("바깥 IPv6", 40, "출발지·목적지 VTEP 주소 (IPv6 언더레이)"))
    else:
        layers.append(Layer("바깥 IPv4", 20, "출발지·목적지 VTEP 주소 (옵션 없는 IPv4 헤더)"))
    layers.append(Layer("UDP", 8, f"목적지 포트 {UDP_PORT}, 출발지 포트는 안쪽 흐름의 해시"))
    layers.append(Layer("VXLAN", HEADER_LEN, "플래그와 24비트 VNI"))
    return layers


def overhead(*, ipv6: bool = False, outer_vlan_tag: bool = False) -> int:
    """캡슐화가 프레임 하나에 더하는 바이트 수. IPv4 언더레이에서 50이다."""
    return sum(layer.size for layer in overhead_layers(ipv6=ipv6, outer_vlan_tag=outer_vlan_tag))


def overlay_mtu(underlay_mtu: int = 1500, *, ipv6: bool = False) -> int:
    """언더레이 MTU에서 오버레이 인터페이스에 줄 수 있는 MTU.

    MTU는 이더넷 헤더를 뺀 IP 패킷의 크기다. 그래서 언더레이 MTU 안에는 바깥 IP, UDP, VXLAN 헤더와
    **안쪽** 이더넷 헤더(14)가 들어가야 한다. 바깥 이더넷(14) 대신 안쪽 이더넷(14)을 세므로 합은 같은
    50바이트이고, 1500에서 1450이 나온다. 바깥 802.1Q 태그는 이더넷 헤더 쪽이라 MTU에 영향이 없다.
    """
    if underlay_mtu < 68:
        raise VxlanError(f"언더레이 MTU({underlay_mtu})가 IPv4의 최소 MTU 68보다 작다.")
    inner_ethernet = 14
    outer_ip = 40 if ipv6 else 20
    result = underlay_mtu - (outer_ip + 8 + HEADER_LEN + inner_ethernet)
    if result < 68:
        raise VxlanError(f"언더레이 MTU({underlay_mtu})로는 오버레이에 쓸 MTU가 남지 않는다 (계산값 {result}).")
    return result
