"""도커 컨테이너 네트워크 설계 실습서의 실습 도우미.

노트북은 모두 이렇게 시작한다::

    import netlab
    lab = netlab.lab("bridge")

엔진이 없으면 ``lab``은 이유를 설명하는 자리표시자가 되고, 엔진을 쓰는 셀은 긴 트레이스백
대신 짧은 한국어 설명을 보여 준다 (Binder처럼 엔진이 없는 곳에서 책을 읽을 때).
"""

from __future__ import annotations

from .capabilities import probe, requires, supports
from .checks import CheckFailed, check, check_equal
from .engine import EngineUnavailable, FeatureMissing, available, engine_info
from .korean import josa
from .lab import ExecResult, Lab, OfflineLab
from .lab import start as lab
from .resources import LAB_IMAGE, LABEL_BOOK, LABEL_LAB, cleanup
from .wait import WaitTimeout, check_eventually, until

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


from .notebook import install_error_display as _install_error_display

_install_error_display()
