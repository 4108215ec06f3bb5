"""닿지 않는 연결의 진단: 컨테이너 사이의 연결(:func:`connection`), 게시한 포트(:func:`published_port`),
curl 오류 줄이기.

두 진단이 듣는 주소를 같은 말로 판정하고, 노트북이 curl의 결과를 실행마다 같은 증상 이름으로 적도록 한곳에 둔다.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docker.models.containers import Container

from .name_resolution import dig, dns_status_text
from .probes import listen_kind, listeners, networks_of, short_name
from .report import Report

if TYPE_CHECKING:
    from ...hosts.session import Lab


_WILDCARDS = {"0.0.0.0", "*", "[::]", "::"}


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
            report.bad("DNS", f"이름 {name}: {dns_status_text(status)}")

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
