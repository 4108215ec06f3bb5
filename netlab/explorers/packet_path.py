"""패킷 경로 따라가기(:func:`packet_walker`): 게시한 포트로 들어온 요청이 iptables 체인, conntrack, 브리지, veth를
거쳐 컨테이너의 eth0에 닿기까지를 한 단계씩 글자와 HTML로 풀고, 그것을 이전·다음 단추로 넘겨 보는 위젯.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as W

from ..base.korean import josa
from .common import BOX, esc
from .inbound import STAGES, InboundModel, example_model


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
        f'<div style="{BOX}">'
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
