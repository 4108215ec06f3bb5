"""본문이 말한 대로 네트워크가 동작하는지 확인하는 자가 점검.

확인은 ``assert``와 같지만, 통과하면 무엇을 확인했는지 한 줄로 남기고, 실패하면 무엇을
기대했고 무엇을 보았는지 한국어로 알려 준다. 저장된 출력의 ✔ 줄은 실제로 통과한 확인이다.
"""

from __future__ import annotations

from typing import Any


class CheckFailed(AssertionError):
    """자가 점검이 실패했다: 네트워크가 본문이 말한 대로 동작하지 않는다."""


def check(condition: Any, message: str, *, seen: Any = None) -> None:
    """``condition``이 참이면 ``✔ message``를 출력하고, 거짓이면 :class:`CheckFailed`."""
    if condition:
        print(f"✔ {message}")
        return
    detail = f"\n  실제로 본 것: {seen!r}" if seen is not None else ""
    raise CheckFailed(f"✘ {message}: 확인 실패{detail}")


def check_equal(actual: Any, expected: Any, message: str) -> None:
    """두 값이 같은지."""
    check(actual == expected, message, seen={"기대": expected, "실제": actual})
