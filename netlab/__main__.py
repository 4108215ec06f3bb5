"""명령줄: ``python -m netlab clean|images|probe|doctor``."""

from __future__ import annotations

import argparse
import sys

from . import capabilities, engine, images, resources


def _cmd_clean(args: argparse.Namespace) -> int:
    report = resources.cleanup(engine.client(), args.lab, images=args.images)
    scope = f"실습 '{args.lab}'" if args.lab else "이 책의 모든 실습"
    print(f"{scope}: {report}")
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
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except engine.EngineUnavailable as exc:
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
