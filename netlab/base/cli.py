"""SDK 호출과 같은 일을 하는 ``docker`` 명령줄을 만든다.

노트북은 도커 SDK로 엔진을 다루지만, 독자가 터미널에서 쓸 것은 ``docker`` 명령이다.
셀이 무엇을 했는지 같은 뜻의 명령줄로 보여 주면 두 세계를 잇기 쉽다.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


def _join(parts: Iterable[str]) -> str:
    return " ".join(p if p.startswith("--") else shlex.quote(p) for p in parts)


def flags(*pairs: tuple[str, Any]) -> list[str]:
    """``(깃발, 값)`` 짝들을 주어진 순서대로 명령줄 조각으로 바꾼다.

    값이 ``None``, ``False``, 빈 문자열이면 건너뛰고, ``True``면 깃발만 넣는다. 문자열은 깃발 뒤에 한 번,
    그 밖의 값(목록, 생성기)은 항목마다 깃발을 되풀이한다. 사전은 :func:`pairs`로 ``키=값`` 목록으로 바꿔 넘긴다.
    """
    parts: list[str] = []
    for flag, value in pairs:
        if value is True:
            parts.append(flag)
        elif isinstance(value, str):
            if value:
                parts += [flag, value]
        elif value:
            for item in value:
                parts += [flag, item]
    return parts


def pairs(mapping: Mapping[str, Any] | None, sep: str = "=") -> list[str]:
    """``{"a": 1}`` → ``["a=1"]``. ``--opt``, ``--aux-address``, ``--sysctl``처럼 ``키=값``을 받는 깃발에 쓴다."""
    return [f"{key}{sep}{value}" for key, value in (mapping or {}).items()]


@dataclass(frozen=True)
class NetworkOptions:
    """``docker network create``의 선택 사항. 명령줄(:func:`network_create`)과 실습 세션의 ``Lab.network``가
    같은 필드를 쓰므로 매개변수 목록을 여기 한곳에만 둔다."""

    driver: str = "bridge"
    subnet: str | None = None
    gateway: str | None = None
    ip_range: str | None = None
    aux_addresses: Mapping[str, str] | None = None
    ipam_driver: str | None = None
    internal: bool = False
    attachable: bool = False
    ipv6: bool = False
    options: Mapping[str, str] | None = None

    def command(self, name: str) -> str:
        """이 선택 사항으로 네트워크 ``name``을 만드는 명령줄."""
        parts = ["docker", "network", "create", "--driver", self.driver]
        parts += flags(
            ("--ipam-driver", self.ipam_driver),
            ("--subnet", self.subnet),
            ("--gateway", self.gateway),
            ("--ip-range", self.ip_range),
            ("--aux-address", pairs(self.aux_addresses)),
            ("--internal", self.internal),
            ("--attachable", self.attachable),
            ("--ipv6", self.ipv6),
            ("--opt", pairs(self.options)),
        )
        parts.append(name)
        return _join(parts)


def network_create(name: str, **options: Any) -> str:
    """``docker network create`` 명령줄. 키워드는 :class:`NetworkOptions`의 필드다."""
    return NetworkOptions(**options).command(name)


def container_run(
    name: str,
    image: str,
    command: Iterable[str] | None = None,
    *,
    network: str | None = None,
    ip: str | None = None,
    aliases: Iterable[str] = (),
    ports: Mapping[str, tuple[str, int]] | None = None,
    cap_add: Iterable[str] = (),
    links: Mapping[str, str] | None = None,
    dns: Iterable[str] = (),
    sysctls: Mapping[str, str] | None = None,
) -> str:
    """``docker run -d`` 명령줄."""
    published = [
        f"{host_ip}:{host_port}:{target.split('/')[0]}" for target, (host_ip, host_port) in (ports or {}).items()
    ]
    parts = ["docker", "run", "-d", "--name", name]
    parts += flags(
        ("--network", network),
        ("--ip", ip),
        ("--network-alias", aliases),
        ("-p", published),
        ("--dns", dns),
        ("--cap-add", cap_add),
        ("--link", pairs(links, ":")),
        ("--sysctl", pairs(sysctls)),
    )
    parts.append(image)
    parts += list(command or [])
    return _join(parts)
