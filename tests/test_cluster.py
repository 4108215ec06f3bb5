"""netlab.cluster와 netlab.capture: 실제 엔진 위에 3노드 스웜을 세우고, 오버레이가 노드 사이로
트래픽을 나르는지, 언더레이에서 VXLAN이 보이는지, 내린 뒤 아무것도 남지 않는지 확인한다.

건너뛰는 테스트는 없다: 엔진이 없거나 노드 이미지를 만들 수 없으면 실패한다. 이 기계에는 IPVS가
없으므로 서비스는 DNS 라운드로빈(dnsrr) 모드로 만든다 (VIP 모드는 IPVS가 없으면 연결이 멈춘다).

실습 이름은 테스트용으로 등록된 ``test`` 다. ``tests/test_engine_and_lab.py``도 같은 이름을 쓰므로
두 파일을 동시에(pytest -n) 돌리면 서로의 자원을 지운다. ``make test``처럼 차례로 돌린다.
"""

from __future__ import annotations

import os
import struct
import time

import pytest

import netlab
from netlab import capture
from netlab.base.resources import LAB_IMAGE, LABEL_LAB
from netlab.hosts.cluster import LABEL_CLUSTER, Cluster, bridge_name, node_names

LAB = "test-cluster"
NAMES = ["manager", "worker1", "worker2"]
OVERLAY = "nl-test-ov"
SERVICE = "nl-test-web"


# -- 엔진 없이: pcap과 VXLAN 풀기 -------------------------------------------------------


def _ipv4(src: str, dst: str, proto: int, payload: bytes) -> bytes:
    def raw(addr: str) -> bytes:
        return bytes(int(x) for x in addr.split("."))

    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0, raw(src), raw(dst))
    return header + payload


def _eth(dst: bytes, src: bytes, ethertype: int, payload: bytes) -> bytes:
    return dst + src + struct.pack("!H", ethertype) + payload


def _pcap(frames: list[bytes], linktype: int = 1) -> bytes:
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype)
    for n, frame in enumerate(frames):
        out += struct.pack("<IIII", 1_700_000_000, n * 1000, len(frame), len(frame)) + frame
    return out


def test_parse_pcap_decodes_vxlan_headers():
    icmp = struct.pack("!BBHHH", 8, 0, 0, 7, 1) + b"ping"
    inner = _eth(
        b"\x02\x42\x0a\x00\x00\x03", b"\x02\x42\x0a\x00\x00\x02", 0x0800, _ipv4("10.0.0.2", "10.0.0.3", 1, icmp)
    )
    vxlan = struct.pack("!B3s3sB", 0x08, b"\0\0\0", (4097).to_bytes(3, "big"), 0) + inner
    udp = struct.pack("!HHHH", 45000, 4789, 8 + len(vxlan), 0) + vxlan
    outer = _eth(b"\x02" * 6, b"\x04" * 6, 0x0800, _ipv4("172.16.199.12", "172.16.199.13", 17, udp))
    gossip = _eth(
        b"\x02" * 6,
        b"\x04" * 6,
        0x0800,
        _ipv4("172.16.199.11", "172.16.199.12", 17, struct.pack("!HHHH", 7946, 7946, 8, 0)),
    )

    packets = capture.parse_pcap(_pcap([outer, gossip]))

    assert len(packets) == 2
    first = packets[0]
    assert first.is_vxlan and first.vni == 4097
    assert (first.outer.src_ip, first.outer.dst_ip, first.outer.dport) == ("172.16.199.12", "172.16.199.13", 4789)
    assert (first.inner.src_mac, first.inner.dst_mac) == ("02:42:0a:00:00:02", "02:42:0a:00:00:03")
    assert (first.inner.src_ip, first.inner.dst_ip, first.inner.icmp_name) == ("10.0.0.2", "10.0.0.3", "echo request")
    assert packets[1].vxlan is None and (packets[1].outer.sport, packets[1].outer.dport) == (7946, 7946)
    table = capture.table(packets)
    assert table.columns[3] == "VNI" and table.rows[0][3] == "4097" and len(table) == 1
    assert capture.table(packets, vxlan=False).column("프로토콜") == ["udp", "udp"]


