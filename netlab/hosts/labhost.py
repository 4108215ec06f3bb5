"""랩 호스트: 사용자 모드 리눅스(UML) 커널 위의 도커 엔진.

이 책의 원문을 떠받치는 세 메커니즘, 곧 라우팅 메시와 VIP 부하 분산(커널의 IPVS)과 암호화된 오버레이
(IPsec ESP)는 커널 기능이다. 이 책을 만든 기계와 CI의 커널에는 IPVS, ESP, 802.1Q, ipvlan이 없다.
데비안의 ``user-mode-linux`` 꾸러미는 그 기능이 모두 모듈로 들어 있는 리눅스 커널(6.1)을 보통 프로세스로
돌린다(KVM이 필요 없다). 랩 호스트는 그 커널을 부팅하고, 그 안에서 이 책의 기준 엔진(28.5.2)을 돌린다::

    from netlab import labhost

    host = labhost.LabHost.up()    # 이미지와 디스크를 (처음이면) 만들고 부팅하거나, 떠 있는 것을 다시 쓴다
    host.client.info()["KernelVersion"]   # '6.1.176'
    host.down()                    # 컨테이너 하나를 지우면 UML 프로세스와 탭과 디스크 사본이 함께 사라진다

    labhost.use()                  # 이 파이썬 프로세스의 netlab이 손님 엔진을 쓰게 한다 (노트북 첫 셀)

구성:

- **컨테이너 하나** (``netlab-labhost``, 실습 라벨 ``labhost``). 바깥 엔진(이 기계의 엔진) 위에서
  ``network_mode=none``으로 뜨고, 그 네트워크 네임스페이스 안에 탭 장치 ``tap0`` 하나만 만든다. 그래서
  컨테이너에 주는 권한은 ``NET_ADMIN``과 ``/dev/net/tun`` 뿐이다. UML 프로세스가 컨테이너의 PID 1이다.
  컨테이너를 지우면(KILL 되어도) 그 안의 프로세스, 탭, 디스크 사본이 함께 사라지므로 ``python -m netlab
  clean`` 하나로 아무것도 남지 않는다.
- **손님의 루트 디스크**는 랩 호스트 이미지(``images/labhost``)의 루트 파일 시스템으로 만든 ext4
  (``/guest.img``)다. 노드 이미지와 같은 도구와 엔진이 들어 있고, 손님 커널의 모듈이 함께 있다.
- **손님의 데이터 디스크** (``/var/lib/docker``)에는 실습 이미지(``netlab/lab:bookworm``)를 미리 load 해
  둔다. UML 안에서는 프로세스 하나 만드는 데 수십 ms가 들어, 이미지를 손님 안에서 load 하면 몇 분이
  걸린다. 그래서 같은 엔진을 바깥 엔진 위의 보통 컨테이너에서 한 번 띄워 load 하고, 그 데이터 폴더를
  ``mkfs.ext4 -d``로 디스크 파일로 만든다(:func:`netlab.hosts.labhost_disk.prepare_disk`). 디스크는 라벨이 붙은 볼륨에
  두고, 랩 호스트 레시피나 실습 이미지가 바뀔 때만 다시 만든다. 부팅할 때마다 사본으로 부팅한다.
- **엔진에 닿는 길.** 손님 엔진은 손님 안의 유닉스 소켓에서 듣고, 손님 안의 ``socat``이 그 소켓을 탭 쪽
  주소(``192.168.252.2:2375``)에 잇는다. 그 주소는 랩 호스트 컨테이너의 네트워크 네임스페이스 안에만
  있다. 노트북은 바깥 엔진의 exec API로 컨테이너 안에서 ``socat STDIO TCP:…``을 실행해 닿는다
  (:class:`netlab.hosts.cluster.tunnel.ExecTunnel`, 클러스터 노드에 닿는 것과 같은 방법). 이 기계의 다른 곳에서도,
  바깥에서도 손님 엔진에 닿는 길은 없다.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import docker
from docker.errors import DockerException, NotFound
from docker.models.containers import Container

from ..base import cli_echo, engine
from ..base.execution import ExecResult, container_sh
from ..base.korean import josa
from ..base.resources import is_ours, labels_for
from ..base.wait import WaitTimeout, scaled, until
from . import images
from .labhost_base import (
    IMAGE,
    LAB,
    LabHostError,
    Progress,
    SwarmLeaveStuck,
    _print,
    ping,
)
from .labhost_base import record_event as record_event  # 예전 경로 labhost.record_event로도 부른다
from .labhost_base import take_events as take_events  # python -m netlab labhost down이 부른다
from .labhost_disk import LABEL_DISK, disk_key, prepare_disk
from .labhost_swarm import GuestSwarm

#: 랩 호스트 컨테이너의 이름. 한 엔진에 하나만 둔다.
CONTAINER = "netlab-labhost"
#: 손님들의 언더레이: 랩 호스트 컨테이너 안의 브리지 ``br0`` (``.1``)와 손님 n의 주소(``.n+1``).
#: 컨테이너의 네트워크 네임스페이스 안에만 있어서 이 기계의 다른 곳에서는 보이지 않는다.
UNDERLAY = "192.168.252.0/24"
UNDERLAY_BRIDGE = "br0"
#: 손님 엔진 API를 잇는 socat의 포트 (손님 주소에서만 듣는다).
API_PORT = 2375
#: 한 랩 호스트에 띄울 수 있는 손님 수의 상한 (여러 노드 실험은 2를 쓴다).
MAX_GUESTS = 3
#: 손님 메모리. UML은 이만큼을 컨테이너 안의 tmpfs(/run/uml) 파일로 잡는다.
GUEST_MEMORY_MB = int(os.environ.get("NETLAB_LABHOST_MEM_MB", "3072"))
#: 부팅에서 엔진이 답할 때까지 기다리는 시간(초). 이 기계에서는 약 40초다.
BOOT_TIMEOUT = 300


def guest_ip(number: int) -> str:
    """손님 ``number``의 언더레이 주소 (1번이 ``192.168.252.2``)."""
    return f"192.168.252.{number + 1}"


def guest_name(number: int) -> str:
    """손님의 호스트 이름: 1번은 ``labhost``, 나머지는 ``labhost2``처럼 번호를 붙인다."""
    return "labhost" if number == 1 else f"labhost{number}"


def _guest_log(number: int) -> str:
    return f"/var/log/labhost/guest{number}.log"


#: 1번 손님의 주소 (예전 이름, 테스트와 독자의 명령줄에서 쓴다).
GUEST_IP = guest_ip(1)


def _outer_client() -> docker.DockerClient:
    """랩 호스트를 띄우는 바깥 엔진. :func:`use`가 ``DOCKER_HOST``를 손님 엔진으로 바꾼 뒤에도 처음의 엔진이다."""
    if _STATE.outer is None:
        _STATE.outer = engine.client()
    return _STATE.outer


@dataclass
class _State:
    outer: docker.DockerClient | None = None
    active: LabHost | None = None
    original_docker_host: str | None = field(default_factory=lambda: os.environ.get("DOCKER_HOST"))


_STATE = _State()


class Guest:
    """랩 호스트 안의 손님 커널 하나와 그 위의 엔진. 번호 1이 기본 손님이고, 2부터는 여러 노드 실험용이다."""

    def __init__(self, host: LabHost, number: int) -> None:
        from .cluster.tunnel import ExecTunnel  # cluster가 host를 거쳐 이 모듈을 부르지 않도록 늦게 가져온다

        self.host = host
        self.number = number
        self.ip = guest_ip(number)
        self.name = guest_name(number)
        self._tunnel = ExecTunnel(host.outer, host.container, ["socat", "STDIO", f"TCP:{self.ip}:{API_PORT}"])
        # 부팅 중에는 엔진이 아직 없으므로 "auto"(만들 때 버전을 묻는다)를 쓸 수 없다. 응답 확인은 버전을 고정한
        # 짧은 클라이언트로 하고, 실제 클라이언트는 처음 쓸 때 만든다.
        self._pinger = docker.DockerClient(base_url=self._tunnel.base_url, version="1.41", timeout=10)
        self._client: docker.DockerClient | None = None

    @property
    def client(self) -> docker.DockerClient:
        """이 손님 엔진의 도커 SDK 클라이언트 (API 버전은 엔진에 묻는다)."""
        if self._client is None:
            self._client = cli_echo.register(
                docker.DockerClient(base_url=self._tunnel.base_url, version="auto", timeout=engine.API_TIMEOUT),
                self.cli,
            )
        return self._client

    @property
    def engine_url(self) -> str:
        """이 파이썬 프로세스 안의 터널 소켓 주소 (``DOCKER_HOST``로 줄 수 있다). 프로세스가 살아 있는 동안만 있다."""
        return self._tunnel.base_url

    @property
    def cli(self) -> str:
        """독자가 엔진 호스트의 터미널에서 이 손님 엔진에 같은 일을 시키는 명령의 앞부분."""
        return f"docker exec {CONTAINER} docker -H tcp://{self.ip}:{API_PORT}"

    def answers(self) -> bool:
        return ping(self._pinger)

    def boot_log(self, tail: int | None = None) -> str:
        """이 손님의 콘솔 기록 (UML 커널의 메시지와 손님 init의 단계). 1번은 컨테이너 로그, 나머지는 파일이다."""
        if self.number == 1:
            return self.host.container.logs(tail=tail if tail is not None else "all").decode(errors="replace")
        cut = f" | tail -n {int(tail)}" if tail is not None else ""
        result = self.host.container.exec_run(["sh", "-c", f"cat {_guest_log(self.number)} 2>/dev/null{cut}"])
        return result.output.decode(errors="replace")

    def close(self) -> None:
        for cli in (self._pinger, self._client):
            if cli is not None:
                try:
                    cli.close()
                except DockerException:
                    pass
        self._client = None
        self._tunnel.close()

    def __repr__(self) -> str:
        return f"Guest({self.name!r}, {self.ip!r})"


class LabHost(GuestSwarm):
    """떠 있는 랩 호스트 하나: 바깥 엔진의 컨테이너와, 그 안의 UML 커널(손님)들 위에서 도는 엔진들.

    손님들은 컨테이너 안의 브리지 ``br0``(``192.168.252.0/24``)를 언더레이로 함께 쓴다. 그 브리지는 컨테이너의
    네트워크 네임스페이스에만 있으므로, 거기서 잡은 패킷(:meth:`sh`로 tcpdump)은 손님 사이의 선 위의 패킷이다.
    """

    def __init__(self, outer: docker.DockerClient, container: Container) -> None:
        self.outer = outer
        self.container = container
        self.guests: dict[int, Guest] = {1: Guest(self, 1)}

    @property
    def first(self) -> Guest:
        return self.guests[1]

    @property
    def client(self) -> docker.DockerClient:
        """1번 손님 엔진의 도커 SDK 클라이언트."""
        return self.first.client

    @property
    def engine_url(self) -> str:
        return self.first.engine_url

    @property
    def cli(self) -> str:
        return self.first.cli

    def guest(self, number: int) -> Guest:
        """번호가 ``number``인 손님. 아직 띄우지 않았으면 :meth:`add_guests`를 먼저 부른다."""
        if number not in self.guests:
            raise LabHostError(f"손님 {josa(number, '은')} 아직 없다. LabHost.up(guests={number})로 띄운다.")
        return self.guests[number]

    # -- 세우기 -------------------------------------------------------------------------
    @classmethod
    def up(cls, *, guests: int = 1, progress: Progress = _print) -> LabHost:
        """랩 호스트를 띄운다. 같은 레시피와 디스크로 떠서 답하는 것이 있으면 그것을 쓴다.

        ``guests``는 필요한 손님 수다(여러 노드 실험은 2). 떠 있는 랩 호스트에 손님이 모자라면 더 띄운다.
        처음이면 이미지 빌드(약 2분)와 데이터 디스크(약 1분)가 먼저다. 진행 상황을 줄 단위로 보여 준다.
        """
        if not 1 <= guests <= MAX_GUESTS:
            raise LabHostError(f"손님 수는 1~{MAX_GUESTS} 다: {guests}")
        started = time.monotonic()
        outer = _outer_client()
        if engine.is_rootless_guest(outer):
            # 바깥 엔진이 이미 root 없는 랩 호스트의 UML 손님이다: 그 안에서 UML을 또 돌릴 수는 없다.
            raise LabHostError(
                "지금 엔진은 root 없는 랩 호스트의 손님이다. 그 커널에는 IPVS, ESP, 802.1Q, ipvlan이 이미 있어서 "
                "한 엔진으로 되는 절은 이 엔진에서 돈다. 손님 커널 둘이 필요한 절(8장과 14장의 두 노드, 실습 7, 8)은 "
                "아직 root 없는 랩 호스트에서 돌지 않는다. 그 절은 저장된 출력으로 읽는다."
            )
        images.build("labhost", progress=progress)
        key = disk_key(outer)
        volume = prepare_disk(outer, key, progress)
        container = cls._existing(outer, key)
        if container is not None:
            host = cls(outer, container)
            if host.first.answers():
                host.attach_running_guests()
                try:
                    # 지난 노트북이 중간에 멈춰 손님이 스웜에 남았을 수 있다. 떠나지 못하는 손님이면 새로 부팅한다
                    host.leave_swarm()
                except SwarmLeaveStuck:
                    host.close()
                    progress("떠 있던 랩 호스트의 손님 엔진이 스웜을 떠나지 못해 지우고 다시 부팅한다.")
                    container.remove(force=True, v=True)
                else:
                    progress(f"랩 호스트가 이미 떠 있다: {host.describe()}")
                    if guests > 1:
                        host.add_guests(guests, progress=progress)
                    return host
            else:
                host.close()
                progress("떠 있던 랩 호스트가 답하지 않아 지우고 다시 부팅한다.")
                container.remove(force=True, v=True)
        container = cls._boot(outer, volume, key, progress)
        host = cls(outer, container)
        # 손님들은 함께 부팅한다: 1번은 컨테이너의 시작 명령이고, 나머지는 바로 exec로 띄운다
        for number in range(2, guests + 1):
            host._start_guest(number, progress)
        for number in range(1, guests + 1):
            host._wait_guest(number, progress)
        progress(f"랩 호스트 준비: {host.describe()} ({time.monotonic() - started:.0f}초)")
        return host

    def add_guests(self, count: int, *, progress: Progress = _print) -> list[Guest]:
        """손님이 ``count`` 개가 되도록 더 띄운다 (이미 떠 있는 손님은 그대로 둔다). 모든 손님을 돌려준다."""
        if not 1 <= count <= MAX_GUESTS:
            raise LabHostError(f"손님 수는 1~{MAX_GUESTS} 다: {count}")
        missing = [n for n in range(2, count + 1) if not self._guest_alive(n)]
        for number in missing:
            self._start_guest(number, progress)
        for number in range(2, count + 1):
            self._wait_guest(number, progress)
        return [self.guests[n] for n in range(1, count + 1)]

    def attach_running_guests(self) -> list[Guest]:
        """이미 떠서 답하는 2번 이후의 손님들을 이 객체에 붙인다 (다른 프로세스가 띄운 것도)."""
        for number in range(2, MAX_GUESTS + 1):
            if number in self.guests:
                continue
            if self._guest_alive(number):
                guest = Guest(self, number)
                if guest.answers():
                    self.guests[number] = guest
                else:
                    guest.close()
        return list(self.guests.values())

    def stop_guest(self, number: int) -> None:
        """2번 이후의 손님 하나를 끈다: UML에 SIGTERM(즉시 꺼진다), 그 손님의 탭과 디스크 사본도 지운다."""
        if number == 1:
            raise LabHostError("1번 손님은 랩 호스트 컨테이너 자신이다. 끄려면 down()이다.")
        guest = self.guests.pop(number, None)
        if guest is not None:
            guest.close()
        script = (
            f"pid=$(cat /run/uml/guest{number}/pid 2>/dev/null) && kill -TERM $pid; "
            f'for i in $(seq 1 100); do [ -n "$pid" ] && kill -0 $pid 2>/dev/null || break; sleep 0.1; done; '
            f'[ -n "$pid" ] && kill -0 $pid 2>/dev/null && kill -KILL $pid; '
            f"ip link del tap{number} 2>/dev/null; rm -rf /var/lib/labhost/{number} /run/uml/guest{number}; true"
        )
        self.sh(script, timeout=30)

    def release(self) -> None:
        """노트북의 마지막 셀: 랩 호스트를 내린다. ``NETLAB_LABHOST_KEEP=1``이면 다음 노트북을 위해 켜 둔다.

        켜 둘 때도 손님 스웜을 풀고 2번 이후의 손님을 꺼서, 1번 손님 하나만 있는 처음 모습으로 돌린다.
        ``make test``가 이렇게 해서 노트북마다 부팅하지 않고, 끝에서 ``python -m netlab labhost down``으로 내린다.
        """
        if os.environ.get("NETLAB_LABHOST_KEEP") == "1":
            try:
                self.leave_swarm()
            except SwarmLeaveStuck:
                self.down()  # 다음 노트북은 새로 부팅한 랩 호스트를 쓴다
                return
            for number in sorted(self.guests):
                if number > 1:
                    self.stop_guest(number)
            self.close()
            if _STATE.active is self:
                _restore_engine()
        else:
            self.down()

    def _guest_alive(self, number: int) -> bool:
        """손님 ``number``의 UML이 떠 있거나 부팅 중인지 (엔진이 아직 답하지 않아도)."""
        if number in self.guests and self.guests[number].answers():
            return True
        result = self.container.exec_run(["sh", "-c", f"test -e /run/uml/guest{number}/pid && echo yes"])
        return b"yes" in result.output

    def _start_guest(self, number: int, progress: Progress) -> None:
        progress(
            f"손님 {josa(guest_name(number), '를')} 부팅한다 ({guest_ip(number)}, 손님 메모리 {GUEST_MEMORY_MB} MB)"
        )
        result = self.container.exec_run(["/usr/local/bin/netlab-labhost-boot", str(number)], detach=True)
        if result.exit_code not in (0, None):
            raise LabHostError(f"손님 {number}의 부팅 스크립트를 시작하지 못했다: {result.output!r}")

    # -- 데이터 디스크 -------------------------------------------------------------------
    @staticmethod
    def _existing(outer: docker.DockerClient, key: str) -> Container | None:
        """같은 이미지와 디스크로 떠 있는 랩 호스트. 다른 것(옛 레시피, 멈춘 것)은 지운다."""
        try:
            container = outer.containers.get(CONTAINER)
        except NotFound:
            return None
        if not is_ours(container.labels, LAB):
            raise LabHostError(
                f"이름이 {CONTAINER}인 컨테이너가 있지만 이 책의 것이 아니다. 지우지 않으니 직접 치운다."
            )
        image_ok = container.image.id == outer.images.get(IMAGE).id
        if container.status == "running" and image_ok and container.labels.get(LABEL_DISK) == key:
            return container
        container.remove(force=True, v=True)
        return None

    @staticmethod
    def _boot(outer: docker.DockerClient, volume: str, key: str, progress: Progress) -> Container:
        progress(f"랩 호스트를 부팅한다: UML 커널 + 엔진 (손님 메모리 {GUEST_MEMORY_MB} MB, 약 40초)")
        return outer.containers.run(
            IMAGE,
            name=CONTAINER,
            detach=True,
            labels={**labels_for(LAB), LABEL_DISK: key},
            network_mode="none",
            cap_add=["NET_ADMIN"],
            devices=["/dev/net/tun:/dev/net/tun:rwm"],
            # 손님마다 메모리만큼의 파일을 잡는다. tmpfs의 크기는 상한일 뿐이라 띄운 손님 수만큼만 쓴다.
            tmpfs={"/run/uml": f"exec,size={MAX_GUESTS * GUEST_MEMORY_MB + 256}m"},
            volumes={volume: {"bind": "/disk", "mode": "ro"}},
            environment={"LABHOST_MEM": f"{GUEST_MEMORY_MB}M"},
        )

    def _wait_guest(self, number: int, progress: Progress) -> Guest:
        """손님 엔진이 답할 때까지 기다린다. 손님 init이 콘솔에 쓰는 단계를 나오는 대로 보여 준다."""
        guest = self.guests.get(number)
        if guest is None:  # 터널을 여는 객체라서 없을 때만 만든다
            guest = self.guests[number] = Guest(self, number)
        if guest.answers():
            return guest
        shown: set[str] = set()
        who = "" if number == 1 else f"{guest.name} "

        def step() -> bool:
            self.container.reload()
            if self.container.status != "running":
                raise LabHostError("랩 호스트 컨테이너가 멈췄다. 부팅 기록의 끝:\n" + self.first.boot_log(40))
            log = guest.boot_log()
            if "netlab-host: failed" in log:
                raise LabHostError(f"손님 {guest.name}의 부팅 스크립트가 실패했다. 부팅 기록의 끝:\n{log[-2000:]}")
            for line in log.splitlines():
                if line.startswith(("netlab-guest:", "netlab-host:")) and line not in shown:
                    shown.add(line)
                    name, _, rest = line.partition(": ")
                    stage, _, uptime = rest.partition(" ")
                    where = "손님" if name == "netlab-guest" else "컨테이너"
                    after = f" (부팅 뒤 {uptime}초)" if uptime else ""
                    progress(f"  {who}{where}: {_STAGES.get(stage, stage)}{after}")
            return guest.answers()

        try:
            until(step, what=f"랩 호스트 손님 {guest.name}의 엔진 응답", timeout=BOOT_TIMEOUT, interval=1.0)
        except WaitTimeout:
            raise LabHostError(
                f"랩 호스트 손님 {guest.name}의 엔진이 {scaled(BOOT_TIMEOUT):.0f}초 안에 답하지 않았다. "
                "부팅 기록의 끝:\n" + guest.boot_log(40)
            ) from None
        if number > 1:
            progress(f"  {guest.name}의 엔진이 답한다")
        return guest

    # -- 손님들의 스웜 -------------------------------------------------------------------

    # -- 상태 ---------------------------------------------------------------------------
    def answers(self) -> bool:
        return self.first.answers()

    def describe(self) -> str:
        version = self.client.version()
        count = len(self.guests)
        guests = f", 손님 {count}개({', '.join(g.name for g in self.guests.values())})" if count > 1 else ""
        return f"Docker Engine {version['Version']}, 커널 {version['KernelVersion']} (사용자 모드 리눅스){guests}"

    def boot_log(self, tail: int | None = None) -> str:
        """1번 손님의 콘솔 기록 (UML 커널의 메시지와 손님 init의 단계)."""
        return self.first.boot_log(tail)

    def sh(self, command: str, *, timeout: float = 15) -> ExecResult:
        """랩 호스트 컨테이너 안에서 셸 명령을 실행한다. 손님들의 언더레이 브리지 ``br0``이 보이는 곳이다.

        :func:`netlab.capture.start`의 캡처 장소로도 쓴다(``.container``와 ``.sh()``가 있으면 된다).
        """
        return container_sh(self.container, command, timeout=timeout)

    def close(self) -> None:
        """이 프로세스의 터널과 클라이언트만 닫는다 (랩 호스트는 그대로 떠 있다)."""
        for guest in self.guests.values():
            guest.close()

    def down(self) -> None:
        """랩 호스트 컨테이너를 지운다. 그 안의 UML 프로세스, 브리지와 탭, 디스크 사본이 함께 사라진다.

        데이터 디스크 볼륨(캐시)은 남는다. 그것까지 지우려면 ``python -m netlab clean``이다.
        """
        self.close()
        try:
            self.container.remove(force=True, v=True)
        except NotFound:
            pass
        if _STATE.active is self:
            _restore_engine()

    def __repr__(self) -> str:
        return f"LabHost({self.container.name!r}, 손님 {sorted(self.guests)})"


#: 부팅 단계의 한국어 이름.
_STAGES = {
    "disks": "루트 디스크와 데이터 디스크의 사본을 만들었다",
    "kernel": "커널이 떴다",
    "modules": "모듈(IPVS, ESP, 802.1Q, ipvlan, VXLAN, netem …)을 올렸다",
    "network": "언더레이 주소와 엔진 API 중계를 켰다",
    "modprobe-failed": "모듈 일부를 올리지 못했다",
    "data-disk-failed": "데이터 디스크를 마운트하지 못했다",
    "failed": "부팅 스크립트가 실패했다",
}


def find(outer: docker.DockerClient | None = None) -> LabHost | None:
    """떠 있는 랩 호스트에 붙는다 (부팅하지 않는다). 없거나 답하지 않으면 None."""
    outer = outer or _outer_client()
    try:
        container = outer.containers.get(CONTAINER)
    except NotFound:
        return None
    if container.status != "running" or not is_ours(container.labels, LAB):
        return None
    host = LabHost(outer, container)
    if host.answers():
        host.attach_running_guests()
        return host
    host.close()
    return None


def use(*, progress: Progress = _print) -> LabHost | None:
    """이 파이썬 프로세스의 netlab이 랩 호스트의 손님 엔진을 쓰게 한다 (필요하면 부팅한다).

    ``DOCKER_HOST``를 터널 소켓으로 바꾸고 엔진 클라이언트와 커널 기능 시험의 기억을 비운다. 그 뒤의
    ``netlab.lab(...)``, 호스트 보기, 클러스터는 모두 손님 엔진 위에서 돈다. 바깥 엔진은 그대로다.
    바깥 엔진이 없으면(Binder) 한국어로 이유를 말하고 None을 돌려준다. 이어지는 ``netlab.lab()``은 오프라인이다.
    """
    from . import capabilities

    if _STATE.active is not None and _STATE.active.answers():
        return _STATE.active
    try:
        _outer_client()  # 바꾸기 전에 바깥 엔진을 기억한다
    except engine.EngineUnavailable as exc:  # Binder처럼 엔진이 없는 곳: 이유를 말하고 저장된 출력으로 읽게 한다
        from ..base.notebook import install_error_display

        print(str(exc))
        install_error_display(offline=True)
        return None
    host = LabHost.up(progress=progress)
    _STATE.active = host
    os.environ["DOCKER_HOST"] = host.engine_url
    engine.reset_client()
    capabilities.probe.cache_clear()
    return host


def _restore_engine() -> None:
    from . import capabilities

    _STATE.active = None
    if _STATE.original_docker_host is None:
        os.environ.pop("DOCKER_HOST", None)
    else:
        os.environ["DOCKER_HOST"] = _STATE.original_docker_host
    engine.reset_client()
    capabilities.probe.cache_clear()
