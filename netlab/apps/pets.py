"""pets: 배포 모델 실습에 쓰는 작은 두 계층 애플리케이션 (웹 프런트엔드 + Redis).

원문의 배포 모델 절은 같은 앱을 여러 네트워크 드라이버로 배포하며 드라이버마다 무엇이 달라지는지
보여 준다. 이 모듈이 그 앱이다. 이 책을 위해 새로 썼고, 이미지에 이미 있는 것(파이썬 3, Flask,
redis-server)만 쓴다.

무엇을 보여 주는가
    ``/``는 "오늘의 반려동물"과 그 ASCII 그림, **응답한 컨테이너의 호스트 이름**, **Redis에 저장한
    방문 횟수**, 그리고 **서버가 본 클라이언트 주소**를 한국어 텍스트로 돌려준다. 웹 컨테이너를 여러 개
    띄우면 어느 컨테이너가 답했는지 보이고, 방문 횟수가 모든 웹 컨테이너에서 이어지므로 데이터베이스를
    함께 쓴다는 것이 보인다. 클라이언트 주소는 중간에 NAT나 프록시가 있었는지 알려 준다.
    ``/health``는 Redis가 답하는지를 JSON으로 알려 준다 (답하면 200, 아니면 503).

설정 (환경 변수)
    ``DB_HOST`` (기본 ``db``), ``DB_PORT`` (기본 6379), ``ROLE`` (기본 ``web``, 페이지에 그대로 보인다),
    ``PORT`` (기본 5000, 원문의 pets 앱과 같다), ``PET_DAY`` (``YYYY-MM-DD``, 오늘의 반려동물을 고르는
    날짜를 고정한다. 저장된 노트북 출력이 날마다 바뀌지 않게 할 때 쓴다).

두 가지 쓰임
    컨테이너 안에서는 이 파일이 그대로 프로그램이다: ``python3 /opt/pets/pets.py``. 실습 이미지에 이 파일이
    들어 있다: ``make images``가 이미지를 만들 때 이 파일을 :data:`APP_PATH`에 넣는다
    (``netlab.hosts.images.PACKAGE_FILES``). 그래서 이 파일을 고쳤으면 ``make images``를 다시 한다.
    노트북 커널에서는 실행 도우미(:func:`run_app`)와 출력 해석(:func:`parse_page`)을 불러 쓴다.
    호스트의 가상 환경에는 Flask가 없으므로 Flask는 :func:`create_app` 안에서만 불러온다.

Redis와는 작은 RESP 클라이언트(:class:`Redis`)로 이야기한다. 라이브러리를 쓰지 않은 까닭은 둘이다.
이 파일 하나만 복사하면 어디서든 돌아야 하고, 네트워크 책인 만큼 선 위에 무엇이 오가는지
(``*2\\r\\n$4\\r\\nINCR\\r\\n...``) 코드에서 그대로 보이는 편이 낫다.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import random
import re
import shlex
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

if TYPE_CHECKING:  # 노트북 커널에서만 쓰는 타입. 컨테이너 안에서는 불러오지 않는다.
    from docker.models.containers import Container

    from netlab.lab import Lab

#: 컨테이너 안에서 앱이 놓이는 곳.
APP_DIR = "/opt/pets"
APP_PATH = f"{APP_DIR}/pets.py"
#: 앱의 로그 (Flask 개발 서버의 요청 기록). ``docker exec <이름> cat /var/log/pets.log``로 본다.
LOG_PATH = "/var/log/pets.log"
#: 웹 프런트엔드가 듣는 포트. 원문의 pets 앱도 5000번을 썼다.
DEFAULT_PORT = 5000
REDIS_PORT = 6379
#: 방문 횟수를 담는 Redis 키.
COUNTER_KEY = "pets:visits"

#: 데이터베이스 컨테이너의 명령. 실습용이므로 모든 주소에서 받고(--bind 0.0.0.0), 보호 모드를 끄고,
#: 디스크에 아무것도 남기지 않는다 (--save '' --appendonly no). 운영에서는 이렇게 두지 않는다.
REDIS_COMMAND = ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--save", "", "--appendonly", "no"]


# ---------------------------------------------------------------------------
# 오늘의 반려동물
# ---------------------------------------------------------------------------
class Pet(NamedTuple):
    """반려동물 한 마리: 한국어 이름, 영어 이름, ASCII 그림."""

    name_ko: str
    name_en: str
    art: str


# fmt: off  (그림 문자열은 왼쪽 끝에서 시작해야 모양이 산다)
PETS: tuple[Pet, ...] = (
    Pet(
        "고양이",
        "cat",
        r"""
 /\_/\
