// The search page (/{lang}/search/): finds every word of the query in this language's
// search/index.json (written by hemismart_site/search.py). Loaded on this page only, so no other
// page downloads the index. Progressive enhancement: without JavaScript the form stays hidden and
// the list of every page below it remains. No HTML is built from text: only DOM nodes and
// textContent, so nothing from the index or the query can run as markup.
(function () {
  "use strict";
  var form = document.getElementById("hs-search");
  var input = document.getElementById("hs-search-q");
  var status = document.getElementById("hs-search-status");
  var list = document.getElementById("hs-search-results");
  if (!form || !input || !status || !list) { return; }
  var MAX_RESULTS = 30;
  var SNIPPET = 90;
  var sections = null;

  // Lower case, without accents or Hebrew vowel points, so "leucemie" finds "leucémie".
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f\u0591-\u05c7]/g, "").toLocaleLowerCase();
  }

  function load() {
    return fetch(form.getAttribute("data-index"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status + " " + response.url); }
        return response.json();
      })
      .then(function (index) {
        sections = [];
        index.pages.forEach(function (page) {
          page.sections.forEach(function (s) {
            var heading = s[1] || page.title;
            sections.push({
              href: "../" + page.url + (s[0] ? "#" + s[0] : ""),
              page: page.title, heading: heading, text: s[2],
              foldedTitle: fold(page.title), foldedHeading: fold(heading), foldedText: fold(s[2])
            });
          });
        });
      });
  }

  function score(section, words) {
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      var inTitle = section.foldedTitle.indexOf(w) >= 0;
      var inHeading = section.foldedHeading.indexOf(w) >= 0;
      var inText = section.foldedText.indexOf(w) >= 0;
      if (!inTitle && !inHeading && !inText) { return 0; }
      total += (inHeading ? 3 : 0) + (inTitle ? 2 : 0) + (inText ? 1 : 0);
    }
    return total;
  }

  // The text around the first word found, that word marked.
  function snippet(section, words) {
    var at = -1, length = 0;
    words.forEach(function (w) {
      var i = section.foldedText.indexOf(w);
      if (i >= 0 && (at < 0 || i < at)) { at = i; length = w.length; }
    });
    var p = document.createElement("p");
    if (at < 0) { p.textContent = section.text.slice(0, SNIPPET * 2); return p; }
    var start = Math.max(0, at - SNIPPET), end = Math.min(section.text.length, at + length + SNIPPET);
    // Whole words only at both ends of the snippet.
    if (start > 0) { var space = section.text.indexOf(" ", start); if (space >= 0 && space < at) { start = space + 1; } }
    if (end < section.text.length) { var last = section.text.lastIndexOf(" ", end); if (last > at + length) { end = last; } }
    var mark = document.createElement("mark");
    mark.textContent = section.text.slice(at, at + length);
    p.appendChild(document.createTextNode((start > 0 ? "… " : "") + section.text.slice(start, at)));
    p.appendChild(mark);
    p.appendChild(document.createTextNode(section.text.slice(at + length, end) + (end < section.text.length ? " …" : "")));
    return p;
  }

  function show(query) {
    // Words without the punctuation around them: "(relapse)" finds "relapse".
    var words = fold(query).split(/[\s\p{P}]+/u).filter(function (w) { return w.length > 0; });
    list.textContent = "";
    if (!words.length) { status.textContent = ""; return; }
    var found = sections
      .map(function (s, i) { return { s: s, score: score(s, words), order: i }; })
      .filter(function (r) { return r.score > 0; })
      .sort(function (a, b) { return b.score - a.score || a.order - b.order; });
    status.textContent = found.length
      ? status.getAttribute("data-found") + " " + new Intl.NumberFormat(document.documentElement.lang).format(found.length)
      : status.getAttribute("data-none");
    found.slice(0, MAX_RESULTS).forEach(function (r) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = r.s.href;
      link.textContent = r.s.heading === r.s.page ? r.s.page : r.s.page + " › " + r.s.heading;
      item.appendChild(link);
      item.appendChild(snippet(r.s, words));
      list.appendChild(item);
    });
  }

  function run() {
    var query = input.value;
    var url = new URL(window.location.href);
    if (query) { url.searchParams.set("q", query); } else { url.searchParams.delete("q"); }
    window.history.replaceState(null, "", url.toString());
    show(query);
  }

  form.hidden = false;
  var nojs = document.getElementById("hs-search-nojs");
  if (nojs) { nojs.hidden = true; }
  var initial = new URL(window.location.href).searchParams.get("q") || "";
  input.value = initial;
  load().then(function () {
    if (initial) { show(initial); }
    input.addEventListener("input", run);
  }, function (error) {
    status.textContent = status.getAttribute("data-failed");
    if (nojs) { nojs.hidden = false; }
    if (window.console) { window.console.error("search index not loaded:", error); }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); if (sections) { run(); } });
})();
