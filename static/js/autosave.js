// Autosave on the inventory form. Without this file the form saves with its buttons only.
//
// A few seconds after typing stops, and when the page is left, the answers go to the server
// with this tab's name, a sequence number and the version the tab knows: a late, older save
// never overwrites a newer one, and a version saved elsewhere stops autosaving (the Save
// button then shows both texts). Until the server has the text, it is kept in this browser
// (localStorage) and sent again when the connection is back. A shared inventory is never
// autosaved: what the cohort reads changes only with "Save changes".
(function () {
  "use strict";

  var IDLE_MS = 2500;
  var RETRY_MS = 8000;
  var FIELDS = /^(answer_|rating_|energy$)/;

  function storage(kind) {
    try {
      var store = window[kind];
      store.setItem("cohort-probe", "1");
      store.removeItem("cohort-probe");
      return store;
    } catch (error) {
      return null;
    }
  }

  function tabName(session) {
    var name = session && session.getItem("cohort-tab");
    if (!name) {
      name = Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
      if (session) { session.setItem("cohort-tab", name); }
    }
    return name;
  }

  function answersOf(form) {
    var answers = {};
    form.querySelectorAll("textarea[name^='answer_'], input[name^='answer_']").forEach(function (field) {
      answers[field.name] = field.value;
    });
    return answers;
  }

  function setUp() {
    var status = document.querySelector("[data-autosave]");
    var form = status && status.closest("form");
    if (!form || !window.fetch || !window.FormData) { return; }
    // Shown where the member's eyes and thumbs are: in the action bar that stays in view.
    var bar = form.querySelector(".sticky-actions");
    if (bar) { bar.insertBefore(status, bar.firstChild); }
    var local = storage("localStorage");
    var session = storage("sessionStorage");
    var url = status.dataset.url;
    var shared = status.dataset.shared === "true";
    var storeKey = "cohort-draft:" + url;
    var seqKey = "cohort-seq:" + url;
    var tab = tabName(session);
    var seq = Number((session && session.getItem(seqKey)) || 0);
    var version = form.querySelector("input[name='version']");
    var timer = null;
    var inFlight = false;
    var dirty = false;
    var stopped = shared;
    var leaving = false;

    function say(text, state) {
      status.hidden = false;
      status.textContent = text;
      status.dataset.state = state || "";
    }

    function keepLocally() {
      if (!local) { return; }
      try {
        local.setItem(storeKey, JSON.stringify({ version: version.value, answers: answersOf(form) }));
      } catch (error) { /* full: the server copy is the one that counts */ }
    }

    function forgetLocally() {
      if (local) { local.removeItem(storeKey); }
    }

    function payload() {
      var data = new FormData();
      new FormData(form).forEach(function (value, name) {
        if (FIELDS.test(name) || name === "csrf_token" || name === "version") { data.append(name, value); }
      });
      seq += 1;
      if (session) { session.setItem(seqKey, String(seq)); }
      data.set("autosave_tab", tab);
      data.set("autosave_seq", String(seq));
      return data;
    }

    function schedule(delay) {
      window.clearTimeout(timer);
      timer = window.setTimeout(send, delay || IDLE_MS);
    }

    function handle(response, body) {
      if (body.state === "saved") {
        if (body.version && Number(body.version) > Number(version.value)) { version.value = body.version; }
        if (!dirty) { forgetLocally(); }
        say(body.message, "saved");
      } else if (body.state === "stale") {
        return;
      } else if (body.state === "conflict" || body.state === "refused" || body.state === "shared") {
        stopped = true;
        say(body.message, "conflict");
      } else {
        // Busy, signed out, a refused token or a server error: keep the text, try again later.
        dirty = true;
        say(status.dataset.failed, "failed");
      }
    }

    function send(keepalive) {
      if (stopped || (inFlight && !keepalive)) { if (inFlight) { schedule(); } return; }
      if (navigator.onLine === false) { say(status.dataset.offline, "offline"); return; }
      var data = payload();
      dirty = false;
      if (!keepalive) {
        inFlight = true;
        say(status.dataset.saving, "saving");
      }
      var request;
      try {
        request = fetch(url, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          keepalive: !!keepalive,
          headers: { "Accept": "application/json" }
        });
      } catch (error) {
        if (navigator.sendBeacon) { navigator.sendBeacon(url, data); }
        return;
      }
      request.then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          handle(response, body);
        });
      }).catch(function () {
        dirty = true;
        say(navigator.onLine === false ? status.dataset.offline : status.dataset.failed, "offline");
      }).then(function () {
        if (keepalive) { return; }
        inFlight = false;
        if (dirty && !stopped) { schedule(navigator.onLine === false ? IDLE_MS : RETRY_MS); }
      });
    }

    function changed() {
      dirty = true;
      keepLocally();
      if (stopped) {
        say(shared ? status.dataset.sharedNote : status.dataset.kept, shared ? "shared" : "conflict");
        return;
      }
      schedule();
    }

    function restore(saved) {
      Object.keys(saved.answers || {}).forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && "value" in field) { field.value = saved.answers[name]; }
      });
    }

    // Text typed here earlier and not saved: put back silently when it was typed on top of
    // this very version; offered with a button when the inventory was saved since.
    function recover() {
      var saved = null;
      try { saved = local && JSON.parse(local.getItem(storeKey) || "null"); } catch (error) { saved = null; }
      if (!saved || !saved.answers) { return; }
      var now = answersOf(form);
      var differs = Object.keys(saved.answers).some(function (name) {
        return name in now && now[name].trim() !== String(saved.answers[name]).trim();
      });
      if (!differs) { forgetLocally(); return; }
      if (String(saved.version) === version.value) {
        restore(saved);
        say(status.dataset.restored, "restored");
        changed();
        return;
      }
      say(status.dataset.earlier, "earlier");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary outline autosave-restore";
      button.textContent = status.dataset.restore;
      button.addEventListener("click", function () {
        restore(saved);
        button.remove();
        say(status.dataset.restored, "restored");
        changed();
      });
      status.insertAdjacentElement("afterend", button);
    }

    form.addEventListener("input", function (event) {
      if (event.target.name && FIELDS.test(event.target.name)) { changed(); }
    });
    form.addEventListener("change", function (event) {
      if (event.target.name && FIELDS.test(event.target.name)) { changed(); }
    });
    // The form's own buttons save (or switch forms with the text): no autosave on the way out.
    // An autosave still on its way is waited for (a few seconds at most), so the form goes
    // with the version that autosave made and does not meet its own tab as a conflict.
    var waiting = null;
    form.addEventListener("submit", function (event) {
      window.clearTimeout(timer);
      if (inFlight && !waiting && form.requestSubmit) {
        event.preventDefault();
        var submitter = event.submitter || null;
        var started = Date.now();
        waiting = window.setInterval(function () {
          if (inFlight && Date.now() - started < 4000) { return; }
          window.clearInterval(waiting);
          leaving = true;
          form.requestSubmit(submitter);
        }, 100);
        return;
      }
      leaving = true;
    });
    function away() {
      if (dirty && !leaving && !stopped) { send(true); }
    }
    window.addEventListener("pagehide", away);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { away(); }
    });
    window.addEventListener("online", function () { if (dirty && !stopped) { send(); } });
    window.addEventListener("offline", function () {
      if (dirty) { say(status.dataset.offline, "offline"); }
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { leaving = false; }
    });
    recover();
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
