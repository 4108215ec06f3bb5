"""실습 이미지를 로컬에서 만든다. 레지스트리는 필요 없다.

이 책의 실습 컨테이너는 모두 ``netlab/lab:bookworm`` 하나를 쓴다. 레시피는 ``images/lab/``의
Dockerfile과 패키지 목록이고, 레시피의 해시를 이미지 라벨(``netlab.recipe``)로 남겨서
레시피가 바뀌었을 때만 다시 빌드한다.

베이스 이미지를 구하는 방법은 둘이다.

``debootstrap``
    엔진이 이 기계에 있고 ``debootstrap``이 있으면 데비안 패키지 저장소에서 최소 루트 파일
    시스템을 만들고 필요한 패키지를 모두 넣은 뒤 ``docker import`` 한다. 컨테이너 레지스트리가
    전혀 없는 곳에서도 된다 (이 책을 만든 기계가 그렇다).
``pull``
    ``debian:bookworm-slim``을 레지스트리에서 받아 Dockerfile의 RUN이 패키지를 설치한다.

``NETLAB_BASE=debootstrap|pull``로 고를 수 있고, 정하지 않으면 위 순서로 고른다.

도커 엔진을 품는 레시피(클러스터 노드 ``images/node``)는 Dockerfile에 ``COPY engine-debs/``가 있다.
그 레시피의 빌드 컨텍스트에는 이 책의 기준 엔진(``images/engine-debs.txt``, 28.5.2)의 ``.deb``가 들어간다.
bookworm의 docker.io는 20.10이라 노드 안의 엔진만 옛것이 되기 때문이다. ``.deb``는 이 기계에서
``scripts/engine-debs.sh``로 받아 캐시에 두고, 받을 수 없는 기계(데비안이 아닌 곳)에서는 스크립트와 목록만
넣어 이미지 안에서 받게 한다.

실습 이미지에는 컨테이너 안에서 혼자 도는 netlab의 프로그램 셋(pets 앱, 레지스트리, 원격 IPAM 드라이버)도 들어간다.
어느 파일을 이미지의 어디에 넣는지는 :data:`PACKAGE_FILES`의 표가 정하고, 그 파일들도 레시피 해시에 들어가므로
프로그램을 고치면 ``make images``가 이미지를 다시 빌드한다.
"""

from __future__ import annotations

import ast
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import docker
from docker.errors import ImageNotFound

from ..base.engine import client, is_rootless_guest
from ..base.korean import josa
from ..base.resources import BOOK, LABEL_IMAGE

ROOT = Path(__file__).resolve().parents[2]
RECIPES = ROOT / "images"
SUITE = "bookworm"
MIRROR = os.environ.get("NETLAB_DEBIAN_MIRROR", "http://deb.debian.org/debian")
LABEL_RECIPE = "netlab.recipe"
CACHE = Path(os.environ.get("NETLAB_CACHE", Path.home() / ".cache" / "netlab"))

#: 루트 파일 시스템에서 빼도 되는 것: 문서, 매뉴얼, 내려받은 .deb. 이미지가 절반 가까이 준다.
_PRUNE = (
    "usr/share/doc",
    "usr/share/man",
    "usr/share/info",
    "usr/share/locale",
    "var/cache/apt/archives",
)

Progress = Callable[[str], None]


def _print_progress(line: str) -> None:
    print(line, flush=True)


