"""노트북 셀이 도커 SDK로 엔진을 읽거나 잇는 호출마다, 같은 일을 하는 ``docker`` 명령줄을 셀 출력에 찍는다.

``Lab.network``처럼 netlab을 거쳐 만드는 호출은 스스로 ``$ docker network create …``를 찍는다. 그러나 셀은
SDK를 직접 부르기도 한다: ``net.reload()``, ``client.containers.get(이름)``, ``client.api.inspect_network(…)``,
``net.connect(box)``. 그런 셀에도 "docker 명령" 탭(``_ext/cli_tabs.py``)이 있어야 독자가 터미널에서 같은 것을
해 볼 수 있다. 명령줄을 손으로 적으면 코드가 바뀔 때 어긋나므로, 호출 자체를 감싸서 찍는다.

규칙:
- **셀이 직접 부른 호출만** 찍는다. 감싼 함수를 바로 부른 프레임이 셀의 코드(ipykernel이 셀마다 만드는
  ``…/ipykernel_<PID>/<번호>.py``, 셀에서 정의한 함수와 람다 포함)일 때다. netlab 안에서 부른 읽기(대기, 점검,
  정리)는 찍지 않는다. 그것까지 찍으면 셀 출력이 실행마다 달라진다.
- **감싼 호출 안의 호출은 찍지 않는다**: ``net.reload()``는 안에서 ``networks.get()``을, 그것은 다시
  ``api.inspect_network()``를 부른다. 가장 바깥 호출 하나만 찍는다.
- **셀마다 같은 줄은 한 번**: 폴링(``netlab.until``)이 ``reload()``를 여러 번 불러도 한 줄이다. 셀 실행이 시작될 때
  (IPython의 ``pre_run_cell``) 기억을 비운다.
- **주 스레드에서만**: 여러 스레드가 동시에 찍으면 줄 순서가 실행마다 달라져 nbval이 흔들린다.
- 줄은 호출이 끝난 뒤 찍는다(결과에서 이름을 알 수 있다). 호출이 실패해도 받은 인자로 찍고 예외는 그대로 낸다.
- 명령의 앞부분은 클라이언트마다 다르다: 이 프로세스의 엔진은 ``docker``, 클러스터 노드는
  ``docker exec <노드> docker``, 랩 호스트의 손님은 ``docker exec netlab-labhost docker -H tcp://…``.
  클라이언트를 만드는 곳이 :func:`register`로 알린다.

IPython 커널 밖(단위 테스트, 스크립트)에서는 아무것도 찍지 않는다. :func:`install`은 ``netlab``을 가져올 때 불리며
여러 번 불러도 한 번만 감싼다.
"""

from __future__ import annotations

import functools
import re
import shlex
import sys
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import docker
from docker.api.client import APIClient
from docker.models.containers import Container, ContainerCollection
from docker.models.networks import Network, NetworkCollection
from docker.models.nodes import Node, NodeCollection
from docker.models.services import Service, ServiceCollection

__all__ = ["called_from_cell", "install", "prefix_of", "register", "reset", "say"]

#: ipykernel이 셀 코드에 주는 파일 이름 (``/tmp/ipykernel_1234/5678.py``)과 옛 IPython의 이름
_CELL_FILE = re.compile(r"(?:ipykernel_\d+[/\\][^/\\]+\.py|<ipython-input-[^>]*>)$")

_prefixes: weakref.WeakKeyDictionary[APIClient, str] = weakref.WeakKeyDictionary()
_state = threading.local()
_printed: set[str] = set()
_enabled = False
_installed = False


def register(client: docker.DockerClient, prefix: str) -> docker.DockerClient:
    """``client``로 한 일을 찍을 때 쓸 명령의 앞부분을 알린다. ``client``를 그대로 돌려준다.

    예: ``docker exec nl-ch07-worker1 docker``.
    """
    _prefixes[client.api] = prefix
    return client


