"""컨테이너 안에서 셸 명령 하나를 돌리는 가장 아랫단: 결과 모양(:class:`ExecResult`)과 exec 한 번.

실습 세션(:mod:`netlab.lab`), 호스트 보기, 클러스터 노드, 랩 호스트, 셸 세션이 모두 같은 결과 모양을 돌려주어야
노트북의 출력이 어느 길로 돌든 같다. 그래서 세션보다 아래인 여기에 두어, 호스트 쪽 모듈이 세션을 부르지 않고도 쓴다.
"""

from __future__ import annotations

from dataclasses import dataclass

from docker.models.containers import Container

from .execstream import ExecStreamTimeout, exec_output
from .wait import until


@dataclass(frozen=True)
class ExecResult:
    """컨테이너 안에서 실행한 명령의 결과. 노트북에서는 출력 텍스트로 보인다."""

    command: str
    exit_code: int
    output: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def __repr__(self) -> str:  # 노트북 셀의 마지막 값으로 보일 때
        return self.output.rstrip("\n") if self.output.strip() else f"(출력 없음, 종료 코드 {self.exit_code})"

    def lines(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.strip()]


def wrapped_command(command: str, timeout: float) -> list[str]:
    """셸 명령 하나를 ``timeout`` 초 뒤 KILL 되게, 표준 오류를 표준 출력에 합쳐 도는 argv로 감싼다.

    exec로 돌리든(:func:`container_sh`) 떠 있는 셸에 보내든(:mod:`netlab.shell_session`) 같은 모양이어야 결과가 같다.
    표준 오류를 셸 안에서 합치는 까닭: 엔진 28은 exec의 두 흐름을 따로 된 파이프로 읽어 보내므로, 엔진에 두 흐름을
    맡기면 "out; err"가 "err, out" 순서로 올 수 있다(측정).
    """
    return ["timeout", "-s", "KILL", str(int(timeout)), "sh", "-c", "exec 2>&1\n" + command]


def container_sh(target: Container, command: str, *, timeout: float = 15) -> ExecResult:
    """컨테이너 안에서 셸 명령을 실행한다(그 컨테이너가 속한 엔진에서). ``timeout`` 초가 지나면 명령을 끊는다."""
    wrapped = wrapped_command(command, timeout)
    api = target.client.api  # 컨테이너가 속한 엔진 (붙은 스웜의 노드일 수 있다)
    exec_id = api.exec_create(target.id, wrapped, stdout=True, stderr=True)["Id"]
    try:
        # 명령은 timeout 초 뒤에 KILL 된다. 그 뒤로도 스트림이 닫히지 않으면(바쁜 기계의 노드 엔진)
        # 셀이 멈춰 있지 않고 알린다 (netlab.execstream)
        output = exec_output(api, exec_id, timeout + 30)
    except ExecStreamTimeout as exc:
        raise ExecStreamTimeout(f"{target.name} 안의 명령이 끝나지 않았다: {command}\n  {exc}") from None
    # 스트림이 닫힌 직후에는 종료 코드가 아직 기록되지 않았을 수 있다
    state = until(
        lambda: api.exec_inspect(exec_id),
        lambda info: not info.get("Running") and info.get("ExitCode") is not None,
        what=f"{target.name} 안의 명령의 종료 코드",
        timeout=10,
        interval=0.02,
    )
    text = output.decode("utf-8", errors="replace")
    return ExecResult(command=command, exit_code=state["ExitCode"], output=text)
