"""두 컨테이너 사이의 처리량(iperf3)과 왕복 시간(ping)을 잰다 (실습 8).

원문은 드라이버마다 비용이 다르다고 말한다: host와 macvlan은 브리지와 NAT를 거치지 않고, 오버레이는 VXLAN으로
감싸는 값을 치르고, 암호화된 오버레이는 그 위에 암호화를 더 치른다. 이 모듈은 그 말을 숫자로 바꾸는 데 필요한
만큼만 한다. 서버 컨테이너에서 iperf3 서버를 띄우고, 클라이언트 컨테이너에서 같은 길을 여러 번 재어 낱낱의 값을
모두 돌려준다. 평균 하나로 줄이지 않는 까닭은 이 기계처럼 코어가 둘뿐인 곳에서는 잴 때마다 값이 크게 흔들리고,
그 흔들림도 읽을거리이기 때문이다.

재는 쪽은 실습 객체(:class:`~netlab.hosts.session.Lab`)의 ``sh``만 쓴다. 그래서 이 기계의 엔진, 클러스터 노드의
엔진, 랩 호스트의 손님 엔진 어디에 있는 컨테이너든 같은 코드로 잰다.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

#: 이 실습의 iperf3가 듣는 포트. 컨테이너 안에서만 들으므로 호스트의 포트와 겹치지 않는다.
IPERF_PORT = 5201
_RTT = re.compile(r"time=([\d.]+) ms")


class Runner(Protocol):
    """컨테이너 안에서 셸 명령을 실행하는 것 (실습 객체)."""

    def sh(self, container: Any, command: str, *, timeout: float = ...) -> Any: ...


class MeasureError(RuntimeError):
    """재기가 실패했다: iperf3나 ping이 답을 내지 못했다. 메시지에 명령의 출력이 들어 있다."""


@dataclass
class PathResult:
    """길 하나의 측정값. ``gbps``는 iperf3 한 번마다의 받은 쪽 처리량, ``rtt_ms``는 ping 하나하나의 왕복 시간."""

    name: str
    group: str
    gbps: list[float] = field(default_factory=list)
    rtt_ms: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median_gbps(self) -> float:
        return statistics.median(self.gbps)

    @property
    def median_rtt_ms(self) -> float:
        return statistics.median(self.rtt_ms)

    def row(self) -> list[str]:
        """표의 한 줄: 이름, 처리량의 가운데값과 범위, 왕복 시간의 가운데값과 범위(재지 않았으면 -)."""
        rtt = (
            [f"{self.median_rtt_ms:.3f}", f"{min(self.rtt_ms):.3f} ~ {max(self.rtt_ms):.3f}"]
            if self.rtt_ms
            else ["-", "-"]
        )
        return [self.name, f"{self.median_gbps:.2f}", f"{min(self.gbps):.2f} ~ {max(self.gbps):.2f}", *rtt, self.note]


#: :meth:`PathResult.row`의 열 이름
COLUMNS = ["길", "처리량 Gbit/s (가운데값)", "처리량 범위", "왕복 ms (가운데값)", "왕복 범위", "거치는 것"]


def iperf3_gbps(report: str) -> float:
    """``iperf3 -J``의 JSON에서 받은 쪽이 센 처리량(Gbit/s). 보낸 쪽 값은 소켓 버퍼에 쌓인 것까지 세므로 쓰지 않는다."""
    try:
        data = json.loads(report)
    except json.JSONDecodeError as exc:
        raise MeasureError(f"iperf3의 답이 JSON이 아니다: {report[:300]}") from exc
    if "error" in data:
        raise MeasureError(f"iperf3 오류: {data['error']}")
    return data["end"]["sum_received"]["bits_per_second"] / 1e9


def ping_rtts(output: str) -> list[float]:
    """ping 출력의 줄마다 적힌 왕복 시간(ms)."""
    return [float(value) for value in _RTT.findall(output)]


#: 서버의 기록. 받은 연결의 상대 주소(:func:`server_peers`)를 여기서 읽는다.
SERVER_LOG = "/tmp/netlab-iperf3.log"
_ACCEPTED = re.compile(r"Accepted connection from ([\d.]+), port \d+")


def start_server(lab: Runner, server: Any, *, port: int = IPERF_PORT, bind: str | None = None) -> None:
    """서버 컨테이너에서 iperf3 서버를 데몬으로 띄운다. 이미 떠 있으면 그대로 쓴다.

    ``bind``를 주면 그 주소에서만 듣는다. 호스트 네트워크 컨테이너에서 ``127.0.0.1``을 주면 호스트의 다른 주소에는
    포트를 열지 않는다.
    """
    where = f" -B {bind}" if bind else ""
    command = f"pgrep -x iperf3 >/dev/null || iperf3 -s -D -p {port}{where} --logfile {SERVER_LOG}"
    result = lab.sh(server, command)
    if not result.ok:
        raise MeasureError(f"iperf3 서버를 띄우지 못했다: {result.output}")


def server_peers(lab: Runner, server: Any) -> list[str]:
    """서버가 받은 iperf3 연결의 상대 주소들 (기록의 순서대로). 어느 길로 왔는지 가리는 데 쓴다."""
    return _ACCEPTED.findall(lab.sh(server, f"cat {SERVER_LOG} 2>/dev/null").output)


def measure(
    name: str,
    group: str,
    lab: Runner,
    client: Any,
    target: str,
    *,
    port: int = IPERF_PORT,
    seconds: int = 2,
    repeats: int = 3,
    pings: int = 20,
    note: str = "",
    client_lab: Runner | None = None,
) -> PathResult:
    """client에서 target(서버의 주소)으로 iperf3를 repeats번, ping을 pings번 보내 잰다.

    iperf3는 첫 1초를 버리고(``-O 1``, TCP 창이 자라는 동안) seconds초를 잰다. ping은 0.05초 간격이다.
    ``client_lab``은 클라이언트가 다른 엔진에 있을 때 그 엔진의 실습이다.
    """
    runner = client_lab or lab
    result = PathResult(name, group, note=note)
    for _ in range(repeats):
        run = runner.sh(client, f"iperf3 -c {target} -p {port} -t {seconds} -O 1 -J", timeout=seconds + 30)
        result.gbps.append(iperf3_gbps(run.output))
    if not pings:  # ping이 그 길을 지나지 않는 경우(게시 포트): 왕복 시간은 재지 않는다
        return result
    pinged = runner.sh(client, f"ping -c {pings} -i 0.05 -W 2 {target}", timeout=pings + 30)
    result.rtt_ms = ping_rtts(pinged.output)
    if len(result.rtt_ms) != pings:
        raise MeasureError(f"ping {pings}개 가운데 {len(result.rtt_ms)}개만 돌아왔다: {pinged.output[-300:]}")
    return result


def table_rows(results: Sequence[PathResult]) -> list[list[str]]:
    """:class:`netlab.show.Table`에 넣을 행."""
    return [r.row() for r in results]
