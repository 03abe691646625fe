// Service worker: keeps the playbook, templates, memos, contacts and the report form for use without a
// connection. It caches only responses the server marked `X-Offline-Copy: 1` (pages without personal data)
// and the static files; every other request goes to the network untouched. Reports are not sent from here:
// the report page keeps its own queue (offline.js), so a report is never stored in this cache.
"use strict";

var CACHE = "school-offline-v1";

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function isStatic(url) { return url.pathname.indexOf("/static/") === 0; }

function keepable(url, response) {
  if (!response || !response.ok || response.redirected) { return false; }
  return isStatic(url) || response.headers.get("X-Offline-Copy") === "1";
}

function put(url, response) {
  return caches.open(CACHE).then(function (cache) { return cache.put(url.pathname, response); });
}

// Fetch every address of the manifest and keep those the server allows; reports progress to the pages.
function precache(manifestUrl) {
  return fetch(manifestUrl, { credentials: "same-origin", cache: "no-store" })
    .then(function (r) { return r.ok ? r.json() : { urls: [] }; })
    .then(function (data) {
      return Promise.all((data.urls || []).map(function (address) {
        var url = new URL(address, self.location.origin);
        return fetch(url.href, { credentials: "same-origin", cache: "no-store" })
          .then(function (r) { return keepable(url, r) ? put(url, r) : null; })
          .catch(function () { return null; });
      }));
    })
    .then(function () { return self.clients.matchAll(); })
    .then(function (clients) { clients.forEach(function (c) { c.postMessage({ type: "precached", at: Date.now() }); }); })
    .catch(function () { return null; });
}

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "precache") { event.waitUntil(precache(event.data.manifest)); }
});

// A kept page served without a connection says so at its «Обновлено» line.
function markOffline(response) {
  return response.text().then(function (html) {
    html = html.replace("data-offline-stamp>", "data-offline-stamp data-offline=\"1\">Нет связи — сохранённая копия. ");
    return new Response(html, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
  });
}

function fromCache(url, fallback) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(url.pathname).then(function (hit) { return hit || (fallback ? cache.match(fallback) : null); });
  });
}

function page(request, url) {
  return fetch(request).then(function (response) {
    if (!url.search && keepable(url, response)) { put(url, response.clone()); }
    return response;
  }).catch(function () {
    return fromCache(url, "/offline").then(function (hit) { return hit ? markOffline(hit) : Response.error(); });
  });
}

function asset(request, url) {
  return fetch(request).then(function (response) {
    if (keepable(url, response)) { put(url, response.clone()); }
    return response;
  }).catch(function () {
    return fromCache(url).then(function (hit) { return hit || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (isStatic(url)) { event.respondWith(asset(request, url)); return; }
  if (request.mode === "navigate") { event.respondWith(page(request, url)); }
});
