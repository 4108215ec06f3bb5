"""문제 해결 도우미(netlab.diagnose): 출력 풀이는 엔진 없이, 진단은 실제 엔진에서 고장을 만들어 확인한다.

엔진 테스트는 16장과 실습 6과 같은 실습 이름(``troubleshooting``)을 쓰되 ``lab.subnet(9)``과
``t-``로 시작하는 이름만 쓰고, 자기가 만든 것만 지운다. 다만 DOCKER-USER의 실습 규칙 정리는
주석(``nl-troubleshooting``)으로 하므로 16장이나 실습 6과 동시에 돌리지 않는다.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from netlab import diagnose
from netlab.observe.diagnose.probes import parse_link

# -- 엔진 없이: 출력 풀이 ------------------------------------------------------------------

SS_OUTPUT = """\
LISTEN 0      4096   127.0.0.11:43957 0.0.0.0:*
LISTEN 0      128     127.0.0.1:80    0.0.0.0:*
LISTEN 0      5         0.0.0.0:8080  0.0.0.0:*
LISTEN 0      511          [::]:8080     [::]:*
LISTEN 0      511         [::1]:6379     [::]:*
"""


def test_parse_listeners_skips_embedded_dns_and_sorts():
    found = diagnose.parse_listeners(SS_OUTPUT)
    assert ("127.0.0.11", 43957) not in found, "내장 DNS의 내부 포트는 서비스가 아니다"
    assert found == sorted(found)
    assert ("127.0.0.1", 80) in found and ("[::]", 8080) in found


def test_listen_kind_tells_loopback_from_reachable():
    found = diagnose.parse_listeners(SS_OUTPUT)
    assert diagnose.listen_kind(found, 80) == ("loopback", ["127.0.0.1"])
    assert diagnose.listen_kind(found, 6379) == ("loopback", ["[::1]"])
    assert diagnose.listen_kind(found, 8080)[0] == "reachable"
    assert diagnose.listen_kind(found, 443) == ("none", [])


def test_counters_and_deltas_match_rules_by_text():
    before = diagnose.parse_counters(
        "-N DOCKER-USER\n"
        "-A DOCKER-USER -s 172.16.160.0/24 -m comment --comment nl-troubleshooting -c 0 0 -j DROP\n"
        "-A DOCKER-USER -c 100 9000 -j RETURN\n"
    )
    after = diagnose.parse_counters(
        "-N DOCKER-USER\n"
        "-A DOCKER-USER -s 172.16.160.0/24 -m comment --comment nl-troubleshooting -c 3 252 -j DROP\n"
        "-A DOCKER-USER -c 150 9900 -j RETURN\n"
    )
    assert before[0].spec == "-A DOCKER-USER -s 172.16.160.0/24 -m comment --comment nl-troubleshooting -j DROP"
    assert before[0].target == "DROP" and before[1].target == "RETURN"
    deltas = diagnose.counter_deltas(before, after)
    assert deltas[0][1:] == (3, 252)
    assert deltas[1][1:] == (50, 900)


def test_summarise_packet_keeps_only_stable_parts():
    syn = (
        "IP 172.16.160.1.60216 > 172.16.160.30.80: Flags [S], seq 969865673, win 64240, "
        "options [mss 1460,sackOK,TS val 4000227850 ecr 0,nop,wscale 10], length 0"
    )
    assert diagnose.summarise_packet(syn) == "172.16.160.1.<임시 포트> > 172.16.160.30.80  TCP [S]"
    icmp = "IP 172.16.160.20 > 172.16.160.10: ICMP echo request, id 41673, seq 1, length 64"
    assert diagnose.summarise_packet(icmp) == "172.16.160.20 > 172.16.160.10  ICMP echo request"


def test_parse_link_reads_mtu_master_and_state():
    line = (
        "1490: vethb005d9b@if1489: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 qdisc noqueue "
        "master br-4721a346805c state UP mode DEFAULT group default"
    )
    info = parse_link(line)
    assert info["name"] == "vethb005d9b" and info["mtu"] == "1400"
    assert info["master"] == "br-4721a346805c" and info["state"] == "UP"
    assert "UP" in info["flags"].split(",")


def test_report_counts_problems_and_renders_both_ways():
    report = diagnose.Report("시험")
    report.ok("네트워크", "둘 다 같은 네트워크")
    assert report.healthy and "문제를 찾지 못했다" in repr(report)
    report.bad("서비스", "127.0.0.1 에서만 듣는다")
    report.note("고치기", "0.0.0.0에서 듣게 한다")
    assert not report.healthy and len(report.problems) == 1
    assert report.mentions("127.0.0.1", level=diagnose.BAD)
    assert not report.mentions("127.0.0.1", level=diagnose.OK)
    assert "[문제] 서비스: 127.0.0.1 에서만 듣는다" in repr(report)
    assert "<table" in report._repr_html_() and "netlab-bad" in report._repr_html_()


def test_drop_rule_refuses_addresses_outside_the_lab_block():
    fake = SimpleNamespace(name="troubleshooting", host=None)
    with pytest.raises(ValueError, match="적어도 하나"):
        diagnose.drop_rule(fake)
    with pytest.raises(ValueError, match="블록 밖"):
        diagnose.drop_rule(fake, source="10.0.0.0/8")
    with pytest.raises(ValueError, match="블록 밖"):
        diagnose.drop_rule(fake, source="172.16.160.0/24", destination="172.16.0.0/16")
    with pytest.raises(ValueError, match="주소가 아니다"):
        diagnose.forget_conntrack(fake, destination="192.0.2.1")


# -- 실제 엔진: 고장을 만들고 진단한다 ------------------------------------------------------


@pytest.fixture
def tlab(engine):
    from netlab.lab import Lab

    lab = Lab("troubleshooting", echo=False)
    made: list = []
    yield lab, made
    diagnose.remove_lab_rules(lab)
    for obj in reversed(made):
        try:
            obj.remove(force=True) if hasattr(obj, "exec_run") else obj.remove()
        except Exception:
            pass
    if lab._host is not None:
        lab._host.container.remove(force=True)


def test_diagnoses_loopback_service_dns_and_firewall(tlab):
    lab, made = tlab
    net = lab.network("t-net", subnet=lab.subnet(9), gateway=lab.addr(9, 1))
    made.append(net)
    server = lab.container(
        "t-srv",
        network=net,
        ip=lab.addr(9, 10),
        command=["python3", "-m", "http.server", "--bind", "127.0.0.1", "80"],
    )
    made.append(server)
    client = lab.container("t-cli", network=net, ip=lab.addr(9, 20))
    made.append(client)
    assert diagnose.wait_listening(lab, server, 80), "파이썬 서버가 127.0.0.1:80을 열지 않았다"

    found = diagnose.connection(lab, client, server, port=80, name="t-srv")
    assert found.mentions("127.0.0.1", level=diagnose.BAD), found
    assert found.data["ping"] and not found.data["tcp"]
    assert found.mentions("t-srv", "172.16.169.10", level=diagnose.OK), "이름은 풀린다"

    typo = diagnose.dns(lab, client, "t-svr")
    assert not typo.healthy and typo.data["close"][:1] == ["t-srv"], typo
    walked = diagnose.walk(lab, server)
    assert walked.mentions("루프백", level=diagnose.NOTE) and walked.mentions("forwarding", level=diagnose.OK)

    command = diagnose.drop_rule(lab, source=lab.subnet(9), destination=lab.subnet(9))
    assert "--comment nl-troubleshooting" in command
    assert len(diagnose.lab_rules(lab)) >= 1
    blocked = diagnose.firewall(lab, client, lab.addr(9, 10))
    assert blocked.data["dropped"] == 3 and blocked.data["received"] == 0, blocked
    assert diagnose.remove_lab_rules(lab) >= 1 and not diagnose.lab_rules(lab)
    clear = diagnose.firewall(lab, client, lab.addr(9, 10))
    assert clear.healthy and clear.data["received"] == 3, clear


def test_curl_outcome_groups_racy_error_codes():
    reset = "curl: (56) Recv failure: Connection reset by peer\n"
    empty = "curl: (52) Empty reply from server\n"
    assert diagnose.curl_outcome(reset) == diagnose.curl_outcome(empty)
    assert diagnose.curl_outcome("hostname=web\n") == "응답을 받았다"
    refused = "curl: (7) Failed to connect to web port 80 after 0 ms: Couldn't connect to server\n"
    assert diagnose.curl_outcome(refused).startswith("연결 거절")
    assert diagnose.curl_outcome("curl: (28) Resolving timed out after 3000 milliseconds").startswith("이름 풀이")
    assert diagnose.describe_curl("curl: (28) Connection timed out after 2001 milliseconds") == (
        "curl 종료 코드 28: Connection timed out"
    )
