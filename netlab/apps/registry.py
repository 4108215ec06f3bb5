"""registry: 실습 5에서 쓰는 아주 작은 서비스 레지스트리 (이름 → ``IP:포트``, 표준 라이브러리만).

원문의 "외부 서비스 검색을 쓰는 다중 호스트 브리지" 배포 모델은 Consul 같은 키-값 저장소에
"db는 지금 어느 호스트의 몇 번 포트에 있다"를 적어 두고, 웹 컨테이너가 그것을 읽어 연결한다.
이 기계는 레지스트리에서 이미지를 받을 수 없으므로 같은 생각을 파이썬 파일 하나로 다시 만들었다.
Consul의 기능(합의, 상태 검사, DNS 인터페이스)은 없고, 배포 모델을 설명하는 데 꼭 필요한 것만 있다.

HTTP API (본문은 모두 JSON)
    ``PUT /v1/services/<이름>``     ``{"addr": "172.16.249.12:16379", "ttl": 10}``을 등록하거나 갱신한다.
                                   ``ttl`` (초)을 주면 그 시간 안에 다시 PUT 하지 않은 항목은 사라진다.
    ``GET /v1/services/<이름>``     살아 있는 항목 ``{"name", "addr", "ttl", "age"}``. 없으면 404.
    ``GET /v1/services``           살아 있는 항목 모두 (이름순).
    ``DELETE /v1/services/<이름>``  지운다. 없으면 404.
    ``GET /health``                ``{"status": "ok", "services": <개수>}``.

명령줄 (컨테이너 안에서 ``python3 /opt/registry/registry.py ...``)
    ``serve [--host 0.0.0.0] [--port 8500]``                 레지스트리 서버.
    ``register NAME ADDR [--ttl S]``, ``lookup NAME``, ``deregister NAME``, ``list``
                                                              서버에 한 번 묻는다. ``--registry URL``이나
                                                              환경 변수 ``REGISTRY``로 서버를 정한다.
    ``announce NAME ADDR --ttl S --interval S``              등록하고 ``interval`` 초마다 갱신한다(하트비트).
                                                              SIGTERM/SIGINT를 받으면 지우고 끝난다.
    ``lookup``은 찾으면 ``IP:포트`` 한 줄을 출력하고 0으로, 없으면 2로 끝난다. 셸에서
    ``DB=$(python3 registry.py lookup db)``처럼 쓴다. ``--wait S``를 주면 그동안 다시 묻는다.

이 파일은 실습 이미지의 :data:`APP_PATH`에 들어 있다: ``make images``가 이미지를 만들 때 넣는다
(``netlab.hosts.images.PACKAGE_FILES``). 그래서 이 파일을 고쳤으면 ``make images``를 다시 한다.
pets 앱(:mod:`netlab.apps.pets`)처럼 이 파일 하나가 서버와 클라이언트를 모두 담는다.

원문의 Consul처럼 이 레지스트리도 인증이 없다. 실습의 언더레이 안에서만 쓴다.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: 컨테이너 안에서 이 파일이 놓이는 곳.
APP_DIR = "/opt/registry"
APP_PATH = f"{APP_DIR}/registry.py"
#: 레지스트리가 듣는 포트. 원문이 쓴 Consul의 HTTP 포트와 같다.
DEFAULT_PORT = 8500
#: 서비스 이름: 영문 소문자, 숫자, ``-``, ``_``, ``.`` (URL 경로에 그대로 넣을 수 있는 것만).
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
#: 주소: ``IPv4:포트`` 또는 ``이름:포트``.
ADDR_RE = re.compile(r"^[A-Za-z0-9_.-]+:(\d{1,5})$")


class RegistryError(ValueError):
    """잘못된 이름, 주소, TTL."""


def validate_name(name: str) -> str:
    if not NAME_RE.match(name or ""):
        raise RegistryError(f"서비스 이름이 올바르지 않다: {name!r} (영문 소문자, 숫자, - _ . 만)")
    return name


def validate_addr(addr: str) -> str:
    match = ADDR_RE.match(addr or "")
    if not match or not 0 < int(match.group(1)) < 65536:
        raise RegistryError(f"주소는 호스트:포트 꼴이어야 한다: {addr!r}")
    return addr


def split_addr(addr: str) -> tuple[str, int]:
    """``"172.16.249.12:16379"`` → ``("172.16.249.12", 16379)``."""
    host, port = validate_addr(addr).rsplit(":", 1)
    return host, int(port)


# ---------------------------------------------------------------------------
# 저장소
# ---------------------------------------------------------------------------
@dataclass
class Entry:
    name: str
    addr: str
    ttl: float | None
    updated: float

    def alive(self, now: float) -> bool:
        return self.ttl is None or now - self.updated <= self.ttl

    def as_dict(self, now: float) -> dict[str, Any]:
        return {"name": self.name, "addr": self.addr, "ttl": self.ttl, "age": round(now - self.updated, 1)}


class Store:
    """이름 → 항목. TTL이 지난 항목은 읽을 때 사라진다. ``clock``은 테스트에서 바꿔 끼운다."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._entries: dict[str, Entry] = {}
        self._lock = threading.Lock()

    def put(self, name: str, addr: str, ttl: float | None = None) -> Entry:
        validate_name(name)
        validate_addr(addr)
        if ttl is not None and not ttl > 0:
            raise RegistryError(f"ttl은 0보다 커야 한다: {ttl!r}")
        with self._lock:
            entry = Entry(name, addr, ttl, self.clock())
            self._entries[name] = entry
            return entry

    def _expire(self) -> None:
        now = self.clock()
        for name in [n for n, e in self._entries.items() if not e.alive(now)]:
            del self._entries[name]

    def get(self, name: str) -> Entry | None:
        with self._lock:
            self._expire()
            return self._entries.get(name)

    def delete(self, name: str) -> bool:
        with self._lock:
            self._expire()
            return self._entries.pop(name, None) is not None

    def items(self) -> list[Entry]:
        with self._lock:
            self._expire()
            return sorted(self._entries.values(), key=lambda e: e.name)


