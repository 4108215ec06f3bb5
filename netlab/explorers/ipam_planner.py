"""서브넷 계획을 미리 검사하는 도구: 순수 함수 하나와 그것을 감싼 ipywidgets 위젯.

도커 네트워크의 서브넷은 한 번 정하면 바꾸기 어렵다. 네트워크를 지우고 다시 만들어야 하고,
그 사이 붙어 있던 컨테이너도 모두 떼어야 한다. 그래서 15장은 계획을 엔진에 적용하기 전에
종이 위에서 검사하는 습관을 권한다. 이 모듈이 그 "종이"다.

* :func:`check_plan`은 엔진 없이 동작하는 순수 함수다. 제안한 서브넷 목록과 이미 있는
  네트워크(이름 → 서브넷)를 받아 한국어 소견(:class:`Finding`) 목록을 돌려준다.
* :func:`planner`는 같은 검사를 텍스트 상자와 단추로 쓰는 위젯이다. 엔진이 있으면 엔진의
  네트워크와도 비교하고, Binder처럼 엔진이 없으면 제안끼리만 비교한다.

제안 한 줄의 형식은 ``CIDR [컨테이너 수]``이다. 예: ``172.20.0.0/28 12``.
컨테이너 수를 적지 않으면 ``containers`` 인자(기본 10)를 쓴다. ``#`` 뒤는 주석이다.
"""

from __future__ import annotations

import html
import ipaddress
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..base.korean import josa

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: 도커 엔진의 기본 IPv4 로컬 주소 풀(20.10부터 28.5까지 같다). 서브넷을 적지 않은 네트워크는 여기서 받는다.
#: 172.17.0.0/16 ~ 172.31.0.0/16은 /16 하나씩, 192.168.0.0/16은 /20으로 쪼개서 준다.
#: ``daemon.json``의 ``default-address-pools``로 바꿀 수 있으므로 엔진마다 다를 수 있다.
DEFAULT_POOLS: tuple[ipaddress.IPv4Network, ...] = (
    *(ipaddress.IPv4Network(f"172.{n}.0.0/16") for n in range(17, 32)),
    ipaddress.IPv4Network("192.168.0.0/16"),
)

#: 제안 한 줄에 컨테이너 수를 적지 않았을 때 쓰는 값.
DEFAULT_CONTAINERS = 10

ERROR = "error"
WARNING = "warning"
OK = "ok"

#: 소견 종류 (테스트와 위젯이 메시지 대신 이 코드로 구별한다).
NOT_CIDR = "not-cidr"
HOST_BITS = "host-bits"
OVERLAP_PROPOSED = "overlap-proposed"
OVERLAP_EXISTING = "overlap-existing"
TOO_SMALL = "too-small"
DEFAULT_POOL = "default-pool"
FINE = "ok"

_ICONS = {ERROR: "✘", WARNING: "⚠", OK: "✔"}


@dataclass(frozen=True)
class Finding:
    """제안 하나에 대한 소견 하나."""

    level: str  #: ``error``, ``warning``, ``ok``
    code: str  #: 소견 종류 (``not-cidr`` 등, 위의 상수)
    proposal: str  #: 제안을 적힌 그대로
    message: str  #: 독자가 읽을 한국어 설명

    def __str__(self) -> str:
        return f"{_ICONS.get(self.level, '?')} {self.message}"


@dataclass(frozen=True)
class _Proposal:
    text: str
    network: IPNetwork | None
    containers: int


def usable_addresses(net: IPNetwork) -> int:
    """컨테이너에 나눠 줄 수 있는 주소 수.

    IPv4는 네트워크 주소, 브로드캐스트 주소, 게이트웨이를 뺀다. IPv6에는 브로드캐스트가 없으므로
    네트워크 주소(서브넷 라우터 애니캐스트)와 게이트웨이만 뺀다.
    """
    reserved = 3 if net.version == 4 else 2
    return max(0, net.num_addresses - reserved)


def smallest_prefix_for(containers: int, version: int = 4) -> int:
    """컨테이너 ``containers`` 개와 게이트웨이가 들어가는 가장 작은 서브넷의 접두사 길이."""
    reserved = 3 if version == 4 else 2
    bits = 32 if version == 4 else 128
    return bits - math.ceil(math.log2(containers + reserved))


def _parse_line(text: str, containers: int) -> tuple[str, int] | None:
    """``"172.20.0.0/28 12  # 메모"`` → ``("172.20.0.0/28", 12)``. 빈 줄이면 None."""
    body = text.split("#", 1)[0].strip()
    if not body:
        return None
    parts = body.split()
    if len(parts) >= 2 and parts[1].isdigit():
        return parts[0], int(parts[1])
    return body, containers


