"""클러스터 구성도: 평범한 데이터로 그린 그림의 모양 (엔진 없이).

엔진에서 읽어 그리는 쪽은 tests/test_cluster.py가 실제 클러스터로 확인한다.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from netlab.base.korean import josa
from netlab.draw.cluster_topology import ClusterNode, ClusterTopology, Member, OverlayBar, Underlay, member_name

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