def test_parse_pcap_reads_the_spi_and_sequence_of_esp_and_nothing_of_the_ciphertext():
    esp = struct.pack("!II", 0xEA1C5526, 3) + bytes(range(40))  # 헤더 뒤는 IV, 암호문, ICV: 풀 것이 없다
    frame = _eth(b"\x02" * 6, b"\x04" * 6, 0x0800, _ipv4("192.168.252.2", "192.168.252.3", 50, esp))

    (packet,) = capture.parse_pcap(_pcap([frame]))

    assert (packet.outer.proto_name, packet.outer.spi, packet.outer.esp_seq) == ("esp", 0xEA1C5526, 3)
    assert not packet.is_vxlan and packet.outer.dport == 0
    assert packet.summary() == "192.168.252.2 > 192.168.252.3 esp spi 0xea1c5526 seq 3"
    assert capture.table([packet]).column("플래그") == ["spi 0xea1c5526 seq 3"]


def test_parse_pcap_rejects_other_formats_and_reads_cooked_captures():
    with pytest.raises(capture.PcapError):
        capture.parse_pcap(b"\x0a\x0d\x0d\x0a" + b"\0" * 40)  # pcapng
    assert capture.parse_pcap(b"") == []
    sll = b"\0\0\0\1\0\6" + b"\4" * 6 + b"\0\0" + struct.pack("!H", 0x0800)
    cooked = sll + _ipv4(
        "172.16.199.11", "172.16.199.12", 6, struct.pack("!HHIIBBHHH", 40000, 7946, 1, 0, 0x50, 0x02, 0, 0, 0)
    )
    (packet,) = capture.parse_pcap(_pcap([cooked], linktype=113))
    assert (packet.outer.proto_name, packet.outer.dport, packet.outer.tcp_flags) == ("tcp", 7946, "S")


def test_bridge_names_fit_the_kernel_limit():
    assert bridge_name("test") == "nl-test-ul"
    assert all(len(bridge_name(name)) <= 15 for name in netlab.addressing.BLOCKS)
    assert len({bridge_name(name) for name in netlab.addressing.BLOCKS}) == len(netlab.addressing.BLOCKS)
    assert node_names(3) == NAMES


def test_without_an_engine_up_explains_instead_of_a_traceback():
    offline = netlab.OfflineLab(LAB, "도커 엔진에 연결할 수 없다.")
    with pytest.raises(netlab.EngineUnavailable, match="연결할 수 없다"):
        Cluster.up(offline, progress=False)


# -- 실제 엔진: 클러스터 -------------------------------------------------------------------


@pytest.fixture(scope="module")
def lab(engine):
    lab = netlab.lab(LAB, summary=False, echo=False)
    yield lab
    lab.cleanup(quiet=True)


@pytest.fixture(scope="module")
def cluster(lab):
    started = time.monotonic()
    cluster = Cluster.up(lab, nodes=3, progress=False)
    cluster.up_seconds = time.monotonic() - started  # type: ignore[attr-defined]
    return cluster


def test_up_gives_three_ready_nodes_on_the_underlay(lab, cluster):
    assert [n.name for n in cluster.nodes] == NAMES
    assert cluster.manager.role == "manager" and [n.role for n in cluster.workers] == ["worker", "worker"]
    assert cluster.ready_nodes() == NAMES
    assert [n.ip for n in cluster.nodes] == [lab.addr(9, 11), lab.addr(9, 12), lab.addr(9, 13)]
    assert cluster.subnet == lab.subnet(9)
    table = cluster.table()
    assert table.column("상태") == ["ready"] * 3 and table.column("매니저 상태")[0] == "Leader"
    for node in cluster.nodes:
        assert node.client.images.get(LAB_IMAGE).id == lab.client.images.get(LAB_IMAGE).id
        assert node.client.info()["Swarm"]["NodeAddr"] == node.ip
    # 모든 클러스터 자원에 실습 라벨이 붙어 있다: lab.cleanup()과 netlab clean --lab이 그대로 지운다
    flt = {"label": [f"{LABEL_LAB}={LAB}", LABEL_CLUSTER]}
    assert sorted(c.name for c in lab.client.containers.list(filters=flt)) == [f"nl-{LAB}-{n}" for n in NAMES]
    assert sorted(v.name for v in lab.client.volumes.list(filters=flt)) == [f"nl-{LAB}-{n}-docker" for n in NAMES]
    assert [n.name for n in lab.client.networks.list(filters=flt)] == [f"nl-{LAB}-underlay"]
    # 언더레이 브리지는 고정 이름으로 엔진 호스트에 보인다 (캡처할 곳)
    assert lab.host.sh(f"ip -o link show dev {cluster.bridge}").ok
    assert cluster.up_seconds < 90  # type: ignore[attr-defined]


