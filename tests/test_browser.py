"""빌드한 책을 진짜 브라우저(헤드리스 Chromium)로 열어 독자가 보는 것을 확인한다.

``make test`` 가 책을 빌드하고 ``scripts/ensure-browser.sh`` 로 Chromium 과 한글 글꼴을 갖춘 뒤 이 시험을 돌린다.
빌드 결과(_build/html)가 없으면 건너뛰지 않고 실패한다. 다른 곳에 빌드한 책은 ``BOOK_HTML_DIR`` 로 가리킨다.

- 책은 ``scripts/serve_book.py`` 로 127.0.0.1 의 빈 포트에 띄운다.
- Chromium 은 DevTools 프로토콜을 파이프(``--remote-debugging-pipe``)로 몰고 간다. 웹소켓도, 밖에서 받는
  파이썬 패키지도 필요 없다.
- ``--host-resolver-rules`` 로 127.0.0.1 말고는 어떤 이름도 풀리지 않게 하고, Chromium 의 네트워크 기록
  (``--log-net-log``)을 읽어 127.0.0.1 이 아닌 곳으로 연결하거나 바이트를 보낸 소켓이 없는지 확인한다.
- 한글이 두부(tofu, 글꼴이 없어 그려지는 빈 네모)로 나오지 않는지는 캔버스에 실제로 그려 본다: 서로 다른 두
  한글 글자가 픽셀까지 똑같거나, 어떤 글꼴에도 없는 문자(U+10FFFD)와 똑같이 그려지면 두부다.
- 밝은/어두운 모드에서 출력 표와 위젯 글자의 WCAG 대비를, 390 px 화면에서 쪽 폭과 구성도 크기를 잰다.
  바닥글·검색 칸·단추 도움말이 한국어인지, 아이콘(favicon)이 책 안에 있는지도 본다 (docs/book-build.md 의 "화면 모양").
- 화면을 ``_build/screenshots/`` 에 PNG 로 남긴다 (사람이 눈으로 확인하는 용도).
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML_DIR = Path(os.environ.get("BOOK_HTML_DIR", ROOT / "_build" / "html"))
SHOTS = HTML_DIR.parent / "screenshots"
EXPLORERS = "labs/00-explorers.html"
BRIDGE = "chapters/06-bridge.html"

#: 밖으로 나가는 것을 막는 Chromium 플래그. background-networking 류가 없으면 Chromium 은 구글에 접속하려 한다.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-pings",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--window-size=1280,900",
    "--lang=ko-KR",
]


def _console_error(message: dict[str, Any]) -> str:
    """DevTools 이벤트 하나가 콘솔 오류이면 그 내용, 아니면 빈 문자열."""
    method, params = message.get("method"), message.get("params") or {}
    if method == "Runtime.exceptionThrown":
        details = params.get("exceptionDetails") or {}
        exception = details.get("exception") or {}
        return f"{exception.get('description') or details.get('text', '')} ({details.get('url', '')})"
    if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
        args = params.get("args") or []
        return "console.error: " + " ".join(str(a.get("value", a.get("description", ""))) for a in args)
    if method == "Log.entryAdded" and (params.get("entry") or {}).get("level") == "error":
        entry = params["entry"]
        return f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip()
    return ""


def _load_serve_book() -> Any:
    spec = importlib.util.spec_from_file_location("serve_book", ROOT / "scripts" / "serve_book.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Chromium 이 없다. `bash scripts/ensure-browser.sh` 가 설치한다 (make test 가 실행한다).")


class Browser:
    """파이프로 연결한 헤드리스 Chromium 하나와 탭 하나 (DevTools 프로토콜)."""

    def __init__(self, binary: str) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="nl-chromium-"))
        self.netlog = self.tmp / "netlog.json"
        to_child_r, self._write_fd = os.pipe()
        self._read_fd, from_child_w = os.pipe()

        def wire() -> None:  # 자식 쪽: Chromium 은 fd 3 에서 읽고 fd 4 로 쓴다
            a, b = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [
            binary,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self.tmp / 'profile'}",
            "--remote-debugging-pipe",
            f"--log-net-log={self.netlog}",
            "--net-log-capture-mode=Default",
            "about:blank",
        ]
        self.proc = subprocess.Popen(
            args, preexec_fn=wire, pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buf = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []
        self.requests: list[str] = []
        #: 브라우저 콘솔에 찍힌 오류: 잡히지 않은 예외, console.error, 브라우저의 오류 기록 (Log 도메인)
        self.console_errors: list[str] = []
        self.url = "about:blank"
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=self.session)
        self.viewport(1280, 900)

    # -- 프로토콜 ------------------------------------------------------------------
    def _read(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium 이 응답하지 않는다")
            ready, _, _ = select.select([self._read_fd], [], [], left)
            if ready:
                chunk = os.read(self._read_fd, 1 << 20)
                if not chunk:
                    raise EOFError("Chromium 이 끝났다")
                self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        message = json.loads(raw)
        if message.get("method") == "Network.requestWillBeSent":
            self.requests.append(message["params"]["request"]["url"])
        error = _console_error(message)
        if error:
            self.console_errors.append(f"{urlsplit(self.url).path}: {error}")
        return message

    def call(self, method: str, session: str | None = None, timeout: float = 30, **params: Any) -> dict[str, Any]:
        self._next += 1
        ident = self._next
        message: dict[str, Any] = {"id": ident, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._write_fd, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read(timeout)
            if reply.get("id") == ident:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _wait_event(self, method: str, timeout: float = 30) -> dict[str, Any]:
        for i, event in enumerate(self.events):
            if event.get("method") == method and event.get("sessionId") == self.session:
                return self.events.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            event = self._read(max(0.01, deadline - time.monotonic()))
            if event.get("method") == method and event.get("sessionId") == self.session:
                return event
            self.events.append(event)

    # -- 쪽 다루기 -------------------------------------------------------------------
    def open(self, url: str) -> None:
        self.events.clear()
        self.url = url
        self.call("Page.navigate", session=self.session, url=url)
        self._wait_event("Page.loadEventFired")

    def js(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", session=self.session, expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"자바스크립트 오류: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20, what: str = "") -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"{timeout}초 안에 되지 않았다: {what or expression}")
            time.sleep(0.1)

    def viewport(self, width: int, height: int, *, mobile: bool = False) -> None:
        """창 크기를 바꾼다. ``mobile=True`` 면 휴대폰처럼 ``<meta name=viewport>`` 를 따른다."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session=self.session,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )

    def screenshot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        data = self.call("Page.captureScreenshot", session=self.session, format="png")["data"]
        path = SHOTS / f"{name}.png"
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.call("Browser.close", timeout=10)
            except (TimeoutError, EOFError, RuntimeError, OSError):
                pass
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for fd in (self._read_fd, self._write_fd):
            try:
                os.close(fd)
            except OSError:
                pass


