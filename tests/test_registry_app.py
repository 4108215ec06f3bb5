"""레지스트리 앱 (netlab/apps/registry.py): 저장소, HTTP API, 명령줄, 표준 라이브러리만으로 불러오기.

엔진 없이 돈다. 서버는 이 프로세스 안의 스레드로 루프백(127.0.0.1)의 빈 포트에만 띄운다.
컨테이너 안에서의 동작은 ``labs/05-multihost-bridge.ipynb``가 실제 엔진에서 확인한다.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from netlab.apps import registry

SCRIPT = str(Path(registry.__file__))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- 저장소 ----------------------------------------------------------------------------


def test_store_put_get_delete_and_sorted_items():
    store = registry.Store(FakeClock())
    store.put("web", "172.16.249.13:15000")
    store.put("db", "172.16.249.12:16379", ttl=5)
    assert store.get("db").addr == "172.16.249.12:16379"
    assert [e.name for e in store.items()] == ["db", "web"]
    assert store.delete("web") is True
    assert store.delete("web") is False
    assert store.get("web") is None


def test_store_entries_expire_after_ttl_and_heartbeat_refreshes():
    clock = FakeClock()
    store = registry.Store(clock)
    store.put("db", "10.0.0.1:6379", ttl=5)
    clock.now += 4
    store.put("db", "10.0.0.1:6379", ttl=5)  # 하트비트: 갱신한 때부터 다시 5초
    clock.now += 4
    assert store.get("db") is not None
    clock.now += 1.5
    assert store.get("db") is None
    assert store.items() == []


@pytest.mark.parametrize("name", ["", "DB", "a/b", "-x", "x" * 64])
def test_bad_names_are_rejected(name):
    with pytest.raises(registry.RegistryError):
        registry.validate_name(name)


@pytest.mark.parametrize("addr", ["", "10.0.0.1", "10.0.0.1:0", "10.0.0.1:70000", "a b:80", "http://x:80"])
def test_bad_addresses_are_rejected(addr):
    with pytest.raises(registry.RegistryError):
        registry.validate_addr(addr)


def test_split_addr_and_bad_ttl():
    assert registry.split_addr("172.16.249.12:16379") == ("172.16.249.12", 16379)
    assert registry.split_addr("db:6379") == ("db", 6379)
    with pytest.raises(registry.RegistryError):
        registry.Store().put("db", "10.0.0.1:1", ttl=0)


# -- HTTP API --------------------------------------------------------------------------


@pytest.fixture
def server():
    clock = FakeClock()
    srv = registry.make_server("127.0.0.1", 0, store=registry.Store(clock), verbose=False)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}"  # type: ignore[attr-defined]
    srv.clock = clock  # type: ignore[attr-defined]
    yield srv
    srv.shutdown()
    srv.server_close()


def _raw(url: str, method: str = "GET", body: bytes | None = None) -> tuple[int, object]:
    request = urllib.request.Request(url, data=body, method=method)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=3) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_http_round_trip(server):
    url = server.url
    assert registry.register(url, "db", "172.16.249.12:16379", ttl=10)["addr"] == "172.16.249.12:16379"
    assert registry.lookup(url, "db") == "172.16.249.12:16379"
    registry.register(url, "cache", "172.16.249.13:16380")
    listed = registry.services(url)
    assert [e["name"] for e in listed] == ["cache", "db"]
    assert listed[0]["ttl"] is None and listed[1]["ttl"] == 10
    assert _raw(f"{url}/health") == (200, {"services": 2, "status": "ok"})
    assert registry.deregister(url, "cache") is True
    assert registry.deregister(url, "cache") is False
    with pytest.raises(registry.NotRegistered):
        registry.lookup(url, "cache")


def test_http_ttl_expiry_is_visible_to_clients(server):
    registry.register(server.url, "db", "10.0.0.5:6379", ttl=3)
    server.clock.now += 3.5
    with pytest.raises(registry.NotRegistered):
        registry.lookup(server.url, "db")


def test_http_accepts_plain_text_and_rejects_garbage(server):
    url = server.url
    assert _raw(f"{url}/v1/services/web", "PUT", b"172.16.249.13:15000")[0] == 200
    assert registry.lookup(url, "web") == "172.16.249.13:15000"
    status, body = _raw(f"{url}/v1/services/web", "PUT", b'{"addr": "nope"}')
    assert status == 400 and "호스트:포트" in body["error"]
    assert _raw(f"{url}/v1/services/Bad", "PUT", b'{"addr": "10.0.0.1:80"}')[0] == 400
    assert _raw(f"{url}/elsewhere")[0] == 404
    assert _raw(f"{url}/elsewhere", "PUT", b"x")[0] == 404


# -- 명령줄 ------------------------------------------------------------------------------


def _cli(*args: str, registry_url: str, check: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "REGISTRY": registry_url}
    return subprocess.run(
        [sys.executable, SCRIPT, *args], capture_output=True, text=True, env=env, timeout=20, check=check
    )


def test_cli_register_lookup_list_deregister(server):
    url = server.url
    assert _cli("register", "db", "172.16.249.12:16379", "--ttl", "30", registry_url=url).returncode == 0
    looked = _cli("lookup", "db", registry_url=url)
    assert looked.returncode == 0 and looked.stdout == "172.16.249.12:16379\n"
    assert _cli("list", registry_url=url).stdout == "db\t172.16.249.12:16379\tttl=30초\n"
    assert _cli("deregister", "db", registry_url=url).returncode == 0
    missing = _cli("lookup", "db", registry_url=url)
    assert missing.returncode == 2 and missing.stdout == "" and "등록되어 있지 않다" in missing.stderr
    assert _cli("register", "db", "nope", registry_url=url).returncode == 1


def test_cli_lookup_reports_an_unreachable_registry():
    out = _cli("lookup", "db", registry_url="http://127.0.0.1:9")
    assert out.returncode == 2 and "닿지 못했다" in out.stderr


def test_cli_announce_heartbeats_and_deregisters_on_sigterm(server):
    url = server.url
    env = {**os.environ, "REGISTRY": url}
    proc = subprocess.Popen(
        [sys.executable, SCRIPT, "announce", "db", "10.0.0.9:6379", "--ttl", "5", "--interval", "0.2"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if registry.lookup(url, "db") == "10.0.0.9:6379":
                    break
            except registry.NotRegistered:
                time.sleep(0.05)
        else:
            pytest.fail("announce가 등록하지 않았다")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "등록을 지웠다" in proc.stderr.read()
    with pytest.raises(registry.NotRegistered):
        registry.lookup(url, "db")


# -- 컨테이너 안에서 ---------------------------------------------------------------------


def test_module_uses_only_the_standard_library():
    """컨테이너 안에는 docker SDK도 netlab도 없다: 파일 하나만으로 불러와져야 한다."""
    code = (
        "import importlib.util, sys; sys.modules['docker'] = None; sys.modules['netlab'] = None; "
        f"spec = importlib.util.spec_from_file_location('registry', {SCRIPT!r}); "
        "mod = importlib.util.module_from_spec(spec); sys.modules['registry'] = mod; "
        "spec.loader.exec_module(mod); print(mod.DEFAULT_PORT)"
    )
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "8500"