def packages(recipe: str = "lab") -> list[str]:
    """레시피의 패키지 목록 (주석과 빈 줄을 뺀다)."""
    text = (RECIPES / recipe / "packages.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


ENGINE_DEBS_LIST = RECIPES / "engine-debs.txt"
ENGINE_DEBS_SCRIPT = ROOT / "scripts" / "engine-debs.sh"


def carries_engine(recipe: str) -> bool:
    """레시피가 기준 엔진을 품는지: Dockerfile이 ``engine-debs/``를 복사하는지로 안다."""
    return "engine-debs/" in (RECIPES / recipe / "Dockerfile").read_text(encoding="utf-8")


NETLAB = ROOT / "netlab"
#: 빌드 컨텍스트에서 netlab 꾸러미의 파일이 놓이는 폴더. 그 안의 경로가 곧 이미지 안의 경로이고,
#: Dockerfile의 ``COPY netlab-files/ /`` 한 줄이 모두 제자리에 놓는다.
PACKAGE_DIR = "netlab-files"


class PackageFile(NamedTuple):
    """이미지에 구워 넣는 netlab 꾸러미의 파일 하나. 경로는 모두 ``netlab/`` 안의 것이다."""

    #: 넣을 파일.
    source: str
    #: 이미지 안의 자리를 상수로 정한 모듈. 노트북 쪽 코드가 같은 상수로 그 파일을 실행한다.
    owner: str
    #: 그 상수로 쓴 이미지 안의 절대 경로 (``str.format`` 틀).
    target: str
    mode: int


#: 레시피 → 그 이미지에 구워 넣는 netlab 꾸러미의 파일. 컨테이너 안에서 혼자 도는 프로그램들이다.
#: 파일의 내용, 이미지 안의 경로, 모드가 레시피 해시에 들어가므로, 고치면 ``make images``가 다시 빌드한다.
PACKAGE_FILES: dict[str, tuple[PackageFile, ...]] = {
    "lab": (
        PackageFile("apps/pets.py", "apps/pets.py", "{APP_PATH}", 0o644),
        PackageFile("apps/registry.py", "apps/registry.py", "{APP_PATH}", 0o644),
        PackageFile("plugins/ipam_plugin.py", "plugins/ipam.py", "{SCRIPT_DIR}/{SCRIPT_NAME}", 0o755),
    ),
}


def _string_value(node: ast.expr, known: dict[str, str]) -> str | None:
    """문자열 상수나, 앞서 정한 상수만 끼운 f-문자열의 값. 그 밖의 식이면 None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if not isinstance(node, ast.JoinedStr):
        return None
    parts = []
    for part in node.values:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            parts.append(part.value)
        elif (
            isinstance(part, ast.FormattedValue)
            and isinstance(part.value, ast.Name)
            and part.value.id in known
            and part.conversion == -1
            and part.format_spec is None
        ):
            parts.append(known[part.value.id])
        else:
            return None
    return "".join(parts)


def _module_constants(path: Path) -> dict[str, str]:
    """모듈 맨 위의 문자열 상수를 모듈을 가져오지 않고 소스에서 읽는다.

    이미지 안의 자리는 그 파일을 쓰는 모듈의 상수(``pets.APP_PATH``, ``ipam.SCRIPT_DIR`` …)가 정한다. 그 모듈들은
    이 모듈보다 위층(``netlab.apps``, ``netlab.plugins``)이라 가져오지 않고, 상수를 정한 줄만 읽는다.
    """
    known: dict[str, str] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, value = node.target.id, node.value
        else:
            continue
        text = _string_value(value, known)
        if text is not None:
            known[name] = text
    return known


def package_files(recipe: str = "lab") -> list[tuple[Path, str, int]]:
    """레시피가 이미지에 구워 넣는 netlab 꾸러미의 파일: (파일, 이미지 안의 절대 경로, 모드)."""
    found = []
    for entry in PACKAGE_FILES.get(recipe, ()):
        target = entry.target.format(**_module_constants(NETLAB / entry.owner))
        if not target.startswith("/"):
            raise ValueError(f"{entry.source}의 이미지 안 경로가 절대 경로가 아니다: {target}")
        found.append((NETLAB / entry.source, target, entry.mode))
    return found


class ContextFile(NamedTuple):
    """빌드 컨텍스트의 파일 하나."""

    name: str
    path: Path
    #: 컨텍스트에서의 모드. None이면 파일의 모드 그대로다.
    mode: int | None = None


def _recipe_files(recipe: str) -> list[ContextFile]:
    """빌드 컨텍스트에 들어갈 레시피 파일 (엔진 .deb는 빼고). 레시피 해시도 이것으로 만든다."""
    files = [
        ContextFile(path.relative_to(RECIPES / recipe).as_posix(), path)
        for path in sorted((RECIPES / recipe).rglob("*"))
        if path.is_file()
    ]
    if carries_engine(recipe):
        files += [
            ContextFile("engine-debs/engine-debs.txt", ENGINE_DEBS_LIST),
            ContextFile("engine-debs/engine-debs.sh", ENGINE_DEBS_SCRIPT),
        ]
    files += [ContextFile(f"{PACKAGE_DIR}{target}", path, mode) for path, target, mode in package_files(recipe)]
    return files


def recipe_hash(recipe: str = "lab") -> str:
    """레시피 폴더의 모든 파일(엔진을 품으면 엔진 목록, 구워 넣는 netlab 파일까지)의 내용으로 만든 짧은 해시."""
    digest = hashlib.sha256()
    for name, path, mode in _recipe_files(recipe):
        digest.update(f"{recipe}/{name}".encode())
        if mode is not None:
            digest.update(f"mode={mode:o}".encode())
        digest.update(path.read_bytes())
    digest.update(SUITE.encode())
    return digest.hexdigest()[:12]


def engine_debs(progress: Progress = _print_progress) -> list[Path]:
    """기준 엔진의 .deb를 캐시에 받아 그 경로를 돌려준다. 이 기계에서 받을 수 없으면 빈 목록."""
    if not (shutil.which("apt-get") and shutil.which("dpkg")):
        progress("이 기계에는 apt가 없다: 엔진 .deb는 이미지 안에서 받는다.")
        return []
    result = subprocess.run(
        ["bash", str(ENGINE_DEBS_SCRIPT), str(CACHE / "engine-debs"), str(ENGINE_DEBS_LIST)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        progress("엔진 .deb를 이 기계에서 받지 못했다: 이미지 안에서 받는다.\n" + result.stderr[-800:])
        return []
    return [Path(line) for line in result.stdout.split()]


def packages_hash(recipe: str = "lab") -> str:
    """베이스 이미지는 패키지 목록에만 달려 있다: 다른 레시피 파일을 고쳐도 debootstrap을 다시 하지 않는다."""
    digest = hashlib.sha256(SUITE.encode() + (RECIPES / recipe / "packages.txt").read_bytes())
    return digest.hexdigest()[:12]


def image_tag(recipe: str = "lab") -> str:
    return f"netlab/{recipe}:{SUITE}"


def is_current(cli: docker.DockerClient, recipe: str = "lab") -> bool:
    """이미지가 있고 지금 레시피로 만든 것인지."""
    try:
        image = cli.images.get(image_tag(recipe))
    except ImageNotFound:
        return False
    labels = image.labels or {}
    # 옛 이미지는 netlab.book 라벨을 달고 있었다: 그 라벨은 컨테이너로 물려져 정리를 헷갈리게 하므로 다시 빌드한다.
    return (
        labels.get(LABEL_RECIPE) == recipe_hash(recipe)
        and labels.get(LABEL_IMAGE) == BOOK
        and "netlab.book" not in labels
    )


def _engine_is_local(cli: docker.DockerClient) -> bool:
    base_url = cli.api.base_url
    return base_url.startswith("http+docker://localhost") or base_url.startswith("http+unix")


def choose_base_method(cli: docker.DockerClient) -> str:
    """베이스를 구할 방법을 고른다 (모듈 설명 참고)."""
    forced = os.environ.get("NETLAB_BASE")
    if forced in ("debootstrap", "pull"):
        return forced
    if shutil.which("debootstrap") and os.geteuid() == 0 and _engine_is_local(cli):
        return "debootstrap"
    return "pull"


def _run_streaming(cmd: list[str], progress: Progress, label: str) -> None:
    """긴 명령을 실행하며 진행 상황을 몇 줄마다 알린다."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    count = 0
    tail: list[str] = []
    for line in proc.stdout:
        count += 1
        tail = [*tail[-20:], line.rstrip()]
        if line.startswith(("I: Retrieving", "I: Validating")):
            continue
        if (line.startswith("I: ") and count % 25 == 0) or line.startswith(("E:", "W:")):
            progress(f"  [{label} {time.monotonic() - started:5.0f}s] {line.rstrip()}")
    if proc.wait() != 0:
        raise RuntimeError(f"{label} 실패 (종료 코드 {proc.returncode}):\n" + "\n".join(tail))


def build_base_with_debootstrap(
    cli: docker.DockerClient, recipe: str = "lab", progress: Progress = _print_progress
) -> str:
    """debootstrap으로 루트 파일 시스템을 만들어 import 하고, 그 이미지 태그를 돌려준다."""
    tag = f"netlab/{recipe}-base:{SUITE}-{packages_hash(recipe)}"
    try:
        existing = cli.images.get(tag)
        if "netlab.book" not in (existing.labels or {}):
            progress(f"베이스 이미지 {josa(tag, '가')} 이미 있다.")
            return tag
        # 옛 라벨의 베이스: 그 위에 만든 이미지부터 치우고 태그를 지운 뒤 다시 만든다.
        for stale in (image_tag(recipe), tag):
            try:
                cli.images.remove(stale)
            except ImageNotFound:
                pass
    except ImageNotFound:
        pass
    CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"rootfs-{recipe}-", dir=CACHE))
    rootfs = work / "rootfs"
    try:
        progress(f"debootstrap: {SUITE} 최소 시스템과 패키지 {len(packages(recipe))}개 (1~2분 걸린다)")
        _run_streaming(
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={','.join(packages(recipe))}",
                SUITE,
                str(rootfs),
                MIRROR,
            ],
            progress,
            "debootstrap",
        )
        for rel in _PRUNE:
            shutil.rmtree(rootfs / rel, ignore_errors=True)
        (rootfs / "var/lib/apt/lists").mkdir(parents=True, exist_ok=True)
        for lst in (rootfs / "var/lib/apt/lists").glob("*_Packages"):
            lst.unlink()
        progress("루트 파일 시스템을 tar로 묶어 엔진에 import 한다.")
        archive = work / "rootfs.tar"
        subprocess.run(["tar", "--numeric-owner", "-C", str(rootfs), "-cf", str(archive), "."], check=True)
        repo, version = tag.split(":")
        with archive.open("rb") as fh:
            cli.api.import_image_from_data(
                fh,
                repository=repo,
                tag=version,
                changes=[f"LABEL {LABEL_IMAGE}={BOOK}"],
            )
        progress(f"베이스 이미지 {josa(tag, '를')} 만들었다.")
        for stale in remove_stale_bases(cli, recipe):
            progress(f"옛 베이스 이미지 {josa(stale, '를')} 지웠다.")
        return tag
    finally:
        shutil.rmtree(work, ignore_errors=True)


