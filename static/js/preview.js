// "Preview" beside each written answer of the inventory form: the server renders the Markdown
// with the same sanitizer as a saved answer, and the region below the field shows it. Without
// this file there is no button; the saved inventory shows the answer as readers see it.
(function () {
  "use strict";

  function labelOf(field) {
    var label = document.querySelector("label[for='" + field.id + "']");
    return label ? label.textContent.replace(/\s+/g, " ").trim() : field.name;
  }

  function setUp() {
    var config = document.querySelector("[data-autosave]");
    var form = config && config.closest("form");
    if (!form || !window.fetch || !window.FormData) { return; }
    var token = form.querySelector("input[name='csrf_token']");
    form.querySelectorAll("textarea[name^='answer_']").forEach(function (field) {
      // Named only while open: a hidden region would also answer to the answer's label.
      var region = document.createElement("div");
      region.id = field.id + "-preview";
      region.className = "answer-preview prose";
      region.setAttribute("aria-live", "polite");
      region.hidden = true;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary outline preview-button";
      button.textContent = config.dataset.preview;
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", region.id);
      var anchor = field.nextElementSibling && field.nextElementSibling.classList.contains("field-error")
        ? field.nextElementSibling : field;
      anchor.insertAdjacentElement("afterend", button);
      button.insertAdjacentElement("afterend", region);

      function close() {
        region.hidden = true;
        region.textContent = "";
        region.removeAttribute("role");
        region.removeAttribute("aria-label");
        button.textContent = config.dataset.preview;
        button.setAttribute("aria-expanded", "false");
      }

      function show(html, failed) {
        region.setAttribute("role", "region");
        region.setAttribute("aria-label", config.dataset.previewOf.replace("{section}", labelOf(field)));
        region.hidden = false;
        region.classList.toggle("preview-failed", !!failed);
        if (html) { region.innerHTML = html; }
        else {
          var note = document.createElement("p");
          note.className = "muted";
          note.textContent = failed ? config.dataset.previewFailed : config.dataset.previewEmpty;
          region.textContent = "";
          region.appendChild(note);
        }
        button.textContent = config.dataset.hidePreview;
        button.setAttribute("aria-expanded", "true");
      }

      button.addEventListener("click", function () {
        if (!region.hidden) { close(); field.focus(); return; }
        var data = new FormData();
        data.set("text", field.value);
        if (token) { data.set("csrf_token", token.value); }
        button.setAttribute("aria-busy", "true");
        fetch(config.dataset.previewUrl, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "Accept": "application/json" }
        }).then(function (response) {
          return response.json().then(function (body) {
            if (response.ok) { show(body.html || "", false); }
            else { show("", true); }
          });
        }).catch(function () {
          show("", true);
        }).then(function () {
          button.removeAttribute("aria-busy");
        });
      });
      // Typing again makes the preview out of date: it closes.
      field.addEventListener("input", function () { if (!region.hidden) { close(); } });
    });
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
