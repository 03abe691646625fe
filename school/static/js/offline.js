// The phone's side of voting-day reports: the device token (issued after check-in) and the queue.
// A report is stored on the phone first, then sent; what fails for lack of a connection stays and is sent
// again every few seconds and when the connection returns. Each report carries an id made here, so the server
// keeps one copy however many times it arrives. Sending uses the device token, not the session or CSRF, so a
// report written at 14:00 still goes at 21:00. Stored in IndexedDB (not the service worker's page cache).
(function () {
  "use strict";
  var DB = "observer-school", RETRY_MS = 4000, MAX_PHOTO = 10 * 1024 * 1024;
  var flushing = false, timer = null;

  function idb() {
    return new Promise(function (resolve, reject) {
      var r = indexedDB.open(DB, 1);
      r.onupgradeneeded = function () {
        r.result.createObjectStore("device");
        r.result.createObjectStore("queue", { keyPath: "client_id" });
      };
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }
  function call(store, mode, method, arg, key) {
    return idb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode), req = t.objectStore(store)[method](arg, key);
        t.oncomplete = function () { resolve(req.result); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  var device = {
    get: function () { return call("device", "readonly", "get", "current"); },
    set: function (value) { return call("device", "readwrite", "put", value, "current"); }
  };
  var queue = {
    all: function () { return call("queue", "readonly", "getAll"); },
    put: function (item) { return call("queue", "readwrite", "put", item); },
    remove: function (id) { return call("queue", "readwrite", "delete", id); }
  };

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }
  // Times as the server shows them: Almaty, whatever zone the phone is set to.
  var ZONE = "Asia/Almaty";
  function hhmm(iso) {
    return new Date(iso).toLocaleTimeString("ru-RU", { hour: "2-digit", minute: "2-digit", timeZone: ZONE });
  }
  function valid(dev) { return dev && dev.token && new Date(dev.expires_at).getTime() > Date.now(); }

  // ---- the queue view (report page and day page)
  function render() {
    var view = document.querySelector("[data-queue-view]"), list = document.querySelector("[data-queue-list]");
    if (!view || !list) { return Promise.resolve(); }
    return queue.all().then(function (items) {
      list.textContent = "";
      items.sort(function (a, b) { return a.written_at < b.written_at ? -1 : 1; });
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.dataset.clientId = item.client_id;
        li.textContent = hhmm(item.written_at) + ", № " + item.station_number + ": " + item.kind_title +
          (item.photo ? " (с фото)" : "") + " — " + (item.error || "ждёт отправки");
        list.appendChild(li);
      });
      view.hidden = !items.length;
    });
  }

  function say(text) {
    var el = document.querySelector("[data-report-status]");
    if (el) { el.textContent = text; }
  }

  // ---- sending
  function send(item) {
    var data = new FormData();
    ["client_id", "station_id", "kind", "description", "written_at"].forEach(function (k) { data.append(k, item[k]); });
    data.append("urgent", item.urgent ? "1" : "0");
    if (item.tries > 0) { data.append("queued", "1"); }
    if (item.photo) { data.append("photo", item.photo, item.photo_name || "photo.jpg"); }
    return fetch(item.api, { method: "POST", body: data, credentials: "omit", cache: "no-store",
                             headers: { "Authorization": "Bearer " + item.token, "Accept": "application/json" } })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) { return { code: r.status, body: body }; });
      });
  }

  function attempt(item) {
    return send(item).then(function (res) {
      if (res.code === 200 || res.code === 201) {
        say("Отправлено: сообщение № " + res.body.id + " (" + res.body.status_label + ").");
        return queue.remove(item.client_id);
      }
      item.tries += 1;
      if (res.code === 401) { item.error = "ключ отправки недействителен: откройте «День голосования»"; item.state = "token"; }
      else if (res.code >= 400 && res.code < 500) { item.error = "не принято: " + (res.body.error || res.code); item.state = "refused"; }
      return queue.put(item);
    }, function () {
      item.tries += 1;
      return queue.put(item).then(function () {
        say("Нет связи: сообщение сохранено на телефоне и уйдёт само, когда связь появится.");
      });
    });
  }

  function flush() {
    if (flushing) { return Promise.resolve(); }
    flushing = true;
    return queue.all().then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "waiting"; });
      return waiting.reduce(function (p, item) { return p.then(function () { return attempt(item); }); }, Promise.resolve());
    }).then(function () { flushing = false; return render(); }, function () { flushing = false; })
      .then(schedule);
  }

  function schedule() {
    clearTimeout(timer);
    queue.all().then(function (items) {
      if (items.some(function (i) { return i.state === "waiting"; })) { timer = setTimeout(flush, RETRY_MS); }
    });
  }

  // ---- the device token, fetched on the day page once the consultant has checked in
  function setupDevice(box) {
    var status = box.querySelector("[data-device-status]"), userId = Number(box.dataset.userId);
    function show(dev) {
      status.textContent = "Этот телефон отправляет сообщения и без связи, и после выхода из системы — до " +
        new Date(dev.expires_at).toLocaleString("ru-RU", { day: "2-digit", month: "2-digit", hour: "2-digit",
                                                          minute: "2-digit", timeZone: ZONE }) + ".";
    }
    if (box.dataset.arrived !== "1") { return; }
    device.get().then(function (dev) {
      if (valid(dev) && dev.user_id === userId) { show(dev); return; }
      var csrf = box.querySelector("[data-csrf]").value;
      return fetch(box.dataset.tokenUrl, { method: "POST", credentials: "same-origin",
                                           headers: { "X-CSRFToken": csrf, "Accept": "application/json" } })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (!res.ok) { status.textContent = res.body.error || "Ключ отправки не выдан."; return; }
          return device.set(res.body).then(function () { show(res.body); return retoken(res.body); });
        });
    }).catch(function () { status.textContent = "Нет связи: ключ отправки получим, когда связь появится."; });
  }

  // Reports refused for a dead token get this user's new one and go again.
  function retoken(dev) {
    return queue.all().then(function (items) {
      return Promise.all(items.filter(function (i) { return i.state === "token" && i.user_id === dev.user_id; })
        .map(function (i) { i.token = dev.token; i.state = "waiting"; i.error = ""; return queue.put(i); }));
    }).then(flush);
  }

  // ---- the report form
  function setupForm(form) {
    var stations = form.querySelector("[name=station_id]"), kind = form.querySelector("[name=kind]");
    var urgent = form.querySelector("[name=urgent]"), photo = form.querySelector("[name=photo]");
    var wanted = new URLSearchParams(window.location.search).get("kind");
    if (wanted) { kind.value = wanted; }
    function showSteps() {
      document.querySelectorAll("[data-steps-for]").forEach(function (s) { s.hidden = s.dataset.stepsFor !== kind.value; });
      var option = kind.options[kind.selectedIndex];
      urgent.checked = !!(option && option.dataset.urgent === "1");
    }
    kind.addEventListener("change", showSteps);
    showSteps();
    device.get().then(function (dev) {
      if (!valid(dev)) { document.querySelector("[data-report-no-token]").hidden = false; return; }
      dev.stations.forEach(function (s) {
        var o = document.createElement("option");
        o.value = s.id; o.textContent = "№ " + s.number + (s.address ? ", " + s.address : "");
        stations.appendChild(o);
      });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = photo.files && photo.files[0], option = kind.options[kind.selectedIndex];
      var text = form.querySelector("[name=description]").value.trim();
      if (!stations.value) { say("Нет участка: сначала отметьте прибытие на странице «День голосования»."); return; }
      if (!kind.value) { say("Выберите, что случилось."); kind.focus(); return; }
      if (text.length < Number(option.dataset.min || 0)) { say("Опишите в нескольких словах, что случилось."); return; }
      if (file && file.size > MAX_PHOTO) { say("Фото больше 10 МБ: выберите другое."); return; }
      device.get().then(function (dev) {
        var station = stations.options[stations.selectedIndex];
        var item = { client_id: newId(), api: form.dataset.api, token: dev.token, user_id: dev.user_id,
                     station_id: stations.value, station_number: station.textContent.split(",")[0].replace("№ ", ""),
                     kind: kind.value, kind_title: option.textContent, description: text, urgent: urgent.checked,
                     written_at: new Date().toISOString(), photo: file || null, photo_name: file ? file.name : "",
                     tries: 0, state: "waiting", error: "" };
        return queue.put(item).then(function () {
          say("Отправляем…");
          form.querySelector("[name=description]").value = ""; photo.value = "";
          return flush();
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.indexedDB) { return; }
    var box = document.querySelector("[data-device]");
    if (box) { setupDevice(box); }
    var form = document.querySelector("form[data-report-form]");
    if (form) { setupForm(form); }
    window.addEventListener("online", flush);
    render().then(flush);
  });
})();
