"""패킷 보기와 연결 추적: 진단 중에 잠깐 도는 tcpdump, 그 줄을 실행마다 같은 모양으로 줄이기, conntrack 항목.

캡처 모듈(:mod:`netlab.observe.capture`)의 pcap 풀기와 달리, 16장과 실습 6이 한 줄 요약으로 보는
tcpdump 텍스트 출력을 다룬다.
"""

from __future__ import annotations

import itertools
import re
import shlex
from typing import TYPE_CHECKING

from docker.models.containers import Container

from ...base.wait import until
from .probes import inside_lab_block

if TYPE_CHECKING:
    from ...base.execution import ExecResult
    from ...hosts.session import Lab


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
    if not inside_lab_block(lab, destination):
        raise ValueError(f"{destination}: 실습 '{lab.name}'의 주소가 아니다.")
    lab.host.sh(f"conntrack -D -p {proto} -d {destination} >/dev/null 2>&1; true")
