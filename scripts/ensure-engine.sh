#!/usr/bin/env bash
# 도커 엔진이 응답하게 만든다.
# - 독자의 엔진이 응답하면 버전이 무엇이든 그대로 쓴다.
# - 엔진이 없고 데비안에서 root 로 실행 중이면 이 책의 기준 엔진(28.5.2, scripts/engine-debs.sh)과
#   실습 도구를 설치하고 dockerd 를 띄운다.
# - 응답하는 엔진이 28 보다 옛것이고 이 스크립트가 설치한 것이면(표식 파일이나 기록 파일로 안다)
#   그 엔진을 멈추고 기준 엔진으로 올린다. 독자가 설치한 엔진은 올리지 않는다.
# 그 밖의 환경에서는 무엇을 설치해야 하는지 말하고 실패한다.
set -euo pipefail
PY=${1:-python3}
HERE=$(cd "$(dirname "$0")" && pwd)
LOG=${NETLAB_DOCKERD_LOG:-/var/log/netlab-dockerd.log}
MARK=/var/lib/netlab/engine-installed-by-netlab
DEBS=${NETLAB_CACHE:-$HOME/.cache/netlab}/engine-debs
REFERENCE=28.5.2
# 실습 이미지 빌드(debootstrap)와 호스트 관찰에 필요한 데비안 패키지 (엔진은 따로 설치한다)
PKGS="debootstrap tcpdump iptables iproute2 bridge-utils ca-certificates"

engine_ok() { "$PY" - <<'PYEOF' >/dev/null 2>&1
from netlab.base import engine as e
e.client()
PYEOF
}

server_version() { "$PY" -c 'from netlab.base import engine as e; print(e.client().version()["Version"])' 2>/dev/null; }
installed_by_us() { [ -f "$MARK" ] || [ -f "$LOG" ]; }
older_than_28() { [ "$(printf '%s\n' "$1" 28 | sort -V | head -n 1)" != 28 ]; }

stop_our_dockerd() {
  local pid
  pid=$(pgrep -x dockerd || true)
  [ -n "$pid" ] || return 0
  echo "이 스크립트가 띄운 dockerd(pid $pid)를 멈춘다."
  kill $pid
  for _ in $(seq 1 30); do pgrep -x dockerd >/dev/null || break; sleep 1; done
  pgrep -x dockerd >/dev/null && { echo "dockerd 가 30초 안에 멈추지 않았다." >&2; exit 1; }
  # dockerd 가 띄운 containerd 는 dockerd 와 함께 끝난다. 남았으면 기다린다.
  for _ in $(seq 1 10); do pgrep -x containerd >/dev/null || break; sleep 1; done
}

if engine_ok; then
  v=$(server_version || echo "?")
  if [ "$(id -u)" = 0 ] && [ -z "${DOCKER_HOST:-}" ] && installed_by_us && older_than_28 "$v"; then
    echo "응답하는 엔진 $v 는 이 스크립트가 설치한 옛 엔진이다. 기준 엔진 $REFERENCE 로 올린다."
    stop_our_dockerd
  else
    echo "도커 엔진이 응답한다 ($v)."; exit 0
  fi
fi

if [ -n "${DOCKER_HOST:-}" ]; then
  echo "DOCKER_HOST=$DOCKER_HOST 의 엔진이 응답하지 않는다. 그 엔진을 먼저 켠다." >&2; exit 1
fi
if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ]; then
  cat >&2 <<'MSG'
도커 엔진이 응답하지 않는다. 이 스크립트는 데비안 계열에서 root 로 실행할 때만 엔진을 설치해 준다.
직접 준비한다:
  - 도커 엔진(Docker Engine 20.10 이상)을 설치하고 시작한다.
  - 현재 사용자가 /var/run/docker.sock 에 접근할 수 있게 한다 (docker 그룹 또는 rootless 엔진의 DOCKER_HOST).
  - 실습 이미지 빌드에 debootstrap 이 있으면 레지스트리 없이도 된다. 레지스트리에 닿으면 없어도 된다.
MSG
  exit 1
fi

apt_updated=""
apt_update_once() { [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }; }

missing=""
for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "설치:$missing"
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

have=$(dpkg-query -W -f='${Version}' docker.io 2>/dev/null || true)
if [ -z "$have" ] && command -v dockerd >/dev/null; then
  # 다른 꾸러미(docker-ce 등)로 설치된 독자의 엔진: 지우거나 바꾸지 않고 켜기만 한다.
  echo "dockerd 가 docker.io 가 아닌 곳에서 왔다 ($(command -v dockerd)). 그대로 켠다."
elif [ -z "$have" ] || older_than_28 "${have%%+*}"; then
  echo "기준 엔진 $REFERENCE 를 설치한다 (지금: ${have:-없음})."
  stop_our_dockerd
  mapfile -t debs < <(bash "$HERE/engine-debs.sh" "$DEBS")
  # apt 가 의존성을 bookworm 에서 채우고, tini-static 과 함께 있을 수 없는 tini 를 지운다.
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${debs[@]}" >/dev/null
  # 20.10 이 DOCKER-USER 에 넣어 둔 "-j RETURN" 은 28.2.2 부터 만들지도 지우지도 않는다. 남겨 두면 이 기계가
  # 새로 설치한 28.5 와 다르게 보이므로, 옛 엔진을 올릴 때 그 한 줄만 지운다 (독자가 넣은 규칙은 그대로).
  iptables -D DOCKER-USER -j RETURN 2>/dev/null || true
  mkdir -p "$(dirname "$MARK")"
  dpkg-query -W -f='${Version}\n' docker.io >"$MARK"
fi

if ! pgrep -x dockerd >/dev/null; then
  echo "dockerd 를 시작한다 (기록: $LOG)"
  nohup dockerd >"$LOG" 2>&1 &
fi
for i in $(seq 1 60); do
  if engine_ok; then echo "도커 엔진이 응답한다 (${i}초)."; exit 0; fi
  sleep 1
done
echo "dockerd 가 60초 안에 응답하지 않았다. 기록의 끝:" >&2
tail -n 30 "$LOG" >&2 || true
exit 1
