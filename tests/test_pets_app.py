"""pets 앱 (netlab/apps/pets.py): 순수 로직의 단위 테스트와 실제 엔진에서 돌리는 테스트.

엔진 테스트는 실습 ``lab-pets-bridge``의 마지막 서브넷(172.16.219.0/24)과 포트 18219를 쓰고,
자원 이름은 ``nl-lab-pets-bridge-t-``로 시작한다. ``netlab.lab()``은 시작할 때 그 실습의 자원을 모두
지우므로 여기서는 쓰지 않는다: 같은 실습의 노트북을 누가 열어 두었어도 그 컨테이너는 건드리지 않는다.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import socket
import subprocess
import sys
import threading

import pytest
from docker.errors import NotFound

from netlab.apps import pets

# ---------------------------------------------------------------------------
# 단위 테스트 (엔진 없이)
# ---------------------------------------------------------------------------


def test_module_imports_without_flask():
    code = "import sys, netlab.apps.pets as p; assert 'flask' not in sys.modules; print(p.APP_PATH)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "/opt/pets/pets.py"


def test_encode_command_is_a_resp_array():
    assert pets.encode_command("INCR", "pets:visits") == b"*2\r\n$4\r\nINCR\r\n$11\r\npets:visits\r\n"
    assert pets.encode_command("SET", "k", 10) == b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n10\r\n"
    assert pets.encode_command("ECHO", "고양이") == b"*2\r\n$4\r\nECHO\r\n$9\r\n" + "고양이".encode() + b"\r\n"
    with pytest.raises(ValueError):
        pets.encode_command()


@pytest.mark.parametrize(
    ("wire", "value"),
    [
        (b"+PONG\r\n", "PONG"),
        (b":42\r\n", 42),
        (b"$3\r\nfoo\r\n", "foo"),
        (b"$0\r\n\r\n", ""),
        (b"$-1\r\n", None),
        (b"*2\r\n:1\r\n$1\r\na\r\n", [1, "a"]),
        (b"*-1\r\n", None),
    ],
)
def test_read_reply_decodes_resp_types(wire, value):
    assert pets.read_reply(io.BytesIO(wire)) == value


def test_read_reply_errors():
    with pytest.raises(pets.RedisError, match="WRONGTYPE"):
        pets.read_reply(io.BytesIO(b"-WRONGTYPE Operation against a key\r\n"))
    with pytest.raises(ConnectionError):
        pets.read_reply(io.BytesIO(b":4"))  # 줄이 끝나기 전에 끊김
    with pytest.raises(ConnectionError):
        pets.read_reply(io.BytesIO(b"$5\r\nab"))  # 벌크 문자열이 모자람
    with pytest.raises(pets.RedisError):
        pets.read_reply(io.BytesIO(b"?what\r\n"))


def test_redis_client_talks_resp_over_tcp():
    """작은 가짜 서버로 클라이언트가 명령을 보내고 응답을 읽는지 본다 (루프백 안에서만)."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    received: list[bytes] = []

    def serve():
        for reply in (b"+PONG\r\n", b":7\r\n"):
            conn, _ = server.accept()
            with conn:
                received.append(conn.recv(1024))
                conn.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client = pets.Redis("127.0.0.1", port, timeout=2)
    try:
        assert client.ping() is True
        assert client.command("INCR", pets.COUNTER_KEY) == 7
    finally:
        thread.join(timeout=5)
        server.close()
    assert received == [pets.encode_command("PING"), pets.encode_command("INCR", pets.COUNTER_KEY)]


def test_pet_of_the_day_is_stable_within_a_day_and_varies_across_days():
    day = dt.date(2018, 12, 5)
    assert pets.pet_of_the_day(day) == pets.pet_of_the_day(day)
    assert pets.pet_of_the_day(day) in pets.PETS
    month = {pets.pet_of_the_day(day + dt.timedelta(days=i)).name_en for i in range(31)}
    assert len(month) >= 3


def test_config_from_env_defaults_and_overrides():
    cfg = pets.Config.from_env({})
    assert (cfg.db_host, cfg.db_port, cfg.role, cfg.port, cfg.day) == ("db", 6379, "web", 5000, None)
    assert cfg.db == "db:6379"
    cfg = pets.Config.from_env(
        {"DB_HOST": "redis", "DB_PORT": "6380", "ROLE": "canary", "PORT": "8080", "PET_DAY": "2018-12-05"}
    )
    assert (cfg.db, cfg.role, cfg.port, cfg.today()) == ("redis:6380", "canary", 8080, dt.date(2018, 12, 5))
    with pytest.raises(pets.ConfigError):
        pets.Config.from_env({"DB_PORT": "redis"})
    with pytest.raises(pets.ConfigError):
        pets.Config.from_env({"PORT": "70000"})
    with pytest.raises(pets.ConfigError):
        pets.Config.from_env({"PET_DAY": "어제"})


