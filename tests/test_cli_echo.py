"""셀이 SDK로 직접 읽거나 잇는 호출이 같은 뜻의 ``docker`` 명령줄을 찍는지 (``netlab/base/cli_echo.py``).

엔진 없이 본다: 진짜 ``docker.DockerClient``의 HTTP 한 층(``_get``, ``_post_json``, ``_result``)만 가짜 엔진으로
바꾸고, "셀 코드"는 ipykernel이 셀에 주는 파일 이름(``…/ipykernel_<PID>/<번호>.py``)으로 컴파일해 실행한다.
같은 코드를 다른 파일 이름으로 실행하면(= netlab 안의 호출) 아무것도 찍지 않아야 한다 (음성 대조).
"""

from __future__ import annotations

import re
import threading
from typing import Any

import docker
import pytest

from netlab.base import cli_echo

CELL_FILE = "/tmp/ipykernel_4242/1234567.py"
LIBRARY_FILE = "/work/netlab/somewhere.py"

NET_ID = "a" * 64
BOX_ID = "b" * 64
NETWORK = {"Id": NET_ID, "Name": "nl-t-front", "Driver": "bridge", "Containers": {}}
CONTAINER = {"Id": BOX_ID, "Name": "/nl-t-box", "Config": {"Labels": {}}, "State": {"Status": "running"}}
SERVICE = {"ID": "s" * 25, "Spec": {"Name": "nl-t-web"}, "Version": {"Index": 1}}


class FakeResponse:
    def __init__(self, method: str, url: str, params: Any = None) -> None:
        self.method, self.url, self.params = method, url, params


class FakeEngine:
    """URL마다 정해 둔 JSON을 돌려주는 엔진. 받은 요청을 적어 둔다."""

    def __init__(self, api: docker.APIClient) -> None:
        self.requests: list[tuple[str, str]] = []
        api._get = self._get  # type: ignore[method-assign]
        api._post_json = self._post  # type: ignore[method-assign]
        api._result = self._result  # type: ignore[method-assign]
        api._raise_for_status = lambda response: None  # type: ignore[method-assign]

    def _get(self, url: str, **kwargs: Any) -> FakeResponse:
        self.requests.append(("GET", url))
        return FakeResponse("GET", url, kwargs.get("params"))

    def _post(self, url: str, **kwargs: Any) -> FakeResponse:
        self.requests.append(("POST", url))
        return FakeResponse("POST", url)

    def _result(self, response: FakeResponse, json: bool = False, binary: bool = False) -> Any:
        path = re.sub(r"^.*/v[0-9.]+", "", response.url)
        if path in (f"/networks/{NET_ID}", "/networks/nl-t-front"):
            return NETWORK
        if path in (f"/containers/{BOX_ID}/json", "/containers/nl-t-box/json"):
            return CONTAINER
        if path == "/containers/json":
            return [{"Id": BOX_ID}]
        if path in ("/services/nl-t-web", f"/services/{SERVICE['ID']}"):
            return SERVICE
        if path == "/tasks":
            return []
        raise docker.errors.NotFound(f"no such object: {path}")


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> docker.DockerClient:
    cli_echo.install()
    monkeypatch.setattr(cli_echo, "_enabled", True)
    cli_echo.reset()
    client = docker.DockerClient(base_url="unix:///nonexistent/docker.sock", version="1.47")
    FakeEngine(client.api)
    return client


def run_as(filename: str, source: str, **names: Any) -> dict[str, Any]:
    """``source``를 ``filename``에서 온 코드로 실행한다 (셀이면 ipykernel의 셀 파일 이름)."""
    scope: dict[str, Any] = dict(names)
    exec(compile(source, filename, "exec"), scope)
    return scope


def echoed(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith("$ ")]


def test_cell_reading_a_network_prints_docker_network_inspect(engine, capsys) -> None:
    run_as(CELL_FILE, "net = client.networks.get('nl-t-front')", client=engine)
    assert echoed(capsys) == ["$ docker network inspect nl-t-front"]


def test_the_same_call_from_library_code_prints_nothing(engine, capsys) -> None:
    scope = run_as(LIBRARY_FILE, "net = client.networks.get('nl-t-front')", client=engine)
    assert scope["net"].name == "nl-t-front"  # 호출 자체는 일어났다
    assert echoed(capsys) == []


def test_reload_prints_the_inspect_once_per_cell_and_not_its_inner_calls(engine, capsys) -> None:
    net = engine.networks.get(NET_ID)  # 테스트 파일에서 부름: 셀이 아니므로 찍지 않는다
    capsys.readouterr()
    run_as(CELL_FILE, "for _ in range(3):\n    net.reload()", net=net)
    # reload() → networks.get() → api.inspect_network(): 바깥의 reload 하나만, 세 번 불러도 한 줄
    assert echoed(capsys) == ["$ docker network inspect nl-t-front"]
    cli_echo.reset()  # 다음 셀
    run_as(CELL_FILE, "net.reload()", net=net)
    assert echoed(capsys) == ["$ docker network inspect nl-t-front"]


