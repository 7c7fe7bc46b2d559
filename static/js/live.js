// The live state of a session, followed without reloading: a small JSON state polled every
// few seconds with its ETag (an unchanged state is a 304 with no body), a local clock for the
// time left, and, when the facilitator moves on, the page's live parts fetched again. Without
// this file the page shows the state as it was when loaded; a reload shows the new one.
(function () {
  "use strict";

  var POLL = 3000;
  var HIDDEN_POLL = 15000;
  var RETRY_MAX = 20000;
  var REGIONS = ["live-now", "live-controls", "live-panel", "live-order", "live-listener", "live-notes", "live-people"];

  var box = document.getElementById("live-now");
  if (!box || !box.dataset.stateUrl) { return; }

  var pass = box.dataset.pass || "";
  var etag = null;
  var version = parseInt(box.dataset.version || "0", 10);
  var offset = 0;  // server clock minus this clock, in seconds
  var retry = POLL;
  var state = null;
  var loadedAt = Date.now() / 1000;
  var timer = box.querySelector("[data-live='timer']");
  var initial = timer ? { remaining: parseInt(timer.dataset.remaining, 10), running: timer.dataset.running === "yes" } : null;

  function text(name, time) {
    return (box.dataset["text" + name] || "").replace("{time}", time);
  }

  function clock(seconds) {
    seconds = Math.abs(Math.round(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return h ? h + ":" + pad(m) + ":" + pad(s) : m + ":" + pad(s);
  }

  function label(item) {
    if (!item) { return box.dataset.textNobody || ""; }
    if (typeof item.key === "number") { return item.name; }
    return box.dataset["label" + item.key.charAt(0).toUpperCase() + item.key.slice(1)] || "";
  }

  function remaining() {
    var now = Date.now() / 1000;
    if (state) {
      if (!state.running) { return state.remaining; }
      return state.remaining - (now + offset - state.timer_started);
    }
    if (initial) { return initial.running ? initial.remaining - (now - loadedAt) : initial.remaining; }
    return null;
  }

  function tick() {
    timer = box.querySelector("[data-live='timer']");
    var left = remaining();
    if (!timer || left === null) { return; }
    var running = state ? state.running : initial && initial.running;
    var words = left < 0 ? text("Over", clock(-left)) : text("Left", clock(left));
    if (!running) { words += " (" + (box.dataset.textPaused || "") + ")"; }
    if (timer.textContent.trim() !== words) { timer.textContent = words; }
    timer.classList.toggle("live-overrun", left < 0);
  }

  function show(next) {
    state = next;
    var current = box.querySelector("[data-live='current']");
    var after = box.querySelector("[data-live='next']");
    if (next.status === "live") {
      if (current) { current.textContent = label(next.agenda[next.current]); }
      if (after) { after.textContent = label(next.agenda[next.current + 1]); }
    } else if (next.status === "ended" && current) {
      current.textContent = box.dataset.textEnded || "";
    }
    tick();
  }

  function dirty(region) {
    var fields = region.querySelectorAll("[data-live-keep] textarea, [data-live-keep] input[type='text']");
    for (var i = 0; i < fields.length; i += 1) {
      if (fields[i].value !== fields[i].defaultValue) { return true; }
    }
    return false;
  }

  // The facilitator moved on: fetch the page again and take its live parts, leaving alone
  // any part with words typed in it (they are saved by its own button).
  function refreshPage() {
    var keepsTyping = REGIONS.some(function (id) {
      var region = document.getElementById(id);
      return region && dirty(region);
    });
    fetch(box.dataset.pageUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var sameShape = REGIONS.every(function (id) {
          return !document.getElementById(id) === !fresh.getElementById(id);
        });
        if (!sameShape && !keepsTyping) {
          var layout = document.querySelector(".live-layout, #main");
          var freshLayout = fresh.querySelector(layout.classList.contains("live-layout") ? ".live-layout" : "#main");
          if (freshLayout) { layout.innerHTML = freshLayout.innerHTML; }
        } else {
          REGIONS.forEach(function (id) {
            var mine = document.getElementById(id), theirs = fresh.getElementById(id);
            if (mine && theirs && !dirty(mine)) { mine.replaceWith(document.importNode(theirs, true)); }
          });
        }
        box = document.getElementById("live-now") || box;
        box.dataset.pass = pass;
        if (state) { show(state); }
      })
      .catch(function () { /* the next change tries again */ });
  }

  function say(message) {
    var line = box.querySelector("[data-live='connection']");
    if (line && line.textContent !== message) { line.textContent = message; }
  }

  function schedule() {
    var wait = document.hidden ? HIDDEN_POLL : retry;
    window.setTimeout(poll, wait + Math.floor(Math.random() * 500));
  }

  function poll() {
    var url = box.dataset.stateUrl + "?pass=" + encodeURIComponent(pass);
    var headers = { "Accept": "application/json" };
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (response) {
        if (response.status === 304) { return null; }
        if (!response.ok) { throw new Error(String(response.status)); }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (body) {
        retry = POLL;
        say("");
        if (body) {
          if (body.pass) { pass = body.pass; }
          offset = body.now - Date.now() / 1000;
          var changed = body.version !== version;
          version = body.version;
          show(body);
          if (changed && body.status === "ended" && !document.querySelector(".live-layout")) {
            window.location.reload();  // the session page: its minutes are ready
          } else if (changed) {
            refreshPage();
          }
        }
      })
      .catch(function () {
        retry = Math.min(retry * 2, RETRY_MAX);
        say(box.dataset.textLost || "");
      })
      .then(schedule);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { retry = POLL; }
  });
  window.setInterval(tick, 1000);
  tick();
  schedule();
}());
