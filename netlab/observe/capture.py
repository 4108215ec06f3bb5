"""패킷 캡처: 정해진 시간이나 개수만큼 ``tcpdump``를 돌리고, pcap을 파이썬에서 풀어 표로 보인다.

캡처는 도구가 있는 컨테이너 안에서 한다. 보통은 엔진 호스트의 네트워크를 보는 도구 상자
(``lab.host``)에서 언더레이 브리지(``cluster.bridge``)를 보고, 노드 하나의 ``eth0``을 보고 싶으면
클러스터 노드(``cluster.node("worker1")``)에서 한다. 둘 다 ``.container``와 ``.sh()``가 있으면 된다::

    from netlab import capture

    with capture.start(lab.host, cluster.bridge, "udp port 4789", count=4) as cap:
        a.exec_run("ping -c 2 10.0.9.3")           # 캡처하는 동안 트래픽을 만든다
    cap.table()                                    # 바깥 IP, UDP 포트, VNI, 안쪽 MAC/IP, ICMP

``tcpdump -w``로 pcap 파일을 쓰고, 파일은 도커 API(``get_archive``)로 가져와 :mod:`struct`로 푼다.
텍스트 출력을 긁지 않으므로 tcpdump 버전마다 다른 출력 형식에 흔들리지 않는다. scapy는 쓰지 않는다:
이 책에 필요한 것은 이더넷, IPv4, UDP/TCP/ICMP, VXLAN 헤더뿐이다.

VXLAN(RFC 7348) 헤더는 8바이트다: 플래그(I 비트 0x08), 예약 3바이트, VNI 3바이트, 예약 1바이트.
그 뒤에 안쪽 이더넷 프레임이 통째로 온다.
"""

from __future__ import annotations

import io
import ipaddress
import itertools
import shlex
import struct
import tarfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..base.wait import WaitTimeout, until
from ..draw.show import Table

#: 도커 오버레이의 VXLAN UDP 포트 (``docker swarm init --data-path-port``로 바꿀 수 있다).
VXLAN_PORT = 4789

ETH_IPV4 = 0x0800
ETH_ARP = 0x0806
ETH_VLAN = 0x8100
ETH_IPV6 = 0x86DD

IP_ICMP = 1
IP_TCP = 6
IP_UDP = 17
#: IPsec ESP (RFC 4303). 헤더는 SPI 4바이트와 순번 4바이트뿐이고, 그 뒤는 암호문이다.
IP_ESP = 50
_PROTO_NAMES = {IP_ICMP: "icmp", IP_TCP: "tcp", IP_UDP: "udp", IP_ESP: "esp"}
_ICMP_NAMES = {0: "echo reply", 3: "unreachable", 8: "echo request", 11: "time exceeded"}
_TCP_FLAGS = ((0x02, "S"), (0x10, "."), (0x01, "F"), (0x04, "R"), (0x08, "P"))

#: pcap 링크 종류: 이더넷, 리눅스 cooked(SLL, ``-i any``), SLL2.
LINKTYPE_ETHERNET = 1
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276


class Runner(Protocol):
    """캡처를 돌릴 곳: :class:`netlab.host.HostView`나 :class:`netlab.cluster.Node`."""

    container: Any

    def sh(self, command: str, *, timeout: float = ...) -> Any: ...


class PcapError(ValueError):
    """pcap 바이트를 풀 수 없다."""


# -- 풀기 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """이더넷 프레임 하나를 푼 것 (바깥이든 VXLAN 안쪽이든)."""

    src_mac: str = ""
    dst_mac: str = ""
    ethertype: int = 0
    src_ip: str = ""
    dst_ip: str = ""
    proto: int = 0
    ttl: int = 0
    sport: int = 0
    dport: int = 0
    tcp_flags: str = ""
    icmp_type: int | None = None
    icmp_code: int | None = None
    #: ESP의 SPI(어느 보안 연관으로 암호화했는가)와 순번. ESP가 아니면 None.
    spi: int | None = None
    esp_seq: int | None = None
    payload: bytes = b""

    @property
    def proto_name(self) -> str:
        if self.ethertype == ETH_ARP:
            return "arp"
        if self.ethertype == ETH_IPV6:
            return "ipv6"
        return _PROTO_NAMES.get(self.proto, str(self.proto) if self.proto else "-")

    @property
    def esp_name(self) -> str:
        """ESP 헤더의 두 값(SPI와 순번)을 한 낱말로. ESP가 아니면 빈 문자열."""
        return f"spi 0x{self.spi:08x} seq {self.esp_seq}" if self.spi is not None else ""

    @property
    def icmp_name(self) -> str:
        if self.icmp_type is None:
            return ""
        return _ICMP_NAMES.get(self.icmp_type, f"type {self.icmp_type}")


