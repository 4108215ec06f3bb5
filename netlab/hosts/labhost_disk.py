"""랩 호스트 손님의 데이터 디스크: 실습 이미지를 미리 load 한 ext4 파일을 라벨이 붙은 볼륨에 만들고 확인한다.

UML 손님 안에서 ``docker load``는 5분이 넘게 걸려서, 바깥 엔진의 보통 컨테이너에서 디스크를 만든다. 그 준비는
부팅과 따로 바뀌고(레시피 해시와 이미지 ID가 열쇠) 부팅보다 훨씬 드물게 돌므로 모듈 하나로 둔다.
"""

from __future__ import annotations

import hashlib
import time

import docker
from docker.errors import APIError, DockerException, ImageNotFound, NotFound

from ..base import engine
from ..base.korean import josa
from ..base.resources import BOOK, LAB_IMAGE, LABEL_BOOK, is_ours, labels_for
from ..base.wait import until
from . import images
from .labhost_base import IMAGE, LAB, LabHostError, Progress, ping

#: 데이터 디스크 볼륨 이름의 앞부분. 뒤에 레시피와 실습 이미지에서 만든 열쇠가 붙는다.
DISK_VOLUME_PREFIX = "netlab-labhost-disk-"
#: 데이터 디스크 볼륨의 열쇠 라벨.
LABEL_DISK = "netlab.labhost.disk"
#: 데이터 디스크를 만드는 시간 제한(초). 이 기계에서는 약 1분이다.
PREPARE_TIMEOUT = 600
#: 데이터 디스크의 크기(성긴 파일이라 쓴 만큼만 자리를 차지한다).
DISK_SIZE = "16G"


#: 데이터 디스크를 만드는 컨테이너의 명령. 바깥 엔진 위의 보통 컨테이너에서 손님과 같은 엔진(같은 이미지)을
#: 띄워 실습 이미지를 load 받은 뒤(netlab이 exec 터널로 넣는다), ``/disk/loaded``가 생기면 엔진을 멈추고
#: 그 데이터 폴더를 ext4 디스크 파일로 만든다. 파일은 다 만든 뒤에 이름을 바꾸므로 반쯤 만든 디스크는 쓰이지 않는다.
PREPARE_SCRIPT = """\
set -e
mount -o remount,rw /sys 2>/dev/null || true
for d in /sys/fs/cgroup /sys/fs/cgroup/*; do
  mount -o remount,rw "$d" 2>/dev/null || mount -o remount,bind,rw "$d" 2>/dev/null || true
done
rm -rf /disk/data /disk/docker.img.part /disk/loaded
mkdir -p /disk/data
dockerd --data-root /disk/data --host unix:///var/run/docker.sock --iptables=false --bridge=none \
  --log-level warn &
pid=$!
while [ ! -e /disk/loaded ]; do
  kill -0 "$pid" 2>/dev/null || { echo "dockerd가 멈췄다"; exit 1; }
  sleep 0.5
done
kill -TERM "$pid"; wait "$pid" || true
rm -rf /disk/data/network /disk/data/swarm /disk/data/runtimes /disk/data/tmp /disk/data/engine-id
mkfs.ext4 -q -F -L docker -E lazy_itable_init=1 -d /disk/data /disk/docker.img.part {size}
rm -rf /disk/data /disk/loaded
mv /disk/docker.img.part /disk/docker.img
echo "netlab-prepare: done"
"""


def disk_key(outer: docker.DockerClient) -> str:
    """데이터 디스크의 열쇠: 랩 호스트 레시피의 해시와 실습 이미지의 ID. 둘 중 하나가 바뀌면 디스크를 새로 만든다."""
    try:
        lab_image = outer.images.get(LAB_IMAGE).id
    except ImageNotFound:
        raise LabHostError(f"바깥 엔진에 {LAB_IMAGE} 이미지가 없다. `python -m netlab images lab`로 만든다.") from None
    return hashlib.sha256(f"{images.recipe_hash('labhost')}:{lab_image}".encode()).hexdigest()[:12]


