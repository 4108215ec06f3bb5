"""시간 측정 (``make bench``): 테스트가 아니라 기록이다. 결과는 표로 출력하고 _build/bench.json에 남긴다."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import netlab
from netlab.hosts import images

ROOT = Path(__file__).resolve().parent.parent


def timed(label: str, fn, results: dict[str, float]) -> None:
    started = time.monotonic()
    fn()
    results[label] = round(time.monotonic() - started, 2)
    print(f"{label:40} {results[label]:7.2f}초", flush=True)


def run_notebook(relative: str, *, keep_labhost: bool = False) -> None:
    """노트북 하나를 처음부터 끝까지 실행한다 (저장하지 않는다: ``refresh.py --dry-run``).

    ``keep_labhost`` 면 ``make test``처럼 랩 호스트를 노트북 사이에서 다시 쓴다(``NETLAB_LABHOST_KEEP=1``).
    """
    env = {**os.environ, "NETLAB_LABHOST_KEEP": "1"} if keep_labhost else None
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "refresh.py"), "--dry-run", str(ROOT / relative)],
        check=True,
        capture_output=True,
        env=env,
    )


# 랩 호스트의 손님 하나를 쓰는 절이 있는 노트북: make test 에서처럼 랩 호스트를 켜 둔 채 잰다
LABHOST_NOTEBOOKS = (
    "chapters/08-service-publishing.ipynb",
    "chapters/09-macvlan.ipynb",
    "chapters/13-load-balancing.ipynb",
    "chapters/16-troubleshooting.ipynb",
    "labs/06-troubleshooting.ipynb",
)


def bench_cluster(results: dict[str, float]) -> None:
    """3노드 클러스터를 새로 세우고, 다른 실습으로 그 스웜에 붙었다가 떠나고, 내린다."""
    from netlab.cluster import Cluster
    from netlab.hosts import attach

    owner = netlab.lab("test-cluster", summary=False, echo=False)
    Cluster.down(Cluster.up(owner, nodes=3, progress=False), quiet=True)  # 지난 실행이 남긴 것 없이 시작
    made: list[Cluster] = []
    timed("클러스터 세우기 (3노드, 새로)", lambda: made.append(Cluster.up(owner, nodes=3, progress=False)), results)
    manager = made[0].manager
    manager.client.ping()
    timed(
        "노드 API 호출 20번 (열린 연결, exec 터널)",
        lambda: [manager.client.networks.list() for _ in range(20)],
        results,
    )

    def reconnect_five_times() -> None:
        for _ in range(5):
            manager.close()
            manager.client.version()

    timed("노드 API 새 연결 5번 (터널 exec 하나씩)", reconnect_five_times, results)
    engines = {node.name: node.engine_url for node in made[0].nodes}
    guest = netlab.lab("test", summary=False, echo=False)
    joined: list[Cluster] = []
    timed("붙기 (attach, 도구 상자 셋)", lambda: joined.append(attach.attach(guest, engines, progress=False)), results)
    timed("떠나기 (attach의 down)", lambda: joined[0].down(quiet=True), results)
    timed("클러스터 내리기", lambda: made[0].down(quiet=True), results)
    guest.cleanup(quiet=True)
    owner.cleanup(quiet=True)


def bench_labhost(results: dict[str, float]) -> None:
    """랩 호스트(사용자 모드 리눅스): 이미지 빌드(레시피가 그대로면 확인만), 데이터 디스크, 부팅, 손님 안의 일."""
    from netlab import labhost
    from netlab.base.resources import cleanup

    quiet = lambda _line: None  # noqa: E731
    outer = netlab.engine.client()
    cleanup(outer, labhost.LAB)  # 떠 있는 랩 호스트와 데이터 디스크를 지우고 처음부터 잰다
    timed("랩 호스트 이미지 (빌드 또는 확인)", lambda: images.build("labhost", progress=quiet), results)
    made: list[labhost.LabHost] = []
    timed("랩 호스트 데이터 디스크 + 부팅 (새로)", lambda: made.append(labhost.LabHost.up(progress=quiet)), results)
    host = made[0]
    host.down()
    timed("랩 호스트 부팅 (디스크는 있을 때)", lambda: made.append(labhost.LabHost.up(progress=quiet)), results)
    host = made[1]
    timed("손님 엔진에서 능력 시험", lambda: netlab.capabilities._run_tests(host.client), results)
    timed(
        "손님 엔진에서 컨테이너 하나 (run, wait, rm)",
        lambda: host.client.containers.run(netlab.LAB_IMAGE, ["true"], remove=True, network_mode="none"),
        results,
    )
    # 손님 안에서 명령 하나의 값: exec마다 runc를 띄우는 길과, 떠 있는 셸 세션에 보내는 길 (netlab.shell_session)
    from netlab.hosts.shell_session import ShellSession
    from netlab.lab import container_sh

    guest_lab = netlab.lab("test", engine=host.client, summary=False, echo=False)
    toolbox = guest_lab.host.container
    timed("손님 도구 상자에서 exec로 명령 하나 (true)", lambda: container_sh(toolbox, "true"), results)
    with ShellSession(toolbox) as session:
        session.sh("true")  # 세션을 띄우는 값은 빼고 잰다
        timed("같은 도구 상자의 셸 세션에서 명령 하나 (true)", lambda: session.sh("true"), results)
    guest_lab.cleanup(quiet=True)
    timed("실습 7(랩 호스트) 전체 실행", lambda: run_notebook("labs/07-kernel-lab-host.ipynb"), results)
    host = labhost.LabHost.up(progress=quiet)  # 실습 7의 마지막 셀이 내렸다
    timed("둘째 손님 부팅 (첫 손님은 떠 있을 때)", lambda: host.add_guests(2, progress=quiet), results)
    timed("손님 둘의 스웜 만들기", lambda: host.form_swarm(2, progress=quiet), results)
    host.down()
    timed(
        "손님 둘 함께 부팅 (디스크는 있을 때)",
        lambda: made.append(labhost.LabHost.up(guests=2, progress=quiet)),
        results,
    )
    made[-1].down()
    timed("14장(보안, 랩 호스트의 두 노드 포함) 전체 실행", lambda: run_notebook("chapters/14-security.ipynb"), results)
    labhost.LabHost.up(progress=quiet)  # 아래 노트북들이 켜 둔 랩 호스트를 이어 쓴다 (부팅은 위에서 쟀다)
    try:
        for relative in LABHOST_NOTEBOOKS:
            timed(
                f"{Path(relative).stem} 전체 실행 (랩 호스트 켜 둠)",
                lambda r=relative: run_notebook(r, keep_labhost=True),
                results,
            )
    finally:
        labhost.LabHost.up(progress=quiet).down()


def main() -> int:
    """``python scripts/bench.py labhost``는 랩 호스트 부분만 잰다(약 20분). 인자가 없으면 전부다."""
    results: dict[str, float] = {}
    if sys.argv[1:] == ["labhost"]:
        bench_labhost(results)
        return _write(results)
    timed("이미지 최신 확인 (netlab images)", lambda: images.build("lab", progress=lambda _: None), results)
    lab = netlab.lab("test", summary=False, echo=False)
    timed("능력 시험 (probe, 캐시 없이)", lambda: netlab.capabilities._run_tests(), results)
    net = lab.network("bench", subnet=lab.subnet(2))
    timed("컨테이너 하나 만들고 시작", lambda: lab.container("bench", network=net), results)
    timed("도구 상자(host view) 시작", lambda: lab.host, results)
    lab.cleanup(quiet=True)
    env = {**os.environ, "DOCKER_HOST": "unix:///nonexistent.sock"}
    timed(
        "엔진 없을 때 첫 셀",
        lambda: subprocess.run(
            [sys.executable, "-c", "import netlab; netlab.lab('bridge')"], env=env, check=True, capture_output=True
        ),
        results,
    )
    timed("6장(브리지) 전체 실행", lambda: run_notebook("chapters/06-bridge.ipynb"), results)
    bench_cluster(results)
    bench_labhost(results)
    return _write(results)


def _write(results: dict[str, float]) -> int:
    out = ROOT / "_build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"기록: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
