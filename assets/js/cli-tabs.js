// 코드 셀의 "파이썬"과 "docker 명령" 탭 (_ext/cli_tabs.py 가 만든 HTML, docs/book-build.md).
// WAI-ARIA 탭 형식: 누르거나 화살표(←/→)·Home·End 키로 고른다. 고른 쪽(파이썬/명령)은 같은 쪽의 모든 탭 묶음에
// 함께 적용하고 localStorage 에 기억한다. 스크립트가 없으면 파이썬 탭만 보이고, 명령 줄은 출력 칸에 그대로 있다.
(() => {
  "use strict";
  const KEY = "netlab-cli-tabs";

  const tabsOf = (set) => Array.from(set.querySelectorAll(':scope > [role="tablist"] > [role="tab"]'));

  function show(set, kind) {
    for (const tab of tabsOf(set)) {
      const on = tab.dataset.kind === kind;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      const panel = document.getElementById(tab.getAttribute("aria-controls"));
      if (panel) panel.hidden = !on;
    }
  }

  // 모든 묶음에 적용한다. 위쪽 묶음의 높이가 바뀌어도 누른 묶음이 화면에서 움직이지 않게 스크롤을 맞춘다.
  function showEverywhere(kind, anchor) {
    const before = anchor ? anchor.getBoundingClientRect().top : 0;
    for (const set of document.querySelectorAll(".netlab-cli-tabs")) show(set, kind);
    if (anchor) {
      const moved = anchor.getBoundingClientRect().top - before;
      if (moved) window.scrollBy(0, moved);
    }
    try {
      window.localStorage.setItem(KEY, kind);
    } catch (err) {
      // 저장할 수 없으면 기억하지 않는다
    }
  }

  function choose(tab) {
    showEverywhere(tab.dataset.kind, tab.closest(".netlab-cli-tabs"));
  }

  function onKey(event) {
    const tab = event.target.closest('[role="tab"]');
    if (!tab) return;
    const tabs = tabsOf(tab.closest(".netlab-cli-tabs"));
    const at = tabs.indexOf(tab);
    let next = null;
    if (event.key === "ArrowRight") next = tabs[(at + 1) % tabs.length];
    else if (event.key === "ArrowLeft") next = tabs[(at - 1 + tabs.length) % tabs.length];
    else if (event.key === "Home") next = tabs[0];
    else if (event.key === "End") next = tabs[tabs.length - 1];
    if (!next) return;
    event.preventDefault();
    choose(next);
    next.focus();
  }

  function ready() {
    const sets = document.querySelectorAll(".netlab-cli-tabs");
    for (const set of sets) {
      const list = set.querySelector(':scope > [role="tablist"]');
      list.addEventListener("click", (event) => {
        const tab = event.target.closest('[role="tab"]');
        if (tab) choose(tab);
      });
      list.addEventListener("keydown", onKey);
      set.classList.add("netlab-cli-tabs--ready");
    }
    let saved = null;
    try {
      saved = window.localStorage.getItem(KEY);
    } catch (err) {
      saved = null;
    }
    if (saved === "cli") {
      for (const set of sets) show(set, saved);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