def remove_stale_bases(cli: docker.DockerClient, recipe: str) -> list[str]:
    """패키지 목록이 바뀌어 쓰이지 않게 된 이 레시피의 베이스 태그를 지운다. 지운 태그를 돌려준다.

    베이스 태그에는 패키지 목록의 해시가 들어 있어서, 목록이 바뀔 때마다 옛 베이스(수백 MB)가 남는다.
    우리 라벨이 붙은 ``netlab/<레시피>-base:<SUITE>-*`` 가운데 지금 해시가 아닌 것만 지운다. 그 위에 만든
    이미지가 아직 있으면 엔진이 거절하므로 그대로 둔다.
    """
    current = f"netlab/{recipe}-base:{SUITE}-{packages_hash(recipe)}"
    removed = []
    for image in cli.images.list(name=f"netlab/{recipe}-base", filters={"label": f"{LABEL_IMAGE}={BOOK}"}):
        for tag in image.tags:
            if tag != current and tag.startswith(f"netlab/{recipe}-base:{SUITE}-"):
                try:
                    cli.images.remove(tag)
                except (ImageNotFound, docker.errors.APIError):
                    continue
                removed.append(tag)
    return removed


def _build_context(recipe: str, progress: Progress = _print_progress) -> io.BytesIO:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, path, mode in _recipe_files(recipe):
            if mode is None:
                tar.add(path, arcname=name)
                continue
            info = tar.gettarinfo(path, arcname=name)
            info.mode, info.uid, info.gid, info.uname, info.gname = mode, 0, 0, "root", "root"
            with path.open("rb") as fh:
                tar.addfile(info, fh)
        if carries_engine(recipe):
            for deb in engine_debs(progress):
                tar.add(deb, arcname=f"engine-debs/{deb.name}")
    buffer.seek(0)
    return buffer


