// The companion on the inventory form: "Ask me a question", ask again, dismiss and pin, in
// place. Without this file the same buttons post the whole form and the page comes back with
// the questions shown and every typed word kept.
(function () {
  "use strict";

  var ACTIONS = "button[name='companion_ask'], button[name='companion_pin'], button[name='companion_dismiss']";

  // In place, these buttons send nothing: pressing Enter in a field still saves the form.
  function keepFromSubmitting(root) {
    root.querySelectorAll(ACTIONS).forEach(function (button) { button.type = "button"; });
  }

  function say(output, text, className) {
    output.textContent = "";
    var line = document.createElement("p");
    line.className = className;
    line.textContent = text;
    output.appendChild(line);
  }

  function ask(form, box, button) {
    var output = box.querySelector(".companion-output");
    var data = new FormData(form);
    data.set("companion_ask", box.dataset.section);
    button.setAttribute("aria-busy", "true");
    button.disabled = true;
    fetch(box.dataset.url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok && body.html) {
          output.innerHTML = body.html;
          keepFromSubmitting(output);
        } else {
          say(output, body.error || box.dataset.failed, "companion-error");
        }
      });
    }).catch(function () {
      say(output, box.dataset.failed, "companion-error");
    }).then(function () {
      button.removeAttribute("aria-busy");
      button.disabled = false;
    });
  }

  function pin(box, button) {
    var answer = document.getElementById(box.dataset.answer);
    if (!answer) { return; }
    var question = button.dataset.question.replace(/\s+/g, " ").replace(/^#+/, "").trim();
    var text = answer.value.replace(/\s+$/, "");
    answer.value = (text ? text + "\n\n" : "") + "### " + question + "\n\n";
    answer.dispatchEvent(new Event("input", { bubbles: true }));
    var item = button.closest("li");
    var list = item && item.parentNode;
    if (item) { item.remove(); }
    if (list && !list.querySelector("li")) {
      // The last question is in the answer: say so where the list was, keep Ask again.
      var note = document.createElement("p");
      note.className = "companion-note";
      note.textContent = box.dataset.pinned;
      var intro = box.querySelector(".companion-intro");
      if (intro) { intro.remove(); }
      list.replaceWith(note);
    }
    answer.focus();
    answer.setSelectionRange(answer.value.length, answer.value.length);
  }

  function dismiss(box) {
    box.querySelector(".companion-output").textContent = "";
    box.querySelector(".companion-ask").focus();
  }

  function setUp() {
    var form = document.querySelector("form.inventory-form");
    if (!form || !window.fetch || !window.FormData) { return; }
    keepFromSubmitting(form);
    form.addEventListener("click", function (event) {
      var button = event.target.closest(ACTIONS);
      var box = button && button.closest("[data-companion]");
      if (!box) { return; }
      event.preventDefault();
      if (button.name === "companion_ask") { ask(form, box, button); }
      else if (button.name === "companion_pin") { pin(box, button); }
      else { dismiss(box); }
    });
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
