"""테마의 화면 문구(단추 도움말, 바닥글, 검색 칸)를 한국어로 바꾼다.

sphinx-book-theme 와 pydata-sphinx-theme 의 문구는 번역 카탈로그 두 개에서 온다.

* ``booktheme``: sphinx-book-theme 의 카탈로그. 한국어 번역이 있지만 어색하다. "By {author}" 의
  ``By`` 가 ``으로`` 라서 바닥글이 "으로 도커 네트워크 실습서 저자들" 이 되고, ``Launch on`` 은 번역이 없다.
* ``sphinx``: Sphinx 자신과 pydata-sphinx-theme 가 함께 쓰는 카탈로그. pydata-sphinx-theme 에는 한국어 번역이
  없어서 "Back to top", "Color mode" 같은 문구가 영어로 남는다.

이 확장은 두 카탈로그의 번역기 앞에 이 책의 번역표(``UI_KO``)를 끼운다. 표에 없는 문구는 원래 번역기로
넘어간다. 테마 템플릿에 영어로 박혀 있는 문구(옆 막대 단추의 도움말, 책 차례와 인쇄용 차례의 ``aria-label``)는
``templates/`` 의 같은 이름 템플릿이 ``_()`` 로 감싸 번역표를 거치게 한다. 검색 칸의 안내 글은 Jupyter Book 이 테마 옵션
``search_bar_text`` 에 영어("Search this book...")로 넣으므로 그 옵션을 바꾼다. 복사 단추(sphinx-copybutton)의
도움말과 아이콘 제목은 그 스크립트의 번역표에 한국어가 없어서, ``assets/js/copybutton-ko.js`` 를 그 뒤에 넣어 더한다.

HTML 을 빌드한 뒤에 고치지 않고 테마가 문구를 고르는 자리에서 바꾸므로, 테마를 올려도 문구의 뜻(msgid)이
같으면 그대로 맞는다. 시험은 ``tests/test_browser.py`` 의 ``test_interface_text_is_korean`` 이 한다.
"""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sphinx.locale import get_translator, translators

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = ["COPYBUTTON_KO", "SEARCH_BAR_TEXT", "UI_KO", "OverrideTranslations"]

_VERSION: Final = "1.0"
_TEMPLATES: Final = Path(__file__).with_name("templates")

#: 검색 칸의 안내 글
SEARCH_BAR_TEXT: Final = "이 책에서 찾기…"

#: 카탈로그 이름 → {영어 문구(msgid): 한국어}. 책 본문처럼 쪽(page)은 "쪽" 이라고 한다.
UI_KO: Final[dict[str, dict[str, str]]] = {
    "booktheme": {
        # 바닥글: "{By} {author}"
        "By": "지은이:",
        "Contents": "차례",
        "Download notebook file": "노트북 파일 내려받기",
        "Download source file": "원본 파일 내려받기",
        "Download this page": "이 쪽 내려받기",
        "Fullscreen mode": "전체 화면",
        "Launch": "실행",
        "Launch interactive content": "실행 환경에서 열기",
        "Print to PDF": "PDF로 인쇄",
        "Search": "검색",
        # 런치 단추 그림의 alt: "{서비스} {logo}"
        "logo": "로고",
        "next page": "다음 쪽",
        "previous page": "이전 쪽",
        # templates/ 의 옆 막대 단추
        "Toggle primary sidebar": "책의 차례 열고 닫기",
        "Toggle secondary sidebar": "이 쪽의 차례 열고 닫기",
    },
    "sphinx": {
        "Skip to main content": "본문으로 건너뛰기",
        "Back to top": "맨 위로",
        "Color mode": "화면 색",
        "Light": "밝게",
        "Dark": "어둡게",
        "System Settings": "시스템 설정 따르기",
        "On this page": "이 쪽의 차례",
        "Site navigation": "책의 차례",
        "Section Navigation": "이 부분의 차례",
        "Breadcrumb": "현재 위치",
        "Home": "처음",
        "previous page": "이전 쪽",
        "next page": "다음 쪽",
        "previous": "이전",
        "next": "다음",
        "Version warning": "판 경고",
        "Announcement": "알림",
        "Collapse Sidebar": "옆 막대 접기",
        "Expand Sidebar": "옆 막대 펴기",
        "Click to expand": "눌러서 펼치기",
        "Click to collapse": "눌러서 접기",
        "© Copyright %(copyright)s.": "© %(copyright)s.",
        "Copyright %(copyright)s": "저작권 %(copyright)s",
        "Last updated on %(last_updated)s.": "마지막으로 고친 때: %(last_updated)s.",
        "Please activate JavaScript to enable the search functionality.": "검색하려면 자바스크립트를 켜야 한다.",
        # templates/ 의 책 차례(aria-label)
        "Main": "책의 차례",
        # templates/layout.html 의 인쇄용 차례(aria-label)
        "Page": "이 쪽의 차례",
    },
}

