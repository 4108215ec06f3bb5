# 데비안 꾸러미를 조용히 설치하는 함수. ensure-browser.sh 와 ensure-tex.sh 가 source 한다.
# 성공하면 아무것도 찍지 않고, 실패하면 apt-get 의 마지막 30줄을 보여 주고 1을 돌려준다.
# --no-install-recommends: 권장 꾸러미(문서, 자바, 다른 언어 조판)까지 받으면 몇 배로 커진다.
apt_install_quietly() {
  local log
  log=$(mktemp)
  # shellcheck disable=SC2086  # 꾸러미 이름들은 빈칸으로 나뉘어야 한다
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $1; } >"$log" 2>&1; then
    echo "apt-get 이 실패했다:" >&2
    tail -n 30 "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  fc-cache -f >/dev/null 2>&1 || true
}
