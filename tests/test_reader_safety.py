"""독자의 자원은 어떤 실습, 재실행, 정리 뒤에도 살아남는다.

라벨이 없는 컨테이너, 네트워크, 볼륨을 '독자의 것'으로 만들어 두고, 본보기 장(브리지)을
두 번 연달아 실행한 뒤 ``python -m netlab clean``까지 해도 그대로인지 확인한다.
두 번째 실행은 첫 실행이 남긴 상태(있다면)에서 출발하므로 재실행 안전성도 함께 확인된다.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from netlab.base.resources import LABEL_BOOK

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "chapters" / "06-bridge.ipynb"


def _run_notebook(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors


def test_reader_resources_survive_two_runs_and_clean(engine):
    reader_net = engine.networks.create("reader-own-net", driver="bridge")
    reader_vol = engine.volumes.create("reader-own-vol")
    reader_box = engine.containers.run(
        "netlab/lab:bookworm", ["sleep", "infinity"], name="reader-own-box", detach=True, network="reader-own-net"
    )
    try:
        _run_notebook(CHAPTER)
        _run_notebook(CHAPTER)
        done = subprocess.run([sys.executable, "-m", "netlab", "clean"], capture_output=True, text=True, check=True)
        assert "지웠다" in done.stdout
        reader_box.reload()
        assert reader_box.status == "running", "독자의 컨테이너가 멈추거나 지워지면 안 된다"
        assert engine.networks.get(reader_net.id).name == "reader-own-net"
        assert engine.volumes.get("reader-own-vol").name == "reader-own-vol"
        leftovers = engine.containers.list(all=True, filters={"label": f"{LABEL_BOOK}=docker-network-design"})
        assert not [c.name for c in leftovers if not c.name.startswith("nl-test")], "정리 뒤에 실습 컨테이너가 남았다"
    finally:
        reader_box.remove(force=True)
        reader_net.remove()
        reader_vol.remove(force=True)
