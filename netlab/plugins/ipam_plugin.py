"""표준 라이브러리만으로 만든 도커 원격 IPAM 드라이버(레거시 플러그인 프로토콜).

도커 엔진은 IPAM 드라이버 이름이 내장 드라이버가 아니면 ``/run/docker/plugins/<이름>.sock``
유닉스 소켓을 찾아, 그 위로 JSON 본문을 담은 HTTP POST를 보낸다. 이 모듈은 그 대화를
책에서 눈으로 볼 수 있게 하려고 만든 작은 드라이버다.

* 주소 배정 정책은 일부러 눈에 띄게 했다: 범위의 **맨 위에서 아래로** 나눠 준다.
  도커 내장 IPAM은 언제나 아래(첫 주소)부터 채우므로, 게이트웨이가 ``.254``이고 첫
  컨테이너가 ``.253``이면 "이 주소는 플러그인이 골랐다"는 것이 한눈에 보인다.
* 엔진이 보낸 요청과 플러그인의 응답을 JSONL 파일에 한 줄씩 남긴다. 장(chapter)은 이 파일을
  읽어 "엔진이 무엇을 물었는가"를 보여 준다.
* 상태는 메모리에만 있다. 엔진이 요청을 여러 스레드에서 동시에 보낼 수 있으므로 모든 상태
  변경은 잠금 하나로 보호한다.

이 파일은 데비안 컨테이너 안의 ``python3``으로 그대로 복사해 실행하므로 표준 라이브러리 밖의
것은 가져오지 않는다. 실행 예::

    python3 ipam_plugin.py --socket /run/docker/plugins/netlab-ipam.sock \\
        --pool 172.16.30.0/24 --log /run/docker/plugins/netlab-ipam.log
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import json
import os
import signal
import socket
import socketserver
import stat
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

#: 레거시 플러그인 프로토콜의 콘텐츠 타입. 엔진은 이 타입으로 요청하고 응답도 이 타입을 기대한다.
CONTENT_TYPE = "application/vnd.docker.plugins.v1.2+json"
#: 엔진이 게이트웨이 주소를 요청할 때 ``Options``에 넣는 키와 값.
REQUEST_ADDRESS_TYPE = "RequestAddressType"
GATEWAY_ADDRESS_TYPE = "com.docker.network.gateway"
#: ``RequiresMACAddress``를 켰을 때 엔진이 ``RequestAddress``의 ``Options``에 넣는 MAC 키.
MAC_ADDRESS_OPTION = "com.docker.network.endpoint.macaddress"
#: 기본 주소 공간 이름. 내장 IPAM의 ``LocalDefault``와 구별되게 이름을 붙였다.
LOCAL_SPACE = "netlab-local"
GLOBAL_SPACE = "netlab-global"
#: 응답 ``Data``에 넣는 표식. 엔진은 모르는 키를 그냥 보관만 한다.
POLICY_KEY = "netlab.ipam.policy"
POLICY = "top-down"

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class IpamError(Exception):
    """엔진에 ``{"Err": ...}``로 돌려줄 오류. ``status``는 HTTP 상태 코드다."""

    def __init__(self, message: str, status: int = 500) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Pool:
    """엔진에 내준 풀 하나와 그 안에서 배정한 주소들."""

    pool_id: str
    space: str
    network: IPNetwork
    #: 자동 배정 범위(``--ip-range``). 없으면 풀 전체.
    subpool: IPNetwork | None = None
    #: 같은 풀을 여러 번 요청하면 같은 ID를 돌려주고 참조 횟수만 올린다(프로토콜의 요구).
    refcount: int = 1
    #: 배정된 주소 → 배정 종류("gateway", "static", "dynamic").
    allocated: dict[IPAddress, str] = field(default_factory=dict)

    @property
    def alloc_range(self) -> IPNetwork:
        """자동 배정이 고를 수 있는 범위."""
        return self.subpool if self.subpool is not None else self.network

    def reserved(self, addr: IPAddress) -> bool:
        """네트워크 주소와 (IPv4) 브로드캐스트 주소는 누구에게도 주지 않는다."""
        net = self.network
        if net.num_addresses <= 2:  # /31, /32, /127, /128은 모든 주소를 쓴다
            return False
        if addr == net.network_address:
            return True
        return net.version == 4 and addr == net.broadcast_address

    def pick_from_top(self) -> IPAddress | None:
        """범위의 맨 위부터 내려오며 처음 만나는 빈 주소. 없으면 ``None``.

        건너뛰는 주소는 모두 이미 배정된 것(또는 예약 주소)이므로 반복은 배정 수에 비례한다.
        그래서 IPv6의 거대한 범위에서도 빠르다.
        """
        rng = self.alloc_range
        low = int(rng.network_address)
        cur = int(rng.broadcast_address)
        while cur >= low:
            addr = ipaddress.ip_address(cur)
            if addr not in self.allocated and not self.reserved(addr):
                return addr
            cur -= 1
        return None


def _as_network(value: str | IPNetwork) -> IPNetwork:
    """``"172.16.30.0/24"`` 같은 CIDR을 엄격히 해석한다(호스트 비트가 켜져 있으면 거절)."""
    if isinstance(value, ipaddress.IPv4Network | ipaddress.IPv6Network):
        return value
    try:
        return ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise IpamError(f"invalid CIDR {value!r}: {exc}", 400) from exc


def _str_field(body: dict[str, Any], key: str) -> str:
    """본문의 문자열 필드. 없거나 ``null``이면 빈 문자열."""
    value = body.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise IpamError(f"field {key!r} must be a string, got {type(value).__name__}", 400)
    return value


def _options(body: dict[str, Any]) -> dict[str, str]:
    """본문의 ``Options`` 사전. 엔진은 옵션이 없으면 ``null``을 보낸다."""
    value = body.get("Options")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise IpamError("field 'Options' must be an object", 400)
    return {str(k): str(v) for k, v in value.items()}


class NetlabIpam:
    """IPAM 드라이버의 상태와 규칙. HTTP와 무관하므로 그대로 단위 시험할 수 있다.

    ``pools``는 이 드라이버가 나눠 줄 수 있는 풀들이다. 엔진이 특정 서브넷을 요청하면
    그 서브넷이 이 풀들 중 하나에 들어 있어야 하고, 서브넷 없이 요청하면 아직 쓰지 않은
    풀을 앞에서부터 하나 골라 준다.
    """

    def __init__(
        self,
        pools: Iterable[str | IPNetwork],
        *,
        requires_mac: bool = False,
        local_space: str = LOCAL_SPACE,
        global_space: str = GLOBAL_SPACE,
    ) -> None:
        self.configured: list[IPNetwork] = [_as_network(p) for p in pools]
        if not self.configured:
            raise ValueError("at least one pool is required")
        self.requires_mac = requires_mac
        self.local_space = local_space
        self.global_space = global_space
        self._pools: dict[str, Pool] = {}
        self._lock = threading.Lock()

    # -- 프로토콜의 각 메서드 ------------------------------------------------------------

    def activate(self, _body: dict[str, Any]) -> dict[str, Any]:
        """핸드셰이크: 이 플러그인이 구현하는 하위 시스템을 알린다."""
        return {"Implements": ["IpamDriver"]}

    def get_capabilities(self, _body: dict[str, Any]) -> dict[str, Any]:
        """엔진이 드라이버를 등록할 때 한 번 묻는다.

        ``RequiresMACAddress``를 켜면 엔진이 엔드포인트마다 MAC을 만들어 ``RequestAddress``
        에 실어 보낸다(장에서 보여 주고 싶을 때만 켠다). 상태가 메모리에만 있으므로
        ``RequiresRequestReplay``는 켠다: 엔진이 재시작하면 기존 네트워크의 풀과 주소 요청을
        다시 보내 상태를 되살려 준다.
        """
        return {"RequiresMACAddress": self.requires_mac, "RequiresRequestReplay": True}

    def get_default_address_spaces(self, _body: dict[str, Any]) -> dict[str, Any]:
        """주소 공간 이름. 엔진은 이후 ``RequestPool``의 ``AddressSpace``에 이 이름을 쓴다."""
        return {
            "LocalDefaultAddressSpace": self.local_space,
            "GlobalDefaultAddressSpace": self.global_space,
        }

    def request_pool(self, body: dict[str, Any]) -> dict[str, Any]:
        """풀을 등록한다. 같은 풀을 다시 요청하면 같은 ID를 돌려주고 참조 횟수를 올린다."""
        space = _str_field(body, "AddressSpace")
        pool_s = _str_field(body, "Pool")
        subpool_s = _str_field(body, "SubPool")
        v6 = bool(body.get("V6"))
        if space not in (self.local_space, self.global_space):
            raise IpamError(
                f"unknown address space {space!r} (this plugin serves {self.local_space!r} and {self.global_space!r})",
                400,
            )
        if not pool_s and subpool_s:
            raise IpamError("SubPool given without Pool", 400)
        with self._lock:
            if pool_s:
                network = _as_network(pool_s)
                if not any(network.version == c.version and network.subnet_of(c) for c in self.configured):
                    raise IpamError(
                        f"pool {network} is outside the pools this plugin manages "
                        f"({', '.join(map(str, self.configured))})",
                        400,
                    )
            else:
                network = self._free_configured_pool(space, 6 if v6 else 4)
            subpool = _as_network(subpool_s) if subpool_s else None
            if subpool is not None and (subpool.version != network.version or not subpool.subnet_of(network)):
                raise IpamError(f"sub-pool {subpool} is not inside pool {network}", 400)

            pool_id = f"{space}/{network}" + (f"/{subpool}" if subpool else "")
            existing = self._pools.get(pool_id)
            if existing is not None:
                existing.refcount += 1
                return self._pool_reply(existing)
            for other in self._pools.values():
                if other.space == space and other.network.overlaps(network):
                    raise IpamError(
                        f"pool {network} overlaps pool {other.network} already in use (pool ID {other.pool_id})",
                        403,
                    )
            pool = Pool(pool_id=pool_id, space=space, network=network, subpool=subpool)
            self._pools[pool_id] = pool
            return self._pool_reply(pool)

    def release_pool(self, body: dict[str, Any]) -> dict[str, Any]:
        """참조 횟수를 내리고, 0이 되면 풀과 그 안의 배정을 모두 잊는다."""
        pool_id = _str_field(body, "PoolID")
        with self._lock:
            pool = self._get_pool(pool_id)
            pool.refcount -= 1
            if pool.refcount <= 0:
                del self._pools[pool_id]
        return {}

    def request_address(self, body: dict[str, Any]) -> dict[str, Any]:
        """주소 하나를 배정한다.

        ``Address``가 있으면(게이트웨이를 지정했거나 ``--ip``로 고정했을 때) 그 주소만
        배정하고, 없으면 범위의 맨 위부터 아래로 빈 주소를 고른다.
        """
        pool_id = _str_field(body, "PoolID")
        wanted = _str_field(body, "Address")
        options = _options(body)
        is_gateway = options.get(REQUEST_ADDRESS_TYPE) == GATEWAY_ADDRESS_TYPE
        with self._lock:
            pool = self._get_pool(pool_id)
            if wanted:
                addr = self._parse_address(wanted)
                if addr.version != pool.network.version or addr not in pool.network:
                    raise IpamError(
                        f"address {addr} is outside pool {pool.network} (pool ID {pool_id})",
                        400,
                    )
                if pool.reserved(addr):
                    raise IpamError(
                        f"address {addr} is the network or broadcast address of {pool.network}",
                        400,
                    )
                if addr in pool.allocated:
                    raise IpamError(
                        f"address {addr} is already in use in pool {pool.network} "
                        f"(allocated as {pool.allocated[addr]})",
                        403,
                    )
                kind = "gateway" if is_gateway else "static"
            else:
                picked = pool.pick_from_top()
                if picked is None:
                    raise IpamError(
                        f"no free address left in {pool.alloc_range}: pool exhausted "
                        f"({len(pool.allocated)} addresses allocated, pool ID {pool_id})",
                        503,
                    )
                addr = picked
                kind = "gateway" if is_gateway else "dynamic"
            pool.allocated[addr] = kind
            return {
                "Address": f"{addr}/{pool.network.prefixlen}",
                "Data": {POLICY_KEY: POLICY, "netlab.ipam.kind": kind},
            }

    def release_address(self, body: dict[str, Any]) -> dict[str, Any]:
        """배정을 풀어 주소를 다시 쓸 수 있게 한다."""
        pool_id = _str_field(body, "PoolID")
        addr = self._parse_address(_str_field(body, "Address"))
        with self._lock:
            pool = self._get_pool(pool_id)
            if addr not in pool.allocated:
                raise IpamError(f"address {addr} is not allocated in pool {pool.network}", 400)
            del pool.allocated[addr]
        return {}

    # -- 상태 조회(시험과 장에서 쓴다) -------------------------------------------------------

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """현재 풀과 배정의 사본. ``{풀 ID: {"pool", "refcount", "allocated": {주소: 종류}}}``."""
        with self._lock:
            return {
                pid: {
                    "pool": str(p.network),
                    "subpool": str(p.subpool) if p.subpool else None,
                    "refcount": p.refcount,
                    "allocated": {str(a): k for a, k in sorted(p.allocated.items())},
                }
                for pid, p in self._pools.items()
            }

    # -- 내부 도우미 ----------------------------------------------------------------------

    def _pool_reply(self, pool: Pool) -> dict[str, Any]:
        # Data에 "com.docker.network.gateway"를 넣으면 엔진이 게이트웨이 요청을 건너뛴다.
        # 게이트웨이도 우리 정책으로 고르는 모습을 보여 주려고 그 키는 넣지 않는다.
        return {"PoolID": pool.pool_id, "Pool": str(pool.network), "Data": {POLICY_KEY: POLICY}}

    def _free_configured_pool(self, space: str, version: int) -> IPNetwork:
        for cand in self.configured:
            if cand.version != version:
                continue
            if not any(p.space == space and p.network.overlaps(cand) for p in self._pools.values()):
                return cand
        raise IpamError(
            f"no free IPv{version} pool left in address space {space!r} "
            f"(configured: {', '.join(map(str, self.configured))})",
            503,
        )

    def _get_pool(self, pool_id: str) -> Pool:
        pool = self._pools.get(pool_id)
        if pool is None:
            known = ", ".join(sorted(self._pools)) or "none"
            raise IpamError(f"unknown pool ID {pool_id!r} (known: {known})", 404)
        return pool

    @staticmethod
    def _parse_address(value: str) -> IPAddress:
        # 엔진은 보통 "A.B.C.D"를 보내지만, 혹시 CIDR로 오면 주소 부분만 쓴다.
        try:
            return ipaddress.ip_address(value.split("/", 1)[0])
        except ValueError as exc:
            raise IpamError(f"invalid IP address {value!r}", 400) from exc


class RequestLog:
    """요청 하나를 JSONL 한 줄로 남긴다. 여러 스레드가 써도 줄이 섞이지 않게 잠근다."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, method: str, request: Any, status: int, response: Any) -> None:
        """한 줄을 덧붙이고 곧바로 디스크로 내보낸다(장에서 바로 읽을 수 있게)."""
        if self.path is None:
            return
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "method": method,
            "request": request,
            "status": status,
            "response": response,
        }
        line = json.dumps(entry, ensure_ascii=False, sort_keys=False) + "\n"
        with self._lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()


