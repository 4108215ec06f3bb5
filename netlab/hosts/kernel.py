"""커널 기능이 필요한 셀이 어느 커널에서 돌지 고른다: 독자의 엔진 호스트인가, 랩 호스트의 손님인가.

VLAN 트렁크(802.1Q), ipvlan, 서비스 VIP(IPVS)는 엔진이 아니라 커널이 한다. 보통의 배포판 커널에는
모두 있지만 이 책을 만든 기계와 CI의 커널에는 없다. 그래서 그런 절의 첫 셀은 :func:`choose`를 부른다.

- 엔진 호스트의 커널이 기능을 모두 가졌으면 그 엔진에서 돈다 (``NETLAB_LABHOST=auto``, 기본값).
- 없으면 랩 호스트(:mod:`netlab.labhost`)를 띄우고 손님 커널 위의 엔진에서 돈다.
- 독자는 ``NETLAB_LABHOST=always``로 랩 호스트를 고집하거나, ``never``로 막을 수 있다. ``never`` 인데
  기능이 없으면 무엇이 없는지 한국어로 말하고 :class:`~netlab.engine.FeatureMissing`을 낸다.

고른 결과(:class:`KernelEngine`)는 어느 쪽이든 같은 모양이다. 절의 셀은 그 위에서만 일하므로 두 경로가 같은
코드를 지난다. 스웜이 필요한 절은 ``local``에 이 책이 띄운 클러스터 노드를 준다. 독자 엔진의 스웜 상태는
어느 경우에도 건드리지 않는다.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import docker

from ..base.engine import FeatureMissing
from ..base.execution import ExecResult
from . import capabilities
from .session import Lab
from .shell_session import ShellSession

#: 독자가 고를 수 있는 값. auto: 기능이 없을 때만 랩 호스트, always: 늘 랩 호스트, never: 랩 호스트를 쓰지 않는다.
MODES = ("auto", "always", "never")

Progress = Callable[[str], None]


def mode() -> str:
    """``NETLAB_LABHOST``의 값 (없으면 auto). 모르는 값이면 고칠 수 있게 알린다."""
    value = os.environ.get("NETLAB_LABHOST", "auto").strip().lower() or "auto"
    if value not in MODES:
        raise ValueError(f"NETLAB_LABHOST는 {', '.join(MODES)} 가운데 하나여야 한다: {value!r}")
    return value


def missing_features(features: tuple[str, ...], cli: docker.DockerClient | None = None) -> list[str]:
    """``cli`` 엔진(없으면 이 프로세스의 엔진) 호스트의 커널에 없는 기능. 시험은 버리는 컨테이너에서 한다."""
    found = capabilities._run_tests(cli) if cli is not None else capabilities.probe().features
    return [name for name in features if not found.get(name, False)]


@dataclass
class KernelEngine:
    """기능이 있는 커널 위의 엔진 하나와, 그 엔진 호스트를 들여다보는 방법.

    ``root``는 엔진 호스트의 ``/``를 도구 상자에서 본 경로다. 클러스터 노드(DinD)면 그 노드 컨테이너의
    ``/proc/<PID>/root``이고, 비어 있으면 엔진 호스트 자신이다. 그때는 dockerd의 ``/proc/<PID>/root``를 쓴다
    (``/proc/1``은 호스트에 따라 도구 상자에게도 막혀 있다). 도커가 만든 네트워크 네임스페이스
    (``/run/docker/netns/…``)가 그 아래에 있다.
    """

    lab: Lab
    features: tuple[str, ...]
    where: str
    reason: str
    root: str = ""
    view: Any = None  # .sh(command)가 있는 도구 상자. 없으면 lab.host
    labhost: Any = None  # 랩 호스트를 썼으면 그 LabHost
    #: 그 엔진이 규칙을 쓰는 iptables. 손님 커널에는 nf_tables의 ip 계열이 없어 손님 엔진은 legacy를 쓴다.
    iptables: str = "iptables"
    _cleanups: list[Callable[[], None]] = field(default_factory=list)
    #: 랩 호스트에서 명령을 보내는 도구 상자의 셸 세션 (:mod:`netlab.shell_session`). 처음 쓸 때 띄운다.
    _session: ShellSession | None = field(default=None, repr=False)
    #: 찾아 둔 dockerd의 ``/proc/<PID>/root``. 손님 커널에서는 exec 하나가 2초 남짓이라, 명령마다 다시 찾지 않는다.
    _dockerd_root: str = field(default="", repr=False)

    @property
    def client(self) -> docker.DockerClient:
        return self.lab.client

    @property
    def on_labhost(self) -> bool:
        return self.labhost is not None

    def _view(self) -> Any:
        return self.view if self.view is not None else self.lab.host

    def _exec(self, command: str, *, timeout: float = 15) -> ExecResult:
        """도구 상자에서 명령 하나. 랩 호스트에서는 exec마다 2초 가까이 들어 셸 세션 하나로 보낸다."""
        if self.labhost is None:
            return self._view().sh(command, timeout=timeout)
        if self._session is None:
            self._session = ShellSession(self._view().container)
        return self._session.sh(command, timeout=timeout)

    def sh(self, command: str, *, timeout: float = 15) -> ExecResult:
        """엔진 호스트의 뿌리 네트워크 네임스페이스에서 명령을 실행한다 (도구는 실습 이미지의 것)."""
        if not self.root:  # 도구 상자가 이미 엔진 호스트의 네트워크 네임스페이스에 있다
            return self._exec(command, timeout=timeout)
        pid_dir = self.root.removesuffix("/root")
        return self._exec(f"nsenter --net={pid_dir}/ns/net -- sh -c {shlex.quote(command)}", timeout=timeout)

    def _root(self) -> str:
        if self.root:
            return self.root
        if not self._dockerd_root:  # 이 객체가 사는 동안(절 하나) dockerd는 다시 시작하지 않는다
            pid = self._exec("pidof -s dockerd").output.strip()
            if not pid.isdigit():
                raise FeatureMissing(f"엔진 호스트에서 dockerd 프로세스를 찾지 못했다: {pid!r}")
            self._dockerd_root = f"/proc/{pid}/root"
        return self._dockerd_root

    def netns(self, namespace: str, command: str, *, timeout: float = 15) -> ExecResult:
        """도커가 만든 네트워크 네임스페이스(``lb_…``, ``ingress_sbox`` 등)에서 명령을 실행한다."""
        path = f"{self._root()}/run/docker/netns/{namespace}"
        return self._exec(f"nsenter --net={path} -- sh -c {shlex.quote(command)}", timeout=timeout)

    def namespace_of(self, container: Any) -> str:
        """컨테이너의 네트워크 네임스페이스 이름 (``netns()``와 ``watch()``에 준다). 엔진의 샌드박스 키에서 읽는다."""
        container.reload()
        return container.attrs["NetworkSettings"]["SandboxKey"].rsplit("/", 1)[-1]

    def watch(
        self, probes: dict[str, tuple[str, str]], *, seconds: float, interval: float = 0.5
    ) -> list[dict[str, str]]:
        """여러 네임스페이스의 값을 셸 루프 하나에서 ``seconds`` 초 동안 함께 잰다. 줄마다 ``t``(에포크 초)와 탐침 값.

        ``probes``는 ``{이름: (네임스페이스, 명령)}``이고, 명령의 출력은 공백 하나로 이어 붙인 값이 된다.
        손님 커널(UML)에서는 exec 하나를 여는 데 몇 초가 걸려, 셀에서 exec를 되풀이하면 탐침 셋을 한 번 도는 데
        10초가 넘었다(측정). 루프 하나로 재면 한 바퀴가 2~5초였다(손님에서는 프로세스 생성 자체가 느리다).
        ``t``는 그 바퀴를 시작한 때이고, 모든 값이 같은 시계(엔진 호스트의 것)를 쓴다. 그 바퀴의 탐침은 그 줄의
        ``t``와 다음 줄의 ``t`` 사이에 돌았다.
        """
        root = self._root()
        parts = []
        for label, (namespace, command) in probes.items():
            if not label.isidentifier():
                raise ValueError(f"탐침 이름은 식별자여야 한다: {label!r}")
            enter = f"nsenter --net={root}/run/docker/netns/{namespace} -- sh -c {shlex.quote(command)}"
            parts.append(f'v=$({enter} 2>/dev/null | tr -s " \\n" " "); printf "\\t%s=%s" {label} "$v"')
        loop = (
            f"end=$(( $(date +%s) + {int(seconds + 0.999)} )); "
            f'while [ "$(date +%s)" -lt "$end" ]; do printf "t=%s" "$(date +%s.%N)"; '
            + "; ".join(parts)
            + f"; echo; sleep {interval}; done"
        )
        output = self._exec(loop, timeout=seconds + 60).output
        rows = []
        for line in output.splitlines():
            if line.startswith("t="):
                rows.append(
                    {k: v.strip() for k, v in (field.split("=", 1) for field in line.split("\t") if "=" in field)}
                )
        return rows

    def namespaces(self) -> list[str]:
        """엔진이 만든 네트워크 네임스페이스 이름 (정렬)."""
        return sorted(self._exec(f"ls {self._root()}/run/docker/netns 2>/dev/null").output.split())

    def ensure_swarm(self, *, progress: Progress = print) -> None:
        """스웜이 필요한 절에서: 랩 호스트면 손님 하나로 스웜을 만든다. 독자 쪽이면 이미 스웜인 노드여야 한다."""
        state = self.client.info()["Swarm"]["LocalNodeState"]
        if self.labhost is not None:
            # 손님은 이 책의 것이다: 지난 실행이 남긴 스웜이 있어도 새로 만든다
            self.labhost.form_swarm(1, progress=progress)
            return
        if state != "active":
            raise FeatureMissing("이 엔진은 스웜 노드가 아니다. choose()의 local에 클러스터 노드를 준다.")

    def describe(self) -> str:
        return f"{', '.join(self.features)}: {self.reason} → {self.where}에서 실행한다"

    def release(self) -> None:
        """절의 마지막 셀: 랩 호스트를 썼으면 그 스웜을 풀고 라벨이 붙은 것을 지운 뒤 내린다(또는 다음을 위해 둔다)."""
        if self._session is not None:
            self._session.close()
            self._session = None
        for step in reversed(self._cleanups):
            step()
        if self.labhost is not None:
            # 스웜을 먼저 떠난다: 떠나면 손님의 서비스와 오버레이가 함께 사라지므로, 남은 것만 라벨로 지우면 된다
            self.labhost.finish(self.lab)


def choose(
    lab: Lab,
    *features: str,
    local: Any = None,
    swarm: bool = False,
    progress: Progress = print,
) -> KernelEngine:
    """``features``가 모두 있는 커널 위의 엔진을 고른다.

    ``lab``은 그 장의 실습이다. 독자의 엔진에서 돌 때는 그 실습을 그대로 쓰고(자원을 지우지 않는다),
    랩 호스트에서 돌 때는 같은 이름, 같은 주소 블록의 실습을 손님 엔진에 연다.
    ``local``에 클러스터 노드(:class:`netlab.cluster.Node`)를 주면 독자 쪽 경로는 그 노드의 엔진이다
    (스웜이 필요한 절: 노드는 엔진 호스트의 커널을 함께 쓴다). 클러스터가 없는 장은 ``swarm=True``를 준다.
    그러면 독자 쪽 경로가 노드 하나짜리 DinD 클러스터를 띄우고, :meth:`KernelEngine.release`가 내린다.
    """
    wanted = mode()
    missing = missing_features(features)
    if wanted == "never" and missing:
        text = "\n".join(f"- {name}: {capabilities.EXPLAIN.get(name, '')}" for name in missing)
        raise FeatureMissing("NETLAB_LABHOST=never 인데 이 엔진 호스트의 커널에 없는 기능이 있다.\n" + text)
    if wanted != "always" and not missing:
        if swarm and local is None:
            from .cluster import Cluster

            cluster = Cluster.up(lab, nodes=1)
            chosen = _local(lab, features, cluster.manager)
            chosen._cleanups.append(lambda: cluster.down(quiet=True))
            return chosen
        return _local(lab, features, local)
    from .labhost import LabHost

    reason = (
        "NETLAB_LABHOST=always"
        if wanted == "always"
        else f"이 엔진 호스트의 커널에 {', '.join(missing)}{_particle(missing[-1])} 없다"
    )
    host = LabHost.up(progress=progress)
    guest = host.first
    from .session import start

    guest_lab = start(lab.name, engine=guest.client, summary=False)
    return KernelEngine(
        lab=guest_lab,
        features=features,
        where=f"랩 호스트의 손님 커널({guest.name}, 리눅스 {guest.client.version()['KernelVersion']})",
        reason=reason,
        labhost=host,
        iptables="iptables-legacy",
    )


def _local(lab: Lab, features: tuple[str, ...], node: Any) -> KernelEngine:
    reason = "이 엔진 호스트의 커널에 모두 있다"
    if node is None:
        return KernelEngine(lab=lab, features=features, where="이 엔진 호스트", reason=reason)
    node_lab = Lab(lab.name, echo=lab.echo, engine=node.client)
    pid = lab.host.pid_of(node.container)
    return KernelEngine(
        lab=node_lab,
        features=features,
        where=f"클러스터 노드 {node.name}(엔진 호스트의 커널을 함께 쓴다)",
        reason=reason,
        root=f"/proc/{pid}/root",
        view=lab.host,
    )


def _particle(word: str) -> str:
    """받침으로 '이/가'를 고른다. 영문 기능 이름은 읽는 소리의 끝으로 본다 (ipvs → 에스, 8021q → 큐)."""
    last = word[-1].lower()
    if "가" <= last <= "힣":
        return "이" if (ord(last) - ord("가")) % 28 else "가"
    # 영문과 숫자: 끝소리에 받침이 있는 것 (l 엘, m 엠, n 엔, r 알, 0 영, 1 일, 3 삼, 6 육, 7 칠, 8 팔)
    return "이" if last in "lmnr013678" else "가"
