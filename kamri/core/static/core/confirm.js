/* Asks for confirmation before a form with data-confirm="…" is submitted (or a button with it is used).
   Replaces inline onsubmit/onclick attributes, which the Content Security Policy forbids. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var text = form && form.getAttribute && form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);
  document.addEventListener("click", function (event) {
    var target = event.target && event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (!target || target.tagName === "FORM") return;
    if (!window.confirm(target.getAttribute("data-confirm"))) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);
})();
