"""이미 빌드된 책(_build/html)을 읽어 오프라인 동작과 한국어 검색 색인을 확인한다.

Makefile 이 pytest 전에 책을 빌드한다. 빌드 결과가 없으면 건너뛰지 않고 실패한다.
다른 곳에 빌드한 책을 보려면 BOOK_HTML_DIR 환경 변수로 경로를 준다.
"""

from __future__ import annotations

import json
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML_DIR = Path(os.environ.get("BOOK_HTML_DIR", ROOT / "_build" / "html"))
sys.path.insert(0, str(ROOT / "_ext"))

from korean_search import split_words  # noqa: E402

# 자원을 불러오는 태그와 속성. <a href> 는 링크일 뿐이라 보지 않는다.
_LOADING_ATTRS: dict[str, tuple[str, ...]] = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src", "srcset"),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
}
_LOADING_LINK_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon"}
_CSS_REMOTE_RE = re.compile(
    r"""@import\s+(?:url\()?\s*['"]?\s*(?:https?:)?//|url\(\s*['"]?\s*(?:https?:)?//""",
    re.IGNORECASE,
)


def _is_remote(url: str) -> bool:
    url = url.strip().lower()
    return url.startswith(("http://", "https://", "//"))


class _PageScanner(HTMLParser):
    """한 HTML 쪽에서 불러오는 자원과 본문(article) 글자를 모은다."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[tuple[str, str, str]] = []  # (태그, 속성, 값)
        self.widget_cdn: list[str] = []
        self.has_widget_state = False
        self.article_text: list[str] = []
        #: 쪽의 실행되는 스크립트: (src, 인라인 본문). type 이 JSON 같은 데이터인 것은 뺀다.
        self.scripts: list[tuple[str, str]] = []
        self._script: list[str] | None = None
        self._article_depth = 0  # 본문 요소 안에서 열린 태그 수
        self._skip_depth = 0  # script/style 안

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: (v or "") for k, v in attrs}
        for attr in _LOADING_ATTRS.get(tag, ()):
            if values.get(attr):
                self.loads.append((tag, attr, values[attr]))
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if rels & _LOADING_LINK_RELS and values.get("href"):
                self.loads.append((tag, "href", values["href"]))
        if "data-jupyter-widgets-cdn" in values:
            self.widget_cdn.append(values["data-jupyter-widgets-cdn"])
        if tag == "script" and values.get("type") == "application/vnd.jupyter.widget-state+json":
            self.has_widget_state = True

        if tag == "script" and values.get("type", "text/javascript") in ("text/javascript", "module", ""):
            self.scripts.append((values.get("src", ""), ""))
            self._script = []
        if tag in ("script", "style"):
            self._skip_depth += 1
        classes = values.get("class", "").split()
        if self._article_depth:
            if tag not in _VOID_TAGS:
                self._article_depth += 1
        elif (tag == "article" and "bd-article" in classes) or (tag == "div" and values.get("role") == "main"):
            self._article_depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            src, _ = self.scripts[-1]
            self.scripts[-1] = (src, "".join(self._script).strip())
            self._script = None
        if tag in ("script", "style") and self._skip_depth:
            self._skip_depth -= 1
        if self._article_depth and tag not in _VOID_TAGS:
            self._article_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
        if self._article_depth and not self._skip_depth:
            self.article_text.append(data)


_VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


def _require_build() -> None:
    index = HTML_DIR / "index.html"
    if not index.is_file():
        pytest.fail(
            f"빌드된 책이 없다: {index} 가 없다. 먼저 책을 빌드할 것 "
            "(make build 또는 jupyter-book build . --warningiserror).",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def pages() -> dict[Path, _PageScanner]:
    _require_build()
    scanned: dict[Path, _PageScanner] = {}
    for path in sorted(HTML_DIR.rglob("*.html")):
        rel = path.relative_to(HTML_DIR)
        if rel.parts[0] == "_static":  # 테마 조각(webpack-macros.html 등)은 쪽이 아니다
            continue
        scanner = _PageScanner()
        scanner.feed(path.read_text(encoding="utf-8"))
        scanner.close()
        scanned[rel] = scanner
    assert scanned, f"{HTML_DIR} 에 HTML 쪽이 없다"
    return scanned


@pytest.fixture(scope="module")
def search_index() -> dict[str, Any]:
    _require_build()
    path = HTML_DIR / "searchindex.js"
    assert path.is_file(), f"{path} 가 없다"
    text = path.read_text(encoding="utf-8")
    match = re.fullmatch(r"Search\.setIndex\((.*)\)\s*", text, flags=re.DOTALL)
    assert match, "searchindex.js 형식이 Search.setIndex(...) 가 아니다"
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


# ---------------------------------------------------------------- (a) 인터넷 없이


def test_build_exists() -> None:
    _require_build()


def test_no_remote_scripts_or_stylesheets(pages: dict[Path, _PageScanner]) -> None:
    remote = [
        f"{rel}: <{tag} {attr}={value!r}>"
        for rel, page in pages.items()
        for tag, attr, value in page.loads
        if _is_remote(value) or (attr == "srcset" and "://" in value)
    ]
    assert not remote, "인터넷에서 자원을 불러오는 태그:\n" + "\n".join(remote)


def test_widget_cdn_attribute_is_local(pages: dict[Path, _PageScanner]) -> None:
    remote = [
        f"{rel}: data-jupyter-widgets-cdn={value!r}"
        for rel, page in pages.items()
        for value in page.widget_cdn
        if _is_remote(value)
    ]
    assert not remote, "\n".join(remote)


def test_local_assets_exist(pages: dict[Path, _PageScanner]) -> None:
    missing = []
    for rel, page in pages.items():
        for tag, attr, value in page.loads:
            if attr == "srcset" or _is_remote(value) or value.startswith("data:"):
                continue
            target = urlsplit(value).path
            if not target:
                continue
            resolved = (HTML_DIR / rel).parent / unquote(target)
            if not resolved.is_file():
                missing.append(f"{rel}: <{tag} {attr}={value!r}>")
    assert not missing, "쪽이 가리키는 파일이 빌드에 없다:\n" + "\n".join(missing)


def test_css_has_no_remote_imports() -> None:
    _require_build()
    offenders = [
        str(css.relative_to(HTML_DIR))
        for css in HTML_DIR.rglob("*.css")
        if _CSS_REMOTE_RE.search(css.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not offenders, "인터넷 주소를 @import/url() 하는 CSS: " + ", ".join(offenders)


def test_widget_scripts_only_on_widget_pages(pages: dict[Path, _PageScanner]) -> None:
    # Jupyter Book 1 은 책 뿌리에 _static/ 이 있으면 html_static_path 안의 모든 .js 를
    # 모든 쪽에 넣는다. 그러면 3 MB 짜리 embed-amd.js 가 모든 쪽에 붙는다.
    wrong = [
        f"{rel}: {value}"
        for rel, page in pages.items()
        if not page.has_widget_state
        for tag, _attr, value in page.loads
        if tag == "script" and re.search(r"(embed-amd|require)\.js", value)
    ]
    assert not wrong, "위젯 상태가 없는 쪽에 위젯 스크립트가 붙었다:\n" + "\n".join(wrong)


# ---------------------------------------------------------------- (b), (c) 한국어 검색


@pytest.mark.parametrize("term", ["컨테이너", "네트워크"])
def test_search_index_has_korean_stems(search_index: dict[str, Any], term: str) -> None:
    assert _docs_for(search_index, term), f"searchindex.js 에 낱말 {term!r} 이 없다"


def test_particle_forms_are_not_indexed(search_index: dict[str, Any]) -> None:
    for form in ["컨테이너를", "네트워크를", "네트워크의"]:
        assert form not in search_index["terms"], f"{form!r} 가 어간으로 줄지 않고 색인됐다"


def test_page_with_particle_form_is_found_by_stem(
    pages: dict[Path, _PageScanner], search_index: dict[str, Any]
) -> None:
    docnames = dict(zip(search_index["docnames"], search_index["filenames"], strict=True))
    with_form: set[str] = set()
    for docname in docnames:
        page = pages.get(Path(f"{docname}.html"))
        if page is None:
            continue
        if "컨테이너를" in split_words(" ".join(page.article_text)):
            with_form.add(docname)
    assert with_form, "본문에 '컨테이너를' 이 나오는 쪽이 하나도 없다"
    found = _docs_for(search_index, "컨테이너")
    missing = sorted(with_form - found)
    assert not missing, f"'컨테이너' 로 찾히지 않는 쪽: {missing}"


# ---------------------------------------------------------------- (d) 쪽의 스크립트, 저장소 주소, 복사 단추


def test_no_script_is_included_twice(pages: dict[Path, _PageScanner]) -> None:
    """같은 스크립트(같은 src, 또는 같은 인라인 본문)가 한 쪽에 두 번 들어가지 않는다.

    Sphinx 7.4 는 빌더가 만들어진 뒤 더한 인라인 스크립트를 두 번 넣는다(_ext/page_scripts.py). 예전에는
    sphinx-thebe 의 ``const THEBE_JS_URL`` 이 두 번 들어가 모든 쪽이 콘솔에 SyntaxError 를 냈다.
    """
    twice = {}
    for rel, page in pages.items():
        seen = [src.split("?")[0] or body for src, body in page.scripts]
        dups = sorted({item[:80] for item in seen if seen.count(item) > 1})
        if dups:
            twice[str(rel)] = dups
    assert not twice, f"두 번 들어간 스크립트: {json.dumps(twice, ensure_ascii=False, indent=1)}"


def test_no_thebe_or_launch_buttons(pages: dict[Path, _PageScanner]) -> None:
    """thebe 설정과 런치 단추가 없다. 이 책은 Binder 같은 실행 환경을 주지 않는다 (Binder 에는 도커 엔진이 없다)."""
    found = []
    for rel in pages:
        html = (HTML_DIR / rel).read_text(encoding="utf-8")
        for needle in ("thebe", "mybinder", "dropdown-launch-buttons", "binderhub"):
            if needle in html.lower():
                found.append(f"{rel}: {needle}")
    assert not found, "\n".join(found)


#: 있지 않은 저장소. 실제 주소가 생기기 전까지 책과 안내 파일 어디에도 적지 않는다.
_MISSING_REPOSITORY = "netlab-book/docker-network-design"


def test_nothing_links_to_the_nonexistent_repository() -> None:
    _require_build()
    sources = [ROOT / name for name in ("README.md", "intro.md", "_config.yml")]
    built = [p for p in HTML_DIR.rglob("*") if p.is_file() and p.suffix in (".html", ".js", ".md", ".txt", ".ipynb")]
    assert any(p.name == "intro.html" for p in built)
    found = [
        str(path)
        for path in sources + built
        if _MISSING_REPOSITORY in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert not found, f"없는 저장소 {_MISSING_REPOSITORY} 를 가리키는 파일: {found}"


def test_copy_button_drops_the_shell_prompt() -> None:
    """sphinx-copybutton 이 켜져 있고, 복사할 때 ``$ `` 프롬프트를 뗀다 (빌드된 copybutton.js 의 설정)."""
    _require_build()
    script = HTML_DIR / "_static" / "copybutton.js"
    assert script.is_file(), "sphinx-copybutton 의 copybutton.js 가 빌드에 없다"
    call = re.search(r"return formatCopyText\(text, ('(?:[^'\\]|\\.)*'), (true|false),", script.read_text())
    assert call, "copybutton.js 에서 formatCopyText 호출을 찾지 못했다"
    prompt, is_regexp = call.group(1)[1:-1], call.group(2) == "true"
    assert (prompt, is_regexp) == ("$ ", False), (prompt, is_regexp)
    chapter = (HTML_DIR / "chapters" / "06-bridge.html").read_text(encoding="utf-8")
    assert "copybutton.js" in chapter, "쪽에 copybutton.js 가 붙지 않았다"
