// Cheer, follow, unfollow, RSVP and "helpful" without leaving the page. Each such form sits in
// an element marked data-inplace-region="name". The form is posted as it would be (its CSRF
// token, the server's rate limits), the page the server answers with is read, and every
// region of that name here is replaced by its new version; the server's message is announced
// and focus goes to the new button. Without this file, or when anything is unexpected, the
// plain form post does the same with a page load.
(function () {
  "use strict";

  var announcer = null;

  function announce(texts) {
    if (!announcer) {
      announcer = document.createElement("div");
      announcer.className = "visually-hidden";
      announcer.setAttribute("role", "status");
      announcer.setAttribute("aria-live", "polite");
      document.body.appendChild(announcer);
    }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = texts.join(" "); }, 50);
  }

  function showFlashes(page) {
    var fresh = page.querySelector(".flashes");
    var current = document.querySelector(".flashes");
    if (current) { current.remove(); }
    if (!fresh) { return []; }
    var main = document.getElementById("main");
    if (main) { main.insertBefore(document.importNode(fresh, true), main.firstChild); }
    return Array.prototype.map.call(fresh.querySelectorAll(".flash"), function (flash) {
      return flash.textContent.trim();
    });
  }

  function replaceRegions(name, page, submitter) {
    var selector = "[data-inplace-region='" + name.replace(/'/g, "") + "']";
    var fresh = page.querySelectorAll(selector);
    var here = document.querySelectorAll(selector);
    if (!fresh.length || !here.length) { return false; }
    var focused = null;
    here.forEach(function (region, index) {
      var replacement = document.importNode(fresh[Math.min(index, fresh.length - 1)], true);
      var wasActive = region.contains(submitter);
      region.replaceWith(replacement);
      if (wasActive) { focused = replacement; }
    });
    if (focused) {
      var same = submitter && submitter.name
        ? focused.querySelector("button[name='" + submitter.name + "'][value='" + submitter.value + "']")
        : null;
      var target = same || focused.querySelector("button, a[href]");
      if (target) { target.focus(); }
    }
    return true;
  }

  function samePage(url) {
    var there = new URL(url, window.location.href);
    return there.origin + there.pathname + there.search ===
      window.location.origin + window.location.pathname + window.location.search;
  }

  function send(form, submitter) {
    var region = form.closest("[data-inplace-region]");
    var data = new FormData(form);
    if (submitter && submitter.name) { data.set(submitter.name, submitter.value); }
    if (submitter) { submitter.setAttribute("aria-busy", "true"); submitter.disabled = true; }
    // getAttribute: a button named "action" hides the form's own property of that name.
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "text/html" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("status " + response.status); }
      return response.text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var texts = showFlashes(page);
        if (!replaceRegions(region.dataset.inplaceRegion, page, submitter)) {
          // The region left the page (an unfollowed person leaves the list): the same page
          // is shown anew; another page is gone to.
          var main = document.getElementById("main");
          var freshMain = page.getElementById("main");
          if (!main || !freshMain || samePage(response.url) === false) {
            window.location.assign(response.url);
            return;
          }
          main.replaceWith(document.importNode(freshMain, true));
          document.getElementById("main").focus();
        }
        announce(texts);
      });
    }).catch(function () {
      // Refused, limited or offline: the plain post shows the server's own page.
      form.submit();
    });
  }

  function setUp() {
    if (!window.fetch || !window.FormData || !window.DOMParser) { return; }
    // Capture: this runs before the page-wide guard against double submits.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.closest || !form.closest("[data-inplace-region]")) { return; }
      if (form.dataset.inplaceSending) { event.preventDefault(); return; }
      event.preventDefault();
      form.dataset.inplaceSending = "true";
      send(form, event.submitter || null);
    }, true);
  }

  setUp();
})();
