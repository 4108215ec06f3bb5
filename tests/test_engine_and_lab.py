"""엔진과 실습 세션: 실제 엔진에서 만들고, 보고, 지운다."""

from __future__ import annotations

import netlab
from netlab import capabilities
from netlab.base.resources import LABEL_LAB
from netlab.hosts import images
from netlab.hosts.session import _normalise_ports


def test_engine_info_reports_versions(engine):
    info = netlab.engine_info()
    assert info.server_version and info.api_version
    assert info.swarm_state in {"inactive", "active", "pending", "error", "locked"}


def test_lab_image_is_current(engine):
    assert images.is_current(engine, "lab"), "make test가 netlab/lab:bookworm을 먼저 빌드해야 한다"
    image = engine.images.get(images.image_tag("lab"))
    assert image.labels["netlab.image-of"] == "docker-network-design"
    assert netlab.LABEL_BOOK not in image.labels, "이미지의 라벨은 컨테이너로 물려지므로 netlab.book을 달면 안 된다"


def test_recipe_hash_depends_on_recipe_files():
    assert images.recipe_hash("lab") == images.recipe_hash("lab")
    assert len(images.recipe_hash("lab")) == 12
    assert "iproute2" in images.packages("lab")


def test_ports_default_to_loopback():
    assert _normalise_ports({80: 18000}, expose=False) == {"80/tcp": ("127.0.0.1", 18000)}
    assert _normalise_ports({"53/udp": 18001}, expose=True) == {"53/udp": ("0.0.0.0", 18001)}
    assert _normalise_ports({80: ("10.0.0.1", 1)}, expose=False) == {"80/tcp": ("10.0.0.1", 1)}


def test_lab_creates_labelled_resources_and_cleans_them(engine, capsys):
    lab = netlab.lab("test", summary=False)
    net = lab.network("net", subnet=lab.subnet(0), gateway=lab.addr(0, 1))
    box = lab.container("box", network=net, ip=lab.addr(0, 10), aliases=["alias"])
    peer = lab.container("peer", network=net)
    try:
        assert net.attrs["Labels"][LABEL_LAB] == "test"
        assert box.labels[LABEL_LAB] == "test"
        assert lab.ip_of(box, net) == lab.addr(0, 10)
        assert lab.sh(peer, "getent hosts alias").output.split()[0] == lab.addr(0, 10)
        out = capsys.readouterr().out
        assert "$ docker network create --driver bridge --subnet 172.16.190.0/24" in out
        assert "--dns 127.0.0.1" in out, "실습 컨테이너의 DNS는 루프백이어야 한다 (바깥 질의 금지)"
        failed = lab.sh(peer, "exit 3")
        assert failed.exit_code == 3 and not failed.ok
        slow = lab.sh(peer, "sleep 30", timeout=1)
        assert not slow.ok, "시간 제한을 넘긴 명령은 끊겨야 한다"
    finally:
        lab.cleanup(quiet=True)
    assert not engine.containers.list(all=True, filters={"label": f"{LABEL_LAB}=test"})
    assert not engine.networks.list(filters={"label": f"{LABEL_LAB}=test"})


def test_host_view_sees_engine_host_and_enters_containers(engine):
    lab = netlab.lab("test", summary=False, echo=False)
    try:
        box = lab.container("box")
        links = lab.host.sh("ip -o link show").output
        assert "docker0" in links, "도구 상자는 엔진 호스트의 네트워크 네임스페이스를 본다"
        inside = lab.host.nsenter(box, "ip -o link show").output
        assert "docker0" not in inside and "eth0@if" in inside
        index, peer = lab.host.link_index(box)
        veth = lab.host.veth_peer_name(box)
        assert veth.startswith("veth")
        assert f"{peer}: {veth}@if{index}:" in links.replace("\n", " ") or veth in links
        assert "master docker0" in lab.host.sh(f"ip -o link show dev {veth}").output
    finally:
        lab.cleanup(quiet=True)


def test_capability_probe_finds_basic_kernel_features(engine):
    caps = capabilities.probe()
    assert caps.has("bridge") and caps.has("veth"), "브리지와 veth 없이는 도커 네트워크가 없다"
    assert set(caps.features) >= {"ipvs", "esp", "8021q", "ipvlan", "macvlan", "vxlan"}


def test_supports_explains_a_missing_feature_in_korean(monkeypatch, capsys):
    fake = capabilities.Capabilities(features={"ipvs": False, "bridge": True}, swarm_active=False, rootless=False)
    monkeypatch.setattr(capabilities, "probe", lambda: fake)
    assert capabilities.supports("bridge") is True
    assert capabilities.supports("ipvs") is False
    out = capsys.readouterr().out
    assert "IPVS" in out and "dnsrr" in out
    try:
        capabilities.requires("ipvs")
    except netlab.FeatureMissing as exc:
        assert "ipvs" in str(exc)
    else:
        raise AssertionError("requires는 없는 기능에 FeatureMissing을 내야 한다")


def test_topology_draws_engine_state_deterministically(engine):
    from netlab import show

    lab = netlab.lab("test", summary=False, echo=False)
    try:
        net = lab.network("topo", subnet=lab.subnet(1), gateway=lab.addr(1, 1))
        lab.container("b", network=net, ip=lab.addr(1, 20))
        lab.container("a", network=net, ip=lab.addr(1, 10))
        first = show.topology([net], "그림 <1>", strip_prefix=lab.prefix + "-")
        second = show.topology([net], "그림 <1>", strip_prefix=lab.prefix + "-")
        svg = first.svg()
        assert svg == second.svg(), "같은 상태는 같은 그림이어야 한다 (nbval 비교)"
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        assert "그림 &lt;1&gt;" in svg and "<1>" not in svg
        assert svg.index(">a<") < svg.index(">b<"), "컨테이너는 이름순으로 놓인다"
        assert lab.addr(1, 10) in svg and "br-" + net.id[:12] in svg
        assert f"└ a {lab.addr(1, 10)}" in repr(first)
    finally:
        lab.cleanup(quiet=True)


def test_a_line_to_a_lower_bar_is_drawn_in_layers_so_it_does_not_look_attached(engine):
    """막대 둘, 아래 막대에만 붙은 컨테이너: 그 선은 위 막대를 지나간다. 층으로 그려야(선은 막대 뒤, 닿는 막대에만
    점) 위 막대에 붙은 것처럼 보이지 않는다. 6장의 stranger가 appnet에 붙은 것처럼 보였던 그림이 이 경우다."""
    import xml.etree.ElementTree as ET

    from netlab import show

    ns = "{http://www.w3.org/2000/svg}"
    lab = netlab.lab("test", summary=False, echo=False)
    try:
        upper = lab.network("upper", subnet=lab.subnet(1))
        lower = lab.network("lower", subnet=lab.subnet(2))
        lab.container("a", network=upper, ip=lab.addr(1, 10))
        lab.container("s", network=lower, ip=lab.addr(2, 10))
        pic = show.topology([upper, lower], "두 브리지", strip_prefix=lab.prefix + "-")
        assert pic.layered
        root = ET.fromstring(pic.svg())
        assert len(list(root.iter(f"{ns}circle"))) == 2  # 선마다 닿는 막대에 점 하나
        only_upper = show.topology([upper], "하나", strip_prefix=lab.prefix + "-")
        assert not only_upper.layered  # 막대 하나, 선 하나짜리는 예전 모양 그대로
    finally:
        lab.cleanup(quiet=True)