# -- 준비물 ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    if not (HTML_DIR / "index.html").is_file():
        pytest.fail(f"빌드한 책이 없다: {HTML_DIR}/index.html. `make book` 을 먼저 실행한다 (make test 가 한다).")
    srv = _load_serve_book().serve(HTML_DIR)
    srv.base = f"http://127.0.0.1:{srv.server_address[1]}/"
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    b = Browser(_chromium())
    yield b
    b.close()
    shutil.rmtree(b.tmp, ignore_errors=True)


@pytest.fixture(autouse=True)
def no_console_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """브라우저를 쓰는 시험마다, 그 시험이 연 쪽에서 콘솔 오류가 하나라도 나면 실패한다."""
    if "browser" not in request.fixturenames:
        yield
        return
    b: Browser = request.getfixturevalue("browser")
    start = len(b.console_errors)
    yield
    if b.proc.poll() is None:
        b.js("0")  # 아직 읽지 않은 이벤트를 마저 읽는다
    errors = b.console_errors[start:]
    assert not errors, "브라우저 콘솔에 오류가 찍혔다:\n" + "\n".join(errors)


# 캔버스에 같은 글꼴로 글자를 그려 두부인지 본다. 서로 다른 두 한글이 똑같이 그려지거나, 어떤 글꼴에도 없는
# 문자(U+10FFFD)와 똑같이 그려지면 글꼴이 없어서 대체 상자가 그려진 것이다.
_TOFU_JS = r"""
(async (selector) => {
  await document.fonts.ready;
  const el = document.querySelector(selector);
  if (!el) return {error: 'no element ' + selector};
  const style = getComputedStyle(el);
  const font = `${style.fontWeight} 32px ${style.fontFamily}`;
  const draw = (ch) => {
    const c = document.createElement('canvas');
    c.width = 48; c.height = 48;
    const x = c.getContext('2d');
    x.font = font; x.fillStyle = '#000'; x.fillText(ch, 4, 38);
    const d = x.getImageData(0, 0, 48, 48).data;
    let ink = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]) ink++;
    return {sig: Array.from(d).join(','), ink};
  };
  const a = draw('컨'), b = draw('테'), none = draw('\u{10FFFD}');
  return {font: style.fontFamily, ink: a.ink, same: a.sig === b.sig,
          notdef: a.sig === none.sig || b.sig === none.sig, text: el.textContent.trim().slice(0, 60)};
})
"""


def _assert_korean_renders(browser: Browser, selector: str) -> dict[str, Any]:
    seen = browser.js(f"{_TOFU_JS}({json.dumps(selector)})")
    assert "error" not in seen, seen
    assert seen["ink"] > 0, f"한글이 아예 그려지지 않는다: {seen}"
    assert not seen["same"] and not seen["notdef"], (
        "한글이 두부(빈 네모)로 그려진다. 한글 글꼴이 없다 "
        f"(scripts/ensure-browser.sh 가 fonts-noto-cjk 를 설치한다): {seen}"
    )
    return seen


# -- 시험 --------------------------------------------------------------------------------


def test_intro_renders_korean_text(server, browser):
    browser.open(server.base + "intro.html")
    seen = _assert_korean_renders(browser, "article h1")
    assert re.search("[가-힣]", seen["text"]), seen
    _assert_korean_renders(browser, "article p")
    body = browser.js("document.querySelector('article').innerText")
    assert "컨테이너" in body
    browser.screenshot("intro")


def test_bridge_chapter_topology_svg_is_in_the_page(server, browser):
    from netlab import addressing

    browser.open(server.base + BRIDGE)
    _assert_korean_renders(browser, "article h1")
    subnets = [str(addressing.subnet("bridge", i)) for i in range(addressing.BLOCK_SIZE)]  # 6장의 주소 블록
    found = browser.wait_for(
        """
        (async (subnets) => {
          const imgs = Array.from(document.querySelectorAll('article img')).filter(i => i.src.endsWith('.svg'));
          const hits = [];
          for (const img of imgs) {
            if (!img.complete || img.naturalWidth === 0) continue;
            const text = await (await fetch(img.src)).text();
            if (text.includes('<svg') && subnets.some(s => text.includes(s))) hits.push(img);
          }
          if (hits.length) hits[0].scrollIntoView();
          return hits.map(img => img.src.split('/').pop());
        })"""
        + f"({json.dumps(subnets)})",
        what="6장의 구성도 SVG",
    )
    assert found, "6장에 엔진에서 그린 구성도(SVG)가 없다"
    time.sleep(0.2)
    browser.screenshot("bridge-topology")


def test_explorers_widgets_render_and_work_without_a_kernel(server, browser):
    page = HTML_DIR / EXPLORERS
    assert page.is_file(), f"{EXPLORERS} 가 책에 없다: _toc.yml 에 labs/00-explorers 를 넣어야 한다"
    browser.open(server.base + EXPLORERS)
    browser.wait_for(
        "document.querySelectorAll('.widget-toggle-buttons, .widget-dropdown, .widget-text').length >= 3",
        timeout=30,
        what="위젯(embed-amd.js 가 그린 DOM)",
    )
    kinds = ["widget-dropdown", "widget-toggle-buttons", "widget-text", "widget-button", "widget-html"]
    counts = browser.js(f"{json.dumps(kinds)}.map(k => document.querySelectorAll('.' + k).length)")
    assert all(counts), dict(zip(kinds, counts, strict=True))
    walker = "document.querySelector('.widget-toggle-buttons').closest('.widget-vbox')"
    assert "1/12" in browser.js(f"{walker}.innerText")
    # 단계 단추는 브라우저 안의 jslink 로 쪽을 바꾼다: 커널 없이도 동작해야 한다
    browser.js("document.querySelectorAll('.widget-toggle-buttons .widget-toggle-button')[4].click()")
    text = browser.wait_for(f"{walker}.innerText.includes('5/12') && {walker}.innerText", what="5단계로 넘어감")
    assert "DNAT" in text and "--to-destination" in text
    # 네트워크 고르개도 마찬가지
    inspector = "document.querySelector('.widget-dropdown').closest('.widget-vbox')"
    assert "bridge 요약" in browser.js(f"{inspector}.innerText")
    browser.js(
        "(() => { const s = document.querySelector('.widget-dropdown select'); s.value = 'host';"
        " s.dispatchEvent(new Event('change', {bubbles: true})); })()"
    )
    browser.wait_for(f"{inspector}.innerText.includes('host 요약')", what="host 네트워크 쪽으로 바뀜")
    _assert_korean_renders(browser, ".widget-toggle-buttons")
    browser.js(f"{walker}.scrollIntoView()")
    time.sleep(0.2)
    browser.screenshot("explorers")


