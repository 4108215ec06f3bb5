"""netlab.attach: 이미 있는 스웜에 붙어 쓰고, 떠날 때 자기 것만 지우는지.

독자의 진짜 여러 호스트 스웜 대신, 이 책이 세운 3노드 클러스터(실습 ``test-cluster``)를 "독자의 스웜"으로
삼는다. 붙는 쪽은 다른 실습(``test``)이고, 노드 엔진의 주소만 안다. 노드 엔진은 TCP로 듣지 않으므로 그 주소는
노드마다 exec 터널의 유닉스 소켓(``unix:///tmp/netlab-tunnel-<PID>-…/docker.sock``)이다. 독자의 것을 흉내 낸
라벨 없는 오버레이와 서비스를 미리 만들어 두고, 붙었다 떠난 뒤에도 그것과 스웜이 그대로인지 본다.
"""

from __future__ import annotations

import pytest

import netlab
from netlab import capture, show
from netlab.base.resources import LAB_IMAGE, LABEL_LAB
from netlab.cluster import Cluster, ClusterError
from netlab.hosts import attach

READERS_NET = "readers-own-overlay"
READERS_SERVICE = "readers-own-service"


# -- 엔진 없이: 엔진 목록 읽기 ------------------------------------------------------------


def test_parse_engines_reads_name_url_pairs_in_order():
    text = "manager=ssh://admin@host-a, worker1=tcp://10.1.2.3:2376 ,worker2=unix:///run/w2.sock"
    assert list(attach.parse_engines(text).items()) == [
        ("manager", "ssh://admin@host-a"),
        ("worker1", "tcp://10.1.2.3:2376"),
        ("worker2", "unix:///run/w2.sock"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "붙을 엔진이 없다"),
        ("manager", "'이름=엔진주소' 꼴"),
        ("manager=host-a", "스킴이 없다"),
        ("manager=ssh://a,manager=ssh://b", "두 번 나온다"),
    ],
)
def test_parse_engines_explains_bad_input(text, message):
    with pytest.raises(ClusterError, match=message):
        attach.parse_engines(text)


def test_attach_without_engines_says_how_to_give_them(monkeypatch):
    monkeypatch.delenv(attach.ENV, raising=False)
    with pytest.raises(ClusterError, match="NETLAB_SWARM"):
        attach.attach(None)  # type: ignore[arg-type]


# -- 실제 엔진: "독자의 스웜"에 붙기 ------------------------------------------------------


@pytest.fixture(scope="module")
def swarm(engine):
    """독자의 스웜 대역: 이 책이 세운 클러스터 + 라벨 없는 독자의 오버레이와 서비스."""
    owner = netlab.lab("test-cluster", summary=False, echo=False)
    cluster = Cluster.up(owner, nodes=3, progress=False)
    manager = cluster.manager.client
    manager.networks.create(READERS_NET, driver="overlay")
    manager.services.create(LAB_IMAGE, ["sleep", "infinity"], name=READERS_SERVICE, networks=[READERS_NET])
    yield cluster
    cluster.down(quiet=True)
    owner.cleanup(quiet=True)


@pytest.fixture(scope="module")
def lab(engine):
    lab = netlab.lab("test", summary=False, echo=False)
    yield lab
    lab.cleanup(quiet=True)


@pytest.fixture(scope="module")
def engines(swarm):
    return {node.name: node.engine_url for node in swarm.nodes}


@pytest.fixture(scope="module")
def attached(lab, engines):
    return attach.attach(lab, engines, progress=False)


def test_attach_refuses_an_unreachable_engine_and_a_worker_first(lab, engines):
    with pytest.raises(ClusterError, match="닿지 않는다"):
        attach.attach(lab, {"manager": "tcp://127.0.0.1:1"}, progress=False)
    backwards = {"worker1": engines["worker1"], "manager": engines["manager"]}
    with pytest.raises(ClusterError, match="매니저여야"):
        attach.attach(lab, backwards, progress=False)


def test_attach_reads_the_env_variable(lab, engines, monkeypatch):
    monkeypatch.setenv(attach.ENV, ",".join(f"{name}={url}" for name, url in engines.items()))
    again = attach.attach(lab, progress=False)
    assert [(n.name, n.url) for n in again.nodes] == list(engines.items())


def test_attached_nodes_know_their_role_address_and_interface(swarm, attached):
    assert [(n.name, n.role, n.ip) for n in attached.nodes] == [(n.name, n.role, n.ip) for n in swarm.nodes]
    assert [n.hostname for n in attached.nodes] == ["manager", "worker1", "worker2"]
    assert all(n.interface == "eth0" for n in attached.nodes)
    table = attached.table()
    assert table.column("상태") == ["ready"] * 3 and table.column("매니저 상태")[0] == "Leader"
    # 도구 상자는 그 노드의 네트워크 네임스페이스에 있다: 노드의 언더레이 주소가 보인다
    for node in attached.nodes:
        assert node.ip in node.sh("ip -o -4 addr show").output
        assert node.container.labels.get(LABEL_LAB) == "test"
    with pytest.raises(ClusterError, match="브리지가 이 기계에 없다"):
        attached.bridge  # noqa: B018
    with pytest.raises(ClusterError, match="docker -H"):
        attached.manager.docker("ps")


def test_overlay_and_service_on_the_attached_swarm_carry_vxlan(lab, attached):
    net = attached.overlay(lab.n("ov"), subnet=lab.subnet(3), gateway=lab.addr(3, 1))
    assert net.attrs["Labels"].get(LABEL_LAB) == "test"
    attached.service(lab.n("web"), networks=[net.name], replicas=2, constraints=["node.role==worker"], max_per_node=1)
    tasks = attached.tasks(lab.n("web"))
    assert sorted(attached.node_of_task(t).name for t in tasks) == ["worker1", "worker2"]
    a = attached.task_container(tasks[0])
    ip_b = attached.task_ip(tasks[1], net.name)
    runner, interface = attached.capture_point("worker1")
    with capture.start(runner, interface, "udp port 4789", count=4, timeout=10) as cap:
        code, _ = a.exec_run(["ping", "-c", "2", "-W", "2", ip_b])
    assert code == 0
    assert cap.vnis() == attached.vxlan_ids(net.name)
    pic = show.cluster_topology(attached, [net], "붙은 스웜")
    assert pic.spans() == {"ov": ["worker1", "worker2"]}
    assert "독자의 네트워크" in repr(pic)


def test_down_removes_only_what_the_lab_made(swarm, lab, attached):
    attached.down(quiet=True)
    for node in swarm.nodes:
        client = node.client
        assert client.info()["Swarm"]["LocalNodeState"] == "active"
        assert client.containers.list(all=True, filters={"label": f"{LABEL_LAB}=test"}) == []
    manager = swarm.manager.client
    assert manager.services.list(filters={"label": f"{LABEL_LAB}=test"}) == []
    assert [n.name for n in manager.networks.list(filters={"label": f"{LABEL_LAB}=test"})] == []
    # 독자의 것: 그대로 있다
    assert manager.services.get(READERS_SERVICE)
    assert manager.networks.get(READERS_NET)
    assert swarm.ready_nodes() == ["manager", "worker1", "worker2"]
