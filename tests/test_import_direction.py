"""netlab 안의 가져오기가 한 방향으로만 흐르고 고리가 없는지 본다 (docs/design.md의 "netlab 패키지" 표).

엔진이 필요 없다. 모듈을 실행하지 않고 ast로 읽으므로, 함수 안에서 늦게 가져오는 것과 ``TYPE_CHECKING``
안의 것도 센다: 늦게 가져오기로 숨긴 고리도 고리이고, 타입 이름만 빌려도 위층을 알게 되기 때문이다.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "netlab"

#: 꾸러미 → 층. 모듈은 자기 꾸러미와 더 낮은 층의 꾸러미만 가져온다. 같은 층의 다른 꾸러미도 부르지 않는다.
LAYERS = {
    "netlab.base": 0,
    "netlab.draw": 1,
    "netlab.hosts": 2,
    "netlab.observe": 3,
    "netlab.plugins": 3,
    "netlab.explorers": 4,
}
#: 노트북이 부르는 입구(파사드)와 앱. 무엇이든 가져올 수 있지만, 아래층은 이것들을 부르지 않는다.
FACADE = 9
FACADE_MODULES = {"netlab", "netlab.__main__", "netlab.lab", "netlab.cluster", "netlab.topology"}
#: 컨테이너 안에서 따로 된 프로그램으로 도는 파일: 모듈 맨 위에서 netlab을 가져오면 컨테이너에서 돌지 않는다.
STANDALONE = {"netlab.apps.pets", "netlab.apps.registry", "netlab.plugins.ipam_plugin"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def layer(module: str) -> tuple[int, str]:
    """(층, 꾸러미). 파사드와 앱은 가장 위층이다."""
    if module in FACADE_MODULES or module.startswith("netlab.apps"):
        return FACADE, "facade"
    for package, rank in LAYERS.items():
        if module == package or module.startswith(package + "."):
            return rank, package
    raise AssertionError(f"{module}가 어느 층인지 LAYERS에 없다")


def imports(module: str, source: str | None = None) -> list[tuple[str, int, bool]]:
    """(가져오는 netlab 모듈, 줄, 모듈 맨 위인가). ``from X import y``에서 ``X.y``가 모듈이면 그것을 가리킨다."""
    path = MODULES.get(module)
    package = module if path is not None and path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno, id(node) in top) for a in node.names if a.name.split(".")[0] == "netlab"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "netlab":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.append((sub if sub in MODULES else target, node.lineno, id(node) in top))
    return [(name, line, at_top) for name, line, at_top in found if name in MODULES]


def test_every_module_has_a_layer():
    for module in MODULES:
        layer(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_down(module):
    rank, package = layer(module)
    wrong = []
    for target, line, _ in imports(module):
        target_rank, target_package = layer(target)
        if target_package == package:
            continue
        if target_rank >= rank:
            wrong.append(f"{MODULES[module].relative_to(ROOT.parent)}:{line}: {module} → {target}")
    assert not wrong, "층을 거슬러 가져온다:\n" + "\n".join(wrong)


def find_cycles(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" → ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
    return cycles


def test_no_import_cycles():
    graph = {module: {target for target, _, _ in imports(module) if target != module} for module in MODULES}
    cycles = find_cycles(graph)
    assert not cycles, "가져오기 고리:\n" + "\n".join(cycles)


@pytest.mark.parametrize("module", sorted(STANDALONE))
def test_container_scripts_do_not_import_netlab_at_module_level(module):
    at_top = [f"{line}: {target}" for target, line, top in imports(module) if top]
    assert not at_top, f"{module}는 컨테이너 안에서 혼자 돈다. 맨 위에서 netlab을 가져오면 안 된다: {at_top}"


def test_the_checker_sees_upward_imports_and_cycles():
    """검사기 자체의 시험: 늦게 가져오는 위층 이름과 고리를 실제로 잡는다."""
    source = "def f():\n    from ..lab import Lab\n    from . import engine\n"
    found = imports("netlab.base.example", source)
    assert ("netlab.lab", 2, False) in found and ("netlab.base.engine", 3, False) in found
    assert layer("netlab.lab")[0] > layer("netlab.base.example")[0]
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a → b → c → a"]


def _targets(module: str) -> list[tuple[str, int]]:
    """모듈 안의 모든 netlab 가져오기 대상(함수 안의 것 포함)과 줄 번호. 있는지 없는지 가리지 않는다."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.split(".")[0] == "netlab"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                target = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "netlab":
                found.append((target, node.lineno))
    return found


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_netlab_import_names_a_module_that_exists(module):
    """함수 안에서 늦게 가져오는 것은 그 함수가 불릴 때에야 깨진다. 옮긴 뒤 점이 모자란 상대 경로를 여기서 잡는다."""
    missing = [f"{target} ({line}번째 줄)" for target, line in _targets(module) if target not in MODULES]
    assert not missing, f"{module}: 없는 모듈을 가져온다: {missing}"


def test_shell_scripts_import_modules_that_exist():
    """셸 스크립트 안의 파이썬 조각도 netlab을 가져온다(엔진 준비). 옛 경로가 남으면 새 기계에서만 깨진다."""
    scripts = [*sorted((ROOT.parent / "scripts").glob("*.sh")), ROOT.parent / "Makefile"]
    pattern = re.compile(r"(?:from|import)\s+(netlab(?:\.\w+)+)")
    missing = [
        f"{path.name}: {name}"
        for path in scripts
        for name in pattern.findall(path.read_text(encoding="utf-8"))
        if name not in MODULES
    ]
    assert not missing, missing
