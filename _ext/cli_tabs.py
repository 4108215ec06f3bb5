"""노트북 코드 셀의 입력을 "파이썬"과 "docker 명령" 두 탭으로 보여 준다.

netlab 은 무엇을 만들 때 같은 뜻의 명령줄을 셀 출력에 ``$ docker network create …`` 처럼 찍는다
(``netlab/base/cli.py``, ``netlab/hosts/session.py`` 의 ``Lab.network``/``Lab.container``). 그 줄은 다른 출력과
섞여 있다. 이 확장은 빌드할 때 코드 셀마다 저장된 표준 출력에서 그런 줄을 모아, 셀의 입력 칸을 두 탭으로 바꾼다.

- "파이썬" 탭: 셀의 원래 코드 그대로다 (처음 보이는 탭).
- "docker 명령" 탭: 그 셀의 출력에 찍힌 ``$ …`` 줄을 순서대로 모은 ``console`` 코드 칸이다. 같은 호출의 저장된
  출력에서 가져오므로 파이썬이 한 일과 어긋날 수 없다. 모은 줄에 ``docker`` 명령이 없으면(3장의 ``ip``·``iptables``)
  탭 이름은 "셸 명령"이다.
- 출력 칸은 그대로 둔다. 그런 줄이 없는 셀은 바뀌지 않는다.

명령으로 보는 줄은 줄 머리가 ``$ `` 이고, 그 뒤(``VAR=값`` 환경 변수 대입은 건너뛰고) 첫 낱말이
``cli_tabs_commands`` 설정(기본값 ``CLI_COMMANDS``)에 든 줄이다. ``$ (엔진 호스트) VNI …`` 처럼 명령이 아닌 설명 줄은
빠진다.

HTML 은 WAI-ARIA 탭 형식(``role=tablist``/``tab``/``tabpanel``, ``aria-selected``, ``aria-controls``)이다. 작은 스크립트
``cli-tabs.js`` 가 누르기, 화살표·Home·End 키, 같은 쪽의 다른 탭 묶음 맞추기, 고른 탭 기억하기(localStorage)를 한다.
스타일은 ``cli-tabs.css`` 이고 인쇄할 때는 두 탭을 모두 이름표와 함께 보인다. 둘 다 ``assets/`` 에서
``_static/`` 으로 복사되며 탭이 있는 쪽에만 붙는다. sphinx-design 의 ``tab-set`` 은 라디오 단추와 ``<label>`` 로
만들어 탭 역할(``role=tab``)이 없으므로 쓰지 않는다 (docs/book-build.md 의 "파이썬과 docker 명령 탭").

HTML 빌더에서만 바꾼다(후처리 변환). 다른 빌더와 환경에 저장되는 doctree 는 그대로다.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator

__all__ = ["CLI_COMMANDS", "cli_lines", "command_name"]

_VERSION: Final = "1.0"

#: netlab 이 셀 출력에 찍는 명령. 줄 머리 ``$ `` 뒤의 첫 낱말이 이 중 하나여야 명령 줄로 본다.
CLI_COMMANDS: Final = ("docker", "ip", "iptables", "nsenter", "tcpdump", "bridge", "cat", "timeout")

LABEL_PYTHON: Final = "파이썬"
LABEL_DOCKER: Final = "docker 명령"
LABEL_SHELL: Final = "셸 명령"
LIST_LABEL: Final = "코드 보기"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# 줄 머리의 프롬프트, 환경 변수 대입(값은 `<실습 폴더>` 처럼 꺾쇠 안에 빈칸이 있을 수 있다), 첫 낱말
_PROMPT = re.compile(r"^\$ (?:[A-Za-z_][A-Za-z0-9_]*=(?:<[^>]*>|\S+)\s+)*([A-Za-z0-9_.-]+)(?:\s|$)")


def command_name(line: str) -> str | None:
    """``$ `` 로 시작하는 줄이면 그 명령 이름(환경 변수 대입 뒤의 첫 낱말), 아니면 ``None``."""
    match = _PROMPT.match(_ANSI.sub("", line))
    return match.group(1) if match else None


def cli_lines(text: str, commands: Iterable[str] = CLI_COMMANDS) -> list[str]:
    """출력 글에서 netlab 이 찍은 명령 줄(``$ …``)만 순서대로."""
    allowed = set(commands)
    kept = []
    for raw in text.splitlines():
        line = _ANSI.sub("", raw).rstrip()
        if command_name(line) in allowed:
            kept.append(line)
    return kept


# -- doctree 노드 ---------------------------------------------------------------------------------


class cli_tabs(nodes.General, nodes.Element):
    """탭 묶음 하나 (탭 줄과 패널 둘)."""


class cli_tabpanel(nodes.General, nodes.Element):
    """탭 패널 하나."""


def _tab_ids(node: cli_tabs) -> list[tuple[str, str, str, bool]]:
    base = node["base_id"]
    return [
        (f"{base}-python", LABEL_PYTHON, "python", True),
        (f"{base}-cli", node["cli_label"], "cli", False),
    ]


def visit_cli_tabs(self: HTML5Translator, node: cli_tabs) -> None:
    attrs: dict[str, str] = {"data-cli-commands": str(node["count"])}
    if node.get("cell_id"):
        attrs["data-cell-id"] = node["cell_id"]
    self.body.append(self.starttag(node, "div", CLASS="netlab-cli-tabs", **attrs))
    self.body.append(f'<div class="netlab-cli-tabs__list" role="tablist" aria-label="{LIST_LABEL}">')
    for ident, label, kind, selected in _tab_ids(node):
        self.body.append(
            f'<button type="button" class="netlab-cli-tabs__tab" role="tab" id="{ident}-tab"'
            f' aria-controls="{ident}-panel" aria-selected="{"true" if selected else "false"}"'
            f' tabindex="{0 if selected else -1}" data-kind="{kind}">{self.encode(label)}</button>'
        )
    self.body.append("</div>\n")


def depart_cli_tabs(self: HTML5Translator, node: cli_tabs) -> None:
    self.body.append("</div>\n")


def visit_cli_tabpanel(self: HTML5Translator, node: cli_tabpanel) -> None:
    ident = node["panel_id"]
    attrs = {
        "role": "tabpanel",
        "ids": [f"{ident}-panel"],
        "aria-labelledby": f"{ident}-tab",
        "tabindex": "0",
        "data-kind": node["kind"],
        "data-label": node["label"],
    }
    if node["kind"] != "python":
        attrs["hidden"] = "hidden"
    self.body.append(self.starttag(node, "div", CLASS="netlab-cli-tabs__panel", **attrs))


def depart_cli_tabpanel(self: HTML5Translator, node: cli_tabpanel) -> None:
    self.body.append("</div>\n")


def _skip(self: Any, node: nodes.Element) -> None:
    """HTML 이 아닌 빌더: 노드 없이 자식만 (후처리 변환이 HTML 에서만 돌므로 실제로는 쓰이지 않는다)."""


# -- 변환 -----------------------------------------------------------------------------------------


def _is(node: nodes.Node, element: str) -> bool:
    return isinstance(node, nodes.container) and node.get("nb_element") == element


def _stdout_text(output: nodes.Element) -> str:
    """셀 출력 칸 안의 표준 출력(myst-nb 가 ``output stream`` 으로 그린 코드 칸) 글."""
    parts = []
    for block in output.findall(nodes.literal_block):
        classes = block.get("classes", [])
        if "output" in classes and "stream" in classes:
            parts.append(block.astext())
    return "\n".join(parts)


class CliTabsTransform(SphinxPostTransform):
    """명령 줄을 찍은 코드 셀의 입력 칸을 두 탭으로 바꾼다."""

    default_priority = 150
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        commands = tuple(self.config.cli_tabs_commands)
        cell_ids: list[str | None] | None = None
        count = 0
        for cell in list(self.document.findall(lambda n: _is(n, "cell_code"))):
            inputs = [c for c in cell.children if _is(c, "cell_code_source")]
            outputs = [c for c in cell.children if _is(c, "cell_code_output")]
            if not inputs or not outputs:
                continue
            lines = cli_lines(_stdout_text(outputs[0]), commands)
            if not lines:
                continue
            if cell_ids is None:
                cell_ids = self._cell_ids()
            index = cell.get("cell_index")
            cell_id = cell_ids[index] if isinstance(index, int) and index < len(cell_ids) else None
            self._replace(inputs[0], lines, index if isinstance(index, int) else count, cell_id)
            count += 1

    def _cell_ids(self) -> list[str | None]:
        """노트북 셀의 id (탭 묶음의 ``data-cell-id``). 노트북이 아니면 빈 목록."""
        path = Path(self.env.doc2path(self.env.docname))
        if path.suffix != ".ipynb":
            return []
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            return []
        return [c.get("id") for c in cells]

    def _replace(self, cell_input: nodes.Element, lines: list[str], index: int, cell_id: str | None) -> None:
        has_docker = any(command_name(line) == "docker" for line in lines)
        cli_label = LABEL_DOCKER if has_docker else LABEL_SHELL
        base = f"netlab-cli-{index}"

        python = cli_tabpanel(panel_id=f"{base}-python", kind="python", label=LABEL_PYTHON)
        python.extend(cell_input.children)

        text = "\n".join(lines)
        block = nodes.literal_block(text, text, language="console", classes=["netlab-cli-lines"])
        block.source, block.line = cell_input.source, cell_input.line
        cli = cli_tabpanel(panel_id=f"{base}-cli", kind="cli", label=cli_label)
        cli += block

        tabs = cli_tabs(base_id=base, cli_label=cli_label, count=len(lines), cell_id=cell_id or "")
        tabs += [python, cli]
        cell_input.children = []
        cell_input += tabs


def _add_assets(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """탭이 있는 쪽에만 스크립트와 스타일을 붙인다."""
    if doctree is None or not any(True for _ in doctree.findall(cli_tabs)):
        return
    app.add_css_file("cli-tabs.css")
    app.add_js_file("cli-tabs.js", loading_method="defer")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("cli_tabs_commands", CLI_COMMANDS, "html", types=(tuple, list))
    app.add_node(
        cli_tabs,
        html=(visit_cli_tabs, depart_cli_tabs),
        latex=(_skip, _skip),
        text=(_skip, _skip),
    )
    app.add_node(
        cli_tabpanel,
        html=(visit_cli_tabpanel, depart_cli_tabpanel),
        latex=(_skip, _skip),
        text=(_skip, _skip),
    )
    app.add_post_transform(CliTabsTransform)
    app.connect("html-page-context", _add_assets)
    return {
        "version": _VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
