"""대화형 탐색기(netlab.widgets)와 VXLAN 헤더 계산(netlab.vxlan).

위젯은 만들고, 값을 바꾸고, 보이는 글자를 확인한다. 엔진이 필요한 시험은 실습 이름 ``test``의
라벨을 붙이되 이름 접두사를 ``nl-test-wdg-``로 따로 두고, 끝나면 그 접두사의 것만 지운다
(같은 엔진에서 도는 다른 시험의 ``test`` 자원을 건드리지 않기 위해서다).
"""

from __future__ import annotations

import pytest

from netlab import vxlan
from netlab import widgets as nw
from netlab.base.resources import LABEL_LAB

# -- netlab.vxlan: 엔진 없이 ------------------------------------------------------------


def test_encode_matches_rfc7348_layout():
    assert vxlan.encode(42) == bytes.fromhex("0800000000002a00")
    assert vxlan.encode(4096) == bytes.fromhex("0800000000100000")
    assert vxlan.encode(vxlan.MAX_VNI) == bytes.fromhex("08000000ffffff00")
    assert len(vxlan.encode(0)) == vxlan.HEADER_LEN == 8


@pytest.mark.parametrize("vni", [0, 1, 4095, 4096, 4097, 0xABCDEF, vxlan.MAX_VNI])
def test_encode_decode_round_trip(vni):
    header = vxlan.decode(vxlan.encode(vni))
    assert header.vni == vni and header.flags == vxlan.FLAG_I and header.i_flag
    assert header.warnings() == []
    assert vxlan.decode(vxlan.format_hex(vxlan.encode(vni))).vni == vni


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "0 이상"),
        (vxlan.MAX_VNI + 1, "범위를 벗어난"),
        ("abc", "숫자로 읽을 수 없는"),
        (True, "정수"),
        (1.5, "정수"),
    ],
)
def test_bad_vni_is_explained_in_korean(value, message):
    with pytest.raises(vxlan.VxlanError, match=message):
        vxlan.encode(value)


def test_vni_text_forms():
    assert vxlan.check_vni("0042") == 42
    assert vxlan.check_vni("0x1001") == 4097
    assert vxlan.check_vni(" 4_096 ") == 4096


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("08 00 00", "3바이트만"),
        ("08 00 00 00 00 00 2a 00 ff", "9바이트"),
        ("08 zz", "16진수가 아닌"),
        ("080", "홀수"),
        ("", "비어 있다"),
        ("00 00 00 00 00 00 2a 00", "I 플래그"),
    ],
)
def test_bad_header_is_explained_in_korean(text, message):
    with pytest.raises(vxlan.VxlanError, match=message):
        vxlan.decode(text)


def test_decode_accepts_common_hex_spellings_and_reports_reserved_bits():
    for text in ("0x0800000000002a00", "08:00:00:00:00:00:2a:00", "08-00-00-00 00-00-2A-00"):
        assert vxlan.decode(text).vni == 42
    odd = vxlan.decode("09 00 00 01 00 00 2a ff")
    assert odd.vni == 42 and odd.other_flags == 0x01
    assert len(odd.warnings()) == 2
    assert vxlan.decode("00 00 00 00 00 00 2a 00", strict=False).vni == 42


def test_overhead_and_mtu():
    assert vxlan.overhead() == 50, "IPv4 언더레이: 14 + 20 + 8 + 8"
    assert [layer.size for layer in vxlan.overhead_layers()] == [14, 20, 8, 8]
    assert vxlan.overhead(ipv6=True) == 70
    assert vxlan.overhead(outer_vlan_tag=True) == 54
    assert vxlan.overlay_mtu(1500) == 1450
    assert vxlan.overlay_mtu(9000) == 8950
    assert vxlan.overlay_mtu(1500, ipv6=True) == 1430
    with pytest.raises(vxlan.VxlanError, match="최소 MTU"):
        vxlan.overlay_mtu(50)
    with pytest.raises(vxlan.VxlanError, match="남지 않는다"):
        vxlan.overlay_mtu(100)


# -- VXLAN 탐색기 위젯 ------------------------------------------------------------------


