"""경합을 찾는 반복 실행 (``make soak``): 바쁜 기계에서 노트북을 여러 번 nbval로 돌린다.

한가한 기계에서 통과하는 셀도 두 코어가 모두 바쁘면 실패할 수 있다. 스웜의 가십, 매니저의 할당기,
서버의 기동이 늦어지기 때문이다. 이 스크립트는 코어마다 하나씩 CPU를 태우는 프로세스를 띄워 두고,
고른 노트북을 차례로 ``ROUNDS`` 번 돌린 뒤 노트북마다 실행 수, 실패 수, 가장 느린 실행을 표로 보여 준다.

- 테스트가 아니라 검사 도구다. ``make test``에 들어 있지 않다 (다섯 바퀴에 한 시간 반쯤 걸린다).
- 부하 프로세스는 부모가 사라지면 스스로 끝난다: 이 스크립트가 ``kill -9``로 죽어도 남지 않는다.
- 중간에 멈추면(Ctrl-C, SIGTERM) 돌던 nbval을 끝내고, 돈 노트북의 실습 자원을 라벨로 지운다.
  독자의 다른 실습이나 자원은 건드리지 않는다.

    python scripts/soak.py [--rounds 5] [--no-load] [노트북 ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: 여러 노드의 상태가 퍼지기를 기다리는 노트북들: 가십, 매니저의 할당기, 태스크 배치가 모두 비동기다.
#: 한 바퀴가 부하 아래에서 20분쯤 걸린다. 한 엔진의 노트북(16장, 실습 6 등)은 이름을 주어 더한다.
DEFAULT_NOTEBOOKS = [
    "chapters/04-control-plane.ipynb",
    "chapters/07-overlay.ipynb",
    "chapters/08-service-publishing.ipynb",
    "chapters/11-physical-network.ipynb",
    "chapters/12-service-discovery.ipynb",
    "chapters/13-load-balancing.ipynb",
    "chapters/14-security.ipynb",
    "labs/04-pets-overlay.ipynb",
    "labs/05-multihost-bridge.ipynb",
]
NBVAL = ["--nbval", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "--nbval-cell-timeout=300"]
#: 부하 프로세스: 부모(이 스크립트)가 살아 있는 동안만 CPU를 태운다.
BURN = """\
import os, time
parent = os.getppid()
while os.getppid() == parent:
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        pass
"""


@dataclass
class Record:
    notebook: str
    runs: int = 0
    failures: int = 0
    slowest: float = 0.0
    failed_cells: list[str] = field(default_factory=list)


def lab_name(notebook: Path) -> str | None:
    """노트북의 첫 ``netlab.lab("이름")``에서 실습 이름을 읽는다 (중단 뒤 정리할 범위)."""
    match = re.search(r'netlab\.lab\(\\?"([\w-]+)\\?"', notebook.read_text(encoding="utf-8"))
    return match.group(1) if match else None


def start_load(cores: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(cores)]


def stop(processes: list[subprocess.Popen]) -> None:
    for proc in processes:
        if proc.poll() is None:
            proc.terminate()
    for proc in processes:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def run_once(notebook: str) -> tuple[bool, float, list[str]]:
    """nbval로 한 번 돌린다: (통과했는가, 걸린 초, 실패한 셀 이름들)."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *NBVAL, notebook],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # 멈출 때 커널까지 한꺼번에 끝내려고 자기 프로세스 그룹에 둔다
    )
    try:
        out, _ = proc.communicate()
    except BaseException:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
        raise
    failed = sorted(set(re.findall(r"^FAILED \S+::(Cell \d+)", out, re.M)))
    if proc.returncode != 0:
        log = ROOT / "_build" / "soak" / f"{Path(notebook).stem}-{int(time.time())}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(out, encoding="utf-8")
        failed.append(f"기록: {log.relative_to(ROOT)}")
    return proc.returncode == 0, time.monotonic() - started, failed


def clean(labs: set[str]) -> None:
    for name in sorted(labs):
        subprocess.run([sys.executable, "-m", "netlab", "clean", "--lab", name], cwd=ROOT, check=False)


def leftovers(labs: set[str]) -> list[str]:
    """이 실습들의 라벨이 붙은 채 남은 컨테이너, 네트워크, 볼륨."""
    import docker

    from netlab.base.resources import LABEL_LAB

    client = docker.from_env()
    found = []
    for name in sorted(labs):
        flt = {"label": f"{LABEL_LAB}={name}"}
        found += [f"컨테이너 {c.name}" for c in client.containers.list(all=True, filters=flt)]
        found += [f"네트워크 {n.name}" for n in client.networks.list(filters=flt)]
        found += [f"볼륨 {v.name}" for v in client.volumes.list(filters=flt)]
    return found


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM도 Ctrl-C처럼 다룬다: 정리하는 길은 하나다."""
    raise KeyboardInterrupt


def _width(text: str) -> int:
    """화면에서 차지하는 칸 수: 한글은 두 칸이다."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def table(records: list[Record]) -> str:
    """마크다운 표: 노트북, 실행, 실패, 가장 느린 실행 (닫는 노트에 그대로 붙인다)."""
    rows = [["노트북", "실행", "실패", "가장 느린 실행"]]
    rows += [[r.notebook, str(r.runs), str(r.failures), f"{r.slowest:.0f}초"] for r in records]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("ROUNDS", "5")))
    parser.add_argument("--no-load", action="store_true", help="CPU 부하 없이 돌린다")
    parser.add_argument("notebooks", nargs="*", default=DEFAULT_NOTEBOOKS)
    args = parser.parse_args(argv)
    missing = [nb for nb in args.notebooks if not (ROOT / nb).is_file()]
    if missing or args.rounds < 1:
        print(f"없는 노트북: {missing}" if missing else "--rounds는 1 이상이다", file=sys.stderr)
        return 2
    records = [Record(nb) for nb in args.notebooks]
    labs = {name for nb in args.notebooks if (name := lab_name(ROOT / nb))}
    signal.signal(signal.SIGTERM, _interrupt)
    load = [] if args.no_load else start_load(os.cpu_count() or 2)
    started = time.monotonic()
    interrupted = False
    print(f"부하: {'없음' if args.no_load else f'CPU를 태우는 프로세스 {len(load)}개'}, {args.rounds}바퀴", flush=True)
    try:
        for round_no in range(1, args.rounds + 1):
            for record in records:
                ok, seconds, failed = run_once(record.notebook)
                record.runs += 1
                record.slowest = max(record.slowest, seconds)
                if not ok:
                    record.failures += 1
                    record.failed_cells += failed
                mark = "통과" if ok else f"실패 {', '.join(failed)}"
                print(f"[{round_no}/{args.rounds}] {record.notebook}: {mark} ({seconds:.0f}초)", flush=True)
    except KeyboardInterrupt:
        interrupted = True
        print("\n멈춤: 돌던 노트북을 끝내고 이 노트북들의 실습 자원을 지운다.", flush=True)
    finally:
        stop(load)
        clean(labs)
    left = leftovers(labs)
    print()
    print(table(records))
    total = sum(r.failures for r in records)
    print(f"\n실패 {total}번, 걸린 시간 {(time.monotonic() - started) / 60:.1f}분, 남은 실습 자원: {left or '없음'}")
    for r in records:
        for cell in r.failed_cells:
            print(f"  {r.notebook}: {cell}")
    out = ROOT / "_build" / "soak.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps([r.__dict__ for r in records], ensure_ascii=False, indent=1), encoding="utf-8")
    return 130 if interrupted else (1 if total or left else 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
