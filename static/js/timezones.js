// Time-zone pickers: a search box above the <select> narrows its options as one types
// (a city, a country, "Asia/Tokyo" or "+9"; in either language, hiragana matching katakana).
// Without this file the <select>, grouped by region, works on its own.
(function () {
  "use strict";

  function normalize(text) {
    var folded = (text || "").normalize ? text.normalize("NFKC") : (text || "");
    // Hiragana to katakana: "とうきょう" finds nothing, but "ろさんぜるす" finds ロサンゼルス.
    folded = folded.replace(/[\u3041-\u3096]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) + 0x60);
    });
    return folded.toLowerCase().replace(/\s+/g, " ").trim();
  }

  // The browser's own zone, chosen while the field still holds the default.
  function preselectBrowserZone(select) {
    if (!select.hasAttribute("data-detect-timezone")) { return; }
    if (select.value && select.value !== "UTC") { return; }
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    var option = Array.prototype.find.call(select.options, function (o) { return o.value === zone; });
    if (option) { select.value = zone; }
  }

  function setUpPicker(select, index) {
    // What the select holds, group by group, to rebuild it from on every search.
    var groups = [];
    Array.prototype.forEach.call(select.children, function (child) {
      var options = child.tagName === "OPTGROUP" ? Array.prototype.slice.call(child.children) : [child];
      groups.push({ node: child.tagName === "OPTGROUP" ? child : null, options: options.map(function (o) {
        return { option: o, text: normalize(o.text + " " + (o.getAttribute("data-search") || "")) };
      }) });
    });

    var box = document.createElement("div");
    box.className = "zone-search";
    var input = document.createElement("input");
    input.type = "search";
    input.id = (select.id || "zone-" + index) + "-search";
    input.setAttribute("aria-label", select.dataset.searchLabel || "Search");
    input.setAttribute("aria-controls", select.id);
    input.placeholder = select.dataset.searchPlaceholder || "";
    input.autocomplete = "off";
    var status = document.createElement("small");
    status.className = "zone-search-status";
    status.setAttribute("aria-live", "polite");
    status.id = input.id + "-status";
    input.setAttribute("aria-describedby", status.id);
    box.appendChild(input);
    box.appendChild(status);
    select.parentNode.insertBefore(box, select);

    function filter() {
      var terms = normalize(input.value).split(" ").filter(Boolean);
      var chosen = select.value;
      var count = 0;
      var keptChosen = false;
      select.textContent = "";
      groups.forEach(function (group) {
        var matches = group.options.filter(function (item) {
          var hit = terms.every(function (term) { return item.text.indexOf(term) !== -1; });
          return hit || (!terms.length);
        });
        count += matches.length;
        if (!matches.length) { return; }
        var parent = group.node || select;
        if (group.node) { group.node.textContent = ""; select.appendChild(group.node); }
        matches.forEach(function (item) {
          parent.appendChild(item.option);
          if (item.option.value === chosen) { keptChosen = true; }
        });
      });
      if (!count) {
        // Never an empty select: the current choice stays until something matches.
        groups.some(function (group) {
          return group.options.some(function (item) {
            if (item.option.value !== chosen) { return false; }
            select.appendChild(item.option);
            return true;
          });
        });
        keptChosen = true;
      }
      if (keptChosen) {
        select.value = chosen;
      } else if (select.options.length) {
        select.selectedIndex = 0;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
      if (!terms.length) { status.textContent = ""; }
      else if (!count) { status.textContent = select.dataset.searchNone || ""; }
      else if (count === 1) { status.textContent = select.dataset.searchOne || "1"; }
      else { status.textContent = (select.dataset.searchCount || "{count}").replace("{count}", count); }
    }

    input.addEventListener("input", filter);
    // Enter picks the first match instead of sending the form half filled in.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); select.focus(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-timezone-picker]").forEach(function (select, index) {
      preselectBrowserZone(select);
      setUpPicker(select, index);
    });
  });
})();
