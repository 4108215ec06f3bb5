"""원격 IPAM 드라이버(netlab/ipam_plugin.py) 시험.

앞부분은 임시 유닉스 소켓에 서버를 띄우고 엔진이 하듯 HTTP POST로 프로토콜을 말한다.
마지막 시험은 진짜 도커 엔진에 플러그인을 붙여, 엔진이 만든 컨테이너의 주소가 플러그인이
고른 주소(범위의 맨 위)인지 확인한다. 엔진에 닿지 않으면 건너뛰지 않고 실패한다.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netlab.plugins import ipam_plugin
from netlab.plugins.ipam_plugin import CONTENT_TYPE, GATEWAY_ADDRESS_TYPE, NetlabIpam, PluginServer

POOL = "172.16.30.0/24"
GW_OPTS = {"RequestAddressType": GATEWAY_ADDRESS_TYPE}


class UnixHTTPConnection(http.client.HTTPConnection):
    """유닉스 소켓으로 말하는 HTTP 연결(엔진의 플러그인 클라이언트와 같은 방식)."""

    def __init__(self, path: str, timeout: float = 5.0) -> None:
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.unix_path)
        self.sock = sock


class Client:
    """시험용 플러그인 클라이언트. 연결 하나를 keep-alive로 재사용한다(엔진도 그렇다)."""

    def __init__(self, path: str) -> None:
        self.conn = UnixHTTPConnection(path)

    def raw(self, method: str, body: bytes) -> tuple[int, str, dict[str, Any]]:
        self.conn.request("POST", f"/{method}", body=body, headers={"Content-Type": CONTENT_TYPE})
        resp = self.conn.getresponse()
        data = resp.read()
        return resp.status, resp.getheader("Content-Type", ""), json.loads(data)

    def call(self, method: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        payload = b"" if body is None else json.dumps(body).encode()
        status, _, reply = self.raw(method, payload)
        return status, reply

    def ok(self, method: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        status, reply = self.call(method, body)
        assert status == 200, reply
        assert "Err" not in reply
        return reply

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def workdir() -> Iterator[Path]:
    # tmp_path는 유닉스 소켓 경로 한도(108바이트)를 넘길 수 있어 짧은 경로를 따로 만든다.
    d = Path(tempfile.mkdtemp(prefix="ipam-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def server(workdir: Path) -> Iterator[PluginServer]:
    srv = ipam_plugin.start_plugin(workdir / "netlab-ipam.sock", [POOL, "172.16.31.0/24"], workdir / "requests.log")
    yield srv
    srv.close()


@pytest.fixture
def client(server: PluginServer) -> Iterator[Client]:
    c = Client(str(server.socket_path))
    yield c
    c.close()


def new_pool(client: Client, pool: str = POOL, sub: str = "") -> str:
    reply = client.ok(
        "IpamDriver.RequestPool",
        {"AddressSpace": "netlab-local", "Pool": pool, "SubPool": sub, "Options": {}, "V6": False},
    )
    return reply["PoolID"]


def ask(client: Client, pool_id: str, address: str = "", **opts: str) -> tuple[int, dict]:
    return client.call(
        "IpamDriver.RequestAddress",
        {"PoolID": pool_id, "Address": address, "Options": opts or None},
    )


# -- 핸드셰이크 ------------------------------------------------------------------------------


def test_activate_reply(client: Client) -> None:
    status, ctype, reply = client.raw("Plugin.Activate", b"")
    assert status == 200
    assert ctype == CONTENT_TYPE
    assert reply == {"Implements": ["IpamDriver"]}


def test_capabilities(client: Client) -> None:
    reply = client.ok("IpamDriver.GetCapabilities")
    assert reply == {"RequiresMACAddress": False, "RequiresRequestReplay": True}


def test_capabilities_can_ask_for_mac(workdir: Path) -> None:
    with ipam_plugin.start_plugin(workdir / "mac.sock", [POOL], requires_mac=True) as srv:
        c = Client(str(srv.socket_path))
        assert c.ok("IpamDriver.GetCapabilities")["RequiresMACAddress"] is True
        c.close()


def test_default_address_spaces(client: Client) -> None:
    reply = client.ok("IpamDriver.GetDefaultAddressSpaces")
    assert reply == {
        "LocalDefaultAddressSpace": "netlab-local",
        "GlobalDefaultAddressSpace": "netlab-global",
    }


# -- 풀 ----------------------------------------------------------------------------------


def test_request_pool_returns_configured_pool(client: Client) -> None:
    reply = client.ok(
        "IpamDriver.RequestPool",
        {"AddressSpace": "netlab-local", "Pool": POOL, "SubPool": "", "Options": {}, "V6": False},
    )
    assert reply["Pool"] == POOL
    assert reply["PoolID"] == "netlab-local/172.16.30.0/24"
    assert reply["Data"] == {"netlab.ipam.policy": "top-down"}


def test_request_pool_without_subnet_picks_next_free_configured_pool(client: Client) -> None:
    body = {"AddressSpace": "netlab-local", "Pool": "", "SubPool": "", "Options": {}, "V6": False}
    first = client.ok("IpamDriver.RequestPool", body)
    second = client.ok("IpamDriver.RequestPool", body)
    assert [first["Pool"], second["Pool"]] == [POOL, "172.16.31.0/24"]
    status, reply = client.call("IpamDriver.RequestPool", body)
    assert status == 503
    assert "no free IPv4 pool" in reply["Err"]
    status, reply = client.call("IpamDriver.RequestPool", {**body, "V6": True})
    assert status == 503
    assert "no free IPv6 pool" in reply["Err"]


def test_same_pool_twice_gives_same_id_and_is_refcounted(client: Client, server) -> None:
    a = new_pool(client)
    b = new_pool(client)
    assert a == b
    assert server.ipam.snapshot()[a]["refcount"] == 2
    client.ok("IpamDriver.ReleasePool", {"PoolID": a})
    assert server.ipam.snapshot()[a]["refcount"] == 1
    client.ok("IpamDriver.ReleasePool", {"PoolID": a})
    assert server.ipam.snapshot() == {}


def test_request_pool_rejects_unmanaged_and_overlapping_pools(client: Client) -> None:
    body = {"AddressSpace": "netlab-local", "SubPool": "", "Options": {}, "V6": False}
    status, reply = client.call("IpamDriver.RequestPool", {**body, "Pool": "10.99.0.0/24"})
    assert status == 400
    assert reply["Err"].startswith("pool 10.99.0.0/24 is outside the pools this plugin manages")
    new_pool(client, "172.16.30.0/25")
    status, reply = client.call("IpamDriver.RequestPool", {**body, "Pool": POOL})
    assert status == 403
    assert "overlaps pool 172.16.30.0/25" in reply["Err"]
    status, reply = client.call("IpamDriver.RequestPool", {**body, "AddressSpace": "LocalDefault", "Pool": POOL})
    assert status == 400
    assert "unknown address space 'LocalDefault'" in reply["Err"]


def test_release_pool(client: Client, server) -> None:
    pid = new_pool(client)
    gw = ask(client, pid, **GW_OPTS)[1]["Address"]
    client.ok("IpamDriver.ReleasePool", {"PoolID": pid})
    assert pid not in server.ipam.snapshot()
    # 풀이 사라지면 그 풀에 대한 요청은 분명한 오류가 된다.
    status, reply = client.call("IpamDriver.ReleasePool", {"PoolID": pid})
    assert status == 404
    assert reply["Err"].startswith(f"unknown pool ID {pid!r}")
    status, reply = ask(client, pid)
    assert status == 404
    # 다시 요청하면 깨끗한 풀이 되어 게이트웨이도 같은 자리(.254)를 받는다.
    pid2 = new_pool(client)
    assert ask(client, pid2, **GW_OPTS)[1]["Address"] == gw == "172.16.30.254/24"


# -- 주소 ---------------------------------------------------------------------------------


def test_gateway_then_addresses_come_from_the_top(client: Client) -> None:
    pid = new_pool(client)
    status, gw = ask(client, pid, **GW_OPTS)
    assert status == 200
    assert gw["Address"] == "172.16.30.254/24"
    assert gw["Data"]["netlab.ipam.kind"] == "gateway"
    got = [ask(client, pid)[1]["Address"] for _ in range(3)]
    assert got == ["172.16.30.253/24", "172.16.30.252/24", "172.16.30.251/24"]


def test_subpool_limits_dynamic_allocation(client: Client) -> None:
    pid = new_pool(client, POOL, "172.16.30.0/28")
    assert pid == "netlab-local/172.16.30.0/24/172.16.30.0/28"
    assert ask(client, pid, **GW_OPTS)[1]["Address"] == "172.16.30.15/24"
    assert ask(client, pid)[1]["Address"] == "172.16.30.14/24"
    # 고정 주소는 서브풀 밖이라도 풀 안이면 된다(도커 내장 IPAM과 같은 규칙).
    assert ask(client, pid, "172.16.30.200")[0] == 200


def test_static_address_request(client: Client, server) -> None:
    pid = new_pool(client)
    status, reply = ask(client, pid, "172.16.30.10")
    assert status == 200
    assert reply["Address"] == "172.16.30.10/24"
    assert reply["Data"]["netlab.ipam.kind"] == "static"
    # 게이트웨이를 지정한 경우(--gateway)도 Address로 온다.
    status, reply = ask(client, pid, "172.16.30.1", **GW_OPTS)
    assert (status, reply["Address"]) == (200, "172.16.30.1/24")
    # 자동 배정은 여전히 맨 위부터.
    assert ask(client, pid)[1]["Address"] == "172.16.30.254/24"
    allocated = server.ipam.snapshot()[pid]["allocated"]
    assert allocated == {
        "172.16.30.1": "gateway",
        "172.16.30.10": "static",
        "172.16.30.254": "dynamic",
    }


def test_static_address_errors(client: Client) -> None:
    pid = new_pool(client)
    assert ask(client, pid, "172.16.30.10")[0] == 200
    status, reply = ask(client, pid, "172.16.30.10")
    assert status == 403
    assert reply["Err"] == "address 172.16.30.10 is already in use in pool 172.16.30.0/24 (allocated as static)"
    status, reply = ask(client, pid, "192.168.5.5")
    assert status == 400
    assert reply["Err"].startswith("address 192.168.5.5 is outside pool 172.16.30.0/24")
    for special in ("172.16.30.0", "172.16.30.255"):
        status, reply = ask(client, pid, special)
        assert status == 400
        assert "network or broadcast address" in reply["Err"]
    status, reply = ask(client, pid, "not-an-ip")
    assert status == 400
    assert reply["Err"] == "invalid IP address 'not-an-ip'"


def test_exhaustion_gives_clear_err(client: Client) -> None:
    pid = new_pool(client, "172.16.30.0/29")  # 쓸 수 있는 주소 .1-.6
    got = [ask(client, pid)[1]["Address"] for _ in range(6)]
    assert got == [f"172.16.30.{i}/29" for i in (6, 5, 4, 3, 2, 1)]
    status, reply = ask(client, pid)
    assert status == 503
    assert reply["Err"].startswith("no free address left in 172.16.30.0/29: pool exhausted")


def test_release_frees_the_address_for_reuse(client: Client) -> None:
    pid = new_pool(client)
    ask(client, pid, **GW_OPTS)
    a = ask(client, pid)[1]["Address"]
    b = ask(client, pid)[1]["Address"]
    assert (a, b) == ("172.16.30.253/24", "172.16.30.252/24")
    client.ok("IpamDriver.ReleaseAddress", {"PoolID": pid, "Address": "172.16.30.253"})
    # 빈 자리 중 가장 높은 주소가 다시 나간다.
    assert ask(client, pid)[1]["Address"] == "172.16.30.253/24"
    status, reply = client.call("IpamDriver.ReleaseAddress", {"PoolID": pid, "Address": "172.16.30.9"})
    assert status == 400
    assert reply["Err"] == "address 172.16.30.9 is not allocated in pool 172.16.30.0/24"


def test_ipv6_pool_top_down(workdir: Path) -> None:
    with ipam_plugin.start_plugin(workdir / "v6.sock", ["fd00:30::/64"]) as srv:
        c = Client(str(srv.socket_path))
        pid = c.ok(
            "IpamDriver.RequestPool",
            {"AddressSpace": "netlab-local", "Pool": "", "SubPool": "", "V6": True},
        )["PoolID"]
        assert ask(c, pid, **GW_OPTS)[1]["Address"] == "fd00:30::ffff:ffff:ffff:ffff/64"
        assert ask(c, pid)[1]["Address"] == "fd00:30::ffff:ffff:ffff:fffe/64"
        c.close()


# -- 잘못된 요청 ---------------------------------------------------------------------------


def test_bad_json_is_an_error_not_a_crash(client: Client) -> None:
    status, ctype, reply = client.raw("IpamDriver.RequestPool", b"{not json")
    assert status == 400
    assert ctype == CONTENT_TYPE
    assert reply["Err"].startswith("malformed JSON body")
    status, _, reply = client.raw("IpamDriver.RequestAddress", b"[1, 2]")
    assert status == 400
    assert reply["Err"] == "request body must be a JSON object, got list"
    status, _, reply = client.raw("IpamDriver.RequestAddress", b'{"PoolID": 7}')
    assert status == 400
    assert reply["Err"] == "field 'PoolID' must be a string, got int"
    status, _, reply = client.raw("NetworkDriver.CreateNetwork", b"{}")
    assert status == 404
    assert reply["Err"] == "unsupported method '/NetworkDriver.CreateNetwork'"
    # 같은 연결로 이어서 정상 요청이 된다: 서버도 연결도 살아 있다.
    assert client.ok("Plugin.Activate") == {"Implements": ["IpamDriver"]}


def test_log_file_has_one_line_per_request(client: Client, server: PluginServer) -> None:
    client.ok("Plugin.Activate")
    pid = new_pool(client)
    ask(client, pid, **GW_OPTS)
    client.raw("IpamDriver.RequestPool", b"{oops")
    lines = server.request_log.path.read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    assert [e["method"] for e in entries] == [
        "Plugin.Activate",
        "IpamDriver.RequestPool",
        "IpamDriver.RequestAddress",
        "IpamDriver.RequestPool",
    ]
    assert entries[0]["request"] is None  # 엔진처럼 빈 본문을 보냈다
    assert entries[0]["response"] == {"Implements": ["IpamDriver"]}
    assert entries[2]["request"] == {"PoolID": pid, "Address": "", "Options": GW_OPTS}
    assert entries[2]["response"]["Address"] == "172.16.30.254/24"
    assert entries[2]["status"] == 200
    assert entries[3]["request"] == "{oops"
    assert entries[3]["status"] == 400
    assert "Err" in entries[3]["response"]
    assert all(set(e) == {"time", "method", "request", "status", "response"} for e in entries)


def test_concurrent_requests_never_hand_out_an_address_twice(server: PluginServer) -> None:
    setup = Client(str(server.socket_path))
    pid = new_pool(setup)
    setup.close()
    results: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        c = Client(str(server.socket_path))
        for _ in range(10):
            addr = ask(c, pid)[1]["Address"]
            with lock:
                results.append(addr)
        c.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(results) == 80
    assert len(set(results)) == 80
    assert min(results, key=lambda a: int(a.split(".")[3].split("/")[0])) == "172.16.30.175/24"


def test_refuses_to_replace_a_live_socket_or_a_regular_file(server, workdir: Path) -> None:
    with pytest.raises(FileExistsError, match="already serving"):
        PluginServer(server.socket_path, NetlabIpam([POOL]))
    regular = workdir / "plain.sock"
    regular.write_text("not a socket")
    with pytest.raises(FileExistsError, match="not a socket"):
        PluginServer(regular, NetlabIpam([POOL]))
    assert regular.read_text() == "not a socket"


def test_close_removes_socket(workdir: Path) -> None:
    srv = ipam_plugin.start_plugin(workdir / "c.sock", [POOL])
    assert srv.socket_path.exists()
    srv.close()
    assert not srv.socket_path.exists()
    # 지난 실행이 남긴 (듣는 이 없는) 소켓 파일은 새 서버가 치우고 다시 쓴다.
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(workdir / "c.sock"))
    stale.close()
    with ipam_plugin.start_plugin(workdir / "c.sock", [POOL]) as again:
        c = Client(str(again.socket_path))
        assert c.ok("Plugin.Activate")
        c.close()


def test_cli_serves_and_cleans_up_on_sigterm(workdir: Path) -> None:
    sock = workdir / "cli.sock"
    log = workdir / "cli.log"
    proc = subprocess.Popen(
        [sys.executable, ipam_plugin.__file__, "--socket", str(sock), "--pool", POOL, "--log", str(log)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_socket(sock, proc)
        c = Client(str(sock))
        pid = new_pool(c)
        assert ask(c, pid, **GW_OPTS)[1]["Address"] == "172.16.30.254/24"
        c.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "serving" in err
    assert not sock.exists()
    assert len(log.read_text().splitlines()) == 2


def test_cli_rejects_bad_pool() -> None:
    proc = subprocess.run(
        [sys.executable, ipam_plugin.__file__, "--socket", "/tmp/x.sock", "--pool", "10.0.0.1/24"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert "invalid CIDR '10.0.0.1/24'" in proc.stderr


def wait_for_socket(path: Path, proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """플러그인 프로세스가 소켓에서 듣기 시작할 때까지 기다린다."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"plugin exited early with {proc.returncode}")
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as s:
            s.connect(str(path))
            return
        time.sleep(0.05)
    raise AssertionError(f"plugin did not listen on {path} within {timeout}s")


