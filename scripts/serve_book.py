"""빌드한 책(_build/html)을 이 컴퓨터 안에서만 보이는 주소(127.0.0.1)로 띄운다.

``file://``로 연 책은 브라우저에 따라 위젯 스크립트(require.js가 불러오는 모듈)나 검색 색인을 막는다.
이 스크립트로 띄우면 책의 모든 기능이 인터넷 없이 동작한다. 브라우저 시험(tests/test_browser.py)도
같은 함수로 서버를 띄운다.

    python scripts/serve_book.py              # http://127.0.0.1:8000/
    python scripts/serve_book.py --port 0     # 빈 포트를 아무거나
    python scripts/serve_book.py --dir 다른/html
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "_build" / "html"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """조용한 정적 파일 처리기. 받은 요청의 (경로, 상태 코드)를 ``server.requests``에 적는다."""

    # 위젯 모듈과 검색 색인이 올바른 형식으로 읽히도록 확장자를 분명히 한다
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".svg": "image/svg+xml",
        ".woff2": "font/woff2",
        ".woff": "font/woff",
        ".json": "application/json",
    }

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        requests = getattr(self.server, "requests", None)
        if requests is not None:
            requests.append((self.path, int(code) if str(code).isdigit() else 0))
        super().log_request(code, size)

    def log_message(self, format: str, *args: object) -> None:
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)


def serve(directory: Path = DEFAULT_DIR, port: int = 0, *, verbose: bool = False) -> http.server.ThreadingHTTPServer:
    """``directory``를 127.0.0.1:``port``에서 띄우고 서버를 돌려준다 (별도 스레드에서 돈다).

    멈출 때는 ``server.shutdown(); server.server_close()``를 부른다. 실제 포트는 ``server.server_address[1]``.
    """
    directory = Path(directory)
    if not (directory / "index.html").is_file():
        raise FileNotFoundError(f"{directory}/index.html이 없다. 먼저 `make book`으로 책을 빌드한다.")
    handler = functools.partial(_Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    server.requests = []  # type: ignore[attr-defined]
    server.verbose = verbose  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, name="serve-book", daemon=True).start()
    return server


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="빌드한 책을 127.0.0.1에서 띄운다.")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="HTML 폴더 (기본: _build/html)")
    parser.add_argument("--port", type=int, default=8000, help="포트 (0이면 빈 포트)")
    args = parser.parse_args(argv)
    try:
        server = serve(args.dir, args.port, verbose=True)
    except (FileNotFoundError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"책: http://127.0.0.1:{server.server_address[1]}/  (끝내려면 Ctrl+C)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
