"""노트북(IPython) 안에서만 필요한 것: 엔진이 없을 때 오류를 짧은 한국어 설명으로 바꾼다.

Binder처럼 엔진이 없는 곳에서 책을 열면, 엔진을 쓰는 셀마다 긴 트레이스백이 쏟아지는 대신
한 줄짜리 이유가 보여야 한다. 첫 셀이 엔진 없음을 알게 되면 '오프라인 모드'로 들어가고,
그 뒤로는 앞선 엔진 셀이 만들지 못한 변수를 찾는 ``NameError``도 같은 이유로 설명한다.
"""

from __future__ import annotations

from typing import Any

from .engine import EngineUnavailable, FeatureMissing

_OFFLINE_NOTE = (
    "(엔진 없음)이 셀은 앞선 엔진 셀이 만든 것을 쓰므로 실행하지 않았다. 저장된 출력은 실제 실행의 기록이다."
)


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _show_engine_error(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> None:
    first = str(value).splitlines()[0] if str(value) else etype.__name__
    if etype is EngineUnavailable:
        print(f"EngineUnavailable: {first}. 이 셀은 실행되지 않았다.")
    elif etype is NameError:
        print(_OFFLINE_NOTE)
    else:
        print(f"{etype.__name__}: {value}")


def install_error_display(*, offline: bool = False) -> None:
    """엔진 없음과 기능 없음을 트레이스백 없이 보여 준다. ``offline``이면 NameError도."""
    shell = _shell()
    if shell is None:
        return
    kinds: tuple[type, ...] = (EngineUnavailable, FeatureMissing)
    if offline:
        kinds += (NameError,)
    shell.set_custom_exc(kinds, _show_engine_error)