def prefix_of(client: docker.DockerClient | APIClient) -> str:
    """그 클라이언트의 명령 앞부분. 알리지 않은 클라이언트는 ``docker``다."""
    api = client.api if isinstance(client, docker.DockerClient) else client
    return _prefixes.get(api, "docker")


def reset() -> None:
    """셀마다 한 번 찍은 줄의 기억을 비운다 (IPython이 셀 실행 전에 부른다)."""
    _printed.clear()


def called_from_cell(frame: Any) -> bool:
    """그 프레임이 노트북 셀의 코드인지 (셀에서 정의한 함수와 람다도 셀의 코드다)."""
    return frame is not None and bool(_CELL_FILE.search(frame.f_code.co_filename))


def _quote(parts: Iterable[str]) -> str:
    return " ".join(p if p.startswith("-") else shlex.quote(p) for p in parts)


def _filters(filters: Mapping[str, Any] | None) -> list[str]:
    """SDK의 ``filters`` 사전을 ``--filter 키=값`` 조각으로. 값이 목록이면 값마다 되풀이한다."""
    parts: list[str] = []
    for key, value in (filters or {}).items():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(item, bool):
                item = str(item).lower()
            parts += ["--filter", f"{key}={item}"]
    return parts


#: 감싼 호출의 결과에서 배운 ID → 이름. 실패한 검사(``NotFound``)는 결과가 없으므로, 셀이 ID로 물었다면
#: 다른 호출(같은 셀의 매니저 검사, netlab이 만들 때의 검사)에서 배운 이름으로 찍는다. 스웜 ID는 실행마다
#: 달라서 그대로 찍으면 저장된 출력이 실행마다 다르다.
_names: dict[str, str] = {}


def _learn(result: Any) -> None:
    """결과(모델, 검사 사전, 그 목록)의 ID와 이름을 기억한다."""
    for item in result if isinstance(result, list) else [result]:
        if isinstance(item, (Container, Network, Service)):
            _names[item.id] = item.name
        elif isinstance(item, Mapping) and isinstance(item.get("Name"), str):
            ident = item.get("Id") or item.get("ID")
            if isinstance(ident, str):
                _names[ident] = item["Name"].lstrip("/")


def _name_of(thing: Any) -> str:
    """모델, 검사 결과 사전, ID나 이름 문자열에서 독자가 명령에 쓸 이름."""
    if isinstance(thing, (Container, Network, Service)):
        return thing.name
    if isinstance(thing, Node):
        return thing.attrs.get("Description", {}).get("Hostname") or thing.short_id
    if isinstance(thing, Mapping):
        name = thing.get("Name") or thing.get("Spec", {}).get("Name") or thing.get("Id") or thing.get("ID") or "?"
        return str(name).lstrip("/")
    return _names.get(str(thing), str(thing).lstrip("/"))


# -- 호출마다 명령줄을 만드는 함수들: (self, 인자, 키워드, 결과) → 명령 앞부분 뒤의 조각 --------------------------


def _network_inspect(target: Any, verbose: Any = None) -> list[str]:
    return ["network", "inspect", *(["--verbose"] if verbose else []), _name_of(target)]


def _network_get(self: Any, args: tuple, kwargs: dict, result: Any) -> list[str]:
    verbose = kwargs.get("verbose", args[1] if len(args) > 1 else None)
    return _network_inspect(result if result is not None else args[0], verbose)


def _network_list(self: Any, args: tuple, kwargs: dict, result: Any) -> list[str]:
    filters = dict(kwargs.get("filters") or {})
    names = kwargs.get("names") or (args[0] if args else None)
    ids = kwargs.get("ids") or (args[1] if len(args) > 1 else None)
    if names:
        filters["name"] = list(names)
    if ids:
        filters["id"] = list(ids)
    return ["network", "ls", *_filters(filters)]


_HEX_ID = re.compile(r"^[0-9a-f]{12,64}$")


