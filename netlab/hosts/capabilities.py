"""엔진 호스트의 커널이 이 책의 실습에 필요한 기능을 갖췄는지 실제로 시험한다.

커널 설정 파일이나 모듈 목록을 읽는 대신, 버리는 컨테이너의 빈 네트워크 네임스페이스 안에서
해당 종류의 링크를 직접 만들어 본다. 커널은 필요하면 모듈을 스스로 올리므로, 만들어지면 있는
것이고 거절되면 없는 것이다. 네임스페이스는 컨테이너와 함께 사라지므로 호스트에는 흔적이 없다.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from ..base.engine import FeatureMissing, client, engine_info
from .host import run_probe

#: 기능 이름 → (시험 명령, 한국어 이름). 시험은 network_mode=none 컨테이너 안에서 실행한다.
_TESTS: dict[str, tuple[str, str]] = {
    "bridge": ("ip link add t-br type bridge", "리눅스 브리지"),
    "veth": ("ip link add t-va type veth peer name t-vb", "veth 쌍"),
    "macvlan": ("ip link add t-mv link t-va type macvlan mode bridge", "MACVLAN"),
    "vxlan": ("ip link add t-vx type vxlan id 42 dstport 4789 dev t-va", "VXLAN"),
    "8021q": ("ip link add link t-va name t-va.10 type vlan id 10", "802.1Q VLAN 하위 인터페이스"),
    # ipvlan은 자기 veth 위에 만든다: 한 장치에는 수신 처리기(rx_handler)가 하나뿐이라, macvlan이 이미 붙은
    # t-va 위에서는 ipvlan이 있는 커널에서도 EBUSY로 거절된다 (랩 호스트에서 처음 드러났다).
    "ipvlan": ("ip link add t-vc type veth peer name t-vd && ip link add t-iv link t-vc type ipvlan mode l2", "IPVLAN"),
    "dummy": ("ip link add t-dm type dummy", "dummy 링크"),
    "ipvs": ("ipvsadm -A -t 192.0.2.1:80 -s rr && ipvsadm -C", "IPVS (커널 L4 부하 분산)"),
    "esp": (
        "ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x100 reqid 1 mode transport "
        "aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128",
        "IPsec ESP (암호화된 오버레이의 데이터 플레인)",
    ),
}

#: 기능이 없을 때 독자가 보는 설명: 무엇에 쓰이는지와 어떻게 구하는지.
EXPLAIN: dict[str, str] = {
    "ipvs": (
        "스웜 서비스의 VIP 부하 분산과 인그레스 라우팅 메시는 커널의 IPVS로 동작한다. "
        "이 엔진 호스트의 커널에는 IPVS(ip_vs 모듈)가 없어서 VIP 모드 서비스에 연결이 닿지 않는다. "
        "보통의 리눅스 배포판 커널에는 모듈로 들어 있다 (modprobe ip_vs). "
        "여기서는 DNS 라운드로빈(--endpoint-mode dnsrr)과 tasks.<서비스>로 같은 생각을 보여 준다."
    ),
    "esp": (
        "암호화된 오버레이(--opt encrypted)는 노드 사이의 VXLAN을 IPsec ESP로 감싼다. "
        "이 엔진 호스트의 커널에는 ESP 변환(xfrm esp4, AES-GCM)이 없다. 엔진(20.10에서도 28.5에서도)은 암호화된 "
        "오버레이를 만들고 태스크도 띄우지만, 보안 연관(SA)을 만들지 못해 노드 사이 트래픽이 모두 버려진다 "
        "(평문으로 새지는 않는다). 보통의 배포판 커널에서는 esp4 모듈로 동작한다."
    ),
    "8021q": (
        "MACVLAN의 VLAN 트렁킹(parent=eth0.10)은 802.1Q 하위 인터페이스가 필요하다. "
        "이 엔진 호스트의 커널에는 8021q 모듈이 없어서 도커가 하위 인터페이스를 만들지 못한다. "
        "보통의 배포판 커널에서는 modprobe 8021q로 쓸 수 있다."
    ),
    "ipvlan": ("IPVLAN 드라이버는 커널의 ipvlan 모듈이 필요하다. 이 엔진 호스트의 커널에는 없다."),
    "macvlan": "MACVLAN 드라이버는 커널의 macvlan 모듈이 필요하다. 이 엔진 호스트의 커널에는 없다.",
    "vxlan": "오버레이 드라이버의 데이터 플레인은 커널의 vxlan 모듈이다. 이 엔진 호스트의 커널에는 없다.",
    "dummy": "dummy 링크는 커널의 dummy 모듈이 필요하다. 이 엔진 호스트의 커널에는 없다.",
    "bridge": "브리지 드라이버는 커널의 bridge 모듈이 필요하다. 이 엔진 호스트의 커널에는 없다.",
    "veth": "veth 쌍이 없으면 컨테이너 네트워크를 만들 수 없다.",
    "swarm": (
        "이 셀은 이 엔진이 스웜 모드일 때만 의미가 있다. 스웜은 이 책의 클러스터 도우미"
        "(netlab.cluster)가 따로 띄우며, 독자의 엔진 스웜 상태는 바꾸지 않는다."
    ),
}


@dataclass(frozen=True)
class Capabilities:
    """시험 결과: 기능 이름 → 있음/없음, 그리고 엔진 상태."""

    features: dict[str, bool]
    swarm_active: bool
    rootless: bool

    def has(self, feature: str) -> bool:
        if feature == "swarm":
            return self.swarm_active
        return self.features.get(feature, False)

    def table_rows(self) -> list[tuple[str, str, str]]:
        rows = [(name, _TESTS[name][1], "있음" if ok else "없음") for name, ok in self.features.items()]
        rows.append(("swarm", "스웜 모드 (이 엔진)", "활성" if self.swarm_active else "비활성"))
        rows.append(("rootless", "루트리스 엔진", "예" if self.rootless else "아니오"))
        return rows


def _run_tests(cli: Any = None) -> dict[str, bool]:
    """기능마다 시험 명령을 실행한다. ``cli``를 주면 그 엔진(예: 랩 호스트의 손님 엔진)에서 시험한다."""
    cli = cli or client()
    script = "; ".join(
        f"if ( {cmd} ) >/dev/null 2>&1; then echo {name}=yes; else echo {name}=no; fi"
        for name, (cmd, _) in _TESTS.items()
    )
    _code, out = run_probe(cli.api, script, cap_add=["NET_ADMIN"])
    found = dict(line.split("=", 1) for line in out.split() if "=" in line)
    return {name: found.get(name) == "yes" for name in _TESTS}


@functools.lru_cache(maxsize=1)
def probe() -> Capabilities:
    """한 번 시험하고 결과를 기억한다 (커널 기능은 실행 중에 바뀌지 않는다)."""
    info = engine_info()
    return Capabilities(features=_run_tests(), swarm_active=info.swarm_state == "active", rootless=info.rootless)


def supports(feature: str, *, explain: bool = True) -> bool:
    """기능이 있으면 True. 없으면 왜 이 셀이 실행되지 않는지 한국어로 알리고 False."""
    ok = probe().has(feature)
    if not ok and explain:
        print(f"[이 엔진 호스트에 없는 기능: {feature}]")
        print(EXPLAIN.get(feature, f"{feature} 기능이 없다."))
    return ok


def requires(*features: str) -> None:
    """모든 기능이 있어야 하는 셀에서: 없으면 설명과 함께 :class:`FeatureMissing`을 낸다."""
    missing = [f for f in features if not probe().has(f)]
    if missing:
        text = "\n".join(f"- {f}: {EXPLAIN.get(f, '')}" for f in missing)
        raise FeatureMissing("이 셀에 필요한 기능이 엔진 호스트에 없다.\n" + text)
