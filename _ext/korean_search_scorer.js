/*
 * 검색 결과의 순위와 요약 (korean_search.py 가 html_search_scorer 로 language_data.js 에 넣는다).
 *
 * 이 파일은 korean_search.js 의 Stemmer, splitQuery 뒤에 들어가므로 색인과 같은 낱말 나누기·어간을 쓴다.
 *
 * 순위: Sphinx 는 쪽 제목에 있든 절 제목에 있든 같은 점수(Scorer.title)를 주고, 같은 점수끼리는 제목의
 * 가나다순으로 늘어놓는다. 그래서 "브리지를"로 찾으면 절 제목에 '브리지'가 한 번 나오는 쪽들과 6장이 같은
 * 점수가 되어 6장이 네 번째로 밀렸다. 여기서는 질의의 낱말(어간)마다 그 낱말이 쪽의 어디에 있는지로 점수를 낸다.
 *
 *   쪽 제목에 있다               weights.pageTitle
 *   절 제목에 있다               weights.heading + 그 낱말이 든 절 제목 하나마다 weights.eachHeading
 *                                (weights.headingCap 개까지)
 *   본문에만 있다                weights.body
 *
 * 질의는 주소의 ?q= 에서 다시 읽는다 (Sphinx 의 _parseQuery 와 같은 규칙: 불용어와 숫자만 된 낱말은 뺀다).
 * 용어집의 용어 같은 객체 결과(설명이 붙은 결과)는 Sphinx 의 점수를 그대로 둔다.
 *
 * 요약: Sphinx 는 쪽의 [role=main] 글자에서 낱말이 처음 나오는 자리를 보여 준다. 이 책의 테마는 그 안에
 * 인쇄용 차례(#jb-print-docs-body)를 두므로, 요약이 늘 쪽 제목과 차례였다. Search.makeSearchSummary 를
 * 바꿔 본문(article)의 문단에서 질의의 어간이 든 첫 문장을 보여 주고, 그 낱말을 강조한다.
 */
