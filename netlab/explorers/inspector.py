"""네트워크 탐색기(:func:`network_inspector`): 엔진의 네트워크를 고르면 엔드포인트, IPAM, 드라이버 옵션 표와
구성도를 보여 준다. 읽기만 하고 아무것도 바꾸지 않는다.

탐색기 가운데 엔진이 필요한 것은 이것 하나다. 엔진이 없을 때의 설명(:func:`offline_explanation`)도 여기 있다.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as W

from ..base.engine import EngineUnavailable
from ..base.resources import LABEL_LAB, is_ours
from ..draw import show
from .common import ERR, esc, lines_html, table_html

#: 엔진이 처음부터 가진 네트워크. 지울 수 없고 어느 엔진에나 있다.
BUILTIN_NETWORKS = ("bridge", "host", "none")


class _FrozenNetwork:
    """``show``와 ``topology``에 넘기는 네트워크 사본. 엔드포인트를 거른 뒤 다시 읽지 않게 한다."""

    def __init__(self, name: str, net_id: str, attrs: dict[str, Any]) -> None:
        self.name = name
        self.id = net_id
        self.attrs = attrs

    def reload(self) -> None:  # 이미 읽은 상태를 그대로 쓴다
        return None


@dataclass
class NetworkReport:
    """네트워크 하나의 탐색 결과: 같은 내용을 글자(시험, nbval)와 HTML(위젯)로."""

    name: str
    text: str
    html: str
    shown_endpoints: list[str] = field(default_factory=list)
    hidden_endpoints: int = 0
    device: str = ""  # 리눅스 쪽에서 이 네트워크를 구현하는 장치 (docker0, br-<ID> …)


def _container_labels(client: Any, container_id: str) -> dict[str, str]:
    try:
        return client.containers.get(container_id).labels or {}
    except Exception:
        return {}


def inspector_networks(client: Any, *, lab: str | None = None, include_all: bool = False) -> list[Any]:
    """탐색기가 고르개에 올릴 네트워크: 기본 네트워크 셋과 이 책의 라벨이 붙은 네트워크.

    ``lab``을 주면 그 실습의 네트워크만, ``include_all``이면 엔진의 모든 네트워크다.
    기본 네트워크를 앞에(bridge, host, none 순서), 나머지는 이름순으로 놓는다.
    """
    chosen = []
    for net in client.networks.list():
        labels = net.attrs.get("Labels") or {}
        if include_all or net.name in BUILTIN_NETWORKS or is_ours(labels, lab):
            chosen.append(net)

    def order(net: Any) -> tuple[int, str]:
        if net.name in BUILTIN_NETWORKS:
            return (BUILTIN_NETWORKS.index(net.name), "")
        return (len(BUILTIN_NETWORKS), net.name)

    return sorted(chosen, key=order)


def network_report(client: Any, net: Any, *, endpoints: str = "book", lab: str | None = None) -> NetworkReport:
    """네트워크 하나를 읽어 요약, 엔드포인트, IPAM, 옵션, 구성도를 만든다. 엔진은 읽기만 한다.

    ``endpoints``: ``"book"``이면 이 책의 라벨이 붙은 컨테이너만 보여 주고(``lab``을 주면 그 실습만)
    나머지는 개수만 알린다. ``"all"``이면 모두, ``"hide"`` 면 표를 비워 둔다.
    """
    from ..draw.topology import linux_device

    net.reload()
    attrs = dict(net.attrs)
    containers = attrs.get("Containers") or {}
    kept: dict[str, Any] = {}
    hidden = 0
    for cid, info in containers.items():
        if endpoints == "all" or (endpoints == "book" and is_ours(_container_labels(client, cid), lab)):
            kept[cid] = info
        else:
            hidden += 1
    attrs["Containers"] = kept
    frozen = _FrozenNetwork(net.name, net.id, attrs)

    labels = attrs.get("Labels") or {}
    summary = show.kv(
        [
            ("이름", net.name),
            ("드라이버", attrs.get("Driver", "")),
            ("범위", attrs.get("Scope", "")),
            ("리눅스 쪽", linux_device(frozen)),
            ("internal", "예" if attrs.get("Internal") else "아니오"),
            ("attachable", "예" if attrs.get("Attachable") else "아니오"),
            ("IPv6", "켬" if attrs.get("EnableIPv6") else "끔"),
            ("이 책의 실습", labels.get(LABEL_LAB, "-")),
        ],
        f"{net.name} 요약",
    )
    ep_table = show.endpoints(frozen)
    ipam_table = show.ipam(frozen)
    opt_table = show.options(frozen)
    if endpoints == "hide":
        note = "엔드포인트는 보여 주지 않는다 (endpoints='hide')."
    elif hidden:
        note = f"이 책의 라벨이 없는 컨테이너 {hidden}개는 숨겼다 (endpoints='all'이면 모두 보인다)."
    elif not kept:
        note = "이 네트워크에 붙은 컨테이너가 없다."
    else:
        note = ""
    topo = show.topology([frozen], f"{net.name} 구성도")
    text_parts = [repr(summary), repr(ep_table)]
    if note:
        text_parts.append(note)
    text_parts += [repr(ipam_table) if len(ipam_table) else f"{net.name}의 IPAM: 주소 설정 없음", repr(opt_table)]
    text_parts.append(repr(topo))
    html_parts = [
        table_html(summary),
        table_html(ep_table),
        f"<p><em>{esc(note)}</em></p>" if note else "",
        table_html(ipam_table) if len(ipam_table) else f"<p>{esc(net.name)}의 IPAM: 주소 설정 없음</p>",
        table_html(opt_table) if len(opt_table) else f"<p>{esc(net.name)}에는 드라이버 옵션이 없다.</p>",
        f'<div style="overflow-x:auto">{topo.svg()}</div>',
    ]
    return NetworkReport(
        name=net.name,
        text="\n\n".join(text_parts),
        html="".join(html_parts),
        shown_endpoints=sorted(info.get("Name", "") for info in kept.values()),
        hidden_endpoints=hidden,
        device=linux_device(frozen),
    )


def _engine_client() -> Any:
    from ..base.engine import client

    return client()


def offline_explanation(reason: str) -> str:
    """엔진이 없을 때 탐색기 자리에 보이는 설명 (글자)."""
    return "\n".join(
        [
            "네트워크 탐색기는 도커 엔진에 물어서 네트워크를 보여 준다. 지금은 엔진에 닿지 않는다.",
            reason,
            "VXLAN 탐색기와 패킷 경로 따라가기는 엔진 없이도 동작한다.",
        ]
    )


class NetworkInspector(W.VBox):
    """네트워크 고르개와, 고른 네트워크의 표와 구성도. 읽기 전용이다."""

    def __init__(
        self,
        client: Any = None,
        *,
        names: Sequence[str] | None = None,
        lab: str | None = None,
        include_all: bool = False,
        endpoints: str = "book",
        client_factory: Callable[[], Any] = _engine_client,
    ) -> None:
        self.reports: list[NetworkReport] = []
        self.error: str = ""
        self._args = {"names": names, "lab": lab, "include_all": include_all, "endpoints": endpoints}
        self.title = W.HTML(
            "<b>네트워크 탐색기</b> <span style='color:#475569'>(읽기 전용: 엔진의 상태를 바꾸지 않는다)</span>"
        )
        self.dropdown = W.Dropdown(description="네트워크", options=[], layout=W.Layout(width="22em"))
        self.refresh_button = W.Button(description="다시 읽기", tooltip="엔진에 다시 묻는다 (커널 필요)")
        self.pages = W.Stack([])
        self.message = W.HTML()
        try:
            self.client = client if client is not None else client_factory()
        except EngineUnavailable as exc:
            self.client = None
            self.error = offline_explanation(str(exc))
        super().__init__([self.title, W.HBox([self.dropdown, self.refresh_button]), self.message, self.pages])
        if self.client is None:
            self.dropdown.disabled = True
            self.refresh_button.disabled = True
            self.message.value = f'<div style="{ERR}">{lines_html(self.error.splitlines())}</div>'
            return
        # 브라우저 안의 연결(책에서도 동작)과 커널 쪽 관찰(노트북과 시험)을 함께 둔다.
        self._link = W.jslink((self.dropdown, "index"), (self.pages, "selected_index"))
        self.dropdown.observe(self._on_select, names="index")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        """엔진에서 네트워크 목록과 각 네트워크의 상태를 다시 읽는다."""
        if self.client is None:
            return
        args = self._args
        if args["names"] is not None:
            nets = [self.client.networks.get(name) for name in args["names"]]
        else:
            nets = inspector_networks(self.client, lab=args["lab"], include_all=args["include_all"])
        previous = self.dropdown.value
        self.reports = [network_report(self.client, n, endpoints=args["endpoints"], lab=args["lab"]) for n in nets]
        self.pages.children = [W.HTML(r.html) for r in self.reports]
        names = [r.name for r in self.reports]
        self.dropdown.options = names
        self.message.value = "" if names else "<p>보여 줄 네트워크가 없다.</p>"
        if names:
            self.dropdown.value = previous if previous in names else names[0]
            self.pages.selected_index = self.dropdown.index

    def _on_select(self, change: dict[str, Any]) -> None:
        self.pages.selected_index = change["new"]

    def select(self, name: str) -> None:
        self.dropdown.value = name

    def current_text(self) -> str:
        """지금 고른 네트워크의 글자 판 (엔진이 없으면 설명)."""
        if self.client is None:
            return self.error
        index = self.dropdown.index
        return self.reports[index].text if index is not None and self.reports else ""

    def current_html(self) -> str:
        index = self.pages.selected_index
        if self.client is None or index is None or not self.pages.children:
            return self.message.value
        return self.pages.children[index].value


def network_inspector(client: Any = None, **kwargs: Any) -> NetworkInspector:
    """네트워크 탐색기를 만든다. 인자는 :class:`NetworkInspector`와 같다."""
    return NetworkInspector(client, **kwargs)
