"""진단의 결과 모양: 발견(:class:`Finding`)과 그 목록인 리포트(:class:`Report`).

모든 진단 함수가 같은 리포트를 돌려주므로, 노트북의 표와 확인 셀이 진단의 종류와 상관없이 같은 모양을 읽는다.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

OK = "정상"


BAD = "문제"


NOTE = "참고"


@dataclass(frozen=True)
class Finding:
    """발견 하나: 수준(정상/문제/참고), 층, 설명."""

    level: str
    layer: str
    text: str


@dataclass
class Report:
    """진단 결과. 노트북 셀의 마지막 값으로 두면 표로 보인다."""

    title: str
    findings: list[Finding] = field(default_factory=list)
    #: 숫자로 된 결과 (확인 셀이 쓴다): 예를 들어 ``path_mtu``, ``dropped``, ``answers``.
    data: dict[str, Any] = field(default_factory=dict)

    def add(self, level: str, layer: str, text: str) -> Finding:
        finding = Finding(level, layer, text)
        self.findings.append(finding)
        return finding

    def ok(self, layer: str, text: str) -> Finding:
        return self.add(OK, layer, text)

    def bad(self, layer: str, text: str) -> Finding:
        return self.add(BAD, layer, text)

    def note(self, layer: str, text: str) -> Finding:
        return self.add(NOTE, layer, text)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.level == BAD]

    @property
    def healthy(self) -> bool:
        """문제가 하나도 없으면 참."""
        return not self.problems

    def mentions(self, *words: str, level: str | None = None) -> bool:
        """모든 낱말을 담은 발견이 있는지 (``level``을 주면 그 수준에서만)."""
        return any(
            all(w in f.text or w in f.layer for w in words) for f in self.findings if level is None or f.level == level
        )

    def conclusion(self) -> str:
        if self.healthy:
            return "결론: 문제를 찾지 못했다."
        return f"결론: 문제 {len(self.problems)}건. 위에서부터 차례로 본다."

    def __repr__(self) -> str:
        lines = [f"진단: {self.title}"]
        lines += [f"  [{f.level}] {f.layer}: {f.text}" for f in self.findings]
        lines.append(self.conclusion())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f'<tr class="netlab-{"bad" if f.level == BAD else "ok" if f.level == OK else "note"}">'
            f"<td>{html.escape(f.level)}</td><td>{html.escape(f.layer)}</td><td>{html.escape(f.text)}</td></tr>"
            for f in self.findings
        )
        return (
            f'<table class="netlab-table"><caption>진단: {html.escape(self.title)}</caption>'
            "<thead><tr><th>수준</th><th>층</th><th>발견</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><p>{html.escape(self.conclusion())}</p>"
        )
