"""노드 이미지와 노드 컨테이너의 시작 명령: 이미지가 없으면 만들고, 독자에게 보일 ``docker run`` 명령줄을 짓는다.

노드 컨테이너를 띄우는 모양(무엇으로, 어떤 명령으로)은 클러스터를 세우는 순서와 따로 바뀌므로 모듈 하나로 둔다.
"""

from __future__ import annotations

import shlex

import docker

from ...base.korean import josa
from .. import images
from .common import Progress

#: 노드 이미지 (``images/node`` 레시피, ``python -m netlab images node``로 빌드).
NODE_IMAGE = images.image_tag("node")


#: 노드 컨테이너의 시작 명령. ``{ip}``는 노드의 언더레이 주소다.
#:
#: 1. ``/sys``와 cgroup 계층을 읽기-쓰기로 다시 마운트한다. ``--privileged``가 해 주던 일이다.
#:    cgroup v1의 계층들은 읽기 전용 바인드 마운트라서 ``remount,bind,rw`` 여야 풀린다.
#: 2. cgroup v2 호스트라면 자기 프로세스를 하위 그룹(init)으로 옮기고 컨트롤러를 하위에 열어 준다
#:    (moby의 dind 스크립트와 같은 방법). v1 호스트에서는 건너뛴다.
#: 3. 지난 실행이 남긴 pid 파일을 지우고 dockerd를 실행한다.
#:    - ``--host unix://`` 하나뿐이다: TCP로는 듣지 않는다 (꾸러미 설명).
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


def run_command(
    name: str,
    hostname: str,
    network: str,
    ip: str,
    volume: str,
    privilege: list[str],
    image: str = NODE_IMAGE,
    extra_mounts: list[str] | None = None,
) -> str:
    """노드 컨테이너를 띄우는 것과 같은 뜻의 ``docker run`` 명령줄 (설명용)."""
    mounts = [arg for mount in extra_mounts or [] for arg in ("-v", mount)]
    parts = [
        "docker", "run", "-d", "--name", name, "--hostname", hostname, "--init",
        "--network", network, "--ip", ip, "--dns", "127.0.0.1", *privilege,
        "-v", f"{volume}:/var/lib/docker", *mounts, image, "<노드 시작 명령>",
    ]  # fmt: skip
    return "$ " + " ".join(shlex.quote(p) if p != "<노드 시작 명령>" else p for p in parts)


def ensure_node_image(cli: docker.DockerClient, say: Progress, recipe: str = "node") -> None:
    """노드 이미지가 없거나 레시피보다 오래됐으면 만든다 (처음 한 번, debootstrap이면 1~2분)."""
    if images.is_current(cli, recipe):
        return
    say(
        f"노드 이미지 {josa(images.image_tag(recipe), '가')} 없어서 만든다 "
        f"(python -m netlab images {josa(recipe, '와')} 같다)."
    )
    images.build(recipe, progress=say)


def warn_missing_features(say: Progress) -> None:
    """오버레이에 필요한 VXLAN이 없으면 미리 알린다. 노드는 엔진 호스트의 커널을 함께 쓴다."""
    from ..capabilities import EXPLAIN, probe

    if not probe().has("vxlan"):
        say("[이 엔진 호스트에 없는 기능: vxlan] " + EXPLAIN["vxlan"])
