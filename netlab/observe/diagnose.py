"""문제 해결 도우미: 컨테이너에서 바깥으로 한 층씩 살피고, 찾은 것을 한국어로 돌려준다.

16장(네트워크 문제 해결)과 실습 6(고장 난 네트워크 고치기)이 쓴다. 진단 함수는 모두 :class:`Report`를
돌려준다. 리포트는 발견(:class:`Finding`)의 목록이고, 발견마다 수준(정상, 문제, 참고), 층(컨테이너,
네임스페이스, 브리지, 방화벽, DNS 같은 것), 한국어 설명이 있다. 노트북에서는 표로 보이고, 확인 셀은
``report.healthy``와 ``report.problems``를 쓴다::

    from netlab import diagnose

    diagnose.walk(lab, web)                               # 안에서 밖으로 한 바퀴
    diagnose.connection(lab, client, web, port=80)        # 왜 client가 web:80에 닿지 않는가
    diagnose.published_port(lab, web, 80)                 # 게시한 포트가 왜 응답하지 않는가
    diagnose.firewall(lab, client, "172.16.160.10")       # 어느 방화벽 규칙이 패킷을 버리는가
    diagnose.mtu(lab, client, "172.16.160.10", web)       # 경로 MTU와 구간별 MTU
    diagnose.dns(lab, client, "api")                      # 왜 이 이름이 풀리지 않는가

관찰은 모두 ``lab.host`` (엔진 호스트의 네트워크 네임스페이스를 보는 도구 상자)와 ``nsenter``로 한다.
그래서 대상 컨테이너 이미지에 도구가 하나도 없어도 된다. 진단이 만드는 트래픽은 실습이 만든 주소나
엔진 호스트 자신의 게시 주소로만 간다. 이름 질의는 내장 DNS(127.0.0.11)에만 한다.

DOCKER-USER에 넣는 규칙(:func:`drop_rule`)에는 ``nl-<실습>`` 주석을 붙이고, 실습의 주소 블록 안의
주소만 대상으로 삼는다. 이 규칙은 도커 라벨을 붙일 수 없으므로 :func:`remove_lab_rules`로 지운다.
"""

from __future__ import annotations

import difflib
import html
import ipaddress
import itertools
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from docker.models.containers import Container
from docker.models.networks import Network

from ..base import addressing
from ..base.resources import LABEL_LAB
from ..base.wait import WaitTimeout, until

if TYPE_CHECKING:
    from ..base.execution import ExecResult
    from ..hosts.session import Lab

OK = "정상"
BAD = "문제"
NOTE = "참고"

#: 내장 DNS 서버의 주소. 사용자 정의 네트워크의 컨테이너는 resolv.conf에 이 주소를 받는다.
EMBEDDED_DNS = "127.0.0.11"

_WILDCARDS = {"0.0.0.0", "*", "[::]", "::"}


# -- 리포트 -------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """발견 하나: 수준(정상/문제/참고), 층, 설명."""

    level: str
    layer: str
    text: str


@dataclass
class Report:
    """진단 결과. 노트북 셀의 마지막 값으로 두면 표로 보인다."""

    title: str
    findings: list[Finding] = field(default_factory=list)
    #: 숫자로 된 결과 (확인 셀이 쓴다): 예를 들어 ``path_mtu``, ``dropped``, ``answers``.
    data: dict[str, Any] = field(default_factory=dict)

    def add(self, level: str, layer: str, text: str) -> Finding:
        finding = Finding(level, layer, text)
        self.findings.append(finding)
        return finding

    def ok(self, layer: str, text: str) -> Finding:
        return self.add(OK, layer, text)

    def bad(self, layer: str, text: str) -> Finding:
        return self.add(BAD, layer, text)

    def note(self, layer: str, text: str) -> Finding:
        return self.add(NOTE, layer, text)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.level == BAD]

    @property
    def healthy(self) -> bool:
        """문제가 하나도 없으면 참."""
        return not self.problems

    def mentions(self, *words: str, level: str | None = None) -> bool:
        """모든 낱말을 담은 발견이 있는지 (``level``을 주면 그 수준에서만)."""
        return any(
            all(w in f.text or w in f.layer for w in words) for f in self.findings if level is None or f.level == level
        )

    def conclusion(self) -> str:
        if self.healthy:
            return "결론: 문제를 찾지 못했다."
        return f"결론: 문제 {len(self.problems)}건. 위에서부터 차례로 본다."

    def __repr__(self) -> str:
        lines = [f"진단: {self.title}"]
        lines += [f"  [{f.level}] {f.layer}: {f.text}" for f in self.findings]
        lines.append(self.conclusion())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f'<tr class="netlab-{"bad" if f.level == BAD else "ok" if f.level == OK else "note"}">'
            f"<td>{html.escape(f.level)}</td><td>{html.escape(f.layer)}</td><td>{html.escape(f.text)}</td></tr>"
            for f in self.findings
        )
        return (
            f'<table class="netlab-table"><caption>진단: {html.escape(self.title)}</caption>'
            "<thead><tr><th>수준</th><th>층</th><th>발견</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><p>{html.escape(self.conclusion())}</p>"
        )


# -- 작은 도구 -----------------------------------------------------------------------


def short_name(lab: Lab, container: Container) -> str:
    """``nl-troubleshooting-web`` → ``web``."""
    prefix = f"{lab.prefix}-"
    return container.name[len(prefix) :] if container.name.startswith(prefix) else container.name


def networks_of(container: Container) -> dict[str, str]:
    """컨테이너가 붙은 네트워크 이름 → 그 네트워크에서의 IPv4 주소 (이름순)."""
    container.reload()
    nets = container.attrs.get("NetworkSettings", {}).get("Networks") or {}
    return {name: (info or {}).get("IPAddress", "") for name, info in sorted(nets.items())}