def test_node_sh_runs_inside_the_node(cluster):
    out = cluster.node("worker1").sh("hostname; ip -o -4 addr show dev eth0")
    assert out.ok and out.lines()[0] == "worker1" and cluster.node("worker1").ip in out.output
    assert cluster.node(f"nl-{LAB}-worker2") is cluster.node("worker2")
    with pytest.raises(KeyError):
        cluster.node("worker9")


def test_up_reuses_a_healthy_cluster(lab, cluster, capsys):
    ids = [n.container.id for n in cluster.nodes]
    started = time.monotonic()
    again = Cluster.up(lab, nodes=3)
    assert time.monotonic() - started < 10
    assert [n.container.id for n in again.nodes] == ids
    assert "다시 쓴다" in capsys.readouterr().out


@pytest.fixture(scope="module")
def service(cluster, lab):
    cluster.overlay(OVERLAY, subnet=lab.subnet(1), gateway=lab.addr(1, 1))
    cluster.service(
        SERVICE,
        networks=[OVERLAY],
        replicas=2,
        endpoint_mode="auto",  # 이 기계에는 IPVS가 없으므로 dnsrr이 된다
        constraints=["node.role==worker"],
        max_per_node=1,
    )
    return cluster.tasks(SERVICE)


def _overlay_ip(cluster, task) -> str:
    container = cluster.task_container(task)
    container.reload()
    ip = container.attrs["NetworkSettings"]["Networks"][OVERLAY]["IPAddress"]
    assert cluster.task_ip(task, OVERLAY) == ip
    return ip


def test_service_endpoint_mode_follows_ipvs(cluster, service):
    spec = cluster.manager.client.services.get(SERVICE).attrs["Spec"]
    expected = "vip" if netlab.probe().has("ipvs") else "dnsrr"
    assert spec["EndpointSpec"]["Mode"] == expected
    assert len(service) == 2


def test_service_overlay_spans_two_nodes_and_carries_traffic(cluster, lab, service):
    nodes = sorted(cluster.node_of_task(t).name for t in service)
    assert nodes == ["worker1", "worker2"]
    by_node = cluster.tasks(SERVICE, order="node")
    assert [cluster.node_of_task(t).name for t in by_node] == ["worker1", "worker2"]
    assert [t["Slot"] for t in service] == sorted(t["Slot"] for t in service)
    a, b = (cluster.task_container(t) for t in service)
    ip_a, ip_b = (_overlay_ip(cluster, t) for t in service)
    assert {ip_a, ip_b} <= {lab.addr(1, n) for n in range(2, 255)}
    code, out = a.exec_run(["ping", "-c", "2", "-W", "2", ip_b])
    assert code == 0, out.decode()
    # dnsrr: tasks.<서비스>와 서비스 이름이 태스크 주소들로 풀린다 (VIP 없이)
    code, out = b.exec_run(["dig", "+short", f"tasks.{SERVICE}"])
    assert code == 0 and sorted(out.decode().split()) == sorted([ip_a, ip_b])
    code, out = b.exec_run(["dig", "+short", SERVICE])
    assert sorted(out.decode().split()) == sorted([ip_a, ip_b])