# 런치 단추의 도움말은 테마가 "{Launch on} {서비스}" 로 이어 붙이므로 번역표로는 어순을 맞출 수 없다.
# 단추 목록(header_buttons)이 만들어진 뒤 그 자리에서 "{서비스}에서 열기" 로 바꾼다.
_LAUNCH_ON: Final = "Launch on"


class OverrideTranslations(gettext.NullTranslations):
    """표에 있는 문구는 표의 번역으로, 나머지는 원래 번역기(fallback)로 옮긴다."""

    def __init__(self, table: dict[str, str], fallback: gettext.NullTranslations) -> None:
        super().__init__()
        self.table = dict(table)
        self.add_fallback(fallback)

    def gettext(self, message: str) -> str:
        if message in self.table:
            return self.table[message]
        return super().gettext(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        if n == 1 and msgid1 in self.table:
            return self.table[msgid1]
        return super().ngettext(msgid1, msgid2, n)


def _install(app: Sphinx, config: Config) -> None:
    # 모든 확장의 setup() 이 카탈로그를 등록한 다음(config-inited)에 끼운다. 두 번 불려도 한 겹만 씌운다.
    if not (config.language or "").startswith("ko"):
        return
    for catalog, table in UI_KO.items():
        current = get_translator(catalog)
        if isinstance(current, OverrideTranslations):
            continue
        translators["general", catalog] = override = OverrideTranslations(table, current)
        # 템플릿의 _() 와 {% trans %} 는 sphinx.locale 의 표가 아니라 app.translator 를 직접 쓴다
        # (sphinx/jinja2glue.py). 빌더가 템플릿을 준비하기 전이므로 여기서 바꾸면 템플릿에도 닿는다.
        if catalog == "sphinx" and app.translator is current:
            app.translator = override
    options = dict(config.html_theme_options or {})
    options["search_bar_text"] = SEARCH_BAR_TEXT
    config.html_theme_options = options
    config.templates_path = [str(_TEMPLATES), *[p for p in config.templates_path if p != str(_TEMPLATES)]]


def _launch_tooltips(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if not (app.config.language or "").startswith("ko"):
        return
    prefix = get_translator("booktheme").gettext(_LAUNCH_ON) + " "

    def fix(buttons: list[dict[str, Any]]) -> None:
        for button in buttons:
            tooltip = button.get("tooltip", "")
            if tooltip.startswith(prefix) and button.get("text"):
                button["tooltip"] = f"{button['text']}에서 열기"
            fix(button.get("buttons", []))

    fix(context.get("header_buttons", []))


#: 복사 단추의 문구를 한국어로 (``assets/js/copybutton-ko.js``). copybutton.js(우선순위 500) 바로 뒤에 와야 한다.
COPYBUTTON_KO: Final = "copybutton-ko.js"


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _install, priority=900)
    app.add_js_file(COPYBUTTON_KO, priority=501)
    # sphinx-book-theme 은 런치 단추를 priority 501 에서 만든다
    app.connect("html-page-context", _launch_tooltips, priority=600)
    return {
        "version": _VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