@dataclass(frozen=True)
class Vxlan:
    """VXLAN 헤더와 그 안쪽 프레임."""

    flags: int
    vni: int
    inner: Frame


@dataclass(frozen=True)
class Packet:
    """캡처한 패킷 하나: 바깥 프레임, (있으면) VXLAN, 캡처 시각과 길이."""

    index: int
    time: float
    length: int
    outer: Frame
    vxlan: Vxlan | None = None

    @property
    def is_vxlan(self) -> bool:
        return self.vxlan is not None

    @property
    def vni(self) -> int | None:
        return self.vxlan.vni if self.vxlan else None

    @property
    def inner(self) -> Frame | None:
        return self.vxlan.inner if self.vxlan else None

    def summary(self) -> str:
        """한 줄 요약 (tcpdump 한 줄과 비슷하다)."""
        o = self.outer
        text = f"{_endpoint(o.src_ip, o.sport)} > {_endpoint(o.dst_ip, o.dport)} {o.proto_name}"
        if o.tcp_flags:
            text += f" [{o.tcp_flags}]"
        if self.vxlan:
            i = self.vxlan.inner
            text += f" vxlan vni {self.vxlan.vni}: {i.src_ip or i.src_mac} > {i.dst_ip or i.dst_mac} {i.proto_name}"
            if i.icmp_name:
                text += f" {i.icmp_name}"
        elif o.icmp_name:
            text += f" {o.icmp_name}"
        elif o.esp_name:
            text += f" {o.esp_name}"
        return text


def _endpoint(ip: str, port: int) -> str:
    return f"{ip}.{port}" if port else ip


def _mac(raw: bytes) -> str:
    return ":".join(f"{b:02x}" for b in raw)


def parse_ethernet(data: bytes) -> Frame:
    """이더넷 프레임 (802.1Q 태그 하나까지)."""
    if len(data) < 14:
        return Frame(payload=data)
    dst, src = _mac(data[0:6]), _mac(data[6:12])
    ethertype = struct.unpack("!H", data[12:14])[0]
    offset = 14
    if ethertype == ETH_VLAN and len(data) >= 18:
        ethertype = struct.unpack("!H", data[16:18])[0]
        offset = 18
    return _parse_l3(data[offset:], ethertype, src, dst)


def _parse_l3(data: bytes, ethertype: int, src_mac: str = "", dst_mac: str = "") -> Frame:
    base = {"src_mac": src_mac, "dst_mac": dst_mac, "ethertype": ethertype}
    if ethertype == ETH_ARP and len(data) >= 28:
        return Frame(
            **base, src_ip=str(ipaddress.IPv4Address(data[14:18])), dst_ip=str(ipaddress.IPv4Address(data[24:28]))
        )
    if ethertype != ETH_IPV4 or len(data) < 20:
        return Frame(**base, payload=data)
    ihl = (data[0] & 0x0F) * 4
    ttl, proto = data[8], data[9]
    src_ip = str(ipaddress.IPv4Address(data[12:16]))
    dst_ip = str(ipaddress.IPv4Address(data[16:20]))
    l4 = data[ihl:]
    fields: dict[str, Any] = {"src_ip": src_ip, "dst_ip": dst_ip, "proto": proto, "ttl": ttl}
    if proto == IP_UDP and len(l4) >= 8:
        sport, dport = struct.unpack("!HH", l4[0:4])
        fields.update(sport=sport, dport=dport, payload=l4[8:])
    elif proto == IP_TCP and len(l4) >= 20:
        sport, dport = struct.unpack("!HH", l4[0:4])
        flags = l4[13]
        names = "".join(name for bit, name in _TCP_FLAGS if flags & bit)
        fields.update(sport=sport, dport=dport, tcp_flags=names, payload=l4[(l4[12] >> 4) * 4 :])
    elif proto == IP_ICMP and len(l4) >= 4:
        fields.update(icmp_type=l4[0], icmp_code=l4[1], payload=l4[4:])
    elif proto == IP_ESP and len(l4) >= 8:
        spi, seq = struct.unpack("!II", l4[0:8])
        fields.update(spi=spi, esp_seq=seq, payload=l4[8:])
    else:
        fields.update(payload=l4)
    return Frame(**base, **fields)