def bridge_name(network: Network) -> str:
    """브리지 네트워크의 리눅스 브리지 이름 (옵션으로 정하지 않았으면 ``br-<ID 12자리>``)."""
    network.reload()
    options = network.attrs.get("Options") or {}
    return options.get("com.docker.network.bridge.name") or f"br-{network.id[:12]}"


def _pid(container: Container) -> int:
    container.reload()
    return int(container.attrs["State"]["Pid"])


def _inside(lab: Lab, container: Container, command: str, *, timeout: float = 15) -> ExecResult:
    """대상 컨테이너의 네트워크 네임스페이스에서 도구 상자의 도구로 실행한다."""
    return lab.host.nsenter(container, command, timeout=timeout)


def _parse_link(text: str) -> dict[str, str]:
    """``ip -o link show`` 한 줄에서 이름, MTU, 상태, master를 뽑는다."""
    info: dict[str, str] = {}
    match = re.match(r"^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>", text.strip())
    if match:
        info["name"], info["flags"] = match.group(1), match.group(2)
    for key in ("mtu", "master", "state"):
        found = re.search(rf"\b{key} (\S+)", text)
        if found:
            info[key] = found.group(1)
    return info


def link(lab: Lab, ifname: str, container: Container | None = None) -> dict[str, str]:
    """인터페이스 하나의 이름, MTU, 상태, master. ``container``를 주면 그 네임스페이스에서 본다."""
    command = f"ip -o link show dev {shlex.quote(ifname)}"
    out = _inside(lab, container, command) if container is not None else lab.host.sh(command)
    return _parse_link(out.output) if out.ok else {}


def resolv_conf(lab: Lab, container: Container) -> list[str]:
    """컨테이너의 ``/etc/resolv.conf``에 적힌 nameserver 들.

    파일은 컨테이너의 마운트 네임스페이스에 있다. 호스트 PID 네임스페이스를 쓰는 도구 상자에서
    ``/proc/<PID>/root``로 읽으므로 컨테이너 이미지에 ``cat``이 없어도 된다.
    """
    out = lab.host.sh(f"cat /proc/{_pid(container)}/root/etc/resolv.conf").output
    return re.findall(r"^\s*nameserver\s+(\S+)", out, flags=re.MULTILINE)


def parse_listeners(ss_output: str) -> list[tuple[str, int]]:
    """``ss -Hltn`` 출력에서 듣는 (주소, 포트). 내장 DNS의 내부 포트(127.0.0.11)는 뺀다."""
    found = set()
    for line in ss_output.splitlines():
        cols = line.split()
        if len(cols) < 4:
            continue
        local = cols[3]
        addr, _, port = local.rpartition(":")
        if not port.isdigit() or addr == EMBEDDED_DNS:
            continue
        addr = addr.split("%")[0]  # 0.0.0.0%lo 같은 장치 표기
        found.add((addr, int(port)))
    return sorted(found)


def listeners(lab: Lab, container: Container, proto: str = "tcp") -> list[tuple[str, int]]:
    """컨테이너 안에서 듣는 소켓의 (주소, 포트) 목록."""
    flag = "t" if proto == "tcp" else "u"
    return parse_listeners(_inside(lab, container, f"ss -Hln{flag}").output)


def wait_listening(lab: Lab, container: Container, port: int, *, timeout: float = 30) -> bool:
    """컨테이너 안에서 무엇이든 ``port``를 듣기 시작할 때까지 기다린다 (서버가 뜨는 시간)."""
    try:
        until(
            lambda: listeners(lab, container),
            lambda found: any(p == port for _, p in found),
            what=f"{container.name} 안에서 {port}번 포트를 듣기",
            timeout=timeout,
        )
    except WaitTimeout:
        return False
    return True


def is_loopback(addr: str) -> bool:
    bare = addr.strip("[]")
    try:
        return ipaddress.ip_address(bare).is_loopback
    except ValueError:
        return False


def listen_kind(found: Iterable[tuple[str, int]], port: int) -> tuple[str, list[str]]:
    """포트 하나를 듣는 방식: ``none``, ``loopback`` (루프백에서만), ``reachable``과 그 주소들."""
    addrs = sorted({addr for addr, p in found if p == port})
    if not addrs:
        return "none", []
    if all(is_loopback(a) for a in addrs):
        return "loopback", addrs
    return "reachable", addrs


# -- iptables: 카운터와 실습 규칙 --------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """``iptables -v -S``의 한 줄: 카운터를 뺀 규칙, 패킷 수, 바이트 수."""

    spec: str
    packets: int
    bytes: int

    @property
    def target(self) -> str:
        found = re.search(r"-j (\S+)", self.spec)
        return found.group(1) if found else ""


def parse_counters(text: str) -> list[Rule]:
    """``iptables -v -S CHAIN`` 출력 (``-A CHAIN ... -c 패킷 바이트 ...``)을 푼다."""
    rules = []
    for line in text.splitlines():
        if not line.startswith("-A "):
            continue
        found = re.search(r" -c (\d+) (\d+)", line)
        packets, nbytes = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
        spec = re.sub(r" -c \d+ \d+", "", line).strip()
        rules.append(Rule(spec, packets, nbytes))
    return rules


def counters(lab: Lab, chain: str, table: str = "filter") -> list[Rule]:
    """체인의 규칙과 카운터 (지금 값). 절댓값은 실행마다 다르므로 :func:`counter_deltas`로 차이를 본다."""
    return parse_counters(lab.host.sh(f"iptables -t {table} -v -S {chain}").output)


def counter_deltas(before: Sequence[Rule], after: Sequence[Rule]) -> list[tuple[str, int, int]]:
    """두 시점 사이에 규칙마다 늘어난 (규칙, 패킷, 바이트). 같은 규칙 문자열끼리 짝짓는다."""
    seen: dict[str, list[Rule]] = {}
    for rule in before:
        seen.setdefault(rule.spec, []).append(rule)
    deltas = []
    for rule in after:
        old = seen.get(rule.spec, [])
        base = old.pop(0) if old else Rule(rule.spec, 0, 0)
        deltas.append((rule.spec, rule.packets - base.packets, rule.bytes - base.bytes))
    return deltas


