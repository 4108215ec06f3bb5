"""Sphinx 용 한국어 검색 언어 (``html_search_language = "ko"``).

Sphinx 에는 한국어 검색 언어가 없어서, 기본값으로 돌리면 ``컨테이너를`` 같은 어절이
통째로 색인되고 ``컨테이너`` 로 찾으면 그 쪽이 나오지 않는다. 이 확장은 다음을 한다.

* 낱말 나누기: 글자·숫자·밑줄 묶음을 다시 한글 묶음과 한글이 아닌 묶음으로 나눈다
  (``Docker를`` → ``Docker``, ``를``).
* 한국어 어간: 어절 끝의 조사·서술격 조사·``하다`` 활용 어미를 긴 것부터 떼어 낸다.
  음운 조건(받침 유무)을 보고, 떼고 남는 어간이 두 음절보다 짧아지면 떼지 않는다.
  떼어 낸 결과에 다시 같은 규칙을 적용한다(``서버에서도`` → ``서버에서`` → ``서버``).
* 영어: 소문자로 바꾼 뒤 a–z 로만 된 낱말에 Sphinx 영어 검색과 같은 Porter 어간 추출을 쓴다.
* 조사만 홀로 남은 낱말(``를``, ``에서`` …)과 영어 불용어는 색인하지 않는다.
* 노트북의 HTML 출력(표)은 태그 자리를 낱말 경계로 읽는다. Sphinx 는 raw HTML 의 태그를 빈 문자열로
  지워서 ``<td>브리지</td><td>노드</td>`` 가 ``브리지노드`` 한 낱말이 되었다 (:func:`html_text`).
* 검색 결과의 순위와 요약은 ``korean_search_scorer.js`` 가 정한다. ``html_search_scorer`` 로 넣는다.

브라우저 쪽 규칙은 ``korean_search.js`` 에 있고, 조사 표는 이 모듈의 표를 JSON 으로 넘겨
쓰므로 색인과 질의가 어긋나지 않는다. 두 구현이 같은 결과를 내는지는
``tests/test_korean_search.py`` 가 ``node`` 로 확인한다.
"""

from __future__ import annotations

import functools
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import snowballstemmer
from docutils import nodes
from sphinx.search import IndexBuilder, SearchLanguage
from sphinx.search.en import english_stopwords, js_porter_stemmer

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = ["SearchKorean", "html_text", "split_words", "stem_korean", "stem_word"]

_VERSION: Final = "1.1"
_JS_PATH: Final = Path(__file__).with_name("korean_search.js")
#: 검색 결과의 순위와 요약 (``html_search_scorer``). language_data.js 의 어간 추출기 뒤에 들어간다.
SCORER_PATH: Final = Path(__file__).with_name("korean_search_scorer.js")

# 완성형 한글 음절 범위와 받침 번호 (받침 없음 0, ㄹ 받침 8)
SYLLABLE_FIRST: Final = 0xAC00
SYLLABLE_LAST: Final = 0xD7A3
_FINAL_NONE: Final = 0
_FINAL_RIEUL: Final = 8

# 한글로 보는 코드 포인트 범위: 자모, 호환 자모, 확장 자모, 완성형 음절
HANGUL_RANGES: Final[tuple[tuple[int, int], ...]] = (
    (0x1100, 0x11FF),
    (0x3130, 0x318F),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7A3),
    (0xD7B0, 0xD7FF),
)

# 떼고 남는 어간의 최소 음절 수. "망을" 처럼 한 음절 명사는 건드리지 않는다.
MIN_STEM: Final = 2

# 조건: 앞 음절(어간의 마지막 음절)에 대한 음운 조건
ANY: Final = "any"  # 아무 음절 뒤
FINAL: Final = "final"  # 받침 있는 음절 뒤 (을, 은, 이, 과, 으로 …)
OPEN: Final = "open"  # 받침 없는 음절 뒤 (를, 는, 가, 와 …)
OPEN_OR_L: Final = "open_or_l"  # 받침 없거나 ㄹ 받침 뒤 (로, 로서, 로써)