class _ArticleText(HTMLParser):
    """쪽의 본문(<article>) 글자만 모은다."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += 1
            if tag in ("script", "style"):
                self.skip += 1
        elif tag == "article":
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            if tag in ("script", "style") and self.skip:
                self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.parts.append(data)


def _article_text(path: Path) -> str:
    parser = _ArticleText()
    parser.feed(path.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def _search(server: Any, browser: Browser, query: str) -> list[str]:
    """검색 쪽에서 ``query`` 로 찾고, 결과 쪽들(docname)을 화면의 순서대로 돌려준다."""
    browser.open(server.base + "search.html?q=" + quote(query))
    browser.wait_for(
        # 요약 줄은 검색을 시작할 때 빈 채로 생기고, 끝날 때(_finishSearch) 글이 채워진다. Search._pulse_status 는
        # 보지 않는다: Sphinx 의 stopPulse() 는 걸어 둔 타이머를 지우지 않아 -1 이 0.5초 안에 다시 0 으로 돌아간다
        "typeof Search !== 'undefined'"
        " && (document.querySelector('#search-results .search-summary')?.innerText || '').trim() !== ''",
        timeout=30,
        what=f"'{query}' 검색 끝남",
    )
    hrefs = browser.js("Array.from(document.querySelectorAll('#search-results ul.search li a')).map(a => a.href)")
    return [unquote(urlsplit(h).path).lstrip("/").removesuffix(".html") for h in hrefs]


def test_search_finds_inflected_forms(server, browser):
    pages = {}
    for path in sorted(HTML_DIR.rglob("*.html")):
        rel = path.relative_to(HTML_DIR).as_posix()
        if rel in ("search.html", "genindex.html") or rel.startswith("_"):
            continue
        text = _article_text(path)
        if "컨테이너를" in text:
            # 받침 뒤에 한글이 붙지 않은 '컨테이너' 가 한 번도 없는 쪽: 색인에 맨 낱말로는 없는 쪽
            bare = re.search(r"컨테이너(?![가-힣])", text) is not None
            pages[rel.removesuffix(".html")] = bare
    assert pages, "본문에 '컨테이너를' 이 나오는 쪽이 없다"
    found = set(_search(server, browser, "컨테이너"))
    missing = sorted(set(pages) - found)
    assert not missing, f"'컨테이너' 로 찾았는데 '컨테이너를' 이 있는 쪽이 결과에 없다: {missing}"
    only_inflected = sorted(p for p, bare in pages.items() if not bare)
    if only_inflected:
        assert set(only_inflected) <= found
    _assert_korean_renders(browser, "#search-results")
    browser.screenshot("search")


def _only_inflected_word() -> tuple[str, list[str]] | None:
    """책 어디에도 맨 낱말로는 나오지 않고 '<낱말>를' 로만 나오는 낱말 하나와 그 쪽들.

    색인에 그 낱말이 있다면 조사를 떼는 어간 처리 덕분이다. 그래서 그 낱말로 찾아 쪽이 나오면
    브라우저 쪽 검색(언어 데이터의 Stemmer)이 색인과 같은 규칙으로 동작한다는 증거가 된다.
    """
    import sys

    sys.path.insert(0, str(ROOT / "_ext"))
    from korean_search import stem_word

    texts = {}
    for path in sorted(HTML_DIR.rglob("*.html")):
        rel = path.relative_to(HTML_DIR).as_posix()
        if rel.startswith("_") or rel in ("search.html", "genindex.html"):
            continue
        texts[rel.removesuffix(".html")] = _article_text(path)
    everything = "\n".join(texts.values())
    candidates: dict[str, list[str]] = {}
    for word in sorted(set(re.findall(r"(?<![가-힣])([가-힣]{2,})를(?![가-힣])", everything))):
        if stem_word(word) != word or stem_word(word + "를") != word:
            continue
        if re.search(rf"(?<![가-힣]){word}(?![가-힣])", everything):
            continue  # 맨 낱말로도 나온다
        candidates[word] = sorted(p for p, t in texts.items() if f"{word}를" in t)
    if not candidates:
        return None
    word = max(sorted(candidates), key=lambda w: len(candidates[w]))
    return word, candidates[word]


def test_search_finds_a_word_that_appears_only_with_a_particle(server, browser):
    picked = _only_inflected_word()
    assert picked, "책에 '<낱말>를' 로만 나오는 낱말이 하나도 없다 (이 시험이 확인할 것이 없다)"
    word, pages = picked
    found = set(_search(server, browser, word))
    missing = sorted(set(pages) - found)
    assert not missing, f"'{word}' 는 책에 '{word}를' 로만 나온다. 그런데 찾은 결과에 없는 쪽: {missing}"


#: (질의, 맨 위에 나와야 할 쪽, 요약 문장에 있어야 할 어간).
#: 질의는 조사가 붙은 꼴이고, 쪽은 그 낱말을 제목으로 가진 장이다.
SEARCH_RANKING = [
    ("브리지를", "chapters/06-bridge", "브리지"),
    ("오버레이를", "chapters/07-overlay", "오버레이"),
    ("macvlan을", "chapters/09-macvlan", "macvlan"),
]

_FIRST_SNIPPET = "#search-results ul.search li:first-child p.context"


def _first_snippet(browser: Browser, query: str) -> str:
    return browser.wait_for(
        f"document.querySelector({json.dumps(_FIRST_SNIPPET)})?.innerText", what=f"'{query}' 첫 결과의 요약"
    )


@pytest.mark.parametrize(("query", "page", "stem"), SEARCH_RANKING)
def test_search_ranks_the_page_about_the_word_first(server, browser, query, page, stem):
    """쪽 제목에 낱말이 있는 장이 맨 위에 오고, 요약은 본문에서 그 낱말이 든 문장이다 (차례나 제목이 아니다)."""
    results = _search(server, browser, query)
    assert results, f"'{query}' 로 찾은 쪽이 없다"
    assert results[0] == page, f"'{query}': 맨 위가 {page} 가 아니다: {results[:5]}"
    snippet = _first_snippet(browser, query)
    assert stem in snippet.lower(), f"'{query}' 의 요약에 '{stem}' 이 없다: {snippet!r}"
    marks = json.dumps(_FIRST_SNIPPET + " span.highlighted")
    marked = browser.js(f"Array.from(document.querySelectorAll({marks})).map(s => s.innerText)")
    assert any(stem in m.lower() for m in marked), f"요약에서 '{stem}' 이 든 낱말이 강조되지 않았다: {marked}"
    # 요약은 그 쪽 본문(<article>)에 있는 글이다. 인쇄용 차례와 쪽 제목은 <article> 밖에 있다
    shown = " ".join(snippet.strip().removeprefix("…").removesuffix("…").split())
    body = " ".join(_article_text(HTML_DIR / f"{page}.html").split())
    assert shown and shown in body, f"요약이 {page} 본문의 글이 아니다: {snippet!r}"
    title = browser.js("document.querySelector('#search-results ul.search li:first-child a').innerText")
    assert not shown.startswith(title), f"요약이 쪽 제목으로 시작한다 (차례를 보여 준다): {snippet!r}"


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", [1400, 390])
def test_search_results_page_at_desktop_and_phone_widths(server, browser, width, theme):
    """검색 결과 쪽을 1400 px 와 390 px, 밝은/어두운 모드로 찍는다.

    결과의 글자(강조한 낱말 포함)가 바탕과 대비되고, 쪽이 화면보다 넓지 않다.
    """
    phone = width < 768
    browser.viewport(width, PHONE[1] if phone else 900, mobile=phone)
    try:
        _search(server, browser, SEARCH_RANKING[0][0])
        _first_snippet(browser, SEARCH_RANKING[0][0])
        _set_theme(browser, theme)
        worst = _contrast(browser, "#search-results")
        assert worst, "검색 결과에서 글자를 찾지 못했다"
        assert worst[0]["ratio"] >= MIN_CONTRAST, f"{theme}: 검색 결과의 글자가 바탕에 묻힌다: {worst[:5]}"
        page = browser.js(f"{_OVERFLOW_JS}({width})")
        assert page["scroll"] <= width + 1, f"{width} px 에서 검색 결과 쪽이 화면보다 넓다: {page}"
        time.sleep(0.2)
        browser.screenshot(f"search-{width}-{theme}")
    finally:
        _set_theme(browser, "light")
        browser.viewport(1280, 900)


# -- 어두운 화면, 좁은 화면, 글자 사이 ----------------------------------------------------------

# 요소의 글자색과 그 뒤에 실제로 깔린 바탕색(반투명한 조상의 배경은 겹쳐 칠한다)으로 WCAG 대비율을 잰다.
# ``selector`` 안에서 글자를 직접 가진 보이는 요소마다 재고, 대비가 가장 낮은 것부터 돌려준다.
_CONTRAST_JS = r"""
((selector) => {
  const parse = (text) => {
    const m = text.match(/^rgba?\(([^)]*)\)$/);
    if (!m) throw new Error('알 수 없는 색 표기: ' + text);
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, base) => [0, 1, 2].map(i => top[i] * top[3] + base[i] * (1 - top[3]));
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let base = [255, 255, 255];
    for (let i = layers.length - 1; i >= 0; i--) base = over(layers[i], base);
    return base;
  };
  const lum = (rgb) => {
    const [r, g, b] = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const seen = [];
  for (const root of document.querySelectorAll(selector)) {
    for (const el of [root, ...root.querySelectorAll('*')]) {
      if (el.closest('svg') || !el.getClientRects().length) continue;
      const own = Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
      if (!own) continue;
      const bg = background(el);
      const fg = over(parse(getComputedStyle(el).color), bg);
      seen.push({ratio: Math.round(ratio(fg, bg) * 100) / 100, text: own.slice(0, 40), tag: el.tagName.toLowerCase(),
                 color: fg.map(Math.round).join(','), background: bg.map(Math.round).join(',')});
    }
  }
  return seen.sort((a, b) => a.ratio - b.ratio);
})
"""

#: WCAG 2 의 본문 글자 최소 대비 (AA)
MIN_CONTRAST = 4.5


def _set_theme(browser: Browser, theme: str) -> None:
    """pydata-sphinx-theme 의 색 모드 단추가 하는 것과 같이 ``<html data-theme>`` 을 바꾼다."""
    browser.js(
        f"(() => {{ document.documentElement.dataset.theme = {json.dumps(theme)};"
        f" document.documentElement.dataset.mode = {json.dumps(theme)}; }})()"
    )
    assert browser.js("getComputedStyle(document.documentElement).colorScheme") == theme


def _contrast(browser: Browser, selector: str) -> list[dict[str, Any]]:
    return browser.js(f"{_CONTRAST_JS}({json.dumps(selector)})")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_output_tables_are_readable_in_both_colour_modes(server, browser, theme):
    """netlab 표의 줄무늬 행(짝수 행)과 모든 칸의 글자가 바탕과 충분히 대비된다 (밝은/어두운 모드)."""
    browser.open(server.base + BRIDGE)
    try:
        _set_theme(browser, theme)
        even = "table.netlab-table tbody tr:nth-child(even)"
        assert browser.js(f"document.querySelectorAll({json.dumps(even)}).length"), f"{BRIDGE} 에 줄무늬 행이 없다"
        striped = _contrast(browser, even)
        assert striped, "짝수 행에서 글자를 찾지 못했다"
        assert striped[0]["ratio"] >= MIN_CONTRAST, f"{theme}: 줄무늬 행의 글자가 바탕에 묻힌다: {striped[0]}"
        # 표 전체(머리줄, 제목, 홀수 행, 칸 안의 코드)
        worst = _contrast(browser, ".cell_output .output.text_html")
        assert worst[0]["ratio"] >= MIN_CONTRAST, f"{theme}: 출력 표의 글자가 바탕에 묻힌다: {worst[:5]}"
        browser.js("document.querySelector('table.netlab-table').scrollIntoView()")
        time.sleep(0.2)
        browser.screenshot(f"bridge-table-{theme}")
    finally:
        _set_theme(browser, "light")


def _widget_pages() -> list[str]:
    """위젯 상태를 품은 쪽 (대화형 탐색기, 15장의 주소 계획 검사기 …)."""
    if not HTML_DIR.is_dir():
        return [EXPLORERS]
    return sorted(
        path.relative_to(HTML_DIR).as_posix()
        for path in HTML_DIR.rglob("*.html")
        if "application/vnd.jupyter.widget-state+json" in path.read_text(encoding="utf-8")
    ) or [EXPLORERS]


@pytest.mark.parametrize("page", _widget_pages())
def test_widget_outputs_are_readable_in_both_colour_modes(server, browser, page):
    """위젯의 글자(패킷 경로 따라가기의 코드 조각, 검사기의 표와 단추)가 밝은/어두운 모드 모두에서 읽힌다."""
    browser.open(server.base + page)
    views = 'script[type="application/vnd.jupyter.widget-view+json"]'
    browser.wait_for(
        f"document.querySelectorAll('.cell_output .widget-subarea').length >= "
        f"document.querySelectorAll({json.dumps(views)}).length"
        " && document.querySelector('.cell_output .widget-subarea') !== null",
        timeout=30,
        what="위젯(embed-amd.js 가 그린 DOM)",
    )
    # 단추 아이콘(인라인 SVG)이 그림용 규칙에 걸려 커지면 단추의 글자가 아래로 밀려 보이지 않는다
    icons = browser.js(
        "Array.from(document.querySelectorAll('.cell_output .jupyter-button')).map(b => {"
        " const i = b.querySelector('svg'); return {button: b.getBoundingClientRect().height,"
        " icon: i ? i.getBoundingClientRect().height : 0, text: b.innerText}; })"
    )
    for icon in icons:
        assert icon["icon"] <= icon["button"], f"{page}: 단추의 아이콘이 단추보다 크다: {icon}"
    try:
        for theme in ("dark", "light"):
            _set_theme(browser, theme)
            worst = _contrast(browser, ".cell_output .widget-subarea")
            assert worst, "위젯 안에서 글자를 찾지 못했다"
            assert worst[0]["ratio"] >= MIN_CONTRAST, f"{page} {theme}: 위젯의 글자가 바탕에 묻힌다: {worst[:5]}"
            if theme == "dark":
                browser.js("document.querySelector('.cell_output .widget-subarea').scrollIntoView()")
                time.sleep(0.2)
                browser.screenshot(f"widgets-dark-{Path(page).stem}")
    finally:
        _set_theme(browser, "light")


#: 휴대폰 화면 (아이폰 12~15 의 CSS 픽셀 너비)
PHONE = (390, 844)


def _html_pages() -> list[str]:
    """책의 모든 쪽. 다른 쪽으로 넘기기만 하는 쪽(index.html 의 meta refresh)은 뺀다."""
    pages = []
    for path in sorted(HTML_DIR.rglob("*.html")):
        rel = path.relative_to(HTML_DIR).as_posix()
        if not rel.startswith("_") and 'http-equiv="refresh"' not in path.read_text(encoding="utf-8").lower():
            pages.append(rel)
    return pages


# 가로로 화면 밖에 나가는 요소 중, 스스로 가로 스크롤되는 상자 안에 있지 않은 것 (넘치게 만든 범인 후보)
# 휴대폰 흉내에서는 쪽이 넓으면 브라우저가 축소해 ``innerWidth`` 가 커지므로, 폭은 화면 폭(``width``)과 비교한다.
_OVERFLOW_JS = r"""
((width) => {
  const limit = width + 1;
  const scrolls = (el) => { for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const o = getComputedStyle(e).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
    return false; };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.skip-link, .bd-sidebar-secondary, .bd-sidebar-primary')) continue;  // 화면 밖에 숨은 것
    const r = el.getBoundingClientRect();
    if (r.width && r.right > limit && !scrolls(el)) {
      const cls = typeof el.className === 'string' && el.className ? '.' + el.className.split(' ').join('.') : '';
      out.push(el.tagName.toLowerCase() + cls + ' right=' + Math.round(r.right) + ' '
               + (el.textContent || '').trim().slice(0, 40));
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, culprits: out.slice(-5)};
})
"""


def test_no_page_is_wider_than_a_phone(server, browser):
    """390 px 화면에서 어느 쪽도 옆으로 밀리지 않는다. 넓은 표·코드·그림은 자기 상자 안에서만 가로로 스크롤한다."""
    pages = _html_pages()
    assert {BRIDGE, "chapters/07-overlay.html"} <= set(pages)
    wide = {}
    browser.viewport(*PHONE, mobile=True)
    try:
        for page in pages:
            browser.open(server.base + page)
            seen = browser.js(f"{_OVERFLOW_JS}({PHONE[0]})")
            if seen["scroll"] > PHONE[0] + 1:
                wide[page] = seen
            if page in (BRIDGE, "chapters/07-overlay.html"):
                browser.screenshot("phone-" + Path(page).stem)
    finally:
        browser.viewport(1280, 900)
    assert not wide, f"{PHONE[0]} px 화면보다 넓은 쪽: {json.dumps(wide, ensure_ascii=False, indent=1)}"


def test_wide_output_tables_scroll_inside_their_own_box(server, browser):
    """본문 폭보다 넓은 출력 표는 쪽을 넓히지 않고 자기 출력 상자 안에서 가로로 스크롤된다."""
    browser.viewport(*PHONE, mobile=True)
    try:
        browser.open(server.base + BRIDGE)
        boxes = browser.js(
            """Array.from(document.querySelectorAll('table.netlab-table')).map(t => {
                 const box = t.closest('.output');
                 return {table: t.getBoundingClientRect().width, box: box.clientWidth, inner: box.scrollWidth,
                         overflow: getComputedStyle(box).overflowX}; })"""
        )
    finally:
        browser.viewport(1280, 900)
    wide = [b for b in boxes if b["table"] > b["box"] + 1]
    assert wide, f"{PHONE[0]} px 에서 {BRIDGE} 의 어느 표도 출력 상자보다 넓지 않다 (시험할 것이 없다): {boxes}"
    for b in wide:
        assert b["overflow"] in ("auto", "scroll") and b["inner"] > b["box"], b


def test_topology_svg_stays_legible_on_a_phone(server, browser):
    """휴대폰에서도 구성도(SVG)는 줄어들지 않고 제 크기로 그려지며, 그 출력 상자만 가로로 스크롤된다."""
    browser.viewport(*PHONE, mobile=True)
    try:
        browser.open(server.base + BRIDGE)
        browser.wait_for(
            "Array.from(document.querySelectorAll('.cell_output img')).some(i => i.src.endsWith('.svg') && i.complete)",
            what="구성도 SVG 가 불러와짐",
        )
        imgs = browser.js(
            """Array.from(document.querySelectorAll('.cell_output img')).filter(i => i.src.endsWith('.svg')).map(i => {
                 const box = i.parentElement;
                 return {shown: i.getBoundingClientRect().width, natural: i.naturalWidth, box: box.clientWidth,
                         overflow: getComputedStyle(box).overflowX}; })"""
        )
        browser.js("document.querySelector('.cell_output img[src$=\".svg\"]').scrollIntoView()")
        time.sleep(0.2)
        browser.screenshot("phone-bridge-topology")
        page = browser.js(f"{_OVERFLOW_JS}({PHONE[0]})")
    finally:
        browser.viewport(1280, 900)
    assert imgs, f"{BRIDGE} 의 출력에 SVG 그림이 없다"
    for img in imgs:
        # 글자가 12 px 로 그려진 그림이다. 500 px(또는 그림 본래 폭)보다 줄이면 글자가 읽히지 않는다.
        assert img["shown"] >= min(500, img["natural"]) - 1, f"휴대폰에서 구성도가 너무 작게 줄었다: {img}"
        if img["shown"] > img["box"] + 1:
            assert img["overflow"] in ("auto", "scroll"), f"넓은 구성도의 상자가 스크롤되지 않는다: {img}"
    assert page["scroll"] <= PHONE[0] + 1, f"구성도 때문에 쪽이 옆으로 밀린다: {page}"


def test_korean_body_text_breaks_between_words(server, browser):
    """한국어 본문은 어절 사이에서만 줄을 바꾸고(keep-all), 긴 코드나 주소는 어디서든 끊을 수 있다."""
    browser.open(server.base + BRIDGE)
    style = browser.js(
        "(() => { const s = getComputedStyle(document.querySelector('article p'));"
        " return {wordBreak: s.wordBreak, overflowWrap: s.overflowWrap}; })()"
    )
    assert style["wordBreak"] == "keep-all", style
    assert style["overflowWrap"] in ("anywhere", "break-word"), style


# -- 화면의 한국어 문구와 아이콘 ------------------------------------------------------------------

# 본문(<article>) 밖에서 사람이 읽는 글자와 속성. 로고·상표 이름과 단축키는 영어로 둔다.
# 인쇄할 때만 보이는 차례(.onlyprint)도 본다: 인쇄한 쪽과 그 차례의 aria-label 도 독자가 읽는 문구다.
# 차례와 이전/다음 링크에 적힌 장 제목, 인쇄용 쪽 머리의 쪽 제목은 책의 내용이므로 글자는 보지 않고 속성만 본다.
_CHROME_TEXT_JS = r"""
(() => {
  const out = [];
  const skip = (el) => el.closest('article, script, style, noscript, svg');
  for (const el of document.querySelectorAll('body *')) {
    if (skip(el)) continue;
    for (const name of ['title', 'aria-label', 'placeholder', 'alt', 'data-bs-title']) {
      const v = el.getAttribute(name);
      if (v && v.trim()) out.push(v.trim());
    }
    if (el.closest('a.reference, .prev-next-title, #jb-print-docs-body > h1')) continue;  // 장 제목(책의 내용)
    for (const n of el.childNodes) if (n.nodeType === 3 && n.textContent.trim()) out.push(n.textContent.trim());
  }
  return out;
})()
"""
_ALLOWED_ENGLISH = {"Ctrl", "K", ".ipynb", ".pdf"}


def test_interface_text_is_korean(server, browser):
    """바닥글의 지은이 줄, 검색 칸, 단추의 도움말이 한국어다 (테마의 영어 문구나 어색한 번역이 아니다)."""
    browser.open(server.base + BRIDGE)
    author = browser.js("document.querySelector('.bd-footer-content .component-author').innerText.trim()")
    assert author.startswith("지은이"), f"바닥글의 지은이 줄: {author!r}"
    assert not author.startswith("으로"), author
    placeholder = browser.js("document.querySelector('.bd-search input[type=search]').placeholder")
    assert re.search("[가-힣]", placeholder) and "Search" not in placeholder, f"검색 칸: {placeholder!r}"
    english = sorted(
        {t for t in browser.js(_CHROME_TEXT_JS) if re.fullmatch(r"[\x00-\x7f]*[A-Za-z]{2,}[\x00-\x7f]*", t)}
        - _ALLOWED_ENGLISH
    )
    assert not english, f"본문 밖에 영어로 남은 문구: {english}"
    print_toc = browser.js("document.querySelector('#jb-print-toc nav')?.getAttribute('aria-label')")
    assert print_toc and re.search("[가-힣]", print_toc), f"인쇄용 차례의 aria-label: {print_toc!r}"
    # 런치 단추(Binder 등)는 없다: Binder 에는 도커 엔진이 없고 Binder 가 빌드할 공개 저장소도 없다
    launch = browser.js("document.querySelectorAll('.dropdown-launch-buttons, a[href*=\"mybinder\"]').length")
    assert launch == 0, "쪽에 런치 단추가 있다"
    # 복사 단추의 도움말과 아이콘 제목 (sphinx-copybutton 의 표에는 한국어가 없다: assets/js/copybutton-ko.js)
    copy = browser.js(
        "[...document.querySelectorAll('button.copybtn')].map(b => "
        "[b.dataset.tooltip, b.querySelector('svg title')?.textContent])"
    )
    assert copy, "복사 단추가 없다"
    assert {tuple(pair) for pair in copy} == {("복사", "클립보드로 복사")}, f"복사 단추의 문구: {copy[:3]}"
    browser.screenshot("bridge-header")


def test_no_page_logs_a_console_error(server, browser):
    """빈 프로필의 브라우저로 모든 쪽을 열어도 콘솔에 오류가 없다.

    예전에는 모든 쪽이 두 번 들어간 thebe 설정 스크립트 때문에 ``THEBE_JS_URL`` 재선언 오류를 냈다.
    """
    pages = _html_pages()
    assert "search.html" in pages and BRIDGE in pages
    start = len(browser.console_errors)
    for page in pages:
        browser.open(server.base + page)
        browser.js("0")
    errors = browser.console_errors[start:]
    assert not errors, "콘솔 오류:\n" + "\n".join(errors)


# 복사 단추를 누르고(사용자 동작으로) 그때 클립보드로 가는 글을 copy 이벤트에서 읽는다.
# ClipboardJS 는 숨은 textarea 에 글을 넣고 execCommand('copy') 를 부른다.
_COPY_JS = r"""
(async (index) => {
  const copied = [];
  const listen = (e) => copied.push(e.target && e.target.value !== undefined ? e.target.value : String(getSelection()));
  document.addEventListener('copy', listen, true);
  const button = document.querySelectorAll('button.copybtn')[index];
  try {
    button.click();
    await new Promise(r => setTimeout(r, 50));
  } finally {
    document.removeEventListener('copy', listen, true);
  }
  // 복사한 뒤 2초 동안 보이는 도움말과 아이콘 제목 (같은 평가 안에서 읽는다)
  return {copied, after: [button.dataset.tooltip, button.querySelector('svg title')?.textContent]};
})
"""


def _copy(browser: Browser, index: int) -> dict[str, list[str]]:
    result = browser.call(
        "Runtime.evaluate",
        session=browser.session,
        expression=f"{_COPY_JS}({index})",
        awaitPromise=True,
        returnByValue=True,
        userGesture=True,
    )
    assert "exceptionDetails" not in result, result
    return result["result"]["value"]


def test_copy_button_drops_shell_prompts_and_keeps_comments(server, browser):
    """셀 출력의 ``$ 명령`` 은 프롬프트 없이 명령만 복사되고, 파이썬 셀의 ``# 주석`` 줄은 그대로 복사된다."""
    browser.open(server.base + BRIDGE)
    browser.wait_for("document.querySelectorAll('button.copybtn').length > 0", what="복사 단추")
    blocks = browser.js(
        """Array.from(document.querySelectorAll('button.copybtn')).map((b, i) => {
             const pre = document.querySelector(b.dataset.clipboardTarget);
             return {i, text: pre.innerText, input: pre.closest('.cell_input') !== null}; })"""
    )
    shell = next((b for b in blocks if not b["input"] and re.search(r"^\$ docker ", b["text"], re.M)), None)
    python = next((b for b in blocks if b["input"] and re.search(r"^# ", b["text"], re.M)), None)
    assert shell and python, f"{BRIDGE} 에 '$ docker' 출력이나 '# ' 주석이 든 코드 셀이 없다 (시험할 것이 없다)"

    clicked = _copy(browser, shell["i"])
    copied = clicked["copied"]
    assert copied, "복사 단추를 눌렀는데 복사가 일어나지 않았다"
    commands = [line.removeprefix("$ ") for line in shell["text"].splitlines() if line.startswith("$ ")]
    assert copied[-1].splitlines() == commands, f"프롬프트를 뗀 명령 줄만 복사되어야 한다: {copied[-1]!r}"

    # 누른 뒤 잠깐 바뀌는 도움말과 아이콘 제목도 한국어다 (assets/js/copybutton-ko.js)
    assert clicked["after"] == ["복사했다", "복사했다"], f"복사한 뒤의 문구: {clicked['after']}"

    copied = _copy(browser, python["i"])["copied"]
    assert copied and copied[-1] == python["text"].rstrip("\n"), (
        f"파이썬 셀이 그대로 복사되지 않았다 ('# ' 를 프롬프트로 보면 주석만 남는다): {copied[-1:]!r}"
    )


