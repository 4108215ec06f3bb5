"""코드 셀의 "파이썬"·"docker 명령" 탭 (``_ext/cli_tabs.py``)을 빌드한 책(_build/html)에서 확인한다.

- 6장의 ``lab.network("appnet", …)`` 셀은 두 탭을 가지고, 명령 탭에는 그 셀의 출력에 찍힌
  ``$ docker network create …`` 줄이 그대로 있다. 명령 줄을 찍지 않은 셀에는 탭이 없다.
- 모든 쪽에서 탭 묶음은 명령 줄을 찍은 노트북 셀과 하나씩 맞고, 명령 탭의 줄은 그 셀의 저장된 출력의 줄과 같다.

브라우저에서 누르기·키보드·화면은 ``tests/test_browser.py`` 의 ``test_cli_tabs_*`` 가 본다.
빌드가 없으면 건너뛰지 않고 실패한다. 다른 곳에 빌드한 책은 ``BOOK_HTML_DIR`` 로 가리킨다.
"""

from __future__ import annotations

import json
import os
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML_DIR = Path(os.environ.get("BOOK_HTML_DIR", ROOT / "_build" / "html"))
sys.path.insert(0, str(ROOT / "_ext"))

from cli_tabs import cli_lines, command_name  # noqa: E402

BRIDGE = "chapters/06-bridge"
#: 6장에서 appnet 을 만드는 셀 (``appnet = lab.network("appnet", …)`` 과 ``show.ipam(appnet)``)
APPNET_CELL = "43573bf9"
APPNET_LINE = "$ docker network create --driver bridge --subnet 172.16.60.0/24 --gateway 172.16.60.1 nl-bridge-appnet"
#: 같은 셀의 ``show.ipam(appnet)`` 이 찍는 읽기 줄 (netlab/base/cli_echo.py)
APPNET_IPAM_LINE = "$ docker network inspect --format '{{json .IPAM}}' nl-bridge-appnet"
#: 6장에서 명령 줄 없이 기본 bridge 네트워크의 기록(``default_bridge.attrs``)을 읽는 셀
NO_CLI_SOURCE = "default_subnet = default_bridge.attrs["

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> Any:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, cls: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.iter()
            if (cls is None or cls in n.classes)
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


