"""실습마다 겹치지 않는 주소 블록을 나눠 준다.

도커의 기본 주소 풀은 172.17.0.0/16부터 172.31.0.0/16 까지와 192.168.0.0/16의 /20 들이다.
172.16.0.0/16은 그 풀에 들어 있지 않으므로 도커가 스스로 고를 일이 없다. 이 책의 실습은
그 안에서 노트북마다 /24 열 개짜리 블록(``172.16.B.0/24`` … ``172.16.B+9.0/24``)을 쓴다.
주소를 고정해야 저장된 출력이 다시 실행해도 같고, 독자가 본문과 화면을 나란히 비교할 수 있다.
192.168.x.x는 독자의 집이나 사무실 LAN과 겹칠 수 있어서 쓰지 않는다.

새 노트북을 만들면 여기에 블록을 하나 등록한다. 테스트가 겹침을 검사한다.
"""

from __future__ import annotations

import ipaddress

from .korean import josa

#: 실습 이름 → 블록 시작 (172.16.<시작>.0/24부터 열 개). 장 번호 × 10을 쓰고, 실습은 200번대.
BLOCKS: dict[str, int] = {
    "lab-performance": 1,  # 실습 8: 172.16.1.0/24 ~ 172.16.8.0/24 (여덟 개)
    "compat": 9,  # make compat: 옛 엔진 노드의 언더레이(172.16.9.0/24) 하나. 노드 안의 노트북은 제 블록을 쓴다
    "challenges": 10,
    "cnm": 20,
    "linux": 30,
    "control-plane": 40,
    "host": 50,
    "bridge": 60,
    "overlay": 70,
    "publishing": 80,
    "macvlan": 90,
    "none": 100,
    "physical": 110,
    "discovery": 120,
    "loadbalancing": 130,
    "security": 140,
    "ipam": 150,
    "troubleshooting": 160,
    "deployment": 170,
    "test-cluster": 180,  # 클러스터 테스트 (언더레이는 189)
    "test": 190,  # 단위 테스트. 198은 IPAM 플러그인 테스트가 쓴다
    "lab-bridge-by-hand": 200,
    "lab-pets-bridge": 210,
    "lab-pets-macvlan": 220,
    "lab-pets-overlay": 230,
    "lab-multihost-bridge": 240,
    "lab-kernel-host": 250,  # 실습 7: 랩 호스트의 손님 엔진에서 쓴다. 172.16.255 까지라 여섯 개뿐이다
}

BLOCK_SIZE = 10
#: 블록이 열 개보다 작은 실습 (172.16.0.0/16의 끝에 걸린 것).
SMALL_BLOCKS: dict[str, int] = {"lab-kernel-host": 6, "lab-performance": 8, "compat": 1}


def block_size(lab: str) -> int:
    """실습 ``lab``이 가진 /24의 수 (보통 열 개)."""
    return SMALL_BLOCKS.get(lab, BLOCK_SIZE)


class UnknownLab(KeyError):
    """등록되지 않은 실습 이름. 주소가 겹치지 않게 BLOCKS에 먼저 등록해야 한다."""


def subnet(lab: str, index: int = 0) -> ipaddress.IPv4Network:
    """실습 ``lab``의 ``index`` 번째 /24 서브넷."""
    if lab not in BLOCKS:
        raise UnknownLab(f"실습 이름 {josa(repr(lab), '이')} netlab/base/addressing.py의 BLOCKS에 없다.")
    if not 0 <= index < block_size(lab):
        raise ValueError(f"서브넷 번호는 0부터 {block_size(lab) - 1}까지다: {index}")
    third = BLOCKS[lab] + index
    return ipaddress.IPv4Network(f"172.16.{third}.0/24")


def host(net: ipaddress.IPv4Network | str, n: int) -> str:
    """서브넷의 ``n`` 번째 주소 (1은 보통 게이트웨이)."""
    network = ipaddress.IPv4Network(str(net))
    return str(network.network_address + n)
