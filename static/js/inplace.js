// Cheer, follow, unfollow, RSVP and "helpful" without leaving the page. Their forms, and the
// parts of a page that change with them (counts, badges, a second cheer button), sit in
// elements marked data-inplace-region="name". The form is posted as it would be (its CSRF
// token, the server's rate limits), the page the server answers with is read, and every
// marked region here is replaced by its new version; the server's message appears in the
// page's message area (a live region, so it is announced) and focus goes to the new button.
// Without this file, or when anything is unexpected, the plain form post does the same with a
// page load.
(function () {
  "use strict";

  var REGION = "[data-inplace-region]";

  // The page's message area, kept from load on: a live region that is already there when its
  // text changes is announced; one inserted with its text often is not.
  function messageArea() {
    var area = document.querySelector(".flashes");
    var main = document.getElementById("main");
    if (!area && main) {
      area = document.createElement("div");
      area.className = "flashes";
      area.setAttribute("role", "status");
      main.insertBefore(area, main.firstChild);
    }
    return area;
  }

  function showMessages(page) {
    var area = messageArea();
    var fresh = page.querySelector(".flashes");
    if (!area) { return; }
    area.textContent = "";
    if (fresh) {
      Array.prototype.forEach.call(fresh.children, function (message) {
        area.appendChild(document.importNode(message, true));
      });
    }
  }

  function regionsByName(root) {
    var found = {};
    root.querySelectorAll(REGION).forEach(function (region) {
      var name = region.dataset.inplaceRegion;
      (found[name] = found[name] || []).push(region);
    });
    return found;
  }

  // Every marked region of this page takes its new version (the n-th of a name the n-th);
  // returns the new version of ``active``, or null when the new page has none of its name.
  function replaceRegions(page, active) {
    var fresh = regionsByName(page);
    var here = regionsByName(document);
    var replacement = null;
    Object.keys(here).forEach(function (name) {
      var versions = fresh[name];
      if (!versions) { return; }
      here[name].forEach(function (region, index) {
        var next = document.importNode(versions[Math.min(index, versions.length - 1)], true);
        region.replaceWith(next);
        if (region === active) { replacement = next; }
      });
    });
    return replacement;
  }

  function focusIn(region, submitter) {
    var same = submitter && submitter.name
      ? region.querySelector("button[name='" + submitter.name + "'][value='" + submitter.value + "']")
      : null;
    var target = same || region.querySelector("button, a[href]");
    if (target) { target.focus(); }
  }

  function samePage(url) {
    var there = new URL(url, window.location.href);
    return there.origin + there.pathname + there.search ===
      window.location.origin + window.location.pathname + window.location.search;
  }

  // The region left the page (an unfollowed person leaves the list): the page's main part is
  // shown anew, keeping its message area.
  function redrawMain(page) {
    var main = document.getElementById("main");
    var freshMain = page.getElementById("main");
    if (!main || !freshMain) { return false; }
    var area = messageArea();
    var next = document.importNode(freshMain, true);
    var freshArea = next.querySelector(".flashes");
    if (freshArea) { freshArea.remove(); }
    next.insertBefore(area, next.firstChild);
    main.replaceWith(next);
    next.focus();
    return true;
  }

  function apply(response, html, region, submitter) {
    var page = new DOMParser().parseFromString(html, "text/html");
    if (!samePage(response.url)) { window.location.assign(response.url); return; }
    var replacement = replaceRegions(page, region);
    if (replacement) { focusIn(replacement, submitter); }
    else if (!redrawMain(page)) { window.location.assign(response.url); return; }
    showMessages(page);
  }

  function send(form, submitter) {
    var region = form.closest(REGION);
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
      return response.text().then(function (html) { apply(response, html, region, submitter); });
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
      if (!form.closest || !form.closest(REGION) || !form.querySelector("[name='csrf_token']")) { return; }
      event.preventDefault();
      if (form.dataset.inplaceSending) { return; }
      form.dataset.inplaceSending = "true";
      send(form, event.submitter || null);
    }, true);
    document.addEventListener("DOMContentLoaded", function () {
      if (document.querySelector(REGION)) { messageArea(); }
    });
  }

  setUp();
})();
