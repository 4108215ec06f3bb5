"""시간 제한이 있는 기다림: 늦게 참이 되는 상태를 기다리고, 끝내 안 되면 마지막 값을 보여 준다."""

from __future__ import annotations

import time

import pytest

import netlab
from netlab.base.checks import CheckFailed
from netlab.base.wait import WaitTimeout, check_eventually, scaled, until


class Countdown:
    """부를 때마다 주소가 하나씩 늘어나는 답 (가십으로 퍼지는 DNS 레코드의 대역)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> list[str]:
        self.calls += 1
        return [f"10.0.0.{i}" for i in range(2, 2 + self.calls)]


def test_until_returns_the_value_that_satisfied_it():
    probe = Countdown()
    value = until(probe, lambda v: len(v) == 3, what="셋", interval=0.01)
    assert value == ["10.0.0.2", "10.0.0.3", "10.0.0.4"]
    assert probe.calls == 3


def test_until_gives_up_with_the_last_value_seen():
    started = time.monotonic()
    with pytest.raises(WaitTimeout) as info:
        until(lambda: ["10.0.0.2"], lambda v: len(v) == 3, what="who가 세 주소로 풀리기", timeout=0.3, interval=0.05)
    assert time.monotonic() - started < 2
    assert info.value.last == ["10.0.0.2"]
    assert "who가 세 주소로 풀리기" in str(info.value)
    assert "10.0.0.2" in str(info.value)
    # 노트북의 오류 표시가 확인 실패로 다루고, 부르는 쪽은 TimeoutError 로도 잡을 수 있다
    assert isinstance(info.value, CheckFailed)
    assert isinstance(info.value, TimeoutError)


def test_until_does_not_hide_a_failure_that_waiting_cannot_fix():
    def rejected() -> None:
        raise RuntimeError("태스크가 rejected 되었다")

    started = time.monotonic()
    with pytest.raises(RuntimeError, match="rejected"):
        until(rejected, what="태스크", timeout=10)
    assert time.monotonic() - started < 1


def test_check_eventually_prints_the_same_line_as_check(capsys):
    check_eventually(Countdown(), lambda v: len(v) == 3, "who는 태스크 주소 3개로 풀린다", interval=0.01)
    netlab.check(True, "who는 태스크 주소 3개로 풀린다")
    first, second = capsys.readouterr().out.splitlines()
    assert first == second == "✔ who는 태스크 주소 3개로 풀린다"


def test_check_eventually_fails_like_check_when_the_fact_is_false(capsys):
    with pytest.raises(CheckFailed) as info:
        check_eventually(lambda: 2, lambda v: v == 3, "세 개", timeout=0.2, interval=0.05)
    assert str(info.value).startswith("✘ 세 개: 확인 실패")
    assert "실제로 본 것: 2" in str(info.value)
    assert capsys.readouterr().out == ""


def test_scale_stretches_every_timeout(monkeypatch):
    monkeypatch.setenv("NETLAB_WAIT_SCALE", "3")
    assert scaled(10) == 30
    monkeypatch.setenv("NETLAB_WAIT_SCALE", "0.1")  # 줄이지는 않는다: 제한 시간은 이미 최소한이다
    assert scaled(10) == 10
    monkeypatch.setenv("NETLAB_WAIT_SCALE", "빠르게")
    assert scaled(10) == 10