def test_vxlan_explorer_reacts_to_input():
    box = nw.vxlan_explorer()
    assert box.encoded.ok and "08 00 00 00 00 10 00 00" in box.encode_out.value
    box.vni_input.value = "42"
    assert "08 00 00 00 00 00 2a 00" in box.encoded.text
    box.vni_input.value = "16777216"
    assert not box.encoded.ok and "범위를 벗어난" in box.encode_out.value
    box.hex_input.value = "08 00 00 00 00 00 2a 00"
    assert box.decoded.ok and "VNI 42 " in box.decoded.text
    box.hex_input.value = "zz"
    assert not box.decoded.ok and "16진수가 아닌" in box.decode_out.value
    box.hex_input.value = "00 00 00 00 00 00 2a 00"
    assert "I 플래그(0x08)가 꺼져" in box.decode_out.value
    assert "오버레이 MTU 1450" in box.mtu.text
    box.mtu_input.value = 9000
    assert box.mtu.value == 8950
    box.ipv6_box.value = True
    assert box.mtu.value == 8930 and "바깥 IPv6" in box.mtu_out.value


# -- 패킷 경로 따라가기 ------------------------------------------------------------------


def test_external_path_changes_destination_exactly_once():
    model = nw.example_model()
    steps = nw.inbound_steps(model)
    dnat = [i for i, s in enumerate(steps) if "DNAT" in s.rule and "--to-destination" in s.rule]
    assert len(dnat) == 1
    before, after = steps[dnat[0] - 1].packet, steps[dnat[0]].packet
    assert f"{model.host_ip}:{model.host_port}" in before
    assert f"{model.container_ip}:{model.container_port}" in after
    assert [s.stage for s in steps][-3:] == ["bridge", "veth", "container"]
    assert model.client_ip in steps[-1].packet, "외부 경로에서 컨테이너는 클라이언트의 진짜 주소를 본다"
    text = nw.walk_text(model)
    assert "-A FORWARD -j DOCKER-USER" in text and model.dnat_rule in text


def test_local_path_goes_through_docker_proxy():
    model = nw.example_model("local")
    steps = nw.inbound_steps(model)
    assert model.bind_ip == "127.0.0.1" and "-d 127.0.0.1/32" in model.dnat_rule
    assert any(s.stage == "proxy" for s in steps)
    assert not any("--to-destination" in s.rule for s in steps), "루프백 경로에는 DNAT이 없다"
    assert steps[-1].packet.startswith(model.gateway), "컨테이너는 브리지 게이트웨이 주소를 본다"


def test_missing_rules_are_explained():
    model = nw.InboundModel(source="빈 모델")
    text = "\n".join(s.rule for s in nw.inbound_steps(model))
    assert "찾지 못했다" in text and "nftables" in text
    with pytest.raises(ValueError, match="scenario"):
        nw.InboundModel(scenario="sideways")


def test_walker_buttons_and_stepper():
    walker = nw.packet_walker()
    count = len(walker.steps)
    assert walker.index == 0 and walker.prev_button.disabled and not walker.next_button.disabled
    walker.next_button.click()
    assert walker.index == 1 and walker.pages.selected_index == 1
    assert walker.current_text().startswith(f"2/{count} ") and "도착" in walker.current_text()
    walker.stepper.value = count - 1  # 단계 단추를 누른 것과 같다
    assert walker.pages.selected_index == count - 1 and walker.next_button.disabled
    walker.next_button.click()
    assert walker.index == count - 1, "마지막 단계에서 다음은 그대로"
    walker.prev_button.click()
    assert walker.index == count - 2
    assert "eth0" in walker.pages.children[count - 1].value
    link = walker._link
    assert (link.source[1], link.target[1]) == ("index", "selected_index"), "책에서도 단계를 넘기는 브라우저 쪽 연결"


# -- 네트워크 탐색기: 엔진 없이 -----------------------------------------------------------


def test_inspector_without_engine_explains_instead_of_failing(monkeypatch):
    from netlab import engine

    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    engine.reset_client()
    try:
        box = nw.network_inspector()
        assert box.client is None and box.dropdown.disabled
        assert "도커 엔진에 연결할 수 없다" in box.current_text()
        assert "엔진 없이도 동작한다" in box.message.value
    finally:
        monkeypatch.delenv("DOCKER_HOST")
        engine.reset_client()


# -- 엔진이 있을 때 ------------------------------------------------------------------------

PREFIX = "nl-test-wdg"


@pytest.fixture
def wlab(engine):
    """``test`` 실습의 라벨, ``nl-test-wdg-`` 접두사. 끝나면 이 접두사의 것만 지운다."""
    from netlab.lab import Lab

    lab = Lab("test", echo=False)
    lab.prefix = PREFIX
    _remove_ours(engine)
    yield lab
    _remove_ours(engine)


def _remove_ours(engine) -> None:
    for c in engine.containers.list(all=True, filters={"name": PREFIX}):
        if c.name.startswith(PREFIX + "-"):
            c.remove(force=True)
    for n in engine.networks.list(filters={"name": PREFIX}):
        if n.name.startswith(PREFIX + "-"):
            n.remove()


