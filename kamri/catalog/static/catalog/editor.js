/* KAMRI product editor: a small rich-text toolbar over each description (the textarea stays the submitted
   value, so without JavaScript the HTML can still be typed; the server sanitizes it either way), and moving
   images up and down (their position numbers follow). No inline handlers: the CSP forbids them. */
(function () {
  "use strict";
  function setupEditor(box) {
    var area = document.getElementById(box.getAttribute("data-for"));
    var bar = box.querySelector(".rte-bar");
    if (!area || !bar || !document.execCommand) return;
    var surface = document.createElement("div");
    surface.className = "rte-surface";
    surface.contentEditable = "true";
    surface.setAttribute("role", "textbox");
    surface.setAttribute("aria-multiline", "true");
    surface.setAttribute("aria-label", area.labels && area.labels[0] ? area.labels[0].textContent : "");
    var text = area.value;
    surface.innerHTML = /<[a-z!\/]/i.test(text) ? text : text.split(/\n+/).filter(Boolean).map(function (line) {
      var p = document.createElement("p"); p.textContent = line; return p.outerHTML;
    }).join("");
    area.hidden = true;
    bar.hidden = false;
    area.parentNode.insertBefore(surface, area);
    function sync() { area.value = surface.innerHTML; }
    surface.addEventListener("input", sync);
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-cmd]");
      if (!button) return;
      event.preventDefault();
      surface.focus();
      var arg = button.getAttribute("data-arg");
      if (button.getAttribute("data-prompt")) {
        arg = window.prompt(button.getAttribute("data-prompt"), "https://");
        if (!arg || !/^(https?:\/\/|mailto:)/i.test(arg)) return;
      }
      document.execCommand(button.getAttribute("data-cmd"), false, arg || null);
      sync();
    });
    area.form.addEventListener("submit", sync);
  }
  function renumber(list) {
    list.querySelectorAll('input[name="image_position"]').forEach(function (input, index) { input.value = index + 1; });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".rte").forEach(setupEditor);
    var list = document.getElementById("image-list");
    if (!list) return;
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-move]");
      if (!button) return;
      var row = button.closest(".image-row");
      if (button.getAttribute("data-move") === "up" && row.previousElementSibling) {
        list.insertBefore(row, row.previousElementSibling);
      } else if (button.getAttribute("data-move") === "down" && row.nextElementSibling) {
        list.insertBefore(row.nextElementSibling, row);
      }
      renumber(list);
    });
  });
})();
