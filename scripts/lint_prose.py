"""책 본문의 띄어 쓴 조사와 용어집에 없는 표기를 찾고, --fix 로 고친다.

이 책의 문체 규칙은 조사를 앞말에 붙여 쓰는 것이다(`docker0`의, MTU는). 그런데 영어 낱말이나 숫자나
코드 뒤에서는 조사를 띄어 쓰는 버릇이 쉽게 끼어든다. 띄어 쓴 조사는 검색 색인(`_ext/korean_search.py`)이
어절을 나눌 때도 홀로 남아 버려지므로, 읽기에만 어색한 것이 아니다. 같은 용어를 여러 표기로 적는 일도
마찬가지라서(헤더와 머리, 데이터 플레인과 데이터 평면), 용어집(`appendix/glossary.md`)의 표기 하나로 모은다.

검사 대상은 장과 실습 노트북의 마크다운 셀, `intro.md`, `appendix/*.md`, `README.md`, `docs/*.md` 다.
코드 셀과 저장된 출력은 보지 않는다. 마크다운 안에서도 코드 블록, 코드 조각, 수식, 주소(URL), HTML 태그,
지시문의 옵션 줄(`:class:`), 표의 정렬 줄은 글이 아니므로 건드리지 않는다.

    .venv/bin/python scripts/lint_prose.py           # 찾기만 한다. 찾은 것이 있으면 종료 코드 1
    .venv/bin/python scripts/lint_prose.py --fix     # 그 자리에서 고친다
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent

# 앞말에 붙여 써야 하는 조사(와 서술격 조사의 활용형). 긴 것부터 맞춰 보아야 `이라는` 이 `이` 로 잘리지 않는다.
PARTICLES: tuple[str, ...] = tuple(
    sorted(
        set(
            """
            의 은 는 이 가 을 를 과 와 로 으로 에 에서 에게 도 만 까지 부터 처럼 보다 마다 이나 나 이든
            이다 이고 이며 이면 이라 라 이라는 라는 이란 란 으로써 로써 으로서 로서 과의 와의 과는 와는
            에는 에도 에서는 에서도 에서의 으로는 로는 까지는 부터는 만의 에게는 이지만 지만 뿐 인
            이라고 라고 이라면 라면 이라서 라서 이므로 이어야 이어서
            """.split()
        ),
        key=lambda p: (-len(p), p),
    )
)

# 숫자 뒤에 붙여 쓰는 단위 명사(4789번, 50바이트). 뒤에 조사나 `씩` 이 붙어도 된다(200개의, 두 개씩).
# '줄' 은 넣지 않는다: "TCP 7946 줄" 은 7946 을 세는 말이 아니라 그 포트의 줄이다.
COUNTERS: tuple[str, ...] = ("번째", "번", "개", "대", "바이트", "비트", "초", "분", "년", "명", "회", "장", "절", "배")

# 용어집의 표기(오른쪽)와 본문에 섞여 든 다른 표기(왼쪽). 책에서 실제로 같은 뜻으로 쓰인 것만 적는다.
VARIANTS: dict[str, str] = {
    # 패킷과 파일의 header. 용어집은 'VXLAN 헤더', '호스트 헤더' 로 쓴다. 첫머리, 머리말은 다른 낱말이다.
    "머리": "헤더",
    # 용어집: 데이터 플레인, 관리 플레인, 컨트롤 플레인
    "데이터 평면": "데이터 플레인",
    "관리 평면": "관리 플레인",
    "제어 평면": "컨트롤 플레인",
    # 용어집: DNS 라운드로빈. IPVS 와 nginx 의 round robin 도 같은 낱말이므로 함께 붙여 쓴다.
    "라운드 로빈": "라운드로빈",
    # 용어집: 암호화된 오버레이 (encrypted overlay)
    "암호화 오버레이": "암호화된 오버레이",
    # 용어집: 독립 실행 컨테이너 (standalone container)
    "단독 컨테이너": "독립 실행 컨테이너",
    # health check. 용어집의 '상태 검사' 항목을 따른다.
    "건강 검사": "상태 검사",
    "상태 점검": "상태 검사",
    "상태 확인": "상태 검사",
    # 용어집: 부하 분산기 (IPVS 는 4계층 부하 분산기)
    "로드 밸런서": "부하 분산기",
    "로드밸런서": "부하 분산기",
    # 기계의 32비트 word. '낱말' 은 말의 단위로만 쓴다(오류 메시지의 마지막 낱말).
    "비트 낱말": "비트 워드",
}
# 왼쪽 표기로 시작하지만 다른 뜻인 낱말(머리말은 preface, 머리글은 문서의 머리글이다)
VARIANT_EXCEPTIONS: tuple[str, ...] = ("머리말", "머리글")

HANGUL = "가-힣"
# 조사 뒤에 올 수 있는 것: 공백, 문장 부호, 닫는 괄호, 강조 표시, 줄 끝
_AFTER = r"(?=[\s.,;:!?()\[\]{}\"'’”…·*_~]|$)"
_DETACHED = re.compile(r"(?P<prev>[A-Za-z0-9)\]`\"”*]) (?P<particle>" + "|".join(PARTICLES) + ")" + _AFTER)
# 수는 낱말 하나 전체여야 한다("IPv6 절" 의 6 은 수가 아니다). "1 대 1" 처럼 뒤에 수가 오면 단위가 아니다.
_COUNTER = re.compile(
    r"(?:^|(?<=[\s(~\[]))(?:\d[\d,.]*)?(?P<prev>\d) (?P<particle>"
    + "|".join(COUNTERS)
    + ")(?=(?:"
    + "|".join(PARTICLES)
    + "|씩)?"
    + _AFTER
    + r")(?![ \t]\d)"
)
# 받침 없는 말 뒤에서 '이다' 가 줄어든 '다'(포트는 4789다.). 부사 '다'(모두)와 가르려고 문장 끝에서만 본다.
_COPULA_DA = re.compile(r"(?P<prev>[A-Za-z0-9)\]`\"”*]) (?P<particle>다)(?=[.!?]|$)")
# 서술격 조사 '이다' 의 '일'(L2일 필요는, `-`일 수도). 홀로 쓰인 명사 '일'(…하는 일)과 가르려고 뒷말을 본다.
_COPULA_IL = re.compile(r"(?P<prev>[A-Za-z0-9)\]`\"”*]) (?P<particle>일)(?= (?:수|때|필요|경우|것|뿐|리))")
_LEADING = re.compile(r"^(?P<indent>[ \t]*)(?P<particle>" + "|".join(PARTICLES) + ")" + _AFTER + r"(?P<space>[ \t]*)")
_LINE_END_WORD = re.compile(r"[A-Za-z0-9)\]`\"”]$")

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>`{3,}|~{3,})(?P<info>.*)$")
_TICKS = re.compile(r"`+")
_OPTION = re.compile(r"^[ \t]*:[\w-]+:([ \t]|$)")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
# 다음 줄로 이어지지 않는 줄: 제목, 표의 행
_NO_CONTINUATION = re.compile(r"^[ \t]*(#{1,6} |\|)")

# 본문이 글인 지시문. 나머지(```text, ```python, ```{code-cell} …)는 코드로 보고 건드리지 않는다.
PROSE_DIRECTIVES = frozenset(
    """admonition note tip hint important warning caution attention danger error seealso dropdown glossary
    figure topic sidebar margin epigraph card tab-item div""".split()
)

_MASKS = (
    re.compile(r"(?P<ticks>`+).+?(?P=ticks)"),  # 코드 조각과 역할의 내용({term}`…`)
    re.compile(r"\$\$.+?\$\$"),  # 줄 안의 수식
    re.compile(r"(?<![\\$\w])\$(?=\S)[^$\n]+?(?<=\S)\$(?![\d$])"),
    re.compile(r"<?https?://[^\s)>]+>?"),  # 주소
    re.compile(r"\]\([^)\s]*\)"),  # 링크의 대상
    re.compile(r"</?[A-Za-z][^<>\n]*>|<!--.*?-->"),  # HTML 태그
)


@dataclass(frozen=True)
class Finding:
    """고칠 곳 하나. line 은 마크다운 조각 안에서 1부터 센 줄 번호다."""

    line: int
    kind: str  # "조사", "단위", "짝" 또는 "표기"
    found: str
    fixed: str

    def message(self) -> str:
        """사람이 읽는 한 줄."""
        label = {"조사": "띄어 쓴 조사", "단위": "숫자와 띄어 쓴 단위", "짝": "앞말의 소리와 맞지 않는 조사"}.get(
            self.kind, "용어집과 다른 표기"
        )
        return f"{label}: '{self.found}' → '{self.fixed}'"


def _masked(line: str, carry: str = "") -> tuple[list[tuple[int, int]], str]:
    """글이 아닌 부분(코드 조각, 수식, 주소, 태그)의 [시작, 끝) 구간과, 다음 줄로 이어지는 코드 조각의 역따옴표.

    코드 조각은 줄바꿈을 건너 이어질 수 있다(`carry` 는 윗줄에서 열린 역따옴표 묶음). 닫히지 않은 채 문단이
    끝나면 CommonMark 는 그 역따옴표를 글자로 보지만, 그런 곳은 조사를 고칠 자리가 아니므로 가린 채로 둔다.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    if carry:
        close = re.search(rf"(?<!`){carry}(?!`)", line)
        if close is None:
            return [(0, len(line))], carry
        spans.append((0, close.end()))
        start = close.end()
    for pattern in _MASKS:
        for m in pattern.finditer(line, start):
            if not any(s <= m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    carry = ""
    for m in _TICKS.finditer(line, start):
        if _inside(m.start(), spans) is None:
            spans.append((m.start(), len(line)))
            carry = m.group()
            break
    return sorted(spans), carry


def _inside(pos: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    """pos 를 덮는 가린 구간. 조사 앞의 글자가 코드 조각의 닫는 역따옴표인지 가리는 데도 쓴다."""
    for start, end in spans:
        if start <= pos < end:
            return start, end
    return None


def _closing_ok(line: str, prev: int, spans: list[tuple[int, int]]) -> bool:
    """조사 앞의 글자가 붙여 써도 되는 '낱말의 끝' 인가.

    코드 조각 안의 글자는 닫는 역따옴표일 때만 된다. 따옴표는 닫는 따옴표여야 하고, 강조(`**굵게**`)는 그 안의
    마지막 글자가 문장 부호가 아닐 때만 붙인다: `**상태(SA)**를` 처럼 문장 부호 뒤에서 끝난 강조에 글자를 바로
    붙이면 CommonMark 가 그 `**` 를 닫는 표시로 읽지 않아 굵은 글씨가 깨진다.
    """
    ch = line[prev]
    span = _inside(prev, spans)
    if span is not None:
        ends_here = span[1] == prev + 1
        return ends_here and (ch == "`" or (ch == ")" and line[span[0]] == "]"))
    if ch in '"”':
        if prev == 0:
            return False
        before = line[prev - 1]
        return before == "`" or (not before.isspace() and _inside(prev - 1, spans) is None)
    if ch == "*":
        start = prev
        while start > 0 and line[start - 1] == "*":
            start -= 1
        if start == 0:
            return False
        before = line[start - 1]
        return not before.isspace() and (before.isalnum() or "가" <= before <= "힣")
    return True


def _prose_lines(text: str) -> Iterator[tuple[int, int, bool]]:
    """줄마다 (줄 번호, 건너뛸 앞부분의 길이, 글인가). 코드 블록, 지시문의 옵션 줄, 표의 정렬 줄은 글이 아니다.

    글인 지시문(```{admonition} 제목)의 제목은 글로 본다: 여는 줄에서 `}` 까지를 건너뛴다.
    """
    stack: list[tuple[str, bool]] = []  # (닫는 표시, 안이 글인가)
    at_directive_top = False
    for number, line in enumerate(text.split("\n"), start=1):
        fence = _FENCE.match(line)
        in_prose = all(prose for _, prose in stack)
        if fence:
            mark, info = fence["mark"], fence["info"].strip()
            if stack and mark[0] == stack[-1][0][0] and len(mark) >= len(stack[-1][0]) and not info:
                stack.pop()
                at_directive_top = False
                yield number, 0, False
                continue
            if in_prose:
                directive = re.match(r"\{([\w-]+)\}", info)
                prose = bool(directive and directive[1] in PROSE_DIRECTIVES)
                stack.append((mark, prose))
                at_directive_top = prose
                if prose and directive:
                    yield number, line.index("}") + 1, True
                else:
                    yield number, 0, False
                continue
        if not in_prose:
            yield number, 0, False
            continue
        if at_directive_top and _OPTION.match(line):
            yield number, 0, False
            continue
        at_directive_top = False
        yield number, 0, not _TABLE_RULE.match(line)


def _variant_hits(line: str, spans: list[tuple[int, int]]) -> Iterator[tuple[int, str, str]]:
    """(위치, 다른 표기, 용어집 표기). 한글 바로 뒤에서 시작하는 것은 다른 낱말의 일부다(첫머리)."""
    for wrong, right in VARIANTS.items():
        for m in re.finditer(rf"(?<![{HANGUL}]){re.escape(wrong)}", line):
            if _inside(m.start(), spans) or any(line.startswith(e, m.start()) for e in VARIANT_EXCEPTIONS):
                continue
            yield m.start(), wrong, right


def _has_batchim(ch: str) -> bool:
    """한글 음절에 받침이 있는가. 표기를 바꾸면 뒤의 조사(을/를, 이/가)가 달라질 수 있어서 본다."""
    return "가" <= ch <= "힣" and (ord(ch) - 0xAC00) % 28 != 0


_PAIRS = {"을": "를", "은": "는", "이": "가", "과": "와", "으로": "로", "이나": "나", "이라는": "라는"}


def _agree(word: str, rest: str) -> str:
    """표기를 바꾼 뒤 바로 붙은 조사를 새 낱말의 받침에 맞춘다(낱말을 → 워드를)."""
    for full, short in _PAIRS.items():
        for a, b in ((full, short), (short, full)):
            if rest.startswith(a) and (len(rest) == len(a) or not "가" <= rest[len(a)] <= "힣"):
                want = full if _has_batchim(word[-1]) else short
                if a != want and b == want:
                    return want + rest[len(a) :]
    return rest


def _fix_line(line: str, carry: str = "") -> tuple[str, list[tuple[str, str, str]], str]:
    """한 줄을 고친 것, 고친 것들 (종류, 원래, 고친 것), 다음 줄로 이어지는 코드 조각의 역따옴표."""
    changes: list[tuple[str, str, str]] = []
    spans, carry_out = _masked(line, carry)
    for start, wrong, right in sorted(_variant_hits(line, spans), reverse=True):
        end = start + len(wrong)
        tail = _agree(right, line[end:])
        changes.append(("표기", line[start : end + 4].rstrip(), (right + tail[:4]).rstrip()))
        line = line[:start] + right + tail
    if changes:
        spans, _ = _masked(line, carry)
    cuts: list[int] = []
    for kind, pattern in (("조사", _DETACHED), ("조사", _COPULA_IL), ("조사", _COPULA_DA), ("단위", _COUNTER)):
        for m in pattern.finditer(line):
            space = m.start("particle") - 1
            if space in cuts or _inside(space, spans) or _inside(m.start("particle"), spans):
                continue
            if not _closing_ok(line, m.start("prev"), spans):
                continue
            cuts.append(space)
            word = line[max(0, space - 12) : space].split(" ")[-1]
            changes.append((kind, f"{word} {m['particle']}", f"{word}{m['particle']}"))
    cuts.sort()
    for space in reversed(cuts):
        line = line[:space] + line[space + 1 :]
    return line, changes, carry_out


def _joins_next(line: str, spans: list[tuple[int, int]], carry: str) -> bool:
    """이 줄의 끝 낱말에 다음 줄 첫머리의 조사를 붙여도 되는가(줄바꿈 하나는 빈칸으로 보인다)."""
    if carry or not _LINE_END_WORD.search(line) or _NO_CONTINUATION.match(line) or _FENCE.match(line):
        return False
    last = len(line) - 1
    return (_inside(last, spans) is None or line.endswith("`")) and _closing_ok(line, last, spans)


def check_markdown(text: str) -> tuple[str, list[Finding]]:
    """마크다운 조각 하나를 고친 글과 찾은 것들. 고칠 것이 없으면 같은 글을 돌려준다."""
    lines = text.split("\n")
    findings: list[Finding] = []
    layout = list(_prose_lines(text))
    carry = ""
    for index, (number, head, prose) in enumerate(layout):
        if not prose or not lines[index].strip():
            carry = ""
            continue
        # 건너뛸 앞부분(지시문 이름)은 공백으로 가려 검사하고, 고친 뒤 원래대로 되돌린다
        original = lines[index]
        fixed, changes, carry_next = _fix_line(" " * head + original[head:], carry)
        if changes:
            lines[index] = original[:head] + fixed[head:]
            findings += [Finding(number, kind, found, to) for kind, found, to in changes]
        here = " " * head + lines[index][head:]
        spans, _ = _masked(here, carry)
        following = index + 1 < len(lines) and layout[index + 1][2]
        lead = _LEADING.match(lines[index + 1]) if following else None
        if lead and _joins_next(here, spans, carry_next):
            particle = lead["particle"]
            word = here.split(" ")[-1][-12:]
            lines[index] += particle
            lines[index + 1] = lead["indent"] + lines[index + 1][lead.end("space") :]
            findings.append(Finding(number + 1, "조사", f"{word}⏎{particle}", f"{word}{particle}"))
        carry = carry_next
    return "\n".join(lines), findings


@dataclass(frozen=True)
class Located:
    """파일 안의 위치가 붙은 Finding."""

    path: Path
    cell: int | None
    finding: Finding

    def __str__(self) -> str:
        where = f"{self.path.relative_to(ROOT)}" if self.path.is_relative_to(ROOT) else str(self.path)
        if self.cell is not None:
            where += f":셀 {self.cell}"
        return f"{where}:{self.finding.line}: {self.finding.message()}"


def default_paths() -> list[Path]:
    """검사 대상: 장과 실습 노트북, 머리말, 부록, 그리고 관리자가 읽는 README 와 docs."""
    return sorted(
        [
            *ROOT.glob("chapters/*.ipynb"),
            *ROOT.glob("labs/*.ipynb"),
            ROOT / "intro.md",
            *ROOT.glob("appendix/*.md"),
            ROOT / "README.md",
            *ROOT.glob("docs/*.md"),
        ]
    )


def check_file(path: Path, fix: bool = False) -> list[Located]:
    """파일 하나를 검사하고, fix 이면 마크다운만 고쳐 그 자리에 쓴다.

    노트북은 nbformat 으로 읽고 써서 셀 id, 메타데이터, 코드 셀, 출력이 그대로 남는다(읽고 다시 쓴 것이
    원래와 바이트 단위로 같은 것을 확인해 두었다). 바뀐 것이 없으면 파일을 쓰지 않는다.
    """
    found: list[Located] = []
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        changed = False
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "markdown":
                continue
            fixed, findings = check_markdown(cell.source)
            found += [Located(path, index, f) for f in findings]
            if fixed != cell.source:
                cell.source = fixed
                changed = True
        if fix and changed:
            nbformat.write(nb, path)
        return found
    text = path.read_text(encoding="utf-8")
    fixed, findings = check_markdown(text)
    if fix and fixed != text:
        path.write_text(fixed, encoding="utf-8")
    return [Located(path, None, f) for f in findings]


# 코드 셀의 글(문자열과 주석)과 저장된 출력: 독자는 셀의 메시지도 글로 읽는다. 수로 끝나는 말 뒤의 조사는
# 읽는 소리가 정해져 있으므로(1 일, 0 영, 9 구) 짝이 맞는지도 본다. 틀에서 만든 조사는 netlab.josa 로 고른다.
_ATTACHED_AFTER_NUMBER = re.compile(
    # '이(가)'처럼 두 꼴을 함께 적은 것은 짝을 고르지 않은 것이므로 건너뛴다
    r"(?P<word>(?<![\w.:/-])[A-Za-z0-9_.:/-]*\d)(?P<particle>으로|로|이|가|은|는|을|를|과|와)(?!\()" + _AFTER
)


def _code_text_findings(text: str, *, agreement: bool) -> list[Finding]:
    """코드나 출력의 줄마다 띄어 쓴 조사와 용어집과 다른 표기, (agreement 이면) 수 뒤 조사의 짝을 찾는다."""
    from netlab.base.korean import particle as agreeing  # 책의 도우미가 고르는 것과 같은 규칙

    findings: list[Finding] = []
    for number, line in enumerate(text.split("\n"), start=1):
        for m in _DETACHED.finditer(line):
            word = line[max(0, m.start() - 11) : m.start() + 1].split(" ")[-1].lstrip("'\"`(")
            findings.append(Finding(number, "조사", f"{word} {m['particle']}", f"{word}{m['particle']}"))
        for start, wrong, right in _variant_hits(line, []):
            findings.append(Finding(number, "표기", line[start : start + len(wrong) + 6], right))
        if agreement:
            for m in _ATTACHED_AFTER_NUMBER.finditer(line):
                want = agreeing(m["word"], m["particle"])
                if want != m["particle"]:
                    findings.append(Finding(number, "짝", m.group(), m["word"] + want))
    return findings


def check_code_cells(path: Path) -> list[Located]:
    """노트북의 코드 셀(문자열과 주석)과 저장된 출력(표준 출력, text/plain)을 검사한다. 고치지는 않는다.

    코드는 손으로 고치고(틀 안의 조사는 ``josa``), 출력은 make refresh 로 다시 기록해야 고쳐진다.
    """
    if path.suffix != ".ipynb":
        return []
    found: list[Located] = []
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        found += [Located(path, index, f) for f in _code_text_findings(cell.source, agreement=False)]
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            found += [Located(path, index, f) for f in _code_text_findings(text, agreement=True)]
    return found


def run(paths: Iterable[Path], fix: bool = False) -> list[Located]:
    """모든 파일의 결과를 모은다. 코드 셀과 출력의 것은 고칠 수 없으므로 --fix 뒤에도 남는다."""
    found = [item for path in paths for item in check_file(path, fix=fix)]
    return found + [item for path in paths for item in check_code_cells(path)]


def main(argv: list[str] | None = None) -> int:
    """make lint 가 부른다. 찾은 것이 있으면 1 을 돌려주어 빌드를 멈춘다(--fix 는 고치고 0)."""
    parser = argparse.ArgumentParser(description="띄어 쓴 조사와 용어집과 다른 표기를 찾는다.")
    parser.add_argument("paths", nargs="*", type=Path, help="검사할 파일 (기본: 장, 실습, intro.md, 부록)")
    parser.add_argument("--fix", action="store_true", help="찾은 것을 그 자리에서 고친다")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.paths] or default_paths()
    found = run(paths, fix=args.fix)
    for item in found:
        print(item)
    if args.fix:
        print(f"{len(found)}곳을 고쳤다.")
        return 0
    if found:
        print(f"{len(found)}곳: scripts/lint_prose.py --fix 로 고칠 수 있다.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
