"""쪽마다 같은 스크립트를 한 번만 넣는다.

Sphinx 7.4 에는 인라인 스크립트(``app.add_js_file(None, body=...)``)를 두 번 넣는 버그가 있다. 빌더가 만들어진
뒤(``builder-inited`` 나 ``env-before-read-docs``)에 확장이 스크립트를 더하면, Sphinx 는 그것을 빌더의 목록에
파일 이름 ``None`` 으로 넣고 확장 등록표에도 적는다. 쓰기를 준비할 때(``prepare_writing``) 등록표의 스크립트를
다시 더하면서 파일 이름을 ``''`` 로 바꾸므로 ``None`` 인 것과 같은 스크립트로 보지 않는다. 그래서 모든 쪽에
같은 ``<script>`` 가 두 번 들어간다.

- sphinx-togglebutton 의 ``var togglebuttonSelector = …`` 는 ``var`` 라서 두 번 실행되어도 조용하다.
- sphinx-thebe 의 ``const THEBE_JS_URL = …`` 는 두 번째에 ``SyntaxError: Identifier 'THEBE_JS_URL' has
  already been declared`` 를 브라우저 콘솔에 남겼다. 이 책은 thebe 를 쓰지 않으므로 ``_config.yml`` 에서
  sphinx_thebe 확장을 뺐지만, 같은 일이 다른 확장에서 또 생기지 않도록 여기서 겹친 것을 걸러 낸다.

쪽을 그리기 직전(``html-page-context``)에 그 쪽의 스크립트 목록에서 파일 이름(``None`` 과 ``''`` 를 같은 것으로),
우선순위, 속성이 모두 같은 두 번째 것부터 뺀다.

처음 온 독자의 콘솔 오류도 하나 더 있었다. pydata-sphinx-theme 0.17 은 ``<head>`` 의 스크립트에서 색 모드를
``localStorage.getItem("mode") || "{{ default_mode }}"`` 로 정하는데, ``default_mode`` 가 비어 있으면
빈 모드가 되어 "Got invalid theme mode: . Resetting to auto." 를 ``console.error`` 로 찍는다
(두 번째 쪽부터는 저장된 값이 있어 조용하다).
템플릿 변수 ``default_mode``(``html_context``)를 테마가 어차피 고르는 값 ``auto``(시스템 설정 따르기)로 정한다.

시험은 ``tests/test_book_offline.py`` 의 ``test_no_script_is_included_twice`` 와 ``tests/test_browser.py`` 의
콘솔 오류 검사(모든 쪽을 빈 프로필의 브라우저로 연다)가 한다.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = ["unique_scripts"]

_VERSION: Final = "1.0"


def _key(script: Any) -> tuple[Any, ...]:
    filename = getattr(script, "filename", script) or ""
    priority = getattr(script, "priority", 500)
    attributes = getattr(script, "attributes", {}) or {}
    return (str(filename), priority, tuple(sorted((k, str(v)) for k, v in attributes.items())))


def unique_scripts(scripts: list[Any]) -> list[Any]:
    """같은 스크립트(파일 이름, 우선순위, 속성이 같은 것)의 두 번째부터 뺀 목록. 순서는 그대로다."""
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            kept.append(script)
    return kept


def _dedupe(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    scripts = context.get("script_files")
    if scripts:
        # 빌더의 목록을 고치지 않고 이 쪽의 문맥에 새 목록을 준다
        context["script_files"] = unique_scripts(list(scripts))


def _default_mode(app: Sphinx, config: Config) -> None:
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")
    config.html_context = context


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _default_mode)
    # 다른 확장이 이 쪽에 스크립트를 더한 뒤에 거른다
    app.connect("html-page-context", _dedupe, priority=999)
    return {
        "version": _VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
