"""무엇을 만들거나 들여다보는데 명령 줄(``$ docker …``)을 찍지 않는 코드 셀을 노트북마다 적는다.

``_ext/cli_tabs.py`` 는 셀의 저장된 출력에 명령 줄이 있을 때만 "docker 명령" 탭을 만든다. 이 스크립트는 그 탭이
없는 셀 가운데 원본이 도커 객체를 만들거나(``lab.network(``, ``containers.run(`` …) 엔진에 묻는(``.reload()``,
``networks.get(`` …) 셀을 찾는다. 셀이 SDK 로 직접 읽거나 잇는 호출은 ``netlab/base/cli_echo.py`` 가 같은 뜻의
명령 줄로 찍으므로, 다시 기록한 노트북에서는 0 이어야 한다 (``tests/test_cli_tabs.py`` 가 이 함수로 확인한다).
노트북은 고치지 않는다. 원본의 낱말로 고르므로 어림이다.

    .venv/bin/python scripts/cli_tab_coverage.py            # 노트북마다 셀 id 와 걸린 낱말
    .venv/bin/python scripts/cli_tab_coverage.py --summary  # 노트북마다 개수만
    .venv/bin/python scripts/cli_tab_coverage.py --partial  # 탭은 있지만 SDK 를 직접 불러 만든 것이 더 있는 셀
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

from cli_tabs import cli_lines  # noqa: E402

#: 도커 객체를 만들거나 붙이는 호출
CREATE = {
    "lab.network(": r"\blab\.network\(",
    "lab.container(": r"\blab\.container\(",
    "networks.create(": r"\.networks\.create\(",
    "containers.run/create(": r"\.containers\.(?:run|create)\(",
    "services.create(": r"\.services\.create\(",
    "cluster.overlay(": r"\bcluster\.overlay\(",
    "cluster.service(": r"\bcluster\.service\(",
    "swarm.init(": r"\.swarm\.init\(",
    ".connect(": r"\.connect\(|connect_container_to_network\(",
    ".disconnect(": r"\.disconnect\(",
}
#: netlab 을 거치지 않고 SDK 를 직접 불러 만드는 호출 (명령 줄을 찍지 않는다)
SDK_CREATE = (
    "networks.create(",
    "containers.run/create(",
    "services.create(",
    "swarm.init(",
    ".connect(",
    ".disconnect(",
)
#: 엔진의 기록을 읽는 호출. ``.attrs`` 만 읽는 셀은 넣지 않는다: 앞 셀이 받아 둔 기록을 보는 것이라 그 셀에서
#: 엔진에 묻는 일이 없다 (엔진에 다시 묻는 ``.reload()`` 는 넣는다).
INSPECT = {
    ".reload()": r"\.reload\(\)",
    "networks.get/list(": r"\.networks\.(?:get|list)\(",
    "containers.get/list(": r"\.containers\.(?:get|list)\(",
    "nodes.list(": r"\.nodes\.list\(",
    "api.inspect_*(": r"\.api\.inspect_\w+\(",
    "api.tasks(": r"\.api\.tasks\(",
    "services.get/list(": r"\.services\.(?:get|list)\(",
    "show.networks/options/ipam/endpoints(": r"\bshow\.(?:networks|options|ipam|endpoints)\(",
    "cluster.tasks(": r"\bcluster\.tasks\(",
}


#: ``netlab.requires``가 기능이 없을 때 찍는 첫 줄 (그 셀의 엔진 갈래는 돌지 않았다)
FEATURE_MISSING = "[이 엔진 호스트에 없는 기능"


def _executed_source(source: str) -> str:
    """셀이 실행할 때 바로 도는 코드: 함수 정의의 몸통과 주석은 뺀다.

    함수만 정의하는 셀(``def run_on(…)``)은 엔진에 묻지 않는다. 그 함수를 부르는 셀이 묻고, 그 셀의 출력에
    명령 줄이 찍힌다. 파싱할 수 없으면(IPython 매직) 주석 줄만 뺀 원문을 쓴다.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
    tree.body = [node for node in tree.body if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return ast.unparse(tree)


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def uncovered(path: Path, *, partial: bool = False) -> list[tuple[str, list[str]]]:
    """(셀 id, 걸린 낱말) 목록: 만들거나 읽는데 명령 줄이 없는 코드 셀.

    ``partial`` 이면 거꾸로, 명령 줄(탭)은 있지만 SDK 를 직접 불러 만드는 호출(``SDK_CREATE``)도 있는 셀.
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        stdout = "".join(
            _text(o["text"]) for o in cell.get("outputs", []) if o["output_type"] == "stream" and o["name"] == "stdout"
        )
        if bool(cli_lines(stdout)) != partial:
            continue
        if stdout.startswith(FEATURE_MISSING):
            continue  # 엔진 호스트에 기능이 없어 엔진을 쓰는 갈래가 돌지 않은 셀
        source = _executed_source(_text(cell["source"]))
        hits = [name for name, rx in {**CREATE, **INSPECT}.items() if re.search(rx, source)]
        if partial:
            hits = [h for h in hits if h in SDK_CREATE]
        if hits:
            found.append((cell.get("id") or "?", hits))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summary", action="store_true", help="노트북마다 개수만")
    parser.add_argument("--partial", action="store_true", help="탭은 있지만 SDK 를 직접 불러 만든 것이 더 있는 셀")
    args = parser.parse_args()
    total = 0
    for path in sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("labs/*.ipynb")]):
        cells = uncovered(path, partial=args.partial)
        if not cells:
            continue
        total += len(cells)
        name = path.relative_to(ROOT).as_posix()
        creates = sum(1 for _, hits in cells if any(h in CREATE for h in hits))
        print(f"{name}: {len(cells)} (만들기 {creates})")
        if not args.summary:
            for ident, hits in cells:
                print(f"  {ident}: {', '.join(hits)}")
    print(f"합계: {total}")


if __name__ == "__main__":
    main()