# ---------------------------------------------------------------------------
# HTTP 서버
# ---------------------------------------------------------------------------
PREFIX = "/v1/services"


class Handler(BaseHTTPRequestHandler):
    """레지스트리의 HTTP 요청 처리. ``server.store``를 쓴다."""

    server_version = "netlab-registry/1"
    protocol_version = "HTTP/1.1"

    @property
    def store(self) -> Store:
        return self.server.store  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # 부모(BaseHTTPRequestHandler)의 인자 이름을 따른다
        if getattr(self.server, "verbose", True):
            sys.stderr.write(f"registry: {self.client_address[0]} {format % args}\n")

    def _send(self, status: int, payload: Any) -> None:
        body = (json.dumps(payload, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _name(self) -> str | None:
        path = self.path.split("?", 1)[0].rstrip("/")
        if path.startswith(PREFIX + "/"):
            return path[len(PREFIX) + 1 :]
        return None

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        now = self.store.clock()
        if path == "/health":
            self._send(200, {"status": "ok", "services": len(self.store.items())})
        elif path == PREFIX:
            self._send(200, [e.as_dict(now) for e in self.store.items()])
        elif (name := self._name()) is not None:
            entry = self.store.get(name)
            if entry is None:
                self._send(404, {"error": f"{name}이(가) 등록되어 있지 않다"})
            else:
                self._send(200, entry.as_dict(now))
        else:
            self._send(404, {"error": f"없는 경로: {path}"})

    def do_PUT(self) -> None:
        name = self._name()
        if name is None:
            self._send(404, {"error": f"없는 경로: {self.path}"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", errors="replace") if length else ""
        try:
            data = json.loads(raw) if raw.strip().startswith("{") else {"addr": raw.strip()}
            ttl = data.get("ttl")
            entry = self.store.put(name, str(data.get("addr", "")), float(ttl) if ttl is not None else None)
        except (RegistryError, ValueError, TypeError) as exc:
            self._send(400, {"error": str(exc)})
            return
        self._send(200, entry.as_dict(self.store.clock()))

    def do_DELETE(self) -> None:
        name = self._name()
        if name is None or not self.store.delete(name):
            self._send(404, {"error": f"{name}이(가) 등록되어 있지 않다"})
        else:
            self._send(200, {"deleted": name})


def make_server(
    host: str = "0.0.0.0", port: int = DEFAULT_PORT, *, store: Store | None = None, verbose: bool = True
) -> ThreadingHTTPServer:
    """서버 객체를 만든다 (아직 돌리지 않는다). ``port=0``이면 커널이 빈 포트를 고른다."""
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    server.store = store or Store()  # type: ignore[attr-defined]
    server.verbose = verbose  # type: ignore[attr-defined]
    return server


# ---------------------------------------------------------------------------
# 클라이언트
# ---------------------------------------------------------------------------
class NotRegistered(LookupError):
    """레지스트리에 그 이름이 없다 (등록된 적이 없거나, 지워졌거나, TTL이 지났다)."""


def _request(url: str, method: str = "GET", payload: Any = None, timeout: float = 3.0) -> tuple[int, Any]:
    data = json.dumps(payload).encode("utf-8") if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    # 프록시 환경 변수가 있어도 레지스트리에는 곧바로 간다 (실습 주소는 이 기계 안에 있다).
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            return exc.code, json.loads(body or b"null")
        except ValueError:
            return exc.code, {"error": body.decode("utf-8", errors="replace")}


def register(registry: str, name: str, addr: str, ttl: float | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"addr": validate_addr(addr)}
    if ttl is not None:
        payload["ttl"] = ttl
    status, body = _request(f"{registry.rstrip('/')}{PREFIX}/{validate_name(name)}", "PUT", payload)
    if status != 200:
        raise RegistryError(f"등록 실패 ({status}): {body}")
    return body


def lookup(registry: str, name: str) -> str:
    """이름의 ``IP:포트``. 없으면 :class:`NotRegistered`."""
    status, body = _request(f"{registry.rstrip('/')}{PREFIX}/{validate_name(name)}")
    if status == 404:
        raise NotRegistered(name)
    if status != 200:
        raise RegistryError(f"조회 실패 ({status}): {body}")
    return body["addr"]


def deregister(registry: str, name: str) -> bool:
    status, _ = _request(f"{registry.rstrip('/')}{PREFIX}/{validate_name(name)}", "DELETE")
    return status == 200


def services(registry: str) -> list[dict[str, Any]]:
    _, body = _request(f"{registry.rstrip('/')}{PREFIX}")
    return body


# ---------------------------------------------------------------------------
# 명령줄 (컨테이너 안)
# ---------------------------------------------------------------------------
def _announce(args: argparse.Namespace) -> int:
    """등록하고 주기적으로 갱신한다. 종료 신호를 받으면 등록을 지우고 끝난다."""
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    print(
        f"registry: {args.name} → {args.addr}을(를) {args.registry}에 알린다 (ttl {args.ttl}초)",
        file=sys.stderr,
        flush=True,
    )
    while not stop.is_set():
        try:
            register(args.registry, args.name, args.addr, args.ttl)
        except (OSError, RegistryError) as exc:  # 레지스트리가 잠시 없어도 계속 시도한다
            print(f"registry: 등록 실패: {exc}", file=sys.stderr, flush=True)
        stop.wait(args.interval)
    try:
        deregister(args.registry, args.name)
        print(f"registry: {args.name} 등록을 지웠다", file=sys.stderr, flush=True)
    except OSError as exc:
        print(f"registry: 등록을 지우지 못했다: {exc}", file=sys.stderr, flush=True)
    return 0


def _lookup(args: argparse.Namespace) -> int:
    deadline = time.monotonic() + args.wait
    while True:
        try:
            print(lookup(args.registry, args.name))
            return 0
        except (NotRegistered, OSError) as exc:
            if time.monotonic() >= deadline:
                reason = "등록되어 있지 않다" if isinstance(exc, NotRegistered) else f"레지스트리에 닿지 못했다: {exc}"
                print(f"registry: {args.name}: {reason}", file=sys.stderr)
                return 2
            time.sleep(0.2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="registry.py", description="아주 작은 서비스 레지스트리")
    parser.add_argument(
        "--registry",
        default=os.environ.get("REGISTRY", f"http://127.0.0.1:{DEFAULT_PORT}"),
        help="레지스트리 주소 (기본: 환경 변수 REGISTRY)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="서버를 돌린다")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    reg = sub.add_parser("register", help="한 번 등록한다")
    reg.add_argument("name")
    reg.add_argument("addr")
    reg.add_argument("--ttl", type=float, default=None)
    ann = sub.add_parser("announce", help="등록하고 주기적으로 갱신한다")
    ann.add_argument("name")
    ann.add_argument("addr")
    ann.add_argument("--ttl", type=float, default=10.0)
    ann.add_argument("--interval", type=float, default=3.0)
    look = sub.add_parser("lookup", help="이름의 주소를 묻는다")
    look.add_argument("name")
    look.add_argument("--wait", type=float, default=0.0, help="없으면 이 시간(초) 동안 다시 묻는다")
    dereg = sub.add_parser("deregister", help="등록을 지운다")
    dereg.add_argument("name")
    sub.add_parser("list", help="등록된 것을 모두 보인다")
    args = parser.parse_args(argv)

    try:
        if args.command == "serve":
            server = make_server(args.host, args.port)
            print(f"registry: {args.host}:{args.port}에서 듣는다", file=sys.stderr, flush=True)
            signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
            server.serve_forever()
            return 0
        if args.command == "register":
            print(json.dumps(register(args.registry, args.name, args.addr, args.ttl), ensure_ascii=False))
            return 0
        if args.command == "announce":
            return _announce(args)
        if args.command == "lookup":
            return _lookup(args)
        if args.command == "deregister":
            if deregister(args.registry, args.name):
                return 0
            print(f"registry: {args.name}: 등록되어 있지 않다", file=sys.stderr)
            return 2
        for entry in services(args.registry):
            ttl = "-" if entry["ttl"] is None else f"{entry['ttl']:g}초"
            print(f"{entry['name']}\t{entry['addr']}\tttl={ttl}")
        return 0
    except RegistryError as exc:
        print(f"registry: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"registry: 레지스트리 {args.registry}에 닿지 못했다: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
