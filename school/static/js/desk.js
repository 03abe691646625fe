// The desk refreshes its queue by itself (polling the rows every DESK_POLL_SECONDS) and counts waiting time.
(function () {
  "use strict";
  function duration(seconds) {
    var m = Math.floor(seconds / 60);
    return m >= 60 ? Math.floor(m / 60) + " ч " + (m % 60) + " мин" : m + " мин";
  }
  function tick(body, elapsed) {
    body.querySelectorAll("[data-waited][data-running='1']").forEach(function (el) {
      el.dataset.waited = Number(el.dataset.waited) + elapsed;
      el.textContent = duration(Number(el.dataset.waited));
    });
  }
  function setup(body) {
    var interval = Math.max(1, Number(body.dataset.interval || 15)) * 1000;
    var stamp = document.querySelector("[data-poll-stamp]"), busy = false;
    function poll() {
      if (busy) { return; }
      busy = true;
      fetch(body.dataset.poll, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "text/html" } })
        .then(function (r) {
          if (!r.ok || r.headers.get("X-Desk-Rows") !== "1") { throw new Error("session"); }
          return r.text();
        })
        .then(function (html) {
          body.innerHTML = html;
          stamp.textContent = "обновлено в " + new Date().toLocaleTimeString("ru-RU");
        })
        .catch(function () { stamp.textContent = "нет связи или вход истёк — обновите страницу"; })
        .then(function () { busy = false; });
    }
    setInterval(poll, interval);
    setInterval(function () { tick(body, 30); }, 30000);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("tbody[data-poll]").forEach(setup);
  });
})();
