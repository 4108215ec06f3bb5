"""명령줄: ``python -m netlab clean|images|probe|doctor|labhost|rootless``."""

from __future__ import annotations

import argparse
import sys

from .base import engine, resources
from .hosts import capabilities, images, labhost, rootless
from .hosts.cluster import remove_stale_tunnel_dirs


def _cmd_clean(args: argparse.Namespace) -> int:
    report = resources.cleanup(engine.client(), args.lab, images=args.images)
    scope = f"실습 '{args.lab}'" if args.lab else "이 책의 모든 실습"
    print(f"{scope}: {report}")
    stale = remove_stale_tunnel_dirs()
    if stale:
        print(f"멈춘 노트북 커널이 남긴 터널 폴더 {stale}개를 지웠다.")
    return 0


def _cmd_labhost(args: argparse.Namespace) -> int:
    if args.action == "up":
        host = labhost.LabHost.up(guests=args.guests)
        for guest in host.guests.values():
            print(f"손님 {guest.name}의 엔진에 닿는 명령: {guest.cli} …")
        host.close()
    elif args.action == "down":
        host = labhost.find()
        if host is None:
            removed = resources.cleanup(engine.client(), labhost.LAB)
            print(f"답하는 랩 호스트가 없다. 라벨이 붙은 것을 지웠다: {removed}")
        else:
            host.down()
            print("랩 호스트를 지웠다 (데이터 디스크 볼륨은 남긴다: 모두 지우려면 `python -m netlab clean`).")
        # 노트북 출력에 넣지 않은 사건들(make test는 이 명령의 표준 출력을 버리므로 표준 오류로 알린다)
        for name, text in labhost.take_events():
            print(f"--- 랩 호스트 사건 {name} ---\n{text}", file=sys.stderr)
    elif args.action == "status":
        host = labhost.find()
        print(f"랩 호스트: {host.describe()}" if host else "랩 호스트가 떠 있지 않다.")
        if host:
            host.close()
    else:  # probe
        host = labhost.use()
        if host is None:
            return 2
        for name, label, state in capabilities.probe().table_rows():
            print(f"{name:10} {state:6} {label}")
        host.close()
    return 0


def _cmd_images(args: argparse.Namespace) -> int:
    for recipe in args.recipes or ["lab"]:
        images.build(recipe, force=args.force)
    return 0


def _cmd_probe(args: argparse.Namespace) -> int:
    caps = capabilities.probe()
    for name, label, state in caps.table_rows():
        print(f"{name:10} {state:6} {label}")
    return 0


def _cmd_doctor(args: argparse.Namespace) -> int:
    info = engine.engine_info()
    print(f"엔진: {info.server_version} (API {info.api_version}), {info.os}, 커널 {info.kernel}")
    print(f"저장 드라이버: {info.storage_driver}, cgroup v{info.cgroup_version}, 스웜: {info.swarm_state}")
    for recipe in ("lab", "node"):
        state = "최신" if images.is_current(engine.client(), recipe) else "없음 또는 오래됨"
        print(f"이미지 {images.image_tag(recipe)}: {state}")
    return 0


def _cmd_rootless(args: argparse.Namespace) -> int:
    if args.action == "prepare":
        rootless.prepare(force=args.force)
    elif args.action == "up":
        rootless.up(guests=args.guests)
        print("이 셸과 다른 도구에서 같은 엔진을 쓰려면:", *rootless.env_lines(), sep="\n  ")
    elif args.action == "down":
        rootless.down()
    elif args.action == "env":
        print(*rootless.env_lines(), sep="\n")
    else:  # status
        print("떠 있다" if rootless.running() else "떠 있지 않다")
        missing = rootless.missing_packages()
        print("필요한 꾸러미: " + ("모두 있다" if not missing else "없는 것 " + ", ".join(missing)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m netlab", description="실습 도우미")
    sub = parser.add_subparsers(dest="command", required=True)
    clean = sub.add_parser("clean", help="라벨이 붙은 실습 자원만 지운다")
    clean.add_argument("--lab", help="이 실습의 자원만 지운다")
    clean.add_argument("--images", action="store_true", help="실습 이미지도 지운다")
    clean.set_defaults(func=_cmd_clean)
    build = sub.add_parser("images", help="실습 이미지를 로컬에서 빌드한다")
    build.add_argument("recipes", nargs="*", help="레시피 이름 (기본: lab)")
    build.add_argument("--force", action="store_true", help="최신이어도 다시 빌드한다")
    build.set_defaults(func=_cmd_images)
    sub.add_parser("probe", help="엔진 호스트의 커널 기능을 시험한다").set_defaults(func=_cmd_probe)
    sub.add_parser("doctor", help="엔진과 이미지 상태를 보여 준다").set_defaults(func=_cmd_doctor)
    uml = sub.add_parser("labhost", help="IPVS, ESP, 802.1Q, ipvlan이 있는 커널(사용자 모드 리눅스) 위의 엔진")
    uml.add_argument("action", choices=["up", "down", "status", "probe"], help="부팅, 지우기, 상태, 커널 기능 시험")
    uml.add_argument(
        "--guests", type=int, default=1, help=f"up: 띄울 손님 커널 수 (1~{labhost.MAX_GUESTS}, 여러 노드 실험은 2)"
    )
    uml.set_defaults(func=_cmd_labhost)
    free = sub.add_parser("rootless", help="root도 도커 엔진도 없이: 사용자 권한의 UML 손님 엔진 (root 없는 랩 호스트)")
    free.add_argument(
        "action", choices=["prepare", "up", "down", "env", "status"], help="디스크 준비, 켜기, 끄기, 환경, 상태"
    )
    free.add_argument("--guests", type=int, default=1, help="up: 띄울 손님 수")
    free.add_argument("--force", action="store_true", help="prepare: 열쇠가 같아도 디스크를 다시 만든다")
    free.set_defaults(func=_cmd_rootless)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (engine.EngineUnavailable, labhost.LabHostError, rootless.RootlessError) as exc:
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