# -- 진짜 엔진과의 통합 시험 -------------------------------------------------------------------

ENGINE_PLUGIN = "netlab-ipamtest"
ENGINE_SOCKET = Path("/run/docker/plugins") / f"{ENGINE_PLUGIN}.sock"
ENGINE_SUBNET = "172.16.198.0/24"
ENGINE_NET = "nl-test-ipam"
LABELS = {"netlab.book": "docker-network-design", "netlab.lab": "test-ipam"}
#: 실습 이미지(``python -m netlab images build``가 만든다). 개발 중에만 환경 변수로 바꾼다.
LAB_IMAGE = os.environ.get("NETLAB_IPAM_TEST_IMAGE", "netlab/lab:bookworm")


def _remove_leftovers(client: Any) -> None:
    """지난 실행이 남긴 이 시험의 자원을 라벨로만 찾아 지운다.

    플러그인이 이미 떠 있을 때 불러야 한다. 엔진은 네트워크를 지울 때 IPAM에
    ReleaseAddress/ReleasePool을 보내는데, 소켓이 없으면 30초 동안 재시도하기 때문이다.
    새 플러그인은 옛 풀 ID를 모르므로 오류로 답하지만, 엔진은 경고만 남기고 지운다.
    """
    flt = {"label": [f"{k}={v}" for k, v in LABELS.items()]}
    for c in client.containers.list(all=True, filters=flt):
        c.remove(force=True)
    for n in client.networks.list(filters=flt):
        n.remove()


