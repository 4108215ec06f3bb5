"""실습 이미지 레시피가 netlab의 프로그램 셋을 품는지 (엔진 없이).

pets 앱, 레지스트리, 원격 IPAM 드라이버는 컨테이너에 복사하지 않고 실습 이미지에 들어 있다
(``netlab.hosts.images.PACKAGE_FILES``). 빌드 컨텍스트에 그 파일들이 노트북 쪽 코드가 쓰는 경로로 들어가는지,
파일을 고치면 레시피 해시가 바뀌어 ``make images``가 다시 빌드하는지 본다.
"""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pytest

from netlab.apps import pets, registry
from netlab.hosts import images
from netlab.plugins import ipam

NETLAB = Path(images.__file__).resolve().parents[1]

#: 이미지 안의 경로 → (꾸러미 안의 파일, 모드). 경로는 노트북 쪽 코드가 실행할 때 쓰는 상수다.
EXPECTED = {
    pets.APP_PATH: (NETLAB / "apps" / "pets.py", 0o644),
    registry.APP_PATH: (NETLAB / "apps" / "registry.py", 0o644),
    f"{ipam.SCRIPT_DIR}/{ipam.SCRIPT_NAME}": (NETLAB / "plugins" / "ipam_plugin.py", 0o755),
}


def test_the_paths_are_the_ones_the_book_runs():
    assert set(EXPECTED) == {"/opt/pets/pets.py", "/opt/registry/registry.py", "/usr/local/bin/ipam_plugin.py"}


def test_lab_build_context_carries_the_three_programs():
    with tarfile.open(fileobj=images._build_context("lab", progress=lambda _: None)) as tar:
        members = {m.name: m for m in tar.getmembers()}
        baked = {
            name.removeprefix(images.PACKAGE_DIR): m
            for name, m in members.items()
            if name.startswith(f"{images.PACKAGE_DIR}/")
        }
        assert set(baked) == set(EXPECTED)
        for target, (source, mode) in EXPECTED.items():
            member = baked[target]
            assert member.isfile() and member.mode == mode and (member.uid, member.gid) == (0, 0), target
            assert tar.extractfile(member).read() == source.read_bytes(), target
    dockerfile = (images.RECIPES / "lab" / "Dockerfile").read_text(encoding="utf-8")
    lines = [line.strip() for line in dockerfile.splitlines() if line.strip() and not line.startswith("#")]
    copy = f"COPY {images.PACKAGE_DIR}/ /"
    assert copy in lines, "Dockerfile이 netlab-files/를 이미지의 제자리에 놓아야 한다"
    # 패키지를 설치하는 층보다 뒤에 있어야 앱을 고쳐도 그 층부터만 다시 빌드한다
    assert lines.index(copy) > max(i for i, line in enumerate(lines) if line.startswith("RUN"))


def test_other_recipes_bake_nothing():
    for recipe in ("node", "node-compat", "labhost"):
        assert images.package_files(recipe) == []
        assert not any(f.name.startswith(images.PACKAGE_DIR) for f in images._recipe_files(recipe))


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """netlab 꾸러미 전체의 사본을 images.NETLAB으로 준다. 사본을 고쳐도 저장소의 파일은 그대로다."""
    copy = tmp_path / "netlab"
    shutil.copytree(NETLAB, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(images, "NETLAB", copy)
    return copy


@pytest.mark.parametrize("source", ["apps/pets.py", "apps/registry.py", "plugins/ipam_plugin.py"])
def test_changing_a_baked_program_changes_the_lab_recipe_hash(package_copy, source):
    before = images.recipe_hash("lab")
    node_before = images.recipe_hash("node")
    path = package_copy / source
    path.write_text(path.read_text(encoding="utf-8") + "\n# 고친 줄\n", encoding="utf-8")
    assert images.recipe_hash("lab") != before
    assert images.recipe_hash("node") == node_before, "노드 이미지는 이 파일을 품지 않는다"


def test_the_copy_hashes_like_the_repository(package_copy, monkeypatch):
    copied = images.recipe_hash("lab")
    monkeypatch.setattr(images, "NETLAB", NETLAB)
    assert images.recipe_hash("lab") == copied


def test_moving_the_driver_changes_the_hash_through_the_owner_constant(package_copy):
    """이미지 안의 자리는 plugins/ipam.py의 상수가 정한다: 그 상수를 바꾸면 컨텍스트의 경로와 해시가 바뀐다."""
    before = images.recipe_hash("lab")
    owner = package_copy / "plugins" / "ipam.py"
    text = owner.read_text(encoding="utf-8")
    assert 'SCRIPT_DIR = "/usr/local/bin"' in text
    owner.write_text(text.replace('SCRIPT_DIR = "/usr/local/bin"', 'SCRIPT_DIR = "/usr/local/sbin"'), encoding="utf-8")
    assert "/usr/local/sbin/ipam_plugin.py" in {target for _, target, _ in images.package_files("lab")}
    assert images.recipe_hash("lab") != before


@pytest.mark.parametrize("other", ["apps/__init__.py", "plugins/ipam.py", "hosts/session.py"])
def test_files_outside_the_table_do_not_change_the_hash(package_copy, other):
    """표에 없는 파일은 이미지에 들어가지 않으므로 고쳐도 다시 빌드할 까닭이 없다 (음성 대조).

    ``plugins/ipam.py``는 자리를 정하는 상수만 읽힌다: 상수가 그대로면 다른 줄을 고쳐도 해시는 같다.
    """
    before = images.recipe_hash("lab")
    path = package_copy / other
    path.write_text(path.read_text(encoding="utf-8") + "\n# 고친 줄\n", encoding="utf-8")
    assert images.recipe_hash("lab") == before


def test_module_constants_reads_strings_and_simple_f_strings(tmp_path):
    source = tmp_path / "mod.py"
    source.write_text(
        'import os\nBASE = "/opt/x"\nPATH = f"{BASE}/x.py"\nLATER: str = f"{PATH}.bak"\n'
        'DYNAMIC = os.environ.get("X", "y")\nUNKNOWN = f"{NOPE}/z"\nNUMBER = 3\n',
        encoding="utf-8",
    )
    assert images._module_constants(source) == {"BASE": "/opt/x", "PATH": "/opt/x/x.py", "LATER": "/opt/x/x.py.bak"}


def test_stale_image_hint_only_when_python_could_not_find_the_program() -> None:
    from netlab.base.resources import stale_image_hint

    log = "python3: can't open file '/opt/pets/pets.py': [Errno 2] No such file or directory"
    assert "make images" in stale_image_hint(log)
    assert stale_image_hint("Traceback ... KeyError: 'PORT'") == ""  # 음성 대조: 다른 실패에는 덧붙이지 않는다
