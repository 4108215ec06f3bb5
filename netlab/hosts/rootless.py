"""root 없는 랩 호스트: 도커 엔진도 root도 없는 독자가 UML 손님의 엔진을 자기 엔진으로 쓰게 한다.

컨테이너 랩 호스트(:mod:`netlab.hosts.labhost`)는 바깥 엔진의 컨테이너 안에서 UML을 돌린다. 이 모듈은 같은 손님을
독자의 사용자 권한으로 바로 돌린다. 탭 장치도 ``/dev/net/tun``도 사용자 네임스페이스도 쓰지 않는다
(설계와 측정은 ``docs/design.md``의 "root 없는 랩 호스트"와 ``docs/rootless-labhost-measurements.md``).

- **준비**(:func:`prepare`): 손님 루트 디스크(``build-guest-image.sh``), 실습 이미지와 노드 이미지의 루트 파일 시스템
  (``build-image-rootfs.sh``, 둘 다 mmdebstrap의 fakechroot 모드), 그 둘을 층 하나짜리 이미지 묶음으로 싼 것
  (``make-image-archive.py``), 묶음을 미리 load 한 데이터 디스크(``prepare-data-disk.sh``). 모두 사용자의 캐시
  (``~/.cache/netlab/rootless``)에 두고, 입력(레시피 해시, 스크립트)에서 만든 열쇠가 같으면 다시 만들지 않는다.
- **켜기**(:func:`up`): ``labhost.sh``가 손님을 부팅하고, 손님마다 ``socat``이 0700 폴더의 유닉스 소켓을 손님 엔진의
  TLS 포트에 잇는다. 첫 손님의 소켓(:data:`netlab.base.engine.ROOTLESS_SOCKET`)이 있으면 netlab은 ``DOCKER_HOST``가
  없어도 그 엔진을 쓴다(:func:`netlab.base.engine.client`).
- **끄기**(:func:`down`): 전달자와 손님을 멈추고 실행 폴더를 지운다. 캐시의 디스크는 남는다.

전달자를 파이썬 스레드로 만들었던 시제품은 TLS 소켓 하나를 두 스레드가 동시에 읽고 써서(OpenSSL은 그것을 허락하지
않는다) 손님 dockerd에 ``bad record MAC``이 찍히고 API 호출이 멈췄다. ``socat``은 한 연결을 한 프로세스의 select
루프로 잇는다.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from docker.errors import DockerException

from ..base import engine
from ..base.wait import until
from . import images

Progress = Callable[[str], None]

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts" / "rootless"
HOME = engine.ROOTLESS_HOME
RUN = HOME / "run"
SOCKETS = Path(engine.ROOTLESS_SOCKET).parent
TLS = HOME / "tls"
LAST_ERROR = Path(engine.ROOTLESS_LAST_ERROR)
GUEST_IMG = HOME / "guest.img"
DATA_IMG = HOME / "docker.img"
#: 손님 엔진에 미리 넣는 이미지의 레시피. 노드 이미지는 여러 노드 장의 Docker-in-Docker 노드가 쓴다.
RECIPES = ("lab", "node")
#: 노드에 옮길 때 데이터 디스크에서 바로 load 하도록 손님 안에 남겨 두는 묶음 (레시피 → 파일 이름).
KEPT = {"lab": "netlab_lab_bookworm.tar"}
#: 손님 하나의 메모리. Binder처럼 메모리가 작은 곳에서는 환경 변수 ``LABHOST_MEM``으로 줄인다.
DEFAULT_MEM = "2G"
BOOT_TIMEOUT = 240

#: 명령 → 그것을 주는 데비안 꾸러미. root 없이 설치할 수 없으므로 없으면 무엇을 설치할지 말한다.
TOOLS = {
    "linux.uml": "user-mode-linux",
    "vde_switch": "vde2",
    "vde_plug": "vde2",
    "mmdebstrap": "mmdebstrap",
    "fakechroot": "fakechroot",
    "fakeroot": "fakeroot",
    "mkfs.ext4": "e2fsprogs",
    "openssl": "openssl",
    "socat": "socat",
    "curl": "curl",
}
SLIRP_PLUGIN = "libvdeplug_slirp.so"


class RootlessError(RuntimeError):
    """root 없는 랩 호스트를 준비하거나 켜지 못했다. 메시지는 독자가 읽을 한국어다."""


def _say(line: str) -> None:
    print(line, flush=True)


def _which(tool: str) -> str | None:
    return shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/sbin")


def missing_packages() -> list[str]:
    """이 기계에 없는 데비안 꾸러미 (필요한 명령과 vde의 slirp 플러그인으로 안다)."""
    missing = sorted({package for tool, package in TOOLS.items() if _which(tool) is None})
    plugin_dirs = [Path(p) for p in ("/usr/lib/x86_64-linux-gnu/vdeplug", "/usr/lib/aarch64-linux-gnu/vdeplug")]
    if not any((d / SLIRP_PLUGIN).exists() for d in plugin_dirs):
        missing.append("libvdeplug-slirp")
    return missing


def preflight() -> None:
    """준비에 필요한 것이 모두 있는지 본다. 없으면 무엇을 설치할지 한국어로 말하고 실패한다."""
    missing = missing_packages()
    if missing:
        raise RootlessError(
            "root 없는 랩 호스트에 필요한 데비안 꾸러미가 없다: "
            + ", ".join(missing)
            + "\n  관리자에게 한 번 설치를 부탁한다: sudo apt-get install "
            + " ".join(missing)
        )


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:16]


def guest_key() -> str:
    """손님 루트 디스크의 열쇠: 만드는 스크립트, 손님 init, 꾸러미 목록, 기준 엔진 목록."""
    files = [SCRIPTS / "build-guest-image.sh", SCRIPTS / "guest-init", images.RECIPES / "labhost" / "packages.txt"]
    files.append(images.ENGINE_DEBS_LIST)
    return _digest(*(f.read_bytes() for f in files))


def data_key() -> str:
    """데이터 디스크의 열쇠: 손님(그 엔진이 load 한다), 이미지 레시피 해시, 이미지를 만드는 스크립트."""
    scripts = [SCRIPTS / n for n in ("build-image-rootfs.sh", "make-image-archive.py", "prepare-data-disk.sh")]
    return _digest(guest_key(), *(images.recipe_hash(r) for r in RECIPES), *(f.read_bytes() for f in scripts))


def _key_file(artifact: Path) -> Path:
    return artifact.with_name(artifact.name + ".key")


def _current(artifact: Path, key: str) -> bool:
    keyfile = _key_file(artifact)
    return artifact.exists() and keyfile.exists() and keyfile.read_text().strip() == key


def _run(command: list[str], what: str, *, env: dict[str, str] | None = None) -> str:
    """스크립트를 실행하고 표준 출력을 돌려준다. 실패하면 표준 오류의 끝을 붙여 알린다."""
    full_env = {**os.environ, "NETLAB_CACHE": str(images.CACHE), **(env or {})}
    result = subprocess.run(command, capture_output=True, text=True, env=full_env)
    if result.returncode != 0:
        raise RootlessError(f"{what}에 실패했다 (종료 코드 {result.returncode}):\n{result.stderr[-2000:]}")
    return result.stdout


def _extra_files(recipe: str) -> list[str]:
    """Dockerfile의 COPY와 같은 것: ``원본:이미지 안 경로:모드``."""
    specs = [f"{src}:{dest}:{mode:o}" for src, dest, mode in images.package_files(recipe)]
    if recipe == "lab":
        specs.append(f"{images.RECIPES / 'lab' / 'whoami-server'}:/usr/local/bin/whoami-server:755")
    return specs


def _archive(recipe: str, rootfs: Path, out: Path) -> None:
    labels = {images.LABEL_IMAGE: images.BOOK, images.LABEL_RECIPE: images.recipe_hash(recipe)}
    command = [sys.executable, str(SCRIPTS / "make-image-archive.py"), str(rootfs), str(out)]
    command += ["--tag", images.image_tag(recipe), "--env", "LANG=C.UTF-8", "--env", "PYTHONUNBUFFERED=1"]
    command += ["--cmd", "sleep", "--cmd", "infinity"]
    for key, value in labels.items():
        command += ["--label", f"{key}={value}"]
    _run(command, f"{images.image_tag(recipe)} 이미지 묶음 만들기")


def prepare(*, progress: Progress = _say, force: bool = False) -> None:
    """손님 루트 디스크와 데이터 디스크를 만든다 (열쇠가 같으면 건너뛴다). 처음에는 4~6분쯤 걸린다."""
    preflight()
    HOME.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(HOME, 0o700)
    started = time.monotonic()
    key = guest_key()
    if force or not _current(GUEST_IMG, key):
        progress("손님 루트 디스크를 만든다 (mmdebstrap, 1분쯤)…")
        t = time.monotonic()
        _run(["bash", str(SCRIPTS / "build-guest-image.sh"), str(GUEST_IMG)], "손님 루트 디스크 만들기")
        _key_file(GUEST_IMG).write_text(key + "\n")
        progress(f"  손님 루트 디스크: {time.monotonic() - t:.0f}초")
    dkey = data_key()
    if force or not _current(DATA_IMG, dkey):
        work = HOME / "build"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(mode=0o700)
        archives = []
        try:
            for recipe in RECIPES:
                progress(f"{images.image_tag(recipe)}의 루트 파일 시스템을 만든다 (mmdebstrap, 1분쯤)…")
                t = time.monotonic()
                rootfs = work / f"{recipe}-rootfs.tar"
                command = ["bash", str(SCRIPTS / "build-image-rootfs.sh"), recipe, str(rootfs), *_extra_files(recipe)]
                _run(command, f"{images.image_tag(recipe)} 루트 파일 시스템 만들기")
                archive = work / KEPT.get(recipe, f"{recipe}.tar")
                _archive(recipe, rootfs, archive)
                rootfs.unlink()
                archives.append(archive)
                progress(f"  {images.image_tag(recipe)}: {time.monotonic() - t:.0f}초")
            progress("이미지를 미리 load 한 데이터 디스크를 만든다 (손님을 네트워크 없이 한 번 부팅, 1~2분)…")
            t = time.monotonic()
            keep = ",".join(
                f"ubd{chr(ord('d') + i)}:{a.name}" for i, a in enumerate(archives) if a.name in KEPT.values()
            )
            command = ["bash", str(SCRIPTS / "prepare-data-disk.sh"), str(GUEST_IMG), str(DATA_IMG)]
            _run(command + [str(a) for a in archives], "데이터 디스크 만들기", env={"KEEP": keep})
            _key_file(DATA_IMG).write_text(dkey + "\n")
            progress(f"  데이터 디스크: {time.monotonic() - t:.0f}초")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    progress(f"root 없는 랩 호스트의 디스크가 준비되었다 ({time.monotonic() - started:.0f}초).")


def socket_path(guest: int) -> Path:
    return SOCKETS / f"g{guest}.sock"


def _port(guest: int) -> int:
    for line in (RUN / "ports").read_text().splitlines():
        number, port = line.split()
        if int(number) == guest:
            return int(port)
    raise RootlessError(f"손님 {guest}의 포트를 모른다 ({RUN / 'ports'}).")


def _start_forwarder(guest: int) -> None:
    """손님 엔진의 TLS 포트를 주인만 여는 유닉스 소켓으로 잇는다 (``socat``, 연결마다 한 프로세스)."""
    SOCKETS.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(SOCKETS, 0o700)
    sock = socket_path(guest)
    sock.unlink(missing_ok=True)
    tls = f"cafile={TLS / 'ca.pem'},cert={TLS / 'cert.pem'},key={TLS / 'key.pem'},commonname=localhost"
    command = ["socat", f"UNIX-LISTEN:{sock},fork,mode=600", f"OPENSSL:127.0.0.1:{_port(guest)},{tls}"]
    with (SOCKETS / f"g{guest}.log").open("ab") as log:  # socat이 물려받는다. 이 프로세스의 것은 바로 닫는다
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    (SOCKETS / f"g{guest}.pid").write_text(f"{proc.pid}\n")
    until(lambda: sock.exists(), lambda ok: ok, what=f"손님 {guest}의 전달자 소켓", timeout=10)


def _engine_answers(guest: int) -> bool:
    try:
        engine.connect(f"unix://{socket_path(guest)}").close()
    except (DockerException, OSError):  # 아직 답하지 않는 엔진
        return False
    return True


def running() -> bool:
    """첫 손님의 엔진이 전달자 너머에서 답하는지."""
    return socket_path(1).exists() and _engine_answers(1)


def up(guests: int = 1, *, progress: Progress = _say) -> Path:
    """디스크를 준비하고(필요하면) 손님을 부팅해 첫 손님 엔진의 소켓 경로를 돌려준다. 떠 있으면 다시 쓴다."""
    if running():
        progress(f"root 없는 랩 호스트가 이미 떠 있다: unix://{socket_path(1)}")
        return socket_path(1)
    LAST_ERROR.unlink(missing_ok=True)
    try:
        return _boot(guests, progress)
    except RootlessError as exc:
        # 노트북의 첫 셀(엔진 연결 실패의 설명)이 이 까닭을 보여 준다: Binder처럼 켜는 일이 화면 밖에서 일어난 곳
        LAST_ERROR.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        LAST_ERROR.write_text(str(exc) + "\n", encoding="utf-8")
        down(quiet=True)
        raise


def _boot(guests: int, progress: Progress) -> Path:
    down(quiet=True)
    prepare(progress=progress)
    progress(f"손님 {guests}개를 부팅한다 (15~20초)…")
    started = time.monotonic()
    env = {"LABHOST_MEM": os.environ.get("LABHOST_MEM", DEFAULT_MEM), "LABHOST_BOOT_TIMEOUT": str(BOOT_TIMEOUT)}
    _run(["bash", str(SCRIPTS / "labhost.sh"), "up", str(guests)], "손님 부팅", env=env)
    for guest in range(1, guests + 1):
        _start_forwarder(guest)
        until(lambda g=guest: _engine_answers(g), lambda ok: ok, what=f"손님 {guest}의 엔진", timeout=60)
    progress(f"손님 엔진이 답한다 ({time.monotonic() - started:.1f}초): unix://{socket_path(1)}")
    return socket_path(1)


def _kill_group(pidfile: Path) -> None:
    try:
        pid = int(pidfile.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.3)


def down(*, quiet: bool = False) -> None:
    """전달자와 손님을 멈추고 실행 폴더와 소켓을 지운다. 캐시의 디스크는 남는다. 몇 번 불러도 된다."""
    if SOCKETS.exists():
        for pidfile in SOCKETS.glob("g*.pid"):
            _kill_group(pidfile)
        shutil.rmtree(SOCKETS, ignore_errors=True)
    if RUN.exists():
        _run(["bash", str(SCRIPTS / "labhost.sh"), "down"], "손님 멈추기")
    engine.reset_client()
    if not quiet:
        print("root 없는 랩 호스트를 내렸다 (디스크는 캐시에 남는다).")


def env_lines() -> list[str]:
    """셸에서 같은 엔진을 쓰게 하는 줄."""
    return [f"export DOCKER_HOST=unix://{socket_path(1)}"]
