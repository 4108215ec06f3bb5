#!/usr/bin/env bash
# 이 책의 기준 엔진(Docker Engine 28.5.2)의 .deb 를 한 폴더에 모은다. 이미 있으면 받지 않는다.
#
# 쓰는 곳: scripts/ensure-engine.sh(이 기계에 설치)와 netlab.images(클러스터 노드 이미지에 설치).
# 데비안 bookworm 의 docker.io 는 20.10 이다(2023년에 지원 종료). 데비안 sid 에 28.5.2 가 있고,
# 아래 네 꾸러미만 sid 에서 가져오면 bookworm 위에서 돈다(2026-12 측정):
#   docker.io, docker-cli  28.5.2   엔진과 CLI (28 부터 CLI 가 따로 나뉘었다)
#   containerd             2.1.9
#   tini-static            0.19.0   bookworm 의 tini 는 이것과 함께 있을 수 없다(Breaks)
# runc 는 bookworm 것(1.1.5)을 쓴다: sid 의 runc 는 libc6 2.38 이상을 요구해 설치되지 않는다.
#
# sid 를 이 기계의 apt 소스에 넣지 않는다(그러면 시스템 절반이 올라간다). 목록은 캐시 폴더 안의
# 별도 sources.list 와 lists 폴더로 받고, 버전을 못박아 받는다. sid 가 다음 버전으로 넘어가
# 못박은 버전이 사라지면 sid 의 현재 후보를 받고 경고한다: 그때는 노트북을 다시 기록할 때다.
#
# 꾸러미와 버전은 images/engine-debs.txt 한 곳에 있다.
#
# 쓰는 법: engine-debs.sh <폴더> [목록 파일]   (받은 .deb 경로를 한 줄에 하나씩 표준 출력에 쓴다)
set -euo pipefail
DEST=${1:?"쓰는 법: $0 <폴더> [목록 파일]"}
LIST=${2:-$(dirname "$0")/../images/engine-debs.txt}
MIRROR=${NETLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PINNED=$(grep -v '^#' "$LIST" | tr '\n' ' ')

mkdir -p "$DEST"
want_file() { # docker.io=28.5.2+dfsg4-5 -> docker.io_28.5.2+dfsg4-5_amd64.deb (에포크 없음)
  local name=${1%%=*} version=${1#*=}
  echo "${name}_${version}_$(dpkg --print-architecture).deb"
}

missing=""
for p in $PINNED; do [ -s "$DEST/$(want_file "$p")" ] || missing="$missing $p"; done

if [ -n "$missing" ]; then
  apt_dir="$DEST/.apt"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  echo "deb $MIRROR sid main" >"$apt_dir/sources.list"
  APT=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
       -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
       -o APT::Sandbox::User=root -qq)
  echo "sid 의 꾸러미 목록을 받는다 (약 11 MB, 이 기계의 apt 소스는 그대로 둔다)" >&2
  apt-get "${APT[@]}" update >&2
  for p in $missing; do
    name=${p%%=*}
    echo "받는다: $p" >&2
    if ! (cd "$DEST" && apt-get "${APT[@]}" download "$p" >&2); then
      echo "경고: sid 에 $p 가 더는 없다. sid 의 현재 $name 을 받는다. 저장된 출력과 다를 수 있다." >&2
      (cd "$DEST" && apt-get "${APT[@]}" download "$name" >&2)
    fi
  done
fi

for p in $PINNED; do
  f="$DEST/$(want_file "$p")"
  if [ -s "$f" ]; then echo "$f"; else ls -1 "$DEST/${p%%=*}"_*.deb | tail -n 1; fi
done
