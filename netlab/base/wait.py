"""나중에야 참이 되는 상태를 기다리는 단 하나의 방법: 시간 제한이 있는 폴링.

스웜과 커널의 상태는 명령이 끝난 순간이 아니라 조금 뒤에 맞춰진다. 서비스의 DNS 레코드는 가십으로
다른 노드에 퍼지고, 오버레이의 VNI는 매니저의 할당기가 따로 붙이며, 서버는 컨테이너가 running이
된 뒤에야 포트를 듣는다. 변경 직후에 한 번 읽으면 한가한 기계에서는 맞고 바쁜 기계에서는 틀린다.
그래서 그런 상태는 이 모듈로 읽는다.

- 맨 ``sleep``으로 기다리지 않는다. 충분히 길면 느리고, 짧으면 바쁜 기계에서 실패한다.
- 제한 시간을 넘기면 마지막으로 본 값을 담아 실패한다. 무엇이 어디까지 되었는지 보여야 고칠 수 있다.
- 기다림이 성공하면 결과는 한 번 읽었을 때와 같다. 저장된 출력에 기다린 시간은 남지 않는다.

::

    from netlab.wait import until, check_eventually

    answer = until(lambda: services.dig(client, "who"), lambda a: a == who_ips,
                   what="who의 DNS 레코드가 세 태스크 주소로 퍼지기")
    check_eventually(lambda: services.dig(client, "who"), lambda a: a == who_ips,
                     "who는 VIP 없이 태스크 주소 3개로 풀린다")
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, TypeVar

from .checks import CheckFailed, check
from .korean import josa

T = TypeVar("T")

#: 기본 제한 시간(초). 한가한 기계에서는 대개 1초 안에 맞춰지는 상태들이다. 두 코어가 모두 바쁜
#: 기계(``make soak``)에서 가장 느렸던 가십 전파도 이보다 훨씬 짧았다. ``NETLAB_WAIT_SCALE``로
#: 모든 제한 시간을 늘릴 수 있다 (느린 가상 머신).
DEFAULT_TIMEOUT = 30.0


class WaitTimeout(CheckFailed, TimeoutError):
    """제한 시간 안에 기대한 상태가 되지 않았다. ``last``는 마지막으로 본 값이다."""

    def __init__(self, message: str, last: Any = None) -> None:
        super().__init__(message)
        self.last = last


def scaled(timeout: float) -> float:
    """``NETLAB_WAIT_SCALE`` (기본 1)을 곱한 제한 시간."""
    try:
        factor = float(os.environ.get("NETLAB_WAIT_SCALE", "1"))
    except ValueError:
        factor = 1.0
    return timeout * max(factor, 1.0)


def until(
    probe: Callable[[], T],
    ok: Callable[[T], Any] = bool,
    *,
    what: str,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = 0.2,
) -> T:
    """``ok(probe())``가 참이 될 때까지 ``probe``를 다시 부르고, 참이 된 값을 돌려준다.

    ``probe``가 던진 예외는 그대로 올라간다: 기다려도 나아지지 않는 실패(태스크가 rejected 되었다,
    컨테이너가 끝났다)는 probe 안에서 예외로 알리면 곧바로 멈춘다. 제한 시간을 넘기면
    :class:`WaitTimeout`이고, 그 메시지에 ``what``과 마지막으로 본 값이 들어 있다.
    간격은 ``interval``에서 시작해 1초까지 늘어난다 (오래 걸리는 상태에 엔진을 두드리지 않도록).
    """
    limit = scaled(timeout)
    deadline = time.monotonic() + limit
    pause = interval
    while True:
        value = probe()
        if ok(value):
            return value
        if time.monotonic() >= deadline:
            raise WaitTimeout(f"✘ {limit:.0f}초를 기다렸지만 되지 않았다: {what}\n  마지막으로 본 것: {value!r}", value)
        time.sleep(min(pause, max(deadline - time.monotonic(), 0.01)))
        pause = min(pause * 1.5, 1.0)


def check_eventually(
    probe: Callable[[], T],
    ok: Callable[[T], Any],
    message: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = 0.2,
) -> None:
    """:func:`until`로 기다린 뒤 :func:`netlab.check`처럼 ``✔ message``를 출력한다.

    한 번 읽어서 확인하던 ``check(ok(probe()), message)``와 출력이 같다. 다른 점은 상태가 퍼질
    시간을 준다는 것뿐이다. 제한 시간 안에 참이 되지 않으면 실패하고, 마지막으로 본 값을 보여 준다.
    ``check()``처럼 아무것도 돌려주지 않으므로 셀의 마지막 줄이어도 출력이 더 생기지 않는다.
    기다린 값이 필요하면 :func:`until`로 받고 ``check()``로 확인한다.
    """
    try:
        until(probe, ok, what=message, timeout=timeout, interval=interval)
    except WaitTimeout as exc:
        raise WaitTimeout(
            f"✘ {message}: 확인 실패 ({scaled(timeout):.0f}초 동안 기다림)\n  실제로 본 것: {exc.last!r}", exc.last
        ) from None
    check(True, message)


def until_running(container: Any, label: str, *, timeout: float = 20, interval: float = 0.1) -> str:
    """컨테이너가 running이 될 때까지 기다린다. 그 전에 끝나면 마지막 기록 20줄을 담은 ``RuntimeError``다.

    ``label``은 메시지에 쓰는 이름이다 (``컨테이너 web``, ``도구 상자 netlab-host``). 실습 세션과 도구 상자가 같은
    기다림을 쓴다.
    """

    def status() -> str:
        container.reload()
        if container.status in ("exited", "dead"):
            logs = container.logs(tail=20).decode(errors="replace")
            raise RuntimeError(f"{josa(label, '가')} 바로 끝났다:\n{logs}")
        return container.status

    return until(
        status, lambda s: s == "running", what=f"{josa(label, '가')} running", timeout=timeout, interval=interval
    )