_SUFFIX_TABLE: Final[dict[str, tuple[str, ...]]] = {
    # 격 조사·보조사: 받침을 가리지 않는 것, 서술격 조사 '입니다',
    # 명사 + 하다/되다 동사의 흔한 활용
    ANY: tuple(
        """
        의 에 에서 에게 께서 한테 도 만 까지 부터 처럼 보다 마다 조차 밖에 만큼 대로
        입니다
        하다 한다 하는 하고 하여 해서 하면 하며 했다 합니다 했습니다 하지 하기 해야
        된다 되는 되어 되고 되면 되며 됩니다 됐다
        """.split()
    ),
    # 받침 뒤의 조사와 서술격 조사(이다)의 활용. 받침 없는 음절 뒤의 '이다' 는 떼지 않는다:
    # '게이트웨이라는' 을 '게이트웨+이라는' 으로 잘못 자르지 않으려는 것이다.
    FINAL: tuple("을 은 이 과 으로 으로서 으로써 이나 이랑 이다 이며 이고 이라 이라는 이라고 이지만".split()),
    OPEN: tuple("를 는 가 와 랑".split()),
    OPEN_OR_L: tuple("로 로서 로써".split()),
}

# (접미사, 조건) 목록, 긴 것부터. 길이가 같으면 가나다 순으로 고정한다.
KOREAN_SUFFIXES: Final[tuple[tuple[str, str], ...]] = tuple(
    sorted(
        ((suffix, cond) for cond, group in _SUFFIX_TABLE.items() for suffix in group),
        key=lambda item: (-len(item[0]), item[0]),
    )
)

# 조사·어미만 홀로 남은 낱말은 색인하지 않는다 (브라우저에서는 질의에서 뺀다).
KOREAN_STOPWORDS: Final[frozenset[str]] = frozenset(s for s, _ in KOREAN_SUFFIXES)

_HANGUL_CLASS: Final = "".join(f"{chr(a)}-{chr(b)}" for a, b in HANGUL_RANGES)
_WORD_RE: Final = re.compile(r"\w+")
_RUN_RE: Final = re.compile(f"[{_HANGUL_CLASS}]+|[^{_HANGUL_CLASS}]+")
_ASCII_LETTERS_RE: Final = re.compile(r"[a-z]+")

_porter = snowballstemmer.stemmer("porter")


def _is_hangul_word(word: str) -> bool:
    """완성형 한글 음절로만 된 낱말인가."""
    return bool(word) and all(SYLLABLE_FIRST <= ord(ch) <= SYLLABLE_LAST for ch in word)


def _condition_holds(condition: str, last_syllable: str) -> bool:
    final = (ord(last_syllable) - SYLLABLE_FIRST) % 28
    if condition == FINAL:
        return final != _FINAL_NONE
    if condition == OPEN:
        return final == _FINAL_NONE
    if condition == OPEN_OR_L:
        return final in (_FINAL_NONE, _FINAL_RIEUL)
    return True


def _longest_suffix(word: str) -> tuple[str, str] | None:
    for suffix, condition in KOREAN_SUFFIXES:
        if len(word) > len(suffix) and word.endswith(suffix):
            return suffix, condition
    return None


def stem_korean(word: str) -> str:
    """한글 어절에서 조사·어미를 떼어 낸다.

    가장 긴 접미사 하나만 본다. 그 접미사의 조건이 맞지 않거나 남는 어간이
    ``MIN_STEM`` 음절보다 짧으면 거기서 멈춘다(더 짧은 접미사로 다시 시도하지 않는다).
    """
    while True:
        found = _longest_suffix(word)
        if found is None:
            return word
        suffix, condition = found
        rest = word[: -len(suffix)]
        if len(rest) < MIN_STEM or not _condition_holds(condition, rest[-1]):
            return word
        word = rest


def stem_word(word: str) -> str:
    """색인과 질의에 쓰는 어간. 브라우저의 ``Stemmer.stemWord`` 와 같다."""
    lowered = word.lower()
    if _is_hangul_word(lowered):
        return stem_korean(lowered)
    if _ASCII_LETTERS_RE.fullmatch(lowered):
        return _porter.stemWord(lowered)
    return lowered


def split_words(text: str) -> list[str]:
    """본문을 낱말로 나눈다. 브라우저의 ``splitQuery`` 와 같다."""
    return [run for token in _WORD_RE.findall(text) for run in _RUN_RE.findall(token)]


