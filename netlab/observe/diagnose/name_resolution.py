"""이름 풀이 진단: 내장 DNS에 묻기(:func:`dig`), 답의 상태를 한국어로 풀기, 풀리지 않는 이름의 주인 찾기(:func:`dns`).

연결 진단과 한 바퀴 진단도 이름과 resolv.conf를 보므로, 내장 DNS에 관한 판정과 그 한국어 설명을 이 모듈 하나에 둔다.
"""

from __future__ import annotations

import difflib
import re
import shlex
from typing import TYPE_CHECKING

from docker.models.containers import Container

from ...base.resources import LABEL_LAB
from .probes import EMBEDDED_DNS, networks_of, resolv_conf, short_name
from .report import BAD, Report

if TYPE_CHECKING:
    from ...hosts.session import Lab


def check_resolver(
    report: Report, lab: Lab, container: Container, *, uses: str, misses: str, missing_level: str
) -> None:
    """resolv.conf가 내장 DNS를 가리키는지 리포트의 DNS 층에 적는다.

    가리키면 ``uses``를 정상으로, 아니면 ``misses``(``{servers}`` 자리에 nameserver 목록)를 ``missing_level``로 적는다.
    """
    servers = resolv_conf(lab, container)
    if EMBEDDED_DNS in servers:
        report.ok("DNS", uses)
    else:
        report.add(missing_level, "DNS", misses.format(servers=", ".join(servers) or "없음"))


def dig(lab: Lab, client: Container, name: str) -> tuple[str, list[str]]:
    """클라이언트에서 내장 DNS에 A 레코드를 묻는다: (상태, 주소 목록). 상태는 NOERROR, NXDOMAIN, 무응답 등."""
    out = lab.sh(client, f"dig @{EMBEDDED_DNS} +time=1 +tries=1 +noall +comments +answer {shlex.quote(name)} A").output
    status = re.search(r"status: (\w+)", out)
    answers = re.findall(r"\sIN\s+A\s+(\S+)", out)
    return (status.group(1) if status else "무응답"), sorted(answers)


def dns_status_text(status: str) -> str:
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
    check_resolver(
        report,
        lab,
        client,
        uses=f"resolv.conf가 내장 DNS({EMBEDDED_DNS})를 가리킨다",
        misses="resolv.conf의 nameserver: {servers}. 내장 DNS를 쓰지 않는 컨테이너"
        "(기본 브리지 네트워크)는 다른 컨테이너의 이름을 풀 수 없다",
        missing_level=BAD,
    )
    status, answers = dig(lab, client, name)
    report.data["status"], report.data["answers"] = status, answers
    if answers:
        report.ok("DNS", f"내장 DNS의 답: {name} → {', '.join(answers)}")
        return report
    report.bad("DNS", f"이름 {name}: 내장 DNS가 풀지 못했다. {dns_status_text(status)}")

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
