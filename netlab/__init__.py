"""도커 컨테이너 네트워크 설계 실습서의 실습 도우미.

노트북은 모두 이렇게 시작한다::

    import netlab
    lab = netlab.lab("bridge")

엔진이 없으면 ``lab``은 이유를 설명하는 자리표시자가 되고, 엔진을 쓰는 셀은 긴 트레이스백
대신 짧은 한국어 설명을 보여 준다 (Binder처럼 엔진이 없는 곳에서 책을 읽을 때).
"""

from __future__ import annotations

from .base.checks import CheckFailed, check, check_equal
from .base.engine import EngineUnavailable, FeatureMissing, available, engine_info
from .base.korean import josa
from .base.resources import LAB_IMAGE, LABEL_BOOK, LABEL_LAB, cleanup
from .base.wait import WaitTimeout, check_eventually, until
from .hosts.capabilities import probe, requires, supports
from .lab import ExecResult, Lab, OfflineLab
from .lab import start as lab

__all__ = [
    "LABEL_BOOK",
    "LABEL_LAB",
    "LAB_IMAGE",
    "CheckFailed",
    "EngineUnavailable",
    "ExecResult",
    "FeatureMissing",
    "Lab",
    "OfflineLab",
    "WaitTimeout",
    "available",
    "check",
    "check_equal",
    "check_eventually",
    "cleanup",
    "engine_info",
    "josa",
    "lab",
    "probe",
    "requires",
    "supports",
    "until",
]

#: 노트북이 ``from netlab import capture``처럼 부르는 모듈 이름과 그 모듈이 사는 곳. 처음 부를 때 가져온다:
#: ``import netlab``만 한 노트북이 위젯(ipywidgets)이나 클러스터 코드까지 불러오지 않게 한다.
_MODULES = {
    "addressing": "netlab.base.addressing",
    "apps": "netlab.apps",
    "capabilities": "netlab.hosts.capabilities",
    "capture": "netlab.observe.capture",
    "cli": "netlab.base.cli",
    "cluster": "netlab.cluster",
    "diagnose": "netlab.observe.diagnose",
    "engine": "netlab.base.engine",
    "ipam_planner": "netlab.explorers.ipam_planner",
    "kernel": "netlab.hosts.kernel",
    "labhost": "netlab.hosts.labhost",
    "plugins": "netlab.plugins",
    "services": "netlab.observe.services",
    "show": "netlab.draw.show",
    "topology": "netlab.topology",
    "vxlan": "netlab.observe.vxlan",
    "widgets": "netlab.explorers",
}


def __getattr__(name: str):
    """``netlab.capture``와 ``from netlab import capture``를 꾸러미 안의 모듈로 잇는다 (PEP 562)."""
    if name in _MODULES:
        import importlib

        module = importlib.import_module(_MODULES[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module 'netlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULES])


from .base.cli_echo import install as _install_cli_echo  # noqa: E402
from .base.notebook import install_error_display as _install_error_display  # noqa: E402

_install_error_display()
_install_cli_echo()
