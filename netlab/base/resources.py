"""실습이 만드는 모든 자원에 라벨을 붙이고, 라벨이 붙은 것만 지운다.

독자의 엔진에는 독자 자신의 컨테이너와 네트워크가 있다. 실습은 그것을 절대 건드리면 안 된다.
그래서 실습이 만드는 컨테이너, 네트워크, 볼륨, 이미지에는 모두 ``netlab.book`` 라벨과
실습 이름(``netlab.lab``) 라벨을 붙이고, 정리는 라벨로만 찾는다. 이름 접두사(``nl-<실습>-``)는
사람이 알아보기 위한 것이지 정리의 기준이 아니다.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import docker
from docker.errors import APIError, NotFound

LABEL_BOOK = "netlab.book"
BOOK = "docker-network-design"
LABEL_LAB = "netlab.lab"

#: 이미지에 붙이는 라벨. 컨테이너는 이미지의 라벨을 물려받으므로, 이미지에 ``netlab.book``을 붙이면
#: 독자가 우리 이미지로 직접 띄운 컨테이너까지 '실습 자원'으로 보여 정리 때 지워진다. 그래서 키를 따로 쓴다.
LABEL_IMAGE = "netlab.image-of"

#: 모든 실습 컨테이너의 기본 이미지 (images/lab에서 로컬로 빌드한다).
LAB_IMAGE = "netlab/lab:bookworm"


def stale_image_hint(log: str) -> str:
    """컨테이너의 로그가 실습 이미지에 없는 프로그램을 실행하려다 끝났다고 말하면 덧붙일 한 줄. 아니면 빈 문자열.

    pets 앱, 레지스트리, IPAM 드라이버는 ``make images``가 실습 이미지에 넣는다(``netlab.hosts.images.PACKAGE_FILES``).
    이미지가 그 전의 것이면 ``python3``가 파일을 찾지 못하고 끝난다.
    """
    if "can't open file" not in log:
        return ""
    return "\n실습 이미지에 프로그램 파일이 없다: 이미지가 이 netlab보다 옛것이면 make images로 다시 만든다."


def labels_for(lab: str) -> dict[str, str]:
    """실습 ``lab``이 만드는 자원에 붙일 라벨."""
    return {LABEL_BOOK: BOOK, LABEL_LAB: lab}


def book_filter(lab: str | None = None) -> dict[str, list[str]]:
    """라벨 필터. ``lab``이 없으면 이 책의 모든 실습 자원을 고른다."""
    wanted = [f"{LABEL_BOOK}={BOOK}"]
    if lab is not None:
        wanted.append(f"{LABEL_LAB}={lab}")
    return {"label": wanted}


def is_ours(labels: dict[str, str] | None, lab: str | None = None) -> bool:
    """라벨 사전이 이 책(과 주어진 실습)의 것인지. 지우기 직전에 한 번 더 확인한다."""
    labels = labels or {}
    if labels.get(LABEL_BOOK) != BOOK:
        return False
    return lab is None or labels.get(LABEL_LAB) == lab


@dataclass
class CleanupReport:
    """정리가 지운 것의 개수."""

    containers: int = 0
    networks: int = 0
    volumes: int = 0
    images: int = 0

    @property
    def total(self) -> int:
        return self.containers + self.networks + self.volumes + self.images

    def __str__(self) -> str:
        return (
            f"컨테이너 {self.containers}개, 네트워크 {self.networks}개, "
            f"볼륨 {self.volumes}개, 이미지 {self.images}개를 지웠다."
        )


def _remove_all(items: Iterable, lab: str | None, remove) -> int:
    count = 0
    for item in items:
        attrs = item.attrs
        attrs_labels = (
            attrs.get("Labels") or attrs.get("Config", {}).get("Labels") or attrs.get("Spec", {}).get("Labels")
        ) or {}  # 네트워크와 볼륨, 컨테이너, 스웜 서비스의 라벨 자리
        if not is_ours(attrs_labels, lab):
            continue  # 필터가 틀려도 독자의 자원은 지우지 않는다
        try:
            remove(item)
            count += 1
        except (NotFound, _StillInUse):
            pass
    return count


class _StillInUse(Exception):
    """첫 정리 시도에서 아직 지울 수 없었던 네트워크."""


def _remove_network_if_free(net: Any) -> None:
    try:
        net.remove()
    except APIError as exc:
        raise _StillInUse(str(exc)) from exc


def _remove_network_unless_gone(net: Any) -> None:
    """스웜 오버레이는 목록에 보인 뒤에 사라질 수 있고, 엔진은 그때 404가 아니라 500 "not found"를 준다."""
    try:
        net.remove()
    except APIError as exc:
        if "not found" not in str(exc.explanation or exc):
            raise
        raise NotFound(str(exc)) from exc


def cleanup(client: docker.DockerClient, lab: str | None = None, *, images: bool = False) -> CleanupReport:
    """라벨이 붙은 자원만 지운다. ``lab``이 없으면 이 책의 모든 실습 자원을 지운다.

    순서: 네트워크(붙은 컨테이너를 떼어 낸 뒤) → 컨테이너 → 볼륨 → (원하면) 이미지.
    """
    report = CleanupReport()
    flt = book_filter(lab)
    # 이 엔진이 스웜 매니저이면(랩 호스트의 손님 엔진) 라벨이 붙은 서비스부터 지운다: 서비스가 쓰는 오버레이는
    # 지워지지 않는다. 매니저가 아닌 엔진은 서비스 목록을 거절하므로(503) 건너뛴다.
    try:
        services = client.services.list(filters={"label": flt["label"]})
    except APIError:
        services = []
    _remove_all(services, lab, lambda svc: svc.remove())
    # 네트워크를 먼저 지운다: 원격 IPAM 플러그인이 컨테이너로 떠 있으면, 그 컨테이너가 살아 있을 때
    # 네트워크를 지워야 엔진이 주소와 풀을 플러그인에 돌려줄 수 있다 (아니면 엔진이 30초씩 기다린다).
    networks = client.networks.list(filters=flt)
    for net in networks:
        net.reload()
        for cid in net.attrs.get("Containers") or {}:
            try:
                net.disconnect(cid, force=True)
            except APIError:
                pass
    report.networks = _remove_all(networks, lab, _remove_network_if_free)
    report.containers = _remove_all(
        client.containers.list(all=True, filters=flt), lab, lambda c: c.remove(force=True, v=True)
    )
    # 첫 시도에서 남은 네트워크(아직 붙잡는 컨테이너가 있던 것)는 컨테이너를 지운 뒤 다시 지운다.
    report.networks += _remove_all(client.networks.list(filters=flt), lab, _remove_network_unless_gone)
    report.volumes = _remove_all(client.volumes.list(filters=flt), lab, lambda v: v.remove(force=True))
    if images and lab is None:
        for image in client.images.list(filters={"label": f"{LABEL_IMAGE}={BOOK}"}):
            if (image.labels or {}).get(LABEL_IMAGE) == BOOK:
                try:
                    client.images.remove(image.id, force=True)
                    report.images += 1
                except NotFound:
                    pass
    return report