var Scorer = (function () {
  var weights = {
    pageTitle: 100,
    heading: 20,
    eachHeading: 2,
    headingCap: 10,
    body: 5,
  };
  // 문장 하나가 이보다 길면 찾은 낱말 둘레만 보여 준다
  var SNIPPET_CHARS = 240;
  // 요약으로 고를 본문 요소. 먼저 글(문단, 목록)을, 없으면 표와 코드를 본다.
  var PROSE = "p, li, dd, dt, blockquote, figcaption, caption";
  var OTHER = "td, th, pre";
  var NOT_PROSE = ".cell_input, .cell_output, pre, nav, .toctree-wrapper";

  var stemmer = new Stemmer();

  function stemsOf(text) {
    return splitQuery(text).map(function (w) {
      return stemmer.stemWord(w.toLowerCase());
    });
  }

  function queryStems() {
    var query = new URLSearchParams(window.location.search).get("q") || "";
    var out = [];
    splitQuery(query.trim()).forEach(function (term) {
      var lower = term.toLowerCase();
      if (stopwords.indexOf(lower) !== -1 || /^\d+$/.test(lower)) return;
      var stem = stemmer.stemWord(lower);
      if (out.indexOf(stem) === -1) out.push(stem);
    });
    return out;
  }

  // 쪽 번호 → {title: 쪽 제목의 어간들, headings: [절 제목마다 어간들]}. 색인을 한 번만 훑는다.
  var places = null;
  function placesOf(file) {
    if (places === null) {
      var index = Search._index;
      places = index.docnames.map(function (_, i) {
        return { title: stemsOf(index.titles[i] || ""), headings: [] };
      });
      Object.keys(index.alltitles).forEach(function (title) {
        var stems = null;
        index.alltitles[title].forEach(function (pair) {
          // [쪽 번호, 절의 id]. 쪽 제목은 id 가 null 이다.
          if (pair[1] === null || places[pair[0]] === undefined) return;
          if (stems === null) stems = stemsOf(title);
          places[pair[0]].headings.push(stems);
        });
      });
    }
    return places[file];
  }

  function inBody(stem, file) {
    var files = Search._index.terms[stem];
    if (files === undefined) return false;
    return files === file || (files.indexOf !== undefined && files.indexOf(file) !== -1);
  }

  function placeScore(file, stems) {
    var place = placesOf(file);
    var total = 0;
    stems.forEach(function (stem) {
      if (place.title.indexOf(stem) !== -1) total += weights.pageTitle;
      var headings = place.headings.filter(function (h) {
        return h.indexOf(stem) !== -1;
      }).length;
      if (headings) total += weights.heading + weights.eachHeading * Math.min(headings, weights.headingCap);
      else if (place.title.indexOf(stem) === -1 && inBody(stem, file)) total += weights.body;
    });
    return total;
  }

  function score(result) {
    var docname = result[0];
    var descr = result[3];
    var original = result[4];
    if (descr || typeof Search === "undefined" || !Search._index) return original;
    var file = Search._index.docnames.indexOf(docname);
    var stems = queryStems();
    if (file === -1 || stems.length === 0) return original;
    return placeScore(file, stems) || original;
  }

  // ---- 요약: 본문에서 질의의 어간이 든 첫 문장 ----------------------------------------------

  var WORD = /[\p{L}\p{N}_]+/gu;

  // 글을 문장으로 나눈다. 마침표 등 뒤에 빈칸이 올 때만 끊으므로 172.17.0.1 같은 주소는 그대로다.
  function sentences(text) {
    return text.split(/(?<=[.!?。])\s+/).filter(function (s) {
      return s.trim() !== "";
    });
  }

  // 문장 안에서 어간이 질의와 같은 낱말들의 [시작, 끝] 자리
  function matches(sentence, wanted) {
    var found = [];
    var m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(sentence)) !== null) {
      if (stemsOf(m[0]).some((s) => wanted.has(s))) found.push([m.index, m.index + m[0].length]);
    }
    return found;
  }

  function leafBlocks(root, selector) {
    return Array.from(root.querySelectorAll(selector)).filter(function (el) {
      return el.querySelector(selector) === null;
    });
  }

  function firstSentence(root, selector, wanted, prose) {
    var blocks = leafBlocks(root, selector);
    for (var i = 0; i < blocks.length; i++) {
      if (prose && blocks[i].closest(NOT_PROSE)) continue;
      var text = blocks[i].textContent.replace(/\s+/g, " ").trim();
      var parts = sentences(text);
      for (var j = 0; j < parts.length; j++) {
        var found = matches(parts[j], wanted);
        if (found.length) return { text: parts[j], found: found };
      }
    }
    return null;
  }

  function firstParagraph(root) {
    var blocks = leafBlocks(root, PROSE).filter(function (el) {
      return !el.closest(NOT_PROSE) && el.textContent.trim() !== "";
    });
    if (!blocks.length) return null;
    return { text: blocks[0].textContent.replace(/\s+/g, " ").trim(), found: [] };
  }

  // 긴 문장은 첫 번째로 찾은 낱말 둘레만 남긴다
  function window_(hit) {
    var text = hit.text;
    if (text.length <= SNIPPET_CHARS) return { text: text, found: hit.found, head: "", tail: "" };
    var at = hit.found.length ? hit.found[0][0] : 0;
    var start = Math.max(0, Math.min(at - 80, text.length - SNIPPET_CHARS));
    var end = Math.min(text.length, start + SNIPPET_CHARS);
    return {
      text: text.slice(start, end),
      found: hit.found
        .filter((f) => f[0] >= start && f[1] <= end)
        .map((f) => [f[0] - start, f[1] - start]),
      head: start > 0 ? "… " : "",
      tail: end < text.length ? " …" : "",
    };
  }

  function summaryNode(hit) {
    var shown = window_(hit);
    var summary = document.createElement("p");
    summary.classList.add("context");
    summary.appendChild(document.createTextNode(shown.head));
    var at = 0;
    shown.found.forEach(function (f) {
      summary.appendChild(document.createTextNode(shown.text.slice(at, f[0])));
      var mark = summary.appendChild(document.createElement("span"));
      mark.classList.add("highlighted");
      mark.textContent = shown.text.slice(f[0], f[1]);
      at = f[1];
    });
    summary.appendChild(document.createTextNode(shown.text.slice(at) + shown.tail));
    return summary;
  }

  function makeSearchSummary(htmlText, keywords, anchor) {
    var doc = new DOMParser().parseFromString(htmlText, "text/html");
    doc.querySelectorAll(".headerlink, script, style, .onlyprint").forEach(function (el) {
      el.remove();
    });
    var root = doc.querySelector("article.bd-article") || doc.querySelector('[role="main"]');
    if (!root) return null;
    if (anchor) {
      var section = doc.getElementById(decodeURIComponent(anchor.replace(/^#/, "")));
      if (section && root.contains(section)) root = section;
    }
    var wanted = new Set(keywords);
    var hit =
      firstSentence(root, PROSE, wanted, true) || firstSentence(root, OTHER, wanted, false) || firstParagraph(root);
    return hit ? summaryNode(hit) : null;
  }

  function install() {
    if (typeof Search !== "undefined") Search.makeSearchSummary = makeSearchSummary;
  }
  // 이 책의 쪽들은 searchtools.js 를 language_data.js 보다 먼저 불러온다. 순서가 바뀌어도 검색 전에 바꿔 끼운다.
  if (typeof Search !== "undefined") install();
  else document.addEventListener("DOMContentLoaded", install);

  return {
    // Sphinx 의 기본값 (searchtools.js)
    objNameMatch: 11,
    objPartialMatch: 6,
    objPrio: { 0: 15, 1: 5, 2: -5 },
    objPrioDefault: 0,
    title: 15,
    partialTitle: 7,
    term: 5,
    partialTerm: 2,
    // 이 책의 순위
    weights: weights,
    score: score,
    // 시험용
    placeScore: placeScore,
    makeSearchSummary: makeSearchSummary,
  };
})();