# -- 코드 셀의 "파이썬"·"docker 명령" 탭 (_ext/cli_tabs.py) ---------------------------------------------

#: 6장에서 appnet 을 만드는 셀과 그 셀이 찍은 명령 줄 (tests/test_cli_tabs.py 와 같은 셀)
_CLI_CELL = '.netlab-cli-tabs[data-cell-id="43573bf9"]'
_CLI_LINES = [
    "$ docker network create --driver bridge --subnet 172.16.60.0/24 --gateway 172.16.60.1 nl-bridge-appnet",
    "$ docker network inspect --format '{{json .IPAM}}' nl-bridge-appnet",
]

# 탭 묶음 하나의 상태: 탭마다 이름, aria-selected, tabindex, 보이는지, 그 패널이 보이는지와 글자
_CLI_STATE_JS = r"""
((selector) => {
  const set = document.querySelector(selector);
  if (!set) return null;
  const visible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  return {
    ready: set.classList.contains('netlab-cli-tabs--ready'),
    focused: document.activeElement && document.activeElement.closest(selector) === set
      ? document.activeElement.textContent.trim() : null,
    list: visible(set.querySelector('[role="tablist"]')),
    tabs: Array.from(set.querySelectorAll('[role="tab"]')).map(t => {
      const p = document.getElementById(t.getAttribute('aria-controls'));
      return {label: t.textContent.trim(), selected: t.getAttribute('aria-selected'), tabindex: t.tabIndex,
              shown: visible(p), text: p ? p.innerText.trim() : null};
    }),
  };
})
"""


