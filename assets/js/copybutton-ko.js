// 복사 단추(sphinx-copybutton)의 문구를 한국어로 바꾼다. _ext/korean_ui.py 가 copybutton.js 바로 뒤에 넣는다.
//
// copybutton.js 는 도움말("Copy", "Copied!")과 아이콘의 <title> 을 자기 안의 표(messages)에서 쪽의 언어로
// 고르는데, 그 표에 한국어가 없어서 영어가 나온다. 그 파일의 맨 위 선언(const messages, let locale,
// let iconCopy, let iconCheck)은 고전 스크립트의 전역 어휘 바인딩이라 뒤에 오는 스크립트가 읽고 바꿀 수 있다.
// 단추는 DOMContentLoaded 에 만들어지므로, 그보다 먼저 도는 이 스크립트가 표에 한국어를 더하고 아이콘의
// <title> 을 바꾸면 모든 단추가 처음부터 한국어다. copybutton.js 가 바뀌어 그 이름들이 없으면 아무것도 하지 않는다.
(function () {
  if (typeof messages === "undefined" || typeof locale === "undefined") return;
  if (document.documentElement.lang !== "ko") return;
  const ko = {
    copy: "복사",
    copy_to_clipboard: "클립보드로 복사",
    copy_success: "복사했다",
    copy_failure: "복사하지 못했다",
  };
  const before = messages[locale];
  messages.ko = ko;
  if (typeof iconCopy === "string") {
    iconCopy = iconCopy.replace(`<title>${before.copy_to_clipboard}</title>`, `<title>${ko.copy_to_clipboard}</title>`);
  }
  if (typeof iconCheck === "string") {
    iconCheck = iconCheck.replace(`<title>${before.copy_success}</title>`, `<title>${ko.copy_success}</title>`);
  }
  locale = "ko";
})();