( o.o )
 > ^ <
""",
    ),
    Pet(
        "강아지",
        "dog",
        r"""
  / \__
 (    @\___
 /         O
/   (_____/
/_____/   U
""",
    ),
    Pet(
        "토끼",
        "rabbit",
        r"""
 (\_/)
 (o.o)
 (")(")
""",
    ),
    Pet(
        "부엉이",
        "owl",
        r"""
  ,_,
 (O,O)
 (   )
 -"-"-
""",
    ),
    Pet(
        "물고기",
        "fish",
        r"""
   ><((((`>
""",
    ),
    Pet(
        "거북이",
        "turtle",
        r"""
     ____
   /  __  \___
  |  (__)  |__o
   \______/
    U    U
""",
    ),
)
# fmt: on


def pet_of_the_day(day: _dt.date) -> Pet:
    """그날의 반려동물. 날짜를 씨앗으로 쓰는 난수로 고르므로 같은 날에는 모든 컨테이너가 같은 것을 고른다.

    요청마다 무작위로 고르면 웹 컨테이너 두 개의 응답이 달라 보이는 이유가 "다른 컨테이너라서"인지
    "난수라서"인지 헷갈린다. 하루 동안 고정하면 응답의 차이는 호스트 이름과 방문 횟수뿐이다.
    """
    return random.Random(day.isoformat()).choice(PETS)


# ---------------------------------------------------------------------------
# 설정
# ---------------------------------------------------------------------------
class ConfigError(ValueError):
    """환경 변수 값이 잘못되었다."""


def _port(value: str, name: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise ConfigError(f"{name}은(는) 포트 번호여야 한다: {value!r}") from None
    if not 0 < port < 65536:
        raise ConfigError(f"{name}은(는) 1~65535 사이여야 한다: {port}")
    return port


@dataclass(frozen=True)
class Config:
    """앱 설정. :meth:`from_env`로 환경 변수에서 읽는다."""

    db_host: str = "db"
    db_port: int = REDIS_PORT
    role: str = "web"
    port: int = DEFAULT_PORT
    day: _dt.date | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Config:
        day = None
        if env.get("PET_DAY"):
            try:
                day = _dt.date.fromisoformat(env["PET_DAY"])
            except ValueError:
                raise ConfigError(f"PET_DAY는 YYYY-MM-DD 형식이어야 한다: {env['PET_DAY']!r}") from None
        return cls(
            db_host=env.get("DB_HOST") or "db",
            db_port=_port(env.get("DB_PORT") or str(REDIS_PORT), "DB_PORT"),
            role=env.get("ROLE") or "web",
            port=_port(env.get("PORT") or str(DEFAULT_PORT), "PORT"),
            day=day,
        )

    @property
    def db(self) -> str:
        return f"{self.db_host}:{self.db_port}"

    def today(self) -> _dt.date:
        return self.day or _dt.date.today()


# ---------------------------------------------------------------------------
# 아주 작은 Redis 클라이언트 (RESP2)
# ---------------------------------------------------------------------------
class RedisError(RuntimeError):
    """Redis가 오류 응답(``-ERR ...``)을 보냈거나 응답 형식이 틀렸다."""


def encode_command(*args: str | int | bytes) -> bytes:
    """명령을 RESP 배열로 만든다: ``INCR k`` → ``*2\\r\\n$4\\r\\nINCR\\r\\n$1\\r\\nk\\r\\n``."""
    if not args:
        raise ValueError("빈 명령은 보낼 수 없다")
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode("utf-8")
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def read_reply(stream: BinaryIO) -> Any:
    """RESP 응답 하나를 읽는다. 단순 문자열·정수·벌크 문자열·배열을 파이썬 값으로 바꾼다."""
    line = stream.readline()
    if not line.endswith(b"\r\n"):
        raise ConnectionError("Redis가 응답을 끝맺기 전에 연결이 끊겼다")
    kind, body = line[:1], line[1:-2]
    if kind == b"+":
        return body.decode("utf-8")
    if kind == b"-":
        raise RedisError(body.decode("utf-8", errors="replace"))
    if kind == b":":
        return int(body)
    if kind == b"$":
        size = int(body)
        if size < 0:
            return None
        data = stream.read(size + 2)
        if len(data) != size + 2:
            raise ConnectionError("Redis가 벌크 문자열을 다 보내기 전에 연결이 끊겼다")
        return data[:-2].decode("utf-8", errors="replace")
    if kind == b"*":
        count = int(body)
        if count < 0:
            return None
        return [read_reply(stream) for _ in range(count)]
    raise RedisError(f"알 수 없는 RESP 응답: {line!r}")


class Redis:
    """명령마다 TCP 연결을 새로 맺는 Redis 클라이언트.

    연결을 재사용하지 않으므로 느리지만, 요청마다 이름 풀이(``DB_HOST``)부터 다시 한다. 실습에서 DB 컨테이너를
    바꾸거나 네트워크를 떼어 내면 다음 요청이 곧바로 그 변화를 보여 준다.
    """

    def __init__(self, host: str, port: int = REDIS_PORT, *, timeout: float = 2.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout

    def command(self, *args: str | int | bytes) -> Any:
        with socket.create_connection((self.host, self.port), timeout=self.timeout) as sock:
            sock.sendall(encode_command(*args))
            with sock.makefile("rb") as stream:
                return read_reply(stream)

    def ping(self) -> bool:
        return self.command("PING") == "PONG"


def describe_error(exc: BaseException, db: str) -> str:
    """DB에 닿지 못한 까닭을 한국어 한 줄로. 네트워크 실습에서 어느 단계가 막혔는지 알려 준다."""
    host = db.rsplit(":", 1)[0]
    if isinstance(exc, socket.gaierror):
        return f"이름 {host}을(를) 풀 수 없다 (DNS: {exc.strerror})"
    if isinstance(exc, ConnectionRefusedError):
        return f"{db}이(가) 연결을 거절했다 (그 주소에 Redis가 듣고 있지 않다)"
    if isinstance(exc, TimeoutError):
        return f"{db}이(가) 시간 안에 답하지 않았다 (패킷이 버려지거나 경로가 없다)"
    if isinstance(exc, RedisError):
        return f"Redis가 오류로 답했다: {exc}"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{db}에 닿지 못했다: {exc.strerror}"
    return f"{db}에 닿지 못했다: {type(exc).__name__}: {exc}"


# ---------------------------------------------------------------------------
# 페이지와 상태 검사
# ---------------------------------------------------------------------------
_LABELS = {
    "pet": "오늘의 반려동물",
    "hostname": "응답한 컨테이너",
    "role": "역할",
    "visits": "방문 횟수",
    "client": "접속한 클라이언트",
    "db": "데이터베이스",
}


def render_page(
    *, pet: Pet, hostname: str, role: str, client: str, db: str, visits: int | None, error: str | None = None
) -> str:
    """``/``의 본문 (text/plain). 줄마다 "이름: 값"이라 사람도 읽고 :func:`parse_page`도 읽는다."""
    lines = [
        "== pets: 도커 네트워크 실습 앱 ==",
        f"{_LABELS['pet']}: {pet.name_ko} ({pet.name_en})",
        *pet.art.strip("\n").splitlines(),
        "",
        f"{_LABELS['hostname']}: {hostname}",
        f"{_LABELS['role']}: {role}",
        f"{_LABELS['client']}: {client}",
        f"{_LABELS['db']}: {db}",
    ]
    if visits is not None:
        lines.append(f"{_LABELS['visits']}: {visits}")
    else:
        lines.append(f"{_LABELS['visits']}: 알 수 없음 ({error or 'DB에 닿지 못했다'})")
    return "\n".join(lines) + "\n"


def parse_page(text: str) -> dict[str, Any]:
    """:func:`render_page`의 출력을 사전으로 되돌린다. 방문 횟수는 정수 (DB에 닿지 못했으면 None)."""
    found: dict[str, Any] = {}
    for key, label in _LABELS.items():
        match = re.search(rf"^{re.escape(label)}: (.*)$", text, re.MULTILINE)
        if match:
            found[key] = match.group(1).strip()
    if "visits" in found:
        found["visits"] = int(found["visits"]) if found["visits"].isdigit() else None
    return found


def health_payload(config: Config, hostname: str, redis: Redis) -> tuple[dict[str, Any], int]:
    """``/health``의 JSON과 HTTP 상태 코드. Redis가 PING에 PONG으로 답하면 200."""
    try:
        ok, error = redis.ping(), None
    except (OSError, RedisError) as exc:
        ok, error = False, describe_error(exc, config.db)
    payload = {
        "service": "pets",
        "hostname": hostname,
        "role": config.role,
        "db": config.db,
        "redis": ok,
        "status": "ok" if ok else "degraded",
        "error": error,
    }
    return payload, 200 if ok else 503


def create_app(config: Config | None = None) -> Any:
    """Flask 앱을 만든다. Flask는 여기서만 불러오므로 호스트의 가상 환경에서도 이 모듈을 불러올 수 있다."""
    from flask import Flask, Response, request

    cfg = config or Config.from_env(os.environ)
    hostname = socket.gethostname()
    redis = Redis(cfg.db_host, cfg.db_port)
    app = Flask("pets")

    @app.get("/")
    def index() -> Any:
        try:
            visits, error = int(redis.command("INCR", COUNTER_KEY)), None
        except (OSError, RedisError) as exc:
            visits, error = None, describe_error(exc, cfg.db)
        body = render_page(
            pet=pet_of_the_day(cfg.today()),
            hostname=hostname,
            role=cfg.role,
            client=request.remote_addr or "-",
            db=cfg.db,
            visits=visits,
            error=error,
        )
        return Response(body, status=200 if visits is not None else 503, mimetype="text/plain")

    @app.get("/health")
    def health() -> Any:
        payload, status = health_payload(cfg, hostname, redis)
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True) + "\n"
        return Response(text, status=status, mimetype="application/json")

    return app


def main(argv: list[str] | None = None) -> int:
    """컨테이너 안의 진입점: ``python3 /opt/pets/pets.py``."""
    try:
        cfg = Config.from_env(os.environ)
    except ConfigError as exc:
        print(f"pets: 설정 오류: {exc}", file=sys.stderr)
        return 2
    print(f"pets: 역할 {cfg.role}, 0.0.0.0:{cfg.port}에서 듣는다 (DB {cfg.db})", file=sys.stderr, flush=True)
    create_app(cfg).run(host="0.0.0.0", port=cfg.port, threaded=True)
    return 0


# ---------------------------------------------------------------------------
# 노트북 커널(호스트 쪽)에서 쓰는 도우미
# ---------------------------------------------------------------------------
def source_bytes() -> bytes:
    """이 파일의 내용. 실습 4는 이것을 스웜 설정으로 만들어 태스크 컨테이너에 보낸다."""
    return Path(__file__).read_bytes()


def app_environment(
    *,
    db_host: str = "db",
    db_port: int = REDIS_PORT,
    role: str = "web",
    port: int = DEFAULT_PORT,
    day: str | None = None,
) -> dict[str, str]:
    """:func:`run_app`이 앱에 주는 환경 변수 (기본값과 같은 것은 빼지 않고 모두 적는다)."""
    env = {"DB_HOST": db_host, "DB_PORT": str(db_port), "ROLE": role, "PORT": str(port)}
    if day:
        env["PET_DAY"] = day
    return env


def run_app(lab: Lab, container: Container, *, echo: bool = True, **settings: Any) -> None:
    """실행 중인 컨테이너 안에서 앱(실습 이미지의 :data:`APP_PATH`)을 백그라운드로 시작하고,
    포트를 듣기 시작할 때까지 기다린다.

    ``settings``는 :func:`app_environment`의 인자 (``db_host``, ``db_port``, ``role``, ``port``, ``day``).
    같은 일을 하는 명령줄은 ``docker exec -d -e DB_HOST=db ... <이름> python3 /opt/pets/pets.py`` 다.
    """
    env = app_environment(**settings)
    if echo:
        flags = " ".join(f"-e {shlex.quote(f'{k}={v}')}" for k, v in env.items())
        print(f"$ docker exec -d {flags} {container.name} python3 {APP_PATH}")
    command = f"exec python3 {APP_PATH} >>{LOG_PATH} 2>&1"
    container.exec_run(["sh", "-c", command], environment=env, detach=True)
    try:
        lab.wait_listening(container, int(env["PORT"]))
    except TimeoutError as exc:
        from netlab.base.resources import stale_image_hint  # 호스트 쪽에서만 부른다

        log = lab.sh(container, f"tail -n 20 {LOG_PATH}").output
        raise RuntimeError(f"{container.name} 안의 pets 앱이 시작하지 않았다.\n{log}{stale_image_hint(log)}") from exc


if __name__ == "__main__":
    sys.exit(main())
