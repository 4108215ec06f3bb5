"""PDF 책(make pdf)을 읽어 한글, 차례, 그림이 제대로 들어갔는지 확인한다.

``make pdf`` 가 책을 빌드한 뒤 이 시험을 돌린다. PDF 가 없으면 ``tests/conftest.py`` 가 이 모듈을 모으지 않는다
(``make test`` 는 PDF 를 만들지 않는다). 다른 곳에 만든 PDF 는 ``BOOK_PDF`` 환경 변수로 준다.

- 쪽 수가 책 한 권으로 말이 되는가.
- 첫 몇 쪽과 첫 그림 쪽을 PNG 로 찍어 ``_build/screenshots/pdf-*.png`` 에 남긴다(눈으로 보는 용도).
- 첫 쪽에 책 제목이 있고, 모든 장 제목이 ``_toc.yml`` 의 순서로 PDF 책갈피(차례)에 한 번, pdftotext 로 뽑은
  본문의 글에 한 번 나온다.
- XeLaTeX 로그에 ``Missing character`` 가 없다. XeTeX 는 글꼴에 없는 글자를 빈 네모(tofu)조차 그리지 않고
  빠뜨리므로, 한글이나 기호가 빠졌는지는 로그로만 알 수 있다.
- 노트북에 저장된 SVG 그림이 하나도 빠짐없이 PDF 의 그림(Form XObject)으로 들어갔다.
- 위젯은 PDF 에 없다. 위젯 객체의 repr(``NetworkInspector(children=(...``)이 글로 새어 나오지 않는다.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[1]
PDF = Path(os.environ.get("BOOK_PDF", ROOT / "_build" / "latex" / "docker-network-design.pdf"))
LOG = PDF.with_suffix(".log")
SHOTS = ROOT / "_build" / "screenshots"
BOOK_TITLE = "도커 컨테이너 네트워크 설계 실습서"
FIRST_PAGES = 4


@pytest.fixture(autouse=True, scope="module")
def _pdf_exists() -> None:
    # conftest 는 PDF 가 없으면 이 모듈을 모으지 않는다. 그래도 파일 이름으로 직접 부르면 여기서 멈춘다.
    if not PDF.is_file():
        pytest.fail(f"PDF 가 없다: {PDF} (make pdf 가 만든다)")


def _run(*cmd: str) -> str:
    if shutil.which(cmd[0]) is None:
        pytest.fail(f"{cmd[0]} 이 없다: poppler-utils 가 필요하다 (scripts/ensure-tex.sh)")
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


@cache
def _pages_text() -> tuple[str, ...]:
    """쪽마다의 글. pdftotext 는 쪽 사이에 폼 피드(\\f)를 넣는다."""
    return tuple(_run("pdftotext", "-enc", "UTF-8", str(PDF), "-").split("\f"))


@cache
def _pictures() -> dict[int, tuple[int, ...]]:
    """쪽 번호(1부터)마다 그 쪽에 놓인 그림의 객체 번호. 그림은 rsvg-convert 가 SVG 에서 만든 PDF 를
    LaTeX 가 넣은 것으로, PDF 안에서는 Form XObject 가 된다. 본문의 글과 상자는 XObject 를 쓰지 않는다."""
    pictures = {}
    for number, page in enumerate(PdfReader(PDF).pages, start=1):
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        forms = tuple(ref.idnum for ref in xobjects.values() if ref.get_object().get("/Subtype") == "/Form")
        if forms:
            pictures[number] = forms
    return pictures


def _squeeze(text: str) -> str:
    # 줄 바꿈 자리에 따라 공백이 생기거나 사라지므로(한글은 음절 사이에서도 줄을 바꾼다) 공백을 모두 뺀다.
    # 하이픈도 뺀다: 차례에서는 영어 낱말이 줄 끝에서 나뉘고(Microser-vices), Sphinx 는 제목의 '-' 를
    # 줄을 바꾸지 않는 하이픈(U+2011)으로 조판한다.
    return re.sub(r"[\s\-\u2011]+", "", text)


def _heading(path: Path) -> str:
    """문서의 첫 '# ' 제목. PDF 의 장 제목은 이것이다(_toc.yml 의 title 은 HTML 옆 막대에만 쓰인다)."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        lines = [
            line for cell in cells if cell["cell_type"] == "markdown" for line in "".join(cell["source"]).splitlines()
        ]
    else:
        lines = path.read_text(encoding="utf-8").splitlines()
    return next(line[2:].strip() for line in lines if line.startswith("# "))