def test_render_and_parse_page_round_trip():
    pet = pets.PETS[0]
    page = pets.render_page(pet=pet, hostname="web1", role="web", client="10.0.0.9", db="db:6379", visits=12)
    assert page.startswith("== pets:")
    assert pet.art.strip("\n").splitlines()[0] in page
    parsed = pets.parse_page(page)
    assert parsed == {
        "pet": f"{pet.name_ko} ({pet.name_en})",
        "hostname": "web1",
        "role": "web",
        "client": "10.0.0.9",
        "db": "db:6379",
        "visits": 12,
    }
    failed = pets.render_page(
        pet=pet, hostname="w", role="web", client="-", db="db:6379", visits=None, error="연결 거절"
    )
    assert "알 수 없음 (연결 거절)" in failed
    assert pets.parse_page(failed)["visits"] is None


def test_describe_error_names_the_failing_step():
    gai = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    assert pets.describe_error(gai, "db:6379").startswith("이름 db을(를) 풀 수 없다")
    assert "거절" in pets.describe_error(ConnectionRefusedError(111, "refused"), "db:6379")
    assert "시간 안에" in pets.describe_error(TimeoutError("timed out"), "db:6379")
    assert "오류로 답했다" in pets.describe_error(pets.RedisError("ERR x"), "db:6379")


class _FakeRedis:
    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error

    def ping(self) -> bool:
        if self.error:
            raise self.error
        return True


def test_health_payload_reports_redis_state():
    cfg = pets.Config(role="web")
    payload, status = pets.health_payload(cfg, "web1", _FakeRedis())
    assert status == 200 and payload["redis"] is True and payload["status"] == "ok" and payload["error"] is None
    payload, status = pets.health_payload(cfg, "web1", _FakeRedis(ConnectionRefusedError(111, "refused")))
    assert status == 503 and payload["redis"] is False and payload["status"] == "degraded"
    assert "거절" in payload["error"]


def test_app_environment():
    assert pets.app_environment() == {"DB_HOST": "db", "DB_PORT": "6379", "ROLE": "web", "PORT": "5000"}
    assert pets.app_environment(db_host="x", day="2018-12-05")["PET_DAY"] == "2018-12-05"


# ---------------------------------------------------------------------------
# 실제 엔진 테스트
# ---------------------------------------------------------------------------
LAB = "lab-pets-bridge"
SUBNET_INDEX = 9
PORT = 18219
DAY = "2018-12-05"


def _remove_leftovers(lab) -> None:
    for short in ("t-web1", "t-web2", "t-lost", "t-client", "t-hostnet", "t-db"):
        try:
            lab.client.containers.get(lab.n(short)).remove(force=True)
        except NotFound:
            pass
    for net in lab.client.networks.list(names=[lab.n("t-net")]):
        if net.name == lab.n("t-net"):
            net.remove()


@pytest.fixture(scope="module")
def stack(engine):
    """db + web1 + web2 + client을 한 사용자 정의 브리지에 띄운다."""
    from netlab.lab import Lab

    lab = Lab(LAB, echo=False)
    _remove_leftovers(lab)
    try:
        net = lab.network("t-net", subnet=lab.subnet(SUBNET_INDEX), gateway=lab.addr(SUBNET_INDEX, 1))
        db = lab.container(
            "t-db",
            network=net,
            ip=lab.addr(SUBNET_INDEX, 10),
            aliases=["db"],
            command=pets.REDIS_COMMAND,
            listen=pets.REDIS_PORT,
        )
        web1 = lab.container("t-web1", network=net, ip=lab.addr(SUBNET_INDEX, 21), ports={5000: PORT})
        web2 = lab.container("t-web2", network=net, ip=lab.addr(SUBNET_INDEX, 22))
        client = lab.container("t-client", network=net, ip=lab.addr(SUBNET_INDEX, 30))
        pets.run_app(lab, web1, echo=False, day=DAY)
        pets.run_app(lab, web2, echo=False, day=DAY, role="web-b")
        yield {"lab": lab, "net": net, "db": db, "web1": web1, "web2": web2, "client": client}
    finally:
        _remove_leftovers(lab)


def _get(lab, client, url):
    result = lab.sh(client, f"curl -s -m 5 -w '\\n%{{http_code}}' {url}")
    body, _, code = result.output.rpartition("\n")
    return int(code or 0), body


