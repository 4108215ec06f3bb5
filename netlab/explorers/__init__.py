"""노트북과 책에서 손으로 만져 보는 탐색기 (ipywidgets).

노트북은 ``from netlab import widgets as nw``로 이 꾸러미를 부른다.

1. **네트워크 탐색기** :func:`network_inspector`: 엔진의 네트워크를 고르면 엔드포인트, IPAM, 드라이버 옵션
   표와 구성도를 보여 준다. 읽기만 하고 아무것도 바꾸지 않는다.
2. **VXLAN 헤더 탐색기** :func:`vxlan_explorer`: VNI를 넣으면 8바이트 헤더를, 16진수를 넣으면 VNI와
   플래그를 보여 준다. 엔진이 필요 없다 (:mod:`netlab.observe.vxlan`).
3. **패킷 경로 따라가기** :func:`packet_walker`: 게시한 포트로 들어온 요청이 iptables 체인, conntrack,
   브리지, veth를 거쳐 컨테이너의 eth0에 닿기까지를 한 단계씩 보여 준다. 작은 데이터 모델
   (:class:`InboundModel`)로 움직이며, :func:`inbound_model_from_container`는 실제 실습 컨테이너에서
   그 모델을 채운다.

위젯의 논리는 모두 위젯 없이 부를 수 있는 보통 함수에 있고(``*_text``, ``*_html``), 위젯은 그 함수의
결과를 보여 주기만 한다. 시험(``tests/test_widgets.py``)은 위젯을 만들고 값을 바꾼 뒤 보이는 글자를 확인한다.

책(정적 HTML)에는 커널이 없다. 그래서 고르기만 하면 되는 부분은 미리 모든 쪽을 그려 ``Stack``에 넣고
``jslink``로 고르개와 이어 두었다. 이 연결은 브라우저 안에서만 동작하므로 책에서도 네트워크를 바꿔
보거나 경로의 단계를 넘길 수 있다. 값을 새로 계산해야 하는 부분(VXLAN 인코딩, 이전·다음 단추)은
노트북 커널이 있을 때만 반응하고, 책에는 실행할 때의 화면이 남는다.

탐색기 하나에 모듈 하나다: :mod:`.inspector`(네트워크 탐색기), :mod:`.vxlan_headers`(VXLAN 헤더 탐색기),
:mod:`.inbound`과 :mod:`.packet_path`(패킷 경로 따라가기의 자료와 설명, 위젯), :mod:`.ipam_planner`(IPAM 계획기).
함께 쓰는 HTML 조각은 :mod:`.common`에 있다. 이 꾸러미는 노트북이 ``nw.이름``으로 쓰는 이름을 내놓는다.
"""

from __future__ import annotations

from .inbound import STAGES, InboundModel, example_model, inbound_model_from_container
from .inspector import (
    BUILTIN_NETWORKS,
    NetworkInspector,
    NetworkReport,
    inspector_networks,
    network_inspector,
    network_report,
    offline_explanation,
)
from .packet_path import PacketWalker, Step, inbound_steps, packet_walker, step_html, step_text, walk_text
from .vxlan_headers import Result, VxlanExplorer, mtu_text, vxlan_decode_text, vxlan_encode_text, vxlan_explorer

__all__ = [
    "BUILTIN_NETWORKS",
    "STAGES",
    "InboundModel",
    "NetworkInspector",
    "NetworkReport",
    "PacketWalker",
    "Result",
    "Step",
    "VxlanExplorer",
    "example_model",
    "inbound_model_from_container",
    "inbound_steps",
    "inspector_networks",
    "mtu_text",
    "network_inspector",
    "network_report",
    "offline_explanation",
    "packet_walker",
    "step_html",
    "step_text",
    "vxlan_decode_text",
    "vxlan_encode_text",
    "vxlan_explorer",
    "walk_text",
]
