"""문제 해결 도우미: 컨테이너에서 바깥으로 한 층씩 살피고, 찾은 것을 한국어로 돌려준다.

16장(네트워크 문제 해결)과 실습 6(고장 난 네트워크 고치기)이 쓴다. 진단 함수는 모두 :class:`Report`를
돌려준다. 리포트는 발견(:class:`Finding`)의 목록이고, 발견마다 수준(정상, 문제, 참고), 층(컨테이너,
네임스페이스, 브리지, 방화벽, DNS 같은 것), 한국어 설명이 있다. 노트북에서는 표로 보이고, 확인 셀은
``report.healthy``와 ``report.problems``를 쓴다::

    from netlab import diagnose

    diagnose.walk(lab, web)                               # 안에서 밖으로 한 바퀴
    diagnose.connection(lab, client, web, port=80)        # 왜 client가 web:80에 닿지 않는가
    diagnose.published_port(lab, web, 80)                 # 게시한 포트가 왜 응답하지 않는가
    diagnose.firewall(lab, client, "172.16.160.10")       # 어느 방화벽 규칙이 패킷을 버리는가
    diagnose.mtu(lab, client, "172.16.160.10", web)       # 경로 MTU와 구간별 MTU
    diagnose.dns(lab, client, "api")                      # 왜 이 이름이 풀리지 않는가

관찰은 모두 ``lab.host`` (엔진 호스트의 네트워크 네임스페이스를 보는 도구 상자)와 ``nsenter``로 한다.
그래서 대상 컨테이너 이미지에 도구가 하나도 없어도 된다. 진단이 만드는 트래픽은 실습이 만든 주소나
엔진 호스트 자신의 게시 주소로만 간다. 이름 질의는 내장 DNS(127.0.0.11)에만 한다.

DOCKER-USER에 넣는 규칙(:func:`drop_rule`)에는 ``nl-<실습>`` 주석을 붙이고, 실습의 주소 블록 안의
주소만 대상으로 삼는다. 이 규칙은 도커 라벨을 붙일 수 없으므로 :func:`remove_lab_rules`로 지운다.

진단은 관심사마다 모듈 하나로 나뉜다: :mod:`.report`(리포트 모양), :mod:`.probes`(작은 관찰),
:mod:`.rules`(iptables 카운터와 실습 규칙, 방화벽 진단), :mod:`.packets`(tcpdump와 conntrack),
:mod:`.inside_out`(한 바퀴), :mod:`.reachability`(연결과 게시 포트, curl), :mod:`.mtu_probe`(MTU),
:mod:`.name_resolution`(이름 풀이). 노트북은 ``diagnose.walk``처럼 이 꾸러미의 이름만 쓴다.
"""

from __future__ import annotations

from .inside_out import walk
from .mtu_probe import mtu, path_mtu
from .name_resolution import dig, dns
from .packets import Tcpdump, conntrack_entries, forget_conntrack, summarise_packet
from .probes import (
    EMBEDDED_DNS,
    bridge_name,
    is_loopback,
    link,
    listen_kind,
    listeners,
    networks_of,
    parse_listeners,
    resolv_conf,
    short_name,
    wait_listening,
)
from .reachability import connection, curl_outcome, describe_curl, published_port
from .report import BAD, NOTE, OK, Finding, Report
from .rules import (
    Rule,
    counter_deltas,
    counters,
    drop_rule,
    firewall,
    lab_rules,
    parse_counters,
    remove_lab_rules,
    rule_comment,
)

__all__ = [
    "BAD",
    "EMBEDDED_DNS",
    "NOTE",
    "OK",
    "Finding",
    "Report",
    "Rule",
    "Tcpdump",
    "bridge_name",
    "connection",
    "conntrack_entries",
    "counter_deltas",
    "counters",
    "curl_outcome",
    "describe_curl",
    "dig",
    "dns",
    "drop_rule",
    "firewall",
    "forget_conntrack",
    "is_loopback",
    "lab_rules",
    "link",
    "listen_kind",
    "listeners",
    "mtu",
    "networks_of",
    "parse_counters",
    "parse_listeners",
    "path_mtu",
    "published_port",
    "remove_lab_rules",
    "resolv_conf",
    "rule_comment",
    "short_name",
    "summarise_packet",
    "wait_listening",
    "walk",
]
