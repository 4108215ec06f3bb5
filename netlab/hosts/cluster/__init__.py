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

클러스터 코드는 관심사마다 모듈 하나로 나뉜다: :mod:`.common`(이름, 라벨, 자원 지우기),
:mod:`.tunnel`(노드 엔진에 닿는 exec 터널), :mod:`.node_image`(노드 이미지와 시작 명령), :mod:`.node`(노드 하나),
:mod:`.bringup`(엔진 기다리기, 스웜 구성, 이미지 옮기기), :mod:`.workloads`(오버레이와 서비스, 태스크),
:mod:`.core`(:class:`Cluster`: 보기, 세우기, 지우기). 이 꾸러미는 바깥에서 쓰는 이름을 한곳에서 내놓는다.
"""

from __future__ import annotations

from .common import (
    ENGINE_TIMEOUT,
    LABEL_CLUSTER,
    LABEL_ROLE,
    SWARM_PORT,
    UNDERLAY_INDEX,
    ClusterError,
    bridge_name,
    node_names,
)
from .core import Cluster, up
from .node import NODE_API, Node, swarm_status
from .node_image import NODE_BOOT, NODE_IMAGE
from .tunnel import TUNNEL_DIR_PREFIX, ExecTunnel, remove_stale_tunnel_dirs

__all__ = [
    "ENGINE_TIMEOUT",
    "LABEL_CLUSTER",
    "LABEL_ROLE",
    "NODE_API",
    "NODE_BOOT",
    "NODE_IMAGE",
    "SWARM_PORT",
    "TUNNEL_DIR_PREFIX",
    "UNDERLAY_INDEX",
    "Cluster",
    "ClusterError",
    "ExecTunnel",
    "Node",
    "bridge_name",
    "node_names",
    "remove_stale_tunnel_dirs",
    "swarm_status",
    "up",
]
