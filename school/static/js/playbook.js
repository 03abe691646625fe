// The playbook page: fill in a template and copy, share or print it; filter the situations while typing,
// also without a connection, with the stems the server stored for each situation (a word matches a stem
// it starts with, as Snowball's stems are beginnings of words).
(function () {
  "use strict";
  var STOP = ("и в во на с со к ко у о об от до по за из а но что как это так уже еще же ли бы то там тут вот я мы вы " +
              "он она они оно меня нас нам мне вас их его ее им мой моя наш наша наши ваш при для или очень все " +
              "просто сейчас тоже чтобы когда где кто тот эта этот этих свой").split(" ");
  var WEIGHTS = { keywords: 6, title: 4, signs: 2, body: 0.5 };

  function filled(section) {
    return Array.prototype.map.call(section.querySelectorAll(".fill-text p"), function (p) {
      return Array.prototype.map.call(p.childNodes, function (n) {
        if (n.tagName === "INPUT") { return n.value.trim() || n.dataset.blank; }
        return n.tagName === "DATALIST" ? "" : n.textContent;
      }).join("");
    }).join("\n").replace(/\n{3,}/g, "\n\n").trim();
  }

  function setupFill(section) {
    var status = section.querySelector("[data-fill-status]"), out = section.querySelector("[data-fill-output]");
    var title = section.querySelector("h3").textContent, share = section.querySelector("[data-fill-share]");
    function say(text) { status.textContent = text; }
    section.querySelector("[data-fill-copy]").addEventListener("click", function () {
      var text = filled(section);
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { say("Скопировано."); }, function () { showText(text); });
      } else { showText(text); }
    });
    function showText(text) {
      out.textContent = text; out.hidden = false;
      var range = document.createRange(); range.selectNodeContents(out);
      var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
      say("Текст выделен: скопируйте его.");
    }
    if (navigator.share) {
      share.hidden = false;
      share.addEventListener("click", function () {
        navigator.share({ title: title, text: filled(section) }).catch(function () { return null; });
      });
    }
    section.querySelector("[data-fill-print]").addEventListener("click", function () {
      out.textContent = filled(section);
      document.body.classList.add("print-fill"); section.classList.add("print-target");
      window.print();
      document.body.classList.remove("print-fill"); section.classList.remove("print-target");
    });
  }

  function words(text) {
    var result = [], negation = "";
    (text.toLowerCase().replace(/ё/g, "е").match(/[a-zа-я]+(?:-[a-zа-я]+)*/g) || []).forEach(function (w) {
      if (w === "не" || w === "ни" || w === "нет" || w === "без") {
        negation = w === "без" ? "без" : "не";
        if (w === "нет") { result.push({ word: "нет", neg: "" }); }
        return;
      }
      if (STOP.indexOf(w) >= 0) { return; }
      result.push({ word: w, neg: negation }); negation = "";
    });
    return result;
  }

  function hit(q, stems) {
    var best = 0;
    stems.forEach(function (term) {
      var parts = term.split("+"), neg = parts.length > 1 ? parts[0] : "", stem = parts[parts.length - 1];
      if (stem.length < 3 && q.word !== stem) { return; }
      if (q.word.indexOf(stem) === 0) { best = Math.max(best, neg === q.neg ? 1 : 0.7); }
    });
    return best;
  }

  function score(query, terms) {
    var total = 0, strong = 0;
    Object.keys(WEIGHTS).forEach(function (field) {
      query.forEach(function (q) {
        var h = hit(q, terms.fields[field] || []);
        total += WEIGHTS[field] * h;
        if (field !== "body") { strong += h; }
      });
    });
    terms.phrases.forEach(function (phrase) {
      if (phrase.every(function (stem) { return query.some(function (q) { return hit(q, [stem]) === 1; }); })) {
        total += 8 * phrase.length;
      }
    });
    return strong ? total : 0;
  }

  function setupSearch(input) {
    var list = document.querySelector("[data-situation-list]"), live = document.querySelector("[data-live-results]");
    var server = document.querySelector("[data-server-results]");
    var index = JSON.parse(list.dataset.playbookIndex), items = {};
    list.querySelectorAll("li[data-slug]").forEach(function (li) { items[li.dataset.slug] = li; });
    function apply() {
      var query = words(input.value);
      if (server && input.value !== input.defaultValue) { server.hidden = true; }
      if (!query.length) {
        index.forEach(function (s) { items[s.slug].hidden = false; list.appendChild(items[s.slug]); });
        live.hidden = true; return;
      }
      var ranked = index.map(function (s) { return { slug: s.slug, score: score(query, s.terms) }; })
        .sort(function (a, b) { return b.score - a.score; });
      var shown = 0;
      ranked.forEach(function (r) { items[r.slug].hidden = !r.score; shown += r.score ? 1 : 0; list.appendChild(items[r.slug]); });
      live.hidden = false;
      live.textContent = shown ? "Подходит ситуаций: " + shown + " (лучшие — первыми)." : "Ничего не нашлось: попробуйте другими словами.";
    }
    input.addEventListener("input", apply);
    if (!server && input.value) { apply(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-fill]").forEach(setupFill);
    var input = document.querySelector("[data-playbook-search]");
    if (input) {
      var q = new URLSearchParams(window.location.search).get("q");
      if (q && !input.value) { input.value = q; }
      setupSearch(input);
    }
  });
})();
