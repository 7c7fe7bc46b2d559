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
  var OPEN_MS = 3000; // how often an open tab says it holds the draft
  var OPEN_STALE_MS = 10000; // a tab silent this long is gone (closed without saying so)
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

  // One inventory form's draft: what this tab has typed, sent, and been told.
  function Draft(form, status) {
    this.form = form;
    this.status = status;
    this.local = storage("localStorage");
    this.session = storage("sessionStorage");
    this.url = status.dataset.url;
    this.shared = status.dataset.shared === "true";
    this.storeKey = "cohort-draft:" + this.url;
    this.seqKey = "cohort-seq:" + this.url;
    this.openKey = "cohort-open:" + this.url;
    this.tab = tabName(this.session);
    this.seq = Number((this.session && this.session.getItem(this.seqKey)) || 0);
    this.version = form.querySelector("input[name='version']");
    this.timer = null;
    this.inFlight = false;
    this.dirty = false;
    this.stopped = this.shared;
    this.leaving = false;
    this.waiting = null;
  }

  Draft.prototype.say = function (text, state) {
    this.status.hidden = false;
    this.status.textContent = text;
    this.status.dataset.state = state || "";
  };

  Draft.prototype.keepLocally = function () {
    if (!this.local) { return; }
    try {
      this.local.setItem(this.storeKey, JSON.stringify({
        version: this.version.value, answers: answersOf(this.form)
      }));
    } catch (error) { /* full: the server copy is the one that counts */ }
  };

  Draft.prototype.forgetLocally = function () {
    if (this.local) { this.local.removeItem(this.storeKey); }
  };

  Draft.prototype.payload = function () {
    var data = new FormData();
    new FormData(this.form).forEach(function (value, name) {
      if (FIELDS.test(name) || name === "csrf_token" || name === "version") { data.append(name, value); }
    });
    this.seq += 1;
    if (this.session) { this.session.setItem(this.seqKey, String(this.seq)); }
    data.set("autosave_tab", this.tab);
    data.set("autosave_seq", String(this.seq));
    return data;
  };

  Draft.prototype.schedule = function (delay) {
    var draft = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { draft.send(false); }, delay || IDLE_MS);
  };

  Draft.prototype.handle = function (body) {
    if (body.state === "saved") {
      if (body.version && Number(body.version) > Number(this.version.value)) { this.version.value = body.version; }
      if (!this.dirty) { this.forgetLocally(); }
      this.say(body.message, "saved");
    } else if (body.state === "conflict" || body.state === "refused" || body.state === "shared") {
      this.stopped = true;
      this.say(body.message, "conflict");
    } else if (body.state !== "stale") {
      // Busy, signed out, a refused token or a server error: keep the text, try again later.
      this.dirty = true;
      this.say(this.status.dataset.failed, "failed");
    }
  };

  // keepalive: the page is being left; the request outlives it (fetch keepalive, or a beacon).
  Draft.prototype.send = function (keepalive) {
    var draft = this;
    if (this.stopped || (this.inFlight && !keepalive)) { if (this.inFlight) { this.schedule(); } return; }
    if (navigator.onLine === false) { this.say(this.status.dataset.offline, "offline"); return; }
    var data = this.payload();
    this.dirty = false;
    if (!keepalive) {
      this.inFlight = true;
      this.say(this.status.dataset.saving, "saving");
    }
    var request;
    try {
      request = fetch(this.url, {
        method: "POST", body: data, credentials: "same-origin", keepalive: keepalive,
        headers: { "Accept": "application/json" }
      });
    } catch (error) {
      if (navigator.sendBeacon) { navigator.sendBeacon(this.url, data); }
      return;
    }
    request.then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) { draft.handle(body); });
    }).catch(function () {
      draft.dirty = true;
      draft.say(navigator.onLine === false ? draft.status.dataset.offline : draft.status.dataset.failed, "offline");
    }).then(function () {
      if (keepalive) { return; }
      draft.inFlight = false;
      if (draft.dirty && !draft.stopped) { draft.schedule(navigator.onLine === false ? IDLE_MS : RETRY_MS); }
    });
  };

  Draft.prototype.changed = function () {
    this.dirty = true;
    this.keepLocally();
    if (this.stopped) {
      var data = this.status.dataset;
      this.say(this.shared ? data.sharedNote : data.kept, this.shared ? "shared" : "conflict");
      return;
    }
    this.schedule();
  };

  Draft.prototype.restore = function (saved) {
    var form = this.form;
    Object.keys(saved.answers || {}).forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && "value" in field) { field.value = saved.answers[name]; }
    });
    this.say(this.status.dataset.restored, "restored");
    this.changed();
  };

  // While this tab is open it says so in the browser's storage, so a second tab on the same
  // form leaves the text this one is still writing to it (no second writer saving it).
  Draft.prototype.holdOpen = function () {
    var draft = this;
    if (!this.local) { return; }
    function mark() {
      try { draft.local.setItem(draft.openKey, JSON.stringify({ tab: draft.tab, at: Date.now() })); } catch (error) { /* full */ }
    }
    mark();
    window.setInterval(mark, OPEN_MS);
    window.addEventListener("pagehide", function () {
      var open = draft.openTab();
      if (open && open.tab === draft.tab) { draft.local.removeItem(draft.openKey); }
    });
  };

  Draft.prototype.openTab = function () {
    try { return JSON.parse(this.local.getItem(this.openKey) || "null"); } catch (error) { return null; }
  };

  Draft.prototype.heldElsewhere = function () {
    var open = this.local && this.openTab();
    return Boolean(open && open.tab !== this.tab && Date.now() - open.at < OPEN_STALE_MS);
  };

  // Text typed here earlier and not saved: put back silently when it was typed on top of
  // this very version; offered with a button when the inventory was saved since. Text another
  // open tab is still writing stays with that tab.
  Draft.prototype.recover = function () {
    var draft = this;
    var saved = null;
    if (this.heldElsewhere()) { return; }
    try { saved = this.local && JSON.parse(this.local.getItem(this.storeKey) || "null"); } catch (error) { saved = null; }
    if (!saved || !saved.answers) { return; }
    var now = answersOf(this.form);
    var differs = Object.keys(saved.answers).some(function (name) {
      return name in now && now[name].trim() !== String(saved.answers[name]).trim();
    });
    if (!differs) { this.forgetLocally(); return; }
    if (String(saved.version) === this.version.value) { this.restore(saved); return; }
    this.say(this.status.dataset.earlier, "earlier");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary outline autosave-restore";
    button.textContent = this.status.dataset.restore;
    button.addEventListener("click", function () { button.remove(); draft.restore(saved); });
    this.status.insertAdjacentElement("afterend", button);
  };

  // The form's own buttons save (or switch forms with the text): no autosave on the way out.
  // An autosave still on its way is waited for (a few seconds at most), so the form goes
  // with the version that autosave made and does not meet its own tab as a conflict.
  Draft.prototype.submitting = function (event) {
    var draft = this;
    window.clearTimeout(this.timer);
    if (this.inFlight && !this.waiting && this.form.requestSubmit) {
      event.preventDefault();
      var submitter = event.submitter || null;
      var started = Date.now();
      this.waiting = window.setInterval(function () {
        if (draft.inFlight && Date.now() - started < 4000) { return; }
        window.clearInterval(draft.waiting);
        draft.leaving = true;
        draft.form.requestSubmit(submitter);
      }, 100);
      return;
    }
    this.leaving = true;
  };

  Draft.prototype.listen = function () {
    var draft = this;
    function typed(event) {
      if (event.target.name && FIELDS.test(event.target.name)) { draft.changed(); }
    }
    function away() {
      if (draft.dirty && !draft.leaving && !draft.stopped) { draft.send(true); }
    }
    this.form.addEventListener("input", typed);
    this.form.addEventListener("change", typed);
    this.form.addEventListener("submit", function (event) { draft.submitting(event); });
    window.addEventListener("pagehide", away);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { away(); }
    });
    window.addEventListener("online", function () { if (draft.dirty && !draft.stopped) { draft.send(false); } });
    window.addEventListener("offline", function () {
      if (draft.dirty) { draft.say(draft.status.dataset.offline, "offline"); }
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { draft.leaving = false; }
    });
  };

  function setUp() {
    var status = document.querySelector("[data-autosave]");
    var form = status && status.closest("form");
    if (!form || !window.fetch || !window.FormData) { return; }
    // Shown where the member's eyes and thumbs are: in the action bar that stays in view.
    var bar = form.querySelector(".sticky-actions");
    if (bar) { bar.insertBefore(status, bar.firstChild); }
    var draft = new Draft(form, status);
    draft.listen();
    draft.recover();
    draft.holdOpen();
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