def test_cluster_picture_puts_each_task_in_its_node_under_the_overlay(cluster, lab, service):
    from netlab import show

    pic = show.cluster_topology(cluster, [OVERLAY], "시험 클러스터")
    ips = {cluster.node_of_task(t).name: _overlay_ip(cluster, t) for t in service}
    drawn = {(node, overlay, ip) for node, _member, overlay, ip in pic.links()}
    assert drawn == {(node, OVERLAY, ip) for node, ip in ips.items()}
    # 오버레이는 태스크가 있는 워커 둘에만 생긴다. 매니저에는 목록에만 있고 엔드포인트가 없다
    assert pic.spans() == {OVERLAY: ["worker1", "worker2"]}
    svg = pic.svg()
    assert svg.startswith("<svg") and cluster.bridge in svg
    for node in cluster.nodes:
        assert f"eth0 {node.ip}" in svg


def test_vxlan_on_the_underlay_carries_the_overlay_vni(cluster, lab, service):
    vnis = cluster.vxlan_ids(OVERLAY)
    assert len(vnis) == 1 and vnis[0] >= 4096
    a = cluster.task_container(service[0])
    ip_b = _overlay_ip(cluster, service[1])
    with capture.start(lab.host, cluster.bridge, "udp port 4789", count=4, timeout=10) as cap:
        code, _ = a.exec_run(["ping", "-c", "2", "-W", "2", ip_b])
    assert code == 0
    assert len(cap.vxlan) == 4, cap.summary()
    assert cap.vnis() == vnis
    worker_ips = {cluster.node("worker1").ip, cluster.node("worker2").ip}
    for packet in cap.vxlan:
        assert {packet.outer.src_ip, packet.outer.dst_ip} == worker_ips
        assert packet.outer.dport == capture.VXLAN_PORT
        assert packet.inner.proto_name == "icmp"
    kinds = [p.inner.icmp_name for p in cap.vxlan]
    assert kinds.count("echo request") == 2 and kinds.count("echo reply") == 2
    requests = [p for p in cap.vxlan if p.inner.icmp_name == "echo request"]
    assert {p.inner.dst_ip for p in requests} == {ip_b}
    table = cap.table()
    assert table.column("VNI") == [str(vnis[0])] * 4


def test_gossip_on_port_7946_between_nodes(cluster, lab, service):
    cap = capture.run(lab.host, cluster.bridge, "port 7946", count=4, timeout=8)
    assert len(cap) >= 1
    node_ips = {n.ip for n in cluster.nodes}
    for packet in cap:
        assert {packet.outer.src_ip, packet.outer.dst_ip} <= node_ips
        assert 7946 in (packet.outer.sport, packet.outer.dport)
    assert cap.table().columns == list(capture.PLAIN_COLUMNS)


def test_capture_inside_a_node_sees_its_own_eth0(cluster, service):
    worker = cluster.node("worker1")
    cap = capture.run(worker, "eth0", "port 7946", count=2, timeout=8)
    assert len(cap) >= 1
    assert all(worker.ip in (p.outer.src_ip, p.outer.dst_ip) for p in cap)


def _listening_tcp(node) -> list[tuple[str, int]]:
    """노드 안에서 TCP로 듣는 (주소, 포트): ``ss -Hltn``의 넷째 칸."""
    found = []
    for line in node.sh("ss -Hltn").lines():
        local = line.split()[3]
        addr, _, port = local.rpartition(":")
        found.append((addr.strip("[]"), int(port)))
    return found


def _speaks_docker_api(host, ip: str, port: int) -> bool:
    """그 주소에 인증 없이 ``GET /version``을 보냈을 때 도커 API가 답하는지 (거부, TLS 실패, 엉뚱한 답은 False)."""
    reply = host.sh(f"curl -s --max-time 3 http://{ip}:{port}/version", timeout=10).output
    return '"ApiVersion"' in reply


