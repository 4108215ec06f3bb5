#!/usr/bin/env bash
# Binder 를 대신하는 시험 (make test-rootless, 이슈 12): 호스팅된 노트북 환경처럼 권한 없는 컨테이너 안에서,
# uid 1000 이 root 도 도커 엔진도 없이 root 없는 랩 호스트를 준비하고 켜서 단일 호스트 장 하나와 여러 노드 장 하나를
# 점검 셀까지 실행한 뒤 내린다.
#
# 컨테이너: images/reader (root 없는 랩 호스트의 데비안 꾸러미만 있는 사용자 공간), --user 1000:1000,
# --cap-drop ALL, --security-opt no-new-privileges, 도커의 기본 seccomp 프로필, 도커 소켓 없음, 장치 없음.
# 바깥으로는 데비안 미러에만 간다 (mmdebstrap 이 꾸러미를 받는다). 컨테이너에는 이 시험의 라벨이 붙고, 끝나거나
# 멈추면 그 컨테이너만 지운다.
#
# 저장된 출력과는 비교하지 않는다(--nbval-lax): 손님 커널(6.1)에는 이 책을 기록한 커널에 없는 ipvlan 같은 기능이
# 있어서 같은 셀의 출력이 다르다. 셀이 하나라도 실패하면(점검 check() 가 실패하면 예외를 낸다) 시험이 실패한다.
#
# 파이썬 꾸러미는 이 기계에서 uid 1000 이 만든 .venv 를 쓴다 (컨테이너의 /usr/bin/python3 과 같은 데비안 파이썬).
# Binder 에서는 repo2docker 가 requirements 를 설치한다.
#
#   NB="chapters/06-bridge.ipynb chapters/04-control-plane.ipynb" bash scripts/rootless/binder-like-test.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PY=${PY:-$REPO/.venv/bin/python}
NB=${NB:-chapters/06-bridge.ipynb chapters/04-control-plane.ipynb}
NAME=netlab-binder-like
LABEL=netlab.book=docker-network-design
READER_UID=1000
started=$(date +%s)

"$PY" -m netlab images reader
work=$(mktemp -d /var/tmp/netlab-binder-like.XXXXXX)
cleanup() {
  docker rm -f "$NAME" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
docker rm -f "$NAME" >/dev/null 2>&1 || true

# 독자가 받는 것: 커밋된 저장소 (작업 트리의 고치지 않은 파일은 시험하지 않는다)
git clone -q "$REPO" "$work/book"
chown -R "$READER_UID:$READER_UID" "$work"
chmod 755 "$work"
as_reader() { setpriv --reuid="$READER_UID" --regid="$READER_UID" --clear-groups env HOME="$work" "$@"; }
as_reader make -C "$work/book" venv PYTHON=/usr/bin/python3 >/dev/null
echo "독자의 .venv 준비: $(($(date +%s) - started))초"

# 권한 없는 컨테이너. HOME 은 바인드 마운트한 작업 폴더라 캐시(디스크)도 거기 생기고 시험이 끝나면 지운다.
# 이 기계의 apt 설정(/etc/apt/apt.conf.d, 읽기 전용)을 독자 환경의 것으로 준다: 여기의 데비안 미러는 날짜가 지난
# 스냅숏이라 apt 가 sid 의 Release 를 받아들이려면 그 설정(Check-Valid-Until)이 있어야 한다. 독자의 기계라면 그
# 기계의 apt 설정이 같은 자리에 있다.
docker run -d --init --name "$NAME" --label "$LABEL" --label netlab.lab=binder-like \
  --user "$READER_UID:$READER_UID" --cap-drop ALL --security-opt no-new-privileges \
  -v /etc/apt/apt.conf.d:/etc/apt/apt.conf.d:ro \
  -e HOME="$work" -e NETLAB_CONNECT_TIMEOUT=5 -v "$work:$work" -w "$work/book" \
  netlab/reader:bookworm sleep infinity >/dev/null
in_reader() { docker exec "$NAME" "$@"; }
echo "컨테이너: $(docker inspect -f 'uid {{.Config.User}}, CapDrop {{.HostConfig.CapDrop}}, SecurityOpt {{.HostConfig.SecurityOpt}}' "$NAME")"
in_reader sh -c 'grep -E "^(Cap(Eff|Prm|Bnd)|NoNewPrivs|Seccomp):" /proc/self/status; test ! -S /var/run/docker.sock && echo "도커 소켓 없음"'

status=0
in_reader make rootless || status=$?
if [ "$status" = 0 ]; then
  # shellcheck disable=SC2086
  in_reader .venv/bin/python -m pytest -p no:cacheprovider --nbval-lax --nbval-cell-timeout=900 $NB || status=$?
fi
in_reader make rootless-down || status=$((status ? status : 1))
left=$(in_reader sh -c 'pgrep -u 1000 -x linux.uml -c || true')
[ "${left:-0}" = 0 ] || { echo "UML 프로세스 $left 개가 남았다" >&2; status=$((status ? status : 1)); }
echo "Binder 같은 시험: 종료 코드 $status, $(($(date +%s) - started))초"
exit "$status"