def _endpoints(self: Any, args: tuple, kwargs: dict) -> tuple[str, str]:
    """``connect``/``disconnect``의 (네트워크 이름, 컨테이너 이름). ID로 받았으면 엔진에 이름을 묻는다.

    이 물음은 감싼 호출 밖(셀이 아닌 이 모듈)에서 부르므로 따로 찍히지 않는다.
    """
    api = _api_of(self)
    network = self.name if isinstance(self, Network) else args[1] if len(args) > 1 else kwargs["net_id"]
    container = args[0] if args else kwargs["container"]
    if isinstance(network, str) and _HEX_ID.match(network) and network not in _names and api is not None:
        network = api.inspect_network(network)
    if isinstance(container, str) and _HEX_ID.match(container) and container not in _names and api is not None:
        container = api.inspect_container(container)
    return _name_of(network), _name_of(container)


def _network_connect(self: Any, args: tuple, kwargs: dict, result: Any) -> list[str]:
    network, container = _endpoints(self, args, kwargs)
    parts = ["network", "connect"]
    if kwargs.get("ipv4_address"):
        parts += ["--ip", kwargs["ipv4_address"]]
    if kwargs.get("ipv6_address"):
        parts += ["--ip6", kwargs["ipv6_address"]]
    for alias in kwargs.get("aliases") or ():
        parts += ["--alias", alias]
    return [*parts, network, container]


def _network_disconnect(self: Any, args: tuple, kwargs: dict, result: Any) -> list[str]:
    network, container = _endpoints(self, args, kwargs)
    force = kwargs.get("force", args[2] if isinstance(self, APIClient) and len(args) > 2 else False)
    return ["network", "disconnect", *(["--force"] if force else []), network, container]


def _container_get(self: Any, args: tuple, kwargs: dict, result: Any) -> list[str]:
    return ["container", "inspect", _name_of(result if result is not None else (args or [kwargs.get("container")])[0])]


def _container_list(self: Any, args: tuple, kwargs: dict, result: Any) -> list[str]:
    everything = kwargs.get("all", args[0] if args else False)
    return ["ps", *(["--all"] if everything else []), *_filters(kwargs.get("filters"))]


def _node_list(self: Any, args: tuple, kwargs: dict, result: Any) -> list[str]:
    return ["node", "ls", *_filters(kwargs.get("filters"))]


def _node_get(self: Any, args: tuple, kwargs: dict, result: Any) -> list[str]:
    return ["node", "inspect", _name_of(result if result is not None else args[0])]


def _service_get(self: Any, args: tuple, kwargs: dict, result: Any) -> list[str]:
    return ["service", "inspect", _name_of(result if result is not None else args[0])]


def _service_list(self: Any, args: tuple, kwargs: dict, result: Any) -> list[str]:
    return ["service", "ls", *_filters(kwargs.get("filters"))]


def _service_tasks(self: Any, args: tuple, kwargs: dict, result: Any) -> list[str]:
    # SDK가 받은 사전에 ``service=<ID>``를 넣으므로(호출이 끝난 뒤 여기서 본다) 그 키는 뺀다: 서비스는 이름으로 쓴다
    filters = {k: v for k, v in (kwargs.get("filters", args[0] if args else None) or {}).items() if k != "service"}
    return ["service", "ps", "--no-trunc", *_filters(filters), self.name]


def _api_tasks(self: Any, args: tuple, kwargs: dict, result: Any) -> list[str]:
    """``GET /tasks``. 서비스 하나로 거르면 ``docker service ps``, 아니면 노드 단위의 ``docker node ps``."""
    filters = dict(kwargs.get("filters", args[0] if args else None) or {})
    service = filters.pop("service", None)
    if isinstance(service, (list, tuple)) and len(service) == 1:
        service = service[0]
    if isinstance(service, str):
        return ["service", "ps", "--no-trunc", *_filters(filters), service]
    node = filters.pop("node", None) or "self"
    return ["node", "ps", "--no-trunc", *_filters(filters), *(node if isinstance(node, list) else [node])]


def _reload(self: Any, args: tuple, kwargs: dict, result: Any) -> list[str]:
    kind = {Network: "network", Container: "container", Node: "node", Service: "service"}[type(self)]
    return [kind, "inspect", _name_of(self)]


