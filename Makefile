# 도커 컨테이너 네트워크 설계 실습서
#   make book   HTML 책을 _build/html 에 만든다 (엔진 필요 없음)
#   make test   엔진 준비, 실습 이미지 빌드, 단위 테스트, 모든 노트북 nbval, 책 빌드 검사
#   make pdf    책 전체를 PDF 하나로 _build/latex 에 만들고 검사한다 (엔진 필요 없음, TeX 를 설치한다)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NOTEBOOKS := $(wildcard chapters/*.ipynb labs/*.ipynb)
NB_DIRS := $(wildcard chapters labs)
PYTEST_NB := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=300

.PHONY: help venv book pdf test lint engine images browser notebooks lab refresh bench soak compat clean distclean rootless rootless-down test-rootless

help:
	@echo "make book      HTML 책 빌드 (_build/html)"
	@echo "make test      엔진 준비 + 이미지 + 테스트 + nbval + 책 검사 (CI 가 실행)"
	@echo "make pdf       책 전체를 PDF 하나로 (_build/latex/$(PDF_NAME).pdf), 만든 뒤 tests/test_pdf.py 로 검사"
	@echo "make lab       JupyterLab 으로 실습 열기"
	@echo "make refresh   노트북을 다시 실행해 저장된 출력을 새로 만든다 (NB=경로 로 하나만)"
	@echo "make bench     시간 측정"
	@echo "make soak      CPU 부하 아래에서 여러 노드 노트북을 ROUNDS(기본 5)번 nbval 로 돌려 경합을 찾는다"
	@echo "make compat    옛 엔진(데비안 12 의 20.10)을 품은 노드에서 단일 호스트 노트북을 점검과 함께 실행한다"
	@echo "make rootless  root 도 도커 엔진도 없이: 사용자 권한의 UML 손님 엔진을 켠다 (그 뒤 make lab)"
	@echo "make test-rootless  Binder 같은 비특권 컨테이너 안에서 uid 1000 으로 root 없는 랩 호스트와 두 장을 돌린다"
	@echo "make clean     라벨이 붙은 실습 자원만 지운다"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps -e .
	@touch $@

book: venv
	rm -rf _build/html _build/.doctrees
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	@test -f _build/html/index.html && echo "책: _build/html/index.html"

# PDF 책: XeLaTeX 와 kotex 로 저장된 출력까지 PDF 하나에 싣는다 (docs/book-build.md 의 'PDF 책').
# 이름은 _config.yml 의 latex.latex_documents.targetname 과 같아야 한다.
PDF_NAME := docker-network-design
pdf: venv
	bash scripts/ensure-tex.sh
	rm -rf _build/latex
	$(BIN)/jupyter-book build . --builder pdflatex
	@test -f _build/latex/$(PDF_NAME).pdf
	$(BIN)/python -m pytest tests/test_pdf.py -p no:cacheprovider -q
	@echo "PDF 책: _build/latex/$(PDF_NAME).pdf ($$(pdfinfo _build/latex/$(PDF_NAME).pdf | awk '/^Pages:/ {print $$2}')쪽)"

lint: venv
	$(BIN)/ruff check netlab tests _ext scripts $(NB_DIRS)
	$(BIN)/ruff format --check netlab tests _ext scripts $(NB_DIRS)
	$(BIN)/python scripts/lint_prose.py

engine: venv
	bash scripts/ensure-engine.sh $(BIN)/python

images: engine
	$(BIN)/python -m netlab images lab node labhost

browser:
	bash scripts/ensure-browser.sh

# 랩 호스트를 쓰는 노트북(8장, 14장, 실습 7)은 마지막 셀에서 랩 호스트를 내린다. 여기서는 NETLAB_LABHOST_KEEP=1 로
# 켜 둔 채 다음 노트북이 다시 쓰게 하고(부팅 한 번 아낀다), 끝나면 성공이든 실패든 내린다.
# 명령의 종료 코드를 지키되, 랩 호스트를 내리지 못하면 그것도 실패로 친다.
define with_shared_labhost
NETLAB_LABHOST_KEEP=1 $(1); status=$$?; \
  $(BIN)/python -m netlab labhost down >/dev/null || status=$$((status ? status : 1)); exit $$status
endef

test: lint engine images browser book
	$(call with_shared_labhost,$(BIN)/python -m pytest tests $(NB_DIRS) $(PYTEST_NB) -p no:cacheprovider --durations=40)

notebooks: engine images
	$(call with_shared_labhost,$(BIN)/python -m pytest $(NB_DIRS) $(PYTEST_NB) -p no:cacheprovider)

lab: engine images
	$(BIN)/python -m pip install --disable-pip-version-check -q -r binder/requirements-lab.txt
	$(BIN)/jupyter lab --ip=127.0.0.1

refresh: engine images
	$(BIN)/python scripts/refresh.py $(or $(NB),$(NOTEBOOKS))

bench: engine images
	$(BIN)/python scripts/bench.py

# 경합 찾기: make test 에 들어 있지 않다. ROUNDS=2, SOAK_NB="chapters/13-load-balancing.ipynb" 로 줄일 수 있다
ROUNDS ?= 5
soak: engine images
	$(BIN)/python scripts/soak.py --rounds $(ROUNDS) $(SOAK_NB)

# 옛 세대의 엔진에서도 실습이 도는지: 이 기계의 엔진은 건드리지 않고 노드 컨테이너 안의 20.10 에서 돌린다
compat: engine images
	$(BIN)/python -m netlab images node-compat
	$(BIN)/python scripts/compat.py $(NB)

# root 없는 랩 호스트 (docs/design.md): 디스크를 캐시에 만들고(처음 4~6분) 손님 엔진을 켠다. 그 뒤의 make lab,
# 노트북, python -m netlab 은 DOCKER_HOST 가 없으면 그 엔진을 쓴다.
rootless: venv
	$(BIN)/python -m netlab rootless up

rootless-down: venv
	$(BIN)/python -m netlab rootless down

# Binder 를 대신하는 시험: 이 기계의 엔진에 비특권 컨테이너를 띄워 그 안에서 uid 1000 으로 한다 (13분쯤)
test-rootless: engine
	bash scripts/rootless/binder-like-test.sh

clean:
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m netlab clean; fi

distclean: clean
	rm -rf _build $(VENV)
