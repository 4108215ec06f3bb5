"""클러스터 구성도: 평범한 데이터로 그린 그림의 모양 (엔진 없이).

엔진에서 읽어 그리는 쪽은 tests/test_cluster.py가 실제 클러스터로 확인한다. 여기서는 엔진 대신 묻는 것에만 답하는
가짜 클러스터(:func:`_fake_cluster`)로 :func:`read_cluster`의 선택지(서비스로 묶기, 노트)를 본다.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from types import SimpleNamespace
from typing import Any

import pytest
from docker.errors import NotFound

from netlab.base.korean import josa
from netlab.draw.cluster_topology import (
    ClusterNode,
    ClusterTopology,
    Member,
    OverlayBar,
    Underlay,
    member_name,
    task_service,
)
from netlab.draw.show import cluster_topology

SVG = "{http://www.w3.org/2000/svg}"


def _picture() -> ClusterTopology:
    nodes = [
        ClusterNode(
            "manager", "manager", "172.16.189.11", ["nl-x-front"], [Member("nl-x-a", {"nl-x-front": "10.1.0.10"})]
        ),
        ClusterNode(
            "worker1",
            "worker",
            "172.16.189.12",
            ["nl-x-back", "nl-x-front"],
            [
                Member("nl-x-web.1", {"nl-x-front": "10.1.0.3", "nl-x-back": "10.2.0.3"}),
                Member("nl-x-db.1", {"nl-x-back": "10.2.0.4"}),
            ],
        ),
        ClusterNode("worker2", "worker", "172.16.189.13"),
    ]
    overlays = [OverlayBar("nl-x-front", "4097", "10.1.0.0/24"), OverlayBar("nl-x-back", "4098", "10.2.0.0/24")]
    return ClusterTopology(nodes, overlays, Underlay("nl-x-underlay", "nl-x-ul", "172.16.189.0/24"), "그림", "nl-x-")


def test_links_and_spans_are_plain_sorted_values():
    pic = _picture()
    assert pic.links() == [
        ("manager", "a", "front", "10.1.0.10"),
        ("worker1", "db.1", "back", "10.2.0.4"),
        ("worker1", "web.1", "back", "10.2.0.3"),
        ("worker1", "web.1", "front", "10.1.0.3"),
    ]
    assert pic.spans() == {"back": ["worker1"], "front": ["manager", "worker1"]}


def test_svg_draws_every_node_member_and_bar():
    root = ET.fromstring(_picture().svg())
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for expected in ("manager  (manager)", "worker2  (worker)", "a", "web.1", "db.1", "eth0 172.16.189.13"):
        assert expected in texts
    assert "front  ·  overlay  ·  VNI 4097  ·  10.1.0.0/24" in texts
    assert any(t and t.startswith("언더레이 underlay  ·  nl-x-ul  ·  172.16.189.0/24") for t in texts)
    assert "이 노드에 생긴 오버레이: 없음" in texts  # worker2에는 태스크가 없으므로 오버레이도 없다
    # 선: 컨테이너 → 오버레이 넷, 노드 → 언더레이 셋
    assert len(list(root.iter(f"{SVG}line"))) == 4 + 3
    width = float(root.get("width"))
    for rect in root.iter(f"{SVG}rect"):
        assert float(rect.get("x")) + float(rect.get("width")) <= width


def test_same_state_gives_the_same_picture_and_text():
    a, b = _picture(), _picture()
    assert a.svg() == b.svg()
    assert repr(a) == repr(b)
    text = repr(a).splitlines()
    assert text[0] == "그림"
    assert "  └ worker1/web.1 10.2.0.3" in text
    assert text[-1].startswith("  └ worker2 (worker) eth0 172.16.189.13")


def test_member_on_an_overlay_not_in_the_picture_is_refused():
    node = ClusterNode("manager", "manager", "172.16.189.11", [], [Member("a", {"other": "10.9.0.2"})])
    with pytest.raises(ValueError, match="other"):
        ClusterTopology([node], [OverlayBar("front")], Underlay("ul"))


def test_member_name_drops_the_task_id_only():
    assert member_name("nl-x-web.1.abcdefghijklmnopqrstuvwxy") == "nl-x-web.1"
    assert member_name("nl-x-web.1") == "nl-x-web.1"
    assert member_name("plain") == "plain"


def test_a_member_on_a_node_local_bridge_carries_its_note_and_no_overlay_line():
    node = ClusterNode("worker1", "worker", "172.16.189.12", [], [Member("nl-x-web", {}, "br 172.20.0.2 :8080→80")])
    pic = ClusterTopology([node], [], Underlay("nl-x-underlay"), "", "nl-x-")
    assert pic.links() == []
    assert "      web: br 172.20.0.2 :8080→80" in repr(pic).splitlines()
    root = ET.fromstring(pic.svg())
    assert "br 172.20.0.2 :8080→80" in [t.text for t in root.iter(f"{SVG}text")]
    assert len(list(root.iter(f"{SVG}line"))) == 1  # 언더레이로 내려가는 선 하나뿐


def _box_of(root: ET.Element, text: str) -> tuple[float, float]:
    """글자 ``text``를 가운데에 둔 상자의 왼쪽과 오른쪽 x."""
    (label,) = [t for t in root.iter(f"{SVG}text") if t.text == text]
    cx, cy = float(label.get("x")), float(label.get("y"))
    for rect in root.iter(f"{SVG}rect"):
        x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
        if abs(x + w / 2 - cx) < 0.01 and y <= cy <= y + h:
            return x, x + w
    raise AssertionError(f"{josa(repr(text), '를')} 감싼 상자가 없다")


def test_a_long_note_widens_its_box_so_the_text_stays_inside():
    """노트(로컬 주소와 게시 포트)가 길면 상자가 넓어진다: 글자가 상자 밖으로 삐져나오지 않는다."""
    from netlab.draw.topology import _text_px

    note = "local 172.16.240.10 :16379→6379"
    nodes = [
        ClusterNode("worker1", "worker", "172.16.189.12", [], [Member("nl-x-db", {}, note), Member("nl-x-web")]),
    ]
    root = ET.fromstring(ClusterTopology(nodes, [], Underlay("nl-x-underlay"), "", "nl-x-").svg())
    left, right = _box_of(root, note)
    assert right - left >= _text_px(note, 10)
    short_left, short_right = _box_of(root, "web")
    assert short_right - short_left == 138  # 노트가 없는 상자는 기본 폭 그대로
    assert short_left > right  # 넓어진 상자 다음 상자는 그만큼 오른쪽으로 밀린다


def test_the_underlay_names_vxlan_ports_only_when_overlays_are_drawn():
    """오버레이가 없는 그림(노드마다의 브리지)에서 언더레이에 VXLAN을 적으면 본문과 어긋난다."""
    bare = ClusterTopology([ClusterNode("manager", "manager", "172.16.189.11")], [], Underlay("ul"))
    assert "VXLAN" not in repr(bare) and "VXLAN" not in bare.svg()
    assert "VXLAN UDP 4789" in repr(_picture()) and "VXLAN UDP 4789" in _picture().svg()


# -- 가짜 클러스터로 읽기: 서비스로 묶기와 노트 ----------------------------------------

TASK_ID = "abcdefghijklmnopqrstuvwxy"
NODE_ID = "n0deidn0deidn0deidn0deid1"


class _Found:
    """``client.networks``와 ``client.containers``의 ``get``만: 없으면 엔진처럼 ``NotFound``다."""

    def __init__(self, items: dict[str, dict[str, Any]]) -> None:
        self.items = items

    def get(self, key: str) -> SimpleNamespace:
        if key not in self.items:
            raise NotFound(key)
        return SimpleNamespace(name=key, attrs=self.items[key])


def _endpoint(name: str, ip: str) -> dict[str, str]:
    return {"Name": name, "IPv4Address": f"{ip}/24", "MacAddress": "", "EndpointID": "e"}


def _fake_cluster() -> SimpleNamespace:
    """노드 셋의 스웜: manager에 db.1, 독립 컨테이너 client, 전역 서비스 edge의 태스크, 부하 분산 엔드포인트,
    worker1에 web.1과 web.3, worker2에 web.2. client는 노드의 로컬 브리지에도 붙어 포트 하나를 게시했다."""
    p = "nl-x-"
    front = {
        "Options": {"com.docker.network.driver.overlay.vxlanid_list": "4097"},
        "IPAM": {"Config": [{"Subnet": "10.1.0.0/24"}]},
    }
    manager = {
        p + "front": dict(
            front,
            Containers={
                "c-db": _endpoint(f"{p}db.1.{TASK_ID}", "10.1.0.2"),
                "c-client": _endpoint(f"{p}client", "10.1.0.200"),
                "lb-nl-x-front": _endpoint(f"{p}front-endpoint", "10.1.0.9"),
                "c-edge0": _endpoint(f"{p}edge.{NODE_ID}.{TASK_ID}", "10.1.0.20"),
            },
        ),
        p + "local": {"Containers": {"c-client": _endpoint(f"{p}client", "172.20.0.2")}},
    }
    worker1 = {
        p + "front": dict(
            front,
            Containers={
                "c-web1": _endpoint(f"{p}web.1.{TASK_ID}", "10.1.0.5"),
                "c-web3": _endpoint(f"{p}web.3.{TASK_ID[::-1]}", "10.1.0.7"),
                "lb-nl-x-front": _endpoint(f"{p}front-endpoint", "10.1.0.10"),
            },
        ),
        p + "local": {"Containers": {}},
    }
    worker2 = {p + "front": dict(front, Containers={"c-web2": _endpoint(f"{p}web.2.{TASK_ID}", "10.1.0.6")})}
    containers = {"c-client": {"NetworkSettings": {"Ports": {"80/tcp": [{"HostPort": "8080"}]}}}}

    def node(name: str, role: str, ip: str, networks: dict[str, dict[str, Any]]) -> SimpleNamespace:
        client = SimpleNamespace(networks=_Found(networks), containers=_Found(containers))
        return SimpleNamespace(name=name, role=role, ip=ip, client=client)

    nodes = [
        node("manager", "manager", "172.16.189.11", manager),
        node("worker1", "worker", "172.16.189.12", worker1),
        node("worker2", "worker", "172.16.189.13", worker2),
    ]
    return SimpleNamespace(
        lab=SimpleNamespace(prefix="nl-x"),
        manager=nodes[0],
        nodes=nodes,
        underlay_description=lambda: ("nl-x-underlay", "nl-x-ul", "172.16.189.0/24"),
    )


def _read(**options: Any) -> ClusterTopology:
    return cluster_topology(_fake_cluster(), ["nl-x-front"], "그림", **options)


_UNDERLAY_TEXT = [
    "[언더레이 underlay  ·  nl-x-ul  ·  172.16.189.0/24  ·  VXLAN UDP 4789 · 가십 7946 · 관리 2377]",
    "  └ manager (manager) eth0 172.16.189.11; 이 노드에 생긴 오버레이: front",
]

# 서비스로 묶기를 더하기 전(커밋 2816c78)의 코드가 같은 입력에서 낸 SVG의 SHA-256과 텍스트.
# 묶지 않는 그림은 바이트 하나까지 그대로여야 한다: 노트북에 저장된 그림이 다시 기록하지 않아도 맞는다.
_BEFORE = {
    "hand-made": (
        "9d373c82d1da287a6046ae4a1125273e90f304eaf9608a6b6ce885d6688a5a2f",
        None,
    ),
    "all": (
        "de358df76aa7659dfb54dc5f94410cc24e66d96f19ab0ff2d1c4dc410a09e7c2",
        [
            "그림",
            "[front  ·  overlay  ·  VNI 4097  ·  10.1.0.0/24]",
            "  └ manager/client 10.1.0.200",
            "  └ manager/db.1 10.1.0.2",
            f"  └ manager/edge.{NODE_ID} 10.1.0.20",
            "  └ worker1/web.1 10.1.0.5",
            "  └ worker1/web.3 10.1.0.7",
            "  └ worker2/web.2 10.1.0.6",
            *_UNDERLAY_TEXT,
            "  └ worker1 (worker) eth0 172.16.189.12; 이 노드에 생긴 오버레이: front",
            "  └ worker2 (worker) eth0 172.16.189.13; 이 노드에 생긴 오버레이: front",
        ],
    ),
    "no-addresses": (
        "c5097f236b48c1cf3c0773b6e8a552fc184ca383448657ed2e54e5036e8338f2",
        [
            "그림",
            "[front  ·  overlay  ·  VNI 4097  ·  10.1.0.0/24]",
            "  └ manager/client ",
            "  └ manager/db.1 ",
            f"  └ manager/edge.{NODE_ID} ",
            "  └ worker1/web.1 ",
            "  └ worker1/web.3 ",
            "  └ worker2/web.2 ",
            *_UNDERLAY_TEXT,
            "  └ worker1 (worker) eth0 172.16.189.12; 이 노드에 생긴 오버레이: front",
            "  └ worker2 (worker) eth0 172.16.189.13; 이 노드에 생긴 오버레이: front",
        ],
    ),
    "members-local": (
        "afb21dfe6589532324cf7229d6882eee14d43f6dfbd9240859b6b1d1cc987865",
        [
            "그림",
            "[front  ·  overlay  ·  VNI 4097  ·  10.1.0.0/24]",
            "  └ manager/client 10.1.0.200",
            "  └ manager/db.1 10.1.0.2",
            "  └ worker1/web.1 10.1.0.5",
            *_UNDERLAY_TEXT,
            "      client: local 172.20.0.2 :8080→80",
            "  └ worker1 (worker) eth0 172.16.189.12; 이 노드에 생긴 오버레이: front",
            "  └ worker2 (worker) eth0 172.16.189.13; 이 노드에 생긴 오버레이: front",
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(_BEFORE))
def test_without_the_new_options_the_picture_is_unchanged_byte_for_byte(case):
    pic = {
        "hand-made": _picture,
        "all": _read,
        "no-addresses": lambda: _read(addresses=False),
        "members-local": lambda: _read(members=["db.1", "web.1", "client"], local=["nl-x-local"]),
    }[case]()
    digest, text = _BEFORE[case]
    assert hashlib.sha256(pic.svg().encode()).hexdigest() == digest
    if text is not None:
        assert repr(pic).splitlines() == text
    assert "stroke-dasharray" not in pic.svg() and "점선" not in repr(pic)


def test_task_service_reads_replicated_and_global_task_names_only():
    assert task_service(f"nl-x-web.12.{TASK_ID}") == "nl-x-web"
    assert task_service(f"nl-x-edge.{NODE_ID}.{TASK_ID}") == "nl-x-edge"
    assert task_service("nl-x-web.1") == ""  # 태스크 ID가 없으면 손으로 띄운 컨테이너다
    assert task_service("nl-x-client") == ""


def test_grouped_tasks_are_named_by_service_and_listed_once_in_the_legend():
    pic = _read(group_services=True, addresses=False)
    assert pic.links() == [
        ("manager", "client", "front", ""),
        ("manager", "db", "front", ""),
        ("manager", "edge", "front", ""),
        ("worker1", "web", "front", ""),
        ("worker1", "web", "front", ""),  # 한 노드의 태스크 둘은 상자 둘이다
        ("worker2", "web", "front", ""),
    ]
    text = repr(pic).splitlines()
    assert "  └ worker2/web" in text  # 주소를 비운 묶인 상자는 줄 끝에 빈칸이 없다
    assert "  └ manager/client " in text  # 묶지 않은 상자는 예전 그대로
    assert text[-4:] == [
        "[점선 상자는 서비스의 태스크다]",
        "  └ db 1개: manager",
        "  └ edge 1개: manager",
        "  └ web 3개: worker1 ×2, worker2",
    ]
    root = ET.fromstring(pic.svg())
    texts = [t.text for t in root.iter(f"{SVG}text")]
    legend = "점선 상자는 서비스의 태스크다  ·  db 1개: manager  ·  edge 1개: manager  ·  web 3개: worker1 ×2, worker2"
    assert legend in texts
    assert texts.count("web") == 3 and "web.1" not in texts and f"edge.{NODE_ID}" not in texts
    dashed = [r for r in root.iter(f"{SVG}rect") if r.get("stroke-dasharray")]
    assert len(dashed) == 5 + 1  # 태스크 상자 다섯과 범례의 견본 하나
    width, height = float(root.get("width")), float(root.get("height"))
    for rect in root.iter(f"{SVG}rect"):
        assert float(rect.get("x")) + float(rect.get("width")) <= width
        assert float(rect.get("y")) + float(rect.get("height")) <= height


def test_only_the_named_services_are_grouped_and_only_their_addresses_hidden():
    """db.1은 묶지 않아 이름과 주소가 남고, web만 서비스 이름과 빈 주소가 된다. ``members``는 서비스 이름도 받는다."""
    pic = _read(members=["db.1", "web", "client"], group_services="web", task_addresses=False)
    assert pic.links() == [
        ("manager", "client", "front", "10.1.0.200"),
        ("manager", "db.1", "front", "10.1.0.2"),
        ("worker1", "web", "front", ""),
        ("worker1", "web", "front", ""),
        ("worker2", "web", "front", ""),
    ]
    assert [m.service for node in pic.nodes for m in node.members] == ["", "", "web", "web", "web"]
    assert repr(pic).splitlines()[-2:] == ["[점선 상자는 서비스의 태스크다]", "  └ web 3개: worker1 ×2, worker2"]
    # 묶지 않으면 서비스 이름은 members에서 아무것도 고르지 않는다 (예전 그대로)
    assert [link[1] for link in _read(members=["web"]).links()] == []


def test_notes_are_written_per_box_or_per_node_without_touching_boxes_by_hand():
    pic = _read(
        members=["web", "client"],
        group_services=["web"],
        task_addresses=False,
        local=["nl-x-local"],
        notes={"web": {"worker1": "게시 :18230→5000", "worker3": "없는 노드"}, "client": "web → 10.1.0.3"},
    )
    notes = {node.name: [(m.name, m.note) for m in node.members] for node in pic.nodes}
    assert notes == {
        "manager": [("nl-x-client", "local 172.20.0.2 :8080→80, web → 10.1.0.3")],  # 로컬 주소 뒤에 붙는다
        "worker1": [("nl-x-web", "게시 :18230→5000")] * 2,
        "worker2": [("nl-x-web", "")],  # 그 노드의 글이 없으면 둘째 줄도 없다
    }
    assert "      web: 게시 :18230→5000" in repr(pic).splitlines()
    texts = [t.text for t in ET.fromstring(pic.svg()).iter(f"{SVG}text")]
    assert texts.count("게시 :18230→5000") == 2


def test_a_note_or_service_that_names_nothing_in_the_picture_is_refused():
    with pytest.raises(ValueError, match="webb"):
        _read(group_services=True, notes={"webb": "게시 :80→80"})
    with pytest.raises(ValueError, match=r"web\.1"):
        _read(group_services=True, notes={"web.1": "묶인 뒤에는 web이다"})
    with pytest.raises(ValueError, match="api"):
        _read(group_services=["web", "api"])
