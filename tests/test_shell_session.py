"""도구 상자 안의 셸 세션(netlab.shell_session): exec로 돌린 것과 같은 결과를 내는가.

랩 호스트에서 커널을 들여다보는 절이 이 세션으로 명령을 보낸다. 결과가 exec와 다르면 저장된 출력이 달라지므로,
같은 명령을 두 길로 돌려 비교한다. 세션이 끊겼을 때 다시 띄우는 것과, 명령이 제한 시간에 KILL 되는 것도 본다.
"""

from __future__ import annotations

import pytest

from netlab.hosts.shell_session import ShellSession
from netlab.lab import container_sh

# 출력과 종료 코드가 exec와 같아야 하는 명령들: 끝에 줄바꿈이 없는 출력, 표준 오류의 순서, 빈 출력,
# 셸을 끝내는 exit, 표준 입력을 읽으려는 명령(세션의 다음 명령을 먹으면 안 된다), 따옴표와 여러 줄
SAME_AS_EXEC = [
    "printf 'no newline'",
    "echo out; echo err >&2; echo out2",
    "true",
    "exit 3",
    "cat; echo after-cat",
    "echo \"it's\" 'two'\necho line2",
    "ip -o link show lo | cut -d: -f2",
]


@pytest.fixture()
def toolbox(engine):
    import netlab

    lab = netlab.lab("test", summary=False, echo=False)
    try:
        yield lab.host.container
    finally:
        lab.cleanup(quiet=True)


def test_session_gives_the_same_output_and_exit_code_as_exec(toolbox):
    with ShellSession(toolbox) as session:
        for command in SAME_AS_EXEC:
            by_exec = container_sh(toolbox, command)
            by_session = session.sh(command)
            assert (by_session.output, by_session.exit_code) == (by_exec.output, by_exec.exit_code), command


def test_session_kills_a_command_at_its_timeout_and_keeps_going(toolbox):
    with ShellSession(toolbox) as session:
        slow = session.sh("sleep 30; echo never", timeout=1)
        assert slow.exit_code == 137 and "never" not in slow.output  # timeout -s KILL, exec와 같다
        assert session.sh("echo still-here").output == "still-here\n"


def test_session_reopens_when_its_shell_is_gone(toolbox):
    session = ShellSession(toolbox)
    # 명령은 timeout의 자식이고, timeout은 세션 셸의 자식이다
    shell_of = "ps -o ppid= -p $PPID | tr -d ' '"
    first = session.sh(shell_of).output.strip()
    session.close()  # 표준 입력이 닫혀 셸이 끝난다: 다음 명령은 새 셸에서 돈다
    second = session.sh(shell_of).output.strip()
    gone = session.sh(f"kill -0 {first} 2>/dev/null && echo alive || echo gone").output.strip()
    session.close()
    assert first.isdigit() and second.isdigit() and first != second
    assert gone == "gone"