def rule_comment(lab: Lab) -> str:
    """실습이 호스트 방화벽에 넣는 규칙의 주석: ``nl-<실습>``."""
    return f"nl-{lab.name}"


def lab_rules(lab: Lab, chain: str = "DOCKER-USER") -> list[str]:
    """이 실습의 주석이 붙은 규칙들 (``iptables -S`` 형식)."""
    mark = re.compile(rf"--comment \"?{re.escape(rule_comment(lab))}\"?(\s|$)")
    return [line for line in lab.host.sh(f"iptables -S {chain}").lines() if mark.search(line)]


def _inside_lab_block(lab: Lab, cidr: str) -> bool:
    net = ipaddress.ip_network(cidr, strict=False)
    return any(net.subnet_of(addressing.subnet(lab.name, i)) for i in range(addressing.BLOCK_SIZE))


def drop_rule(
    lab: Lab,
    *,
    source: str | None = None,
    destination: str | None = None,
    protocol: str | None = None,
    dport: int | None = None,
    chain: str = "DOCKER-USER",
) -> str:
    """실습의 주소만 버리는 규칙을 체인 맨 앞에 넣고, 실행한 명령줄을 돌려준다.

    출발지나 목적지 가운데 적어도 하나는 있어야 하고, 준 주소는 모두 이 실습의 주소 블록 안이어야
    한다. 그래서 이 규칙은 독자의 다른 컨테이너나 호스트의 트래픽을 건드릴 수 없다.
    """
    if not (source or destination):
        raise ValueError("출발지나 목적지를 적어도 하나 주어야 한다 (모든 트래픽을 버리는 규칙은 넣지 않는다).")
    for cidr in filter(None, (source, destination)):
        if not _inside_lab_block(lab, cidr):
            raise ValueError(f"{cidr}: 실습 '{lab.name}'의 주소 블록 밖이다. 실습 규칙은 실습 주소만 다룬다.")
    parts = ["iptables", "-I", chain]
    if source:
        parts += ["-s", source]
    if destination:
        parts += ["-d", destination]
    if protocol:
        parts += ["-p", protocol]
    if dport is not None:
        parts += ["--dport", str(dport)]
    parts += ["-m", "comment", "--comment", rule_comment(lab), "-j", "DROP"]
    command = " ".join(parts)
    done = lab.host.sh(command)
    if not done.ok:
        raise RuntimeError(f"규칙을 넣지 못했다: {done.output.strip()}")
    return command


def remove_lab_rules(lab: Lab, chain: str = "DOCKER-USER") -> int:
    """이 실습의 주석이 붙은 규칙만 지우고 지운 개수를 돌려준다. 다른 규칙은 건드리지 않는다."""
    removed = 0
    for line in lab_rules(lab, chain):
        spec = line.split(" ", 2)[2]  # "-A CHAIN 나머지" → 나머지
        if lab.host.sh(f"iptables -D {chain} {spec}").ok:
            removed += 1
    return removed


# -- 패킷 캡처와 연결 추적 ------------------------------------------------------------------


class Tcpdump:
    """호스트 쪽 인터페이스에서 정해진 개수와 시간만큼 ``tcpdump``를 뒤에서 돌린다.

    ``with`` 블록 안에서 트래픽을 만들고, 블록이 끝나면 캡처가 끝나기를 기다려 줄들을 읽는다::

        with diagnose.Tcpdump(lab, veth, "icmp", count=4) as cap:
            lab.sh(client, "ping -c 2 172.16.160.10")
        cap.lines

    출력 파일은 캡처를 돌린 컨테이너 안(``/tmp``)에 생기므로 실습 정리 때 함께 사라진다.
    """

    _ids = itertools.count(1)

    def __init__(
        self,
        lab: Lab,
        interface: str,
        expression: str,
        *,
        count: int = 4,
        seconds: int = 5,
        container: Container | None = None,
    ) -> None:
        self.lab = lab
        self.seconds = seconds
        #: 캡처를 돌릴 곳: 없으면 엔진 호스트(``lab.host``), 있으면 그 컨테이너 (예: 도구 상자 컨테이너).
        self.container = container
        self.path = f"/tmp/nl-{lab.name}-tcpdump-{next(self._ids)}"
        self.command = f"timeout {seconds} tcpdump -i {interface} -c {count} -nn -t -l {shlex.quote(expression)}"
        self.lines: list[str] = []

    def _sh(self, command: str) -> ExecResult:
        if self.container is None:
            return self.lab.host.sh(command)
        return self.lab.sh(self.container, command)

    def start(self) -> Tcpdump:
        p = self.path
        self._sh(f"rm -f {p}.*; setsid {self.command} >{p}.out 2>{p}.err </dev/null & echo $! >{p}.pid")
        # 듣기 시작하기 전에 만든 트래픽은 잡히지 않는다: 준비될 때까지 기다린 뒤에 돌아간다
        until(self._listening, what="tcpdump가 듣기 시작하기", interval=0.1)
        return self

    def _listening(self) -> bool:
        """tcpdump가 듣고 있는지. 듣기도 전에 끝났다면(없는 인터페이스, 틀린 식) 그 오류로 멈춘다."""
        p = self.path
        state = self._sh(f"cat {p}.err 2>/dev/null; kill -0 $(cat {p}.pid) 2>/dev/null && echo '<alive>'").output
        if "listening on" in state:
            return True
        if "<alive>" not in state:
            raise RuntimeError(f"tcpdump가 듣기 전에 끝났다: {state.strip()}")
        return False

    def _finished(self) -> bool:
        p = self.path
        done = f"grep -q 'packets captured' {p}.err && echo done || (kill -0 $(cat {p}.pid) 2>/dev/null || echo done)"
        return "done" in self._sh(done).output

    def wait(self) -> list[str]:
        """캡처가 끝나기를 기다리고 잡힌 패킷 줄을 돌려준다.

        tcpdump는 ``count`` 개를 잡거나 ``timeout``으로 ``seconds`` 초가 지나면 스스로 끝나고, 끝나면서 모은
        줄을 모두 쓴다. 바쁜 기계에서는 그보다 늦을 수 있으므로 넉넉히 기다린다.
        """
        p = self.path
        until(self._finished, what="tcpdump가 끝나기", timeout=self.seconds + 30, interval=0.1)
        out = self._sh(f"cat {p}.out").output
        self.lines = [line for line in out.splitlines() if line.strip()]
        return self.lines

    def __enter__(self) -> Tcpdump:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.wait()


