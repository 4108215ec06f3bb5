"""엔진이 없을 때(Binder 같은 곳): 멈추지 않고, 한국어로 무엇이 없는지 말하고, 트레이스백 벽이 없다."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "chapters" / "06-bridge.ipynb"
UNREACHABLE = ["unix:///nonexistent/docker.sock", "tcp://127.0.0.1:9"]


def _first_code_cell() -> str:
    nb = nbformat.read(CHAPTER, as_version=4)
    return next(c.source for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("docker_host", UNREACHABLE)
def test_first_cell_explains_missing_engine_quickly(docker_host):
    env = {**os.environ, "DOCKER_HOST": docker_host}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", _first_code_cell()], env=env, capture_output=True, text=True, timeout=60
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert "도커 엔진에 연결할 수 없다" in result.stdout
    assert docker_host in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert elapsed < 30, f"엔진이 없을 때 {elapsed:.0f}초나 걸렸다"


def test_whole_chapter_without_engine_shows_short_korean_messages(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", UNREACHABLE[0])
    nb = nbformat.read(CHAPTER, as_version=4)
    client = NotebookClient(
        nb, timeout=60, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(CHAPTER.parent)}}
    )
    client.execute()
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    texts = []
    for cell in code_cells:
        for out in cell.outputs:
            texts.append(out.get("text", "") + "".join(out.get("traceback", [])) + str(out.get("data", "")))
    joined = "\n".join(texts)
    assert "도커 엔진에 연결할 수 없다" in joined
    assert "Traceback" not in joined and "---------" not in joined, "엔진 없음이 트레이스백으로 보이면 안 된다"
    for cell in code_cells[1:]:
        said = "".join(out.get("text", "") for out in cell.outputs)
        assert "EngineUnavailable" in said or "(엔진 없음)" in said, f"설명 없이 끝난 셀: {cell.source[:60]}"