def test_lab_image_carries_the_current_app_file(stack):
    """앱은 실습 이미지에 들어 있다 (make images). 이미지의 파일이 지금의 pets.py와 같아야 한다."""
    lab, web1 = stack["lab"], stack["web1"]
    digest = lab.sh(web1, f"sha256sum {pets.APP_PATH}").output.split()[0]
    assert digest == hashlib.sha256(pets.source_bytes()).hexdigest()


def test_counter_is_shared_and_increments_across_web_containers(stack):
    lab, client = stack["lab"], stack["client"]
    web1_url, web2_url = f"http://{lab.addr(SUBNET_INDEX, 21)}:5000/", f"http://{lab.addr(SUBNET_INDEX, 22)}:5000/"
    seen = []
    for url in (web1_url, web2_url, web1_url, web2_url):
        status, body = _get(lab, client, url)
        assert status == 200, body
        seen.append(pets.parse_page(body))
    assert [p["hostname"] for p in seen] == ["t-web1", "t-web2", "t-web1", "t-web2"]
    assert [p["role"] for p in seen] == ["web", "web-b", "web", "web-b"]
    visits = [p["visits"] for p in seen]
    assert visits == list(range(visits[0], visits[0] + 4)), "방문 횟수는 두 웹 컨테이너에 걸쳐 1씩 늘어야 한다"
    assert {p["client"] for p in seen} == {lab.addr(SUBNET_INDEX, 30)}, "같은 브리지 안에서는 NAT가 없다"
    expected_pet = pets.pet_of_the_day(dt.date.fromisoformat(DAY))
    assert {p["pet"] for p in seen} == {f"{expected_pet.name_ko} ({expected_pet.name_en})"}
    stored = lab.sh(stack["db"], f"redis-cli GET {pets.COUNTER_KEY}").output.strip()
    assert int(stored) == visits[-1], "Redis에 저장된 값이 마지막 방문 횟수와 같아야 한다"


def test_health_reports_redis_reachable(stack):
    status, body = _get(stack["lab"], stack["client"], f"http://{stack['lab'].addr(SUBNET_INDEX, 21)}:5000/health")
    assert status == 200
    payload = json.loads(body)
    assert payload == {
        "db": "db:6379",
        "error": None,
        "hostname": "t-web1",
        "redis": True,
        "role": "web",
        "service": "pets",
        "status": "ok",
    }


def test_published_port_answers_from_engine_host(stack):
    lab = stack["lab"]
    # lab.host (도구 상자)는 실습마다 하나라서 노트북과 함께 쓰게 된다. 호스트 네트워크의 curl 컨테이너를 따로 둔다.
    on_host = lab.container("t-hostnet", network="host")
    out = lab.sh(on_host, f"curl -s -m 5 http://127.0.0.1:{PORT}/").output
    page = pets.parse_page(out)
    assert page["hostname"] == "t-web1" and isinstance(page["visits"], int)
    # 루프백으로 들어온 연결은 docker-proxy가 받아 브리지 게이트웨이 주소로 다시 연결한다
    assert page["client"] == lab.addr(SUBNET_INDEX, 1)


def test_unreachable_db_is_reported_not_crashed(stack):
    """DB 주소에 Redis가 없으면 앱은 죽지 않고 503과 한국어 이유를 돌려준다.

    없는 이름을 주지 않는다: 실습 컨테이너의 바깥 DNS는 답하지 않는 127.0.0.1이라서 모르는 이름의 풀이는
    시간 초과까지 10초 넘게 걸린다. 대신 Redis가 듣지 않는 client 컨테이너의 주소를 준다 (연결 거절).
    """
    lab = stack["lab"]
    nobody = lab.addr(SUBNET_INDEX, 30)
    lost = lab.container("t-lost", network=stack["net"], ip=lab.addr(SUBNET_INDEX, 23))
    try:
        pets.run_app(lab, lost, echo=False, db_host=nobody, day=DAY)
        status, body = _get(lab, stack["client"], f"http://{lab.addr(SUBNET_INDEX, 23)}:5000/health")
        payload = json.loads(body)
        assert status == 503 and payload["redis"] is False and payload["status"] == "degraded"
        assert payload["error"] == f"{nobody}:6379이(가) 연결을 거절했다 (그 주소에 Redis가 듣고 있지 않다)"
        status, body = _get(lab, stack["client"], f"http://{lab.addr(SUBNET_INDEX, 23)}:5000/")
        assert status == 503 and pets.parse_page(body)["visits"] is None
    finally:
        lost.remove(force=True)