def parse_vxlan(payload: bytes) -> Vxlan | None:
    """UDP 페이로드를 VXLAN으로 푼다. I 플래그가 없거나 너무 짧으면 None."""
    if len(payload) < 8 + 14 or not payload[0] & 0x08:
        return None
    vni = int.from_bytes(payload[4:7], "big")
    return Vxlan(flags=payload[0], vni=vni, inner=parse_ethernet(payload[8:]))


def _parse_link(data: bytes, linktype: int) -> Frame:
    if linktype == LINKTYPE_ETHERNET:
        return parse_ethernet(data)
    if linktype == LINKTYPE_LINUX_SLL and len(data) >= 16:
        return _parse_l3(data[16:], struct.unpack("!H", data[14:16])[0])
    if linktype == LINKTYPE_LINUX_SLL2 and len(data) >= 20:
        return _parse_l3(data[20:], struct.unpack("!H", data[0:2])[0])
    raise PcapError(f"지원하지 않는 링크 종류 {linktype}")


def parse_pcap(data: bytes, *, vxlan_port: int = VXLAN_PORT) -> list[Packet]:
    """pcap 파일(``tcpdump -w``)의 바이트를 패킷 목록으로 푼다. 시각은 첫 패킷부터의 초다."""
    if len(data) < 24:
        if not data:
            return []
        raise PcapError("pcap 전역 헤더(24바이트)보다 짧다")
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise PcapError(f"pcap 파일이 아니다 (매직 {magic.hex()}); pcapng는 tcpdump -w의 기본이 아니다")
    nanos = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0x0FFFFFFF
    packets: list[Packet] = []
    offset, first = 24, None
    for index in itertools.count(1):
        if offset + 16 > len(data):
            break
        sec, frac, incl, orig = struct.unpack(endian + "IIII", data[offset : offset + 16])
        body = data[offset + 16 : offset + 16 + incl]
        offset += 16 + incl
        if len(body) < incl:
            break  # tcpdump가 끊긴 마지막 레코드
        stamp = sec + frac / (1e9 if nanos else 1e6)
        first = stamp if first is None else first
        outer = _parse_link(body, linktype)
        vx = None
        if outer.proto == IP_UDP and vxlan_port in (outer.dport, outer.sport):
            vx = parse_vxlan(outer.payload)
        packets.append(Packet(index=index, time=stamp - first, length=orig, outer=outer, vxlan=vx))
    return packets


# -- 표 ----------------------------------------------------------------------------

VXLAN_COLUMNS = (
    "#",
    "바깥 출발지",
    "바깥 목적지",
    "VNI",
    "안쪽 출발지 MAC",
    "안쪽 목적지 MAC",
    "안쪽 출발지",
    "안쪽 목적지",
    "안쪽 프로토콜",
)
PLAIN_COLUMNS = ("#", "출발지", "목적지", "프로토콜", "플래그", "길이")


def _hostport(ip: str, port: int) -> str:
    """``주소:포트``. 출발 포트가 임시 포트면 ``tests/nbval_sanitize.cfg``의 ephemeral-ports가 지운다."""
    return f"{ip}:{port}" if port else ip


def vxlan_row(packet: Packet) -> list[str]:
    """VXLAN 패킷 한 줄: 바깥 주소:포트, VNI, 안쪽 MAC과 IP, 안쪽 프로토콜.

    바깥 UDP 출발 포트는 커널이 안쪽 흐름의 해시로 고른다(임시 포트 범위). 그래야 언더레이의
    ECMP가 흐름마다 다른 경로를 고를 수 있다.
    """
    o, i = packet.outer, packet.inner or Frame()
    inner_proto = i.proto_name + (f" {i.icmp_name}" if i.icmp_name else "")
    return [
        str(packet.index),
        _hostport(o.src_ip, o.sport),
        _hostport(o.dst_ip, o.dport),
        str(packet.vni),
        i.src_mac,
        i.dst_mac,
        i.src_ip or "-",
        i.dst_ip or "-",
        inner_proto,
    ]