#: 감쌀 (클래스, 메서드 이름, 명령줄 만들기)
_TARGETS: tuple[tuple[type, str, Callable[..., list[str]]], ...] = (
    (NetworkCollection, "get", _network_get),
    (NetworkCollection, "list", _network_list),
    (Network, "connect", _network_connect),
    (Network, "disconnect", _network_disconnect),
    (Network, "reload", _reload),
    (ContainerCollection, "get", _container_get),
    (ContainerCollection, "list", _container_list),
    (Container, "reload", _reload),
    (NodeCollection, "get", _node_get),
    (NodeCollection, "list", _node_list),
    (Node, "reload", _reload),
    (ServiceCollection, "get", _service_get),
    (ServiceCollection, "list", _service_list),
    (Service, "reload", _reload),
    (Service, "tasks", _service_tasks),
    (APIClient, "inspect_network", _network_get),
    (APIClient, "inspect_container", _container_get),
    (APIClient, "connect_container_to_network", _network_connect),
    (APIClient, "disconnect_container_from_network", _network_disconnect),
    (APIClient, "tasks", _api_tasks),
)


def _api_of(obj: Any) -> APIClient | None:
    if isinstance(obj, APIClient):
        return obj
    client = getattr(obj, "client", None)
    return getattr(client, "api", None)


def _wrap(method: Callable[..., Any], command: Callable[..., list[str]]) -> Callable[..., Any]:
    @functools.wraps(method)
    def echoing(self: Any, *args: Any, **kwargs: Any) -> Any:
        depth = getattr(_state, "depth", 0)
        outermost = (
            depth == 0
            and _enabled
            and threading.current_thread() is threading.main_thread()
            and called_from_cell(sys._getframe(1))
        )
        _state.depth = depth + 1
        result = None
        try:
            result = method(self, *args, **kwargs)
            _learn(result)
            return result
        finally:
            _state.depth = depth
            if outermost:
                _say(self, command, args, kwargs, result)

    echoing.__netlab_echo__ = True  # type: ignore[attr-defined]
    return echoing


def _say(obj: Any, command: Callable[..., list[str]], args: tuple, kwargs: dict, result: Any) -> None:
    api = _api_of(obj)
    prefix = _prefixes.get(api, "docker") if api is not None else "docker"
    try:
        line = f"{prefix} {_quote(command(obj, args, kwargs, result))}"
    except Exception:  # 명령줄을 못 만들어도 SDK 호출의 결과는 그대로 돌려준다 (만들기는 단위 테스트가 본다)
        return
    _print_once(line)


def _print_once(line: str) -> None:
    """한 셀에서 같은 명령줄은 한 번만 찍는다 (셀마다 :func:`reset`이 비운다)."""
    if line not in _printed:
        _printed.add(line)
        print(f"$ {line}")


def say(client: docker.DockerClient | None, parts: Iterable[str], caller: Any) -> None:
    """netlab의 읽기 함수가 스스로 찍을 때: ``caller``(그 함수를 부른 프레임)가 셀의 코드일 때만 찍는다.

    예: ``cluster.tasks(서비스)``는 셀에서 부르면 ``docker service ps``를 찍고, netlab의 대기에서 부르면 찍지 않는다.
    """
    if _enabled and threading.current_thread() is threading.main_thread() and called_from_cell(caller):
        _print_once(f"{prefix_of(client) if client is not None else 'docker'} {_quote(parts)}")


def install() -> None:
    """SDK 메서드를 감싸고, IPython 커널 안이면 찍기를 켠다. 여러 번 불러도 된다."""
    global _installed, _enabled
    if not _installed:
        for cls, name, command in _TARGETS:
            method = getattr(cls, name)
            if not getattr(method, "__netlab_echo__", False):
                setattr(cls, name, _wrap(method, command))
        _installed = True
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or _enabled:
        return
    shell.events.register("pre_run_cell", lambda *_: reset())
    _enabled = True
