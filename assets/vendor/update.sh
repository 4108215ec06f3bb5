#!/usr/bin/env bash
# 오프라인용 브라우저 라이브러리를 npm 레지스트리에서 받아 public/ 에 다시 채운다.
# 판을 올릴 때는 아래 변수만 고치고 돌린 뒤, docs/book-build.md 의 표와
# public/*/NOTICE.txt·LICENSE.txt 를 확인한다.
#
#   bash assets/vendor/update.sh
#
# HTML_MANAGER_VERSION 은 설치된 ipywidgets 와 짝이 맞아야 한다:
# ipywidgets 가 함께 내놓는 @jupyter-widgets/jupyterlab-manager 와 같은
# @jupyter-widgets/base·controls 판에 의존하는 html-manager 를 고른다
# (npm view @jupyter-widgets/html-manager@<판> dependencies).
set -euo pipefail

REQUIREJS_VERSION=2.3.8
HTML_MANAGER_VERSION=1.0.15
MATHJAX_VERSION=3.2.2

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "requirejs@${REQUIREJS_VERSION}" \
  "@jupyter-widgets/html-manager@${HTML_MANAGER_VERSION}" "mathjax@${MATHJAX_VERSION}" >/dev/null
mkdir rq hm mj
tar xzf "requirejs-${REQUIREJS_VERSION}.tgz" -C rq
tar xzf "jupyter-widgets-html-manager-${HTML_MANAGER_VERSION}.tgz" -C hm
tar xzf "mathjax-${MATHJAX_VERSION}.tgz" -C mj

grep -q '"license": "MIT"' rq/package/package.json || { echo "requirejs 라이선스가 바뀌었다: 확인할 것" >&2; exit 1; }
grep -q '"license": "BSD-3-Clause"' hm/package/package.json || { echo "html-manager 라이선스가 바뀌었다: 확인할 것" >&2; exit 1; }
grep -q '"license": "Apache-2.0"' mj/package/package.json || { echo "mathjax 라이선스가 바뀌었다: 확인할 것" >&2; exit 1; }

out="$here/public"
install -D -m 644 rq/package/require.js "$out/requirejs/require.js"

rm -f "$out"/jupyter-widgets/*.js "$out"/jupyter-widgets/*.woff "$out"/jupyter-widgets/*.woff2
install -D -m 644 hm/package/dist/embed-amd.js "$out/jupyter-widgets/embed-amd.js"
# 글꼴은 embed-amd.js 옆에서 찾는다. 요즘 브라우저가 쓰는 woff2/woff 만 둔다.
install -m 644 hm/package/dist/*.woff2 hm/package/dist/*.woff "$out/jupyter-widgets/"
install -m 644 hm/package/dist/embed.js.LICENSE.txt "$out/jupyter-widgets/THIRD-PARTY-NOTICES.txt"

# MathJax 3: TeX 입력 + CommonHTML 출력 한 덩어리와 그 글꼴, 라이선스만 둔다.
# 글꼴은 스크립트 위치 기준 output/chtml/fonts/woff-v2/ 에서 찾는다.
rm -rf "$out/mathjax"
install -D -m 644 mj/package/es5/tex-chtml.js "$out/mathjax/tex-chtml.js"
install -D -m 644 mj/package/LICENSE "$out/mathjax/LICENSE"
mkdir -p "$out/mathjax/output/chtml/fonts/woff-v2"
install -m 644 mj/package/es5/output/chtml/fonts/woff-v2/*.woff "$out/mathjax/output/chtml/fonts/woff-v2/"

sha256sum "$out/requirejs/require.js" "$out/jupyter-widgets/embed-amd.js" "$out/mathjax/tex-chtml.js"
echo "갱신했다: requirejs ${REQUIREJS_VERSION}, @jupyter-widgets/html-manager ${HTML_MANAGER_VERSION}, mathjax ${MATHJAX_VERSION}"
echo "NOTICE.txt 의 판 번호와 docs/book-build.md 의 표를 고칠 것"