def _cli_state(browser: Browser, selector: str = _CLI_CELL) -> dict[str, Any]:
    state = browser.js(f"{_CLI_STATE_JS}({json.dumps(selector)})")
    assert state, f"{BRIDGE} 에 탭 묶음 {selector} 이 없다 (_ext/cli_tabs.py 가 빌드에 들어갔는가)"
    return state


def _click(browser: Browser, selector: str) -> None:
    """요소의 가운데를 진짜 마우스로 누른다 (DevTools 의 입력 이벤트)."""
    box = browser.js(
        f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView({{block: 'center'}});"
        " const r = e.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()"
    )
    for kind in ("mousePressed", "mouseReleased"):
        browser.call("Input.dispatchMouseEvent", session=browser.session, type=kind, button="left", clickCount=1, **box)


_KEYS = {"ArrowLeft": 37, "ArrowRight": 39, "Home": 36, "End": 35, "Tab": 9}


def _press(browser: Browser, key: str) -> None:
    code = _KEYS[key]
    for kind in ("rawKeyDown", "keyUp"):
        browser.call(
            "Input.dispatchKeyEvent",
            session=browser.session,
            type=kind,
            key=key,
            code=key,
            windowsVirtualKeyCode=code,
            nativeVirtualKeyCode=code,
        )


