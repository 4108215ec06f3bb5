#!/usr/bin/env bash
# 브라우저 시험(tests/test_browser.py)에 필요한 것을 갖춘다: 헤드리스 Chromium 과 한글 글꼴.
# 이미 있으면 아무것도 하지 않는다. 없고 데비안에서 root 로 실행 중이면 데비안 패키지
# chromium 과 fonts-noto-cjk 를 설치한다. 그 밖의 환경에서는 무엇이 필요한지 말하고 실패한다.
#
# 한글 글꼴이 없으면 Chromium 은 한글을 빈 네모(tofu)로 그린다. 책의 본문이 거의 한글이므로
# 글꼴 없는 브라우저 시험은 의미가 없다. 그래서 글꼴도 브라우저와 같은 무게로 다룬다.
set -euo pipefail

have_browser() {
  for b in chromium chromium-browser; do
    if command -v "$b" >/dev/null 2>&1; then return 0; fi
  done
  return 1
}
# fc-list 가 한국어(:lang=ko)를 덮는 글꼴을 하나라도 알면 된다. 특정 글꼴 이름에 묶지 않는다.
have_korean_font() {
  command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=ko family 2>/dev/null | head -n 1)" ]
}

missing=""
have_browser || missing="$missing chromium"
have_korean_font || missing="$missing fonts-noto-cjk"

if [ -z "$missing" ]; then
  echo "헤드리스 브라우저와 한글 글꼴이 있다."
  exit 0
fi

if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ]; then
  cat >&2 <<MSG
브라우저 시험에 필요한 것이 없다:$missing
이 스크립트는 데비안 계열에서 root 로 실행할 때만 설치해 준다. 직접 준비한다:
  - Chromium (명령 이름 chromium 또는 chromium-browser)
  - 한글 글꼴 (예: Noto Sans CJK. 'fc-list :lang=ko' 가 무언가를 보여야 한다)
MSG
  exit 1
fi

echo "설치:$missing"
. "$(dirname "$0")/apt-install.sh"
apt_install_quietly "$missing" || exit 1

if ! have_browser || ! have_korean_font; then
  echo "설치한 뒤에도 브라우저나 한글 글꼴을 찾지 못했다." >&2
  exit 1
fi
echo "헤드리스 브라우저와 한글 글꼴을 설치했다."