def test_kernel_vxlan_packet_matches_encoder(wlab):
    """커널이 실제로 보낸 VXLAN 패킷의 헤더가 encode()와 같고, 커널이 고른 MTU가 1450이다."""
    vni = 4242
    box = wlab.container("vxlan", network="none", cap_add=["NET_ADMIN", "NET_RAW"])
    out = wlab.sh(
        box,
        "ip link add va type veth peer name vb && ip addr add 198.18.195.1/24 dev va && "
        "ip link set va up && ip link set vb up && "
        "ip neigh add 198.18.195.2 lladdr 02:00:00:00:00:02 dev va && "
        f"ip link add vx0 type vxlan id {vni} local 198.18.195.1 remote 198.18.195.2 dstport 4789 dev va && "
        "ip addr add 10.99.0.1/24 dev vx0 && ip link set vx0 up && "
        "(timeout 8 tcpdump -i vb -nn -c 1 -x 'udp dst port 4789' >/tmp/cap 2>/tmp/err &) ; "
        "for i in $(seq 50); do grep -q listening /tmp/err 2>/dev/null && break; sleep 0.1; done; "
        "for i in 1 2 3 4 5; do ping -c 1 -W 1 10.99.0.2 >/dev/null; sleep 0.2; "
        "grep -q 0x0000 /tmp/cap && break; done; "
        "cat /tmp/cap; echo MTU=$(cat /sys/class/net/vx0/mtu)",
    ).output
    hexdump = "".join(
        "".join(line.split(":", 1)[1].split()) for line in out.splitlines() if line.strip().startswith("0x")
    )
    packet = bytes.fromhex(hexdump)
    ihl = (packet[0] & 0x0F) * 4
    udp = packet[ihl : ihl + 8]
    assert int.from_bytes(udp[2:4], "big") == vxlan.UDP_PORT
    header = packet[ihl + 8 : ihl + 16]
    assert header == vxlan.encode(vni), vxlan.format_hex(header)
    assert vxlan.decode(header).vni == vni
    assert f"MTU={vxlan.overlay_mtu(1500)}" in out, "커널도 1500 짜리 부모 위의 VXLAN에 1450을 준다"


def test_inspector_reads_builtin_networks(engine):
    box = nw.network_inspector(engine, names=list(nw.BUILTIN_NETWORKS))
    assert list(box.dropdown.options) == ["bridge", "host", "none"]
    assert box.pages.selected_index == 0 and "bridge 요약" in box.current_text()
    assert "docker0" in box.current_text()
    box.select("host")
    assert box.pages.selected_index == 1
    assert "host 요약" in box.current_text() and "host 요약" in box.current_html()
    box.select("none")
    assert "none의 IPAM" in box.current_text() or "주소 설정 없음" in box.current_text()
    link = box._link
    assert (link.source[1], link.target[1]) == ("index", "selected_index")


def test_inspector_shows_book_resources_and_hides_others(engine, wlab):
    net = wlab.network("net", subnet=wlab.subnet(5), gateway=wlab.addr(5, 1))
    ours = wlab.container("box", network=net, ip=wlab.addr(5, 10))
    foreign_net = engine.networks.create(f"{PREFIX}-foreign-net", driver="bridge")
    foreign = engine.containers.run(
        "netlab/lab:bookworm", ["sleep", "infinity"], name=f"{PREFIX}-foreign", detach=True, network=net.name
    )
    try:
        names = [n.name for n in nw.inspector_networks(engine)]
        assert names[:3] == ["bridge", "host", "none"]
        assert net.name in names and foreign_net.name not in names, "라벨 없는 독자의 네트워크는 고르개에 없다"
        box = nw.network_inspector(engine, lab="test")
        box.select(net.name)
        report = box.reports[box.dropdown.index]
        assert report.shown_endpoints == [ours.name]
        assert report.hidden_endpoints == 1 and "1개는 숨겼다" in box.current_text()
        assert wlab.subnet(5) in box.current_text() and f"{wlab.addr(5, 10)}/24" in box.current_text()
        every = nw.network_report(engine, net, endpoints="all")
        assert every.shown_endpoints == sorted([ours.name, foreign.name])
        assert "<svg" in report.html and ours.name in report.html and foreign.name not in report.html
    finally:
        foreign.remove(force=True)
        foreign_net.remove()


