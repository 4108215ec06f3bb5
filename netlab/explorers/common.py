"""탐색기들이 함께 쓰는 HTML 조각: 글자 이스케이프, 상자와 오류 상자의 모양, 표와 줄의 HTML.

탐색기마다 모듈이 따로라도 책에서 같은 모양으로 보이도록 스타일을 한곳에 둔다.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from ..draw import show

esc = html.escape


BOX = "border:1px solid #cbd5e1;border-radius:6px;padding:8px 12px;margin:6px 0;background:#f8fafc;color:#0f172a"


ERR = "border:1px solid #fca5a5;border-radius:6px;padding:8px 12px;margin:6px 0;background:#fef2f2;color:#7f1d1d"


def table_html(table: show.Table) -> str:
    return table._repr_html_()


def lines_html(lines: Iterable[str]) -> str:
    return "<br>".join(esc(line) for line in lines)