def test_engine_uses_plugin_addresses(workdir: Path) -> None:
    import docker
    from docker.types import IPAMConfig, IPAMPool

    client = docker.from_env()
    client.ping()  # 엔진에 닿지 않으면 여기서 실패한다(건너뛰지 않는다)
    try:
        client.images.get(LAB_IMAGE)
    except docker.errors.ImageNotFound:
        pytest.fail(f"image {LAB_IMAGE} is missing: run `python -m netlab images build` first")

    log = workdir / "engine.log"
    # 엔진은 플러그인 이름 → 소켓 경로를 처음 쓸 때 한 번 찾아 데몬이 살아 있는 동안 기억한다.
    # 그래서 재실행 때는 같은 경로에 새 프로세스가 다시 듣기만 하면 되고, Activate 이하
    # 핸드셰이크는 데몬의 첫 사용 때만 온다. 기록에서 그것을 기대하면 안 된다.
    proc = subprocess.Popen(
        [
            sys.executable,
            ipam_plugin.__file__,
            "--socket",
            str(ENGINE_SOCKET),
            "--pool",
            ENGINE_SUBNET,
            "--log",
            str(log),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    containers: list[Any] = []
    network = None
    try:
        wait_for_socket(ENGINE_SOCKET, proc)
        _remove_leftovers(client)
        # 정리 중에 엔진이 보낸 (옛 풀에 대한) Release 요청은 빼고, 여기부터의 기록만 본다.
        skip = len(log.read_text().splitlines()) if log.exists() else 0
        network = client.networks.create(
            ENGINE_NET,
            driver="bridge",
            ipam=IPAMConfig(driver=ENGINE_PLUGIN, pool_configs=[IPAMPool(subnet=ENGINE_SUBNET)]),
            labels=LABELS,
        )
        network.reload()
        assert network.attrs["IPAM"]["Driver"] == ENGINE_PLUGIN

        auto = client.containers.run(
            LAB_IMAGE,
            ["sleep", "300"],
            name=f"{ENGINE_NET}-auto",
            network=ENGINE_NET,
            labels=LABELS,
            detach=True,
        )
        containers.append(auto)
        static = client.containers.create(
            LAB_IMAGE,
            ["sleep", "300"],
            name=f"{ENGINE_NET}-static",
            network=ENGINE_NET,
            labels=LABELS,
            networking_config={ENGINE_NET: client.api.create_endpoint_config(ipv4_address="172.16.198.10")},
        )
        containers.append(static)
        static.start()

        auto.reload()
        static.reload()
        auto_net = auto.attrs["NetworkSettings"]["Networks"][ENGINE_NET]
        # 내장 IPAM이라면 게이트웨이 .1, 첫 컨테이너 .2 였을 것이다.
        assert auto_net["Gateway"] == "172.16.198.254"
        assert auto_net["IPAddress"] == "172.16.198.253"
        assert static.attrs["NetworkSettings"]["Networks"][ENGINE_NET]["IPAddress"] == "172.16.198.10"

        for c in containers:
            c.remove(force=True)
        containers.clear()
        network.remove()
        network = None

        entries = [json.loads(line) for line in log.read_text().splitlines()[skip:]]
        ipam_calls = [
            e
            for e in entries
            if e["method"].startswith("IpamDriver.Request") or e["method"].startswith("IpamDriver.Release")
        ]
        assert all(e["status"] == 200 for e in ipam_calls), ipam_calls
        pool_req = next(e for e in ipam_calls if e["method"] == "IpamDriver.RequestPool")
        assert pool_req["request"]["Pool"] == ENGINE_SUBNET
        assert pool_req["request"]["AddressSpace"] == "netlab-local"
        pool_id = pool_req["response"]["PoolID"]
        addr_reqs = [e for e in ipam_calls if e["method"] == "IpamDriver.RequestAddress"]
        assert [(e["request"]["Address"], e["response"]["Address"]) for e in addr_reqs] == [
            ("", "172.16.198.254/24"),
            ("", "172.16.198.253/24"),
            ("172.16.198.10", "172.16.198.10/24"),
        ]
        assert addr_reqs[0]["request"]["Options"] == {"RequestAddressType": GATEWAY_ADDRESS_TYPE}
        released = sorted(e["request"]["Address"] for e in ipam_calls if e["method"] == "IpamDriver.ReleaseAddress")
        assert released == ["172.16.198.10", "172.16.198.253", "172.16.198.254"]
        assert ipam_calls[-1]["method"] == "IpamDriver.ReleasePool"
        assert ipam_calls[-1]["request"] == {"PoolID": pool_id}
    finally:
        for c in containers:
            with contextlib.suppress(Exception):
                c.remove(force=True)
        if network is not None:
            with contextlib.suppress(Exception):
                network.remove()
        with contextlib.suppress(Exception):
            _remove_leftovers(client)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
        with contextlib.suppress(FileNotFoundError):
            ENGINE_SOCKET.unlink()
    assert proc.returncode == 0
    assert not ENGINE_SOCKET.exists()