def test_model_from_real_container_matches_what_the_engine_does(wlab):
    """실제 컨테이너에서 채운 모델이 실제로 일어나는 일과 같은지: 두 시나리오 모두."""
    net = wlab.network("net", subnet=wlab.subnet(5), gateway=wlab.addr(5, 1))
    # 바깥 클라이언트 흉내: 네트워크 없는 컨테이너와 호스트 사이의 veth (한쪽 끝이 컨테이너 안이라 함께 사라진다)
    outside = wlab.container("outside", network="none")
    pid = wlab.host.pid_of(outside)
    wlab.host.sh(
        "ip link del nlwdg-out 2>/dev/null; ip link add nlwdg-out type veth peer name nlwdg-out-c && "
        f"ip link set nlwdg-out-c netns {pid} && ip addr add 198.18.195.1/24 dev nlwdg-out && ip link set nlwdg-out up"
    )
    wlab.host.nsenter(
        outside, "ip link set nlwdg-out-c name eth0 && ip addr add 198.18.195.2/24 dev eth0 && ip link set eth0 up"
    )
    web = wlab.container(
        "web",
        network=net,
        ip=wlab.addr(5, 10),
        command=["sh", "-c", "whoami-server 80 & exec whoami-server 8080"],
        ports={80: 18195, "8080/tcp": ("198.18.195.1", 18196)},
    )

    local = nw.inbound_model_from_container(wlab, web, 80)
    assert local.scenario == "local" and local.bind_ip == "127.0.0.1" and local.host_port == 18195
    assert local.container_ip == wlab.addr(5, 10) and local.gateway == wlab.addr(5, 1)
    assert local.bridge == "br-" + net.id[:12] and local.host_veth.startswith("veth")
    assert f"--to-destination {wlab.addr(5, 10)}:80" in local.dnat_rule and "-d 127.0.0.1/32" in local.dnat_rule
    assert "docker-proxy" in local.proxy_command and "-host-port 18195" in local.proxy_command
    assert "! -d 127.0.0.0/8" in local.output_rule
    seen = wlab.host.sh("curl -s --max-time 5 http://127.0.0.1:18195/").output
    assert f"client={local.gateway}" in seen, "docker-proxy 경로: 컨테이너는 게이트웨이 주소를 본다"
    assert nw.inbound_steps(local)[-1].packet.startswith(local.gateway)

    external = nw.inbound_model_from_container(wlab, web, 8080, client="198.18.195.2:40000")
    assert external.scenario == "external" and external.host_ip == "198.18.195.1"
    assert f"--to-destination {wlab.addr(5, 10)}:8080" in external.dnat_rule
    assert any("DOCKER-USER" in r for r in external.forward_rules) and external.accept_rule
    seen = wlab.sh(outside, "curl -s --max-time 5 http://198.18.195.1:18196/").output
    assert "client=198.18.195.2" in seen, "DNAT 경로: 컨테이너는 바깥 클라이언트의 진짜 주소를 본다"
    assert external.client_ip in nw.inbound_steps(external)[-1].packet
    text = nw.walk_text(external)
    assert external.dnat_rule in text and external.accept_rule in text

    walker = nw.packet_walker(external)
    assert "실제 엔진" in walker.children[0].value
    with pytest.raises(ValueError, match="게시되어 있지 않다"):
        nw.inbound_model_from_container(wlab, web, 9999)
    assert web.labels[LABEL_LAB] == "test"


def test_inbound_steps_follow_the_chain_layout_the_rules_show():
    current = nw.inbound_steps(nw.example_model())
    chain = next(s for s in current if s.title.startswith("filter FORWARD → DOCKER 체인"))
    assert "-A FORWARD -j DOCKER-FORWARD" in chain.rule and "-j DROP" in chain.rule
    assert "DOCKER-FORWARD" in chain.text and "브리지별 DROP" in chain.text
    user = next(s for s in current if "DOCKER-USER" in s.title)
    assert "RETURN" not in user.rule
    # 20.10 모양의 규칙(엔진에서 읽은 것)이면 그 세대의 설명을 한다
    old = nw.example_model(
        forward_rules=("-A FORWARD -j DOCKER-USER", "-A FORWARD -j DOCKER-ISOLATION-STAGE-1"),
        docker_user_rules=("-A DOCKER-USER -j RETURN",),
        drop_rule="",
    )
    steps = nw.inbound_steps(old)
    chain = next(s for s in steps if s.title.startswith("filter FORWARD → DOCKER 체인"))
    assert "기본 정책" in chain.text and "DOCKER-FORWARD" not in chain.text
    user = next(s for s in steps if "DOCKER-USER" in s.title)
    assert "28.2.2 전의 엔진" in user.text
