"""한 기계 위의 다중 노드 스웜: Docker-in-Docker 노드로 매니저 하나와 워커 여럿을 띄운다.

오버레이, 게시 포트, 서비스 검색처럼 노드가 여럿이어야 보이는 것을 실습하려면 도커 엔진이
여러 개 필요하다. 이 모듈은 엔진 호스트 하나 위에 그런 엔진들을 만든다::

    from netlab.cluster import Cluster

    cluster = Cluster.up(lab, nodes=3)        # manager, worker1, worker2
    cluster.manager.client.nodes.list()       # 노드 엔진의 도커 SDK 클라이언트
    cluster.node("worker1").sh("ip -br addr") # 노드 컨테이너 안에서 셸 명령
    cluster.down()                            # 노드, 볼륨, 언더레이를 지운다

구성 (자세한 설계는 ``docs/cluster.md``):

- **노드**는 ``netlab/node:bookworm`` (``images/node``) 컨테이너 하나다. 그 안에서 dockerd가
  돈다(이 기계의 엔진과 같은 기준 엔진 28.5.2). 특권은 :func:`netlab.host.full_capability_host_config`가
  엔진에 맞춰 준다(되면 ``--privileged``, 안 되면 하나하나). 시작 명령이 ``/sys``와 cgroup을 읽기-쓰기로
  다시 마운트한 뒤 dockerd를 실행한다.
- 노드의 ``/var/lib/docker``는 라벨이 붙은 볼륨이다. overlay2는 overlayfs 위에 쌓이지 못하므로
  컨테이너의 쓰기 계층이 아닌 볼륨(호스트의 ext4/xfs)이 필요하다.
- **언더레이**는 라벨이 붙은 사용자 정의 브리지 네트워크다. 리눅스 브리지 이름을
  ``com.docker.network.bridge.name``으로 고정하므로(``nl-<실습>-ul``) 호스트 쪽에서 그 브리지에
  ``tcpdump``를 걸어 노드 사이의 VXLAN(UDP 4789)과 가십(7946)을 볼 수 있다 (:mod:`netlab.capture`).
  서브넷은 실습 블록의 마지막 /24 (``lab.subnet(9)``)이다. 스웜 오버레이의 기본 풀 10.0.0.0/8과
  겹치지 않는다.
- 노드 엔진은 **어떤 TCP 주소에서도 듣지 않는다.** 노드 안의 유닉스 소켓(``/var/run/docker.sock``)뿐이다.
  SDK 클라이언트는 바깥 엔진의 exec API 위로 노드 안의 ``docker system dial-stdio``를 잇는 터널로 그
  소켓에 닿는다(``ssh://`` 컨텍스트가 쓰는 것과 같은 명령). 그래서 노드 엔진에 닿을 수 있는 것은 바깥
  엔진의 소켓에 닿을 수 있는 사람뿐이다. 예전에는 ``tcp://<노드 IP>:2375``를 TLS 없이 열었는데, 그러면
  엔진 호스트의 모든 사용자와 노드 위의 평범한 컨테이너까지 클러스터의 관리 권한을 얻었다(14장).
  독자에게 보여 주는 명령줄은 ``docker exec <노드 컨테이너> docker …`` 다 (:attr:`Node.cli`).
  스웜의 포트(2377은 스웜 자신의 상호 TLS, 7946 가십, 4789 VXLAN)는 장들이 가르치는 것이라 그대로다.
- 노드 안의 서비스가 ``netlab/lab:bookworm``을 쓸 수 있도록 바깥 엔진의 이미지를 ``save`` 해서
  각 노드 엔진에 ``load`` 한다. 레지스트리는 필요 없다.

모든 자원에는 실습 라벨이 붙으므로 ``lab.cleanup()``도 클러스터를 지운다.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import socket
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import docker
from docker.errors import APIError, DockerException, ImageNotFound, NotFound
from docker.models.containers import Container
from docker.models.networks import Network

from ..base import addressing
from ..base.execstream import STDOUT, frames
from ..base.korean import josa
from ..base.resources import LAB_IMAGE, is_ours
from ..base.wait import WaitTimeout, until
from . import images
from .host import full_capability_host_config, privilege_flags

if TYPE_CHECKING:
    from ..base.execution import ExecResult
    from .session import Lab

#: 노드 이미지 (``images/node`` 레시피, ``python -m netlab images node``로 빌드).
NODE_IMAGE = images.image_tag("node")
#: 클러스터 자원에 더 붙이는 라벨: 값은 노드의 짧은 이름(``manager``, ``worker1``) 또는 ``underlay``.
LABEL_CLUSTER = "netlab.cluster"
#: 노드의 역할 라벨: ``manager`` 또는 ``worker``.
LABEL_ROLE = "netlab.cluster.role"
#: 언더레이로 쓰는 서브넷 번호 (``lab.subnet(UNDERLAY_INDEX)``). 앞 번호들은 장이 쓰도록 남긴다.
UNDERLAY_INDEX = 9
#: 노드 엔진의 API 버전은 고정하지 않고 엔진에 묻는다("auto", 왕복 한 번). 엔진 29는 1.44보다 옛 API를
#: 거절할 수 있고, 옛 버전으로 고정하면 새 엔진의 응답에서 필드가 빠진다. 노드가 20.10 이어도(make compat) 맞는다.
NODE_API = "auto"
#: 스웜 관리 포트.
SWARM_PORT = 2377
#: 노드 엔진이 뜨기를 기다리는 시간(초).
ENGINE_TIMEOUT = float(os.environ.get("NETLAB_CLUSTER_TIMEOUT", "60"))

#: 노드 컨테이너의 시작 명령. ``{ip}``는 노드의 언더레이 주소다.
#:
#: 1. ``/sys``와 cgroup 계층을 읽기-쓰기로 다시 마운트한다. ``--privileged``가 해 주던 일이다.
#:    cgroup v1의 계층들은 읽기 전용 바인드 마운트라서 ``remount,bind,rw`` 여야 풀린다.
#: 2. cgroup v2 호스트라면 자기 프로세스를 하위 그룹(init)으로 옮기고 컨트롤러를 하위에 열어 준다
#:    (moby의 dind 스크립트와 같은 방법). v1 호스트에서는 건너뛴다.
#: 3. 지난 실행이 남긴 pid 파일을 지우고 dockerd를 실행한다.
#:    - ``--host unix://`` 하나뿐이다: TCP로는 듣지 않는다 (위의 설명).
#:    - ``--dns 127.0.0.1``: 노드 안 컨테이너의 이름 질의가 이 기계 밖으로 나가지 않게 한다.
#:    - ``DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1``: 스웜 태스크가 이미지를 레지스트리에서 받으려 하지 않고
#:      노드에 load 한 이미지를 바로 쓴다.
NODE_BOOT = """\
mount -o remount,rw /sys 2>/dev/null
for d in /sys/fs/cgroup /sys/fs/cgroup/*; do
  mount -o remount,rw "$d" 2>/dev/null || mount -o remount,bind,rw "$d" 2>/dev/null
done
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  mkdir -p /sys/fs/cgroup/init
  xargs -rn1 < /sys/fs/cgroup/cgroup.procs > /sys/fs/cgroup/init/cgroup.procs 2>/dev/null
  sed -e 's/ / +/g' -e 's/^/+/' < /sys/fs/cgroup/cgroup.controllers > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
fi
rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid
export DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1
exec dockerd --host unix:///var/run/docker.sock --dns 127.0.0.1
"""

Progress = Callable[[str], None]


def _silent(line: str) -> None:
    pass


def _print(line: str) -> None:
    print(line, flush=True)


def bridge_name(lab_name: str) -> str:
    """언더레이의 리눅스 브리지 이름. 커널의 인터페이스 이름 제한(15자)에 맞춘다.

    ``nl-<실습>-ul``이 15자를 넘으면 실습의 주소 블록 번호로 ``nl-ul<블록>``을 쓴다 (블록은 겹치지 않는다).
    """
    name = f"nl-{lab_name}-ul"
    if len(name) <= 15:
        return name
    return f"nl-ul{addressing.BLOCKS[lab_name]}"


def node_names(count: int) -> list[str]:
    """노드의 짧은 이름: ``manager``, ``worker1``, ``worker2``, …"""
    if count < 1:
        raise ValueError("노드는 하나 이상이어야 한다.")
    return ["manager"] + [f"worker{i}" for i in range(1, count)]


# -- 노드 엔진에 닿는 길 -------------------------------------------------------------


class _ExecTunnel:
    """노드 엔진의 유닉스 소켓을 바깥 엔진의 exec API로 이어 주는 로컬 유닉스 소켓.

    연결마다 노드 안에서 ``docker system dial-stdio``를 exec 한다. 이 명령은 표준 입출력을
    노드의 ``/var/run/docker.sock``에 그대로 잇는다 (``ssh://`` 컨텍스트가 쓰는 것과 같은 명령).
    exec 스트림은 8바이트 헤더(스트림 종류, 길이)로 나뉘어 오므로 표준 출력 조각만 골라 돌려준다.
    노트북 커널이 엔진 호스트에 없어서 노드 IP에 닿지 않을 때 쓴다.
    """

    def __init__(self, outer: docker.DockerClient, container: Container, command: list[str] | None = None) -> None:
        self.outer = outer
        self.container = container
        #: 연결마다 컨테이너 안에서 실행해 표준 입출력을 엔진 소켓에 잇는 명령 (랩 호스트는 socat으로 손님에 닿는다)
        self.command = command or ["docker", "system", "dial-stdio"]
        # 폴더 이름에 이 프로세스의 PID를 넣는다: 커널이 KILL 되어 finalize가 돌지 못해도
        # `python -m netlab clean`이 주인이 죽은 폴더를 알아보고 지운다 (:func:`remove_stale_tunnel_dirs`).
        self.dir = tempfile.mkdtemp(prefix=f"{TUNNEL_DIR_PREFIX}{os.getpid()}-")
        self.path = str(Path(self.dir) / "docker.sock")
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(16)
        self.closed = False
        # close()를 부르지 않고 끝나도(커널 종료) 임시 폴더가 남지 않게 한다.
        self._finalizer = weakref.finalize(self, shutil.rmtree, self.dir, True)
        threading.Thread(target=self._accept_loop, daemon=True, name=f"tunnel-{container.name}").start()

    @property
    def base_url(self) -> str:
        return f"unix://{self.path}"

    def _accept_loop(self) -> None:
        while not self.closed:
            try:
                local, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(local,), daemon=True).start()

    def _serve(self, local: socket.socket) -> None:
        api = self.outer.api
        try:
            exec_id = api.exec_create(self.container.id, self.command, stdin=True, stdout=True, stderr=True)["Id"]
            raw = api.exec_start(exec_id, socket=True)
        except (APIError, OSError):
            local.close()
            return
        remote: socket.socket = getattr(raw, "_sock", raw)

        def upstream() -> None:
            try:
                while True:
                    data = local.recv(65536)
                    if not data:
                        break
                    remote.sendall(data)
            except OSError:
                pass
            with contextlib.suppress(OSError):
                remote.shutdown(socket.SHUT_WR)

        threading.Thread(target=upstream, daemon=True).start()
        try:
            for stream, payload in frames(remote.recv):
                if stream == STDOUT:
                    local.sendall(payload)
        except OSError:
            pass
        finally:
            # close() 만으로는 다른 스레드의 recv()에 묶인 소켓이 풀리지 않아 FIN이 가지 않는다.
            # shutdown()이 상대에게 EOF를 보내고 막힌 recv()를 깨운다 (exec처럼 EOF로 끝나는 응답).
            for sock in (local, remote):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(OSError):
            self.server.close()
        self._finalizer()


#: 터널 폴더 이름의 앞부분: ``netlab-tunnel-<PID>-…`` (임시 폴더 안).
TUNNEL_DIR_PREFIX = "netlab-tunnel-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # 다른 사용자의 살아 있는 프로세스
        return True
    return True


def remove_stale_tunnel_dirs(tmp: str | None = None) -> int:
    """주인 프로세스가 죽은 터널 폴더를 지운다 (KILL 된 노트북 커널이 남긴 것). 지운 수를 돌려준다.

    살아 있는 프로세스의 폴더와 이 사용자의 것이 아닌 폴더는 건드리지 않는다.
    """
    removed = 0
    base = Path(tmp or tempfile.gettempdir())
    for path in base.glob(f"{TUNNEL_DIR_PREFIX}*"):
        pid_text = path.name[len(TUNNEL_DIR_PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit() or _pid_alive(int(pid_text)) or path.stat().st_uid != os.getuid():
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    return removed


def _engine_answers(node: Node) -> bool:
    """노드 엔진이 요청을 받는지: 노드 안의 ``docker version``이 되고, 터널 너머의 SDK 클라이언트도 닿는지."""
    return node.sh("docker version -f '{{.Server.Version}}'", timeout=5).ok and node.engine_ready()


def swarm_status(attrs: Mapping[str, Any]) -> list[str]:
    """매니저가 본 노드 하나(``docker node inspect``)의 표 칸: 역할, 상태, 가용성, 매니저 상태."""
    spec, status = attrs.get("Spec") or {}, attrs.get("Status") or {}
    manager_status = attrs.get("ManagerStatus") or {}
    return [
        spec.get("Role", "-"),
        status.get("State", "-"),
        spec.get("Availability", "-"),
        "Leader" if manager_status.get("Leader") else manager_status.get("Reachability", "") or "-",
    ]


# -- 노드 ---------------------------------------------------------------------------


@dataclass
class Node:
    """클러스터의 노드 하나: 바깥 엔진의 컨테이너이자, 그 안에서 도는 도커 엔진."""

    name: str
    role: str
    ip: str
    container: Container
    cluster: Cluster = field(repr=False)
    _client: docker.DockerClient | None = field(default=None, repr=False)
    _tunnel: _ExecTunnel | None = field(default=None, repr=False)
    #: 붙은 스웜(:mod:`netlab.attach`)에서만 쓰는 값: 엔진 주소, 스웜 노드 ID, 호스트 이름.
    url: str = ""
    node_id: str = ""
    hostname: str = ""
    #: 노드의 언더레이 주소가 걸린 인터페이스 (노드에서 캡처할 곳).
    interface: str = "eth0"

    @property
    def client(self) -> docker.DockerClient:
        """노드 엔진의 도커 SDK 클라이언트 (바깥 엔진의 exec 터널 너머, ``docker exec <노드> docker``와 같다)."""
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _connect(self, timeout: float = 120) -> docker.DockerClient:
        self._tunnel = _ExecTunnel(self.cluster.lab.client, self.container)
        return docker.DockerClient(base_url=self._tunnel.base_url, timeout=timeout, version=NODE_API)

    @property
    def engine_url(self) -> str:
        """이 파이썬 프로세스 안의 터널 주소(``unix:///tmp/netlab-tunnel-<PID>-…/docker.sock``, 주인만 읽는 폴더).

        커널이 살아 있는 동안만 있다. 같은 커널의 SDK 클라이언트(예: :func:`netlab.attach.attach`)가 쓴다.
        """
        self.client  # noqa: B018 - 터널을 연다
        assert self._tunnel is not None
        return self._tunnel.base_url

    @property
    def cli(self) -> str:
        """이 노드 엔진에 같은 일을 시키는, 독자가 엔진 호스트의 터미널에서 쓸 명령의 앞부분."""
        return f"docker exec {self.container.name} docker"

    @property
    def container_name(self) -> str:
        return self.container.name

    def sh(self, command: str, *, timeout: float = 30) -> ExecResult:
        """노드 컨테이너 안에서 셸 명령을 실행한다 (노드의 네트워크 네임스페이스와 도구)."""
        return self.cluster.lab.sh(self.container, command, timeout=timeout)

    def docker(self, args: str, *, timeout: float = 30) -> ExecResult:
        """노드 안에서 ``docker <args>`` 명령줄을 실행한다. 노드의 엔진을 가리킨다."""
        return self.sh(f"docker {args}", timeout=timeout)

    def engine_ready(self) -> bool:
        try:
            return bool(self.client.ping())
        except (DockerException, OSError):
            return False

    def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close()
            self._client = None
        if self._tunnel is not None:
            self._tunnel.close()
            self._tunnel = None

    def __repr__(self) -> str:
        return f"Node({self.name!r}, role={self.role!r}, ip={self.ip!r})"


# -- 클러스터 -----------------------------------------------------------------------


class ClusterError(RuntimeError):
    """클러스터를 세우거나 쓰는 중의 실패. 메시지는 독자가 읽을 한국어 설명이다."""


class Cluster:
    """한 실습의 스웜 클러스터. :meth:`up`으로 만들거나 다시 쓴다."""

    def __init__(self, lab: Lab, underlay: Network, nodes: list[Node]) -> None:
        self.lab = lab
        self.underlay = underlay
        self.nodes = nodes
        for node in nodes:
            node.cluster = self

    # -- 보기 -------------------------------------------------------------------
    @property
    def manager(self) -> Node:
        return self.nodes[0]

    @property
    def workers(self) -> list[Node]:
        return self.nodes[1:]

    def node(self, name: str) -> Node:
        """짧은 이름(``worker1``)이나 컨테이너 이름(``nl-overlay-worker1``)으로 노드를 찾는다."""
        for node in self.nodes:
            if name in (node.name, node.hostname, node.container.name):
                return node
        raise KeyError(f"노드 {josa(repr(name), '가')} 없다. 있는 노드: {', '.join(n.name for n in self.nodes)}")

    @property
    def bridge(self) -> str:
        """언더레이의 리눅스 브리지 이름 (호스트 쪽에서 캡처할 인터페이스)."""
        return bridge_name(self.lab.name)

    @property
    def subnet(self) -> str:
        return self.underlay.attrs["IPAM"]["Config"][0]["Subnet"]

    def underlay_description(self) -> tuple[str, str, str]:
        """구성도의 언더레이 막대에 적을 것: (도커 네트워크 이름, 리눅스 브리지, 서브넷)."""
        return self.underlay.name, self.bridge, self.subnet

    def capture_point(self, node: str | None = None) -> tuple[Any, str]:
        """언더레이를 지나는 프레임을 볼 곳 (캡처할 컨테이너, 인터페이스).

        노드를 주지 않으면 엔진 호스트의 도구 상자와 언더레이 브리지다: 모든 노드 사이의 프레임이 보인다.
        노드를 주면 그 노드 안의 인터페이스다: 그 노드가 주고받는 프레임만 보인다.
        """
        if node is None:
            return self.lab.host, self.bridge
        target = self.node(node)
        return target, target.interface

    def table(self):
        """노드 표: 이름, 역할, 언더레이 주소, 스웜 상태. 매니저가 본 노드 목록을 쓴다."""
        from ..draw.show import Table

        seen = {}
        for item in self.manager.client.nodes.list():
            attrs = item.attrs
            seen[attrs["Description"]["Hostname"]] = attrs
        rows = [
            [node.name, node.container.name, node.ip, *swarm_status(seen.get(node.name, {}))] for node in self.nodes
        ]
        return Table(
            ["노드", "컨테이너", "언더레이 주소", "역할", "상태", "가용성", "매니저 상태"],
            rows,
            f"클러스터 '{self.lab.name}' (언더레이 {self.subnet}, 브리지 {self.bridge})",
        )

    def ready_nodes(self) -> list[str]:
        """매니저가 Ready로 보는 노드의 호스트 이름 (정렬)."""
        names = []
        for item in self.manager.client.nodes.list():
            if (item.attrs.get("Status") or {}).get("State") == "ready":
                names.append(item.attrs["Description"]["Hostname"])
        return sorted(names)

    def vxlan_ids(self, network: str) -> list[int]:
        """스웜 오버레이의 VNI 목록 (``com.docker.network.driver.overlay.vxlanid_list`` 옵션)."""
        net = self.manager.client.networks.get(network)
        raw = (net.attrs.get("Options") or {}).get("com.docker.network.driver.overlay.vxlanid_list", "")
        return [int(v) for v in raw.split(",") if v.strip()]

    def overlay(
        self,
        name: str,
        *,
        subnet: str | None = None,
        gateway: str | None = None,
        attachable: bool = False,
        options: Mapping[str, str] | None = None,
    ) -> Network:
        """매니저에서 스웜 범위 오버레이 네트워크를 만든다. 같은 뜻의 명령줄을 먼저 보여 준다.

        ``subnet``은 보통 ``lab.subnet(i)``로 고정한다. 주지 않으면 스웜의 기본 풀(10.0.0.0/8)에서 고른다.
        """
        parts = [self.manager.cli, "network", "create", "--driver", "overlay"]
        if subnet:
            parts += ["--subnet", subnet]
        if gateway:
            parts += ["--gateway", gateway]
        if attachable:
            parts.append("--attachable")
        for key, value in (options or {}).items():
            parts += ["--opt", f"{key}={value}"]
        self._say(" ".join([*parts, name]))
        ipam = None
        if subnet or gateway:
            ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=subnet, gateway=gateway)])
        # 실습 라벨: 책이 세운 노드에서는 노드와 함께 사라지지만, 붙은 스웜(netlab.attach)에서는 이것으로만 지운다
        network = self.manager.client.networks.create(
            name,
            driver="overlay",
            ipam=ipam,
            attachable=attachable,
            options=dict(options or {}),
            labels=dict(self.lab.labels),
        )
        self._wait_allocated(name)
        network.reload()
        return network

    def _wait_allocated(self, network: str, timeout: float = 30) -> None:
        """매니저의 할당기가 네트워크를 마저 채울 때까지 기다린다: 드라이버 옵션과 VNI.

        스웜의 할당기는 네트워크 생성 요청에 답한 뒤에 VNI와 드라이버 옵션을 따로 붙인다. 바쁜 기계에서는
        생성 직후의 inspect에 ``Options``가 ``None`` 이거나 ``vxlanid_list``가 아직 없어서, 곧바로 읽는
        셀이 빈 값을 받는다. 그래서 돌려주는 네트워크 객체도 기다린 뒤에 다시 읽은 것이다.
        """
        until(
            lambda: self.vxlan_ids(network),
            what=f"스웜 할당기가 오버레이 {network}에 VNI를 붙이기",
            timeout=timeout,
        )

    def service(
        self,
        name: str,
        *,
        networks: Iterable[str] = (),
        replicas: int = 2,
        command: Iterable[str] = ("sleep", "infinity"),
        image: str = LAB_IMAGE,
        endpoint_mode: str = "auto",
        constraints: Iterable[str] = (),
        max_per_node: int | None = None,
        wait: bool = True,
    ) -> Any:
        """복제 서비스를 만들고 태스크가 모두 뜰 때까지 기다린다. 같은 뜻의 명령줄을 먼저 보여 준다.

        ``endpoint_mode="auto"``는 엔진 호스트에 IPVS가 있으면 ``vip``, 없으면 ``dnsrr``이다. VIP 모드의
        가상 IP는 커널의 IPVS가 태스크로 나눠 주므로, IPVS가 없는 커널에서는 VIP로 보낸 연결이 멈춘다.
        """
        from .capabilities import probe

        mode = endpoint_mode
        if mode == "auto":
            mode = "vip" if probe().has("ipvs") else "dnsrr"
            if mode == "dnsrr":
                self._note("이 엔진 호스트의 커널에는 IPVS가 없다: VIP 대신 DNS 라운드로빈(dnsrr)으로 만든다.")
        nets, cons, cmd = list(networks), list(constraints), list(command)
        parts = ["service", "create", "--name", name]
        parts += ["--replicas", str(replicas), "--endpoint-mode", mode]
        for net in nets:
            parts += ["--network", net]
        for con in cons:
            parts += ["--constraint", con]
        if max_per_node:
            parts += ["--replicas-max-per-node", str(max_per_node)]
        self._say(" ".join([self.manager.cli, *(shlex.quote(p) for p in [*parts, image, *cmd])]))
        svc = self.manager.client.services.create(
            image,
            command=cmd,
            name=name,
            networks=nets,
            endpoint_spec=docker.types.EndpointSpec(mode=mode),
            mode=docker.types.ServiceMode("replicated", replicas=replicas),
            constraints=cons or None,
            maxreplicas=max_per_node,
            labels=dict(self.lab.labels),
            container_labels=dict(self.lab.labels),
        )
        if wait:
            self.wait_tasks(name, replicas)
        return svc

    def tasks(self, service: str, *, order: str = "slot") -> list[dict[str, Any]]:
        """서비스의 실행 중인 태스크.

        ``order="slot"``은 슬롯 번호순이다. 매니저는 슬롯 순서로 오버레이 주소를 나눠 주므로 주소가
        실행마다 같다. 어느 노드에 놓이는지는 스케줄러가 정하므로 실행마다 다를 수 있다.
        ``order="node"``는 노드 이름순이다. 노드는 실행마다 같지만 주소는 바뀔 수 있다.
        """
        tasks = _running(self.manager.client.services.get(service).tasks(filters={"desired-state": "running"}))
        if order == "node":
            names = {n.id: n.attrs["Description"]["Hostname"] for n in self.manager.client.nodes.list()}
            tasks.sort(key=lambda t: (names.get(t["NodeID"], ""), t.get("Slot", 0)))
        return tasks

    def task_ip(self, task: Mapping[str, Any], network: str) -> str:
        """태스크가 그 오버레이에서 받은 주소 (접두사 길이 없이)."""
        for attachment in task.get("NetworksAttachments") or []:
            if attachment["Network"]["Spec"]["Name"] == network:
                return attachment["Addresses"][0].split("/")[0]
        raise KeyError(f"태스크가 네트워크 {network}에 붙어 있지 않다.")

    def _say(self, line: str) -> None:
        if getattr(self.lab, "echo", True):
            print(f"$ {line}")

    def _note(self, line: str) -> None:
        if getattr(self.lab, "echo", True):
            print(line)

    def wait_tasks(self, service: str, replicas: int, *, timeout: float = 60) -> list[dict[str, Any]]:
        """서비스의 태스크가 ``replicas`` 개 running이 될 때까지 기다리고, 그 태스크들을 돌려준다.

        돌려주는 태스크는 슬롯 번호순이다. 각 태스크의 ``NodeID``와 네트워크 주소가 들어 있다.
        """
        svc = self.manager.client.services.get(service)

        def running_tasks() -> list[dict[str, Any]]:
            tasks = svc.tasks(filters={"desired-state": "running"})
            failed = [t for t in tasks if (t.get("Status") or {}).get("State") in ("failed", "rejected")]
            if failed and len(_running(tasks)) < replicas:
                message = failed[0]["Status"].get("Err") or failed[0]["Status"].get("Message")
                raise ClusterError(f"서비스 {service}의 태스크가 실패했다: {message}")
            return _running(tasks)

        try:
            return until(
                running_tasks,
                lambda running: len(running) >= replicas,
                what=f"서비스 {service}의 태스크 {replicas}개가 running이 되기",
                timeout=timeout,
                interval=0.3,
            )
        except WaitTimeout as exc:
            raise ClusterError(str(exc)) from None

    def node_of_task(self, task: Mapping[str, Any]) -> Node:
        """태스크가 배치된 노드."""
        for node in self.nodes:
            if node.node_id and node.node_id == task["NodeID"]:
                return node
        hostname = self.manager.client.nodes.get(task["NodeID"]).attrs["Description"]["Hostname"]
        return self.node(hostname)

    def task_container(self, task: Mapping[str, Any]) -> Container:
        """태스크의 컨테이너 (그 태스크가 도는 노드 엔진의 컨테이너 객체)."""
        node = self.node_of_task(task)
        return node.client.containers.get(task["Status"]["ContainerStatus"]["ContainerID"])

    # -- 만들기 ------------------------------------------------------------------
    @classmethod
    def up(
        cls,
        lab: Lab,
        nodes: int = 3,
        progress: bool = True,
        *,
        underlay_index: int = UNDERLAY_INDEX,
        load: Iterable[str] = (LAB_IMAGE,),
        recipe: str = "node",
        swarm: bool = True,
    ) -> Cluster:
        """매니저 하나와 워커 ``nodes - 1`` 개의 스웜을 세운다. 건강한 클러스터가 있으면 다시 쓴다.

        같은 실습의 노드가 이미 있고, 모두 돌고 있고, 매니저가 모든 노드를 Ready로 보고, 이미지가
        노드에 있으면 그대로 쓴다. 하나라도 어긋나면 있는 것을 지우고 새로 세운다.
        ``load``는 바깥 엔진에서 노드 엔진으로 옮길 이미지다. ``recipe``는 노드 이미지의 레시피이고,
        ``swarm=False`` 면 스웜 없이 엔진만 띄운다 (``make compat``이 옛 엔진 하나를 띄울 때).
        """
        say: Progress = _print if progress else _silent
        started = time.monotonic()
        names = node_names(nodes)
        wanted_images = list(load)
        existing = cls._find(lab, names)
        if existing is not None and swarm:
            problem = existing._health_problem(names, wanted_images)
            if problem is None:
                say(f"클러스터 '{lab.name}': 건강한 노드 {nodes}개를 다시 쓴다.")
                return existing
            say(f"클러스터 '{lab.name}': 있던 클러스터를 지우고 새로 세운다 ({problem}).")
            existing.down(quiet=True)
        else:
            leftovers = _remove_cluster_resources(lab)
            if leftovers:
                say(f"클러스터 '{lab.name}': 지난 실행이 남긴 자원 {leftovers}개를 지웠다.")
        _ensure_node_image(lab.client, say, recipe)
        if swarm:
            _warn_missing_features(say)
        cluster = cls._create(lab, names, underlay_index, say, images.image_tag(recipe))
        try:
            cluster._wait_engines(say)
            if swarm:
                cluster._form_swarm(say)
            cluster._load_images(wanted_images, say)
        except BaseException:
            cluster.down(quiet=True)
            raise
        say(f"클러스터 준비 완료: 노드 {nodes}개 ({time.monotonic() - started:.1f}초)")
        return cluster

    @classmethod
    def _find(cls, lab: Lab, names: list[str]) -> Cluster | None:
        """이 실습의 클러스터 자원이 있으면 :class:`Cluster`로 묶는다 (건강한지는 보지 않는다)."""
        flt = {"label": [f"{k}={v}" for k, v in lab.labels.items()] + [LABEL_CLUSTER]}
        containers = {c.labels.get(LABEL_CLUSTER): c for c in lab.client.containers.list(all=True, filters=flt)}
        networks = [n for n in lab.client.networks.list(filters=flt) if n.name == lab.n("underlay")]
        if not containers and not networks:
            return None
        if not networks or set(containers) != set(names):
            return _Broken(lab, networks[0] if networks else None, list(containers.values()))
        underlay = networks[0]
        underlay.reload()
        found = []
        for name in names:
            container = containers[name]
            settings = (container.attrs.get("NetworkSettings") or {}).get("Networks") or {}
            ip = (settings.get(underlay.name) or {}).get("IPAddress") or ""
            found.append(Node(name, container.labels.get(LABEL_ROLE, "worker"), ip, container, None))  # type: ignore[arg-type]
        return cls(lab, underlay, found)

    def _health_problem(self, names: list[str], wanted_images: list[str]) -> str | None:
        """다시 쓸 수 없는 이유. 건강하면 None."""
        for node in self.nodes:
            node.container.reload()
            if node.container.status != "running":
                return f"{node.name} 컨테이너가 {node.container.status} 상태"
            if not node.ip or not node.engine_ready():
                return f"{node.name}의 엔진이 응답하지 않음"
        try:
            if self.ready_nodes() != sorted(names):
                return "스웜 노드가 모두 Ready가 아님"
        except (DockerException, OSError):
            return "매니저가 스웜 매니저가 아님"
        for node in self.nodes:
            for ref in wanted_images:
                try:
                    if node.client.images.get(ref).id != self.lab.client.images.get(ref).id:
                        return f"{node.name}의 {josa(ref, '가')} 바깥 엔진의 것과 다름"
                except ImageNotFound:
                    return f"{node.name}에 {josa(ref, '가')} 없음"
        return None

    @classmethod
    def _create(
        cls, lab: Lab, names: list[str], underlay_index: int, say: Progress, image: str = NODE_IMAGE
    ) -> Cluster:
        api = lab.client.api
        subnet = lab.subnet(underlay_index)
        gateway = lab.addr(underlay_index, 1)
        labels = {**lab.labels, LABEL_CLUSTER: "underlay"}
        options = {"com.docker.network.bridge.name": bridge_name(lab.name)}
        say(
            f"$ docker network create --driver bridge --subnet {subnet} --gateway {gateway} "
            f"--opt com.docker.network.bridge.name={options['com.docker.network.bridge.name']} {lab.n('underlay')}"
        )
        underlay = lab.client.networks.create(
            lab.n("underlay"),
            driver="bridge",
            ipam=docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=subnet, gateway=gateway)]),
            options=options,
            labels=labels,
            check_duplicate=True,
        )
        nodes: list[Node] = []
        for index, name in enumerate(names):
            role = "manager" if index == 0 else "worker"
            ip = lab.addr(underlay_index, 11 + index)
            volume = lab.client.volumes.create(lab.n(f"{name}-docker"), labels={**lab.labels, LABEL_CLUSTER: name}).name
            if index == 0:
                say(_run_command(lab.n(name), name, underlay.name, ip, volume, privilege_flags(api), image))
            host_config = full_capability_host_config(
                api,
                network_mode=underlay.name,
                binds={volume: {"bind": "/var/lib/docker", "mode": "rw"}},
                dns=["127.0.0.1"],
                init=True,
            )
            created = api.create_container(
                image,
                command=["sh", "-c", NODE_BOOT],
                name=lab.n(name),
                hostname=name,
                labels={**lab.labels, LABEL_CLUSTER: name, LABEL_ROLE: role},
                host_config=host_config,
                networking_config=api.create_networking_config(
                    {underlay.name: api.create_endpoint_config(ipv4_address=ip)}
                ),
                detach=True,
            )
            api.start(created["Id"])
            container = lab.client.containers.get(created["Id"])
            nodes.append(Node(name, role, ip, container, None))  # type: ignore[arg-type]
            say(f"  노드 {name:8} {role:7} {ip:15} 컨테이너 {container.name}")
        underlay.reload()
        return cls(lab, underlay, nodes)

    def _wait_engines(self, say: Progress) -> None:
        started = time.monotonic()
        pending = list(self.nodes)

        def still_pending() -> list[Node]:
            for node in list(pending):
                node.container.reload()
                if node.container.status in ("exited", "dead"):
                    logs = node.container.logs(tail=15).decode(errors="replace")
                    raise ClusterError(f"노드 {node.name}의 dockerd가 끝났다:\n{logs}")
                if _engine_answers(node):
                    pending.remove(node)
            return pending

        try:
            until(still_pending, lambda left: not left, what="노드 엔진이 모두 응답하기", timeout=ENGINE_TIMEOUT)
        except WaitTimeout:
            logs = pending[0].container.logs(tail=15).decode(errors="replace")
            raise ClusterError(
                f"노드 엔진이 {ENGINE_TIMEOUT:.0f}초 안에 뜨지 않았다: {', '.join(n.name for n in pending)}\n{logs}"
            ) from None
        version = self.manager.client.version()
        say(f"노드 엔진 {len(self.nodes)}개가 응답한다 ({time.monotonic() - started:.1f}초)")
        # 엔진 버전과 연결 방법은 기계마다 다르다: 한 줄 끝에 두어 nbval의 engine-version 규칙이 지우게 한다.
        engine = f"Docker Engine {version.get('Version', '?')} (API {version.get('ApiVersion', '?')})"
        say(f"  {engine}, 바깥 엔진의 exec 터널로 연결 (노드 엔진은 TCP로 듣지 않는다)")

    def _form_swarm(self, say: Progress) -> None:
        started = time.monotonic()
        manager = self.manager
        say(f"$ {manager.cli} swarm init --advertise-addr {manager.ip}")
        manager.client.swarm.init(advertise_addr=manager.ip, listen_addr=f"{manager.ip}:{SWARM_PORT}")
        manager.client.swarm.reload()
        token = manager.client.swarm.attrs["JoinTokens"]["Worker"]
        for node in self.workers:
            say(f"$ {node.cli} swarm join --advertise-addr {node.ip} --token <워커 토큰> {manager.ip}:{SWARM_PORT}")
            node.client.swarm.join(
                remote_addrs=[f"{manager.ip}:{SWARM_PORT}"],
                join_token=token,
                advertise_addr=node.ip,
                listen_addr=f"{node.ip}:{SWARM_PORT}",
            )
        wanted = sorted(n.name for n in self.nodes)
        try:
            until(
                self.ready_nodes, lambda ready: ready == wanted, what="스웜 노드가 모두 Ready", timeout=ENGINE_TIMEOUT
            )
        except WaitTimeout as exc:
            raise ClusterError(f"스웜 노드가 Ready가 되지 않았다: {exc.last} (기대 {wanted})") from None
        say(f"스웜 구성: 매니저 1, 워커 {len(self.workers)}, 모두 Ready ({time.monotonic() - started:.1f}초)")

    def _load_images(self, refs: list[str], say: Progress) -> None:
        """바깥 엔진의 이미지를 ``docker save`` 해서 노드에 ``docker load`` 한다 (동시에).

        같은 ID의 이미지가 이미 있는 노드는 건너뛴다. 새로 세운 노드에는 없으므로 모두 받고,
        독자의 스웜(:mod:`netlab.attach`)에서는 처음 붙을 때만 옮긴다.
        """
        for ref in refs:
            started = time.monotonic()
            try:
                image = self.lab.client.images.get(ref)
            except ImageNotFound:
                raise ClusterError(f"바깥 엔진에 {ref} 이미지가 없다. `python -m netlab images`로 만든다.") from None
            targets = [node for node in self.nodes if _image_id(node.client, ref) != image.id]
            if not targets:
                continue
            with tempfile.TemporaryDirectory(prefix="netlab-save-") as tmp:
                archive = Path(tmp) / "image.tar"
                with archive.open("wb") as fh:
                    for chunk in image.save(named=True):
                        fh.write(chunk)

                def load(node: Node, archive: Path = archive, ref: str = ref) -> None:
                    with archive.open("rb") as fh:
                        for message in node.client.api.load_image(fh):  # 응답은 진행 메시지의 흐름이다
                            if "error" in message:
                                raise ClusterError(
                                    f"{node.name}에 {josa(ref, '를')} load 하지 못했다: {message['error']}"
                                )

                with ThreadPoolExecutor(max_workers=len(targets)) as pool:
                    list(pool.map(load, targets))
            for node in targets:
                if _image_id(node.client, ref) != image.id:
                    raise ClusterError(f"{node.name}에 load 한 {ref}의 ID가 다르다.")
            say(f"이미지 load: {ref} → 노드 {len(targets)}개 ({time.monotonic() - started:.1f}초)")

    # -- 지우기 ------------------------------------------------------------------
    def down(self, *, quiet: bool = False) -> None:
        """노드(그 안의 엔진과 태스크 모두), 노드 볼륨, 언더레이를 지운다."""
        for node in self.nodes:
            node.close()
        removed = _remove_cluster_resources(self.lab)
        if not quiet:
            print(f"클러스터 {josa(repr(self.lab.name), '를')} 내렸다: 자원 {removed}개를 지웠다.")

    def __repr__(self) -> str:
        return f"Cluster({self.lab.name!r}, nodes={[n.name for n in self.nodes]})"


class _Broken(Cluster):
    """노드 일부만 남은 클러스터. 다시 쓰지 않고 지운다."""

    def __init__(self, lab: Lab, underlay: Network | None, containers: list[Container]) -> None:
        self.lab = lab
        self.underlay = underlay  # type: ignore[assignment]
        self.nodes = []
        self.containers = containers

    def _health_problem(self, names: list[str], wanted_images: list[str]) -> str | None:
        return "노드나 언더레이 일부가 없음"


def _image_id(client: docker.DockerClient, ref: str) -> str | None:
    """엔진에 있는 이미지의 ID. 없으면 ``None``."""
    try:
        return client.images.get(ref).id
    except ImageNotFound:
        return None


def _running(tasks: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """실행 중인 태스크만, 슬롯 번호순으로."""
    running = [t for t in tasks if (t.get("Status") or {}).get("State") == "running"]
    return sorted(running, key=lambda t: t.get("Slot", 0))


def _run_command(
    name: str, hostname: str, network: str, ip: str, volume: str, privilege: list[str], image: str = NODE_IMAGE
) -> str:
    """노드 컨테이너를 띄우는 것과 같은 뜻의 ``docker run`` 명령줄 (설명용)."""
    parts = [
        "docker", "run", "-d", "--name", name, "--hostname", hostname, "--init",
        "--network", network, "--ip", ip, "--dns", "127.0.0.1", *privilege,
        "-v", f"{volume}:/var/lib/docker", image, "<노드 시작 명령>",
    ]  # fmt: skip
    return "$ " + " ".join(shlex.quote(p) if p != "<노드 시작 명령>" else p for p in parts)


def _ensure_node_image(cli: docker.DockerClient, say: Progress, recipe: str = "node") -> None:
    """노드 이미지가 없거나 레시피보다 오래됐으면 만든다 (처음 한 번, debootstrap이면 1~2분)."""
    if images.is_current(cli, recipe):
        return
    say(
        f"노드 이미지 {josa(images.image_tag(recipe), '가')} 없어서 만든다 "
        f"(python -m netlab images {josa(recipe, '와')} 같다)."
    )
    images.build(recipe, progress=say)


def _warn_missing_features(say: Progress) -> None:
    """오버레이에 필요한 VXLAN이 없으면 미리 알린다. 노드는 엔진 호스트의 커널을 함께 쓴다."""
    from .capabilities import EXPLAIN, probe

    if not probe().has("vxlan"):
        say("[이 엔진 호스트에 없는 기능: vxlan] " + EXPLAIN["vxlan"])


def _remove_cluster_resources(lab: Lab) -> int:
    """이 실습의 클러스터 라벨이 붙은 컨테이너, 네트워크, 볼륨만 지운다. 지운 개수를 돌려준다."""
    cli = lab.client
    flt = {"label": [f"{k}={v}" for k, v in lab.labels.items()] + [LABEL_CLUSTER]}
    count = 0
    for container in cli.containers.list(all=True, filters=flt):
        if is_ours(container.labels, lab.name):
            with contextlib.suppress(NotFound):
                container.remove(force=True, v=True)
                count += 1
    for net in cli.networks.list(filters=flt):
        if is_ours(net.attrs.get("Labels"), lab.name):
            net.reload()
            for cid in net.attrs.get("Containers") or {}:
                with contextlib.suppress(APIError):
                    net.disconnect(cid, force=True)
            with contextlib.suppress(NotFound):
                net.remove()
                count += 1
    for volume in cli.volumes.list(filters=flt):
        if is_ours(volume.attrs.get("Labels"), lab.name):
            with contextlib.suppress(NotFound):
                volume.remove(force=True)
                count += 1
    return count


def up(lab: Lab, nodes: int = 3, progress: bool = True, **kwargs: Any) -> Cluster:
    """:meth:`Cluster.up`의 짧은 이름."""
    return Cluster.up(lab, nodes, progress, **kwargs)
