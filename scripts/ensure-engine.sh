#!/usr/bin/env bash
# 도커 엔진이 응답하게 만든다: 이미 응답하면 아무것도 하지 않는다.
# 엔진이 없고 데비안에서 root 로 실행 중이면 docker.io 와 실습 도구를 설치하고 dockerd 를 띄운다.
# 그 밖의 환경에서는 무엇을 설치해야 하는지 말하고 실패한다.
set -euo pipefail
PY=${1:-python3}
LOG=${NETLAB_DOCKERD_LOG:-/var/log/netlab-dockerd.log}
# 실습 이미지 빌드(debootstrap)와 호스트 관찰에 필요한 데비안 패키지
PKGS="docker.io debootstrap tcpdump iptables iproute2 bridge-utils ca-certificates"

engine_ok() { "$PY" - <<'PYEOF' >/dev/null 2>&1
import netlab.engine as e
e.client()
PYEOF
}

if engine_ok; then echo "도커 엔진이 응답한다."; exit 0; fi

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

missing=""
for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "설치:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
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