def _parse_existing(existing: Mapping[str, str]) -> list[tuple[str, IPNetwork]]:
    result = []
    for name, subnet in sorted(existing.items()):
        try:
            result.append((name, ipaddress.ip_network(str(subnet), strict=False)))
        except ValueError:
            continue  # 엔진 쪽의 이상한 값은 검사 대상이 아니다
    return result


def _overlaps(a: IPNetwork, b: IPNetwork) -> bool:
    return a.version == b.version and a.overlaps(b)


def _describe_pools(pools: list[ipaddress.IPv4Network]) -> str:
    names = ", ".join(str(p) for p in pools[:3])
    return names if len(pools) <= 3 else f"{names} 등 {len(pools)}개"


def check_plan(
    proposed: Iterable[str],
    existing: Mapping[str, str] | None = None,
    *,
    containers: int = DEFAULT_CONTAINERS,
) -> list[Finding]:
    """서브넷 계획을 검사해 제안 순서대로 소견을 돌려준다.

    ``proposed``는 ``"CIDR [컨테이너 수]"`` 문자열들이다. ``existing``은 엔진에 이미 있는
    네트워크의 이름 → 서브넷이다. 오류나 경고가 하나도 없는 제안에는 ``ok`` 소견이 하나 붙는다.
    """
    existing_nets = _parse_existing(existing or {})
    proposals: list[_Proposal] = []
    findings: list[Finding] = []
    for line in proposed:
        parsed = _parse_line(str(line), containers)
        if parsed is None:
            continue
        text, count = parsed
        try:
            net = ipaddress.ip_network(text, strict=False)
            if "/" not in text:
                raise ValueError("접두사 길이가 없다")
        except ValueError:
            proposals.append(_Proposal(text, None, count))
            continue
        proposals.append(_Proposal(text, net, count))

    for index, prop in enumerate(proposals):
        own: list[Finding] = []
        if prop.network is None:
            own.append(
                Finding(
                    ERROR,
                    NOT_CIDR,
                    prop.text,
                    f"{josa(repr(prop.text), '는')} CIDR 표기가 아니다. "
                    "172.20.0.0/24처럼 네트워크 주소와 접두사 길이를 적는다.",
                )
            )
            findings += own
            continue
        net = prop.network
        if ipaddress.ip_interface(prop.text).ip != net.network_address:
            own.append(
                Finding(
                    ERROR,
                    HOST_BITS,
                    prop.text,
                    f"{josa(prop.text, '는')} 호스트 비트가 켜져 있다. "
                    f"이 서브넷의 네트워크 주소는 {josa(net, '이다')}. "
                    "엔진 28.5는 이런 서브넷을 'it should be …' 라며 거절하고, 20.10은 적힌 그대로 저장해 "
                    "inspect 결과와 실제 대역이 달라 보인다. 네트워크 주소로 고쳐 적는다.",
                )
            )
        for other in proposals[:index]:
            if other.network is not None and _overlaps(net, other.network):
                own.append(
                    Finding(
                        ERROR,
                        OVERLAP_PROPOSED,
                        prop.text,
                        f"{josa(net, '가')} 같은 계획의 {josa(other.network, '와')} 겹친다. "
                        "한 주소 공간 안의 서브넷은 서로 겹칠 수 없다.",
                    )
                )
        for name, subnet in existing_nets:
            if _overlaps(net, subnet):
                own.append(
                    Finding(
                        ERROR,
                        OVERLAP_EXISTING,
                        prop.text,
                        f"{josa(net, '가')} 엔진에 이미 있는 네트워크 '{name}'({subnet})와 겹친다. "
                        "엔진은 같은 주소 공간에서 겹치는 서브넷의 네트워크를 만들지 않는다.",
                    )
                )
        usable = usable_addresses(net)
        if usable < prop.containers:
            need = smallest_prefix_for(prop.containers, net.version)
            own.append(
                Finding(
                    ERROR,
                    TOO_SMALL,
                    prop.text,
                    f"{net}에는 컨테이너에 줄 주소가 {usable}개뿐이다(네트워크 주소, 브로드캐스트, 게이트웨이 제외). "
                    f"컨테이너 {prop.containers}개를 넣으려면 /{need} 이상이 필요하다.",
                )
            )
        pools = [pool for pool in DEFAULT_POOLS if _overlaps(net, pool)]
        if pools:
            own.append(
                Finding(
                    WARNING,
                    DEFAULT_POOL,
                    prop.text,
                    f"{josa(net, '는')} 도커의 기본 주소 풀({_describe_pools(pools)})과 겹친다. "
                    "서브넷 없이 만든 네트워크가 이 대역을 먼저 가져가면 이 계획을 적용할 때 충돌한다.",
                )
            )
        if not own:
            own.append(
                Finding(
                    OK,
                    FINE,
                    prop.text,
                    f"{net}: 문제 없음. 컨테이너에 줄 수 있는 주소 {usable:,}개, 계획한 컨테이너 {prop.containers}개.",
                )
            )
        findings += own
    return findings


