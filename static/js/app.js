// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // The header menu is a <details>. On wide screens it is always shown, so keep it open
  // (keyboards and screen readers then reach every link). On phones it is a toggle: Escape
  // or a tap elsewhere closes it, and focus goes back to its "Menu" button.
  function setUpMenu() {
    var menu = document.querySelector(".menu");
    if (!menu) { return; }
    var summary = menu.querySelector("summary");
    var wide = window.matchMedia("(min-width: 641px)");
    function follow() { menu.open = wide.matches; }
    follow();
    if (wide.addEventListener) { wide.addEventListener("change", follow); }
    else if (wide.addListener) { wide.addListener(follow); }

    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || wide.matches || !menu.open) { return; }
      menu.open = false;
      if (summary) { summary.focus(); }
    });
    document.addEventListener("click", function (event) {
      if (wide.matches || !menu.open || menu.contains(event.target)) { return; }
      menu.open = false;
    });
  }

  // Tabs scroll sideways on phones: bring the current one into view.
  function revealCurrentTabs() {
    document.querySelectorAll(".tabs ul, .subnav ul").forEach(function (list) {
      var current = list.querySelector("[aria-current='page']");
      if (!current || list.scrollWidth <= list.clientWidth) { return; }
      var left = current.getBoundingClientRect().left - list.getBoundingClientRect().left + list.scrollLeft;
      list.scrollLeft = Math.max(0, left - (list.clientWidth - current.offsetWidth) / 2);
    });
  }

  // "Copy the link" buttons copy their field's text. Without this file (or without the
  // Clipboard API) they stay hidden and the read-only field can be selected by hand. The
  // result is said in the live region beside the button.
  function setUpCopyButtons() {
    if (!navigator.clipboard || !navigator.clipboard.writeText) { return; }
    document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
      var source = document.getElementById(button.dataset.copyTarget);
      var status = document.getElementById(button.dataset.copyStatus || "");
      if (!source) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        function say(text) { if (status) { status.textContent = text; } }
        say("");
        navigator.clipboard.writeText(source.value).then(
          function () { say(button.dataset.copied); },
          function () { source.select(); say(button.dataset.copyFailed); }
        );
      });
    });
  }

  // A form sent twice (a double click, an impatient second press) would post twice. Once a
  // POST form is on its way, further submits are ignored and its buttons show they are busy.
  // They are disabled only on the next tick: the browser has then read the pressed button's
  // name and value (the inventory form's action=save or action=share) into what it sends.
  var SUBMITS = "button:not([type]), button[type='submit'], input[type='submit']";
  function guardDoubleSubmits() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (event.defaultPrevented || (form.method || "").toLowerCase() !== "post") { return; }
      if (form.dataset.sending) { event.preventDefault(); return; }
      form.dataset.sending = "true";
      var pressed = event.submitter || form.querySelector("[type='submit']");
      window.setTimeout(function () {
        form.querySelectorAll(SUBMITS).forEach(function (button) {
          button.disabled = true;
        });
        if (pressed) { pressed.setAttribute("aria-busy", "true"); }
      }, 0);
    });
    // Coming back with the Back button may show the page as it was left: make it usable.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) { return; }
      document.querySelectorAll("form[data-sending]").forEach(function (form) {
        delete form.dataset.sending;
        form.querySelectorAll("[aria-busy]").forEach(function (button) { button.removeAttribute("aria-busy"); });
        form.querySelectorAll(SUBMITS).forEach(function (button) {
          button.disabled = false;
        });
      });
    });
  }

  // Collapsed on a phone so the form comes first; on a wide screen there is room to read it.
  function openWhenWide() {
    if (!window.matchMedia("(min-width: 1024px)").matches) return;
    document.querySelectorAll("details[data-open-when-wide]").forEach(function (details) {
      details.open = true;
    });
  }

  guardDoubleSubmits();

  // "Print or save as PDF": the page's print stylesheet does the rest.
  function setUpPrintButtons() {
    document.querySelectorAll("button[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    revealCurrentTabs();
    setUpCopyButtons();
    openWhenWide();
    setUpPrintButtons();
  });
})();