class _Tree(HTMLParser):
    """작은 DOM: 쪽의 태그와 글자를 나무로 모은다."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.here = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.here)
        self.here.children.append(node)
        if tag not in _VOID:
            self.here = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.here
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.here = node.parent

    def handle_data(self, data: str) -> None:
        self.here.children.append(data)


def _page(name: str) -> Node:
    path = HTML_DIR / f"{name}.html"
    if not path.is_file():
        pytest.fail(f"빌드한 책이 없다: {path}. `make book` 을 먼저 실행한다 (make test 가 한다).")
    tree = _Tree()
    tree.feed(path.read_text(encoding="utf-8"))
    return tree.root


def _notebook_cells(name: str) -> list[dict[str, Any]]:
    """노트북의 코드 셀마다 id, 원본, 저장된 표준 출력의 명령 줄."""
    nb = json.loads((ROOT / f"{name}.ipynb").read_text(encoding="utf-8"))
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        stdout = "".join(
            "".join(o["text"]) if isinstance(o["text"], list) else o["text"]
            for o in cell.get("outputs", [])
            if o["output_type"] == "stream" and o.get("name") == "stdout"
        )
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        cells.append({"id": cell.get("id"), "source": source, "lines": cli_lines(stdout)})
    return cells


def _notebooks() -> list[str]:
    paths = [*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("labs/*.ipynb")]
    return sorted(p.relative_to(ROOT).with_suffix("").as_posix() for p in paths)


def _tabs(set_: Node) -> list[Node]:
    return [n for n in set_.iter() if n.attrs.get("role") == "tab"]


def _panel(page: Node, tab: Node) -> Node:
    panels = page.find_all(id=tab.attrs["aria-controls"])
    assert len(panels) == 1, f"탭 {tab.attrs.get('id')} 의 aria-controls 가 가리키는 패널이 하나가 아니다"
    return panels[0]


# -- 명령 줄 고르기 -------------------------------------------------------------------------------


def test_cli_lines_keeps_only_echoed_commands() -> None:
    text = "\n".join(
        [
            "$ docker network create --driver bridge nl-x",
            "실습 'bridge' 준비 완료",
            "$ DOCKER_CONFIG=<실습 폴더> docker context create worker1",
            "$ iptables -I INPUT -p udp --dport 4789 -j DROP    # worker1 노드 안에서",
            "$ (엔진 호스트) VNI 4098를 붙여 172.16.149.13:4789로 보낸다",
            "  $ docker run -d nl-indented",
            "# $ docker comment",
            "\x1b[32m$ ip link set nlbr up\x1b[0m",
        ]
    )
    assert cli_lines(text) == [
        "$ docker network create --driver bridge nl-x",
        "$ DOCKER_CONFIG=<실습 폴더> docker context create worker1",
        "$ iptables -I INPUT -p udp --dport 4789 -j DROP    # worker1 노드 안에서",
        "$ ip link set nlbr up",
    ]
    assert command_name("$ DOCKER_CONFIG=<실습 폴더> docker context ls") == "docker"
    assert command_name("docker ps") is None


# -- 저장된 출력 (빌드 없이) -----------------------------------------------------------------------


def test_every_cell_that_asks_the_engine_shows_a_command() -> None:
    """엔진에 무엇을 만들거나 묻는(``.reload()``, ``networks.get(`` …) 셀은 모두 저장된 출력에 명령 줄이 있다.

    셀이 SDK를 직접 부르면 ``netlab/base/cli_echo.py`` 가 명령 줄을 찍으므로 "docker 명령" 탭이 생긴다.
    찾기는 ``scripts/cli_tab_coverage.py`` 의 것(원본의 낱말로 고른다)이다.
    """
    sys.path.insert(0, str(ROOT / "scripts"))
    from cli_tab_coverage import uncovered

    notebooks = sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("labs/*.ipynb")])
    assert len(notebooks) > 20
    missing = {nb.relative_to(ROOT).as_posix(): cells for nb in notebooks if (cells := uncovered(nb))}
    assert not missing, f"엔진에 묻거나 만드는데 명령 줄이 없는 셀: {missing}"


def test_coverage_finder_sees_a_cell_without_commands(tmp_path: Path) -> None:
    """음성 대조: 명령 줄 없이 ``net.reload()`` 하는 셀은 찾고, 명령 줄이 있으면 찾지 않는다."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from cli_tab_coverage import uncovered

    def notebook(stdout: str) -> Path:
        cell = {
            "cell_type": "code",
            "id": "c1",
            "metadata": {},
            "execution_count": 1,
            "source": "net.reload()\nprint(net.attrs['Driver'])",
            "outputs": [{"output_type": "stream", "name": "stdout", "text": stdout}],
        }
        path = tmp_path / f"nb{len(stdout)}.ipynb"
        path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
        return path

    assert uncovered(notebook("bridge\n")) == [("c1", [".reload()"])]
    assert uncovered(notebook("$ docker network inspect nl-x\nbridge\n")) == []


# -- 빌드한 책 ------------------------------------------------------------------------------------


def test_bridge_network_cell_has_python_and_docker_tabs() -> None:
    page = _page(BRIDGE)
    sets = page.find_all("netlab-cli-tabs", data_cell_id=APPNET_CELL)
    assert len(sets) == 1, f"{BRIDGE} 의 셀 {APPNET_CELL} (appnet 만들기)에 탭 묶음이 없다"
    tabset = sets[0]
    assert tabset.parent is not None and "cell_input" in tabset.parent.classes, "탭 묶음이 셀 입력 칸 안에 없다"

    lists = [n for n in tabset.iter() if n.attrs.get("role") == "tablist"]
    assert len(lists) == 1 and lists[0].attrs.get("aria-label"), "탭 줄(role=tablist, aria-label)이 없다"
    tabs = _tabs(tabset)
    assert [t.text().strip() for t in tabs] == ["파이썬", "docker 명령"]
    assert [t.attrs.get("aria-selected") for t in tabs] == ["true", "false"]
    assert [t.attrs.get("tabindex") for t in tabs] == ["0", "-1"], "고른 탭만 Tab 키로 닿아야 한다 (roving tabindex)"
    assert all(t.tag == "button" for t in tabs)

    python, cli = (_panel(page, t) for t in tabs)
    for tab, panel in zip(tabs, (python, cli), strict=True):
        assert panel.attrs.get("role") == "tabpanel"
        assert panel.attrs.get("aria-labelledby") == tab.attrs["id"]
    assert "hidden" not in python.attrs and "hidden" in cli.attrs
    assert 'appnet = lab.network("appnet"' in python.text()
    assert "highlight-console" in " ".join(n.attrs.get("class", "") for n in cli.iter())
    assert cli.text().strip().splitlines() == [APPNET_LINE, APPNET_IPAM_LINE]

    # 같은 줄이 그 셀의 출력 칸에도 그대로 있다 (출력 칸은 바뀌지 않는다)
    cell = tabset.parent.parent
    assert cell is not None and "cell" in cell.classes
    outputs = cell.find_all("cell_output")
    assert outputs and {APPNET_LINE, APPNET_IPAM_LINE} <= set(outputs[0].text().splitlines())
    assert not outputs[0].find_all("netlab-cli-tabs")


def test_cell_without_cli_lines_has_no_tabs() -> None:
    page = _page(BRIDGE)
    inputs = [n for n in page.find_all("cell_input") if NO_CLI_SOURCE in n.text()]
    assert len(inputs) == 1, f"{BRIDGE} 에서 '{NO_CLI_SOURCE}' 셀을 찾지 못했다"
    cell_input = inputs[0]
    assert not cell_input.find_all("netlab-cli-tabs")
    assert not [n for n in cell_input.iter() if n.attrs.get("role") in ("tab", "tablist", "tabpanel")]
    assert "docker0_addr = lab.host.sh(" in cell_input.text()


@pytest.mark.parametrize("name", _notebooks())
def test_tabs_match_the_cells_that_echo_commands(name: str) -> None:
    """탭 묶음은 명령 줄을 찍은 셀마다 하나이고, 명령 탭의 줄은 그 셀의 저장된 출력의 명령 줄과 같다."""
    html = HTML_DIR / f"{name}.html"
    if not html.is_file():
        pytest.skip(f"{name} 은 책 차례(_toc.yml)에 없다")
    page = _page(name)
    expected = {c["id"]: c["lines"] for c in _notebook_cells(name) if c["lines"]}
    found = {}
    for tabset in page.find_all("netlab-cli-tabs"):
        tabs = _tabs(tabset)
        assert len(tabs) == 2, f"{name}: 탭이 둘이 아니다"
        label = tabs[1].text().strip()
        lines = _panel(page, tabs[1]).text().strip().splitlines()
        has_docker = any(command_name(line) == "docker" for line in lines)
        assert label == ("docker 명령" if has_docker else "셸 명령"), f"{name}: 명령 탭 이름 {label!r}"
        found[tabset.attrs.get("data-cell-id")] = lines
    assert found == expected


def test_tab_assets_only_on_pages_with_tabs() -> None:
    """탭의 스크립트와 스타일은 책 안에 있고, 탭이 있는 쪽에만 붙는다."""
    assert (HTML_DIR / "_static" / "cli-tabs.js").is_file() and (HTML_DIR / "_static" / "cli-tabs.css").is_file()
    bridge = (HTML_DIR / f"{BRIDGE}.html").read_text(encoding="utf-8")
    assert "_static/cli-tabs.js" in bridge and "_static/cli-tabs.css" in bridge
    intro = (HTML_DIR / "intro.html").read_text(encoding="utf-8")
    assert "cli-tabs" not in intro