def summarise_packet(line: str) -> str:
    """tcpdump 한 줄을 실행마다 같은 부분만 남겨 줄인다 (순서 번호, 창 크기, ICMP id, 임시 포트를 뺀다)."""
    head = re.match(r"^(?:IP6? )?(\S+) > (\S+?):\s*(.*)$", line.strip())
    if not head:
        return line.strip()
    src, dst, rest = head.groups()

    def port_mask(endpoint: str) -> str:
        host, _, port = endpoint.rpartition(".")
        if port.isdigit() and host.count(".") == 3 and 32768 <= int(port) <= 60999:
            return f"{host}.<임시 포트>"
        return endpoint

    flags = re.search(r"Flags \[([^\]]*)\]", rest)
    if flags:
        return f"{port_mask(src)} > {port_mask(dst)}  TCP [{flags.group(1)}]"
    icmp = re.match(r"ICMP ([^,]+)", rest)
    if icmp:
        return f"{src} > {dst}  ICMP {icmp.group(1)}"
    return f"{port_mask(src)} > {port_mask(dst)}  {rest.split(',')[0]}"


def conntrack_entries(lab: Lab, *, destination: str, dport: int | None = None, proto: str = "tcp") -> list[dict]:
    """목적지가 ``destination``인 연결 추적 항목: 원래 방향과 답장 방향의 주소, 상태."""
    command = f"conntrack -L -p {proto} -d {destination}" + (f" --dport {dport}" if dport else "") + " 2>/dev/null"
    entries = []
    for line in lab.host.sh(command).lines():
        fields = re.findall(r"(src|dst|sport|dport)=(\S+)", line)
        if len(fields) < 4:
            continue
        state = re.search(r"\b(ESTABLISHED|TIME_WAIT|SYN_SENT|SYN_RECV|CLOSE_WAIT|CLOSE|FIN_WAIT|LAST_ACK)\b", line)
        entries.append(
            {
                "proto": proto,
                "state": state.group(1) if state else "",
                "original": dict(fields[:4]),
                "reply": dict(fields[4:8]),
                "flags": re.findall(r"\[([A-Z]+)\]", line),
            }
        )
    return entries


def forget_conntrack(lab: Lab, *, destination: str, proto: str = "tcp") -> None:
    """목적지가 실습 주소인 연결 추적 항목을 지운다 (다시 실행해도 같은 출력이 나오게)."""
    if not _inside_lab_block(lab, destination):
        raise ValueError(f"{destination}: 실습 '{lab.name}'의 주소가 아니다.")
    lab.host.sh(f"conntrack -D -p {proto} -d {destination} >/dev/null 2>&1; true")


# -- 진단 -----------------------------------------------------------------------------


def _veth_side(lab: Lab, container: Container, ifname: str = "eth0") -> dict[str, str]:
    """컨테이너 ``ifname``의 호스트 쪽 veth와 그 링크 정보 (veth가 아니면 빈 사전)."""
    try:
        veth = lab.host.veth_peer_name(container, ifname)
    except RuntimeError:
        return {}
    info = link(lab, veth)
    info["name"] = veth
    return info


def _bridge_port_state(lab: Lab, veth: str) -> str:
    out = lab.host.sh(f"bridge link show dev {veth}").output
    found = re.search(r"master \S+ state (\S+)", out)
    return found.group(1) if found else ""


def _network_by_bridge(lab: Lab, bridge: str) -> str:
    for net in lab.client.networks.list(filters={"label": f"{LABEL_LAB}={lab.name}"}):
        if net.attrs.get("Driver") == "bridge" and bridge_name(net) == bridge:
            return net.name
    return "docker0" if bridge == "docker0" else bridge


