"""원격 IPAM 플러그인: 실습 컨테이너 안에서 띄우는 도우미(:mod:`~netlab.plugins.ipam`)와 그 안에서 도는 드라이버
(:mod:`~netlab.plugins.ipam_plugin`, 표준 라이브러리만).

노트북은 ``from netlab import plugins``로 이 꾸러미를 받아 ``plugins.start_ipam_plugin``을 부른다.
"""

from __future__ import annotations

from .ipam import (
    EVERY_RUN,
    LABEL_PLUGIN,
    LABEL_ROLE,
    LOG_PATH,
    PLUGIN_DIR,
    ROLE_IPAM,
    SCRIPT_DIR,
    SCRIPT_NAME,
    PluginError,
    PluginHandle,
    start_ipam_plugin,
)

__all__ = [
    "EVERY_RUN",
    "LABEL_PLUGIN",
    "LABEL_ROLE",
    "LOG_PATH",
    "PLUGIN_DIR",
    "ROLE_IPAM",
    "SCRIPT_DIR",
    "SCRIPT_NAME",
    "PluginError",
    "PluginHandle",
    "start_ipam_plugin",
]