def _selected(state: dict[str, Any]) -> list[str]:
    return [t["label"] for t in state["tabs"] if t["selected"] == "true"]


def test_cli_tabs_switch_by_click_and_keyboard(server, browser):
    """6장의 appnet 셀: 처음에는 파이썬 탭, 누르면 명령 탭(그 셀이 찍은 줄), 화살표·Home·End 키로도 바뀐다."""
    browser.open(server.base + BRIDGE)
    browser.js("localStorage.removeItem('netlab-cli-tabs')")
    browser.open(server.base + BRIDGE)
    try:
        browser.wait_for(
            f"document.querySelector({json.dumps(_CLI_CELL)})?.classList.contains('netlab-cli-tabs--ready')",
            what="탭 스크립트(cli-tabs.js)가 탭 묶음을 준비함",
        )
        state = _cli_state(browser)
        assert [t["label"] for t in state["tabs"]] == ["파이썬", "docker 명령"]
        assert _selected(state) == ["파이썬"] and [t["shown"] for t in state["tabs"]] == [True, False], state
        assert 'appnet = lab.network("appnet"' in state["tabs"][0]["text"]

        # 마우스로 누른다
        _click(browser, _CLI_CELL + ' [role="tab"][data-kind="cli"]')
        state = _cli_state(browser)
        assert _selected(state) == ["docker 명령"] and [t["shown"] for t in state["tabs"]] == [False, True], state
        assert state["tabs"][1]["text"].splitlines() == _CLI_LINES
        assert [t["tabindex"] for t in state["tabs"]] == [-1, 0], "고른 탭만 Tab 키로 닿아야 한다"
        # 같은 쪽의 다른 탭 묶음도 명령 탭으로 바뀐다
        others = browser.js(
            "Array.from(document.querySelectorAll('.netlab-cli-tabs [role=tab][data-kind=cli]'))"
            ".map(t => t.getAttribute('aria-selected'))"
        )
        assert len(others) > 1 and set(others) == {"true"}, others

        # 키보드: 고른 탭에 초점을 두고 ←, End, Home, →
        browser.js(f"document.querySelector({json.dumps(_CLI_CELL + ' [aria-selected=true]')}).focus()")
        for key, label in (
            ("ArrowLeft", "파이썬"),
            ("End", "docker 명령"),
            ("Home", "파이썬"),
            ("ArrowRight", "docker 명령"),
        ):
            _press(browser, key)
            state = _cli_state(browser)
            assert _selected(state) == [label] and state["focused"] == label, f"{key}: {state}"
            shown = [t["label"] for t in state["tabs"] if t["shown"]]
            assert shown == [label], f"{key}: 고른 탭의 패널만 보여야 한다: {state}"
        # Tab 키는 탭 줄을 떠나 보이는 패널로 간다
        _press(browser, "Tab")
        into = browser.js("document.activeElement.getAttribute('role') + ' ' + document.activeElement.dataset.kind")
        assert into == "tabpanel cli", f"Tab 키가 명령 패널로 가지 않았다: {into}"

        # 고른 쪽은 다음에 열 때도 남는다
        browser.open(server.base + BRIDGE)
        browser.wait_for(
            f"document.querySelector({json.dumps(_CLI_CELL)})?.classList.contains('netlab-cli-tabs--ready')"
        )
        assert _selected(_cli_state(browser)) == ["docker 명령"]
    finally:
        browser.js("localStorage.removeItem('netlab-cli-tabs')")