def walk(lab: Lab, container: Container) -> Report:
    """컨테이너 하나를 안에서 밖으로 훑는다: 상태, 인터페이스, 경로, DNS, 듣는 포트, veth, 브리지, MTU, 방화벽."""
    name = short_name(lab, container)
    report = Report(f"{name}에서 바깥으로")
    container.reload()
    if container.status != "running":
        report.bad("컨테이너", f"상태: {container.status}. 실행 중이 아니면 네트워크 네임스페이스도 없다.")
        return report
    report.ok("컨테이너", "실행 중이다")
    mode = container.attrs.get("HostConfig", {}).get("NetworkMode", "")
    if mode == "host" or mode.startswith("container:"):
        report.note(
            "네트워크", f"네트워크 모드: {mode}. 자기 네임스페이스가 없으므로 네임스페이스를 빌려 준 쪽을 진단한다."
        )
        return report

    links = {}
    for line in _inside(lab, container, "ip -o link show").lines():
        info = _parse_link(line)
        if info.get("name"):
            links[info["name"]] = info
    addrs = re.findall(r"^\d+:\s+(\S+)\s+inet (\S+)", _inside(lab, container, "ip -o -4 addr show").output, re.M)
    for ifname, cidr in addrs:
        if ifname == "lo":
            continue
        info = links.get(ifname, {})
        up = "UP" in info.get("flags", "").split(",")
        text = f"{ifname} {cidr}, MTU {info.get('mtu', '?')}, {'켜져 있다' if up else '꺼져 있다'}"
        (report.ok if up else report.bad)("네임스페이스", text)
    if not [a for a in addrs if a[0] != "lo"]:
        report.note("네임스페이스", "루프백 말고는 IPv4 주소가 없다 (none 네트워크이거나 아직 붙지 않았다)")

    route = _inside(lab, container, "ip route show default").output.strip()
    via = re.search(r"default via (\S+) dev (\S+)", route)
    if via:
        report.ok("경로", f"기본 경로의 게이트웨이: {via.group(1)} (인터페이스 {via.group(2)})")
    else:
        report.note("경로", "기본 경로가 없다: 바깥으로 나갈 수 없다 (internal 네트워크나 none이면 정상)")

    servers = resolv_conf(lab, container)
    if EMBEDDED_DNS in servers:
        report.ok("DNS", f"내장 DNS({EMBEDDED_DNS})에 묻는다: 같은 네트워크의 컨테이너 이름을 풀 수 있다")
    else:
        report.note(
            "DNS",
            f"nameserver: {', '.join(servers) or '없음'}. 내장 DNS를 쓰지 않으므로 컨테이너 이름을 풀 수 없다"
            " (기본 브리지 네트워크의 컨테이너가 그렇다)",
        )

    found = listeners(lab, container)
    if found:
        text = ", ".join(f"{a}:{p}" for a, p in found)
        report.ok("서비스", f"듣는 TCP 소켓: {text}")
        for addr, port in found:
            if is_loopback(addr) and listen_kind(found, port)[0] == "loopback":
                report.note("서비스", f"{addr}:{port}: 루프백 주소라서 이 컨테이너 밖에서는 닿지 않는다")
    else:
        report.note("서비스", "듣는 TCP 소켓이 없다")

    if "eth0" in links:
        eth0_mtu = int(links["eth0"].get("mtu", "0"))
        peer = _veth_side(lab, container)
        if peer:
            master = peer.get("master", "")
            state = _bridge_port_state(lab, peer["name"]) if master else ""
            where = _network_by_bridge(lab, master) if master else "(브리지 없음)"
            text = f"호스트 쪽 veth {peer['name']}: {where}의 브리지 포트, 포트 상태 {state or '?'}"
            (report.ok if state == "forwarding" else report.bad)("브리지", text)
            mtus = {"컨테이너 쪽 eth0": eth0_mtu, "호스트 쪽 veth": int(peer.get("mtu", "0"))}
            if master:
                mtus["브리지"] = int(link(lab, master).get("mtu", "0"))
            if len(set(mtus.values())) == 1:
                report.ok("MTU", f"veth 양쪽과 브리지의 MTU가 모두 같다: {eth0_mtu}")
            else:
                parts = ", ".join(f"{k} {v}" for k, v in mtus.items())
                report.bad("MTU", f"구간마다 MTU가 다르다 ({parts}): 큰 패킷이 작은 쪽에서 버려진다")

    ips = [ip for ip in networks_of(container).values() if ip]
    for line in lab.host.sh("iptables -S DOCKER-USER").lines():
        if re.search(r"-j (DROP|REJECT)", line) and any(_rule_covers(line, ip) for ip in ips):
            report.bad("방화벽", f"DOCKER-USER의 규칙이 이 컨테이너의 주소를 버린다: {line}")
    if not report.mentions("DOCKER-USER", level=BAD):
        report.ok("방화벽", "DOCKER-USER에 이 컨테이너의 주소를 버리는 규칙이 없다")
    return report


def _rule_covers(rule: str, ip: str) -> bool:
    """규칙의 -s나 -d 범위가 주소를 담는지."""
    for cidr in re.findall(r"-[sd] (\S+)", rule):
        try:
            if ipaddress.ip_address(ip) in ipaddress.ip_network(cidr, strict=False):
                return True
        except ValueError:
            continue
    return False


def _listen_finding(report: Report, lab: Lab, server: Container, port: int) -> str:
    name = short_name(lab, server)
    kind, addrs = listen_kind(listeners(lab, server), port)
    if kind == "none":
        report.bad("서비스", f"{name} 안에서 {port}번 포트를 듣는 프로세스가 없다: 서비스가 죽었거나 다른 포트를 쓴다")
    elif kind == "loopback":
        report.bad(
            "서비스",
            f"{name} 안의 서비스가 {', '.join(addrs)} 에서만 듣는다. 루프백은 네임스페이스마다 따로 있어서 "
            "다른 컨테이너나 호스트에서 온 연결은 받을 소켓이 없고, 커널이 RST로 거절한다. "
            "서비스가 0.0.0.0(모든 주소)에서 듣게 설정을 바꿔야 한다",
        )
    else:
        report.ok("서비스", f"{name} 안에서 듣는 주소: {', '.join(f'{a}:{port}' for a in addrs)}")
    return kind


def dig(lab: Lab, client: Container, name: str) -> tuple[str, list[str]]:
    """클라이언트에서 내장 DNS에 A 레코드를 묻는다: (상태, 주소 목록). 상태는 NOERROR, NXDOMAIN, 무응답 등."""
    out = lab.sh(client, f"dig @{EMBEDDED_DNS} +time=1 +tries=1 +noall +comments +answer {shlex.quote(name)} A").output
    status = re.search(r"status: (\w+)", out)
    answers = re.findall(r"\sIN\s+A\s+(\S+)", out)
    return (status.group(1) if status else "무응답"), sorted(answers)


def _dns_status_text(status: str) -> str:
    if status == "NXDOMAIN":
        return "그런 이름이 없다는 답(NXDOMAIN)"
    if status == "무응답":
        return (
            "답이 없다. 내장 DNS는 모르는 이름을 컨테이너의 바깥 DNS 서버로 넘기는데, 이 책의 실습 컨테이너는 "
            "바깥 DNS로 127.0.0.1을 쓰므로 아무도 답하지 않는다. 보통의 호스트라면 NXDOMAIN이 온다"
        )
    if status == "SERVFAIL":
        return (
            "서버 실패(SERVFAIL)가 곧바로 온다. 내장 DNS는 모르는 이름을 컨테이너의 바깥 DNS 서버로 넘기는데, "
            "이 책의 실습 컨테이너는 바깥 DNS로 127.0.0.1을 쓰고 그 주소(컨테이너 자신의 네임스페이스)에는 듣는 "
            "것이 없어 실패를 돌려준다(엔진 24부터. 그 전에는 답이 없었다). 보통의 호스트라면 NXDOMAIN이 온다"
        )
    return f"상태 {status}"