def prepare_disk(outer: docker.DockerClient, key: str, progress: Progress) -> str:
    """실습 이미지를 미리 load 한 데이터 디스크가 든 볼륨의 이름. 없으면 만든다 (모듈 설명 참고)."""
    name = f"{DISK_VOLUME_PREFIX}{key}"
    for volume in outer.volumes.list(filters={"label": f"{LABEL_BOOK}={BOOK}"}):
        if volume.name.startswith(DISK_VOLUME_PREFIX) and volume.name != name and is_ours(volume.attrs["Labels"]):
            try:
                volume.remove()
                progress(f"옛 데이터 디스크 볼륨 {josa(volume.name, '을')} 지웠다.")
            except APIError:
                pass  # 아직 옛 랩 호스트가 쓰고 있다
    try:
        outer.volumes.get(name)
        if disk_ready(outer, name):
            return name
    except NotFound:
        outer.volumes.create(name, labels={**labels_for(LAB), LABEL_DISK: key})
    started = time.monotonic()
    progress(f"데이터 디스크를 만든다: {josa(LAB_IMAGE, '를')} 미리 load 한 ext4 (볼륨 {name}, 약 1분)")
    from .cluster.tunnel import ExecTunnel
    from .host import full_capability_host_config

    api = outer.api
    created = api.create_container(
        IMAGE,
        command=["sh", "-c", PREPARE_SCRIPT.replace("{size}", DISK_SIZE)],
        labels=labels_for(LAB),
        host_config=full_capability_host_config(api, binds={name: {"bind": "/disk", "mode": "rw"}}),
    )
    prep = outer.containers.get(created["Id"])
    tunnel = None
    try:
        prep.start()
        tunnel = ExecTunnel(outer, prep)
        pinger = docker.DockerClient(base_url=tunnel.base_url, version="1.41", timeout=10)
        until(lambda: ping(pinger), what="디스크를 만드는 엔진의 응답", timeout=60)
        pinger.close()
        inner = docker.DockerClient(base_url=tunnel.base_url, version="auto", timeout=engine.API_TIMEOUT)
        image = outer.images.get(LAB_IMAGE)
        for message in inner.api.load_image(image.save(named=True)):
            if "error" in message:
                raise LabHostError(f"{josa(LAB_IMAGE, '를')} load 하지 못했다: {message['error']}")
        if inner.images.get(LAB_IMAGE).id != image.id:
            raise LabHostError(f"load 한 {LAB_IMAGE}의 ID가 바깥 엔진의 것과 다르다.")
        inner.close()
        progress(f"  {LAB_IMAGE} load ({time.monotonic() - started:.0f}초), ext4 디스크로 만든다")
        prep.exec_run(["touch", "/disk/loaded"])
        status = prep.wait(timeout=PREPARE_TIMEOUT)["StatusCode"]
        logs = prep.logs().decode(errors="replace")
        if status != 0 or "netlab-prepare: done" not in logs:
            raise LabHostError(f"데이터 디스크를 만들지 못했다 (종료 코드 {status}):\n{logs[-2000:]}")
    finally:
        if tunnel is not None:
            tunnel.close()
        prep.remove(force=True, v=True)
    progress(f"  데이터 디스크 준비 ({time.monotonic() - started:.0f}초)")
    return name


def disk_ready(outer: docker.DockerClient, volume: str) -> bool:
    """볼륨에 다 만든 디스크(``docker.img``)가 있는지. 짧은 컨테이너로 본다."""
    try:
        output = outer.containers.run(
            IMAGE,
            ["sh", "-c", "test -s /disk/docker.img && echo ready || echo missing"],
            remove=True,
            network_mode="none",
            labels=labels_for(LAB),
            volumes={volume: {"bind": "/disk", "mode": "ro"}},
        )
    except (APIError, DockerException):
        return False
    return output.decode().strip() == "ready"
