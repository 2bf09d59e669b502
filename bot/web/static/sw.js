/* Oefengesprek service worker: keeps a copy of the chat page (HTML, CSS, JS) so that a
 * reload while the server is down shows the widget, which then says the server is not
 * reachable and offers to try again, instead of the browser's own error page.
 * Network first: a copy is only used when the network fails. The API is never cached. */
"use strict";

var CACHE = "oefengesprek-pagina-v1";
var PAGES = ["/", "/embed"];
var ASSETS = ["/static/app.css", "/static/app.js"];

self.addEventListener("install", function (event) {
  self.skipWaiting();
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(PAGES.concat(ASSETS));
  }).catch(function () { /* filled on the next successful load */ }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var key = PAGES.indexOf(url.pathname) >= 0 ? url.pathname : ASSETS.indexOf(url.pathname) >= 0 ? url.pathname : null;
  if (!key) return;
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(key).then(function (cached) { return cached || Response.error(); });
  }));
});
