"""기준 엔진(28.5.2)과 옛 엔진(20.10)을 함께 견디는 부분: 특권 방식, 노드 이미지의 엔진, compat 대상."""

from __future__ import annotations

import importlib.util
import re
import subprocess
from pathlib import Path

import netlab
from netlab.base.resources import LAB_IMAGE
from netlab.hosts import images
from netlab.hosts.host import CAPABILITY_NAMES, full_capability_host_config, missing_capabilities, privilege_mode

ROOT = Path(__file__).resolve().parent.parent


def test_missing_capabilities_reads_the_bounding_set():
    full = format((1 << len(CAPABILITY_NAMES)) - 1, "x")
    assert missing_capabilities(full) == ()
    # 이 기계(컨테이너)의 경계 집합: SYS_RESOURCE(24번)만 빠져 있다
    assert missing_capabilities("000001fffeffffff") == ("SYS_RESOURCE",)
    # 커널이 모르는 번호(경계 집합의 가장 높은 비트 위)는 빠진 것으로 치지 않는다
    assert missing_capabilities("3fffffffff") == ()
    assert missing_capabilities("3ffffffffe") == ("CHOWN",)


def test_privileged_containers_get_what_the_chosen_mode_promises(engine):
    mode = privilege_mode(engine.api)
    lab = netlab.lab("test", summary=False, echo=False)
    try:
        api = engine.api
        created = api.create_container(
            LAB_IMAGE,
            command=["sh", "-c", "grep CapEff /proc/self/status"],
            labels=lab.labels,
            host_config=full_capability_host_config(api, network_mode="none"),
        )
        api.start(created["Id"])
        assert api.wait(created["Id"], timeout=60)["StatusCode"] == 0
        effective = int(re.search(r"CapEff:\s*([0-9a-f]+)", api.logs(created["Id"]).decode()).group(1), 16)
        granted = {name for bit, name in enumerate(CAPABILITY_NAMES) if effective >> bit & 1}
        assert {"NET_ADMIN", "SYS_ADMIN", "NET_RAW", "SYS_PTRACE"} <= granted
        if mode != "privileged":
            assert not set(mode) & granted, f"빼기로 한 capability가 주어졌다: {mode}"
    finally:
        lab.cleanup(quiet=True)


def test_only_the_node_recipe_carries_the_reference_engine(tmp_path, monkeypatch):
    assert images.carries_engine("node")
    assert not images.carries_engine("lab")
    assert not images.carries_engine("node-compat")
    pins = [line for line in images.ENGINE_DEBS_LIST.read_text().splitlines() if not line.startswith("#")]
    assert {p.split("=")[0] for p in pins} == {"docker.io", "docker-cli", "containerd", "tini-static"}
    assert "docker.io=28.5.2+dfsg4-5" in pins
    # 엔진 목록이 바뀌면 노드 이미지는 다시 빌드되어야 한다 (레시피 해시가 바뀐다)
    before = images.recipe_hash("node")
    changed = tmp_path / "engine-debs.txt"
    changed.write_text(images.ENGINE_DEBS_LIST.read_text().replace("28.5.2", "28.5.3"))
    monkeypatch.setattr(images, "ENGINE_DEBS_LIST", changed)
    assert images.recipe_hash("node") != before
    assert images.recipe_hash("lab") == images.recipe_hash("lab")


def test_the_node_image_runs_the_reference_engine(engine):
    out = engine.containers.run(images.image_tag("node"), ["dockerd", "--version"], remove=True, network_mode="none")
    assert out.decode().startswith("Docker version 28.5.2")


def test_ensure_engine_upgrades_only_older_generations():
    script = (ROOT / "scripts" / "ensure-engine.sh").read_text()
    helper = re.search(r"^older_than_28\(\).*$", script, re.M).group(0)
    for version, older in [("20.10.24", True), ("27.5.1", True), ("28.5.2", False), ("29.0.1", False)]:
        result = subprocess.run(["bash", "-c", f"{helper}\nolder_than_28 {version}"], check=False)
        assert (result.returncode == 0) is older, version


def test_compat_runs_single_host_notebooks_only():
    spec = importlib.util.spec_from_file_location("compat", ROOT / "scripts" / "compat.py")
    compat = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(compat)
    names = {p.name for p in compat.single_host_notebooks()}
    assert "06-bridge.ipynb" in names and "10-none.ipynb" in names
    assert "07-overlay.ipynb" not in names and "04-pets-overlay.ipynb" not in names


def test_the_reference_engine_is_the_one_the_node_image_installs():
    from netlab.base.engine import REFERENCE_ENGINE, is_reference_generation

    assert f"docker.io={REFERENCE_ENGINE}+" in images.ENGINE_DEBS_LIST.read_text()
    assert is_reference_generation("28.5.2+dfsg4") and is_reference_generation("28.5.0")
    assert not is_reference_generation("20.10.24+dfsg1") and not is_reference_generation("28.4.0")


def test_stale_base_images_of_a_recipe_are_removed_and_the_current_one_kept(engine):
    current = f"netlab/lab-base:{images.SUITE}-{images.packages_hash('lab')}"
    stale = f"netlab/lab-base:{images.SUITE}-000000000000"
    foreign = "netlab-reader/lab-base:mine"
    base = engine.images.get(current)
    base.tag(*stale.split(":"))
    base.tag(*foreign.split(":"))
    try:
        assert images.remove_stale_bases(engine, "lab") == [stale]
        tags = {t for i in engine.images.list() for t in i.tags}
        assert current in tags and stale not in tags
        assert foreign in tags, "다른 이름의 태그는 건드리지 않는다"
    finally:
        engine.images.remove(foreign)
