"""netlab.plugins: 원격 IPAM 드라이버를 라벨이 붙은 컨테이너로 띄우고, 올바른 순서로 치운다.

모두 진짜 엔진에서 실행한다 (엔진이 없으면 ``engine`` 준비물이 실패시킨다, 건너뛰지 않는다).
실습 이름은 다른 테스트의 ``test`` 실습과 정리가 겹치지 않도록 따로 ``test-plugins``를 쓰고,
주소는 테스트 블록(172.16.190.0/24 ~ 172.16.199.0/24) 가운데 다른 테스트가 쓰지 않는 172.16.198.0/24를 쓴다.
"""

from __future__ import annotations

import time

import pytest

from netlab.base.resources import LABEL_LAB
from netlab.lab import Lab
from netlab.plugins import ipam as plugins

LAB = "test-plugins"
POOL = "172.16.198.0/24"


@pytest.fixture
def lab(engine):
    lab = Lab(LAB, echo=False)
    lab.cleanup(quiet=True)
    try:
        yield lab
    finally:
        lab.cleanup(quiet=True)
    assert not engine.containers.list(all=True, filters={"label": f"{LABEL_LAB}={LAB}"})
    assert not engine.networks.list(filters={"label": f"{LABEL_LAB}={LAB}"})


def _socket_exists(lab: Lab, path: str) -> bool:
    """엔진 호스트의 /run/docker/plugins를 들여다보는 짧은 컨테이너로 소켓 파일이 있는지 본다."""
    probe = lab.container(
        "probe",
        network="none",
        command=["sleep", "30"],
        host_config_extra={"Binds": [f"{plugins.PLUGIN_DIR}:{plugins.PLUGIN_DIR}:ro"]},
    )
    try:
        return lab.sh(probe, f"test -e {path}").ok
    finally:
        probe.remove(force=True)


def test_engine_gets_addresses_from_the_plugin_top_down(lab):
    handle = plugins.start_ipam_plugin(lab, "ipam", POOL)
    assert handle.name == "nl-test-plugins-ipam"
    assert handle.socket == "/run/docker/plugins/nl-test-plugins-ipam.sock"
    assert handle.running()
    assert handle.container.labels[LABEL_LAB] == LAB
    assert handle.container.labels[plugins.LABEL_ROLE] == plugins.ROLE_IPAM
    assert _socket_exists(lab, handle.socket)

    net = lab.network("net", subnet=POOL, ipam_driver=handle.name)
    auto = lab.container("auto", network=net)
    fixed = lab.container("fixed", network=net, ip="172.16.198.10")
    auto.reload()
    settings = auto.attrs["NetworkSettings"]["Networks"][net.name]
    assert settings["Gateway"] == "172.16.198.254"
    assert settings["IPAddress"] == "172.16.198.253"
    assert lab.ip_of(fixed, net) == "172.16.198.10"
    assert [n.name for n in handle.networks()] == [net.name]

    asked = handle.requests(plugins.EVERY_RUN)
    assert [plugins._short_method(e["method"]) for e in asked] == [
        "RequestPool",
        "RequestAddress",
        "RequestAddress",
        "RequestAddress",
    ]
    table = handle.table()
    assert table.column("플러그인의 답")[1:] == ["172.16.198.254/24", "172.16.198.253/24", "172.16.198.10/24"]
    assert table.column("엔진이 보낸 것")[1].startswith("게이트웨이")

    started = time.monotonic()
    handle.stop(quiet=True)
    assert time.monotonic() - started < 20, "네트워크를 먼저 지웠다면 엔진이 재시도하며 기다릴 일이 없다"
    assert handle.stopped and not handle.running()
    assert not handle.networks()
    final = handle.requests()
    assert final[-1]["method"] == "IpamDriver.ReleasePool"
    released = sorted(e["request"]["Address"] for e in final if e["method"] == "IpamDriver.ReleaseAddress")
    assert released == ["172.16.198.10", "172.16.198.253", "172.16.198.254"]
    assert not _socket_exists(lab, handle.socket), "SIGTERM을 받은 드라이버는 소켓 파일을 지워야 한다"
    handle.stop(quiet=True)  # 두 번 불러도 된다


def test_lab_cleanup_removes_networks_before_the_plugin(lab, engine):
    handle = plugins.start_ipam_plugin(lab, "ipam", POOL)
    net = lab.network("net", subnet=POOL, ipam_driver=handle.name)
    lab.container("box", network=net)
    started = time.monotonic()
    lab.cleanup(quiet=True)
    assert time.monotonic() - started < 20, "lab.cleanup()도 네트워크를 먼저, 드라이버를 나중에 치워야 한다"
    assert handle.stopped
    assert handle.requests()[-1]["method"] == "IpamDriver.ReleasePool"
    assert not engine.networks.list(filters={"label": f"{LABEL_LAB}={LAB}"})


def test_starting_again_retires_the_previous_plugin_cleanly(lab):
    first = plugins.start_ipam_plugin(lab, "ipam", POOL)
    net = lab.network("net", subnet=POOL, ipam_driver=first.name)
    lab.container("box", network=net)
    started = time.monotonic()
    second = plugins.start_ipam_plugin(lab, "ipam", POOL)
    assert time.monotonic() - started < 20
    assert second.running()
    assert not second.networks(), "앞 드라이버를 쓰던 네트워크는 앞 드라이버가 살아 있을 때 지워졌다"
    again = lab.network("net", subnet=POOL, ipam_driver=second.name)
    box = lab.container("box2", network=again)
    assert lab.ip_of(box, again) == "172.16.198.253", "새 드라이버는 빈 상태에서 다시 맨 위부터 준다"


def test_rejects_a_pool_with_host_bits(lab, engine):
    with pytest.raises(ValueError):
        plugins.start_ipam_plugin(lab, "ipam", "172.16.198.1/24")
    assert not engine.containers.list(all=True, filters={"label": f"{LABEL_LAB}={LAB}"})


def test_request_summaries_are_stable():
    pool = {"AddressSpace": "netlab-local", "Pool": POOL, "SubPool": "", "Options": None, "V6": False}
    assert plugins._summarise_request("IpamDriver.RequestPool", pool) == f"Pool={POOL} AddressSpace=netlab-local"
    gw = {"PoolID": "p", "Address": "", "Options": {"RequestAddressType": "com.docker.network.gateway"}}
    assert plugins._summarise_request("IpamDriver.RequestAddress", gw) == "게이트웨이 Address=(지정 없음)"
    release = {"PoolID": "p", "Address": "1.2.3.4"}
    assert plugins._summarise_request("IpamDriver.ReleaseAddress", release) == "Address=1.2.3.4"
    assert plugins._summarise_response({"Address": "1.2.3.4/24", "Data": {}}) == "1.2.3.4/24"
    assert plugins._summarise_response({}) == "{} (성공)"
    assert plugins._summarise_response({"Err": "boom"}) == "Err: boom"
