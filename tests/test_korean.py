"""조사 고르기(netlab.korean)가 책의 읽기 규칙을 따르는지 본다."""

import pytest
from netlab.korean import final_sound, josa, particle


@pytest.mark.parametrize(
    ("word", "form", "expected"),
    [
        # 숫자는 한자어로 읽는다: 1 일, 0 영, 9 구, 끝자리 0은 자릿값(십, 백, 천)
        ("nlbbh-v1", "가", "nlbbh-v1이"),
        ("eth0", "는", "eth0은"),
        ("4789", "이", "4789가"),
        ("80", "를", "80을"),
        ("100", "를", "100을"),
        ("1000", "는", "1000은"),
        ("172.16.0.0/16", "로", "172.16.0.0/16으로"),
        ("worker1", "으로", "worker1로"),  # ㄹ 받침 뒤의 '으로'는 '로'
        # 대문자 약어는 글자 이름으로, 홀소리가 든 긴 대문자 낱말은 낱말로 읽는다
        ("DNS", "은", "DNS는"),
        ("IPAM", "를", "IPAM을"),
        ("INPUT", "가", "INPUT이"),
        ("MAC", "를", "MAC을"),
        ("NAT", "을", "NAT를"),
        # 소문자 낱말은 한글 표기의 받침으로
        ("web", "를", "web을"),
        ("staging", "와", "staging과"),
        ("overlay", "은", "overlay는"),
        ("subnet", "를", "subnet을"),
        ("swarm", "로", "swarm으로"),
        ("tunnel", "으로", "tunnel로"),
        # 16진 ID의 꼬리와 괄호 안의 덧붙임
        ("vethf95cb8b", "은", "vethf95cb8b는"),
        ("nllinux-v1(ifindex 4801)", "다", "nllinux-v1(ifindex 4801)이다"),
        ("`docker0`", "를", "`docker0`을"),
        ("'challenges'", "이", "'challenges'가"),
        # 한글 낱말
        ("네트워크", "을", "네트워크를"),
        ("브리지 포트", "가", "브리지 포트가"),
        ("서비스 바인딩", "는", "서비스 바인딩은"),
    ],
)
def test_particle_agrees_with_the_word(word: str, form: str, expected: str) -> None:
    assert josa(word, form) == expected


def test_invariant_particles_are_left_alone() -> None:
    assert particle("eth0", "의") == "의"
    assert particle("web", "에서") == "에서"


def test_final_sound_kinds() -> None:
    assert final_sound("칠") == "ㄹ"
    assert final_sound("8") == "ㄹ"
    assert final_sound("2") == ""
    assert final_sound("") == ""