def test_cli_tabs_print_both_panels(server, browser):
    """인쇄할 때는 탭 줄 없이 두 패널(파이썬과 명령)을 모두 보인다."""
    browser.open(server.base + BRIDGE)
    try:
        browser.call("Emulation.setEmulatedMedia", session=browser.session, media="print")
        state = _cli_state(browser)
        assert not state["list"], "인쇄할 때 탭 줄이 보인다"
        assert [t["shown"] for t in state["tabs"]] == [True, True], state
        label = browser.js(
            f"getComputedStyle(document.querySelector({json.dumps(_CLI_CELL + ' [data-kind=cli][role=tabpanel]')}),"
            " '::before').content"
        )
        assert "docker 명령" in label, f"인쇄한 명령 패널에 이름표가 없다: {label}"
    finally:
        browser.call("Emulation.setEmulatedMedia", session=browser.session, media="")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_cli_tabs_on_a_phone_in_both_colour_modes(server, browser, theme):
    """390 px 화면에서 탭 묶음이 쪽을 넓히지 않고, 탭 이름과 명령 줄이 밝은/어두운 모드 모두에서 읽힌다."""
    browser.viewport(*PHONE, mobile=True)
    try:
        browser.open(server.base + BRIDGE)
        browser.wait_for(
            f"document.querySelector({json.dumps(_CLI_CELL)})?.classList.contains('netlab-cli-tabs--ready')"
        )
        _set_theme(browser, theme)
        _click(browser, _CLI_CELL + ' [role="tab"][data-kind="cli"]')
        state = _cli_state(browser)
        assert _selected(state) == ["docker 명령"], state
        box = browser.js(
            f"(() => {{ const r = document.querySelector({json.dumps(_CLI_CELL)}).getBoundingClientRect();"
            " return {left: r.left, right: r.right}; })()"
        )
        assert box["left"] >= 0 and box["right"] <= PHONE[0] + 1, f"탭 묶음이 화면 밖으로 나간다: {box}"
        page = browser.js(f"{_OVERFLOW_JS}({PHONE[0]})")
        assert page["scroll"] <= PHONE[0] + 1, f"탭 때문에 쪽이 옆으로 밀린다: {page}"
        worst = _contrast(browser, _CLI_CELL + ' [role="tablist"]')
        assert len(worst) == 2 and worst[0]["ratio"] >= MIN_CONTRAST, f"{theme}: 탭 이름이 바탕에 묻힌다: {worst}"
        worst = _contrast(browser, _CLI_CELL + ' [role="tabpanel"][data-kind="cli"]')
        assert worst and worst[0]["ratio"] >= MIN_CONTRAST, f"{theme}: 명령 줄이 바탕에 묻힌다: {worst[:5]}"
        time.sleep(0.2)
        browser.screenshot(f"cli-tabs-390-{theme}")
    finally:
        browser.js("localStorage.removeItem('netlab-cli-tabs')")
        _set_theme(browser, "light")
        browser.viewport(1280, 900)