def connection(
    lab: Lab, client: Container, server: Container, *, port: int | None = None, name: str | None = None
) -> Report:
    """왜 ``client``가 ``server`` (의 ``port``)에 닿지 않는가: 네트워크, 이름, IP, 듣는 주소, 연결 순서로 본다."""
    cname, sname = short_name(lab, client), short_name(lab, server)
    report = Report(f"{cname} → {sname}" + (f":{port}" if port else ""))
    cnets, snets = networks_of(client), networks_of(server)
    shared = sorted(set(cnets) & set(snets))
    if shared:
        target = snets[shared[0]]
        report.ok("네트워크", f"둘 다 {', '.join(shared)}에 붙어 있다. {sname}의 주소: {target}")
    else:
        target = next(iter(snets.values()), "")
        report.bad(
            "네트워크",
            f"함께 붙은 네트워크가 없다 ({cname}: {', '.join(cnets) or '없음'}, "
            f"{sname}: {', '.join(snets) or '없음'}). "
            "엔진은 서로 다른 브리지 네트워크 사이의 전달을 격리 규칙으로 막는다",
        )
        if snets:
            report.note("고치기", f"docker network connect {next(iter(snets))} {client.name}")
    report.data["target"] = target

    if name:
        status, answers = dig(lab, client, name)
        report.data["answers"] = answers
        if target and target in answers:
            report.ok("DNS", f"{name} → {', '.join(answers)}")
        elif answers:
            report.bad("DNS", f"{name} → {', '.join(answers)}: {sname}의 주소({target})와 다르다")
        else:
            report.bad("DNS", f"이름 {name}: {_dns_status_text(status)}")

    if target:
        ping = lab.sh(client, f"ping -c 1 -W 1 {target}")
        report.data["ping"] = ping.ok
        if ping.ok:
            report.ok("IP", f"{target}에 ping이 닿는다")
        else:
            report.bad("IP", f"{target}에 ping이 닿지 않는다")

    if port:
        kind = _listen_finding(report, lab, server, port)
        if shared and target:
            probe = lab.sh(client, f"nc -z -w 2 {target} {port}")
            report.data["tcp"] = probe.ok
            if probe.ok:
                report.ok("연결", f"{target}:{port}에 TCP 연결이 맺어진다")
            elif kind == "loopback" or kind == "none":
                report.bad("연결", f"{target}:{port}에 보낸 TCP 연결이 거절된다 (RST)")
            else:
                report.bad("연결", f"{target}:{port}에 보낸 TCP 연결이 맺어지지 않는다: 방화벽이나 MTU를 본다")
    return report


_CLOSED = (
    "연결은 맺어졌지만 응답 없이 끊겼다 (curl 52 'Empty reply'나 56 'Connection reset' 가운데 어느 쪽이 나올지는 "
    "타이밍에 달렸다). 호스트의 docker-proxy가 연결을 받은 뒤 컨테이너 쪽으로 다시 연결하다 거절당해 끊은 것이다"
)

_CURL_ERRORS = {
    6: "이름을 풀 수 없다",
    7: "연결이 거절되었다: 그 주소와 포트를 듣는 것이 없다",
    28: "시간 초과: 패킷이 어딘가에서 말없이 버려진다 (방화벽 규칙이나 MTU를 본다)",
    52: _CLOSED,
    56: _CLOSED,
}


def curl_outcome(output: str) -> str:
    """``curl -sS``의 결과를 증상의 종류로 나눈다: 응답, 거절, 끊김, 이름 풀이 시간 초과, 시간 초과.

    같은 고장이 실행마다 조금 다른 오류 번호를 낼 때가 있다 (예: 프록시가 끊은 연결은 52나 56).
    이 함수는 그런 것을 한 종류로 묶어 저장된 출력이 실행마다 같게 한다.
    """
    found = re.search(r"curl: \((\d+)\) (.*)", output)
    if not found:
        return "응답을 받았다"
    code, text = int(found.group(1)), found.group(2)
    if code == 7:
        return "연결 거절 (curl 7: Couldn't connect to server)"
    if code in (52, 56):
        return "연결된 뒤 응답 없이 끊김 (curl 52 Empty reply 또는 56 Connection reset)"
    if code == 28:
        return "이름 풀이 시간 초과 (curl 28)" if "Resolving" in text else "시간 초과 (curl 28)"
    if code == 6:
        return "이름을 풀 수 없음 (curl 6)"
    return describe_curl(output)


def describe_curl(output: str) -> str:
    """``curl -sS``의 오류 줄을 실행마다 같은 모양으로 줄인다 (걸린 시간 같은 숫자를 뺀다)."""
    found = re.search(r"curl: \((\d+)\) (.*)", output)
    if not found:
        return "오류 없음"
    text = re.sub(r" after \d+ (ms|milliseconds)", "", found.group(2)).strip()
    text = re.sub(r" with \d+ (out of \d+ )?bytes received", "", text)
    return f"curl 종료 코드 {found.group(1)}: {text}"