def format_findings(findings: Iterable[Finding]) -> str:
    """소견을 한 줄에 하나씩 (노트북의 저장된 출력용)."""
    return "\n".join(str(f) for f in findings)


def findings_html(findings: Iterable[Finding], note: str = "") -> str:
    """소견을 HTML 표로 (위젯의 결과 칸)."""
    colours = {ERROR: "#b00020", WARNING: "#8a6d00", OK: "#1b5e20"}
    rows = "".join(
        f'<tr><td style="color:{colours.get(f.level, "inherit")}">{_ICONS.get(f.level, "?")}</td>'
        f"<td><code>{html.escape(f.proposal)}</code></td><td>{html.escape(f.message)}</td></tr>"
        for f in findings
    )
    caption = f"<p>{html.escape(note)}</p>" if note else ""
    if not rows:
        return caption + "<p>검사할 서브넷이 없다. 한 줄에 하나씩 CIDR을 적는다.</p>"
    return caption + f'<table class="netlab-table"><tbody>{rows}</tbody></table>'


def engine_subnets(source: Any) -> dict[str, str]:
    """도커 클라이언트나 실습(:class:`netlab.Lab`)에서 네트워크 이름 → 서브넷을 모은다.

    서브넷이 여러 개인 네트워크(IPv4와 IPv6)는 ``이름 (2)``처럼 번호를 붙여 모두 넣는다.
    """
    client = getattr(source, "client", source)
    result: dict[str, str] = {}
    for net in client.networks.list():
        configs = (net.attrs.get("IPAM") or {}).get("Config") or []
        subnets = [c["Subnet"] for c in configs if c.get("Subnet")]
        for i, subnet in enumerate(subnets):
            result[net.name if i == 0 else f"{net.name} ({i + 1})"] = subnet
    return result


def _existing_source(lab_or_client: Any) -> tuple[Any, str]:
    """위젯이 비교할 대상: (엔진 객체 또는 사전 또는 None, 설명)."""
    from ..hosts.session import OfflineLab

    if isinstance(lab_or_client, OfflineLab):
        return None, "엔진이 없어서 제안한 서브넷끼리만 검사한다."
    if isinstance(lab_or_client, Mapping):
        return dict(lab_or_client), f"주어진 네트워크 {len(lab_or_client)}개와 비교한다."
    if lab_or_client is None:
        from ..base.engine import available, client

        if not available():
            return None, "엔진이 없어서 제안한 서브넷끼리만 검사한다."
        return client(), "엔진의 네트워크와도 비교한다."
    return lab_or_client, "엔진의 네트워크와도 비교한다."


EXAMPLE_PLAN = "172.20.0.0/24 50   # 웹 계층\n172.20.1.0/26 20   # 데이터베이스 계층\n10.30.0.0/16       # 분석 작업\n"


def planner(lab_or_client: Any = None, *, plan: str = EXAMPLE_PLAN, containers: int = DEFAULT_CONTAINERS):
    """서브넷 계획기 위젯. 텍스트 상자에 한 줄에 하나씩 ``CIDR [컨테이너 수]``를 적고 단추를 누른다.

    ``lab_or_client``는 실습(``netlab.lab(...)``의 결과), 도커 클라이언트, 이름 → 서브넷 사전,
    또는 None(엔진이 있으면 연결하고 없으면 제안끼리만 검사)이다. 만들 때 한 번 검사해 두므로
    정적인 책에서도 결과 칸이 비어 있지 않다.
    """
    import ipywidgets as widgets

    source, note = _existing_source(lab_or_client)

    class SubnetPlanner(widgets.VBox):
        """텍스트 상자 + 단추 + 결과 칸. ``check()``를 코드에서 불러도 된다."""

        def check(self, *_: Any) -> list[Finding]:
            existing: Mapping[str, str] = {}
            if isinstance(source, Mapping):
                existing = source
            elif source is not None:
                existing = engine_subnets(source)  # 누를 때마다 엔진의 지금 상태를 읽는다
            lines = self.textarea.value.splitlines()
            self.findings = check_plan(lines, existing, containers=self.containers.value)
            self.output.value = findings_html(self.findings, note)
            return self.findings

    textarea = widgets.Textarea(
        value=plan,
        description="서브넷",
        placeholder="172.20.0.0/24 50",
        layout=widgets.Layout(width="100%", height="8em"),
    )
    count = widgets.BoundedIntText(value=containers, min=1, max=1_000_000, description="기본 개수")
    button = widgets.Button(description="계획 검사", button_style="primary", icon="check")
    output = widgets.HTML()
    box = SubnetPlanner([textarea, widgets.HBox([count, button]), output])
    box.textarea, box.containers, box.button, box.output = textarea, count, button, output
    box.findings = []
    button.on_click(box.check)
    box.check()
    return box
