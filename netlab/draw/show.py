"""노트북 출력용 표: HTML로 보이고, 같은 내용을 정렬된 텍스트로도 낸다.

HTML은 책과 JupyterLab에서 읽기 좋고, 텍스트는 nbval이 비교하기 좋다. 둘 다 엔진 상태에서
바로 만들고, 실행마다 달라지는 값(ID, MAC)은 짧게 줄여 보여 준다.
"""

from __future__ import annotations

import html
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from docker.models.networks import Network

from ..base import cli_echo


def _width(text: str) -> int:
    """터미널에서 차지하는 칸 수: 한글 같은 전각 문자는 두 칸이다."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Table:
    """열 이름과 행으로 된 표. 노트북 셀의 마지막 값으로 두면 표로 보인다."""

    def __init__(self, columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "") -> None:
        self.columns = [str(c) for c in columns]
        self.rows = [["" if v is None else str(v) for v in row] for row in rows]
        self.title = title

    def column(self, name: str) -> list[str]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        widths = [max([_width(c)] + [_width(row[i]) for row in self.rows]) for i, c in enumerate(self.columns)]
        lines = [self.title] if self.title else []
        lines.append("  ".join(_pad(c, w) for c, w in zip(self.columns, widths, strict=True)).rstrip())
        lines.append("  ".join("-" * w for w in widths))
        for row in self.rows:
            lines.append("  ".join(_pad(v, w) for v, w in zip(row, widths, strict=True)).rstrip())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td><code>{html.escape(v)}</code></td>" for v in row) + "</tr>" for row in self.rows
        )
        caption = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        return f'<table class="netlab-table">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def short_id(identifier: str) -> str:
    return identifier[:12]


def _echo_inspect(nets: list[Network], template: str, caller: Any) -> None:
    """셀에서 불렸으면 표의 내용을 주는 ``docker network inspect [--format 틀] 이름…``을 찍는다.

    실습 0의 네트워크 탐색기처럼 엔진 없이 만든 기록(``client``가 없는 것)도 받는다. 그때 앞부분은 ``docker``다.
    """
    fmt = ["--format", template] if template else []
    cli_echo.say(getattr(nets[0], "client", None), ["network", "inspect", *fmt, *(n.name for n in nets)], caller)


def networks(nets: Iterable[Network], title: str = "네트워크") -> Table:
    """``docker network ls``와 같은 정보에 서브넷과 게이트웨이를 더한 표.

    셀에서 부르면 표의 내용을 주는 명령(``docker network inspect 이름…``)을 찍는다 (:mod:`netlab.base.cli_echo`).
    """
    nets = list(nets)
    if nets:
        _echo_inspect(nets, "", sys._getframe(1))
    rows = []
    for net in nets:
        attrs = net.attrs
        configs = (attrs.get("IPAM") or {}).get("Config") or [{}]
        rows.append(
            [
                net.name,
                attrs.get("Driver", ""),
                attrs.get("Scope", ""),
                ", ".join(c.get("Subnet", "") for c in configs if c.get("Subnet")) or "-",
                ", ".join(c.get("Gateway", "") for c in configs if c.get("Gateway")) or "-",
            ]
        )
    return Table(["이름", "드라이버", "범위", "서브넷", "게이트웨이"], rows, title)


def ipam(net: Network) -> Table:
    """네트워크의 IPAM 설정 (드라이버, 서브넷, 게이트웨이, 할당 범위, 예약 주소)."""
    _echo_inspect([net], "{{json .IPAM}}", sys._getframe(1))
    net.reload()
    ipam_attrs = net.attrs.get("IPAM") or {}
    rows = []
    for conf in ipam_attrs.get("Config") or []:
        aux = conf.get("AuxiliaryAddresses") or {}
        rows.append(
            [
                ipam_attrs.get("Driver", ""),
                conf.get("Subnet", "-"),
                conf.get("Gateway", "-"),
                conf.get("IPRange", "-") or "-",
                ", ".join(f"{k}={v}" for k, v in aux.items()) or "-",
            ]
        )
    return Table(
        ["IPAM 드라이버", "서브넷", "게이트웨이", "할당 범위", "예약 주소"],
        rows,
        f"{net.name}의 IPAM",
    )


def endpoints(net: Network, title: str | None = None) -> Table:
    """네트워크에 붙은 엔드포인트: 컨테이너 이름, IPv4, MAC. 이름순으로 정렬한다."""
    _echo_inspect([net], "{{json .Containers}}", sys._getframe(1))
    net.reload()
    rows = []
    for info in (net.attrs.get("Containers") or {}).values():
        rows.append([info.get("Name", ""), info.get("IPv4Address", ""), info.get("MacAddress", "")])
    rows.sort()
    return Table(["컨테이너", "IPv4 주소", "MAC 주소"], rows, title or f"{net.name}의 엔드포인트")


def options(net: Network) -> Table:
    """드라이버 옵션 (``com.docker.network.bridge.*`` 같은 것)."""
    _echo_inspect([net], "{{json .Options}}", sys._getframe(1))
    net.reload()
    rows = sorted((k, v) for k, v in (net.attrs.get("Options") or {}).items())
    return Table(["옵션", "값"], rows, f"{net.name}의 드라이버 옵션")


def kv(pairs: Iterable[tuple[str, Any]], title: str = "") -> Table:
    """두 열짜리 표."""
    return Table(["항목", "값"], [[k, v] for k, v in pairs], title)


def topology(networks: Iterable[Network], title: str = "", strip_prefix: str = "", **options: Any) -> Any:
    """네트워크 구성도 (SVG). 옵션은 :func:`netlab.topology.topology`와 같다."""
    from .topology import topology as draw

    return draw(networks, title, strip_prefix, **options)


def cluster_topology(cluster: Any, overlays: Iterable[Any] = (), title: str = "", **options: Any) -> Any:
    """클러스터 구성도 (SVG): 노드, 언더레이, 노드를 가로지르는 오버레이. 옵션은
    :func:`netlab.cluster_topology.read_cluster`와 같다."""
    from .cluster_topology import read_cluster

    return read_cluster(cluster, overlays, title, **options)