def published_port(lab: Lab, container: Container, port: int, proto: str = "tcp") -> Report:
    """게시한 포트가 왜 응답하지 않는가: 게시 설정, docker-proxy, DNAT 규칙, 컨테이너 안의 듣는 주소, 실제 요청.

    요청은 HTTP로 보내며, 엔진 호스트 자신의 게시 주소(0.0.0.0이면 127.0.0.1)로만 보낸다.
    """
    name = short_name(lab, container)
    report = Report(f"{name}의 게시 포트 {port}/{proto}")
    container.reload()
    bindings = (container.attrs.get("NetworkSettings", {}).get("Ports") or {}).get(f"{port}/{proto}") or []
    if not bindings:
        report.bad("게시", f"호스트에 게시된 포트가 없다 (컨테이너 포트 {port}/{proto}, -p를 주지 않았다)")
        return report
    host_ip, host_port = bindings[0].get("HostIp") or "0.0.0.0", int(bindings[0]["HostPort"])
    report.ok("게시", f"호스트 {host_ip}:{host_port} → 컨테이너 {port}/{proto}")

    flag = "t" if proto == "tcp" else "u"
    listening = lab.host.sh(f"ss -Hln{flag}p 'sport = :{host_port}'").output
    if "docker-proxy" in listening:
        report.ok("호스트", f"호스트의 {host_ip}:{host_port}에서 docker-proxy가 듣는다")
    else:
        report.note("호스트", f"호스트의 {host_port}번을 듣는 docker-proxy가 없다 (userland-proxy를 끈 엔진일 수 있다)")
    dnat = [r for r in lab.host.sh("iptables -t nat -S DOCKER").lines() if f"--dport {host_port} " in f"{r} "]
    to = re.search(r"--to-destination (\S+)", dnat[0]) if dnat else None
    if to:
        report.ok("방화벽", f"nat/DOCKER의 DNAT 규칙: {host_port}번 → {to.group(1)}")
    else:
        report.bad("방화벽", f"nat/DOCKER에 {host_port}번의 DNAT 규칙이 없다")

    kind = _listen_finding(report, lab, container, port)
    report.data["listen"] = kind

    if proto == "tcp":
        target = "127.0.0.1" if host_ip in _WILDCARDS else host_ip
        url = f"http://{target}:{host_port}/"
        done = lab.host.sh(f"curl -sS -o /dev/null --max-time 5 {url}; echo rc=$?", timeout=10).output
        rc = int(re.search(r"rc=(\d+)", done).group(1))
        report.data["curl_rc"] = rc
        if rc == 0:
            report.ok("요청", f"호스트에서 보낸 요청 {url}: 응답을 받았다")
        else:
            report.bad("요청", f"호스트에서 보낸 요청 {url}: " + _CURL_ERRORS.get(rc, f"curl 종료 코드 {rc}"))
    return report


def firewall(
    lab: Lab,
    client: Container,
    target: str,
    *,
    port: int | None = None,
    chain: str = "DOCKER-USER",
    probes: int = 3,
) -> Report:
    """시험 패킷을 보내는 동안 ``chain``의 카운터가 어떻게 변하는지 보고, 패킷을 버린 규칙을 찾는다.

    ``port``가 없으면 ping을 ``probes`` 번, 있으면 그 TCP 포트로 연결을 ``probes`` 번 시도한다.
    TCP 시도는 0.5초 만에 포기하므로 막힌 연결도 SYN을 정확히 하나만 보낸다 (첫 재전송은 1초 뒤다).
    카운터의 절댓값은 다른 트래픽 때문에 실행마다 다르지만, 이 실습의 주소만 맞추는 규칙의 증가분은
    시험 패킷의 수와 같다.
    """
    cname = short_name(lab, client)
    what = f"{target}:{port}" if port else target
    report = Report(f"{cname} → {what}의 패킷이 지나는 {chain}")
    bridged = lab.host.sh("cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null").output.strip()
    if bridged == "1":
        report.note("브리지", "bridge-nf-call-iptables=1: 같은 브리지 안의 트래픽도 iptables의 FORWARD를 지난다")
    before = counters(lab, chain)
    if port:
        probe = lab.sh(
            client,
            f"n=0; for i in $(seq {probes}); do timeout 0.5 nc -z {target} {port} && n=$((n+1)); done; echo ok=$n",
        )
        found = re.search(r"ok=(\d+)", probe.output)
    else:
        probe = lab.sh(client, f"ping -c {probes} -i 0.2 -W 1 {target}")
        found = re.search(r"(\d+) received", probe.output)
    after = counters(lab, chain)
    got = int(found.group(1)) if found else 0
    report.data["received"] = got
    dropped = 0
    for spec, packets, _ in counter_deltas(before, after):
        rule = Rule(spec, 0, 0)
        if packets > 0 and rule.target in ("DROP", "REJECT"):
            dropped += packets
            report.bad("방화벽", f"시험하는 동안 이 규칙의 카운터가 {packets} 올랐다: {spec}")
    report.data["dropped"] = dropped
    if not dropped:
        report.ok("방화벽", f"{chain}에서 시험 패킷을 버린 규칙이 없다")
    if port:
        text = f"TCP {port}번 연결 시도 {probes}번 가운데 {got}번이 맺어졌다"
    else:
        text = f"ping {probes}개 가운데 {got}개가 응답을 받았다"
    (report.ok if got == probes else report.bad)("IP" if not port else "연결", text)
    return report


def _ping_df(lab: Lab, client: Container, target: str, payload: int) -> bool:
    return lab.sh(client, f"ping -M do -c 1 -W 1 -s {payload} {target}").ok


def path_mtu(lab: Lab, client: Container, target: str, ceiling: int) -> int:
    """DF를 켠 ping의 크기를 이분 탐색해 경로 MTU를 잰다 (IPv4 헤더 20 + ICMP 헤더 8바이트를 더한 값)."""
    if _ping_df(lab, client, target, ceiling - 28):
        return ceiling
    low, high = 0, ceiling - 28  # low는 되는 크기, high는 안 되는 크기
    if not _ping_df(lab, client, target, low):
        return 0
    while high - low > 1:
        middle = (low + high) // 2
        if _ping_df(lab, client, target, middle):
            low = middle
        else:
            high = middle
    return low + 28


