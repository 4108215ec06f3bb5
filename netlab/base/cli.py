"""SDK 호출과 같은 일을 하는 ``docker`` 명령줄을 만든다.

노트북은 도커 SDK로 엔진을 다루지만, 독자가 터미널에서 쓸 것은 ``docker`` 명령이다.
셀이 무엇을 했는지 같은 뜻의 명령줄로 보여 주면 두 세계를 잇기 쉽다.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping


def _join(parts: Iterable[str]) -> str:
    return " ".join(p if p.startswith("--") else shlex.quote(p) for p in parts)


def network_create(
    name: str,
    *,
    driver: str = "bridge",
    subnet: str | None = None,
    gateway: str | None = None,
    ip_range: str | None = None,
    aux_addresses: Mapping[str, str] | None = None,
    ipam_driver: str | None = None,
    internal: bool = False,
    attachable: bool = False,
    ipv6: bool = False,
    options: Mapping[str, str] | None = None,
) -> str:
    """``docker network create`` 명령줄."""
    parts = ["docker", "network", "create", "--driver", driver]
    if ipam_driver:
        parts += ["--ipam-driver", ipam_driver]
    if subnet:
        parts += ["--subnet", subnet]
    if gateway:
        parts += ["--gateway", gateway]
    if ip_range:
        parts += ["--ip-range", ip_range]
    for host, addr in (aux_addresses or {}).items():
        parts += ["--aux-address", f"{host}={addr}"]
    if internal:
        parts.append("--internal")
    if attachable:
        parts.append("--attachable")
    if ipv6:
        parts.append("--ipv6")
    for key, value in (options or {}).items():
        parts += ["--opt", f"{key}={value}"]
    parts.append(name)
    return _join(parts)


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
    parts = ["docker", "run", "-d", "--name", name]
    if network:
        parts += ["--network", network]
    if ip:
        parts += ["--ip", ip]
    for alias in aliases:
        parts += ["--network-alias", alias]
    for target, (host_ip, host_port) in (ports or {}).items():
        parts += ["-p", f"{host_ip}:{host_port}:{target.split('/')[0]}"]
    for server in dns:
        parts += ["--dns", server]
    for cap in cap_add:
        parts += ["--cap-add", cap]
    for other, alias in (links or {}).items():
        parts += ["--link", f"{other}:{alias}"]
    for key, value in (sysctls or {}).items():
        parts += ["--sysctl", f"{key}={value}"]
    parts.append(image)
    parts += list(command or [])
    return _join(parts)