def test_favicon_is_served(server, browser):
    """쪽이 가리키는 아이콘(favicon)이 책 안에 있다."""
    browser.open(server.base + "intro.html")
    icons = browser.js(
        """Promise.all(Array.from(document.querySelectorAll('link[rel~="icon"]')).map(async l => {
             const r = await fetch(l.href);
             return {href: l.href, status: r.status, type: r.headers.get('content-type')}; }))"""
    )
    assert icons, "쪽에 <link rel=icon> 이 없다 (브라우저가 /favicon.ico 를 찾다가 404 를 받는다)"
    for icon in icons:
        assert urlsplit(icon["href"]).hostname == "127.0.0.1", icon
        assert icon["status"] == 200 and icon["type"].startswith("image/"), icon


def _netlog_outside_traffic(netlog: Path) -> tuple[list[str], list[str], list[str]]:
    """네트워크 기록에서 (루프백이 아닌 TCP 연결 시도, 루프백이 아닌 곳에 바이트를 보낸 소켓, 막힌 이름)."""
    data = json.loads(netlog.read_text())
    names = {v: k for k, v in data["constants"]["logEventTypes"].items()}
    by_source: dict[int, list[tuple[str, dict[str, Any]]]] = {}
    for event in data["events"]:
        by_source.setdefault(event["source"]["id"], []).append((names[event["type"]], event.get("params") or {}))

    def local(address: str) -> bool:
        host = address.rsplit(":", 1)[0].strip("[]")
        return host in ("127.0.0.1", "::1") or host.startswith("127.")

    tcp_outside, sent_outside, blocked = [], [], set()
    for events in by_source.values():
        remote = ""
        sent = False
        for kind, params in events:
            if kind in ("TCP_CONNECT_ATTEMPT", "UDP_CONNECT", "SOCKET_CONNECT") and params.get("address"):
                remote = params["address"]
                if kind == "TCP_CONNECT_ATTEMPT" and not local(remote):
                    tcp_outside.append(remote)
            if kind in ("SOCKET_BYTES_SENT", "UDP_BYTES_SENT"):
                sent = True
            if kind == "HOST_RESOLVER_MANAGER_REQUEST" and params.get("host"):
                host = urlsplit(params["host"]).hostname or params["host"]
                if host != "127.0.0.1":
                    blocked.add(host)
            if kind == "URL_REQUEST_START_JOB" and params.get("url"):
                host = urlsplit(params["url"]).hostname or ""
                if host and host != "127.0.0.1":
                    blocked.add(host)
        if sent and remote and not local(remote):
            sent_outside.append(remote)
    return tcp_outside, sent_outside, sorted(blocked)


def test_no_request_leaves_the_machine(server, browser):
    """위의 모든 쪽을 여는 동안 쪽이 요청한 것은 모두 127.0.0.1 이고, 브라우저 전체가 밖으로 보낸 바이트가 없다."""
    if not browser.requests:  # 이 시험만 따로 돌릴 때
        browser.open(server.base + "intro.html")
    outside = [u for u in browser.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")]
    outside = [u for u in outside if urlsplit(u).hostname != "127.0.0.1"]
    assert not outside, f"쪽이 이 기계 밖의 주소를 불렀다: {outside}"
    missing = sorted({path for path, status in server.requests if status == 404})
    assert not missing, f"책의 쪽이 책에 없는 파일을 불렀다 (404): {missing}"
    if any("00-explorers" in path for path, _status in server.requests):
        # 위젯의 아이콘 글꼴은 embed-amd.js 옆(_static/jupyter-widgets/)에서 와야 한다 (_config.yml 의 requirejs 경로)
        fonts = {(path, status) for path, status in server.requests if path.endswith((".woff2", ".woff", ".ttf"))}
        widget_fonts = {(path, status) for path, status in fonts if "/jupyter-widgets/" in path}
        assert widget_fonts, f"위젯 쪽이 위젯 글꼴을 하나도 받지 않았다: {sorted(fonts)}"
        # 같은 쪽을 두 번 열면(밝은/어두운 모드 시험) 브라우저가 캐시를 확인만 하고 304 를 받는다.
        # 그것도 이 서버에서 온 것이다
        wrong = sorted(
            (path, status)
            for path, status in widget_fonts
            if not path.startswith("/_static/jupyter-widgets/") or status not in (200, 304)
        )
        assert not wrong, f"위젯 글꼴이 엉뚱한 곳에서 오거나 실패했다: {wrong}"
    browser.close()  # 네트워크 기록은 브라우저가 끝날 때 마무리된다
    tcp_outside, sent_outside, blocked = _netlog_outside_traffic(browser.netlog)
    assert not tcp_outside, f"Chromium 이 이 기계 밖으로 TCP 연결을 시도했다: {tcp_outside}"
    assert not sent_outside, f"Chromium 이 이 기계 밖의 주소로 바이트를 보냈다: {sent_outside}"
    # 막힌 이름(Chromium 의 내부 서비스)은 ~NOTFOUND 로 풀리지 않았다. 기록으로만 남긴다.
    print("host-resolver-rules 가 막은 이름:", ", ".join(blocked) or "없음")
