"""서브넷 계획기(netlab/ipam_planner.py) 시험.

순수 함수 ``check_plan``의 소견 하나하나와, 위젯이 엔진 없이(Binder)와 엔진의 네트워크 목록을
가지고 각각 동작하는지 본다. 엔진은 쓰지 않는다: 엔진 쪽은 네트워크 목록만 흉내 낸다.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from netlab import ipam_planner as ip
from netlab.base.korean import josa
from netlab.explorers.ipam_planner import Finding, check_plan


def codes(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.proposal, f.code) for f in findings]


def only(findings: list[Finding], code: str) -> Finding:
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, findings
    return matching[0]


# ---------------------------------------------------------------- 소견 하나하나


def test_good_subnet_gets_one_ok_finding() -> None:
    findings = check_plan(["10.30.0.0/24 20"], {})
    assert codes(findings) == [("10.30.0.0/24", ip.FINE)]
    ok = findings[0]
    assert ok.level == ip.OK
    assert ok.message == "10.30.0.0/24: 문제 없음. 컨테이너에 줄 수 있는 주소 253개, 계획한 컨테이너 20개."
    assert str(ok).startswith("✔ ")


@pytest.mark.parametrize("text", ["abc", "10.0.0.0", "10.0.0.0/33", "300.1.2.0/24", "10.0.0.0/24x"])
def test_not_a_cidr(text: str) -> None:
    finding = only(check_plan([text], {}), ip.NOT_CIDR)
    assert finding.level == ip.ERROR
    assert finding.message == (
        f"{josa(repr(text), '는')} CIDR 표기가 아니다. 172.20.0.0/24처럼 네트워크 주소와 접두사 길이를 적는다."
    )
    assert str(finding).startswith("✘ ")


def test_host_bits_set() -> None:
    findings = check_plan(["10.30.0.5/24"], {})
    finding = only(findings, ip.HOST_BITS)
    assert finding.level == ip.ERROR
    assert "10.30.0.5/24는 호스트 비트가 켜져 있다" in finding.message
    assert "네트워크 주소는 10.30.0.0/24다" in finding.message
    assert ip.FINE not in [f.code for f in findings]


def test_host_bits_ipv6() -> None:
    assert only(check_plan(["fd00:16::5/64"], {}), ip.HOST_BITS).message.startswith(
        "fd00:16::5/64는 호스트 비트가 켜져 있다. 이 서브넷의 네트워크 주소는 fd00:16::/64다."
    )
    assert codes(check_plan(["fd00:0016::/64"], {})) == [("fd00:0016::/64", ip.FINE)]


def test_overlap_between_proposals_is_reported_on_the_later_one() -> None:
    findings = check_plan(["10.30.0.0/16", "10.30.5.0/24"], {})
    assert codes(findings) == [("10.30.0.0/16", ip.FINE), ("10.30.5.0/24", ip.OVERLAP_PROPOSED)]
    assert findings[1].message == (
        "10.30.5.0/24가 같은 계획의 10.30.0.0/16과 겹친다. 한 주소 공간 안의 서브넷은 서로 겹칠 수 없다."
    )


def test_identical_proposals_overlap() -> None:
    findings = check_plan(["10.30.0.0/24", "10.30.0.0/24"], {})
    assert [f.code for f in findings] == [ip.FINE, ip.OVERLAP_PROPOSED]


def test_overlap_with_existing_engine_network() -> None:
    existing = {"nl-ipam-ranged": "172.16.151.0/24", "other": "10.99.0.0/16"}
    finding = only(check_plan(["172.16.151.128/25"], existing), ip.OVERLAP_EXISTING)
    assert finding.level == ip.ERROR
    assert finding.message == (
        "172.16.151.128/25가 엔진에 이미 있는 네트워크 'nl-ipam-ranged'(172.16.151.0/24)와 겹친다. "
        "엔진은 같은 주소 공간에서 겹치는 서브넷의 네트워크를 만들지 않는다."
    )


def test_existing_networks_with_bad_or_other_family_subnets_are_ignored() -> None:
    existing = {"broken": "not-a-subnet", "v6": "fd00:16:150::/64"}
    assert codes(check_plan(["10.30.0.0/24"], existing)) == [("10.30.0.0/24", ip.FINE)]


def test_too_small_for_containers_plus_gateway() -> None:
    finding = only(check_plan(["10.30.0.0/29 6"], {}), ip.TOO_SMALL)
    assert finding.level == ip.ERROR
    assert finding.message == (
        "10.30.0.0/29에는 컨테이너에 줄 주소가 5개뿐이다(네트워크 주소, 브로드캐스트, 게이트웨이 제외). "
        "컨테이너 6개를 넣으려면 /28 이상이 필요하다."
    )
    # 정확히 들어가면 괜찮다: /29는 5개
    assert codes(check_plan(["10.30.0.0/29 5"], {})) == [("10.30.0.0/29", ip.FINE)]


def test_default_container_count_applies_when_line_has_none() -> None:
    assert only(check_plan(["10.30.0.0/28"], {}, containers=20), ip.TOO_SMALL)
    assert codes(check_plan(["10.30.0.0/28"], {}, containers=13)) == [("10.30.0.0/28", ip.FINE)]


def test_default_pool_overlap_is_a_warning() -> None:
    finding = only(check_plan(["172.18.5.0/24"], {}), ip.DEFAULT_POOL)
    assert finding.level == ip.WARNING
    assert finding.message == (
        "172.18.5.0/24는 도커의 기본 주소 풀(172.18.0.0/16)과 겹친다. "
        "서브넷 없이 만든 네트워크가 이 대역을 먼저 가져가면 이 계획을 적용할 때 충돌한다."
    )
    assert str(finding).startswith("⚠ ")


def test_default_pool_overlap_lists_at_most_three() -> None:
    finding = only(check_plan(["172.16.0.0/12"], {}), ip.DEFAULT_POOL)
    assert "172.17.0.0/16, 172.18.0.0/16, 172.19.0.0/16 등 15개" in finding.message
    assert only(check_plan(["192.168.10.0/24"], {}), ip.DEFAULT_POOL)


def test_book_block_172_16_is_outside_the_default_pools() -> None:
    assert codes(check_plan(["172.16.150.0/24"], {})) == [("172.16.150.0/24", ip.FINE)]


def test_several_findings_for_one_proposal_keep_order() -> None:
    findings = check_plan(["172.18.0.0/30 4"], {"x": "172.18.0.0/16"})
    assert [f.code for f in findings] == [ip.OVERLAP_EXISTING, ip.TOO_SMALL, ip.DEFAULT_POOL]


def test_comments_blank_lines_and_counts_are_parsed() -> None:
    lines = ["", "   # 주석만", "10.30.0.0/24 40   # 웹 계층", "  10.31.0.0/24  "]
    findings = check_plan(lines, {})
    assert codes(findings) == [("10.30.0.0/24", ip.FINE), ("10.31.0.0/24", ip.FINE)]
    assert "계획한 컨테이너 40개" in findings[0].message
    assert "계획한 컨테이너 10개" in findings[1].message


def test_format_and_html() -> None:
    findings = check_plan(["10.30.0.0/24", "x<y"], {})
    text = ip.format_findings(findings)
    assert text.splitlines()[0].startswith("✔ 10.30.0.0/24")
    assert text.splitlines()[1].startswith("✘ 'x<y'")
    page = ip.findings_html(findings, "메모")
    assert "<table" in page and "x&lt;y" in page and "<p>메모</p>" in page
    assert "검사할 서브넷이 없다" in ip.findings_html([])


def test_helpers() -> None:
    import ipaddress

    assert ip.usable_addresses(ipaddress.ip_network("10.0.0.0/24")) == 253
    assert ip.usable_addresses(ipaddress.ip_network("10.0.0.0/31")) == 0
    assert ip.usable_addresses(ipaddress.ip_network("fd00::/126")) == 2
    assert ip.smallest_prefix_for(5) == 29
    assert ip.smallest_prefix_for(6) == 28
    assert ip.smallest_prefix_for(253) == 24
    assert ip.smallest_prefix_for(254) == 23


# ---------------------------------------------------------------- 엔진 쪽과 위젯


def _fake_client(*nets: tuple[str, list[str]]) -> SimpleNamespace:
    objs = [
        SimpleNamespace(name=name, attrs={"IPAM": {"Config": [{"Subnet": s} for s in subnets]}})
        for name, subnets in nets
    ]
    return SimpleNamespace(networks=SimpleNamespace(list=lambda: objs))


def test_engine_subnets_from_client_and_lab() -> None:
    client = _fake_client(("bridge", ["172.17.0.0/16"]), ("host", []), ("v6", ["172.16.152.0/24", "fd00:16:150::/64"]))
    expected = {"bridge": "172.17.0.0/16", "v6": "172.16.152.0/24", "v6 (2)": "fd00:16:150::/64"}
    assert ip.engine_subnets(client) == expected
    assert ip.engine_subnets(SimpleNamespace(client=client)) == expected


def test_widget_without_engine_checks_proposals_only() -> None:
    widgets = pytest.importorskip("ipywidgets")
    from netlab.lab import OfflineLab

    box = ip.planner(OfflineLab("ipam", "엔진 없음"), plan="10.30.0.0/24\n10.30.0.0/25\n")
    assert isinstance(box, widgets.Widget)
    assert [f.code for f in box.findings] == [ip.FINE, ip.OVERLAP_PROPOSED]
    assert "엔진이 없어서 제안한 서브넷끼리만 검사한다." in box.output.value
    box.textarea.value = "zzz"
    box.button.click()
    assert [f.code for f in box.findings] == [ip.NOT_CIDR]


def test_widget_none_falls_back_when_engine_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("ipywidgets")
    from netlab import engine

    monkeypatch.setattr(engine, "available", lambda: False)
    box = ip.planner(None, plan="172.17.0.0/24")
    assert [f.code for f in box.findings] == [ip.DEFAULT_POOL]
    assert "엔진이 없어서" in box.output.value


def test_widget_reads_engine_networks_on_every_click() -> None:
    pytest.importorskip("ipywidgets")
    nets = [("nl-ipam-a", ["172.16.150.0/24"])]
    client = _fake_client(*nets)
    box = ip.planner(SimpleNamespace(client=client), plan="172.16.150.0/25 5")
    assert [f.code for f in box.findings] == [ip.OVERLAP_EXISTING]
    box.textarea.value = "172.16.151.0/25 5"
    box.containers.value = 3
    box.button.click()
    assert [f.code for f in box.findings] == [ip.FINE]
    assert "계획한 컨테이너 5개" in box.findings[0].message


def test_widget_with_mapping_and_default_count() -> None:
    pytest.importorskip("ipywidgets")
    box = ip.planner({"bridge": "172.17.0.0/16"}, plan="172.17.1.0/24\n10.30.0.0/28", containers=20)
    assert [f.code for f in box.findings] == [ip.OVERLAP_EXISTING, ip.DEFAULT_POOL, ip.TOO_SMALL]
    assert "주어진 네트워크 1개와 비교한다." in box.output.value