def build(recipe: str = "lab", *, force: bool = False, progress: Progress = _print_progress) -> str:
    """레시피가 바뀌었거나 이미지가 없을 때만 빌드한다. 이미지 태그를 돌려준다."""
    cli = client()
    tag = image_tag(recipe)
    if not force and is_current(cli, recipe):
        progress(f"{tag}: 최신이다 (레시피 {recipe_hash(recipe)}).")
        return tag
    if is_rootless_guest(cli):
        # root 없는 랩 호스트의 손님에는 바깥으로 가는 길이 없어 debootstrap을 못 한다. 이미지는 데이터 디스크에 있다.
        if recipe == "labhost":
            progress(f"{tag}: root 없는 랩 호스트에서는 필요 없다 (손님 커널이 곧 랩 호스트다).")
            return tag
        raise RuntimeError(
            f"{tag}가 root 없는 랩 호스트의 손님 엔진에 없거나 옛것이다. "
            "python -m netlab rootless down 뒤 python -m netlab rootless up으로 디스크를 다시 만든다."
        )
    method = choose_base_method(cli)
    progress(f"{tag} 빌드 시작 (베이스: {method})")
    base = build_base_with_debootstrap(cli, recipe, progress) if method == "debootstrap" else "debian:bookworm-slim"
    labels = {LABEL_IMAGE: BOOK, LABEL_RECIPE: recipe_hash(recipe)}
    stream = cli.api.build(
        fileobj=_build_context(recipe, progress),
        custom_context=True,
        tag=tag,
        buildargs={"BASE": base},
        labels=labels,
        rm=True,
        forcerm=True,
        decode=True,
        pull=False,
        timeout=3600,
    )
    for chunk in stream:
        if "error" in chunk:
            raise RuntimeError(f"{tag} 빌드 실패: {chunk['error']}")
        text = (chunk.get("stream") or "").rstrip()
        if text.startswith("Step "):
            progress(f"  {text}")
    if not is_current(cli, recipe):
        raise RuntimeError(f"{tag} 빌드가 끝났는데 레시피 라벨이 맞지 않는다.")
    # 레시피가 바뀌어 태그를 잃은 옛 이미지는 우리 라벨이 붙은 것만 치운다.
    cli.images.prune(filters={"dangling": True, "label": f"{LABEL_IMAGE}={BOOK}"})
    progress(f"{tag} 준비 완료.")
    return tag


def ensure(recipe: str = "lab") -> str:
    """노트북에서 쓰는 짧은 이름: 이미지가 없으면 만든다."""
    return build(recipe, progress=_print_progress)


if __name__ == "__main__":  # pragma: no cover
    build(sys.argv[1] if len(sys.argv) > 1 else "lab")