def _chapter_titles() -> list[str]:
    """_toc.yml 의 차례대로 각 장(노트북, 마크다운)의 제목."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    titles = []
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            path = ROOT / chapter["file"]
            path = next(p for p in (path.with_suffix(".ipynb"), path.with_suffix(".md")) if p.exists())
            titles.append(_heading(path))
    return titles


def _stored_svgs() -> set[str]:
    """노트북에 저장된 SVG 그림들(내용이 같으면 하나: 같은 파일이라 PDF 에도 한 번만 들어간다)."""
    svgs = set()
    for notebook in sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("labs/*.ipynb")]):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                svg = output.get("data", {}).get("image/svg+xml")
                if svg:
                    svgs.add("".join(svg) if isinstance(svg, list) else svg)
    return svgs


def test_page_count_is_a_book() -> None:
    info = _run("pdfinfo", str(PDF))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    assert "A4" in info or "595.28 x 841.89" in info, info
    # 장 18개, 실습 8개, 부록 둘: 장마다 몇 쪽은 된다. 수천 쪽이면 출력이 한 글자씩 줄을 바꾸는 따위의 고장이다.
    assert 200 <= pages <= 1500, f"쪽 수가 이상하다: {pages}"
    assert pages == len(_pages_text()) - 1  # 마지막 폼 피드 뒤는 빈 문자열


def test_first_pages_and_a_picture_page_as_png() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("pdf-*.png"):
        old.unlink()
    _run("pdftoppm", "-png", "-r", "80", "-f", "1", "-l", str(FIRST_PAGES), str(PDF), str(SHOTS / "pdf"))
    picture = min(_pictures())
    _run(
        "pdftoppm",
        "-png",
        "-r",
        "80",
        "-f",
        str(picture),
        "-l",
        str(picture),
        "-singlefile",
        str(PDF),
        str(SHOTS / "pdf-picture"),
    )
    shots = sorted(SHOTS.glob("pdf-*.png"))
    assert len(shots) == FIRST_PAGES + 1, shots
    # 빈 쪽의 PNG 는 3 KB 남짓이다. 제목 쪽과 그림 쪽은 글과 그림이 있어 훨씬 크다.
    for shot in (shots[0], SHOTS / "pdf-picture.png"):
        assert shot.stat().st_size > 10_000, f"{shot.name} 이 비어 보인다 ({shot.stat().st_size} 바이트)"


def _is_toc_page(text: str) -> bool:
    # 차례 쪽은 제목과 쪽 번호 사이를 점으로 잇는다. pdftotext 는 그 점들을 ". . . ." 로 옮긴다.
    return text.count(". . . . .") >= 3


def test_title_and_chapter_titles_in_order() -> None:
    pages = _pages_text()
    assert _squeeze(BOOK_TITLE) in _squeeze(pages[0]), f"첫 쪽에 책 제목이 없다: {pages[0][:200]!r}"
    titles = _chapter_titles()
    assert len(titles) == 28, titles
    # 차례(PDF 책갈피의 맨 윗단계): 들어가며의 절들 뒤로 장 제목이 _toc.yml 의 순서로 있다
    outline = [_squeeze(item.title) for item in PdfReader(PDF).outline if not isinstance(item, list)]
    at = 0
    for title in titles:
        assert _squeeze(title) in outline[at:], f"책갈피(차례)에서 '{title}' 을 앞 장 뒤에서 찾지 못했다"
        at = outline.index(_squeeze(title), at) + 1
    # 본문: 차례 쪽을 빼고, 장 제목이 같은 순서로 나온다. 차례 쪽에서는 쪽 번호가 제목 사이에 끼기도 한다.
    toc_pages = [number for number, page in enumerate(pages, start=1) if _is_toc_page(page)]
    assert toc_pages and toc_pages[0] <= 5, f"차례 쪽을 찾지 못했다: {toc_pages[:5]}"
    assert toc_pages == list(range(toc_pages[0], toc_pages[-1] + 1)), f"차례 쪽이 이어져 있지 않다: {toc_pages}"
    body = "".join(_squeeze(page) for page in pages[toc_pages[-1] :])
    position = 0
    for title in titles:
        found = body.find(_squeeze(title), position)
        assert found >= 0, f"본문에서 '{title}' 을 앞 장 뒤에서 찾지 못했다"
        position = found + 1


def test_korean_glyphs_are_all_there() -> None:
    text = "".join(_pages_text())
    hangul = sum("가" <= ch <= "힣" for ch in text)
    assert hangul > 100_000, f"한글 음절이 {hangul} 자뿐이다"
    assert "\ufffd" not in text, "PDF 글에 대체 문자(U+FFFD)가 있다: 깨진 UTF-8"
    assert LOG.exists(), f"XeLaTeX 로그가 없다: {LOG}"
    log = LOG.read_text(encoding="utf-8", errors="replace")
    missing = sorted(set(re.findall(r"Missing character: There is no (.) \((U\+[0-9A-F]+)\) in font ([^/!]+)", log)))
    assert not missing, f"글꼴에 없어 빠진 글자 (_config.yml 의 latex_elements 에서 글꼴을 정한다): {missing}"
    fonts = _run("pdffonts", str(PDF)).splitlines()[2:]
    not_embedded = [line for line in fonts if line.split()[-5] != "yes"]
    assert not not_embedded, f"PDF 에 넣지 않은 글꼴: {not_embedded}"


def test_every_stored_picture_is_in_the_pdf() -> None:
    stored = len(_stored_svgs())
    assert stored > 0
    pictures = _pictures()
    assert pictures, "그림이 있는 쪽이 하나도 없다 (SVG 를 PDF 로 바꾸지 못했나? rsvg-convert)"
    placed = {form for forms in pictures.values() for form in forms}
    assert len(placed) == stored, f"노트북의 SVG 그림 {stored} 개 가운데 PDF 에 든 것은 {len(placed)} 개"


def test_widgets_do_not_leak_as_text() -> None:
    text = "".join(_pages_text())
    leaks = sorted(set(re.findall(r"\b[A-Z]\w+\(children=\(", text)))
    assert not leaks, f"위젯 객체의 repr 이 PDF 에 찍혔다: {leaks}"
