"""root 없는 랩 호스트(netlab.hosts.rootless)의 엔진 없는 시험: 꾸러미 목록, 캐시 열쇠, 이미지 파일, 실패의 설명.

손님을 실제로 켜고 장을 돌리는 시험은 ``make test-rootless``(scripts/rootless/binder-like-test.sh)다.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netlab.base import engine
from netlab.hosts import images, rootless
from netlab.hosts.cluster.bringup import archive_name, engine_archives

ROOT = Path(__file__).resolve().parents[1]
ALREADY_ON_BINDER = {"python3", "python3-venv", "make", "git"}


def _listed(path: Path) -> set[str]:
    return {line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")}


def test_binder_apt_list_matches_the_reader_image_of_the_binder_like_test() -> None:
    reader = _listed(ROOT / "images" / "reader" / "packages.txt")
    assert _listed(ROOT / "binder" / "apt.txt") == reader - ALREADY_ON_BINDER
    # 시험의 독자 이미지가 netlab이 필요하다고 말하는 꾸러미를 모두 가진다
    assert set(rootless.TOOLS.values()) | {"libvdeplug-slirp"} <= reader


def test_missing_packages_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rootless, "_which", lambda tool: None if tool in {"linux.uml", "socat"} else "/usr/bin/x")
    missing = rootless.missing_packages()
    assert {"user-mode-linux", "socat"} <= set(missing)
    assert "mmdebstrap" not in missing  # 음성 대조: 있는 명령의 꾸러미는 말하지 않는다
    with pytest.raises(rootless.RootlessError, match=r"sudo apt-get install .*user-mode-linux"):
        rootless.preflight()


def test_lab_rootfs_gets_the_same_files_as_the_dockerfile() -> None:
    specs = rootless._extra_files("lab")
    targets = {spec.split(":")[1] for spec in specs}
    assert {target for _, target, _ in images.package_files("lab")} <= targets
    assert "/usr/local/bin/whoami-server" in targets
    assert rootless._extra_files("node") == []


def test_data_disk_key_follows_the_image_recipes(monkeypatch: pytest.MonkeyPatch) -> None:
    before = rootless.data_key()
    assert rootless.data_key() == before  # 같은 입력, 같은 열쇠
    real = images.recipe_hash
    monkeypatch.setattr(images, "recipe_hash", lambda recipe: "changed" if recipe == "lab" else real(recipe))
    assert rootless.data_key() != before
    monkeypatch.setattr(images, "recipe_hash", lambda recipe: "changed" if recipe == "labhost" else real(recipe))
    assert rootless.data_key() == before  # 음성 대조: 컨테이너 랩 호스트의 레시피는 데이터 디스크와 상관없다


def test_cached_artifact_is_current_only_with_its_key(tmp_path: Path) -> None:
    artifact = tmp_path / "docker.img"
    assert not rootless._current(artifact, "k1")
    artifact.write_bytes(b"x")
    assert not rootless._current(artifact, "k1")  # 열쇠 파일이 없으면 반쯤 만든 것으로 본다
    rootless._key_file(artifact).write_text("k1\n")
    assert rootless._current(artifact, "k1")
    assert not rootless._current(artifact, "k2")


def test_engine_explanation_shows_why_the_rootless_lab_host_did_not_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    last = tmp_path / "last-error.txt"
    monkeypatch.setattr(engine, "ROOTLESS_LAST_ERROR", str(last))
    text = engine._explain_unreachable(OSError("no socket"))
    assert "켜지 못했다" not in text and "make rootless" in text
    last.write_text("손님 부팅에 실패했다 (종료 코드 1):\nptrace: Operation not permitted\n", encoding="utf-8")
    text = engine._explain_unreachable(OSError("no socket"))
    assert "root 없는 랩 호스트를 켜려 했지만 켜지 못했다" in text
    assert "ptrace: Operation not permitted" in text


def test_rootless_socket_is_not_used_when_docker_host_is_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sock = tmp_path / "g1.sock"
    sock.write_text("")
    monkeypatch.setattr(engine, "ROOTLESS_SOCKET", str(sock))
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent.sock")
    assert engine._rootless_client() is None
    monkeypatch.delenv("DOCKER_HOST")
    monkeypatch.setattr(engine, "ROOTLESS_SOCKET", str(tmp_path / "absent.sock"))
    assert engine._rootless_client() is None


class _FakeClient:
    def __init__(self, labels: list[str]) -> None:
        self.labels = labels

    def info(self) -> dict:
        return {"Labels": self.labels}


def test_node_archives_come_only_from_a_rootless_guest_engine() -> None:
    guest = _FakeClient(["netlab.rootless=1", "netlab.archives=/var/lib/docker/netlab-archives"])
    assert engine_archives(guest) == "/var/lib/docker/netlab-archives"  # type: ignore[arg-type]
    assert engine.is_rootless_guest(guest)  # type: ignore[arg-type]
    plain = _FakeClient(["com.example=1"])
    assert engine_archives(plain) is None  # type: ignore[arg-type]
    assert not engine.is_rootless_guest(plain)  # type: ignore[arg-type]
    assert archive_name("netlab/lab:bookworm") == "netlab_lab_bookworm.tar" == rootless.KEPT["lab"]