#: URL 경로 → ``NetlabIpam`` 메서드 이름.
ROUTES: dict[str, str] = {
    "/Plugin.Activate": "activate",
    "/IpamDriver.GetCapabilities": "get_capabilities",
    "/IpamDriver.GetDefaultAddressSpaces": "get_default_address_spaces",
    "/IpamDriver.RequestPool": "request_pool",
    "/IpamDriver.ReleasePool": "release_pool",
    "/IpamDriver.RequestAddress": "request_address",
    "/IpamDriver.ReleaseAddress": "release_address",
}


def dispatch(ipam: NetlabIpam, path: str, raw: bytes) -> tuple[int, Any, dict[str, Any]]:
    """요청 하나를 처리해 ``(HTTP 상태, 기록할 요청 본문, 응답 본문)``을 돌려준다.

    어떤 입력에도 예외를 밖으로 던지지 않는다. 서버 스레드가 죽으면 엔진은 30초 동안
    재시도하다 멈추므로, 잘못된 요청에도 반드시 ``{"Err": ...}``로 답해야 한다.
    """
    text = raw.decode("utf-8", errors="replace")
    # 엔진은 인자가 없는 호출(Activate, GetCapabilities, GetDefaultAddressSpaces)에 빈 본문을
    # 보낸다. 기록에는 그 사실이 보이도록 ``null``로 남기고, 처리할 때는 빈 객체로 본다.
    request: Any = text if text.strip() else None
    try:
        parsed = json.loads(text) if text.strip() else None
        request = parsed
        if parsed is None:
            parsed = {}
        if not isinstance(parsed, dict):
            raise IpamError(f"request body must be a JSON object, got {type(parsed).__name__}", 400)
        name = ROUTES.get(path)
        if name is None:
            raise IpamError(f"unsupported method {path!r}", 404)
        return 200, request, getattr(ipam, name)(parsed)
    except json.JSONDecodeError as exc:
        return 400, request, {"Err": f"malformed JSON body: {exc}"}
    except IpamError as exc:
        return exc.status, request, {"Err": exc.message}
    except Exception as exc:  # 마지막 방어선: 버그도 엔진에는 오류 응답으로 보인다
        return 500, request, {"Err": f"internal error: {type(exc).__name__}: {exc}"}


