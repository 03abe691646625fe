// Progressive enhancement only: every form works without this file.
(function () {
  "use strict";

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  // Autosave quiz answers on every change and when leaving the page.
  function setupAutosave(form) {
    var url = form.dataset.autosave;
    var status = document.querySelector(".autosave-status");
    var pending = null;
    function save(useBeacon) {
      var data = new FormData(form);
      if (useBeacon && navigator.sendBeacon) { data.append("_beacon", "1"); navigator.sendBeacon(url, data); return; }
      fetch(url, { method: "POST", body: data, credentials: "same-origin",
                   headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) } })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (!status) { return; }
          status.textContent = res.ok ? "Сохранено в " + new Date().toLocaleTimeString("ru-RU") : (res.body.error || "Не сохранено");
          if (res.ok === false && res.body.error && /заверш|истекло/.test(res.body.error)) { window.location.reload(); }
        })
        .catch(function () { if (status) { status.textContent = "Нет связи: ответы сохранятся при следующем изменении."; } });
    }
    var submitting = false;
    form.addEventListener("submit", function () { submitting = true; clearTimeout(pending); });
    form.addEventListener("change", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { save(false); }, 300);
    });
    // Leaving the page saves once more, but not when the page is left by submitting the attempt.
    window.addEventListener("pagehide", function () { if (!submitting) { save(true); } });
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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-upload-progress]").forEach(setupUploadProgress);
    var form = document.querySelector("form[data-autosave]");
    if (form) { setupAutosave(form); }
    var countdown = document.querySelector(".countdown[data-deadline]");
    if (countdown) { setupCountdown(countdown); }
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
      s.addEventListener("change", function () { s.form.submit(); });
    });
  });
})();
