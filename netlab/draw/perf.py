"""드라이버 성능 측정값의 그림 (실습 8).

길마다 잰 값을 모두 점으로 찍고 가운데값에 막대를 둔다. 평균 하나만 보이면 코어가 둘뿐인 기계에서 생기는 큰
흔들림이 숨는다. 처리량과 왕복 시간을 나란히 두고, 측정 묶음(이 기계의 엔진, 랩 호스트의 커널)마다 줄을 따로
둔다. 두 묶음은 커널과 CPU 사용 방식이 달라서 값끼리 견주면 안 되고, 같은 묶음 안의 차이만 읽는다.

matplotlib는 그릴 때만 불러온다. ``import netlab``이 그림 라이브러리를 싣지 않게 하려는 것이다. pyplot과 그 백엔드를
거치지 않고 ``Figure``를 바로 만들어 PNG로 내보내므로, 노트북 커널의 그림 설정과 상관없이 같은 그림이 나온다.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from typing import Any

#: 한글이 있는 글꼴 (앞의 것부터). 없으면 matplotlib 기본 글꼴로 그리고, 한글 자리는 빈 네모가 된다.
KOREAN_FONTS = ("Noto Sans CJK KR", "NanumGothic", "UnDotum", "Baekmuk Gulim", "Baekmuk Dotum")


def _korean_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in KOREAN_FONTS if name in names), None)


class PerfFigure:
    """노트북에 PNG로 보이는 그림. ``figure``는 matplotlib의 Figure다."""

    def __init__(self, figure: Any) -> None:
        self.figure = figure

    def png(self) -> bytes:
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # 한글 글꼴이 없으면 글자마다 나는 경고
            self.figure.savefig(buffer, format="png", dpi=110)
        return buffer.getvalue()

    def _repr_png_(self) -> bytes:
        return self.png()


def plot(results: Sequence[Any], groups: Sequence[str], title: str = "") -> PerfFigure:
    """results(:class:`netlab.observe.perf.PathResult`)를 groups 순서로 줄마다 그린 그림."""
    import matplotlib
    from matplotlib.figure import Figure

    font = _korean_font()
    rc = {"font.family": font} if font else {}
    with matplotlib.rc_context({**rc, "axes.unicode_minus": False}), warnings.catch_warnings():
        # 한글 글꼴이 없는 기계에서는 글자마다 경고가 난다: 그림은 그대로 그리고 경고는 삼킨다
        warnings.simplefilter("ignore", UserWarning)
        height = 2.2 + 1.1 * max(_count(results, g) for g in groups)
        fig = Figure(figsize=(11, height))
        axes = fig.subplots(len(groups), 2, squeeze=False)
        for (left, right), group in zip(axes, groups, strict=True):
            rows = [r for r in results if r.group == group]
            names = [r.name for r in rows][::-1]
            for y, r in enumerate(rows[::-1]):
                left.scatter(r.gbps, [y] * len(r.gbps), color="#1f77b4", zorder=3, s=28)
                left.plot([r.median_gbps] * 2, [y - 0.3, y + 0.3], color="#d62728", linewidth=2.5, zorder=4)
            left.set_yticks(range(len(names)), names)
            left.set_xlim(left=0)
            left.set_xlabel("처리량 Gbit/s (점: 한 번 잰 값, 빨간 막대: 가운데값)")
            left.set_title(group, loc="left", fontsize=11)
            left.grid(axis="x", alpha=0.3)
            # 왕복 시간을 재지 않은 길(게시 포트)은 빈 줄로 둔다
            right.boxplot([r.rtt_ms or [float("nan")] for r in rows[::-1]], vert=False, widths=0.5, showfliers=True)
            right.set_yticks(range(1, len(names) + 1), names)
            right.set_xlim(left=0)
            right.set_xlabel("왕복 시간 ms (상자: 가운데 절반, ○: 벗어난 값)")
            right.grid(axis="x", alpha=0.3)
        if title:
            fig.suptitle(title, fontsize=13)
        fig.tight_layout()
    return PerfFigure(fig)


def _count(results: Sequence[Any], group: str) -> int:
    return sum(1 for r in results if r.group == group)