def mtu(lab: Lab, client: Container, target: str, server: Container | None = None) -> Report:
    """경로의 구간별 MTU를 모으고, DF ping으로 실제 경로 MTU를 재서 비교한다."""
    cname = short_name(lab, client)
    report = Report(f"{cname} → {target}의 MTU")
    path: list[tuple[str, int]] = []
    base = int(link(lab, "eth0", client).get("mtu", "1500"))
    path.append((f"{cname} eth0", base))
    cpeer = _veth_side(lab, client)
    if cpeer:
        path.append((f"{cname}의 호스트 쪽 veth", int(cpeer.get("mtu", "0"))))
        if cpeer.get("master"):
            path.append(("브리지", int(link(lab, cpeer["master"]).get("mtu", "0"))))
    if server is not None:
        sname = short_name(lab, server)
        speer = _veth_side(lab, server)
        if speer:
            path.append((f"{sname}의 호스트 쪽 veth", int(speer.get("mtu", "0"))))
        path.append((f"{sname} eth0", int(link(lab, "eth0", server).get("mtu", "0"))))
    report.data["path"] = path
    measured = path_mtu(lab, client, target, base)
    report.data["path_mtu"] = measured
    if measured == 0:
        report.bad("IP", f"가장 작은 ping도 {target}에 닿지 않는다: MTU가 아니라 연결 자체의 문제다")
        return report
    if measured == base:
        report.ok("MTU", f"DF를 켠 {base}바이트 패킷이 {target}까지 간다: 경로 MTU {measured}")
    else:
        report.bad(
            "MTU",
            f"{cname}의 eth0 MTU는 {base}, DF를 켠 ping으로 잰 경로 MTU는 {measured}. "
            f"그 사이 어딘가에서 {measured}바이트보다 큰 패킷이 오류 메시지 없이 버려진다",
        )
    for label, value in path:
        if value and value < base:
            report.bad("MTU", f"{label}: MTU {value}, 경로의 다른 구간({base})보다 작다")
    return report


def _names_of(container: Container) -> set[str]:
    """내장 DNS가 이 컨테이너에 대해 답할 수 있는 이름: 컨테이너 이름, 호스트 이름, 네트워크별 별칭."""
    container.reload()
    names = {container.name, container.attrs.get("Config", {}).get("Hostname", "")}
    for info in (container.attrs.get("NetworkSettings", {}).get("Networks") or {}).values():
        names.update((info or {}).get("Aliases") or [])
        names.update((info or {}).get("DNSNames") or [])
    return {n for n in names if n}


def dns(lab: Lab, client: Container, name: str) -> Report:
    """왜 ``client``에서 ``name``이 풀리지 않는가: resolv.conf, 내장 DNS의 답, 그 이름의 주인이 어디 있는지."""
    cname = short_name(lab, client)
    report = Report(f"{cname}에서 이름 {name}")
    servers = resolv_conf(lab, client)
    if EMBEDDED_DNS in servers:
        report.ok("DNS", f"resolv.conf가 내장 DNS({EMBEDDED_DNS})를 가리킨다")
    else:
        report.bad(
            "DNS",
            f"resolv.conf의 nameserver: {', '.join(servers) or '없음'}. 내장 DNS를 쓰지 않는 컨테이너"
            "(기본 브리지 네트워크)는 다른 컨테이너의 이름을 풀 수 없다",
        )
    status, answers = dig(lab, client, name)
    report.data["status"], report.data["answers"] = status, answers
    if answers:
        report.ok("DNS", f"내장 DNS의 답: {name} → {', '.join(answers)}")
        return report
    report.bad("DNS", f"이름 {name}: 내장 DNS가 풀지 못했다. {_dns_status_text(status)}")

    mine = [
        c
        for c in lab.client.containers.list(all=True, filters={"label": f"{LABEL_LAB}={lab.name}"})
        if c.attrs.get("HostConfig", {}).get("NetworkMode") != "host"  # 도구 상자는 호스트의 이름을 가진다
    ]
    owners = sorted((c for c in mine if name in _names_of(c)), key=lambda c: c.name)
    cnets = networks_of(client)
    report.data["owners"] = [short_name(lab, c) for c in owners]
    for owner in owners:
        onets = networks_of(owner)
        oname = short_name(lab, owner)
        if set(onets) & set(cnets):
            report.bad(
                "DNS",
                f"이름 {name}의 주인({oname})은 같은 네트워크에 있는데도 풀리지 않는다: 컨테이너가 실행 중인지 본다",
            )
        else:
            report.bad(
                "네트워크",
                f"이름 {name}의 주인({oname})은 {', '.join(onets) or '없음'} 에만 붙어 있고, "
                f"{cname} 쪽은 {', '.join(cnets) or '없음'}에 있다. "
                "내장 DNS는 묻는 컨테이너가 붙은 네트워크의 이름만 답한다",
            )
            if onets:
                report.note("고치기", f"docker network connect {next(iter(onets))} {client.name}")
    if not owners:
        report.bad(
            "이름",
            f"이름이나 별칭이 {name}인 컨테이너가 이 실습에 없다: 오타이거나 아직 만들지 않은 컨테이너다",
        )
        known = sorted({n for c in mine for n in _names_of(c) if not re.fullmatch(r"[0-9a-f]{12}", n)})
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
        if close:
            report.note("이름", f"비슷한 이름: {', '.join(close)}")
        report.data["close"] = close
    return report


__all__ = [
    "BAD",
    "EMBEDDED_DNS",
    "NOTE",
    "OK",
    "Finding",
    "Report",
    "Rule",
    "Tcpdump",
    "bridge_name",
    "connection",
    "conntrack_entries",
    "counter_deltas",
    "counters",
    "curl_outcome",
    "describe_curl",
    "dig",
    "dns",
    "drop_rule",
    "firewall",
    "forget_conntrack",
    "is_loopback",
    "lab_rules",
    "link",
    "listen_kind",
    "listeners",
    "mtu",
    "networks_of",
    "parse_counters",
    "parse_listeners",
    "path_mtu",
    "published_port",
    "remove_lab_rules",
    "resolv_conf",
    "rule_comment",
    "short_name",
    "summarise_packet",
    "wait_listening",
    "walk",
]