def plain_row(packet: Packet) -> list[str]:
    """VXLAN이 아닌 패킷 한 줄: 주소:포트, 프로토콜, TCP 플래그나 ICMP 종류, 길이."""
    o = packet.outer
    return [
        str(packet.index),
        _hostport(o.src_ip or o.src_mac, o.sport),
        _hostport(o.dst_ip or o.dst_mac, o.dport),
        o.proto_name,
        o.tcp_flags or o.icmp_name or o.esp_name or "-",
        str(packet.length),
    ]


def table(packets: Sequence[Packet], title: str = "", *, vxlan: bool | None = None) -> Table:
    """패킷 목록을 :class:`netlab.show.Table`로. VXLAN이 있으면 VXLAN 열로 보인다."""
    use_vxlan = any(p.is_vxlan for p in packets) if vxlan is None else vxlan
    if use_vxlan:
        return Table(VXLAN_COLUMNS, [vxlan_row(p) for p in packets if p.is_vxlan], title)
    return Table(PLAIN_COLUMNS, [plain_row(p) for p in packets], title)


# -- 캡처 ---------------------------------------------------------------------------

_counter = itertools.count(1)


class Capture:
    """돌고 있거나 끝난 캡처 하나. :func:`start`로 만든다.

    ``with`` 블록을 나갈 때 tcpdump가 ``count`` 개를 채우거나 ``timeout`` 초가 지나 끝나기를 기다리고,
    pcap을 가져와 :attr:`packets`에 푼다.
    """

    def __init__(
        self,
        runner: Runner,
        interface: str,
        bpf: str = "",
        *,
        count: int = 20,
        timeout: float = 5.0,
        snaplen: int = 256,
        vxlan_port: int = VXLAN_PORT,
    ) -> None:
        self.runner = runner
        self.interface = interface
        self.bpf = bpf
        self.count = count
        self.timeout = timeout
        self.snaplen = snaplen
        self.vxlan_port = vxlan_port
        self.packets: list[Packet] = []
        self.raw = b""
        self.started = False
        self.finished = False
        # 파일은 캡처하는 컨테이너(실습마다 따로)의 /tmp에 둔다. 번호는 이 프로세스 안에서만 겹치지 않으면 된다.
        self.path = f"/tmp/netlab-capture-{next(_counter)}"

    @property
    def command(self) -> str:
        """독자에게 보여 줄 tcpdump 명령줄."""
        parts = ["tcpdump", "-i", self.interface, "-nn", "-U", "-s", str(self.snaplen), "-c", str(self.count)]
        parts += ["-w", f"{self.path}.pcap"]
        text = " ".join(shlex.quote(p) for p in parts)
        return f"{text} {shlex.quote(self.bpf)}" if self.bpf else text

    def start(self, *, echo: bool | None = None) -> Capture:
        """tcpdump를 백그라운드로 띄우고, 인터페이스에서 듣기 시작할 때까지 기다린다.

        ``echo``가 참이면(기본은 실습의 ``echo`` 설정) 같은 뜻의 명령줄을 먼저 보여 준다.
        """
        if echo if echo is not None else _lab_echo(self.runner):
            print(f"$ {self.command}")
        seconds = max(1, round(self.timeout))
        script = (
            f"rm -f {self.path}.*; echo $$ > {self.path}.pid; "
            f"exec timeout -s INT {seconds} {self.command} > {self.path}.log 2>&1"
        )
        self.runner.container.exec_run(["sh", "-c", script], detach=True)

        def log() -> str:
            text = self.runner.sh(f"cat {self.path}.log 2>/dev/null", timeout=5).output
            if "tcpdump:" in text and ("No such device" in text or "syntax error" in text or "ERROR" in text.upper()):
                raise RuntimeError(f"tcpdump를 시작하지 못했다: {text.strip()}")
            return text

        # 듣기 시작하기 전에 보낸 패킷은 잡히지 않는다: 캡처가 준비된 뒤에야 부른 쪽이 트래픽을 만든다
        until(log, lambda text: "listening on" in text, what=f"tcpdump가 {self.interface}에서 듣기", interval=0.05)
        self.started = True
        return self

    def wait(self) -> list[Packet]:
        """tcpdump가 끝나기를 기다리고(``count`` 개 또는 ``timeout`` 초), 패킷을 풀어 돌려준다."""
        if self.finished:
            return self.packets

        def running() -> bool:
            probe = f"kill -0 $(cat {self.path}.pid) 2>/dev/null && echo alive"
            return "alive" in self.runner.sh(probe, timeout=5).output

        try:  # tcpdump는 count 개를 잡거나 timeout 초가 지나면 스스로 끝난다
            until(running, lambda alive: not alive, what="tcpdump가 끝나기", timeout=self.timeout + 10, interval=0.1)
        except WaitTimeout:  # 그래도 살아 있으면 INT로 끝내고, pcap을 다 쓰고 나갈 때까지 기다린다
            self.runner.sh(f"kill -INT $(cat {self.path}.pid) 2>/dev/null", timeout=5)
            until(running, lambda alive: not alive, what="INT를 받은 tcpdump가 끝나기", timeout=10, interval=0.1)
        self.raw = _fetch(self.runner.container, f"{self.path}.pcap")
        self.runner.sh(f"rm -f {self.path}.pcap {self.path}.pid {self.path}.log", timeout=5)
        self.packets = parse_pcap(self.raw, vxlan_port=self.vxlan_port)
        self.finished = True
        return self.packets

    def __enter__(self) -> Capture:
        if not self.started:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wait()

    # -- 결과 보기 --------------------------------------------------------------------
    @property
    def vxlan(self) -> list[Packet]:
        return [p for p in self.packets if p.is_vxlan]

    def vnis(self) -> list[int]:
        """본 VXLAN VNI (정렬, 중복 없음)."""
        return sorted({p.vni for p in self.packets if p.vni is not None})

    def columns(self) -> list[str]:
        return list(VXLAN_COLUMNS if self.vxlan else PLAIN_COLUMNS)

    def rows(self) -> list[list[str]]:
        """:class:`netlab.show.Table`에 그대로 넣을 행."""
        return table(self.packets).rows

    def table(self, title: str | None = None) -> Table:
        heading = title if title is not None else f"{self.interface}에서 잡은 패킷 ({self.bpf or '모두'})"
        return table(self.packets, heading)

    def summary(self) -> list[str]:
        return [p.summary() for p in self.packets]

    def __len__(self) -> int:
        return len(self.packets)

    def __iter__(self):
        return iter(self.packets)

    def __repr__(self) -> str:
        state = f"패킷 {len(self.packets)}개" if self.finished else "진행 중"
        return f"Capture({self.interface!r}, {self.bpf!r}, {state})"