def test_no_node_engine_answers_the_docker_api_without_authentication(lab, cluster):
    host = lab.host
    # 양성 대조: 같은 시험이 도커 API를 알아본다 (노드 안의 유닉스 소켓, 주인과 docker 그룹만 닿는다)
    for node in cluster.nodes:
        inside = node.sh("curl -s --max-time 3 --unix-socket /var/run/docker.sock http://docker/version").output
        assert '"ApiVersion"' in inside, f"{node.name}: 유닉스 소켓의 API를 알아보지 못했다 (시험이 틀렸다)"
    for node in cluster.nodes:
        listening = _listening_tcp(node)
        ports = {port for _, port in listening}
        assert 2375 not in ports and 2376 not in ports, f"{node.name}에 도커 API 포트가 열려 있다: {listening}"
        assert 7946 in ports, f"{node.name}: 스웜 가십 포트는 열려 있어야 한다 (시험이 ss를 잘못 읽었다): {listening}"
        # 듣는 모든 포트에 엔진 호스트에서 인증 없이 도커 API를 불러 본다: 2377은 스웜의 상호 TLS, 7946은 가십이다
        targets = {(node.ip if addr in ("0.0.0.0", "*", "::") else addr, port) for addr, port in listening}
        answering = [t for t in sorted(targets) if not t[0].startswith("127.") and _speaks_docker_api(host, *t)]
        assert not answering, f"{node.name}: 인증 없이 도커 API가 답한다: {answering}"
    # 노드의 엔진이 기본 포트에서 연결을 거부하는 것도 바깥에서 본다 (curl 종료 코드 7 = 연결 거부)
    refused = host.sh(f"curl -s --max-time 3 http://{cluster.manager.ip}:2375/version", timeout=10)
    assert refused.exit_code == 7, refused


def test_node_client_goes_through_the_private_exec_tunnel(cluster):
    from netlab.cluster import Node

    worker = cluster.node("worker2")
    node = Node(worker.name, worker.role, worker.ip, worker.container, cluster)
    try:
        assert node.engine_url.startswith("unix:///") and node.engine_url.endswith("/docker.sock")
        folder = node.engine_url[len("unix://") :].rsplit("/", 1)[0]
        assert oct(os.stat(folder).st_mode & 0o777) == "0o700", "터널 소켓의 폴더는 주인만 들어갈 수 있다"
        assert node.client.info()["Swarm"]["NodeAddr"] == worker.ip
        running = node.client.containers.list()
        assert len(running) == 1 and running[0].exec_run(["hostname"]).exit_code == 0
        assert node.cli == f"docker exec {worker.container.name} docker"
        # 독자가 보는 명령줄 그대로 노드 엔진에 닿는다
        assert node.sh("docker info -f '{{.Swarm.NodeAddr}}'").output.strip() == worker.ip
    finally:
        node.close()


def test_up_replaces_a_broken_cluster(lab, cluster, capsys):
    cluster.node("worker2").container.remove(force=True, v=True)
    fresh = Cluster.up(lab, nodes=3)
    assert "새로 세운다" in capsys.readouterr().out
    assert fresh.ready_nodes() == NAMES
    cluster.nodes[:] = fresh.nodes  # 다음 테스트가 새 클러스터를 내린다


def test_down_leaves_nothing_behind(lab, cluster):
    bridge, subnet_prefix = cluster.bridge, lab.subnet(9).rsplit(".", 1)[0]
    host = lab.host
    assert bridge in host.sh("iptables-save").output  # 클러스터가 있는 동안에는 엔진이 만든 규칙이 보인다
    cluster.down(quiet=True)
    assert not host.sh(f"ip -o link show dev {bridge}").ok, "언더레이 브리지가 남았다"
    procs = host.sh("ps -eo args").output
    assert not [line for line in procs.splitlines() if line.startswith("dockerd") and subnet_prefix in line]
    rules = host.sh("iptables-save").output
    assert "*filter" in rules  # 규칙을 실제로 읽었다
    assert bridge not in rules and lab.subnet(9) not in rules, "언더레이의 iptables 규칙이 남았다"
    assert lab.prefix not in host.sh("ip netns list").output, "이 실습의 네트워크 네임스페이스가 남았다"
    cli = lab.client
    flt = {"label": [f"{LABEL_LAB}={LAB}", LABEL_CLUSTER]}
    assert cli.containers.list(all=True, filters=flt) == []
    assert cli.networks.list(filters=flt) == []
    assert cli.volumes.list(filters=flt) == []
    lab.cleanup(quiet=True)  # 도구 상자까지 지우면 이 실습의 라벨이 붙은 것은 하나도 없다
    everything = {"label": [f"{LABEL_LAB}={LAB}"]}
    assert cli.containers.list(all=True, filters=everything) == []
    assert cli.networks.list(filters=everything) == []
    assert cli.volumes.list(filters=everything) == []
