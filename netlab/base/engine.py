"""도커 엔진에 연결하고, 엔진 호스트가 무엇을 할 수 있는지 알아본다.

노트북은 엔진이 로컬 소켓에 있든, ``DOCKER_HOST``로 가리킨 원격 엔진이든, 엔진이 아예 없는
Binder이든 똑같이 동작해야 한다. 그래서 연결은 짧은 시간 제한을 두고 한 번만 시도하고,
실패하면 스택 트레이스 대신 무엇이 없고 어떻게 구하는지 말하는 한국어 메시지를 낸다.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import docker
from docker.errors import DockerException

#: 연결 시도 시간 제한(초). 엔진이 없을 때 노트북이 멈춘 것처럼 보이지 않게 짧게 둔다.
CONNECT_TIMEOUT = float(os.environ.get("NETLAB_CONNECT_TIMEOUT", "5"))
#: 연결된 뒤 한 API 호출의 시간 제한(초). 이미지 빌드처럼 긴 작업은 따로 늘린다.
API_TIMEOUT = 120
#: root 없는 랩 호스트(:mod:`netlab.hosts.rootless`)의 첫 손님 엔진에 닿는 소켓. 주인만 여는 폴더에 있다.
#: ``DOCKER_HOST``가 없고 기본 소켓의 엔진이 답하지 않을 때, 이 소켓이 있으면 그 엔진을 쓴다.
ROOTLESS_HOME = Path(os.environ.get("NETLAB_CACHE", Path.home() / ".cache" / "netlab")) / "rootless"
ROOTLESS_SOCKET = str(ROOTLESS_HOME / "sockets" / "g1.sock")
#: root 없는 랩 호스트를 켜지 못한 마지막 까닭 (예: ptrace가 막힌 호스팅 환경). 엔진이 없다고 알릴 때 함께 보인다.
ROOTLESS_LAST_ERROR = str(ROOTLESS_HOME / "last-error.txt")


class EngineUnavailable(RuntimeError):
    """도커 엔진에 닿지 않을 때 낸다. 메시지는 독자가 읽을 한국어 설명이다."""


class FeatureMissing(RuntimeError):
    """엔진 호스트의 커널이나 상태에 이 셀이 쓰는 기능이 없을 때 낸다."""


def _explain_unreachable(cause: Exception) -> str:
    target = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock (기본 소켓)"
    lines = [
        "도커 엔진에 연결할 수 없다.",
        f"  연결 대상: {target}",
        f"  원인: {type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else '-'}",
        "이 셀은 실제 도커 엔진이 있어야 실행된다. 저장된 출력은 실제 엔진에서 실행한 기록이다.",
        "직접 실행하려면:",
        "  - 리눅스에 도커 엔진을 설치하고 시작한다 (데비안: apt-get install docker.io, 그다음 dockerd).",
        "  - 또는 DOCKER_HOST나 도커 컨텍스트로 쓸 수 있는 엔진을 가리킨다.",
        "  - 저장소에서 `make test`를 root로 실행하면 데비안에서는 엔진 설치와 시작까지 해 준다.",
        "  - root도 엔진도 없으면 `make rootless`로 root 없는 랩 호스트(UML 손님의 엔진)를 켠다 (README).",
    ]
    if os.path.exists(ROOTLESS_LAST_ERROR):
        with open(ROOTLESS_LAST_ERROR, encoding="utf-8") as fh:
            reason = fh.read().strip().splitlines()
        lines.append("root 없는 랩 호스트를 켜려 했지만 켜지 못했다. 까닭:")
        lines += [f"  {line}" for line in reason[:12]]
        lines.append("이 환경이 UML에 필요한 것(ptrace, 실행할 수 있는 임시 폴더, 메모리)을 막았다면")
        lines.append("저장된 출력으로 읽는다.")
    if os.environ.get("BINDER_SERVICE_HOST") or os.environ.get("BINDER_REQUEST"):
        lines.append("지금은 Binder에서 실행 중이다. Binder에는 도커 엔진이 없어 root 없는 랩 호스트가 대신한다.")
    return "\n".join(lines)


@functools.lru_cache(maxsize=1)
def client() -> docker.DockerClient:
    """엔진 클라이언트를 하나 만들어 재사용한다.

    ``docker.from_env``는 ``DOCKER_HOST``, ``DOCKER_TLS_VERIFY``, ``DOCKER_CERT_PATH``를 따른다.
    ``version="auto"``는 생성할 때 엔진에 한 번 물어보므로, 엔진이 없으면 여기서 바로 실패한다.
    """
    try:
        return connect()
    except (DockerException, OSError) as exc:
        rootless = _rootless_client()
        if rootless is not None:
            return rootless
        raise EngineUnavailable(_explain_unreachable(exc)) from None


def connect(base_url: str | None = None, *, timeout: float = API_TIMEOUT) -> docker.DockerClient:
    """짧은 시간 제한으로 먼저 ping 해 본 뒤 ``timeout``짜리 클라이언트를 만든다. 닿지 않으면 도커 SDK의 예외.

    ``base_url``이 없으면 환경(``DOCKER_HOST`` …)을 따른다. 엔진이 없을 때 셀이 2분 동안 멈춘 것처럼 보이지 않게 한다.
    """

    def make(seconds: float) -> docker.DockerClient:
        if base_url is None:
            return docker.from_env(timeout=seconds, version="auto")
        return docker.DockerClient(base_url=base_url, timeout=seconds, version="auto")

    probe_client = make(CONNECT_TIMEOUT)
    try:
        probe_client.ping()
    finally:
        probe_client.close()
    return make(timeout)


def _rootless_client() -> docker.DockerClient | None:
    """``DOCKER_HOST``가 없고 root 없는 랩 호스트가 떠 있으면 그 엔진의 클라이언트. 아니면 None."""
    if os.environ.get("DOCKER_HOST") or not os.path.exists(ROOTLESS_SOCKET):
        return None
    url = f"unix://{ROOTLESS_SOCKET}"
    try:
        cli = connect(url)
    except (DockerException, OSError):
        return None
    # 이 프로세스가 여는 도구(docker CLI, 노트북이 띄우는 하위 프로세스)도 같은 엔진을 가리키게 한다.
    os.environ["DOCKER_HOST"] = url
    return cli


def engine_label(cli: docker.DockerClient, key: str) -> str | None:
    """엔진(dockerd ``--label``)에 붙은 라벨의 값. 없으면 None."""
    for label in cli.info().get("Labels") or []:
        name, _, value = label.partition("=")
        if name == key:
            return value
    return None


def is_rootless_guest(cli: docker.DockerClient) -> bool:
    """엔진이 root 없는 랩 호스트의 손님인지 (손님 init이 dockerd에 붙이는 라벨로 안다)."""
    return engine_label(cli, "netlab.rootless") == "1"


def reset_client() -> None:
    """캐시한 클라이언트를 버린다 (엔진을 다시 시작했거나 DOCKER_HOST를 바꾼 뒤)."""
    client.cache_clear()


def available() -> bool:
    """엔진에 닿으면 True. 예외를 내지 않는다."""
    try:
        client()
    except EngineUnavailable:
        return False
    return True


#: 이 책의 저장된 출력을 기록한 엔진 (images/engine-debs.txt의 docker.io와 같아야 한다).
REFERENCE_ENGINE = "28.5.2"


def is_reference_generation(server_version: str) -> bool:
    """엔진이 책을 기록한 엔진과 같은 세대(주.부 버전)인지. ``28.5.2+dfsg4`` 같은 배포판 꼬리는 무시한다."""
    return server_version.split(".")[:2] == REFERENCE_ENGINE.split(".")[:2]


@dataclass(frozen=True)
class EngineInfo:
    """교재가 보여 주는 엔진 정보의 요약."""

    server_version: str
    api_version: str
    os: str
    kernel: str
    storage_driver: str
    cgroup_version: str
    swarm_state: str
    rootless: bool
    plugins_network: tuple[str, ...] = field(default_factory=tuple)


def engine_info(cli: docker.DockerClient | None = None) -> EngineInfo:
    """``docker version``과 ``docker info``에서 교재에 필요한 것만 모은다 (기본은 이 프로세스의 엔진)."""
    cli = cli or client()
    version = cli.version()
    info = cli.info()
    plugins = info.get("Plugins") or {}
    security = info.get("SecurityOptions") or []
    return EngineInfo(
        server_version=version.get("Version", "?"),
        api_version=version.get("ApiVersion", "?"),
        os=info.get("OperatingSystem", "?"),
        kernel=info.get("KernelVersion", "?"),
        storage_driver=info.get("Driver", "?"),
        cgroup_version=str(info.get("CgroupVersion", "?")),
        swarm_state=(info.get("Swarm") or {}).get("LocalNodeState", "?"),
        rootless=any("rootless" in opt for opt in security),
        plugins_network=tuple(plugins.get("Network") or ()),
    )
