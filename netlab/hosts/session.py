"""노트북 하나의 실습 세션: 이름 붙이기, 만들기, 명령 실행, 정리.

모든 노트북은 첫 셀에서 ``lab = netlab.lab("bridge")``로 시작하고 마지막 셀에서
``lab.cleanup()``으로 끝난다. 시작할 때도 같은 실습의 라벨이 붙은 자원을 먼저 지우므로,
중간에 멈춘 실행 뒤에 다시 실행해도 같은 상태에서 출발한다.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import docker
from docker.models.containers import Container
from docker.models.networks import Network

from ..base import addressing, cli, cli_echo
from ..base.engine import REFERENCE_ENGINE, EngineUnavailable, client, engine_info, is_reference_generation
from ..base.execution import ExecResult, container_sh
from ..base.resources import LAB_IMAGE, cleanup, labels_for
from ..base.wait import until, until_running

#: 실습 컨테이너가 기본으로 실행하는 명령: 아무것도 하지 않고 살아 있는다.
IDLE = ["sleep", "infinity"]

#: 실습 컨테이너의 바깥 DNS 서버. 루프백을 주어 어떤 이름 질의도 이 기계 밖으로 나가지 않게 한다.
#: 도커의 내장 DNS(127.0.0.11)는 컨테이너 이름을 스스로 답하고, 모르는 이름만 이 서버로 넘긴다.
LOCAL_ONLY_DNS = ("127.0.0.1",)


def _normalise_ports(ports: Mapping[str | int, Any] | None, *, expose: bool) -> dict[str, tuple[str, int]]:
    """``{80: 8080}``을 ``{"80/tcp": ("127.0.0.1", 8080)}``로 바꾼다.

    실습이 게시하는 포트는 기본으로 루프백에만 묶는다. 외부에 여는 것이 수업의 주제일 때만
    ``expose=True``로 모든 주소에 묶는다.
    """
    result: dict[str, tuple[str, int]] = {}
    for target, host in (ports or {}).items():
        key = str(target) if "/" in str(target) else f"{target}/tcp"
        if isinstance(host, tuple):
            host_ip, host_port = host
        else:
            host_ip, host_port = ("0.0.0.0" if expose else "127.0.0.1"), int(host)
        result[key] = (host_ip, int(host_port))
    return result


class Lab:
    """한 노트북의 실습. 이름 접두사, 라벨, 주소 블록, 정리를 한곳에서 맡는다."""

    def __init__(self, name: str, *, echo: bool = True, engine: docker.DockerClient | None = None) -> None:
        self.name = name
        self.prefix = f"nl-{name}"
        self.echo = echo
        self._host = None
        # 보통은 이 프로세스의 엔진이다. 여러 엔진을 함께 쓰는 실험(랩 호스트의 두 손님)은 엔진마다 Lab을 하나씩 둔다.
        self.client: docker.DockerClient = engine or client()

    # -- 이름과 주소 ---------------------------------------------------------
    def n(self, short: str) -> str:
        """짧은 이름에 실습 접두사를 붙인다: ``web`` → ``nl-bridge-web``."""
        return f"{self.prefix}-{short}"

    def subnet(self, index: int = 0) -> str:
        """이 실습의 ``index`` 번째 /24 (``netlab.addressing`` 참고)."""
        return str(addressing.subnet(self.name, index))

    def addr(self, index: int, n: int) -> str:
        """``index`` 번째 서브넷의 ``n`` 번째 주소."""
        return addressing.host(addressing.subnet(self.name, index), n)

    @property
    def labels(self) -> dict[str, str]:
        return labels_for(self.name)

    def _say(self, line: str) -> None:
        """명령줄 ``docker …``을 찍는다. 노드나 손님 엔진의 실습이면 앞부분이 그 엔진에 닿는 명령이다."""
        if self.echo:
            prefix = cli_echo.prefix_of(self.client)
            if prefix != "docker" and line.startswith("docker "):
                line = f"{prefix} {line.removeprefix('docker ')}"
            print(f"$ {line}")

    # -- 만들기 ------------------------------------------------------------
    def network(
        self, short: str, *, ipv6_subnet: str | None = None, scope: str | None = None, **options: Any
    ) -> Network:
        """라벨을 붙인 네트워크를 만든다. 같은 명령줄을 먼저 보여 준다.

        ``options``는 :class:`netlab.base.cli.NetworkOptions`의 필드(``driver``, ``subnet``, ``gateway``,
        ``ip_range``, ``aux_addresses``, ``ipam_driver``, ``internal``, ``attachable``, ``options``)다.
        ``ipv6``는 주지 않는다: ``ipv6_subnet``을 주면 켜진다.
        """
        name = self.n(short)
        spec = cli.NetworkOptions(**options, ipv6=bool(ipv6_subnet))
        pools = []
        if spec.subnet or spec.gateway or spec.ip_range or spec.aux_addresses:
            pools.append(
                docker.types.IPAMPool(
                    subnet=spec.subnet, gateway=spec.gateway, iprange=spec.ip_range, aux_addresses=spec.aux_addresses
                )
            )
        if ipv6_subnet:
            pools.append(docker.types.IPAMPool(subnet=ipv6_subnet))
        ipam = None
        if pools or spec.ipam_driver:
            ipam = docker.types.IPAMConfig(driver=spec.ipam_driver or "default", pool_configs=pools)
        self._say(spec.command(name))
        return self.client.networks.create(
            name,
            driver=spec.driver,
            ipam=ipam,
            internal=spec.internal,
            attachable=spec.attachable,
            enable_ipv6=spec.ipv6,
            options=dict(spec.options or {}),
            labels=self.labels,
            scope=scope,
            check_duplicate=True,
        )

    def container(
        self,
        short: str,
        *,
        network: Network | str | None = None,
        ip: str | None = None,
        aliases: Sequence[str] = (),
        image: str = LAB_IMAGE,
        command: Sequence[str] | None = None,
        ports: Mapping[str | int, Any] | None = None,
        expose: bool = False,
        cap_add: Iterable[str] = (),
        links: Mapping[str, str] | None = None,
        environment: Mapping[str, str] | None = None,
        hostname: str | None = None,
        dns: Sequence[str] | None = LOCAL_ONLY_DNS,
        host_config_extra: Mapping[str, Any] | None = None,
        wait_running: bool = True,
        listen: int | None = None,
    ) -> Container:
        """라벨을 붙인 컨테이너를 만들고 시작한다.

        ``network``는 네트워크 객체나 이름이다. ``"host"``, ``"none"``, ``"bridge"``도 된다.
        ``ip``와 ``aliases``는 그 네트워크에서의 고정 주소와 별칭이다.
        """
        api = self.client.api
        name = self.n(short)
        net_name = network.name if isinstance(network, Network) else network
        port_map = _normalise_ports(ports, expose=expose)
        command = list(command) if command is not None else IDLE
        if net_name == "host" or (net_name or "").startswith("container:"):
            dns = None  # 호스트나 다른 컨테이너의 네트워크를 쓰면 DNS 설정도 그쪽 것이다
        self._say(
            cli.container_run(
                name,
                image,
                command,
                network=net_name,
                ip=ip,
                aliases=aliases,
                ports=port_map,
                cap_add=cap_add,
                links=links,
                dns=dns or (),
                sysctls=(host_config_extra or {}).get("Sysctls"),
            )
        )
        host_config = api.create_host_config(
            network_mode=net_name,
            port_bindings={k: v for k, v in port_map.items()} or None,
            cap_add=list(cap_add) or None,
            links=dict(links) if links else None,
            dns=list(dns) if dns else None,
            init=True,
        )
        host_config.update(host_config_extra or {})
        networking_config = None
        if net_name and net_name not in ("host", "none", "bridge") and (ip or aliases):
            networking_config = api.create_networking_config(
                {net_name: api.create_endpoint_config(ipv4_address=ip, aliases=list(aliases) or None)}
            )
        created = api.create_container(
            image,
            command=command,
            name=name,
            hostname=hostname or (None if net_name == "host" or (net_name or "").startswith("container:") else short),
            labels=self.labels,
            ports=[tuple(k.split("/")) if "/" in k else k for k in port_map] or None,
            environment=dict(environment or {}),
            host_config=host_config,
            networking_config=networking_config,
            detach=True,
        )
        api.start(created["Id"])
        container = self.client.containers.get(created["Id"])
        if wait_running:
            self._wait_running(container)
        if listen is not None:
            self.wait_listening(container, listen)
        return container

    def wait_listening(self, container: Container, port: int, *, timeout: float = 30) -> None:
        """컨테이너 안의 서버가 TCP ``port``를 듣기 시작할 때까지 기다린다.

        컨테이너가 "running"이 된 것과 그 안의 서버가 연결을 받을 준비가 된 것은 다르다.
        바로 요청하면 가끔 연결이 거절되어, 다시 실행할 때마다 결과가 달라진다.
        """
        probe = f"ss -Hltn 'sport = :{port}' | grep -q LISTEN"
        until(
            lambda: self.sh(container, probe, timeout=5).ok,
            what=f"{container.name} 안의 서버가 {port}번 포트를 듣기",
            timeout=timeout,
            interval=0.1,
        )

    def _wait_running(self, container: Container, timeout: float = 20) -> None:
        until_running(container, f"컨테이너 {container.name}", timeout=timeout, interval=0.1)

    def volume(self, short: str) -> Any:
        """라벨을 붙인 볼륨."""
        return self.client.volumes.create(self.n(short), labels=self.labels)

    # -- 실행과 관찰 -----------------------------------------------------------
    def sh(self, container: Container | str, command: str, *, timeout: float = 15) -> ExecResult:
        """컨테이너 안에서 셸 명령을 실행한다. ``timeout`` 초가 지나면 명령을 끊는다."""
        target = self.client.containers.get(container) if isinstance(container, str) else container
        return container_sh(target, command, timeout=timeout)

    def ip_of(self, container: Container, network: Network | str) -> str:
        """컨테이너가 그 네트워크에서 받은 IPv4 주소."""
        container.reload()
        net_name = network.name if isinstance(network, Network) else network
        return container.attrs["NetworkSettings"]["Networks"][net_name]["IPAddress"]

    @property
    def host(self):
        """엔진 호스트를 들여다보는 도구 상자 컨테이너 (처음 쓸 때 만든다)."""
        if self._host is None:
            from .host import HostView

            self._host = HostView(self)
        return self._host

    # -- 정리 -----------------------------------------------------------------
    def cleanup(self, *, quiet: bool = False) -> None:
        """이 실습이 만든 (라벨이 붙은) 것만 지운다. 지운 개수는 출력으로 알린다."""
        report = cleanup(self.client, self.name)
        self._host = None
        if not quiet:
            print(f"정리: 실습 '{self.name}'의 {report}")

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup(quiet=True)

    def __repr__(self) -> str:
        return f"Lab({self.name!r}, prefix={self.prefix!r})"


class OfflineLab:
    """엔진이 없을 때 첫 셀이 돌려주는 자리표시자.

    어떤 속성을 쓰든 같은 한국어 설명과 함께 :class:`EngineUnavailable`을 낸다. 그래서 Binder처럼
    엔진이 없는 곳에서도 첫 셀 다음 셀들이 ``NameError`` 대신 이유를 말한다.
    """

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason

    def __getattr__(self, attr: str) -> Any:
        raise EngineUnavailable(self.reason)

    def __repr__(self) -> str:
        return f"OfflineLab({self.name!r}): 엔진 없음"


def start(
    name: str, *, echo: bool = True, summary: bool = True, engine: docker.DockerClient | None = None
) -> Lab | OfflineLab:
    """노트북의 첫 셀. 엔진에 연결하고, 지난 실행이 남긴 이 실습의 자원을 지운다.

    ``engine``을 주면 이 프로세스의 엔진 대신 그 엔진을 쓴다 (예: ``host.guest(2).client``).
    """
    addressing.subnet(name)  # 등록되지 않은 실습 이름이면 여기서 바로 알린다
    try:
        lab = Lab(name, echo=echo, engine=engine)
    except EngineUnavailable as exc:
        from ..base.notebook import install_error_display

        print(str(exc))
        install_error_display(offline=True)
        return OfflineLab(name, str(exc))
    cleanup(lab.client, name)
    if summary:
        info = engine_info(lab.client)
        first = addressing.subnet(name, 0)
        last = addressing.subnet(name, addressing.block_size(name) - 1)
        print(f"실습 '{name}' 준비 완료")
        print(f"  엔진: Docker Engine {info.server_version} (API {info.api_version}), {info.os}")
        if not is_reference_generation(info.server_version):
            print(
                f"  (이 책의 출력은 Docker Engine {REFERENCE_ENGINE}에서 기록했다. 규칙과 출력이 다르게 보이면"
                " 본문의 '엔진 버전에 따라 다른 점' 메모를 본다.)"
            )
        print(f"  이름 접두사: {lab.prefix}-   라벨: netlab.lab={name}")
        print(f"  주소 블록: {first.network_address}/24 ~ {last.network_address}/24")
    return lab


def same_subnet(a: str, b: str, prefix: int = 24) -> bool:
    """두 주소가 같은 /prefix 안에 있는지 (확인 셀에서 쓴다)."""
    return ipaddress.ip_interface(f"{a}/{prefix}").network == ipaddress.ip_interface(f"{b}/{prefix}").network
