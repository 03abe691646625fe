// Progressive enhancement only: every form works without this file.
(function () {
  "use strict";

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  // Autosave quiz answers one question at a time: a bad answer never blocks the others.
  // Only the newest tab of an attempt may save; an older one is told so and stops for good.
  function setupAutosave(form) {
    var url = form.dataset.autosave;
    var status = document.querySelector(".autosave-status");
    var answered = document.querySelector("[data-answered]");
    var dirty = {}, timer = null, stopped = false, submitting = false, inFlight = false;
    function say(text) { if (status) { status.textContent = text; } }
    function fieldsOf(pos) {
      var data = new FormData(), all = new FormData(form), own = "q" + pos;
      all.forEach(function (value, name) {
        if (name === own || name.indexOf(own + "-") === 0) { data.append(name, value); }
      });
      data.append("_q", pos);
      return data;
    }
    function payload(questions, extra) {
      var data = new FormData();
      data.append("csrf_token", csrfToken(form));
      data.append("tab", form.querySelector("input[name=tab]").value);
      Object.keys(questions).forEach(function (pos) {
        fieldsOf(pos).forEach(function (value, name) { data.append(name, value); });
      });
      if (extra) { data.append(extra, "1"); }
      return data;
    }
    function mark(pos, error) {
      var box = document.getElementById("q" + pos), note = document.getElementById("q" + pos + "-error");
      if (!box || !note) { return; }
      box.classList.toggle("has-error", !!error);
      note.hidden = !error;
      note.textContent = error || "";
    }
    function stop(message) {
      stopped = true; dirty = {}; clearTimeout(timer);
      say(message);
      if (status) { status.classList.add("stopped"); }
    }
    function save() {
      if (stopped || inFlight || !Object.keys(dirty).length) { return; }
      var sent = dirty; dirty = {}; inFlight = true;
      var data = payload(sent);
      say("Сохраняем…");
      fetch(url, { method: "POST", body: data, credentials: "same-origin",
                   headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) } })
        .then(function (r) { return r.json().then(function (body) { return { code: r.status, body: body }; }); })
        .then(function (res) {
          inFlight = false;
          if (res.code === 409) {
            if (res.body.closed) { window.location.reload(); return; }
            stop(res.body.error || "Тест открыт в другой вкладке.");
            return;
          }
          (res.body.saved || []).forEach(function (pos) { mark(pos, null); });
          Object.keys(res.body.errors || {}).forEach(function (pos) { mark(pos, res.body.errors[pos]); });
          if (answered && res.body.answered !== undefined) { answered.textContent = res.body.answered; }
          var bad = Object.keys(res.body.errors || {}).length;
          say(bad ? "Сохранено. Не принято ответов: " + bad + " — исправьте отмеченные вопросы." :
                    "Сохранено в " + new Date().toLocaleTimeString("ru-RU"));
          save();
        })
        .catch(function () {
          inFlight = false;
          Object.keys(sent).forEach(function (pos) { dirty[pos] = true; });
          say("Нет связи: ответы сохранятся, когда связь появится.");
          clearTimeout(timer); timer = setTimeout(save, 5000);
        });
    }
    function touched(event) {
      var box = event.target.closest ? event.target.closest("fieldset[data-pos]") : null;
      if (!box || stopped) { return; }
      dirty[box.dataset.pos] = true;
      clearTimeout(timer);
      timer = setTimeout(save, event.type === "input" ? 800 : 200);
    }
    form.addEventListener("change", touched);
    form.addEventListener("input", function (event) { if (event.target.type === "text") { touched(event); } });
    form.addEventListener("submit", function () { submitting = true; clearTimeout(timer); });
    window.addEventListener("online", save);
    // Leaving the page sends only the unsaved questions, and never from a tab that lost the right to save.
    window.addEventListener("pagehide", function () {
      if (submitting || stopped || !Object.keys(dirty).length || !navigator.sendBeacon) { return; }
      navigator.sendBeacon(url, payload(dirty, "_beacon"));
      dirty = {};
    });
  }

  // Countdown to the server's deadline; the server decides, this only informs.
  function setupCountdown(el) {
    var deadline = new Date(el.dataset.deadline).getTime();
    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      el.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      el.classList.toggle("urgent", left < 120);
      if (left === 0) { window.location.reload(); return; }
      setTimeout(tick, 1000);
    }
    tick();
  }

  // Upload with a progress bar; the server's answer replaces the page as a normal submit would.
  function setupUploadProgress(form) {
    var bar = form.querySelector(".upload-progress");
    form.addEventListener("submit", function (event) {
      if (!window.XMLHttpRequest || !bar) { return; }
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.hidden = false; bar.value = Math.round(100 * e.loaded / e.total); bar.textContent = bar.value + "%"; }
      });
      xhr.addEventListener("load", function () {
        document.open(); document.write(xhr.responseText); document.close();
      });
      xhr.send(new FormData(form));
    });
  }

  // Pages for use without a connection (school/playbook/offline.py): the service worker keeps them; their copies
  // are refreshed on a logged-in page at most every 10 minutes.
  function setupOfflineCopies(body) {
    if (!body.dataset.sw || !("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.register(body.dataset.sw).then(function () { return navigator.serviceWorker.ready; })
      .then(function (reg) {
        var last = Number(window.localStorage.getItem("offline-refreshed") || 0);
        if (!reg.active || Date.now() - last < 600000) { return; }
        window.localStorage.setItem("offline-refreshed", String(Date.now()));
        reg.active.postMessage({ type: "precache", manifest: body.dataset.swManifest });
      }).catch(function () { return null; });
  }

  // The trainer's list: the code of this minute and marks made meanwhile (self-check-ins) appear without a
  // reload; the page reloads only when the code starts or stops (the session begins or ends).
  function setupLiveMarks(box) {
    function show(row, mark) {
      row.querySelector("[data-label]").textContent = mark.label;
      row.querySelector("[data-source]").textContent = mark.source ? "· " + mark.source : "";
      row.querySelector("[data-undo]").hidden = !mark.attendance;
      row.querySelectorAll("button[data-value]").forEach(function (b) {
        var on = b.dataset.value === mark.attendance;
        b.setAttribute("aria-pressed", on ? "true" : "false");
        b.classList.toggle("secondary", !on);
      });
    }
    function refresh() {
      fetch(box.dataset.live, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (!body) { return; }
          var code = box.querySelector("[data-code]");
          if (!!code !== !!body.code) { window.location.reload(); return; }
          if (code) { code.textContent = body.code; }
          Object.keys(body.marks).forEach(function (id) {
            var row = document.querySelector("[data-booking='" + id + "']");
            var label = row && row.querySelector("[data-label]");
            if (label && label.textContent !== body.marks[id].label) { show(row, body.marks[id]); }
          });
        })
        .catch(function () { return null; });
    }
    setInterval(refresh, 5000);
  }

  // A protocol's figures: the relations they break are said in words while typing (the server checks them
  // again on saving, and asks for a comment then).
  function setupEntryCheck(form) {
    var box = form.querySelector("[data-check-result]"), timer = null;
    function show(body) {
      var failing = body.failing || [];
      box.textContent = "";
      var p = document.createElement("p");
      p.className = failing.length ? "banner fail" : "banner ok";
      p.textContent = failing.length ? "Не сходится — проверьте по копии:" : "Контрольные соотношения сходятся" +
        (body.missing ? " (не проверено из-за пустых строк: " + body.missing + ")" : "") + ".";
      box.appendChild(p);
      if (!failing.length) { return; }
      var list = document.createElement("ul");
      failing.forEach(function (f) {
        var li = document.createElement("li");
        li.textContent = f.code + ": " + f.message;
        list.appendChild(li);
      });
      p.appendChild(list);
    }
    function check() {
      fetch(form.dataset.check, { method: "POST", body: new FormData(form), credentials: "same-origin",
                                  headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) { if (body) { show(body); } })
        .catch(function () { return null; });
    }
    form.addEventListener("input", function (event) {
      if (!event.target.name || event.target.name.indexOf("line-") !== 0) { return; }
      clearTimeout(timer);
      timer = setTimeout(check, 400);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-upload-progress]").forEach(setupUploadProgress);
    var form = document.querySelector("form[data-autosave]");
    if (form) { setupAutosave(form); }
    var countdown = document.querySelector(".countdown[data-deadline]");
    if (countdown) { setupCountdown(countdown); }
    document.querySelectorAll("form[data-check]").forEach(setupEntryCheck);
    var live = document.querySelector("[data-live]");
    if (live) { setupLiveMarks(live); }
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
      s.addEventListener("change", function () { s.form.submit(); });
    });
    setupOfflineCopies(document.body);
    document.querySelectorAll("form[data-fresh-csrf]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.elements.csrf_token.value) { return; }
        event.preventDefault();
        fetch(form.dataset.freshCsrf, { credentials: "same-origin", cache: "no-store" })
          .then(function (r) { return r.json(); })
          .then(function (body) { form.elements.csrf_token.value = body.csrf_token; form.submit(); })
          .catch(function () { form.submit(); });
      });
    });
  });
})();
