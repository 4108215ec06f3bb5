"""모든 장과 실습이 같은 모양을 따르는지 (docs/authoring.md).

저장된 출력이 실제 실행의 기록인지도 여기서 확인할 수 있는 만큼 확인한다: 코드 셀마다 실행 번호가
있고, 실행 번호가 1부터 빠짐없이 이어지며(한 번의 실행에서 위에서 아래로 나온 출력), 오류 출력이 없다.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from netlab import addressing

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("labs/*.ipynb")])
LAB_CALL = re.compile(r"netlab\.lab\(\s*[\"']([\w-]+)[\"']")


def _load(path: Path):
    return nbformat.read(path, as_version=4)


def _code(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_title_has_korean_and_english(path):
    nb = _load(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    title = first.source.splitlines()[0]
    assert title.startswith("# "), f"{path.name}: 첫 줄은 '# 제목'이어야 한다"
    # 한국어 제목 뒤 괄호에 원문의 영어 제목 ("MACVLAN"처럼 한국어도 같은 이름인 장이 있다)
    assert re.search(r"\([A-Za-z].*\)\s*$", title), f"{path.name}: '한국어 제목 (English Heading)'이어야 한다"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_come_from_one_top_to_bottom_run(path):
    cells = _code(_load(path))
    if not cells:
        return  # 자리표시자나 글만 있는 장
    counts = [c.get("execution_count") for c in cells]
    assert all(isinstance(n, int) for n in counts), f"{path.name}: 실행되지 않은 코드 셀이 있다 (make refresh)"
    assert counts == list(range(1, len(cells) + 1)), f"{path.name}: 실행 번호가 한 번의 순서 실행이 아니다: {counts}"
    errors = [o for c in cells for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{path.name}: 저장된 출력에 오류가 있다"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lab_notebooks_start_with_setup_and_end_with_cleanup(path):
    cells = _code(_load(path))
    names = [m.group(1) for c in cells for m in LAB_CALL.finditer(c.source)]
    if not names:
        return  # 엔진 자원을 만들지 않는 노트북 (탐색기, 맺음말)
    assert LAB_CALL.search(cells[0].source), f"{path.name}: 첫 코드 셀이 netlab.lab(...)으로 준비해야 한다"
    assert all(name in addressing.BLOCKS for name in names), f"{path.name}: 등록되지 않은 실습 이름 {names}"
    # 정리는 lab.cleanup() 이거나, 랩 호스트를 쓴 노트북이면 스웜을 풀고 정리까지 하는 host.finish(lab) 다
    last = cells[-1].source
    assert "cleanup()" in last or ".finish(lab" in last, f"{path.name}: 마지막 코드 셀이 정리해야 한다"


CHAPTERS = sorted(ROOT.glob("chapters/*.ipynb"))
EXERCISES = re.compile(r"^## (?:[\d.]+ )?연습", re.MULTILINE)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_chapter_has_a_picture_and_exercises_with_solutions(path):
    """그림 한 장 이상(저장된 SVG 출력), 연습 문제 절, 접어 둔 풀이."""
    nb = _load(path)
    pictures = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/svg+xml" in (o.get("data") or {})
    ]
    assert pictures, f"{path.name}: 구성도(SVG 출력)가 하나도 없다"
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert EXERCISES.search(markdown), f"{path.name}: '## 연습 문제' 절이 없다"
    exercises = markdown[EXERCISES.search(markdown).start() :]
    numbered = re.findall(r"^\d+\. ", exercises, re.MULTILINE)
    assert len(numbered) >= 2, f"{path.name}: 연습 문제는 둘 이상이어야 한다"
    assert "```{dropdown} 풀이" in exercises, f"{path.name}: 풀이가 접힌 블록(dropdown)에 없다"