def test_container_reads_and_listing_filters(engine, capsys) -> None:
    run_as(
        CELL_FILE,
        "box = client.containers.get('nl-t-box')\n"
        "boxes = client.containers.list(all=True, filters={'label': 'netlab.lab=t'})",
        client=engine,
    )
    # list()는 안에서 컨테이너마다 get()을 부르지만 그 줄은 없다
    assert echoed(capsys) == [
        "$ docker container inspect nl-t-box",
        "$ docker ps --all --filter label=netlab.lab=t",
    ]


def test_connect_shows_address_and_alias_and_resolves_ids_to_names(engine, capsys) -> None:
    net = engine.networks.get(NET_ID)
    capsys.readouterr()
    run_as(
        CELL_FILE,
        "net.connect(box_id, ipv4_address='172.16.1.5', aliases=['web'])\n"
        "client.api.disconnect_container_from_network(box_id, net_id, force=True)",
        net=net,
        client=engine,
        box_id=BOX_ID,
        net_id=NET_ID,
    )
    assert echoed(capsys) == [
        "$ docker network connect --ip 172.16.1.5 --alias web nl-t-front nl-t-box",
        "$ docker network disconnect --force nl-t-front nl-t-box",
    ]


def test_tasks_of_one_service_read_as_docker_service_ps(engine, capsys) -> None:
    run_as(
        CELL_FILE,
        "client.api.tasks(filters={'service': 'nl-t-web', 'desired-state': 'running'})\n"
        "client.services.get('nl-t-web').tasks(filters={'desired-state': 'running'})",
        client=engine,
    )
    assert echoed(capsys) == [
        "$ docker service ps --no-trunc --filter desired-state=running nl-t-web",
        "$ docker service inspect nl-t-web",
    ]


def test_registered_prefix_names_the_engine_the_reader_would_reach(engine, capsys) -> None:
    cli_echo.register(engine, "docker exec nl-t-worker1 docker")
    run_as(CELL_FILE, "client.api.inspect_network(net_id, verbose=True)", client=engine, net_id=NET_ID)
    assert echoed(capsys) == ["$ docker exec nl-t-worker1 docker network inspect --verbose nl-t-front"]
    assert cli_echo.prefix_of(engine) == "docker exec nl-t-worker1 docker"
    assert cli_echo.prefix_of(docker.DockerClient(base_url="unix:///x.sock", version="1.47")) == "docker"


def test_a_failed_read_still_shows_the_command_and_raises(engine, capsys) -> None:
    with pytest.raises(docker.errors.NotFound):
        run_as(CELL_FILE, "client.networks.get('nl-t-missing')", client=engine)
    assert echoed(capsys) == ["$ docker network inspect nl-t-missing"]


def test_calls_from_other_threads_print_nothing(engine, capsys) -> None:
    # 스레드가 찍으면 줄 순서가 실행마다 달라진다: 주 스레드에서 부른 셀 코드만 찍는다
    scope = run_as(CELL_FILE, "def read():\n    return client.networks.get('nl-t-front')", client=engine)
    worker = threading.Thread(target=scope["read"])
    worker.start()
    worker.join()
    assert echoed(capsys) == []
    scope["read"]()  # 양성 대조: 같은 함수를 주 스레드에서 부르면 찍는다
    assert echoed(capsys) == ["$ docker network inspect nl-t-front"]


def test_nothing_is_printed_outside_a_kernel(monkeypatch, engine, capsys) -> None:
    monkeypatch.setattr(cli_echo, "_enabled", False)
    run_as(CELL_FILE, "client.networks.get('nl-t-front')", client=engine)
    assert echoed(capsys) == []


def test_a_netlab_reader_prints_only_when_a_cell_called_it(engine, capsys) -> None:
    def tasks(service: str) -> None:  # cluster.tasks 와 같은 모양: 부른 프레임을 넘긴다
        import sys

        cli_echo.say(engine, ["service", "ps", service], sys._getframe(1))

    run_as(LIBRARY_FILE, "tasks('nl-t-web')", tasks=tasks)
    assert echoed(capsys) == []
    run_as(CELL_FILE, "tasks('nl-t-web')", tasks=tasks)
    assert echoed(capsys) == ["$ docker service ps nl-t-web"]


def test_a_failed_read_by_id_uses_the_name_learned_from_another_call(engine, capsys) -> None:
    # 14장·4장처럼: 매니저에서는 찾고(이름을 배운다) 워커에서는 못 찾는 오버레이를 ID로 묻는다.
    # 스웜 ID는 실행마다 다르므로 찍히는 것은 이름이어야 저장된 출력이 실행마다 같다.
    swarm_id = "jfuq6kdes1x4lwxihl14yf3eo"
    with pytest.raises(docker.errors.NotFound):
        run_as(CELL_FILE, "client.api.inspect_network(net_id)", client=engine, net_id=swarm_id)
    assert echoed(capsys) == [f"$ docker network inspect {swarm_id}"]  # 음성 대조: 배운 것이 없으면 ID 그대로
    cli_echo._learn({"Id": swarm_id, "Name": "nl-t-ov"})
    cli_echo.reset()
    with pytest.raises(docker.errors.NotFound):
        run_as(CELL_FILE, "client.api.inspect_network(net_id)", client=engine, net_id=swarm_id)
    assert echoed(capsys) == ["$ docker network inspect nl-t-ov"]
