// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Preselect the browser's time zone in empty time-zone pickers (register form).
  function detectTimezone() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    document.querySelectorAll("select[data-detect-timezone]").forEach(function (select) {
      if (select.value && select.value !== "UTC") { return; }
      if (select.dataset.userChosen) { return; }
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === zone; });
      if (option) { select.value = zone; }
    });
  }

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

  document.addEventListener("DOMContentLoaded", function () {
    detectTimezone();
    setUpMenu();
    revealCurrentTabs();
  });
})();
