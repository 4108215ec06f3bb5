"""앞말의 끝소리에 맞는 조사를 고른다.

실습의 출력은 엔진이 고른 이름(`veth7a190a1`, `nlbbh-v1`)과 주소를 한국어 문장에 넣는다. 조사를 틀에 적어 두면
이름이 바뀔 때마다 틀린다("nlbbh-v1이"). 그래서 틀에는 조사 하나만 적고, 어느 짝을 쓸지는 앞말을 읽는 소리의
끝으로 정한다. 책의 본문이 읽는 방식과 같다: 숫자는 한자어로(`eth0`은 영, 4789는 구, 80은 팔십), 대문자 약어는
글자 이름으로(`DNS`는 에스, `IPAM`은 엠), 소문자 낱말은 영어 발음의 한글 표기로(`web`은 웹, `staging`은 스테이징).
"""

from __future__ import annotations

import re

# 받침 없는 말 뒤의 꼴과 받침 있는 말 뒤의 꼴. '으로/로'는 ㄹ 받침 뒤에서도 '로'다.
_PAIRS: tuple[tuple[str, str], ...] = (
    ("가", "이"),
    ("는", "은"),
    ("를", "을"),
    ("와", "과"),
    ("로", "으로"),
    ("라는", "이라는"),
    ("라고", "이라고"),
    ("라면", "이라면"),
    ("라서", "이라서"),
    ("란", "이란"),
    ("라", "이라"),
    ("다", "이다"),
    ("나", "이나"),
    ("며", "이며"),
    ("와의", "과의"),
    ("와는", "과는"),
    ("로는", "으로는"),
    ("로서", "으로서"),
    ("로써", "으로써"),
)
_FORMS: dict[str, tuple[str, str]] = {form: pair for pair in _PAIRS for form in pair}

# 한자어 수의 끝소리: 0 영, 1 일, 3 삼, 6 육, 7 칠, 8 팔은 받침이 있고, 그중 1, 7, 8은 ㄹ 이다.
_DIGIT_FINAL = {"0": "ㅇ", "1": "ㄹ", "2": "", "3": "ㅁ", "4": "", "5": "", "6": "ㄱ", "7": "ㄹ", "8": "ㄹ", "9": ""}
# 끝자리가 0인 수는 자릿값을 읽는다: 십, 백, 천, 만.
_PLACE_FINAL = {1: "ㅂ", 2: "ㄱ", 3: "ㄴ", 4: "ㄴ"}
# 대문자 약어의 마지막 글자 이름: L 엘, M 엠, N 엔, R 알. 나머지(에이, 비, 씨 …, 에스, 엑스)는 받침이 없다.
_LETTER_FINAL = {"L": "ㄹ", "M": "ㅁ", "N": "ㄴ", "R": "ㄹ"}
# 글자 이름이 아니라 낱말로 읽는 약어와 소문자 낱말. 책의 본문이 쓰는 읽기다(MAC을, IPsec으로).
_WORDS = {"mac": "ㄱ", "ipsec": "ㄱ", "nat": "", "snat": "", "dnat": ""}
# 넉 자가 넘어도 글자 이름으로 읽는 약어. 홀소리가 든 그 밖의 긴 대문자 낱말(INPUT, PREROUTING)은 낱말로 읽는다.
_ACRONYMS = frozenset(
    {"IPAM", "IPVS", "ICMP", "HTTP", "HTTPS", "DHCP", "VXLAN", "VLAN", "CIDR", "UUID", "IPIP", "IPV4", "IPV6"}
)
# 소문자 낱말의 끝 철자와 그 한글 표기의 받침. 앞에서부터 맞춰 본다.
_ENDINGS: tuple[tuple[str, str], ...] = (
    ("ng", "ㅇ"),
    ("mp", ""),  # dump 덤프
    ("le", "ㄹ"),  # table 테이블, module 모듈
    ("ll", "ㄹ"),
    ("ine", "ㄴ"),  # engine 엔진, machine 머신
    ("one", "ㄴ"),  # none 논, zone 존
    ("ame", "ㅁ"),  # name 네임, frame 프레임
    ("ime", "ㅁ"),
    ("ut", "ㅅ"),  # input 인풋, output 아웃풋
    ("ack", "ㄱ"),  # conntrack 콘트랙
    ("ick", "ㄱ"),
    ("ock", "ㄱ"),
    ("et", "ㅅ"),  # subnet 서브넷, socket 소켓
    ("at", "ㅅ"),  # format 포맷
    ("ec", "ㄱ"),  # spec 스펙
    ("ac", "ㄱ"),
    ("m", "ㅁ"),
    ("n", "ㄴ"),
    ("l", "ㄹ"),
    ("b", "ㅂ"),  # web 웹
    ("p", "ㅂ"),  # app 앱, group 그룹
)


def final_sound(word: str) -> str:
    """word를 읽은 소리의 받침. 없으면 빈 문자열이다. 글자가 아닌 꼬리(따옴표, 괄호)는 건너뛴다."""
    stem = word.rstrip(" \t'\"`’”]}>*")
    # 괄호 안의 덧붙임은 건너뛰고 그 앞말에 맞춘다: vethf95cb8b(ifindex 4241)는 veth… 에 맞춘다.
    while stem.endswith(")") and "(" in stem[:-1]:
        stem = stem[: stem.rindex("(")].rstrip(" \t'\"`’”]}>*") or stem[:-1]
    stem = stem.rstrip(")")
    if not stem:
        return ""
    last = stem[-1]
    if "가" <= last <= "힣":
        index = (ord(last) - ord("가")) % 28
        return "" if index == 0 else ("ㄹ" if index == 8 else "ㅂ" if index == 17 else "ㅇ" if index == 21 else "ㄱ")
    if last.isdigit():
        digits = re.search(r"\d+$", stem)[0]
        zeros = len(digits) - len(digits.rstrip("0"))
        if zeros and zeros < len(digits):
            return _PLACE_FINAL.get(zeros, "ㄴ")
        return _DIGIT_FINAL[last]
    letters = re.search(r"[A-Za-z]+$", stem)
    if letters is None:
        return ""
    run = letters[0]
    if len(run) == 1 or (len(run) == 2 and letters.start() > 0 and stem[letters.start() - 1].isdigit()):
        # 한두 글자(16진 ID의 꼬리 8b, 이름의 a)는 글자 이름으로 읽는다.
        return _LETTER_FINAL.get(run[-1].upper(), "")
    if run.lower() in _WORDS:
        return _WORDS[run.lower()]
    if run.isupper() and not (len(run) >= 4 and re.search("[AEIOU]", run) and run not in _ACRONYMS):
        return _LETTER_FINAL.get(run[-1], "")
    lower = run.lower()
    for ending, final in _ENDINGS:
        if lower.endswith(ending):
            return final
    return ""


def particle(word: str, form: str) -> str:
    """word 뒤에 붙일 조사. form은 짝의 어느 꼴이든 된다('가' 든 '이' 든). 짝이 없는 조사(의, 에)는 그대로다."""
    pair = _FORMS.get(form)
    if pair is None:
        return form
    final = final_sound(word)
    if pair[0] == "로" or pair[0].startswith("로"):
        return pair[1] if final and final != "ㄹ" else pair[0]
    return pair[1] if final else pair[0]


def josa(word: object, form: str) -> str:
    """word에 알맞은 조사를 붙인 문자열. f-문자열 안에서 ``{josa(name, "가")}``로 쓴다."""
    text = str(word)
    return text + particle(text, form)
