"""본문 검사(scripts/lint_prose.py): 띄어 쓴 조사와 용어집과 다른 표기를 찾되, 글이 아닌 것은 건드리지 않는다.

엔진이 필요 없다. 짧은 문자열로 규칙 하나하나를 확인하고, 마지막으로 책 전체가 깨끗한지 본다.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("lint_prose", ROOT / "scripts" / "lint_prose.py")
assert _spec and _spec.loader
lint_prose = importlib.util.module_from_spec(_spec)
sys.modules["lint_prose"] = lint_prose
_spec.loader.exec_module(lint_prose)


def fixed(text: str) -> str:
    return lint_prose.check_markdown(text)[0]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("`docker0` 의 주소", "`docker0`의 주소"),
        ("MTU 는 1450 이다.", "MTU는 1450이다."),
        ("IP 와 MAC 과 VNI 를 본다", "IP와 MAC과 VNI를 본다"),
        ("{term}`내장 DNS` 로 푼다", "{term}`내장 DNS`로 푼다"),
        ("{doc}`6장 <06-bridge>` 에서 본다", "{doc}`6장 <06-bridge>`에서 본다"),
        (
            "[RFC 7348](https://www.rfc-editor.org/rfc/rfc7348) 에 있다",
            "[RFC 7348](https://www.rfc-editor.org/rfc/rfc7348)에 있다",
        ),
        ("`.13`(worker2) 으로 뜬다", "`.13`(worker2)으로 뜬다"),
        ('"바깥" 이 필요하다', '"바깥"이 필요하다'),
        ("**연결** 을 나눈다", "**연결**을 나눈다"),
        ("`web` 이 네트워크에 붙는다", "`web`이 네트워크에 붙는다"),
        ("`db` 라는 이름", "`db`라는 이름"),
        ("`running` 이라서, 문제가 없다", "`running`이라서, 문제가 없다"),
        ("L2 일 필요는 없다", "L2일 필요는 없다"),
        ("8080 번 포트와 50 바이트", "8080번 포트와 50바이트"),
        ("줄 끝의 `nlcnm-mvp`\n를 부모로 쓴다", "줄 끝의 `nlcnm-mvp`를\n부모로 쓴다"),
        (
            "```{admonition} `-p 8080:80` 의 순서\n:class: note\nMTU 는 크다\n```",
            "```{admonition} `-p 8080:80`의 순서\n:class: note\nMTU는 크다\n```",
        ),
    ],
)
def test_detached_particles_are_attached(before, after):
    assert fixed(before) == after
    assert lint_prose.check_markdown(before)[1], "고친 것은 보고도 해야 한다"


@pytest.mark.parametrize(
    "text",
    [
        "코드 조각 안: `MTU 는 1450 이다`",
        "```\nMTU 는 1450 이다\n```",
        "```text\n③ web 이 172.16.249.12:16379 로 연결\n```",
        "   ~~~python\n   x = 'IP 는'\n   ~~~",
        "주소는 https://example.test/a 로 연다",
        "수식 $x$ 는 건드리지 않는다",
        "<kbd>Ctrl</kbd> 을 누른다",
        "|---|---|",
        "도커 엔진 이 장에서 본다",  # 한국어 낱말 뒤의 '이' 는 관형사일 수 있다
        "VLAN 이더넷 프레임",  # '이' 로 시작하는 낱말
        "MACVLAN 인터페이스",  # '인' 으로 시작하는 낱말
        "**`docker_gwbridge`** 를 거친다",  # 붙이면 CommonMark 가 굵은 글씨를 닫지 못한다
        "TCP 7946 줄은 보이지 않는다",  # '줄' 은 단위로 보지 않는다
        "아래 IPv6 절에서 한다",  # 6 은 낱말의 일부
        "**네트워크를 붙이는** 일을 한다",  # 명사 '일'
        "```{admonition} 제목\n:class: 이\n```",  # 지시문의 옵션 줄
        "이미 `docker0`의 주소, MTU는 1450이다.",
    ],
)
def test_what_is_not_prose_or_already_attached_is_left_alone(text):
    assert lint_prose.check_markdown(text) == (text, [])


def test_code_span_that_crosses_a_line_is_still_code():
    text = "먼저 `Pool overlaps\nwith other one` 으로 거절한다. 그 안의 `a\nb 는` 은 코드다."
    assert fixed(text) == "먼저 `Pool overlaps\nwith other one`으로 거절한다. 그 안의 `a\nb 는`은 코드다."


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("VXLAN 머리를 붙인다", "VXLAN 헤더를 붙인다"),
        ("재시도와 상태 확인으로 견딘다", "재시도와 상태 검사로 견딘다"),
        ("건강 검사가 없는 부하 분산기", "상태 검사가 없는 부하 분산기"),
        ("DNS 라운드로빈(dnsrr)", "DNS 라운드로빈(dnsrr)"),
        ("단독 컨테이너의 외부 접근", "독립 실행 컨테이너의 외부 접근"),
        ("eBPF 로 데이터 평면을 바꾼", "eBPF로 데이터 플레인을 바꾼"),
        ("로드 밸런서, DNS 서버", "부하 분산기, DNS 서버"),
        ("둘째 32비트 낱말을 읽는다", "둘째 32비트 워드를 읽는다"),
    ],
)
def test_variants_take_the_glossary_spelling(before, after):
    assert fixed(before) == after


@pytest.mark.parametrize(
    "text",
    [
        "7장의 첫머리에 적었다",
        "문서의 머리글을 읽는다",
        "HTTP/2의 연결 머리말을 보낸다",
        "오류 메시지의 마지막 낱말을 본다",
        "`머리`는 코드다",
    ],
)
def test_words_that_only_look_like_variants_are_left_alone(text):
    assert lint_prose.check_markdown(text) == (text, [])


def test_every_variant_points_to_a_spelling_that_is_not_itself_a_variant():
    for right in lint_prose.VARIANTS.values():
        assert not any(wrong in right for wrong in lint_prose.VARIANTS), right


def test_fix_changes_only_markdown_sources_of_a_notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 제목\n\nMTU 는 1450 이다."),
        nbformat.v4.new_code_cell("print('MTU 는 1450 이다')", execution_count=1),
    ]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="nl-bridge-c2 이라는\n")]
    path = tmp_path / "a.ipynb"
    nbformat.write(nb, path)
    found = lint_prose.check_file(path)
    assert [(f.cell, f.finding.line) for f in found] == [(0, 3), (0, 3)]
    lint_prose.check_file(path, fix=True)
    after = nbformat.read(path, as_version=4)
    assert after.cells[0].source == "# 제목\n\nMTU는 1450이다."
    assert after.cells[0].id == nb.cells[0].id
    assert after.cells[1] == nb.cells[1], "코드 셀과 출력은 그대로여야 한다"
    assert lint_prose.check_file(path) == []


def test_the_book_is_clean():
    found = lint_prose.run(lint_prose.default_paths())
    assert not found, "\n".join(str(item) for item in found[:20]) + "\n(scripts/lint_prose.py --fix)"


def test_code_cells_and_outputs_are_checked_but_not_fixed(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("check(ok, 'web 을 본다')  # 데이터 평면", execution_count=1)]
    nb.cells[0].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="✔ nlbbh-v1가 있다\nVNI 4098를 붙인다\neth0은 켜져 있다\n")
    ]
    path = tmp_path / "a.ipynb"
    nbformat.write(nb, path)
    found = [(item.cell, item.finding.kind, item.finding.fixed) for item in lint_prose.check_code_cells(path)]
    assert found == [
        (0, "조사", "web을"),
        (0, "표기", "데이터 플레인"),
        (0, "짝", "nlbbh-v1이"),
        (0, "짝", "4098을"),
    ]
    lint_prose.run([path], fix=True)
    assert nbformat.read(path, as_version=4) == nb, "코드 셀과 출력은 고치지 않는다"