class _Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive로 엔진의 POST를 받는다(엔진의 Go 클라이언트는 연결을 재사용한다)."""

    protocol_version = "HTTP/1.1"
    server: PluginServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        status, request, response = dispatch(self.server.ipam, self.path, raw)
        self.server.request_log.write(self.path.lstrip("/"), request, status, response)
        self._send(status, response)

    def do_GET(self) -> None:
        self._send(405, {"Err": "the plugin protocol uses POST only"})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def address_string(self) -> str:
        # 유닉스 소켓에는 상대 주소가 없다(client_address가 빈 문자열이다).
        return "unix"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"netlab-ipam: {format % args}\n")


class PluginServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """유닉스 소켓 위의 스레드 HTTP 서버. 요청마다 스레드 하나(엔진은 동시에 부른다)."""

    daemon_threads = True
    # 기본값 5는 작다. 유닉스 소켓은 대기열이 차면 기다리지 않고 EAGAIN으로 연결을 거절한다.
    request_queue_size = 128

    def __init__(
        self,
        socket_path: str | os.PathLike[str],
        ipam: NetlabIpam,
        log_path: str | os.PathLike[str] | None = None,
        *,
        verbose: bool = False,
    ) -> None:
        self.socket_path = Path(socket_path)
        self.ipam = ipam
        self.request_log = RequestLog(log_path)
        self.verbose = verbose
        self._thread: threading.Thread | None = None
        self.socket_path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_socket(self.socket_path)
        super().__init__(str(self.socket_path), _Handler)

    def start(self) -> PluginServer:
        """백그라운드 스레드에서 서비스를 시작한다(시험과 노트북용)."""
        self._thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.1},  # close()가 오래 기다리지 않게
            name=f"ipam:{self.socket_path.name}",
            daemon=True,
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """서비스를 멈추고 소켓 파일을 지운다. 여러 번 불러도 된다."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server_close()
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()

    def __enter__(self) -> PluginServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _remove_stale_socket(path: Path) -> None:
    """지난 실행이 남긴 소켓 파일을 지운다. 소켓이 아닌 파일은 절대 지우지 않는다."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(mode):
        raise FileExistsError(f"{path} exists and is not a socket; refusing to replace it")
    # 다른 프로세스가 아직 듣고 있다면 빼앗지 않는다.
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(path))
    except OSError:
        path.unlink()
    else:
        raise FileExistsError(f"another process is already serving {path}")
    finally:
        probe.close()


def start_plugin(
    socket_path: str | os.PathLike[str],
    pools: Sequence[str],
    log_path: str | os.PathLike[str] | None = None,
    *,
    requires_mac: bool = False,
) -> PluginServer:
    """드라이버를 만들어 백그라운드 스레드에서 띄운다. 끝나면 ``close()``를 부른다."""
    return PluginServer(socket_path, NetlabIpam(pools, requires_mac=requires_mac), log_path).start()


def build_parser() -> argparse.ArgumentParser:
    """명령줄 인자."""
    p = argparse.ArgumentParser(
        prog="ipam_plugin.py",
        description="Docker remote IPAM driver that hands out addresses top-down.",
    )
    p.add_argument(
        "--socket",
        required=True,
        help="unix socket to serve, e.g. /run/docker/plugins/netlab-ipam.sock "
        "(the file name without .sock is the driver name)",
    )
    p.add_argument(
        "--pool",
        action="append",
        required=True,
        help="CIDR this plugin may hand out; repeat for more pools",
    )
    p.add_argument("--log", help="JSONL file: one line per request (method, request, response)")
    p.add_argument(
        "--requires-mac",
        action="store_true",
        help="ask the engine to send each endpoint's MAC address in RequestAddress",
    )
    p.add_argument("--verbose", action="store_true", help="print each HTTP request to stderr")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """소켓을 열고 SIGTERM/SIGINT를 받을 때까지 서비스한다. 끝나면 소켓 파일을 지운다."""
    args = build_parser().parse_args(argv)
    try:
        ipam = NetlabIpam(args.pool, requires_mac=args.requires_mac)
        server = PluginServer(args.socket, ipam, args.log, verbose=args.verbose)
    except (IpamError, ValueError, FileExistsError) as exc:
        msg = exc.message if isinstance(exc, IpamError) else str(exc)
        print(f"netlab-ipam: {msg}", file=sys.stderr)
        return 2

    def _stop(signum: int, _frame: object) -> None:
        # serve_forever를 도는 바로 이 스레드에서 shutdown()을 부르면 교착된다.
        # 예외로 루프를 빠져나오게 한다.
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _stop)
    print(
        f"netlab-ipam: serving {args.socket} pools={','.join(args.pool)} policy={POLICY}",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        server.server_close()
        with contextlib.suppress(FileNotFoundError):
            server.socket_path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
