"""노트북이 쓰는 netlab 이름이 모두 풀리는지 본다. 모듈을 옮길 때 노트북이 조용히 깨지지 않게 한다.

엔진이 필요 없다. 노트북을 고치지 않고도 netlab 안을 정리할 수 있는 것은 이 이름들이 그대로이기 때문이다.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import netlab

ROOT = Path(__file__).resolve().parent.parent

#: ``netlab.<이름>``으로 쓰는 것
ATTRIBUTES = [
    "lab",
    "LAB_IMAGE",
    "CheckFailed",
    "available",
    "engine_info",
    "supports",
    "probe",
    "until",
    "josa",
    "cli",
    "engine",
    "topology",
    "cluster",
    "apps",
]
#: ``from netlab import <이름>``으로 쓰는 것
FROM_NETLAB = [
    "capabilities",
    "check",
    "check_eventually",
    "show",
    "until",
    "labhost",
    "capture",
    "vxlan",
    "diagnose",
    "ipam_planner",
    "kernel",
    "plugins",
    "services",
    "topology",
    "widgets",
    "josa",
]
#: ``from <모듈> import <이름>``으로 쓰는 것
FROM_MODULES = {
    "netlab.apps": ["pets", "registry"],
    "netlab.cluster": ["Cluster"],
    "netlab.lab": ["same_subnet"],
    "netlab.topology": ["manual"],
}


def test_facade_attributes():
    for name in ATTRIBUTES:
        assert getattr(netlab, name) is not None, name
    assert callable(netlab.lab)
    assert callable(netlab.cli.container_run)
    assert callable(netlab.engine.client)


def test_from_netlab_imports():
    for name in FROM_NETLAB:
        namespace: dict = {}
        exec(f"from netlab import {name}", namespace)
        assert namespace[name] is getattr(netlab, name), name


def test_from_module_imports():
    for module, names in FROM_MODULES.items():
        for name in names:
            namespace: dict = {}
            exec(f"from {module} import {name}", namespace)
            assert namespace[name] is not None, f"{module}.{name}"


def test_names_are_the_objects_that_do_the_work():
    """다시 내놓은 이름은 사본이 아니라 같은 객체다 (isinstance와 monkeypatch가 그대로 통한다)."""
    from netlab.draw import show
    from netlab.draw import topology as drawn
    from netlab.hosts import cluster, session
    from netlab.observe import capture

    assert netlab.show is show and netlab.capture is capture
    assert netlab.cluster.Cluster is cluster.Cluster
    assert netlab.topology.manual is drawn.manual
    assert netlab.lab is session.start and netlab.Lab is session.Lab
    assert importlib.import_module("netlab.lab").same_subnet is session.same_subnet


def test_every_netlab_import_in_the_notebooks_runs():
    """노트북 코드 셀의 ``import``와 ``from netlab`` 줄을 모두 실행해 본다 (엔진 없이)."""
    lines = set()
    for path in sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("labs/*.ipynb")]):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                lines.update(
                    m.strip() for m in re.findall(r"^\s*(?:import netlab.*|from netlab[\w.]* import .*)$", source, re.M)
                )
    assert lines
    for line in sorted(lines):
        exec(line, {})
