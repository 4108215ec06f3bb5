/*
 * 한국어 검색 보조 스크립트 (korean_search.py 가 language_data.js 에 넣는다).
 *
 * 이 파일은 함수 하나만 정의한다. 규칙 표(조사·어미 목록, 한글 범위, 최소 어간 길이)는
 * 파이썬 쪽 korean_search.py 가 JSON 으로 넘겨 주므로, 색인(파이썬)과 질의(브라우저)가
 * 같은 표로 같은 알고리즘을 돌린다. 알고리즘을 고치면 korean_search.py 의
 * stem_korean() / split_words() 도 똑같이 고치고 tests/test_korean_search.py 를 돌린다.
 *
 * rules = {
 *   hangulRanges: [[시작, 끝], ...],   // 한글로 보는 코드 포인트 범위
 *   syllableFirst, syllableLast,       // 완성형 음절 범위 (U+AC00..U+D7A3)
 *   minStem: 2,                        // 떼고 남는 어간의 최소 음절 수
 *   suffixes: [[접미사, 조건], ...],   // 긴 것부터 정렬되어 있다
 * }
 * 조건: "any" 아무 음절 뒤, "final" 받침 있는 음절 뒤,
 *       "open" 받침 없는 음절 뒤, "open_or_l" 받침 없거나 ㄹ 받침인 음절 뒤.
 */
function koreanSearchFactory(rules, LatinStemmer) {
  var hangulClass = rules.hangulRanges
    .map(function (r) {
      return "\\u{" + r[0].toString(16) + "}-\\u{" + r[1].toString(16) + "}";
    })
    .join("");
  // 한글 묶음 또는 한글이 아닌 묶음 (예: "Docker를" -> "Docker", "를")
  var scriptRuns = new RegExp("[" + hangulClass + "]+|[^" + hangulClass + "]+", "gu");
  // 파이썬 re 의 \w+ 에 해당하는 낱말 (글자, 숫자, 밑줄)
  var wordRe = /[\p{L}\p{N}_]+/gu;
  var asciiLetters = /^[a-z]+$/;

  function isSyllable(code) {
    return code >= rules.syllableFirst && code <= rules.syllableLast;
  }

  function isHangulWord(word) {
    if (word.length === 0) return false;
    for (var i = 0; i < word.length; i++) {
      if (!isSyllable(word.charCodeAt(i))) return false;
    }
    return true;
  }

  // 받침 번호: 0 은 받침 없음, 8 은 ㄹ
  function finalConsonant(syllable) {
    return (syllable.charCodeAt(0) - rules.syllableFirst) % 28;
  }

  function conditionHolds(condition, lastSyllable) {
    var jong = finalConsonant(lastSyllable);
    if (condition === "final") return jong !== 0;
    if (condition === "open") return jong === 0;
    if (condition === "open_or_l") return jong === 0 || jong === 8;
    return true;
  }

  function longestSuffix(word) {
    for (var i = 0; i < rules.suffixes.length; i++) {
      var suffix = rules.suffixes[i][0];
      if (word.length > suffix.length && word.slice(-suffix.length) === suffix) {
        return rules.suffixes[i];
      }
    }
    return null;
  }

  function stemKorean(word) {
    for (;;) {
      var found = longestSuffix(word);
      if (found === null) return word;
      var rest = word.slice(0, word.length - found[0].length);
      if (rest.length < rules.minStem) return word;
      if (!conditionHolds(found[1], rest.charAt(rest.length - 1))) return word;
      word = rest;
    }
  }

  function splitWords(text) {
    var out = [];
    var tokens = text.match(wordRe) || [];
    tokens.forEach(function (token) {
      var runs = token.match(scriptRuns) || [];
      runs.forEach(function (run) {
        out.push(run);
      });
    });
    return out;
  }

  var latin = new LatinStemmer();

  var Stemmer = function () {
    this.stemWord = function (w) {
      var word = w.toLowerCase();
      if (isHangulWord(word)) return stemKorean(word);
      if (asciiLetters.test(word)) return latin.stemWord(word);
      return word;
    };
  };

  return {
    Stemmer: Stemmer,
    splitQuery: splitWords,
    stemKorean: stemKorean,
  };
}
