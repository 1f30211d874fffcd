// Tender's dashboard script: no framework, no build step. It only
//  - shows times in the browser's time zone (the server renders UTC),
//  - switches the light/dark theme (remembered in localStorage),
//  - refreshes live lists: a `[data-live]` element is fetched again every few seconds and
//    replaced with the server's newer rendering (already escaped HTML from this server).
(function () {
  "use strict";
  var stored = null;
  try { stored = localStorage.getItem("tender-theme"); } catch (e) { /* private mode */ }
  if (stored === "light" || stored === "dark") {
    document.documentElement.setAttribute("data-theme", stored);
  }

  function localTimes(root) {
    root.querySelectorAll("time[data-local]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (!isNaN(when.getTime())) {
        el.textContent = when.toLocaleString(undefined, {
          year: "numeric", month: "short", day: "numeric",
          hour: "2-digit", minute: "2-digit", second: "2-digit"
        });
        el.title = el.getAttribute("datetime");
      }
    });
  }

  function toggleTheme() {
    var root = document.documentElement;
    var current = root.getAttribute("data-theme") ||
      (window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
    var next = current === "dark" ? "light" : "dark";
    root.setAttribute("data-theme", next);
    try { localStorage.setItem("tender-theme", next); } catch (e) { /* private mode */ }
  }

  var LIVE_EVERY_MS = 3000;
  function refresh() {
    var live = document.querySelectorAll("[data-live]");
    if (live.length === 0 || document.hidden) { return; }
    fetch(window.location.href, { credentials: "same-origin", headers: { "X-Tender-Live": "1" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelectorAll("[data-live]");
        if (fresh.length !== live.length) { return; }
        live.forEach(function (el, i) {
          // Keep open <details> open across refreshes.
          if (el.querySelector("details[open]")) { return; }
          var next = document.importNode(fresh[i], true);
          localTimes(next);
          el.replaceWith(next);
        });
      })
      .catch(function () { /* the next round tries again */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    localTimes(document);
    document.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
      button.addEventListener("click", toggleTheme);
    });
    setInterval(refresh, LIVE_EVERY_MS);
  });
})();
