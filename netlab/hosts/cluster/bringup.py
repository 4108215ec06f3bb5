"""클러스터를 세우는 뒷부분: 노드 엔진이 답하기를 기다리고, 스웜을 구성하고, 바깥 엔진의 이미지를 노드로 옮긴다.

:class:`Bringup`은 :class:`netlab.hosts.cluster.Cluster`가 물려받는 믹스인이다. 붙은 스웜(:mod:`netlab.hosts.attach`)도
이미지 옮기기를 그대로 쓴다.
"""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import docker
from docker.errors import ImageNotFound

from ...base.engine import engine_label
from ...base.korean import josa
from ...base.wait import WaitTimeout, until
from .common import ENGINE_TIMEOUT, SWARM_PORT, ClusterError, Progress
from .node import engine_answers

if TYPE_CHECKING:
    from ..session import Lab
    from .node import Node


class Bringup:
    """노드 엔진 기다리기, 스웜 구성, 이미지 옮기기."""

    lab: Lab
    nodes: list[Node]
    manager: Node
    workers: list[Node]

    def _wait_engines(self, say: Progress) -> None:
        started = time.monotonic()
        pending = list(self.nodes)

        def still_pending() -> list[Node]:
            for node in list(pending):
                node.container.reload()
                if node.container.status in ("exited", "dead"):
                    logs = node.container.logs(tail=15).decode(errors="replace")
                    raise ClusterError(f"노드 {node.name}의 dockerd가 끝났다:\n{logs}")
                if engine_answers(node):
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

    def _load_from_archives(self, ref: str, targets: list[Node]) -> bool:
        """root 없는 랩 호스트: 손님 디스크에 남겨 둔 묶음을 노드 안에서 ``docker load -i``로 읽는다 (동시에).

        API 터널로 수백 MB를 흘리는 길은 UML 손님 안에서 끊겼다(2026-12 측정). 묶음이 없으면 False.
        묶음은 손님 엔진의 이미지와 같은 것이라 ID가 같다: 아래 ID 확인이 그것을 본다.
        """
        if engine_archives(self.lab.client) is None:
            return False
        path = f"{NODE_ARCHIVES}/{archive_name(ref)}"
        if not all(node.sh(f"test -s {path}").ok for node in targets):
            return False

        def load(node: Node) -> None:
            result = node.sh(f"docker load -q -i {path}", timeout=900)
            if not result.ok:
                raise ClusterError(f"{node.name}에 {josa(ref, '를')} load 하지 못했다: {result.output[-400:]}")

        with ThreadPoolExecutor(max_workers=len(targets)) as pool:
            list(pool.map(load, targets))
        return True

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
            if self._load_from_archives(ref, targets):
                say(f"이미지 load: {ref} → 노드 {len(targets)}개 ({time.monotonic() - started:.1f}초)")
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


#: 노드 안에서 root 없는 랩 호스트 손님의 이미지 묶음 폴더가 보이는 자리 (읽기 전용 바인드 마운트).
NODE_ARCHIVES = "/netlab-archives"


def engine_archives(client: docker.DockerClient) -> str | None:
    """엔진이 root 없는 랩 호스트의 손님이면 이미지 묶음을 둔 손님 안의 폴더. 아니면 None.

    손님 init이 dockerd에 ``netlab.archives=<폴더>`` 라벨을 붙인다(``scripts/rootless/guest-init``).
    """
    return engine_label(client, "netlab.archives") or None


def archive_name(ref: str) -> str:
    """이미지 참조의 묶음 파일 이름: ``netlab/lab:bookworm`` → ``netlab_lab_bookworm.tar``."""
    return ref.replace("/", "_").replace(":", "_") + ".tar"


def _image_id(client: docker.DockerClient, ref: str) -> str | None:
    """엔진에 있는 이미지의 ID. 없으면 ``None``."""
    try:
        return client.images.get(ref).id
    except ImageNotFound:
        return None
