"""한국어 검색 확장(_ext/korean_search.py)의 시험.

* 파이썬 어간 추출기와 낱말 나누기의 단위 시험
* 같은 낱말 목록을 node 로 브라우저용 JS 에 넣어 파이썬과 결과가 같은지 확인
* 작은 Sphinx 프로젝트를 만들어 searchindex.js 에 어간이 들어가는지 확인
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXT_DIR = ROOT / "_ext"
sys.path.insert(0, str(EXT_DIR))

import korean_search as ks  # noqa: E402

# 색인과 질의에서 모두 쓰일 만한 낱말 모음 (JS 비교에도 쓴다)
WORDS: list[str] = """
컨테이너를 컨테이너 컨테이너가 컨테이너는 컨테이너의 컨테이너와 컨테이너로 컨테이너에서
컨테이너에게 컨테이너까지 컨테이너부터 컨테이너처럼 컨테이너보다 컨테이너에서도 컨테이너로는
컨테이너입니다 네트워크 네트워크를 네트워크의 네트워크에 네트워크만
서브넷이 서브넷을 서브넷은 서브넷과 서브넷으로 서브넷이다
브리지 브리지로 프로토콜로 게이트웨이 게이트웨이가 게이트웨이이며 게이트웨이라는 게이트웨이입니다 컨테이너이다
망을 망 값이 키를
결과 추가 길이 경로 경로로 속도 주의 정의
실행한다 실행하는 실행했습니다 설정하고 연결된다 격리되어
를 에서 이다
Docker docker Containers networking bridge iptables eth0 veth NAT 192 8080 macvlan _internal
""".split()

TEXTS: list[str] = [
    "Docker를 설치하고 컨테이너를 실행한다.",
    "bridge 네트워크(docker0)에서 eth0에 IP 172.17.0.2가 붙는다.",
    "user-defined 네트워크의 DNS는 127.0.0.11:53이다",
    "포트8080번을 열었습니다; veth쌍이 생긴다",
    "ㄱㄴ 한글자모와 Ünïcode café",
]


# ---------------------------------------------------------------- 파이썬 어간


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("컨테이너를", "컨테이너"),
        ("컨테이너", "컨테이너"),
        ("컨테이너에서도", "컨테이너"),
        ("컨테이너로는", "컨테이너"),
        ("컨테이너입니다", "컨테이너"),
        ("네트워크의", "네트워크"),
        ("서브넷이", "서브넷"),
        ("서브넷으로", "서브넷"),
        ("서브넷이다", "서브넷"),
        ("프로토콜로", "프로토콜"),
        ("게이트웨이가", "게이트웨이"),
        ("실행한다", "실행"),
        ("실행했습니다", "실행"),
        ("설정하고", "설정"),
        ("연결된다", "연결"),
    ],
)
def test_stem_strips_particles(word: str, stem: str) -> None:
    assert ks.stem_word(word) == stem


@pytest.mark.parametrize(
    "word",
    [
        "망을",  # 남는 어간이 한 음절
        "값이",
        "게이트웨이",  # '이' 는 받침 뒤에서만 조사
        "게이트웨이라는",  # '게이트웨+이라는' 으로 자르지 않는다
        "컨테이너이다",  # 받침 없는 음절 뒤의 '이다' 는 그대로 둔다
        "길이",  # 어간 '길' 이 한 음절
        "경로",  # '로' 는 받침(ㅇ) 뒤에서는 조사가 아니다
        "결과",
        "추가",
        "속도",
        "주의",
        "를",
        "에서",
    ],
)
def test_stem_is_conservative(word: str) -> None:
    assert ks.stem_word(word) == word


def test_stem_phonological_conditions() -> None:
    # 을/를, 이/가, 은/는, 과/와, 으로/로 는 앞 음절의 받침으로 고른다
    assert ks.stem_word("서브넷를") == "서브넷를"
    assert ks.stem_word("컨테이너을") == "컨테이너을"
    assert ks.stem_word("서브넷가") == "서브넷가"
    assert ks.stem_word("컨테이너과") == "컨테이너과"
    assert ks.stem_word("경로로") == "경로"  # 받침 없는 '로' 뒤의 '로'


def test_query_and_page_forms_share_stem() -> None:
    base = ks.stem_word("컨테이너")
    for form in ["컨테이너를", "컨테이너가", "컨테이너의", "컨테이너에서", "컨테이너입니다"]:
        assert ks.stem_word(form) == base


def test_stem_latin_words() -> None:
    assert ks.stem_word("Docker") == "docker"
    assert ks.stem_word("Containers") == ks.stem_word("container") == "contain"
    assert ks.stem_word("networking") == "network"
    assert ks.stem_word("ETH0") == "eth0"  # 숫자가 섞이면 소문자로만
    assert ks.stem_word("8080") == "8080"


def test_suffix_table_is_longest_first() -> None:
    lengths = [len(s) for s, _ in ks.KOREAN_SUFFIXES]
    assert lengths == sorted(lengths, reverse=True)
    assert len({s for s, _ in ks.KOREAN_SUFFIXES}) == len(ks.KOREAN_SUFFIXES)
    required = "를 을 는 은 이 가 의 에 에서 에게 으로 로 와 과 도 만 까지 부터 처럼 보다 이다 입니다 이며 하고"
    for particle in required.split():
        assert particle in ks.KOREAN_STOPWORDS


# ---------------------------------------------------------------- 낱말 나누기


def test_split_separates_scripts() -> None:
    assert ks.split_words("Docker를 설치하고") == ["Docker", "를", "설치하고"]
    assert ks.split_words("eth0에 IP 172.17.0.2가") == "eth0 에 IP 172 17 0 2 가".split()
    assert ks.split_words("user-defined 네트워크(docker0)") == "user defined 네트워크 docker0".split()
    assert ks.split_words("my_net를") == ["my_net", "를"]
    assert ks.split_words("") == []


def test_search_language_class() -> None:
    lang = ks.SearchKorean({})
    assert lang.lang == "ko"
    assert lang.split("컨테이너를 실행한다") == ["컨테이너를", "실행한다"]
    assert lang.stem("컨테이너를") == "컨테이너"
    assert lang.word_filter("컨테이너")
    assert not lang.word_filter("를")
    assert not lang.word_filter("the")
    assert lang.js_splitter_code == ""
    assert "koreanSearchFactory" in lang.js_stemmer_code
    assert "var splitQuery" in lang.js_stemmer_code


# ---------------------------------------------------------------- HTML 출력의 글자


def test_html_text_separates_table_cells() -> None:
    table = "<table><tr><th>브리지</th><th>노드</th></tr><tr><td>bridge</td><td>local</td></tr></table>"
    assert ks.split_words(ks.html_text(table)) == ["브리지", "노드", "bridge", "local"]


def test_html_text_keeps_inline_markup_inside_a_word() -> None:
    assert ks.split_words(ks.html_text("<p><code>docker0</code>의 주소</p>")) == ["docker0", "의", "주소"]
    assert ks.split_words(ks.html_text("<p><b>컨</b>테이너를<br>실행</p>")) == ["컨테이너를", "실행"]


def test_html_text_skips_scripts_and_decodes_entities() -> None:
    text = ks.html_text("<div>a&lt;b&gt;</div><script>var x = '숨은글';</script><style>p {}</style><p>c&amp;d</p>")
    assert "숨은글" not in text and "{}" not in text
    assert ks.split_words(text) == ["a", "b", "c", "d"]


# ---------------------------------------------------------------- JS 와 같은가

_NODE_DRIVER = """
const fs = require("fs");
const vm = require("vm");
const [codePath, inputPath] = process.argv.slice(2);
const input = JSON.parse(fs.readFileSync(inputPath, "utf8"));
const ctx = {};
vm.createContext(ctx);
vm.runInContext(fs.readFileSync(codePath, "utf8"), ctx);
const stemmer = new ctx.Stemmer();
// searchtools.js 처럼: 질의를 나누고, 소문자로 바꾸고, 어간을 뽑는다
const stems = input.words.map((w) => stemmer.stemWord(w.toLowerCase()));
const splits = input.texts.map((t) => ctx.splitQuery(t));
process.stdout.write(JSON.stringify({stems, splits, stopwords: ctx.stopwords || null}));
"""


def _run_node(tmp_path: Path, payload: dict[str, Any]) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node 가 없다: JS 어간 추출기를 시험하려면 Node.js 가 필요하다")
    code = tmp_path / "language_data.js"
    code.write_text(ks.SearchKorean({}).js_stemmer_code, encoding="utf-8")
    driver = tmp_path / "driver.js"
    driver.write_text(_NODE_DRIVER, encoding="utf-8")
    data = tmp_path / "input.json"
    data.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run(
        [node, str(driver), str(code), str(data)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_js_stemmer_matches_python(tmp_path: Path) -> None:
    words = WORDS + [w for t in TEXTS for w in ks.split_words(t)]
    result = _run_node(tmp_path, {"words": words, "texts": TEXTS})
    # 파이썬 색인은 stem() 뒤에 소문자로 바꾼다 (sphinx.search.IndexBuilder.feed)
    expected = [ks.SearchKorean({}).stem(w).lower() for w in words]
    mismatches = [(w, p, j) for w, p, j in zip(words, expected, result["stems"], strict=True) if p != j]
    assert not mismatches, mismatches
    assert result["stems"][words.index("컨테이너를")] == "컨테이너"


def test_js_splitter_matches_python(tmp_path: Path) -> None:
    result = _run_node(tmp_path, {"words": [], "texts": TEXTS})
    assert result["splits"] == [ks.split_words(t) for t in TEXTS]


# ---------------------------------------------------------------- Sphinx 빌드


def _load_searchindex(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    match = re.fullmatch(r"Search\.setIndex\((.*)\)\s*", text, flags=re.DOTALL)
    assert match, "searchindex.js 형식이 예상과 다르다"
    return json.loads(match.group(1))


def _docs_for(index: dict[str, Any], term: str) -> set[str]:
    found: set[str] = set()
    for table in ("terms", "titleterms"):
        value = index[table].get(term)
        if value is None:
            continue
        ids = [value] if isinstance(value, int) else value
        found.update(index["docnames"][i] for i in ids)
    return found


def test_sphinx_build_indexes_korean_stems(tmp_path: Path) -> None:
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        textwrap.dedent(
            f"""
            import sys
            sys.path.insert(0, {str(EXT_DIR)!r})
            project = "시험"
            language = "ko"
            html_search_language = "ko"
            extensions = ["korean_search"]
            """
        ),
        encoding="utf-8",
    )
    (src / "index.rst").write_text("시작\n====\n\n.. toctree::\n\n   run\n", encoding="utf-8")
    (src / "run.rst").write_text(
        "실행\n====\n\n컨테이너를 실행한다. Docker를 쓴다.\n\n"
        # 노트북의 HTML 출력(표)과 같은 raw HTML: 칸마다 다른 낱말이어야 한다
        ".. raw:: html\n\n   <table><tr><th>브리지</th><th>노드</th><th>서브넷</th></tr></table>\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    app = Sphinx(
        srcdir=str(src),
        confdir=str(src),
        outdir=str(out),
        doctreedir=str(tmp_path / "doctrees"),
        buildername="html",
        status=None,
        warning=None,
        freshenv=True,
        warningiserror=True,
    )
    app.build()
    assert app.statuscode == 0

    index = _load_searchindex(out / "searchindex.js")
    assert _docs_for(index, "컨테이너") == {"run"}
    assert "컨테이너를" not in index["terms"]
    assert "run" in _docs_for(index, "실행")  # 제목 '실행' 은 index 의 목차에도 나온다
    assert _docs_for(index, "docker") == {"run"}
    assert "를" not in index["terms"]
    # 표 칸이 붙어 한 낱말(브리지노드서브넷)이 되지 않는다
    assert {"브리지", "노드", "서브넷"} <= set(index["terms"])
    assert not [t for t in index["terms"] if "브리지노드" in t]

    # 브라우저에 가는 language_data.js 에 우리 어간 추출기가 들어갔다
    language_data = (out / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "koreanSearchFactory" in language_data
    assert "var splitQuery = KoreanSearch.splitQuery" in language_data
    # 순위와 요약을 정하는 scorer(html_search_scorer)도 들어갔다
    assert "var Scorer" in language_data and "makeSearchSummary" in language_data
    # 질의 '컨테이너를' 도 같은 어간이 된다
    result = _run_node(tmp_path, {"words": ["컨테이너를", "컨테이너"], "texts": []})
    assert result["stems"] == ["컨테이너", "컨테이너"]


# ---------------------------------------------------------------- 검색 순위 (korean_search_scorer.js)

_SCORER_DRIVER = """
const fs = require("fs");
const vm = require("vm");
const [codePath, inputPath] = process.argv.slice(2);
const input = JSON.parse(fs.readFileSync(inputPath, "utf8"));
const ctx = {
  URLSearchParams,
  window: {location: {search: "?q=" + encodeURIComponent(input.query)}},
  document: {addEventListener() {}},
};
vm.createContext(ctx);
vm.runInContext("var stopwords = " + JSON.stringify(input.stopwords) + ";", ctx);
vm.runInContext(fs.readFileSync(codePath, "utf8"), ctx);
vm.runInContext("var Search = " + JSON.stringify({_index: input.index}) + ";", ctx);
// searchtools.js 처럼: 결과마다 [docname, title, anchor, descr, score, filename] 를 Scorer.score 에 넘긴다
const scores = input.results.map((r) => ctx.Scorer.score(r));
process.stdout.write(JSON.stringify(scores));
"""


def _scores(tmp_path: Path, query: str, index: dict[str, Any], results: list[list[Any]]) -> list[int]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node 가 없다: 검색 순위를 시험하려면 Node.js 가 필요하다")
    lang = ks.SearchKorean({})
    code = tmp_path / "language_data.js"
    code.write_text(lang.js_stemmer_code + "\n" + ks.SCORER_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    driver = tmp_path / "scorer.js"
    driver.write_text(_SCORER_DRIVER, encoding="utf-8")
    data = tmp_path / "scorer-input.json"
    payload = {"query": query, "stopwords": sorted(lang.stopwords), "index": index, "results": results}
    data.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run(
        [node, str(driver), str(code), str(data)], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_scorer_ranks_page_title_above_headings_above_body(tmp_path: Path) -> None:
    # 쪽 0: 제목에, 쪽 1: 절 제목 둘에, 쪽 2: 절 제목 하나에, 쪽 3: 본문에만 '브리지' 가 있다
    index = {
        "docnames": ["title", "headings", "heading", "body"],
        "titles": ["도커 브리지 드라이버", "보안", "주소", "맺음말"],
        "alltitles": {
            "도커 브리지 드라이버": [[0, None]],
            "보안": [[1, None]],
            "브리지의 격리": [[1, "s1"]],
            "브리지와 NAT": [[1, "s2"]],
            "주소": [[2, None]],
            "기본 브리지": [[2, "s3"]],
            "맺음말": [[3, None]],
        },
        "terms": {"브리지": [0, 3]},
        "titleterms": {"브리지": [0, 1, 2]},
    }
    # Sphinx 가 매긴 점수는 모두 같다고 둔다 (제목 낱말 15)
    results = [[name, index["titles"][i], "", None, 15, f"{name}.md"] for i, name in enumerate(index["docnames"])]
    scores = _scores(tmp_path, "브리지를", index, results)
    assert scores[0] > scores[1] > scores[2] > scores[3] > 0, scores
    # 용어집의 용어처럼 설명이 붙은 결과는 Sphinx 점수 그대로
    glossary = [["glossary", "리눅스 브리지", "#term", "용어, in 용어집", 16, "glossary.md"]]
    assert _scores(tmp_path, "브리지를", index, glossary) == [16]
    # 질의에 없는 낱말은 점수를 바꾸지 않는다 (찾은 낱말이 없으면 원래 점수)
    assert _scores(tmp_path, "를", index, results) == [15, 15, 15, 15]