# 글자 모양만 바꾸는 인라인 요소. 낱말 한가운데에 걸릴 수 있으므로 경계로 보지 않는다.
# 그 밖의 모든 태그(표 칸, 행, 문단, 목록, 줄 바꿈 …)는 낱말 경계다.
_INLINE_TAGS: Final = frozenset(
    "a abbr b bdi bdo cite code data dfn em font i kbd mark q s samp small span strong sub sup time tt u var".split()
)
# 안의 글자가 본문이 아닌 요소
_SKIP_TAGS: Final = frozenset({"script", "style", "template"})


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """HTML 조각의 글자. 표 칸·문단 같은 요소의 경계는 빈칸이 되고, 문자 참조(``&lt;``)는 글자로 푼다.

    Sphinx 7.4 의 색인기는 raw HTML 의 태그를 빈 문자열로 지운다(``re.sub(r'<[^<]+?>', '', …)``).
    그러면 표의 머리줄 ``<th>브리지</th><th>노드</th>…`` 가 ``브리지노드네트워크범위서브넷`` 한 낱말로 색인된다.
    """
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def _readable_raw_html(doctree: nodes.document) -> nodes.document:
    """raw HTML 노드의 글자를 :func:`html_text` 로 바꾼 사본. 색인에만 쓰고, 쪽의 HTML 은 그대로다."""
    copy = doctree.deepcopy()
    for raw in list(copy.findall(nodes.raw)):
        if "html" in raw.get("format", "").split():
            # 색인기가 이 글자에 다시 태그 지우기(<...>)를 하므로 '<' 는 남기지 않는다.
            # 낱말 글자가 아니라 잃는 것은 없다.
            text = html_text(raw.astext()).replace("<", " ")
            raw.replace_self(nodes.raw("", text, format=raw["format"]))
    return copy


# 모듈을 다시 불러와도 두 겹으로 감싸지 않도록 Sphinx 의 원래 함수를 찾아 둔다
_original_word_collector = getattr(IndexBuilder._word_collector, "__wrapped__", IndexBuilder._word_collector)


@functools.wraps(_original_word_collector)
def _word_collector(self: IndexBuilder, doctree: nodes.document) -> Any:
    """``IndexBuilder._word_collector`` 를 감싼다. 한국어 색인일 때만 raw HTML 을 제대로 읽은 사본을 넘긴다."""
    if isinstance(self.lang, SearchKorean):
        doctree = _readable_raw_html(doctree)
    return _original_word_collector(self, doctree)


def _js_rules() -> dict[str, Any]:
    return {
        "hangulRanges": [list(r) for r in HANGUL_RANGES],
        "syllableFirst": SYLLABLE_FIRST,
        "syllableLast": SYLLABLE_LAST,
        "minStem": MIN_STEM,
        "suffixes": [list(item) for item in KOREAN_SUFFIXES],
    }


def build_js_code() -> str:
    """language_data.js 에 들어갈 코드: 한국어 규칙 + Sphinx 의 Porter 어간 추출기."""
    factory = _JS_PATH.read_text(encoding="utf-8")
    rules = json.dumps(_js_rules(), ensure_ascii=True)
    return (
        f"{factory}\n"
        "var KoreanSearch = koreanSearchFactory(\n"
        f"  {rules},\n"
        f"  (function () {{\n{js_porter_stemmer}\n  return Stemmer;\n  }})()\n"
        ");\n"
        "var Stemmer = KoreanSearch.Stemmer;\n"
        "var splitQuery = KoreanSearch.splitQuery;\n"
    )


class SearchKorean(SearchLanguage):
    """한국어 검색 언어. ``app.add_search_language`` 로 ``ko`` 에 등록한다."""

    lang = "ko"
    language_name = "Korean"
    stopwords = set(english_stopwords) | set(KOREAN_STOPWORDS)
    js_stemmer_rawcode = ""
    js_stemmer_code = build_js_code()
    # splitQuery 는 js_stemmer_code 안에서 정의한다. 여기에 두면 템플릿이 HTML 이스케이프를 한다.
    js_splitter_code = ""

    def split(self, input: str) -> list[str]:
        return split_words(input)

    def stem(self, word: str) -> str:
        return stem_word(word)

    def word_filter(self, word: str) -> bool:
        return bool(word) and word not in self.stopwords


def _use_scorer(app: Sphinx, config: Config) -> None:
    # 책이 따로 고른 scorer 가 있으면 그것을 쓴다. Sphinx 는 이 경로를 작업 폴더 기준으로 열므로 절대 경로로 준다.
    if (config.html_search_language or config.language or "").startswith("ko") and not config.html_search_scorer:
        config.html_search_scorer = str(SCORER_PATH)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_search_language(SearchKorean)
    # 색인기의 낱말 모으기: 표 칸 사이를 낱말 경계로 (html_text). 한 번만 감싼다.
    IndexBuilder._word_collector = _word_collector  # type: ignore[method-assign]
    app.connect("config-inited", _use_scorer)
    return {
        "version": _VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
