#!/usr/bin/env bash
# PDF 책(make pdf)에 필요한 것을 갖춘다: XeLaTeX 와 한국어 조판(kotex), latexmk, 한글 글꼴,
# SVG 를 PDF 로 바꾸는 rsvg-convert, PDF 를 검사하는 pdftotext·pdftoppm.
# 이미 있으면 아무것도 하지 않는다. 없고 데비안에서 root 로 실행 중이면 데비안 패키지를 설치한다.
# 그 밖의 환경에서는 무엇이 필요한지 말하고 실패한다 (scripts/ensure-browser.sh 와 같은 방식).
#
# 꾸러미마다 하는 일 (docs/book-build.md 의 'PDF 책'):
#   texlive-xetex        xelatex 와 fontspec. 시스템 글꼴(OpenType)을 쓸 수 있는 엔진이다. pdflatex 로는
#                        한글을 조판할 수 없다. texlive-latex-extra(Sphinx 가 쓰는 LaTeX 꾸러미들)가 딸려 온다.
#   texlive-fonts-recommended  hyperref 가 XeTeX 에서 찾는 ZapfDingbats 글꼴 정보(pzdr.tfm). 없으면 빌드가 멈춘다.
#   texlive-lang-korean  kotex(xetexko): 한글과 로마자 글꼴을 나눠 맡기고, 한글 줄 바꿈과 간격을 다룬다.
#                        은글꼴·백묵 글꼴이 딸려 온다(데비안의 의존성). 책은 Noto 글꼴을 쓴다.
#   fonts-noto-cjk       한글 글꼴(Noto Serif/Sans/Sans Mono CJK KR). 없으면 한글이 빈 네모(tofu)가 된다.
#   fonts-dejavu-core    로마자 글꼴과 출력 속 기호(─ │ → ✔ ✘ ⚠ ① …)의 글리프.
#   latexmk              LaTeX 를 목차와 참조가 맞을 때까지 되풀이해 돌린다 (Sphinx 의 Makefile 이 부른다).
#   librsvg2-bin         rsvg-convert: netlab 의 SVG 구성도를 PDF 로 바꾼다 (sphinxcontrib-svg2pdfconverter).
#   poppler-utils        pdftotext, pdftoppm, pdfinfo: tests/test_pdf.py 가 PDF 를 읽고 쪽을 PNG 로 찍는다.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }
have_tex_file() { have kpsewhich && [ -n "$(kpsewhich "$1" 2>/dev/null)" ]; }
have_font() { have fc-list && [ -n "$(fc-list "$1" family 2>/dev/null | head -n 1)" ]; }

missing=""
{ have xelatex && have_tex_file fontspec.sty && have_tex_file fncychap.sty; } || missing="$missing texlive-xetex"
have_tex_file pzdr.tfm || missing="$missing texlive-fonts-recommended"
have_tex_file xetexko.sty || missing="$missing texlive-lang-korean"
have_font "Noto Serif CJK KR" || missing="$missing fonts-noto-cjk"
have_font "DejaVu Sans Mono" || missing="$missing fonts-dejavu-core"
have latexmk || missing="$missing latexmk"
have rsvg-convert || missing="$missing librsvg2-bin"
{ have pdftotext && have pdftoppm && have pdfinfo; } || missing="$missing poppler-utils"

if [ -z "$missing" ]; then
  echo "XeLaTeX, kotex, 한글 글꼴, rsvg-convert, poppler-utils 가 있다."
  exit 0
fi

if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ]; then
  cat >&2 <<MSG
PDF 책에 필요한 것이 없다:$missing
이 스크립트는 데비안 계열에서 root 로 실행할 때만 설치해 준다. 직접 준비한다:
  - XeLaTeX 와 Sphinx 가 쓰는 LaTeX 꾸러미 (TeX Live: xetex, latex-extra, fonts-recommended), latexmk
  - kotex (TeX Live: lang-korean 의 xetexko)
  - 글꼴: Noto Serif/Sans/Sans Mono CJK KR, DejaVu Sans/Sans Mono
  - rsvg-convert (librsvg), pdftotext·pdftoppm·pdfinfo (poppler)
MSG
  exit 1
fi

echo "설치:$missing (처음에는 몇 분 걸린다)"
. "$(dirname "$0")/apt-install.sh"
apt_install_quietly "$missing" || exit 1

if ! have xelatex || ! have_tex_file xetexko.sty || ! have_tex_file pzdr.tfm || ! have_font "Noto Serif CJK KR" \
  || ! have latexmk || ! have rsvg-convert || ! have pdftotext || ! have pdftoppm; then
  echo "설치한 뒤에도 필요한 것을 다 찾지 못했다." >&2
  exit 1
fi
echo "XeLaTeX, kotex, 한글 글꼴, rsvg-convert, poppler-utils 를 설치했다."
