"""원격 IPAM 드라이버(``netlab/plugins/ipam_plugin.py``)를 라벨이 붙은 실습 컨테이너 안에서 띄운다.

도커 엔진은 내장되지 않은 드라이버 이름을 만나면 **엔진 호스트의** ``/run/docker/plugins/<이름>.sock``
을 찾는다. 노트북 커널이 엔진과 같은 기계에 있다는 보장이 없으므로(원격 엔진, Docker Desktop의 VM),
플러그인 프로세스도 도커 API 만으로 엔진 호스트에 올린다: 드라이버 파일은 실습 이미지에 들어 있으므로
(``make images``가 ``netlab/plugins/ipam_plugin.py``를 넣는다) 그 이미지로 드라이버를 실행하는 컨테이너를 띄우고,
엔진 호스트의 ``/run/docker/plugins``를 같은 경로에 바인드 마운트한다. 그러면 컨테이너 안의 프로세스가 만든
소켓이 엔진 호스트의 그 디렉터리에 생긴다.

정리 순서가 중요하다. 엔진은 네트워크를 지울 때 IPAM 드라이버에 ``ReleaseAddress``와
``ReleasePool``을 보낸다. 그때 플러그인이 이미 죽어 있으면 엔진은 요청마다 약 30초씩 재시도한다.
그래서 :meth:`PluginHandle.stop`은 이 플러그인을 IPAM 드라이버로 쓰는 (이 실습의) 네트워크를
**먼저** 지우고 나서 플러그인을 멈춘다. :func:`start_ipam_plugin`은 ``lab.cleanup()``도 그 순서를
지키도록, 그 ``lab`` 객체의 ``cleanup`` 앞에 ``stop()``을 끼워 넣는다.

엔진은 플러그인 이름을 데몬이 살아 있는 동안 기억한다. ``Plugin.Activate``,
``IpamDriver.GetCapabilities``, ``IpamDriver.GetDefaultAddressSpaces``는 데몬이 그 이름을 처음 쓸
때만 오므로, 장(chapter)은 매번 반드시 오는 ``RequestPool``/``RequestAddress``/``Release*``만 보여 준다.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from docker.errors import APIError, NotFound
from docker.models.containers import Container
from docker.models.networks import Network

from ..base.korean import josa
from ..base.resources import LAB_IMAGE, is_ours, stale_image_hint
from ..base.wait import WaitTimeout, until
from ..draw.show import Table

if TYPE_CHECKING:
    from ..hosts.session import Lab

#: 엔진이 레거시 플러그인의 유닉스 소켓을 찾는 디렉터리 (엔진 호스트의 경로).
PLUGIN_DIR = "/run/docker/plugins"
#: 실습 이미지 안에서 드라이버 파일이 놓인 자리. 이미지를 만들 때 ``netlab.hosts.images.PACKAGE_FILES``가
#: 이 두 상수를 읽어 ``ipam_plugin.py``를 거기 넣는다.
SCRIPT_DIR = "/usr/local/bin"
SCRIPT_NAME = "ipam_plugin.py"
#: 요청 기록(JSONL). 컨테이너 안에만 두어 호스트에 파일을 남기지 않는다.
LOG_PATH = "/var/log/netlab-ipam.jsonl"
#: 플러그인 컨테이너에 더 붙이는 라벨. 정리 도구가 "먼저 네트워크, 그다음 플러그인" 순서를 알 수 있게 한다.
LABEL_ROLE = "netlab.role"
ROLE_IPAM = "ipam-plugin"
LABEL_PLUGIN = "netlab.plugin"
#: 매번 오는 요청들 (핸드셰이크는 데몬의 첫 사용 때만 온다).
EVERY_RUN = ("RequestPool", "RequestAddress", "ReleaseAddress", "ReleasePool")


class PluginError(RuntimeError):
    """플러그인 컨테이너가 시작하지 못했거나 소켓을 열지 못했다."""


def _short_method(method: str) -> str:
    """``IpamDriver.RequestPool`` → ``RequestPool``."""
    return method.rsplit(".", 1)[-1]


def _summarise_request(method: str, request: Any) -> str:
    """표에 넣을 한 줄짜리 요청 요약. 실행마다 같은 값만 고른다."""
    body = request if isinstance(request, dict) else {}
    short = _short_method(method)
    if short == "RequestPool":
        parts = [f"Pool={body.get('Pool') or '(지정 없음)'}", f"AddressSpace={body.get('AddressSpace')}"]
        if body.get("SubPool"):
            parts.append(f"SubPool={body['SubPool']}")
        if body.get("V6"):
            parts.append("V6=true")
        return " ".join(parts)
    if short == "RequestAddress":
        opts = body.get("Options") or {}
        kind = "게이트웨이" if opts.get("RequestAddressType") == "com.docker.network.gateway" else "엔드포인트"
        wanted = body.get("Address") or "(지정 없음)"
        return f"{kind} Address={wanted}"
    if short == "ReleaseAddress":
        return f"Address={body.get('Address')}"
    if short == "ReleasePool":
        return f"PoolID={body.get('PoolID')}"
    return json.dumps(body, ensure_ascii=False, sort_keys=True) if body else "(빈 본문)"


def _summarise_response(response: Any) -> str:
    body = response if isinstance(response, dict) else {}
    if "Err" in body:
        return f"Err: {body['Err']}"
    if "Address" in body:
        return str(body["Address"])
    if "PoolID" in body:
        return f"PoolID={body['PoolID']}"
    if "Implements" in body:
        return f"Implements={body['Implements']}"
    return json.dumps(body, ensure_ascii=False, sort_keys=True) if body else "{} (성공)"


@dataclass
class PluginHandle:
    """엔진 호스트에서 도는 원격 IPAM 드라이버 하나."""

    lab: Lab
    name: str
    pool: str
    container: Container
    socket: str
    log_path: str = LOG_PATH
    stopped: bool = False
    _final_log: list[dict[str, Any]] = field(default_factory=list, repr=False)

    # -- 관찰 -----------------------------------------------------------------------------
    def _read_log(self) -> list[dict[str, Any]]:
        _, output = self.container.exec_run(["sh", "-c", f"cat {self.log_path} 2>/dev/null || true"])
        entries = []
        for line in (output or b"").decode("utf-8", errors="replace").splitlines():
            line = line.strip()
            if line:
                entries.append(json.loads(line))
        return entries

    def requests(self, methods: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """엔진이 보낸 요청들 (기록 파일의 각 줄을 사전으로). ``stop()`` 뒤에는 멈추기 직전의 기록.

        ``methods``를 주면 그 메서드만 고른다. ``"RequestPool"``처럼 짧은 이름도 된다.
        """
        entries = list(self._final_log) if self.stopped else self._read_log()
        if methods is None:
            return entries
        wanted = set(methods)
        return [e for e in entries if e["method"] in wanted or _short_method(e["method"]) in wanted]

    def table(self, methods: Iterable[str] = EVERY_RUN, *, start: int = 0, title: str = "") -> Table:
        """요청을 표로: 순서, 메서드, 엔진이 보낸 것, 플러그인의 답.

        ``start``는 (고른 요청들 가운데) 몇 번째부터 보일지다. 앞에서 이미 보인 줄을 건너뛸 때 쓴다.
        """
        rows = []
        for i, entry in enumerate(self.requests(methods)[start:], start=start + 1):
            rows.append(
                [
                    i,
                    _short_method(entry["method"]),
                    _summarise_request(entry["method"], entry.get("request")),
                    _summarise_response(entry.get("response")),
                ]
            )
        return Table(
            ["#", "요청", "엔진이 보낸 것", "플러그인의 답"], rows, title or f"{josa(self.name, '가')} 받은 요청"
        )

    def networks(self) -> list[Network]:
        """이 실습의 네트워크 가운데 이 플러그인을 IPAM 드라이버로 쓰는 것들 (이름순)."""
        return _dependent_networks(self.lab, self.name)

    def running(self) -> bool:
        try:
            self.container.reload()
        except NotFound:
            return False
        return self.container.status == "running"

    # -- 멈추기 ---------------------------------------------------------------------------
    def stop(self, *, quiet: bool = False) -> None:
        """이 플러그인을 쓰는 네트워크를 먼저 지우고, 플러그인을 멈추고 컨테이너를 지운다.

        여러 번 불러도 된다. 멈추기 직전의 요청 기록은 :meth:`requests`로 계속 볼 수 있다.
        """
        if self.stopped:
            return
        say = (lambda line: None) if quiet else self.lab._say
        for net in self.networks():
            _remove_network(net, say)
        if self.running():
            self._final_log = self._read_log()
            say(f"docker stop {self.container.name}")
            # SIGTERM을 받으면 드라이버는 소켓 파일을 지우고 끝난다 (엔진 호스트에 흔적을 남기지 않는다).
            self.container.stop(timeout=10)
        try:
            say(f"docker rm {self.container.name}")
            self.container.remove(force=True)
        except NotFound:
            pass
        self.stopped = True

    def __repr__(self) -> str:
        state = "멈춤" if self.stopped else "동작 중"
        return f"PluginHandle({self.name!r}, pool={self.pool!r}, socket={self.socket!r}, {state})"


def _dependent_networks(lab: Lab, driver_name: str) -> list[Network]:
    found = []
    for net in lab.client.networks.list(filters={"label": [f"{k}={v}" for k, v in lab.labels.items()]}):
        if not is_ours(net.attrs.get("Labels"), lab.name):
            continue
        if (net.attrs.get("IPAM") or {}).get("Driver") == driver_name:
            found.append(net)
    return sorted(found, key=lambda n: n.name)


def _remove_network(net: Network, say) -> None:
    """네트워크에 붙은 엔드포인트를 떼고(주소 반환) 네트워크를 지운다(게이트웨이와 풀 반환)."""
    try:
        net.reload()
    except NotFound:
        return
    for cid, info in sorted((net.attrs.get("Containers") or {}).items(), key=lambda kv: kv[1].get("Name", "")):
        say(f"docker network disconnect -f {net.name} {info.get('Name', cid[:12])}")
        try:
            net.disconnect(cid, force=True)
        except (APIError, NotFound):
            pass
    say(f"docker network rm {net.name}")
    try:
        net.remove()
    except NotFound:
        pass


def _retire_existing(lab: Lab, container_name: str, driver_name: str) -> None:
    """같은 이름의 플러그인 컨테이너가 남아 있으면 올바른 순서로 치운다 (셀을 다시 실행했을 때)."""
    for old in lab.client.containers.list(all=True, filters={"name": f"^{container_name}$"}):
        if not is_ours(old.labels, lab.name):
            raise PluginError(
                f"{josa(container_name, '라는')} 컨테이너가 있지만 이 실습의 것이 아니다. 건드리지 않는다."
            )
        if old.status == "running":
            for net in _dependent_networks(lab, driver_name):
                _remove_network(net, lambda line: None)
            old.stop(timeout=10)
        old.remove(force=True)


def _wait_for_socket(container: Container, socket_path: str, timeout: float) -> None:
    probe = [
        "python3",
        "-c",
        "import socket, sys; s = socket.socket(socket.AF_UNIX); s.settimeout(1); s.connect(sys.argv[1])",
        socket_path,
    ]

    def socket_answers() -> bool:
        container.reload()
        if container.status != "running":
            logs = container.logs(tail=20).decode(errors="replace")
            logs += stale_image_hint(logs)
            raise PluginError(f"플러그인 컨테이너 {josa(container.name, '가')} 끝나 버렸다:\n{logs}")
        exit_code, _ = container.exec_run(probe)
        return exit_code == 0

    try:
        until(socket_answers, what=f"플러그인이 {socket_path}에서 듣기", timeout=timeout, interval=0.1)
    except WaitTimeout:
        raise PluginError(f"플러그인이 {timeout}초 안에 {socket_path}에서 듣기 시작하지 않았다.") from None


def _install_cleanup_hook(lab: Lab, handle: PluginHandle) -> None:
    """``lab.cleanup()``이 이 플러그인을 쓰는 네트워크를 지운 뒤에 플러그인을 멈추게 한다.

    ``resources.cleanup``은 컨테이너를 먼저, 네트워크를 나중에 지운다. 플러그인도 컨테이너이므로
    그대로 두면 플러그인이 먼저 죽고, 네트워크를 지울 때 엔진이 요청마다 30초씩 재시도한다.
    """
    previous = lab.cleanup

    def cleanup(*, quiet: bool = False) -> None:
        handle.stop(quiet=True)
        previous(quiet=quiet)

    lab.cleanup = cleanup  # type: ignore[method-assign]


def start_ipam_plugin(lab: Lab, name: str, pool: str, *, timeout: float = 20) -> PluginHandle:
    """실습 이미지의 원격 IPAM 드라이버를 컨테이너로 띄우고 소켓이 열릴 때까지 기다린다.

    ``name``은 짧은 이름이다. 드라이버 이름(= 소켓 파일 이름 = 컨테이너 이름)은 실습 접두사를
    붙인 ``lab.n(name)``이 된다 (예: ``nl-cnm-ipam``). 네트워크를 만들 때
    ``lab.network(..., ipam_driver=handle.name)``으로 쓴다. ``pool``은 드라이버가 나눠 줄 CIDR이다.
    """
    pool = str(ipaddress.ip_network(pool, strict=True))
    driver = lab.n(name)
    socket_path = f"{PLUGIN_DIR}/{driver}.sock"
    api = lab.client.api
    _retire_existing(lab, driver, driver)
    command = [
        "python3",
        f"{SCRIPT_DIR}/{SCRIPT_NAME}",
        "--socket",
        socket_path,
        "--pool",
        pool,
        "--log",
        LOG_PATH,
    ]
    lab._say(
        f"docker run -d --name {driver} --network none -v {PLUGIN_DIR}:{PLUGIN_DIR} --init {LAB_IMAGE} "
        + " ".join(command)
    )
    host_config = api.create_host_config(
        network_mode="none",
        binds={PLUGIN_DIR: {"bind": PLUGIN_DIR, "mode": "rw"}},
        init=True,
    )
    labels = {**lab.labels, LABEL_ROLE: ROLE_IPAM, LABEL_PLUGIN: driver}
    created = api.create_container(
        LAB_IMAGE, command=command, name=driver, labels=labels, host_config=host_config, detach=True
    )
    container = lab.client.containers.get(created["Id"])
    try:
        container.start()
        _wait_for_socket(container, socket_path, timeout)
    except Exception:
        container.remove(force=True)
        raise
    handle = PluginHandle(lab=lab, name=driver, pool=pool, container=container, socket=socket_path)
    # 지난 실행이 플러그인 없이 남긴 네트워크가 있으면 새 플러그인이 답하는 동안 지운다.
    # 새 플러그인은 옛 풀 ID를 모르므로 오류로 답하고, 엔진은 경고만 남기고 지운다 (재시도 없음).
    for net in _dependent_networks(lab, driver):
        _remove_network(net, lambda line: None)
    _install_cleanup_hook(lab, handle)
    return handle