def _lab_echo(runner: Any) -> bool:
    """캡처하는 곳(도구 상자나 노드)이 속한 실습이 명령줄을 보여 주는지."""
    lab = getattr(runner, "lab", None) or getattr(getattr(runner, "cluster", None), "lab", None)
    return bool(getattr(lab, "echo", False))


def _fetch(container: Any, path: str) -> bytes:
    """컨테이너 안의 파일 하나를 도커 API(``get_archive``)로 가져온다. 없으면 빈 바이트."""
    from docker.errors import NotFound

    try:
        stream, _ = container.get_archive(path)
    except NotFound:
        return b""
    buffer = io.BytesIO(b"".join(stream))
    with tarfile.open(fileobj=buffer) as tar:
        member = tar.next()
        if member is None:
            return b""
        handle = tar.extractfile(member)
        return handle.read() if handle else b""


def start(runner: Runner, interface: str, bpf: str = "", *, echo: bool | None = None, **options: Any) -> Capture:
    """캡처를 시작한다. ``with``와 함께 쓰면 블록이 끝날 때 결과를 모은다.

    ``options``는 :class:`Capture`의 키워드(``count``, ``timeout``, ``snaplen``, ``vxlan_port``)다.
    """
    return Capture(runner, interface, bpf, **options).start(echo=echo)


def run(
    runner: Runner, interface: str, bpf: str = "", *, during: Any = None, echo: bool | None = None, **options: Any
) -> Capture:
    """캡처를 시작하고, ``during()``을 부른 뒤(트래픽 만들기), 끝나기를 기다린 결과를 돌려준다.

    ``options``는 :func:`start`와 같다.
    """
    cap = start(runner, interface, bpf, echo=echo, **options)
    try:
        if during is not None:
            during()
    finally:
        cap.wait()
    return cap


def vnis_of(packets: Iterable[Packet]) -> list[int]:
    return sorted({p.vni for p in packets if p.vni is not None})
