"""방화벽: iptables 카운터 읽기, 실습 주석이 붙은 DOCKER-USER 규칙 넣고 지우기, 시험 패킷으로 버린 규칙 찾기.

규칙은 도커 라벨을 붙일 수 없으므로 ``nl-<실습>`` 주석과 실습의 주소 블록으로만 다룬다. 그 약속을 한곳에 둔다.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docker.models.containers import Container

from ...base.cli import flags
from .probes import inside_lab_block, short_name
from .report import Report

if TYPE_CHECKING:
    from ...hosts.session import Lab


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
        if not inside_lab_block(lab, cidr):
            raise ValueError(f"{cidr}: 실습 '{lab.name}'의 주소 블록 밖이다. 실습 규칙은 실습 주소만 다룬다.")
    parts = ["iptables", "-I", chain]
    parts += flags(
        ("-s", source), ("-d", destination), ("-p", protocol), ("--dport", None if dport is None else str(dport))
    )
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


def rule_covers(rule: str, ip: str) -> bool:
    """규칙의 -s나 -d 범위가 주소를 담는지."""
    for cidr in re.findall(r"-[sd] (\S+)", rule):
        try:
            if ipaddress.ip_address(ip) in ipaddress.ip_network(cidr, strict=False):
                return True
        except ValueError:
            continue
    return False


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
